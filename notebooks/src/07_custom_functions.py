# %% [markdown]
# # 7 · Custom autograd functions and second derivatives
#
# Every operation autograd records has a backward rule. You can write your own: a
# `torch.autograd.Function` with a `forward` and a `backward`. After this notebook you
# will be able to write one, watch its backward run, check it against finite
# differences, and take a derivative of a derivative (`create_graph=True`), looking at
# the graph that the gradient itself carries.

# %%
%load_ext gradnb
import gradnb as torch
from gradnb.autograd import Function

# %% [markdown]
# ## Writing a Function
#
# We write the logistic sigmoid, `s(x) = 1 / (1 + exp(-x))`, by hand. Its derivative is
# `s(x) * (1 - s(x))`: it needs only the *output*, so `forward` saves the output for
# backward with `ctx.save_for_backward`, and `backward` reads it back from
# `ctx.saved_tensors`. `backward` receives the gradient of the final result with respect
# to our output and returns the gradient with respect to our input (the chain rule, one
# step).

# %%
class Sigmoid(Function):
    @staticmethod
    def forward(ctx, x):
        out = 1 / (1 + (-x).exp())
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * out * (1 - out)

# %% [markdown]
# Call it through `Sigmoid.apply` (never `Sigmoid()(x)`, and never `forward` directly:
# `apply` is what records the node). The result's `grad_fn` is a node named after the
# class:

# %%
x = torch.tensor([-2., 0., 3.], requires_grad=True)
y = Sigmoid.apply(x)
print(y)

# %% [markdown]
# Inside `forward`, autograd records nothing: the operations there are *our*
# implementation, and our `backward` replaces their gradients. So the graph has one node
# for the whole sigmoid, not one per `exp`, add and divide.

# %% tags=["view"]
loss = (y * y).sum()
%grad_graph loss

# %% [markdown]
# ## Watching its backward
#
# Step through the backward pass: `SumBackward0` and `MulBackward0` run first, then
# our `SigmoidBackward`, which calls the `backward` we wrote, and finally `x`'s
# `AccumulateGrad`.

# %% tags=["view"]
%grad_backward loss

# %%
x.grad

# %% [markdown]
# Compare with the built-in `torch.sigmoid`: the same numbers.

# %%
x2 = x.detach().requires_grad_()
(torch.sigmoid(x2) ** 2).sum().backward()
x2.grad

# %% [markdown]
# ## Checking a backward with `gradcheck`
#
# A wrong `backward` raises no error; it silently returns wrong gradients. `gradcheck`
# compares the gradients your `backward` computes with finite differences
# (`(f(x + eps) - f(x - eps)) / 2 eps`, element by element). It needs double precision
# (`float64`): in float32 the differences are too noisy to compare.

# %%
torch.manual_seed(0)
x64 = torch.randn(5, dtype=torch.float64, requires_grad=True)
torch.autograd.gradcheck(Sigmoid.apply, (x64,))

# %% [markdown]
# Here is a subtly wrong version: it forgets the factor `out`. With
# `raise_exception=False`, gradcheck answers `False` instead of raising:

# %%
class WrongSigmoid(Sigmoid):
    @staticmethod
    def backward(ctx, grad_output):
        (out,) = ctx.saved_tensors
        return grad_output * (1 - out)

torch.autograd.gradcheck(WrongSigmoid.apply, (x64,), raise_exception=False)

# %% [markdown]
# ## Second derivatives: `create_graph=True`
#
# Normally, backward's own arithmetic is not recorded: gradients come out as plain
# tensors. With `create_graph=True`, autograd records the backward pass too, so the
# gradient has a `grad_fn` and can be differentiated again. Take `f(t) = t³` at `t = 2`:
# `f'(t) = 3t² = 12` and `f''(t) = 6t = 12`.

# %%
t = torch.tensor(2., requires_grad=True)
f = t ** 3
(df,) = torch.autograd.grad(f, t, create_graph=True)
df

# %% [markdown]
# `df` is not a plain number: it carries the graph of how backward computed it from `t`.
# `PowBackward0`'s rule computed `3 * t ** 2`, and with `create_graph=True` those
# operations were recorded: a power of `t`, then a product with the constant 3 (greyed:
# nothing needs its gradient). Here is the gradient's own graph:

# %% tags=["view"]
%grad_graph df

# %% [markdown]
# Backward from `df` differentiates the derivative:

# %%
df.backward()
t.grad

# %% [markdown]
# Our `Sigmoid` supports this too, because its `backward` is written with ordinary
# tensor operations (which autograd records under `create_graph=True`). `gradgradcheck`
# checks second derivatives the way `gradcheck` checks first ones:

# %%
torch.autograd.gradgradcheck(Sigmoid.apply, (x64,))

# %% [markdown]
# ## Recap
#
# - A `Function` pairs a `forward` (not recorded inside) with your `backward`; call it
#   with `.apply`. Save what backward needs with `ctx.save_for_backward`.
# - Its node in the graph is named `<YourClass>Backward`.
# - Always check a new backward with `gradcheck` on `float64` inputs: wrong gradients
#   raise no error on their own.
# - `create_graph=True` records the backward pass, so a gradient can be differentiated
#   again; `gradgradcheck` checks that.
#
# ## Exercises
#
# **1. Fix a backward.** `Cube` computes `x ** 3`, but its `backward` is wrong. Fix the
# `return` line, run the cell, and the check runs `gradcheck` on it.

# %%
class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x * x        # fix me

# %% tags=["view"]
import gradnb
passed = torch.autograd.gradcheck(Cube.apply, (x64,), raise_exception=False)
gradnb.check(passed, True, what="gradcheck(Cube.apply)",
             hint="d(x**3)/dx = 3 * x**2, times the gradient that arrives (grad_output)")

# %% [markdown]
# **2. A second derivative by hand.** For `g(t) = t ** 4` at `t = 1.5`, what is
# `g''(t)`? Replace `...` with your number; the cell computes it with
# `create_graph=True` and checks you.

# %% tags=["view"]
t = torch.tensor(1.5, requires_grad=True)
(dg,) = torch.autograd.grad(t ** 4, t, create_graph=True)
(d2g,) = torch.autograd.grad(dg, t)
my_second_derivative = ...
gradnb.check(my_second_derivative, d2g, what="g''(1.5)",
             hint="differentiate twice: 4 t**3, then 12 t**2")

# %% [markdown]
# **3. Predict the gradient's graph.** Which operations does `dg` (the first derivative
# of `t ** 4`, made with `create_graph=True`) carry? Click the boxes, then press Check.

# %% tags=["view"]
gradnb.graph(dg, predict=True)
