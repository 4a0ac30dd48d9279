# %% [markdown]
# # 2 · How `requires_grad` spreads
#
# An operation's result requires grad if **any** of its inputs does. After this notebook
# you will be able to predict which tensors in a computation autograd tracks, read
# `grad_fn` and `next_functions`, and see which part of a computation `backward()` skips.

# %%
%load_ext gradnb
import gradnb as torch

# %% [markdown]
# ## Nothing requires grad: nothing is tracked
#
# This is the example from PyTorch's own documentation. `x` and `y` are ordinary tensors,
# so their sum `z` is too.

# %%
x = torch.ones(1)
y = torch.ones(1)
z = x + y

# %%
z.requires_grad

# %% [markdown]
# There is no computation recorded behind `z`, so there is nothing to differentiate:

# %% tags=["raises-exception"]
z.backward()

# %% [markdown]
# ## One input that requires grad is enough
#
# Now add a tensor that does ask for gradients. The result requires grad, even though
# `z` does not:

# %%
w = torch.ones(1, requires_grad=True)
total = w + z

# %%
total.requires_grad

# %% [markdown]
# The graph view shows what autograd recorded. `w` flows into `AddBackward0`, which
# produced `total`. The addition that made `z` is drawn too, greyed and dashed: autograd
# never recorded it (PyTorch keeps no trace of it at all), because none of its inputs
# required grad. Backward will never go there.

# %% tags=["view"]
%grad_graph total

# %% [markdown]
# Run backward. `d total / d w = 1`, and that is exactly what lands in `w.grad`:

# %%
total.backward()

# %%
w.grad

# %% [markdown]
# The other tensors get no gradient at all: `.grad` stays `None` for every tensor that
# does not require grad.

# %%
z.grad == x.grad == y.grad == None

# %%
print(z.grad, x.grad, y.grad)

# %% [markdown]
# ## `grad_fn`: how a tensor was made
#
# A tensor produced by a tracked operation remembers the backward function of that
# operation in `grad_fn`. Leaves you created yourself have none.

# %%
print(total)

# %%
print(total.grad_fn)

# %% [markdown]
# `next_functions` points one step further back, one entry per input. `w` is a leaf, so
# its entry is an `AccumulateGrad` node, the one that writes into `w.grad`; `z` does not
# require grad, so its entry is `None`: backward stops there.

# %%
print(total.grad_fn.next_functions)

# %%
total.grad_fn.next_functions[0][0].variable is w

# %%
total.is_leaf, w.is_leaf, z.is_leaf

# %% [markdown]
# Note that `z` counts as a leaf: it has no `grad_fn`, just like a tensor you typed in.

# %% [markdown]
# ## Step through the backward pass
#
# The animation replays what the engine did: it starts at `total` with gradient 1, runs
# `AddBackward0`, sends the gradient to `w` only, and adds it into `w.grad` (`+=`). Use
# the buttons or the arrow keys.
#
# The animation records a backward pass as it runs, and ours already ran, so we build the
# same example once more (a fresh `w`, whose `.grad` is still `None`):

# %% tags=["view"]
x = torch.ones(1)
y = torch.ones(1)
z = x + y
w = torch.ones(1, requires_grad=True)
total = w + z

# %% tags=["view"]
%grad_backward total

# %% [markdown]
# ## Calling backward twice
#
# `w.grad` is 1 after the animated backward. `AddBackward0` saves nothing for backward
# (the gradient of a sum needs no input values), so we may call `backward()` on the same
# `total` again. Gradients **accumulate** in `.grad`:

# %%
total.backward()
w.grad

# %% [markdown]
# That second call only worked because the sum saved nothing. Most operations do save
# values: `a * a` keeps `a` to compute `d(a*a)/da = 2a`. The first backward frees what
# nodes saved (to give the memory back as early as possible), so a second one fails:

# %%
a = torch.tensor([3.], requires_grad=True)
square = a * a
square.backward()

# %% tags=["raises-exception"]
square.backward()

# %% [markdown]
# Ask the first backward to keep the saved values with `retain_graph=True`. The cell below
# records both passes (`%%grad_trace` shows one replay per backward): each sends `2a = 6`
# into `a.grad`, which adds up.

# %% tags=["view"]
%%grad_trace
a = torch.tensor([3.], requires_grad=True)
square = a * a
square.backward(retain_graph=True)
square.backward()

# %%
a.grad

# %% [markdown]
# ## Choosing whose gradients backward computes
#
# The article says backward always computes the gradients of *all* leaves that require
# grad, and that requires_grad is the only way to choose. **That is not so (any more).**
# `backward(inputs=[...])` accumulates into the listed leaves only, and
# `torch.autograd.grad` returns the gradients instead of storing them, leaving every
# `.grad` untouched:

# %%
p = torch.tensor([2.], requires_grad=True)
q = torch.tensor([5.], requires_grad=True)
(p * q).backward(inputs=[p])
p.grad, q.grad

# %%
torch.autograd.grad(p * q, [q]), q.grad

# %% [markdown]
# ## A reshaped tensor is not a leaf
#
# The article's third example: make a tensor with `requires_grad=True` and reshape it in
# the same line. The name now holds the *result* of `view`, which has a `grad_fn`; it is
# not a leaf, so backward does not store its gradient, and PyTorch warns when you read it:

# %%
m = torch.ones(6, requires_grad=True).view(2, 3)
print(m.is_leaf, m.grad_fn)

# %%
(m * 2).sum().backward()
m.grad

# %% [markdown]
# The gradient went to the leaf you never named (the 6-element tensor). Make the leaf
# last: `torch.ones(2, 3, requires_grad=True)`, or `torch.ones(6).view(2, 3).requires_grad_()`.

# %% [markdown]
# ## Asking for gradients when you create a tensor
#
# Factories take `requires_grad=True` directly:

# %%
my_tensor = torch.zeros(3, 4, requires_grad=True)

# %%
print(my_tensor)

# %% [markdown]
# ## Recap
#
# - A result requires grad if any input does; otherwise autograd records nothing.
# - `backward()` on a tensor that does not require grad is an error.
# - Only leaves that require grad get a `.grad`; it accumulates over backward calls.
# - Backward frees saved values: a second backward needs `retain_graph=True` on the first.
# - `backward(inputs=...)` and `torch.autograd.grad` choose whose gradients to compute.
# - `grad_fn.next_functions` leads back through the graph: `AccumulateGrad` for leaves
#   that require grad, `None` for inputs that do not.
#
# ## Exercise: move `requires_grad`
#
# Now `x` requires grad instead of `w`. Before running anything, predict: which tensors
# are tracked, which operations are recorded? Click the boxes, then press Check.

# %% tags=["view"]
import gradnb
x = torch.ones(1, requires_grad=True)
y = torch.ones(1)
z = x + y
w = torch.ones(1)
total = w + z
gradnb.graph(total, predict=True)

# %% [markdown]
# And after `total.backward()`, what is `x.grad`? Replace `...` with your answer
# (a tensor, or `None`) and run the cell.

# %% tags=["view"]
total.backward()
my_x_grad = ...
gradnb.check(my_x_grad, x.grad, what="x.grad",
             hint="total = w + (x + y): how much does total change when x grows by 1?")
