# %% [markdown]
# # Autograd, seen from the inside
#
# These notebooks teach how PyTorch decides what to differentiate: the `requires_grad`
# flag, how it spreads through a computation, and how to exclude parts of a model from
# backward. They follow the article *"requires_grad() default and how to change it after
# PyTorch merged Variable and Tensor"*, with today's behaviour and its history.
#
# You write ordinary PyTorch code. The only difference is the import: `import gradnb as
# torch` runs the same code on numpy, prints what PyTorch 2.13 prints, and lets you *see*
# autograd: graphs of what was recorded, what was pruned and why, and the backward pass
# animated step by step.

# %%
%load_ext gradnb
import gradnb as torch

# %% [markdown]
# ## The tutorials
#
# 1. [Tensor and Variable are one thing now](01_tensor_and_variable.ipynb): `requires_grad`
#    is off by default, `requires_grad_()` turns it on, and what happened to `Variable`.
# 2. [How `requires_grad` spreads](02_how_requires_grad_spreads.ipynb): the official
#    example, `grad_fn`, `next_functions`, a first look at a pruned subgraph, backward
#    twice (`retain_graph`), choosing whose gradients to compute.
# 3. [Excluding subgraphs](03_excluding_subgraphs.ipynb): `requires_grad=False`,
#    `torch.no_grad()`, `detach()`, what happened to `volatile`, freezing part of a
#    model, and what skipping saves.
# 4. [Backward, step by step](04_backward_step_by_step.ipynb): the engine's pass
#    animated, accumulation, `zero_grad`, `retain_grad`, hooks, and a tiny network.
# 5. [gradnb with real PyTorch](05_real_pytorch.ipynb): the same views on `import torch`
#    code: a model with a frozen layer, PyTorch's own backward animated, a custom
#    `autograd.Function` (needs PyTorch installed).
# 6. [Common mistakes](06_common_mistakes.ipynb): the seven errors learners meet most
#    (each with PyTorch's message, a why panel, and the fix) and four silent mistakes.
# 7. [Custom autograd functions and second derivatives](07_custom_functions.ipynb):
#    write a `Function`, watch its backward, check it with `gradcheck`, differentiate a
#    gradient (`create_graph=True`) and look at its graph.
# 8. [A training loop you can watch](08_training_loop.ipynb): a fit from scratch, by
#    hand and with `optim.SGD`, the loss plotted, the parameters watched, and the
#    stale-gradient mistake.
#
# Every notebook ends with exercises that check your answer (or let you predict a graph
# or a backward pass, then reveal it).
#
# Each notebook runs top to bottom in a few seconds; change any cell and run it again.
#
# ## The tools you will meet
#
# `%gradnb` lists them. Every magic also has help: try `%grad_graph?`.

# %% tags=["view"]
%gradnb

# %% [markdown]
# A first taste: one tensor that requires grad, one that does not.

# %%
w = torch.ones(1, requires_grad=True)
z = torch.ones(1) + torch.ones(1)
total = w + z
total

# %% tags=["view"]
%grad_graph total
