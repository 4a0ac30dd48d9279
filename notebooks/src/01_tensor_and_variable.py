# %% [markdown]
# # 1 · Tensor and Variable are one thing now
#
# Older PyTorch code wraps tensors in `Variable` before autograd will track them. Since
# PyTorch 0.4 every tensor can track gradients itself. After this notebook you will be able
# to read such old code, say what `requires_grad` is by default, and switch it on for a
# tensor you already have.
#
# Every code cell runs as it would under PyTorch: we import gradnb *as* `torch`, and it
# prints what PyTorch 2.13 prints.

# %%
%load_ext gradnb
import gradnb as torch

# %% [markdown]
# ## A tensor does not require grad unless you ask
#
# Let us make a small matrix. `torch.range` is the old, *inclusive* cousin of
# `torch.arange`; PyTorch still accepts it but warns that it is deprecated. Nothing in the
# printout mentions gradients, and indeed the flag is off:

# %%
lis = torch.range(1, 6).reshape((-1, 3))
print(lis)
print(lis.requires_grad)

# %% [markdown]
# **`requires_grad` is `False` by default.** Autograd records operations only on tensors
# that ask for it, so ordinary number crunching costs nothing extra. To change the flag
# on a tensor you already have, call `requires_grad_()`: the trailing underscore means
# *in place*, and it returns the same tensor, which is why the REPL echoes it (now ending
# with `requires_grad=True`).

# %%
lis.requires_grad_()

# %% [markdown]
# `lis` is still a float32 *leaf*: a tensor you created yourself, not the result of an
# operation.

# %%
lis.dtype, lis.is_leaf

# %% [markdown]
# ### `range` versus `arange`
#
# `torch.range(1, 6)` includes 6 and gives floats unless you pass `dtype=`;
# `torch.arange(1, 7)` stops *before* 7, like Python's `range`, and keeps integers as
# integers. Prefer `arange`.

# %%
torch.arange(1, 7), torch.range(1, 6).dtype, torch.range(1, 6, dtype=torch.int64).dtype

# %% [markdown]
# Integer tensors cannot require gradients at all: a derivative needs real numbers.

# %% tags=["raises-exception"]
torch.arange(3).requires_grad_()

# %% [markdown]
# ## `Variable` still exists, as a thin alias
#
# In PyTorch 0.3 you wrote `Variable(tensor)` to make autograd track a tensor. The name
# survives so that old code keeps running, but it only accepts tensors. Passing a Python
# `range`, as some old tutorials do, fails:

# %%
from gradnb.autograd import Variable

# %% tags=["raises-exception"]
Variable(range(6))

# %% [markdown]
# Wrap a tensor instead. The old-style constructor `torch.FloatTensor(...)` happily takes a
# `range`:

# %%
tensor = torch.FloatTensor(range(8)).reshape((-1, 4))
my_ten = Variable(tensor)
print(my_ten)
print(my_ten.requires_grad)

# %% [markdown]
# What came back is not a special wrapper. It is an ordinary tensor that shares its
# storage with `tensor`:

# %%
print(type(my_ten))
print(my_ten.data_ptr() == tensor.data_ptr())

# %% [markdown]
# So why does `isinstance(my_ten, Variable)` still say `True`? Not because `my_ten` is a
# Variable: `Variable` answers `isinstance` with "is it a tensor?", so that old checks
# like `if isinstance(x, Variable):` keep working. Any tensor passes, even a fresh one:

# %%
isinstance(my_ten, Variable), isinstance(torch.zeros(1), Variable)

# %% [markdown]
# It is, however, a *new* tensor object, so switching on `requires_grad` for `my_ten`
# leaves `tensor` alone:

# %%
my_ten.requires_grad_()
my_ten is tensor, my_ten.requires_grad, tensor.requires_grad

# %% [markdown]
# `Variable(t, requires_grad=True)` does both steps at once, as `torch.tensor(...,
# requires_grad=True)` does for new data.

# %%
Variable(tensor, requires_grad=True).requires_grad

# %% [markdown]
# ## Why Tensor replaced Variable
#
# Before 0.4 there were two kinds of object: `Tensor` held numbers, `Variable` held a
# tensor plus the autograd state (`.grad`, `.grad_fn`, `requires_grad`). Every
# library function had to know which one it was given. Merging them means one type
# carries both, and `requires_grad` says whether autograd should care. That flag is the
# switch the rest of these tutorials are about.
#
# ## Recap
#
# - `requires_grad` is `False` by default; `t.requires_grad_()` turns it on in place.
# - Only floating-point tensors can require gradients.
# - `Variable(t)` still works but just returns a tensor sharing `t`'s storage;
#   `Variable(range(6))` is an error; `isinstance(t, Variable)` is true of every tensor.
# - Use `torch.arange` rather than the deprecated, inclusive `torch.range`.
#
# ## Exercise
#
# `torch.arange(1, 7).reshape((-1, 3))` cannot require grad (it holds integers). Replace
# `...` with an expression that makes the same numbers in a tensor that *can*, and run
# the cell: the check compares values and dtype. When it says Right,
# `t.requires_grad_()` will work.

# %% tags=["view"]
import gradnb
t = ...
gradnb.check(t, torch.tensor([[1., 2., 3.], [4., 5., 6.]]), what="t",
             hint="keep arange and reshape, and make floats: .float(), or "
                  "dtype=torch.float32")
