"""The names PyTorch prints for classes and objects, for gradnb's own classes.

gradnb's ``nn`` and ``optim`` files mirror PyTorch's layout (``gradnb/nn/modules/linear.py``
holds ``Linear`` as ``torch/nn/modules/linear.py`` does), so a class's PyTorch name is its
gradnb name with ``gradnb.`` replaced by ``torch.``. :class:`TorchNamedMeta` prints classes
that way and :func:`typename` is ``torch.typename``, which error messages quote.
"""

import abc

__all__ = ["torch_qualname", "TorchNamedMeta", "typename"]


def torch_qualname(cls):
    """``module.QualName`` of a class as PyTorch spells it (``torch.optim.sgd.SGD``)."""
    module = cls.__module__
    if module == "gradnb" or module.startswith("gradnb."):
        module = "torch" + module[len("gradnb"):]
    return f"{module}.{cls.__qualname__}"


# Derived from ABCMeta rather than type so that user classes mixing nn.Module with
# abc.ABC (``class Base(nn.Module, ABC)``) keep working: their metaclasses must be
# compatible, and ABCMeta is then a base of this one.
class TorchNamedMeta(abc.ABCMeta):
    """Prints gradnb's classes under PyTorch's names: ``<class 'torch.nn.modules.linear.Linear'>``;
    a user's subclass prints as usual (``<class '__main__.Net'>``)."""

    def __repr__(cls):
        return f"<class '{torch_qualname(cls)}'>"


def typename(obj):
    """``torch.typename``: ``'torch.FloatTensor'`` for a tensor, else the qualified class
    name (``'int'`` for builtins)."""
    from .tensor import Tensor
    if isinstance(obj, Tensor):
        return obj.type()
    cls = obj if isinstance(obj, type) else type(obj)
    if cls.__module__ in ("builtins", "__builtin__", None):
        return cls.__qualname__
    return torch_qualname(cls)
