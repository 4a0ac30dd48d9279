"""Reading with ``t[key]``, decomposed as PyTorch does: the basic items become a chain of
select / slice / unsqueeze views (so ``x[0, 1]`` is SelectBackward0 of SelectBackward0,
``x[None]`` is UnsqueezeBackward0, ``x[...]`` AliasBackward0), then the remaining
integer-array and boolean-mask items index that view in one IndexBackward0, whose
backward accumulates repeated indices. ``t[key] = v`` (in :mod:`.inplace`) shares the
decomposition."""

import numbers
import warnings

import numpy as np

from ..tensor import Tensor
from ._common import int_arg, wrap_dim
from ._record import record
from .rules import RULES
from .shape import as_view, unsqueeze

__all__ = ["getitem", "select", "normalize_key", "apply_basic", "slice_along",
           "check_index_bounds"]

_R = RULES


_NON_TUPLE_WARNING = (
    "Using a non-tuple sequence for multidimensional indexing is deprecated and will be "
    "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will "
    "be interpreted as tensor index, x[torch.tensor(seq)], which will result either in an "
    "error or a different result")
_ZERO_DIM_ERROR = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                   "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
_INDEX_DTYPE_ERROR = "tensors used as indices must be long, int, byte or bool tensors"


def normalize_key(key):
    """A tuple of index items (ints, slices, None, Ellipsis, python bools, numpy int or
    bool arrays), with PyTorch's errors for items it does not accept."""
    if isinstance(key, str):
        # PyTorch reads a string as a sequence of indices, then fails to make a tensor of it
        warnings.warn(_NON_TUPLE_WARNING, UserWarning, stacklevel=3)
        raise TypeError("new(): invalid data type 'str'")
    return tuple(_item(item) for item in (key if isinstance(key, tuple) else (key,)))


def _item(item):
    if isinstance(item, Tensor):
        data = item._data
        if data.dtype.kind not in "iub":
            raise IndexError(_INDEX_DTYPE_ERROR)
        if data.ndim == 0 and data.dtype.kind in "iu":
            return int(data)
        return bool(data) if data.ndim == 0 else data
    if isinstance(item, list):
        # an empty list indexes nothing (PyTorch makes it an empty int64 tensor)
        array = np.asarray(item) if item else np.zeros(0, dtype=np.int64)
        if array.dtype.kind not in "iub":
            raise IndexError(_INDEX_DTYPE_ERROR)
        return array
    if isinstance(item, (bool, np.bool_)):
        return bool(item)
    if item is None or item is Ellipsis or isinstance(item, (slice, numbers.Integral)):
        return item
    if isinstance(item, np.ndarray) and item.dtype.kind in "iub":
        return item
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type(item).__name__})")


def getitem(self, key):
    """``self[key]`` with PyTorch's semantics and grad_fn names: the basic items become
    views (select, slice, unsqueeze), then the remaining tensor indices one index op."""
    if isinstance(key, slice) and self._data.ndim:
        return slice_along(self, 0, key)       # a lone slice is always a SliceBackward0
    items = normalize_key(key)
    if self._data.ndim == 0 and len(items) == 1 and _is_int(items[0]):
        raise IndexError(_ZERO_DIM_ERROR)
    sliced, advanced = apply_basic(self, items, skip_full_slices=True)
    if advanced is not None:
        return _index(sliced, advanced)
    if sliced is self:
        return as_view(record(_R["alias"], self._data.view(), (self,)), self)
    return sliced


def _is_int(item):
    return isinstance(item, numbers.Integral) and not isinstance(item, bool)


def _dims_used(item):
    """How many dimensions of the indexed tensor an item consumes."""
    if isinstance(item, np.ndarray):
        return item.ndim if item.dtype.kind == "b" else 1
    return 0 if item is None or item is Ellipsis or isinstance(item, bool) else 1


def apply_basic(t, items, skip_full_slices):
    """Apply ints, slices, None and Ellipsis as views, as PyTorch's ``applySlicing`` does.

    Returns
    -------
    (Tensor, tuple or None)
        The view, and the numpy key of the remaining tensor indices over its dimensions
        (None if there are none).
    """
    ndim = t._data.ndim
    used = sum(_dims_used(i) for i in items)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    key, dim, source_dim, advanced = [], 0, 0, False
    for item in items:
        if item is Ellipsis:
            # each Ellipsis skips the unnamed dims (PyTorch accepts several)
            key += [slice(None)] * (ndim - used)
            dim, source_dim = dim + ndim - used, source_dim + ndim - used
        elif item is None or isinstance(item, bool):
            t = unsqueeze(t, dim)
            key.append(slice(None) if item is None else np.array([item]))
            advanced |= item is not None
            dim += 1
        elif isinstance(item, slice):
            t = _slice(t, dim, item, always=not skip_full_slices)
            key.append(slice(None))
            dim, source_dim = dim + 1, source_dim + 1
        elif isinstance(item, np.ndarray):
            _check_mask(t._data.shape, item, dim)
            key.append(item)
            advanced = True
            step = _dims_used(item)
            dim, source_dim = dim + step, source_dim + step
        else:
            t = _select(t, dim, int(item), source_dim)
            source_dim += 1
    return t, (tuple(key) if advanced else None)


def _check_mask(shape, mask, dim):
    if mask.dtype.kind != "b":
        return
    for j, n in enumerate(mask.shape):
        if dim + j >= len(shape) or shape[dim + j] != n:
            raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not "
                             f"match the shape of the indexed tensor {list(shape)} at index "
                             f"{dim + j}")


def select(self, dim, index):
    """``self.select(dim, index)``: the slice at ``index`` along ``dim`` (a view)."""
    shape = self._data.shape
    d = wrap_dim(int_arg(dim, "select", "dim", 1), len(shape))
    index = int_arg(index, "select", "index", 2)
    if not -shape[d] <= index < shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {d}")
    return _select(self, d, index, d)


def _select(t, dim, index, source_dim):
    """``t.select(dim, index)``; errors name the dimension of the indexed tensor."""
    size = t._data.shape[dim]
    if not -size <= index < size:
        raise IndexError(f"index {index} is out of bounds for dimension {source_dim} with "
                         f"size {size}")
    index = index + size if index < 0 else index
    # the trailing Ellipsis keeps a 0-d result a view (numpy would return a scalar copy)
    out = t._data[(slice(None),) * dim + (index, Ellipsis)]
    return as_view(record(_R["select"], out, (t,), dim=dim, index=index,
                          self_shape=t._data.shape), t)


def slice_along(t, dim, item):
    """``t`` sliced by ``item`` along ``dim``: always a SliceBackward0 view."""
    return _slice(t, dim, item, always=True)


def _slice(t, dim, item, always):
    if item.step is not None and item.step <= 0:
        raise ValueError("step must be greater than zero")
    size = t._data.shape[dim]
    start, stop, step = item.indices(size)
    if not always and (start, stop, step) == (0, size, 1):
        return t
    out = t._data[(slice(None),) * dim + (slice(start, stop, step),)]
    return as_view(record(_R["slice"], out, (t,), dim=dim, start=start, stop=stop,
                          step=step, self_shape=t._data.shape), t)


def _index(t, key):
    check_index_bounds(t._data.shape, key)
    return record(_R["index"], t._data[key], (t,), key=key, self_shape=t._data.shape)


def check_index_bounds(shape, key):
    """PyTorch's IndexError for an out-of-range entry of an integer index array."""
    dim = 0
    for item in key:
        if isinstance(item, np.ndarray) and item.dtype.kind in "iu":
            size = shape[dim]
            bad = item[(item >= size) | (item < -size)]
            if bad.size:
                raise IndexError(f"index {int(bad.reshape(-1)[0])} is out of bounds for "
                                 f"dimension {dim} with size {size}")
        dim += item.ndim if isinstance(item, np.ndarray) and item.dtype.kind == "b" else 1
