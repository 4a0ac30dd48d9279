"""Shape ops and copies: reshape/view, flatten, transpose/t/T/permute, (un)squeeze,
expand, repeat, cat/stack, split/chunk/unbind, clone/contiguous, and dtype conversion.

View results share storage *and* the version counter with their base (as in PyTorch),
so an in-place change through a view is seen by backward's saved-value checks.
"""

import math
import warnings

import numpy as np

from .. import _dtype
from ..tensor import Tensor, require_cpu, _warned_once
from ._common import wrap_dim, expand_error, int_arg, int_tuple
from ._record import record, record_multi
from .rules import RULES

__all__ = ["reshape", "view", "view_as", "reshape_as", "flatten", "transpose", "t",
           "T", "mT", "permute", "unsqueeze", "squeeze", "expand", "expand_as", "repeat",
           "cat", "stack", "split", "chunk", "unbind", "clone", "contiguous", "to",
           "narrow", "flip", "as_view", "movedim", "broadcast_to"]

_R = RULES


def as_view(result, base):
    """Mark ``result`` as a view of ``base``: same root base, same version counter."""
    result._base = base._base if base._base is not None else base
    result._vc = base._vc
    return result


def _infer_shape(shape, numel):
    """Resolve one -1 and check the element count, with PyTorch's messages."""
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if -1 in shape:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def view(self, *shape):
    """The same data seen with another shape (no copy; needs compatible strides)."""
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("gradnb: view(dtype) is not supported")
    data = self._data
    shape = _infer_shape(int_tuple(shape, "view", "size"), data.size)
    out = _viewed(data, shape)
    if out is None:
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return as_view(record(_R["view"], out, (self,), (data.shape,)), self)


def _viewed(data, shape):
    """``data`` seen with ``shape`` without copying, or None if its strides forbid it."""
    out = data.view()
    try:
        out.shape = shape     # raises instead of copying when strides don't allow a view
    except (AttributeError, ValueError):
        return None
    return out


def reshape(self, *shape):
    """As PyTorch: a view of a contiguous tensor (ViewBackward0), a view with computed
    strides if they allow one (ReshapeAliasBackward0), else a contiguous clone seen with
    the new shape (UnsafeViewBackward0 over CloneBackward0)."""
    data = self._data
    shape = _infer_shape(int_tuple(shape, "reshape", "shape"), data.size)
    out = _viewed(data, shape)
    if out is not None:
        rule = _R["view"] if data.flags.c_contiguous else _R["reshape_alias"]
        return as_view(record(rule, out, (self,), (data.shape,)), self)
    copy = record(_R["clone"], np.ascontiguousarray(data), (self,))
    return record(_R["unsafe_view"], copy._data.reshape(shape), (copy,), (data.shape,))


def view_as(self, other):
    return view(self, other._data.shape)


def reshape_as(self, other):
    return reshape(self, other._data.shape)


def flatten(self, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim..end_dim`` into one."""
    shape = self._data.shape
    if not shape:
        return reshape(self, 1)
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return self
    return reshape(self, shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def transposed(data, dim0, dim1, fname="transpose"):
    """``data`` with two dimensions swapped, and the wrapped dims (shared with the
    in-place ``transpose_``)."""
    n = data.ndim
    d0 = wrap_dim(int_arg(dim0, fname, "dim0", 1), n)
    d1 = wrap_dim(int_arg(dim1, fname, "dim1", 2), n)
    return np.swapaxes(data, d0, d1), (d0, d1)


def transpose(self, dim0, dim1):
    """Swap two dimensions (a view)."""
    out, dims = transposed(self._data, dim0, dim1)
    return as_view(record(_R["transpose"], out, (self,), dims), self)


def matrix_transposed(data, fname="t"):
    """``data.T`` for at most 2 dimensions, else PyTorch's error."""
    if data.ndim > 2:
        raise RuntimeError(f"{fname}() expects a tensor with <= 2 dimensions, but self is "
                           f"{data.ndim}D")
    return data.T


def t(self):
    """Transpose a matrix (vectors and scalars are returned as they are)."""
    return as_view(record(_R["t"], matrix_transposed(self._data), (self,)), self)


def permute(self, *dims):
    """Reorder the dimensions (a view)."""
    dims = int_tuple(dims, "permute", "dims")
    n = self._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return as_view(record(_R["permute"], self._data.transpose(dims), (self,), (dims,)), self)


def T(self):
    """All dimensions reversed (``x.T``); deprecated, with a warning given once per
    process, as PyTorch's TORCH_WARN_ONCE does, for tensors that are not matrices."""
    n = self._data.ndim
    if n != 2:
        warn_once("T0d" if n == 0 else "T", _T_WARNINGS[n == 0])
    return permute(self, tuple(range(n - 1, -1, -1)))


_T_WARNINGS = (
    "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
    "deprecated and it will throw an error in a future release. Consider `x.mT` to "
    "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
    "reverse the dimensions of a tensor.",
    "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases.")


def warn_once(key, message, stacklevel=4):
    """Warn the first time only (PyTorch's TORCH_WARN_ONCE)."""
    if not _warned_once.get(key):
        _warned_once[key] = True
        warnings.warn(message, UserWarning, stacklevel=stacklevel)


def mT(self):
    """Transpose of the last two dimensions."""
    n = self._data.ndim
    if n < 2:
        raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {n}-D tensor.")
    return transpose(self, -2, -1)


def movedim(self, source, destination):
    n = self._data.ndim
    order = [d for d in range(n) if d != wrap_dim(source, n)]
    order.insert(wrap_dim(destination, n), wrap_dim(source, n))
    return permute(self, tuple(order))


def unsqueezed(data, dim, fname="unsqueeze"):
    """``data`` with a dimension of size 1 inserted at ``dim``, and the wrapped dim."""
    d = wrap_dim(int_arg(dim, fname, "dim", 1), data.ndim + 1)
    return np.expand_dims(data, d), d


def unsqueeze(self, dim):
    """Insert a dimension of size 1 at ``dim`` (a view)."""
    out, d = unsqueezed(self._data, dim)
    return as_view(record(_R["unsqueeze"], out, (self,), (d,)), self)


def squeezed(data, dim):
    """``data`` without its dimensions of size 1 (all, or those among ``dim``), and
    which form was asked: ``None`` (all), ``"dim"`` (one int) or ``"dims"`` (a tuple)."""
    if dim is None:
        return data.reshape(tuple(s for s in data.shape if s != 1)), None
    several = isinstance(dim, (tuple, list))
    dims = {wrap_dim(d, data.ndim) for d in (dim if several else (dim,))}
    out = data.reshape(tuple(s for i, s in enumerate(data.shape) if not (i in dims and s == 1)))
    return out, "dims" if several else "dim"


def squeeze(self, dim=None):
    """Remove dimensions of size 1 (all, or only ``dim`` if it has size 1)."""
    out, form = squeezed(self._data, dim)      # squeeze(dims): SqueezeBackward2
    rule = _R["squeeze" if form is None else "squeeze_" + form]
    return as_view(record(rule, out, (self,), (self._data.shape,)), self)


def expand(self, *sizes):
    """Broadcast to a larger shape without copying (-1 keeps a dimension)."""
    sizes = int_tuple(sizes, "expand", "size")
    data = self._data
    lead = len(sizes) - data.ndim
    if lead < 0:
        legacy = _dtype.from_numpy_dtype(data.dtype)._legacy
        raise RuntimeError(f"expand(torch.{legacy}Tensor{{{list(data.shape)}}}, "
                           f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) "
                           "must be greater or equal to the number of dimensions in the tensor "
                           f"({data.ndim})")
    if -1 in sizes[:lead]:
        raise RuntimeError(f"The expanded size of the tensor (-1) isn't allowed in a leading, "
                           f"non-existing dimension {sizes.index(-1)}")
    target = tuple(data.shape[i - lead] if s == -1 and i >= lead else s
                   for i, s in enumerate(sizes))
    try:
        out = np.broadcast_to(data, target)
    except ValueError:
        raise expand_error(target, data.shape) from None
    return as_view(record(_R["expand"], out, (self,)), self)


def broadcast_to(self, size):
    """``self`` expanded to ``size`` (a view; PyTorch's name for :func:`expand`)."""
    return expand(self, size)


def expand_as(self, other):
    return expand(self, other._data.shape)


def repeat(self, *repeats):
    """Tile the tensor ``repeats`` times along each dimension (a copy)."""
    repeats = int_tuple(repeats, "repeat", "repeats")
    data = self._data
    if len(repeats) < data.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    out = np.tile(data, repeats)
    return record(_R["repeat"], out, (self,), (repeats, data.shape))


def _tensor_list(tensors, fname):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    if not tensors:
        # PyTorch's python wrapper of cat raises ValueError; stack's kernel RuntimeError
        if fname == "cat":
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError("stack expects a non-empty TensorList")
    return list(tensors)


def _promoted_arrays(tensors):
    target = _dtype.result_type(*tensors).np
    return [t._data.astype(target, copy=False) for t in tensors]


def cat(tensors, dim=0):
    """Join tensors along an existing dimension."""
    tensors = _tensor_list(tensors, "cat")
    arrays = _promoted_arrays(tensors)
    for i, a in enumerate(arrays):
        if a.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be "
                               "concatenated")
    ref = next((a for a in arrays if a.shape != (0,)), arrays[0])
    d = wrap_dim(int_arg(dim, "cat", "dim"), ref.ndim)
    keep = [i for i, a in enumerate(arrays) if a.shape != (0,) or ref.shape == (0,)]
    for i in keep:
        a = arrays[i]
        if a.ndim != ref.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {ref.ndim} "
                               f"and {a.ndim}")
        for k in range(ref.ndim):
            if k != d and a.shape[k] != ref.shape[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {ref.shape[k]} but got size {a.shape[k]} "
                                   f"for tensor number {i} in the list.")
    out = np.concatenate([arrays[i] for i in keep], axis=d)
    sizes = [arrays[i].shape[d] if i in keep else 0 for i in range(len(arrays))]
    return record(_R["cat"], out, tuple(tensors), (sizes, d))


def stack(tensors, dim=0):
    """Join same-shaped tensors along a new dimension."""
    tensors = _tensor_list(tensors, "stack")
    arrays = _promoted_arrays(tensors)
    for i, a in enumerate(arrays):
        if a.shape != arrays[0].shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(arrays[0].shape)} at entry 0 and {list(a.shape)} at "
                               f"entry {i}")
    d = wrap_dim(int_arg(dim, "stack", "dim"), arrays[0].ndim + 1)
    return record(_R["stack"], np.stack(arrays, axis=d), tuple(tensors), (d,))


def split(self, split_size_or_sections, dim=0):
    """Pieces of ``split_size`` (or the given list of sizes) along ``dim`` (views)."""
    data = self._data
    d = wrap_dim(dim, data.ndim)
    n = data.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size == 0 and n:
            raise RuntimeError("split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
        rule = _R["split"]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={sizes}")
        rule = _R["split_with_sizes"]
    parts = np.split(data, np.cumsum(sizes)[:-1], axis=d)
    outs = record_multi(rule, parts, (self,), (d,))
    return tuple(as_view(o, self) for o in outs)


def chunk(self, chunks, dim=0):
    """Split into ``chunks`` pieces of equal size (the last may be smaller)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = self._data.shape[wrap_dim(dim, self._data.ndim)]
    return split(self, max(1, -(-n // chunks)), dim)


def unbind(self, dim=0):
    """The slices along ``dim``, as a tuple of views."""
    data = self._data
    d = wrap_dim(dim, data.ndim)
    # Ellipsis: 0-d parts stay views of the input (numpy would return scalar copies)
    parts = [data[(slice(None),) * d + (i, Ellipsis)] for i in range(data.shape[d])]
    outs = record_multi(_R["unbind"], parts, (self,), (d,))
    return tuple(as_view(o, self) for o in outs)


def narrow(self, dim, start, length):
    """A slice of ``length`` entries from ``start`` along ``dim`` (SliceBackward0)."""
    from .index import slice_along
    d = wrap_dim(dim, self._data.ndim)
    size = self._data.shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    start = start + size if start < 0 else start
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return slice_along(self, d, slice(start, start + length))


def flip(self, dims):
    """Reverse the order along ``dims`` (a copy, as in PyTorch)."""
    dims = int_tuple((dims,), "flip", "dims")
    out = np.flip(self._data, [wrap_dim(d, self._data.ndim) for d in dims]).copy()
    return record(_R["flip"], out, (self,), (dims,))


def clone(self, *, memory_format=None):
    """A copy that stays in the graph (CloneBackward0)."""
    return record(_R["clone"], self._data.copy(), (self,))


def contiguous(self, memory_format=None):
    """``self`` if already contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return clone(self)


def to_target_dtype(args, kwargs):
    """The dtype named by ``to(...)``-style arguments (a dtype, a tensor whose dtype to
    take, ``dtype=``), or None; device arguments must be the CPU."""
    target = kwargs.pop("dtype", None)
    if "device" in kwargs:
        require_cpu(kwargs.pop("device"))
    for arg in args:
        if isinstance(arg, _dtype.dtype):
            target = arg
        elif isinstance(arg, Tensor):
            target = arg.dtype
        else:
            require_cpu(arg)
    return target


def to(self, *args, **kwargs):
    """Convert dtype (``to(torch.float64)``, ``to(other)``); devices other than cpu fail."""
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    target = to_target_dtype(args, kwargs)
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if (target is None or target.np == self._data.dtype) and not copy:
        return self
    np_dtype = self._data.dtype if target is None else target.np
    return record(_R["to_copy"], self._data.astype(np_dtype), (self,))
