"""``torch.functional``: the module lessons import as ``import torch.functional as F``.
It holds the few tensor functions PyTorch defines in Python there; gradnb provides those
it implements (``split``, ``norm``), the same objects as ``gradnb.split``/``gradnb.norm``.
"""

from . import norm, split

__all__ = ["split", "norm"]
