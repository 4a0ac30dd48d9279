# %% [markdown]
# # 4 · Backward, step by step
#
# `loss.backward()` looks like one call, but the engine runs one small rule per
# operation, passing gradients from the output back to the leaves. After this notebook
# you will be able to follow that pass node by node, explain why gradients accumulate,
# and use `zero_grad`, `retain_grad` and hooks to control and inspect them.

# %%
%load_ext gradnb
import gradnb as torch

# %% [markdown]
# ## A small expression, animated
#
# `a` is used twice, so its gradient has two contributions that the engine adds up
# before writing `a.grad`. Press play, or step with the arrow keys: each step names the
# node that runs and the rule it applies (the chain rule for that one operation).

# %%
a = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.4, requires_grad=True)
c = a * b
d = c + a
e = d.tanh()

# %% tags=["view"]
%grad_backward e

# %% [markdown]
# Check the result by hand: `e = tanh(a·b + a)`, so `de/da = (1 − e²)(b + 1)` and
# `de/db = (1 − e²)·a`.

# %%
a.grad, b.grad

# %%
(1 - e.detach() ** 2) * (b.detach() + 1), (1 - e.detach() ** 2) * a.detach()

# %% [markdown]
# ## Gradients accumulate
#
# Calling backward again (on a freshly built graph) **adds** to `.grad`. This is on
# purpose: it lets you sum gradients over several losses or mini-batches. The tensor
# object stays the same; only its values grow.

# %%
x = torch.tensor([1., 2.], requires_grad=True)
(x * x).sum().backward()
x.grad

# %%
g = x.grad
(x * x).sum().backward()
x.grad

# %%
x.grad is g

# %% [markdown]
# Before the next training step you therefore clear the gradients, in place with
# `zero_()` or by setting them to `None` (what `optimizer.zero_grad()` and
# `model.zero_grad()` do by default):

# %%
x.grad.zero_()

# %%
x.grad = None
(3 * x).sum().backward()
x.grad

# %% [markdown]
# ## `retain_grad()`: keeping an intermediate gradient
#
# Only leaves keep `.grad`. Reading it on an intermediate result gives `None` and a
# warning, unless you ask for it with `retain_grad()` before running backward.

# %%
x = torch.tensor([1., 2.], requires_grad=True)
y = x * 2
y.retain_grad()
z = (y * y).sum()
z.backward()

# %%
y.grad

# %%
x.grad

# %% [markdown]
# ## Hooks: looking at (or changing) a gradient in flight
#
# A hook registered on a tensor runs when that tensor's gradient is computed. If it
# returns a tensor, that replaces the gradient for the rest of the pass.

# %%
x = torch.ones(2, requires_grad=True)
y = x * 2
seen = []
handle = y.register_hook(lambda grad: seen.append(grad.tolist()))
y.sum().backward()
seen, x.grad

# %%
handle.remove()
x.grad = None
h = x.register_hook(lambda grad: grad * 100)
(x * 3).sum().backward()
x.grad

# %% [markdown]
# ## A tiny network, one training step
#
# The same machinery drives a neural network. Here is a 2-4-1 multilayer perceptron on
# four points. The animation shows the backward pass through its layers; the plot shows
# the gradient each parameter received.

# %%
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
points = torch.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
targets = torch.tensor([[0.], [1.], [1.], [0.]])
loss = torch.nn.functional.mse_loss(net(points), targets)

# %% tags=["view"]
%grad_backward loss

# %% [markdown]
# `plot_gradients` draws one panel per parameter, a bar per number (`%matplotlib inline`
# makes the notebook show matplotlib figures as pictures):

# %% tags=["view"]
%matplotlib inline
import gradnb
gradnb.viz.plot_gradients(net)

# %% [markdown]
# An optimizer then uses those gradients to change the parameters, and `zero_grad()`
# clears them for the next step:

# %%
optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
optimizer.step()
optimizer.zero_grad()
net[0].weight.grad is None

# %% [markdown]
# ## Recap
#
# - Backward runs one rule per recorded operation, from the output to the leaves, and
#   adds up contributions where a tensor was used more than once.
# - `.grad` accumulates across backward calls; clear it with `zero_grad()` (or set it
#   to `None`) before each step.
# - `retain_grad()` keeps the gradient of an intermediate result; hooks see or replace
#   gradients as they flow.
#
# ## Exercises
#
# **1. Predict the backward order.** Replace `Tanh` with `ReLU` in `net`. The animation
# below pauses before each step and asks which node runs next; where a hidden unit was
# negative, what gradient does the ReLU node pass on?

# %% tags=["view"]
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
loss = torch.nn.functional.mse_loss(net(points), targets)
%grad_backward loss --predict

# %% [markdown]
# **2. A gradient by hand.** For `e = tanh(a * b + a)` with `a = 0.5`, `b = 0.4` (the
# first example), work out `de/da` with the chain rule, type it in place of `...` (a
# number or a tensor: `torch.tensor(0.7).tanh()` computes a tanh) and run the cell.

# %% tags=["view"]
a = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.4, requires_grad=True)
(a * b + a).tanh().backward()
my_de_da = ...
gradnb.check(my_de_da, a.grad, what="de/da", rtol=1e-4,
             hint="de/da = (1 - tanh(d)**2) * dd/da, and a reaches d twice: "
                  "dd/da = b + 1")
