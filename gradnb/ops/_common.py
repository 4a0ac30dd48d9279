"""Argument handling shared by the ops: python scalars vs tensors, dtype promotion of
numpy operands, dimension lists, and PyTorch's error texts for bad arguments."""

import numbers

import numpy as np

from .. import _dtype
from ..tensor import Tensor, _wrap_dim

__all__ = ["promote_operands", "broadcast_error", "check_tensor", "dims_arg", "wrap_dim",
           "quiet", "to_float", "is_scalar", "expand_error", "int_arg", "int_tuple",
           "cpp_type_name"]

wrap_dim = _wrap_dim

def quiet():
    """numpy warns on overflow, 0/0 and log(0); PyTorch returns inf/nan silently."""
    return np.errstate(all="ignore")


_PLAIN_SCALARS = frozenset((float, int, bool))


def is_scalar(value):
    """True for python and numpy numbers (bools included)."""
    if type(value) in _PLAIN_SCALARS:     # the common case, without the ABC check
        return True
    return isinstance(value, (numbers.Number, np.bool_)) and not isinstance(value, Tensor)


def _python_scalar(value):
    return value.item() if isinstance(value, np.generic) else value


def promote_operands(a, b, float_only=False):
    """The numpy operands for ``op(a, b)``, cast so numpy computes in PyTorch's result
    dtype. ``a`` is a Tensor; ``b`` a Tensor or python scalar.

    Fast path: same-dtype tensors, or a float tensor with a python number, need no cast
    (numpy 2 treats python scalars as weak, like PyTorch).
    """
    ad = a._data
    if isinstance(b, Tensor):
        bd = b._data
        if ad.dtype is bd.dtype and (not float_only or ad.dtype.kind == "f"):
            return ad, bd
        target = _dtype.result_type(a, b)
        if float_only and not target.is_floating_point:
            target = _dtype.get_default_dtype()
        return ad.astype(target.np, copy=False), bd.astype(target.np, copy=False)
    if type(b) is float or (type(b) is int and ad.dtype.kind == "f"):
        if ad.dtype.kind == "f":
            return ad, b
    b = _python_scalar(b)
    if ad.dtype.kind == "f" and not isinstance(b, bool):
        return ad, b
    target = _dtype.result_type(a, b)
    if float_only and not target.is_floating_point:
        target = _dtype.get_default_dtype()
    if type(b) is int and target.np.kind in "iu":
        b = _wrapped(b, target.np)
    return ad.astype(target.np, copy=False), b


def _wrapped(value, np_dtype):
    """A python int as the integer dtype stores it: PyTorch casts an out-of-range
    scalar (``uint8_tensor + 300`` adds 44, ``uint8_tensor > -1`` compares with 255)
    where numpy 2 would raise OverflowError."""
    info = np.iinfo(np_dtype)
    if info.min <= value <= info.max:
        return value
    return (value - info.min) % (1 << info.bits) + info.min


def to_float(t):
    """A float array for ops that only exist for floats (exp of an int tensor is float)."""
    d = t._data
    return d if d.dtype.kind == "f" else d.astype(_dtype.get_default_dtype().np)


def broadcast_error(shape_a, shape_b):
    """PyTorch's message for shapes that do not broadcast."""
    n = max(len(shape_a), len(shape_b))
    pa = (1,) * (n - len(shape_a)) + tuple(shape_a)
    pb = (1,) * (n - len(shape_b)) + tuple(shape_b)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(f"The size of tensor a ({pa[i]}) must match the size of tensor "
                                f"b ({pb[i]}) at non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(shape_a)} and {list(shape_b)} cannot be broadcast")


def expand_error(target, shape):
    """PyTorch's message when a tensor of ``shape`` cannot be expanded to ``target``."""
    lead = len(target) - len(shape)
    bad = next(i for i in range(len(shape)) if shape[i] not in (1, target[i + lead]))
    return RuntimeError(
        f"The expanded size of the tensor ({target[bad + lead]}) must match the existing size "
        f"({shape[bad]}) at non-singleton dimension {bad + lead}.  Target sizes: "
        f"{list(target)}.  Tensor sizes: {list(shape)}")


def check_tensor(value, fname, argname="input", position=1):
    """TypeError in PyTorch's words when a function gets a non-tensor."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {position}) must be "
                        f"Tensor, not {type(value).__name__}")
    return value


def dims_arg(dim, ndim):
    """Normalise ``dim`` (int, tuple/list of ints, or None) to a sorted tuple or None."""
    if dim is None:
        return None
    if ndim == 0:
        # a 0-d tensor accepts dim 0 / -1 but has nothing to reduce over
        for d in (dim if isinstance(dim, (tuple, list)) else (dim,)):
            wrap_dim(d, ndim)
        return ()
    if isinstance(dim, (tuple, list)):
        dims = tuple(sorted(wrap_dim(d, ndim) for d in dim))
        for a, b in zip(dims, dims[1:]):
            if a == b:
                raise RuntimeError(f"dim {a} appears multiple times in the list of dims")
        return dims if dims else None
    return (wrap_dim(dim, ndim),)


def _is_index(value, allow_bool):
    """An int or an integer tensor of one element; bools only count where PyTorch's
    parser takes them for ints (inside a sequence of sizes)."""
    if isinstance(value, Tensor):
        return value._data.dtype.kind in "iu" and value._data.size == 1
    if isinstance(value, (bool, np.bool_)):
        return allow_bool
    return isinstance(value, numbers.Integral)


def _as_int(value):
    return int(value._data.reshape(()).item()) if isinstance(value, Tensor) else int(value)


def int_arg(value, fname, argname, position=None):
    """``value`` as an int, or PyTorch's TypeError naming the argument (``position`` is
    left out for arguments usually passed by keyword, as PyTorch words those)."""
    if not _is_index(value, allow_bool=False):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{fname}(): argument '{argname}'{where} must be int, not "
                        f"{type(value).__name__}")
    return _as_int(value)


def int_tuple(args, fname, argname):
    """``f(2, 3)``, ``f((2, 3))``, ``f([2, 3])`` or ``f(torch.Size(...))`` as a tuple of
    ints, with PyTorch's two TypeErrors: for an argument that is no size at all, and for
    an element of a sequence that is not an int."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    elif len(args) == 1 and not _is_index(args[0], allow_bool=False):
        raise TypeError(f"{fname}(): argument '{argname}' (position 1) must be tuple of ints, "
                        f"not {type(args[0]).__name__}")
    for k, value in enumerate(args):
        if not _is_index(value, allow_bool=True):
            raise TypeError(f"{fname}(): argument '{argname}' failed to unpack the object at pos "
                            f"{k + 1} with error \"type must be tuple of ints,but got "
                            f"{type(value).__name__}\"")
    return tuple(_as_int(v) for v in args)


# the C++ type names some of PyTorch's messages print (mm, masked_fill_)
_CPP_NAMES = {"Float": "float", "Double": "double", "Long": "long int", "Int": "int",
              "Short": "short int", "Char": "signed char", "Byte": "unsigned char",
              "Half": "c10::Half", "Bool": "bool"}


def cpp_type_name(t):
    """``'float'``, ``'long int'`` ... for a tensor's dtype, as C++ spells it."""
    return _CPP_NAMES[_dtype.from_numpy_dtype(t._data.dtype)._legacy]
