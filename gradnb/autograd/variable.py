"""Legacy ``Variable``: since PyTorch 0.4 a Variable *is* a Tensor. ``Variable(t)``
returns a new Tensor sharing ``t``'s storage; ``isinstance(x, Variable)`` is true for every
tensor; ``volatile`` is accepted with PyTorch's warning and has no effect."""

import warnings

from .provenance import make_record

__all__ = ["Variable"]

_VOLATILE_WARNING = ("volatile was removed and now has no effect. Use `with torch.no_grad():` "
                     "instead.")


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from ..tensor import Tensor
        return isinstance(obj, Tensor)

    def __call__(cls, data, requires_grad=False, volatile=False):
        from ..tensor import Tensor
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if volatile:
            warnings.warn(_VOLATILE_WARNING, UserWarning, stacklevel=2)
            if requires_grad:   # PyTorch still refuses the pair, after its warning
                raise ValueError("Variable can't be volatile and require_grad at the same "
                                 "time!")
        out = Tensor._wrap(data._data)
        out._vc = data._vc
        if volatile:
            out._prov = make_record("Variable", (data,), "volatile", data._data)
        if requires_grad:
            out.requires_grad_(True)
        return out

    def __repr__(cls):
        return "<class 'torch.autograd.variable.Variable'>"


class Variable(metaclass=_VariableMeta):
    """``Variable(tensor, requires_grad=False, volatile=False)``: a tensor sharing storage
    with ``tensor`` (the pre-0.4 wrapper, kept so old tutorials run)."""
