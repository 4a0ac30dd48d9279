"""Reading with ``t[key]``: basic indexing becomes PyTorch's chain of select / slice /
unsqueeze views (so ``x[0, 1]`` is SelectBackward0 of SelectBackward0, ``x[None]`` is
UnsqueezeBackward0, ``x[...]`` AliasBackward0); integer-array and boolean-mask indexing
is one IndexBackward0 whose backward accumulates repeated indices."""

import numbers

import numpy as np

from ..tensor import Tensor
from ._record import record
from .rules import RULES
from .shape import as_view, unsqueeze

__all__ = ["getitem", "normalize_key"]

_R = RULES


def _is_advanced(item):
    if isinstance(item, Tensor):
        return item._data.ndim > 0 or item._data.dtype.kind == "b"
    return isinstance(item, (list, np.ndarray)) or isinstance(item, (bool, np.bool_))


def normalize_key(key):
    """A tuple of index items, tensors turned into numpy arrays/ints, with PyTorch's
    errors for items it does not accept."""
    items = key if isinstance(key, tuple) else (key,)
    out = []
    for item in items:
        if isinstance(item, Tensor):
            data = item._data
            if data.ndim == 0 and data.dtype.kind in "iu":
                item = int(data)
            elif data.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            else:
                item = data
        elif isinstance(item, list):
            item = np.asarray(item)
            if item.dtype.kind not in "iub":
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
        elif not (item is None or item is Ellipsis or isinstance(item, (slice, numbers.Integral,
                                                                        np.ndarray, np.bool_))):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or "
                             f"byte Variables are valid indices (got {type(item).__name__})")
        out.append(item)
    return tuple(out)


def getitem(self, key):
    """``self[key]`` with PyTorch's semantics and grad_fn names."""
    items = normalize_key(key)
    if any(_is_advanced(i) for i in (key if isinstance(key, tuple) else (key,))):
        return _advanced(self, items)
    if isinstance(key, slice):
        return _slice(self, 0, key, always=True)
    return _basic(self, items)


def _basic(self, items):
    ndim = self._data.ndim
    used = sum(1 for i in items if i is not None and i is not Ellipsis)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    if sum(1 for i in items if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    out, dim = self, 0
    for item in items:
        if item is Ellipsis:
            dim += ndim - used
        elif item is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif isinstance(item, slice):
            out = _slice(out, dim, item, always=False)
            dim += 1
        else:
            out = _select(out, dim, int(item))
    if out is self:
        return as_view(record(_R["alias"], self._data.view(), (self,)), self)
    return out


def _select(t, dim, index):
    size = t._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {dim} with size {size}")
    index = index + size if index < 0 else index
    out = t._data[(slice(None),) * dim + (index,)]
    return as_view(record(_R["select"], out, (t,), (dim, index, t._data.shape)), t)


def _slice(t, dim, item, always):
    if item.step is not None and item.step <= 0:
        raise ValueError("step must be greater than zero")
    size = t._data.shape[dim]
    start, stop, step = item.indices(size)
    if not always and (start, stop, step) == (0, size, 1):
        return t
    out = t._data[(slice(None),) * dim + (slice(start, stop, step),)]
    return as_view(record(_R["slice"], out, (t,), (dim, start, stop, step, t._data.shape)), t)


def _advanced(self, items):
    try:
        out = self._data[items]
    except IndexError as exc:
        raise IndexError(_torch_index_message(self._data.shape, items, exc)) from None
    return record(_R["index"], out, (self,), (items, self._data.shape))


def _torch_index_message(shape, items, exc):
    """Rephrase numpy's out-of-bounds message the way PyTorch words it."""
    text = str(exc)
    if "out of bounds" in text:
        dim = 0
        for item in items:
            if isinstance(item, np.ndarray) and item.dtype.kind in "iu":
                bad = item[(item >= shape[dim]) | (item < -shape[dim])]
                if bad.size:
                    return (f"index {int(bad.reshape(-1)[0])} is out of bounds for dimension "
                            f"{dim} with size {shape[dim]}")
            if item is not None:
                dim += 1
    return text
