"""Computations shared by the gradnb.viz tests."""

import gradnb as torch


def article_tensors():
    """The article's example: ``z = x + y`` outside autograd, ``total = w + z``."""
    x = torch.ones(1)
    y = torch.ones(1)
    z = x + y
    w = torch.ones(1, requires_grad=True)
    total = w + z
    return dict(x=x, y=y, z=z, w=w, total=total)
