# %% [markdown]
# # 3 · Excluding subgraphs from gradient computation
#
# Backward only visits the part of a computation that leads to tensors requiring grad;
# everything else is pruned. After this notebook you will know the three ways a
# computation ends up outside autograd today (`requires_grad=False`, `torch.no_grad()`,
# `detach()`), why the old `volatile` flag is no longer one of them, how to freeze part
# of a model, and what skipping saves.

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
# Before PyTorch 0.4, `Variable` had a second flag, `volatile`. The article says
# `volatile=True` is equivalent to `requires_grad=False`. **That was never quite true.**
# `requires_grad=False` on an input excludes only the subgraphs that depend on nothing
# else; `volatile=True` was stronger: anything computed from a volatile Variable was
# volatile too, even if other inputs required grad, so a single volatile input switched
# off graph building for a whole inference pass. And today the flag is simply gone: it is
# still accepted, with a warning, and it does nothing. It is *not* a way to leave
# autograd any more:

# %%
v = Variable(torch.ones(2), volatile=True)
v.requires_grad, v.volatile

# %% [markdown]
# In PyTorch 0.3, `v * w` with this `v` would have been volatile and untracked although
# `w` requires grad. Today `v` is just a tensor that does not require grad, and the
# product is tracked like any other:

# %%
(v * torch.ones(2, requires_grad=True)).requires_grad

# %% [markdown]
# PyTorch still refuses a Variable that is both volatile and requires grad (after its
# warning), setting the attribute has no effect, and the factories no longer accept it:

# %% tags=["raises-exception"]
Variable(torch.ones(2), requires_grad=True, volatile=True)

# %%
v.volatile = True
v.volatile

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
#
# Take `loss = sum(h * h)` with `h = x * w`. Through both factors, `d loss / d h = 2h`;
# if one factor is detached, it is a constant as far as backward knows, and
# `d loss / d h = h`: the gradient halves.

# %%
w.grad = None
h = x * w
(h * h).sum().backward()
w.grad

# %%
w.grad = None
h = x * w
loss = (h * h.detach()).sum()
loss.backward()
w.grad

# %%
h.detach().requires_grad, h.detach().is_leaf

# %% [markdown]
# The graph shows one path from `h` into the product instead of two: the detached copy
# is a constant with no history.

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
# ### What skipping saves, counted
#
# Timing a model this small says little: a training step takes about a millisecond and
# the noise is as large as the saving. Counting is exact. This helper walks the graph
# backward will run and counts its nodes and the numbers it writes into parameter
# gradients (`AccumulateGrad` nodes hold the leaf they write to in `.variable`):

# %%
def backward_work(loss):
    """(autograd nodes backward runs, numbers written into leaf gradients)"""
    seen, todo, numbers = set(), [loss.grad_fn], 0
    while todo:
        node = todo.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if hasattr(node, "variable"):
            numbers += node.variable.numel()
        todo.extend(next_node for next_node, _ in node.next_functions)
    return len(seen), numbers

# %%
backward_work(criterion(model(inputs), labels))

# %%
features.requires_grad_(True)
backward_work(criterion(model(inputs), labels))

# %% [markdown]
# Frozen, backward runs 6 nodes instead of 16 and writes 2,570 gradient numbers instead
# of 85,002: the extractor's two large weight gradients (and the matrix products that make
# them) are never computed.
#
# ### A frozen parameter keeps its old gradient
#
# Unfreeze, train one step's backward, freeze again. What is in `features[0].weight.grad`?

# %%
criterion(model(inputs), labels).backward()
features.requires_grad_(False)
features[0].weight.grad is None

# %% [markdown]
# `requires_grad_(False)` changes what *future* backward passes compute; it does not
# clear a gradient already there. An optimizer built over all of `model.parameters()`
# would keep applying that stale gradient to a "frozen" layer on every step. Clear it:

# %%
model.zero_grad()
features[0].weight.grad is None

# %% [markdown]
# ## Recap
#
# - A subgraph is excluded when none of its inputs requires grad; autograd records
#   nothing there and backward never visits it.
# - `volatile` is gone (a warning, no effect), and it never was the same as
#   `requires_grad=False`; use `with torch.no_grad():` for inference.
# - `detach()` cuts gradient flow at one tensor while keeping its value.
# - Freezing parameters with `requires_grad_(False)` skips the work of gradients you do
#   not need; it does not clear gradients already stored (`zero_grad()` does).
#
# ## Exercise: freeze only the first layer
#
# Freeze only the *first* `Linear` of `features`. Predict first: which of the six
# parameters (`features[0]` weight and bias, `features[2]` weight and bias, `head` weight
# and bias) get a gradient? Does backward run through the first `ReLU`? Click the graph's
# boxes to mark them tracked or skipped, then press Check.

# %% tags=["view"]
import gradnb
features.requires_grad_(True)
features[0].requires_grad_(False)
model.zero_grad()
loss = criterion(model(inputs), labels)
gradnb.graph(loss, predict=True)

# %% [markdown]
# Now write your answer as six `True`/`False` values (does each parameter get a
# gradient?) in place of `...` and run the check.

# %% tags=["view"]
loss.backward()
my_answer = ...
gradnb.check(my_answer, [p.grad is not None for p in model.parameters()],
             what="which parameters get a gradient",
             hint="the first ReLU's input needs no gradient, so autograd did not record "
                  "the ReLU: backward stops at features[2], which still needs its weight's")
