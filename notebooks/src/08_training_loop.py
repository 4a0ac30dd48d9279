# %% [markdown]
# # 8 · A training loop you can watch
#
# Training is autograd in a loop: compute a loss, call backward, move each parameter a
# little against its gradient, clear the gradients, repeat. After this notebook you will
# be able to write that loop by hand, replace the update with `torch.optim.SGD`, watch
# the parameters and their gradients change, and recognise the most common training
# bug: gradients that are never cleared.

# %%
%load_ext gradnb
%matplotlib inline
import gradnb as torch
from matplotlib.figure import Figure

# %% [markdown]
# ## The data: a noisy line
#
# Twenty points near the line `y = 2x - 1`. We will fit a slope `w` and an intercept `b`
# and see whether they come out near 2 and -1. The seed makes the noise the same on
# every run (and the same as PyTorch's).

# %%
torch.manual_seed(0)
x = torch.linspace(-1, 1, 20)
y = 2 * x - 1 + 0.1 * torch.randn(20)
y[:5]

# %% [markdown]
# The parameters start at zero and require grad; everything else is data.

# %%
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)

# %% [markdown]
# ## One step, by hand
#
# The loss is the mean squared error of the line's predictions. Predict before running:
# which tensors does backward reach, and in what order? The animation pauses before
# each step and asks.

# %%
def mse(w, b):
    return ((w * x + b - y) ** 2).mean()

loss = mse(w, b)
loss

# %% tags=["view"]
%grad_backward loss --predict

# %%
w.grad, b.grad

# %% [markdown]
# `w.grad` is negative: a steeper slope would lower the loss. `b.grad` is positive: a
# lower intercept would. So we step *against* each gradient. The update must not be
# recorded (it is not part of the model's computation, and an in-place change to a leaf
# that requires grad is refused anyway), hence `torch.no_grad()`. Then clear the
# gradients, because backward *adds* into them.

# %%
learning_rate = 0.3
with torch.no_grad():
    w -= learning_rate * w.grad
    b -= learning_rate * b.grad
w.grad = None
b.grad = None
mse(w, b)

# %% [markdown]
# The loss fell from 2.56 to 1.14. That is the whole algorithm; a loop repeats it.
#
# ## The loop

# %%
def fit_by_hand(steps, lr):
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    losses = []
    for step in range(steps):
        loss = mse(w, b)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
        losses.append(loss.item())
    return w, b, losses

w_hand, b_hand, losses_hand = fit_by_hand(40, 0.3)
w_hand, b_hand, round(losses_hand[-1], 4)

# %% [markdown]
# Slope and intercept came out close to 2 and -1. A picture of the loss per step shows
# how quickly:

# %%
def plot_losses(**runs):
    figure = Figure(figsize=(6, 3))
    axes = figure.subplots()
    for label, losses in runs.items():
        axes.plot(losses, label=label)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.set_yscale("log")
    axes.legend()
    return figure

plot_losses(by_hand=losses_hand)

# %% [markdown]
# ## The same loop with an optimizer
#
# `torch.optim.SGD` does the update for every parameter you give it
# (`p -= lr * p.grad`, under `no_grad`), and `zero_grad()` clears them all. From the same
# starting point it follows the same path, number for number. We reset the watched `w`
# and `b` to zero in place (under `no_grad`, as any change to them outside the model)
# and train them:

# %%
with torch.no_grad():
    w.zero_()
    b.zero_()
optimizer = torch.optim.SGD([w, b], lr=0.3)
losses_sgd = []
for step in range(40):
    optimizer.zero_grad()
    loss = mse(w, b)
    loss.backward()
    optimizer.step()
    losses_sgd.append(loss.item())
w, b, losses_sgd == losses_hand

# %% [markdown]
# `%grad_watch` puts the parameters in a table that keeps itself up to date as later
# cells change them. Right now it shows the trained `w` and `b`: still leaves, with no
# `grad_fn` (the in-place updates ran under `no_grad`), and the *last* step's gradients
# still in `.grad`, because `zero_grad()` runs at the start of each step, not the end.
# The table marks those gradients *stale*: they were computed for the values `w` and `b`
# had before the last `optimizer.step()` changed them in place.

# %% tags=["view"]
%grad_watch w b
#
# ## The stale-gradient mistake
#
# Leave out `optimizer.zero_grad()`. Nothing raises; each backward adds the new gradient
# to all the previous ones, so every step moves by the *sum* of all gradients so far:

# %%
def fit_with_sgd(steps, lr, clear=True):
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for step in range(steps):
        if clear:
            optimizer.zero_grad()
        loss = mse(w, b)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return w, b, losses

w_stale, b_stale, losses_stale = fit_with_sgd(40, 0.3, clear=False)
w_stale, b_stale

# %% [markdown]
# After 40 steps they are nowhere near 2 and -1. Each step is pushed by every past
# gradient, which act like momentum that never fades: the parameters overshoot and swing
# around the answer, and the loss jumps up and down instead of settling. The loss curve
# shows it plainly:

# %%
plot_losses(cleared=losses_sgd, never_cleared=losses_stale)

# %% [markdown]
# **Fix:** clear gradients once per step, before the backward of that step
# (`optimizer.zero_grad()`, or `model.zero_grad()`).
#
# ## Recap
#
# - A training step: loss, `backward()`, update under `torch.no_grad()`, clear `.grad`.
# - `torch.optim.SGD` performs exactly the manual update; `zero_grad()` clears.
# - Forgetting to clear raises nothing: the loss curve is how you notice.
#
# ## Exercises
#
# **1. A gradient by hand.** At `w = 0`, `b = 0` the loss is `mean((0 - y)²)`, so its
# gradient with respect to `b` is `mean(2 * (0 - y))`. Compute it from `y` (a tensor
# expression is fine) in place of `...`; the cell checks it against backward.

# %% tags=["view"]
import gradnb
w0 = torch.zeros(1, requires_grad=True)
b0 = torch.zeros(1, requires_grad=True)
mse(w0, b0).backward()
my_b_grad = ...
gradnb.check(my_b_grad, b0.grad.item(), what="d loss / d b at zero", rtol=1e-4,
             hint="(-2 * y).mean()")

# %% [markdown]
# **2. Pick a learning rate.** Choose a learning rate (a float in place of `...`) with
# which the eighth step of `fit_with_sgd` has a loss below 0.009.

# %% tags=["view"]
my_lr = ...
final_loss = fit_with_sgd(8, my_lr)[2][-1] if isinstance(my_lr, float) else float("nan")
gradnb.check(final_loss < 0.009, True, what="loss at step 8 below 0.009",
             hint="0.3 (used above) is too slow for 8 steps; above about 0.9 the steps "
                  "overshoot; try values in between")
