"""``torch.nn``: modules (layers, containers, losses), ``Parameter``, and the
``functional`` and ``init`` submodules.

``import gradnb.nn as nn`` / ``import gradnb.nn.functional as F`` work as with PyTorch.
"""

from . import functional, init
from .parameter import Parameter
from .modules import *  # noqa: F401,F403
from .modules import __all__ as _modules_all

__all__ = ["Parameter", "functional", "init"] + _modules_all
