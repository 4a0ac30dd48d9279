# %% [markdown]
# # 6 · Common mistakes, and how to read them
#
# Autograd's errors are short, and some mistakes raise no error at all: the numbers are
# just wrong. After this notebook you will recognise the seven errors learners meet most,
# know what each one means and how to fix it, and be able to spot four silent mistakes
# before they cost you a training run.
#
# Every error below is PyTorch's exact message. With `%load_ext gradnb`, a "why" panel
# under the error says in plain words what happened and draws the tensors involved,
# with the culprit highlighted.

# %%
%load_ext gradnb
import gradnb as torch

# %% [markdown]
# ## Part 1: mistakes that raise
#
# Each section shows the mistake, what you see, why it happens, and the fix.
#
# ### 1. Backward from something that does not require grad
#
# **Mistake:** none of the inputs asked for gradients, so nothing was recorded.

# %% tags=["raises-exception"]
x = torch.tensor([1., 2., 3.])
loss = (x * 2).sum()
loss.backward()

# %% [markdown]
# **Why:** `loss` has no `grad_fn`: there is no graph to walk back through. **Fix:** make
# the tensor you want gradients for require them *before* computing with it.

# %%
x = torch.tensor([1., 2., 3.], requires_grad=True)
loss = (x * 2).sum()
loss.backward()
x.grad

# %% [markdown]
# ### 2. Backward through the same graph twice
#
# **Mistake:** `exp` saves its result for backward (`d exp(x)/dx = exp(x)`); the first
# backward frees that saved value.

# %%
x = torch.tensor([0., 1.], requires_grad=True)
loss = x.exp().sum()
loss.backward()

# %% tags=["raises-exception"]
loss.backward()

# %% [markdown]
# **Why:** saved values are freed as soon as backward has used them, to return memory
# early. **Fix:** usually, recompute the forward pass (a training loop does that anyway).
# If you really need two passes over one graph, ask the first to keep it:
# `loss.backward(retain_graph=True)`.

# %%
x.grad = None
loss = x.exp().sum()
loss.backward(retain_graph=True)
loss.backward()
x.grad

# %% [markdown]
# ### 3. An in-place change to a leaf that requires grad
#
# **Mistake:** updating a weight in place, outside `no_grad`.

# %% tags=["raises-exception"]
w = torch.tensor([1., 2., 3.], requires_grad=True)
w -= 0.1

# %% [markdown]
# **Why:** autograd would have to record the update as part of the graph, and `w` would
# no longer be the leaf you created. **Fix:** parameter updates are not part of the
# model's computation: do them under `torch.no_grad()`.

# %%
with torch.no_grad():
    w -= 0.1
w

# %% [markdown]
# ### 4. A saved value changed in place
#
# **Mistake:** changing a tensor that an operation saved for backward.

# %% tags=["raises-exception"]
x = torch.tensor([0., 1., 2.], requires_grad=True)
y = x.exp()
y += 1
y.sum().backward()

# %% [markdown]
# **Why:** every tensor carries a version counter that goes up with each in-place
# change. `ExpBackward0` saved `y` at version 0; at backward time it is version 1, so the
# gradient would be computed from the wrong numbers. **Fix:** write the change out of
# place, `y = y + 1`, which makes a new tensor and leaves the saved one alone.

# %%
y = x.exp()
y = y + 1
y.sum().backward()
x.grad

# %% [markdown]
# ### 5. Backward from a tensor with more than one element
#
# **Mistake:** calling `backward()` on a vector.

# %% tags=["raises-exception"]
x = torch.tensor([1., 2., 3.], requires_grad=True)
squares = x * x
squares.backward()

# %% [markdown]
# **Why:** backward computes the gradient of *one number*. From a vector, it needs to
# know how much each element counts: that is the `gradient` argument. **Fix:** reduce to a
# scalar (`.sum()`, `.mean()`), or pass the weights explicitly.

# %%
squares.backward(torch.ones(3))
x.grad

# %% [markdown]
# ### 6. `numpy()` on a tensor that requires grad
#
# **Mistake:** handing a tracked tensor to numpy (or to a plotting library).

# %% tags=["raises-exception"]
x.numpy()

# %% [markdown]
# **Why:** numpy cannot record operations, so gradients could not flow through whatever
# you do with the array. PyTorch refuses rather than drop them silently. **Fix:** say you
# are leaving autograd on purpose: `x.detach().numpy()`.

# %%
x.detach().numpy()

# %% [markdown]
# ### 7. An inference tensor in a computation autograd records
#
# **Mistake:** making data under `torch.inference_mode()` and training with it.

# %% tags=["raises-exception"]
with torch.inference_mode():
    features = torch.ones(3)
(x * features).sum().backward()

# %% [markdown]
# **Why:** tensors made in inference mode carry no version counter, so autograd cannot
# save them safely (mistake 4 would go undetected). `x * features` must save `features`
# to compute `x`'s gradient. **Fix:** `features.clone()` outside inference mode, or make
# the data under `torch.no_grad()`, which creates ordinary tensors.

# %%
(x * features.clone()).sum().backward()
x.grad

# %% [markdown]
# ## Part 2: silent mistakes
#
# These raise nothing. The code runs; the numbers are wrong.
#
# ### 8. Forgetting to clear gradients
#
# `.grad` *accumulates*. Call backward for three steps without clearing it, and the
# third step sees the sum of all three gradients:

# %%
w = torch.tensor([1.], requires_grad=True)
for step in range(3):
    loss = (3 * w).sum()
    loss.backward()
    print(step, w.grad)

# %% [markdown]
# **Fix:** clear before (or after) each step: `w.grad = None`, or `optimizer.zero_grad()`
# when you use an optimizer.

# %%
for step in range(3):
    w.grad = None
    (3 * w).sum().backward()
    print(step, w.grad)

# %% [markdown]
# ### 9. `.data` instead of `detach()`
#
# Both give a tensor sharing the same numbers with no history. The difference shows when
# you change it in place: `.data` hides the change from autograd, so backward uses the
# new numbers without a word:

# %%
a = torch.tensor([1., 2.], requires_grad=True)
b = a.exp()
b.data.zero_()
b.sum().backward()
a.grad

# %% [markdown]
# The right gradient is `exp(a) = [2.7183, 7.3891]`; we got zeros. With `detach()` the
# same change bumps the version counter, and backward refuses (mistake 4) instead of
# returning wrong numbers:

# %% tags=["raises-exception"]
a = torch.tensor([1., 2.], requires_grad=True)
b = a.exp()
b.detach().zero_()
b.sum().backward()

# %% [markdown]
# **Fix:** use `detach()`; never `.data`.
#
# ### 10. `model.eval()` does not turn off gradients
#
# `eval()` switches layers such as dropout and batch norm to their inference behaviour.
# It says nothing to autograd, which keeps recording and saving activations:

# %%
torch.manual_seed(0)
model = torch.nn.Linear(2, 1)
model.eval()
model(torch.ones(1, 2)).requires_grad

# %% [markdown]
# **Fix:** for inference, use both: `model.eval()` for the layers and `torch.no_grad()`
# (or `torch.inference_mode()`) for autograd.

# %%
with torch.no_grad():
    prediction = model(torch.ones(1, 2))
prediction.requires_grad

# %% [markdown]
# ### 11. Reshaping after `requires_grad=True`
#
# The name ends up holding the reshaped *result*, not the leaf you made: it has a
# `grad_fn`, backward never stores its `.grad` (PyTorch warns when you read it), and an
# optimizer refuses it.

# %%
m = torch.zeros(6, requires_grad=True).view(2, 3)
(m * 2).sum().backward()
m.grad

# %% tags=["raises-exception"]
torch.optim.SGD([m], lr=0.1)

# %% [markdown]
# **Fix:** create the leaf last: `torch.zeros(2, 3, requires_grad=True)`, or
# `torch.zeros(6).view(2, 3).requires_grad_()`.

# %%
m = torch.zeros(6).view(2, 3).requires_grad_()
m.is_leaf

# %% [markdown]
# ## Recap
#
# | you see | it means | fix |
# |---|---|---|
# | does not require grad and does not have a grad_fn | nothing was recorded | `requires_grad=True` on the input first |
# | backward through the graph a second time | saved values were freed | recompute, or `retain_graph=True` |
# | a leaf Variable ... in-place operation | you changed a weight in place | update under `torch.no_grad()` |
# | modified by an inplace operation | a saved tensor changed | out-of-place (`y = y + 1`) |
# | implicitly created only for scalar outputs | backward from a vector | `.sum()`, or pass `gradient` |
# | Can't call numpy() | leaving autograd silently | `.detach().numpy()` |
# | Inference tensors cannot be saved | data made in inference mode | `.clone()`, or `no_grad()` |
#
# And the silent ones: clear gradients every step; `detach()`, never `.data`; `eval()`
# plus `no_grad()` for inference; make the leaf the last thing you create.
#
# ## Exercises
#
# **1. Which lines raise?** For each snippet below, predict whether it raises. Write your
# five answers as `True` (raises) / `False` in place of `...`; the cell runs the snippets
# and checks you.
#
# 1. `torch.ones(2, requires_grad=True).sum().backward()`
# 2. `torch.ones(2, requires_grad=True) * 3` followed by `.backward()` on that product
# 3. `torch.ones(2, requires_grad=True).add_(1)`
# 4. `torch.ones(2, requires_grad=True).detach().add_(1)`
# 5. `(torch.ones(2, requires_grad=True) * 2).sum().backward()` twice on the same sum

# %% tags=["view"]
import gradnb

def raises(code):
    try:
        exec(code, {"torch": torch})
    except (RuntimeError, ValueError):
        return True
    return False

snippets = ["torch.ones(2, requires_grad=True).sum().backward()",
            "(torch.ones(2, requires_grad=True) * 3).backward()",
            "torch.ones(2, requires_grad=True).add_(1)",
            "torch.ones(2, requires_grad=True).detach().add_(1)",
            "s = (torch.ones(2, requires_grad=True) * 2).sum(); s.backward(); s.backward()"]
my_answers = ...
gradnb.check(my_answers, [raises(code) for code in snippets], what="which snippets raise",
             hint="a detached tensor does not require grad, so changing it in place is "
                  "allowed; a product's backward needs saved values (even for * 2), so "
                  "the first backward frees them")

# %% [markdown]
# **2. Find the stale gradient.** This loop forgets to clear `w.grad`. Predict `w.grad`
# after it (a list of one number), then run the check.

# %% tags=["view"]
w = torch.tensor([2.], requires_grad=True)
for step in range(4):
    loss = (w * w).sum()
    loss.backward()
my_w_grad = ...
gradnb.check(my_w_grad, w.grad, what="w.grad",
             hint="each pass adds d(w*w)/dw = 2w = 4, and nothing clears it")

# %% [markdown]
# **3. Predict the graph of a mistake.** `scale` was made under `no_grad`. Click each box
# of the graph to mark what autograd tracked, then press Check: does `w` get a gradient
# through `scale`?

# %% tags=["view"]
w = torch.tensor([1., 2.], requires_grad=True)
with torch.no_grad():
    scale = w * 10
out = (scale * w).sum()
gradnb.graph(out, predict=True)
