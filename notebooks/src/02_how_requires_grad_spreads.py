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
# `AddBackward0` saves nothing for backward (the gradient of a sum needs no input
# values), so we may call `backward()` again. Gradients **accumulate** in `.grad`:

# %%
x = torch.ones(1)
y = torch.ones(1)
z = x + y
w = torch.ones(1, requires_grad=True)
total = w + z
total.backward()
total.backward()

# %%
w.grad

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
# - `grad_fn.next_functions` leads back through the graph: `AccumulateGrad` for leaves
#   that require grad, `None` for inputs that do not.
#
# ## Try it
#
# Give `x` `requires_grad=True` instead of `w` and draw the graph of `total` again. Which
# parts are greyed now, and what are `x.grad` and `w.grad` after `total.backward()`?

# %% tags=["view"]
x = torch.ones(1, requires_grad=True)
y = torch.ones(1)
z = x + y
w = torch.ones(1)
total = w + z
%grad_graph total
