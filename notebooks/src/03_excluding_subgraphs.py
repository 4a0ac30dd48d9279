# %% [markdown]
# # 3 · Excluding subgraphs from gradient computation
#
# Backward only visits the part of a computation that leads to tensors requiring grad;
# everything else is pruned. After this notebook you will know the four ways a
# computation ends up outside autograd (`requires_grad=False`, `torch.no_grad()`,
# `detach()`, and the legacy `volatile`), how to freeze part of a model, and what
# skipping saves in time and memory.

# %%
%load_ext gradnb
import gradnb as torch
from gradnb.autograd import Variable

# %% [markdown]
# ## `requires_grad=False`: excluding an input
#
# The flag works per tensor, and it spreads forward: a result requires grad if *any* input
# does. So a subgraph is excluded exactly when **all** of its inputs have
# `requires_grad=False`. Here `x` is data and `w` a weight:

# %%
x = torch.tensor([1., 2., 3.])
w = torch.tensor([0.5, -1., 2.], requires_grad=True)
scaled = x * 10
loss = (scaled * w).sum()

# %%
scaled.requires_grad, loss.requires_grad

# %% [markdown]
# `scaled` only depends on `x`, so autograd did not record how it was made: the
# multiplication by 10 is drawn dashed and grey, with its reason.

# %% tags=["view"]
%grad_graph loss

# %% [markdown]
# ## `volatile`: the old switch for inference
#
# Before PyTorch 0.4, `Variable` had a second flag, `volatile`. `requires_grad=False` on
# an input excludes only the subgraphs that depend on nothing else; `volatile=True` was
# stronger: anything computed from a volatile Variable was volatile too, so a single
# volatile input switched off graph building for a whole inference pass. The flag is
# gone. It is still accepted, with a warning, and it does nothing:

# %%
t = torch.ones(2)
v = Variable(t, volatile=True)

# %%
v

# %%
v.requires_grad

# %%
t.volatile

# %%
v.volatile

# %% [markdown]
# Setting it has no effect either, and the factories no longer accept it at all:

# %%
t.volatile = True

# %%
t.volatile

# %%
v2 = Variable(t, volatile=False)

# %% tags=["raises-exception"]
torch.ones(2, volatile=True)

# %% [markdown]
# ## `torch.no_grad()`: today's replacement
#
# What `volatile` used to do is now a context: inside `with torch.no_grad():` nothing is
# recorded, whatever the inputs' flags say.

# %%
with torch.no_grad():
    prediction = (x * w).sum()

# %%
prediction.requires_grad, prediction.grad_fn

# %% tags=["view"]
%grad_graph prediction

# %% [markdown]
# ## `detach()`: cutting one edge
#
# `t.detach()` returns a tensor that shares `t`'s data but starts a fresh, untracked
# history. Use it when a value should flow forward but gradients must not flow back
# through it, e.g. a target computed by the model itself.

# %%
h = x * w
target = h.detach()
loss = ((h - target) ** 2 + h).sum()

# %%
target.requires_grad, target.is_leaf

# %% tags=["view"]
%grad_graph loss

# %% [markdown]
# ## Freezing part of a model
#
# Fine-tuning often keeps a pretrained *feature extractor* fixed and trains only a new
# *head*. Set `requires_grad=False` on the extractor's parameters (`Module.requires_grad_`
# does it for all of them): backward then stops at the extractor's output and never
# computes the parameter gradients you would throw away.

# %%
torch.manual_seed(0)
features = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(),
                               torch.nn.Linear(256, 256), torch.nn.ReLU())
head = torch.nn.Linear(256, 10)
model = torch.nn.Sequential(features, head)
inputs = torch.randn(32, 64)
labels = torch.randint(0, 10, (32,))
criterion = torch.nn.CrossEntropyLoss()

# %%
features.requires_grad_(False)
[p.requires_grad for p in model.parameters()]

# %%
loss = criterion(model(inputs), labels)
loss.backward()

# %%
features[0].weight.grad is None, head.weight.grad.shape

# %% [markdown]
# The graph view counts what was skipped: the gradients of the four frozen parameters,
# and the activations autograd did not save because nothing would need them.

# %% tags=["view"]
loss = criterion(model(inputs), labels)
%grad_graph loss

# %% [markdown]
# ### What skipping saves, measured
#
# Time one training step's backward pass with the extractor frozen, then unfrozen.
# (Timings vary from machine to machine; the point is the ratio.)

# %% tags=["nbval-ignore-output"]
%timeit -n 20 -r 5 criterion(model(inputs), labels).backward()

# %%
_ = features.requires_grad_(True)

# %% tags=["nbval-ignore-output"]
%timeit -n 20 -r 5 criterion(model(inputs), labels).backward()

# %% [markdown]
# The frozen run skips the matrix products that would compute the extractor's weight
# gradients, and autograd keeps fewer activations alive between forward and backward.
#
# ## Recap
#
# - A subgraph is excluded when none of its inputs requires grad; autograd records
#   nothing there and backward never visits it.
# - `volatile` is gone (a warning, no effect); use `with torch.no_grad():` for inference.
# - `detach()` cuts gradient flow at one tensor while keeping its value.
# - Freezing parameters with `requires_grad_(False)` saves the time and memory of
#   gradients you do not need.
#
# ## Try it
#
# Freeze only the *first* `Linear` of `features` and draw the graph again: which
# parameters still get gradients, and why does backward still run through the first
# `ReLU`?

# %% tags=["view"]
features[0].requires_grad_(False)
loss = criterion(model(inputs), labels)
%grad_graph loss
