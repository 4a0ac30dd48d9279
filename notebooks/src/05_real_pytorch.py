# %% [markdown]
# # 5 · gradnb with real PyTorch
#
# The earlier tutorials ran on gradnb's own tensors (`import gradnb as torch`). The views
# work just as well on **real PyTorch**: keep `import torch`, add `%load_ext gradnb`, and
# you get the live graph with the parts autograd skipped, the animated backward pass,
# the inspector and the tensor badges for your own models. After this notebook you will
# be able to draw and animate what PyTorch's autograd does in any notebook of yours.
#
# This notebook needs PyTorch. If `import torch` fails, install the CPU build:
# `pip install torch --index-url https://download.pytorch.org/whl/cpu` (the Binder
# environment of these tutorials does not include it, to keep Binder quick to start).

# %%
import torch
%load_ext gradnb

# %% [markdown]
# From the moment both are loaded (in either order), gradnb notes, for every torch
# operation, whether autograd recorded it and if not, why. PyTorch itself keeps no
# record of the operations it skips.
#
# ## The article's example, on real tensors
#
# `x` and `y` are constants; `w` requires grad. Before you draw the graph, predict: which
# parts will backward from `total` visit, and which will it skip?

# %%
x = torch.ones(1)
y = torch.ones(1)
z = x + y
w = torch.ones(1, requires_grad=True)
total = w * z

# %% tags=["view"]
%grad_graph total

# %% [markdown]
# The add that made `z` is greyed and dashed: none of its inputs requires grad, so
# autograd never recorded it and backward will not visit it. Ask PyTorch itself and it
# agrees: `total`'s node has an AccumulateGrad for `w` and nothing (`None`) for `z`.

# %%
total.grad_fn.next_functions[1]

# %%
z.grad_fn, z.requires_grad

# %% [markdown]
# ## PyTorch's backward, animated
#
# `%grad_backward total` runs PyTorch's own `total.backward()` and records each step
# through autograd's hooks: the node that runs with its rule, the gradient sent along
# each edge, and the `+=` into `w.grad`. Step through it with the buttons or the arrow
# keys.

# %% tags=["view"]
%grad_backward total

# %%
w.grad

# %% [markdown]
# ## A training step with a frozen layer
#
# A common pattern: keep a pretrained first layer fixed and train only the head. Freezing
# is just `requires_grad_(False)` on the layer's parameters. Predict first: which
# operations of the forward pass will autograd record?

# %%
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
model[0].requires_grad_(False)
inputs = torch.randn(8, 3)
targets = torch.randn(8, 1)
loss = torch.nn.functional.mse_loss(model(inputs), targets)

# %% tags=["view"]
%grad_graph loss

# %% [markdown]
# Everything before the second layer is pruned: the first layer's `linear` and the `relu`
# had no input that requires grad (the data is a constant and the layer is frozen), so
# PyTorch ran them as plain computations. Parameters are named as in the model
# (`model.0.weight`), and the summary counts the gradient buffers that were never
# allocated. PyTorch's own graph starts at the second layer:

# %%
[name for name, p in model.named_parameters() if p.requires_grad]

# %% [markdown]
# Watch the parameters while training: the inspector follows later cells.

# %% tags=["view"]
%grad_watch model.0.weight model.2.weight model.2.bias

# %% tags=["view"]
%grad_backward loss

# %%
optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
optimizer.step()
model[0].weight.grad is None, model[2].weight.grad is not None

# %% [markdown]
# Run a second backward without `zero_grad()` and the inspector marks the head's
# gradients as the *sum of 2 passes*: a reminder that `.grad` accumulates.

# %%
loss = torch.nn.functional.mse_loss(model(inputs), targets)
loss.backward()

# %% [markdown]
# ## Your own autograd.Function
#
# A custom `torch.autograd.Function` appears under its own node name, and its backward
# rule is the source of your `backward` method.

# %%
class Cube(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a ** 3

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return 3 * a ** 2 * grad


a = torch.tensor([1., 2.], requires_grad=True)
cubed = Cube.apply(a).sum()

# %% tags=["view"]
%grad_backward cubed

# %%
a.grad

# %% [markdown]
# ## What the recorder costs
#
# Noting every torch operation costs a few microseconds per op on top of PyTorch (see
# `bench/bench_torch_recorder.py`). For a long training loop you do not need to draw,
# switch it off and on again:

# %% tags=["view"]
%gradnb record off

# %% tags=["view"]
%gradnb record on

# %% [markdown]
# ## Recap
#
# - `import torch` then `%load_ext gradnb`: every view works on real tensors, modules
#   and parameters, with the same pictures as gradnb's own tensors.
# - Grey, dashed parts are what autograd skipped, with the reason: no input requires
#   grad, `no_grad`, `inference_mode`, `detach()`.
# - `%grad_backward` animates PyTorch's own backward; the gradients it shows are the
#   ones PyTorch puts in `.grad`.
#
# ## Check yourself
#
# Which tensors get a `.grad` when the first layer is frozen *and* the input requires
# grad (as when you compute a saliency map)? The set below is a first guess; run the
# cell, and if the check says "not quite", think about why before you fix the set.
# (Hint: a frozen layer still passes gradients *through* to its input.)

# %%
prediction = {"0.weight", "2.weight", "2.bias"}
torch.manual_seed(0)
saliency_inputs = torch.randn(8, 3, requires_grad=True)
torch.nn.functional.mse_loss(model(saliency_inputs), targets).backward()
got = {name for name, p in model.named_parameters() if p.grad is not None}
got |= {"inputs"} if saliency_inputs.grad is not None else set()
"right!" if got == prediction else f"not quite: these got a .grad: {sorted(got)}"
