"""Matrix products: ``matmul``/``@`` in its 1-D, 2-D and batched forms, ``mm``, ``mv``,
``dot``, ``bmm``, ``outer``.

``matmul`` follows PyTorch's ``_matmul_impl`` step by step, so the graph shows the same
nodes: vector @ matrix is unsqueeze -> mm -> squeeze (SqueezeBackward4); a batch against
a matrix or vector is folded into one mm/mv (reshape -> mm -> UnsafeViewBackward0, or
with transposes when the batch is on the right) when PyTorch folds it; otherwise both
sides are expanded to the broadcast batch, reshaped to 3-D, multiplied with bmm and
viewed back (UnsafeViewBackward0).
"""

import math

import numpy as np

from .._dtype import from_numpy_dtype
from ..tensor import Tensor
from ._common import check_tensor, broadcast_error, cpp_type_name, wrap_dim
from ._record import record, record_multi
from .rules import RULES
from .shape import (as_view, reshape, unsqueeze, squeeze, transpose, t, expand, contiguous,
                    warn_once)

__all__ = ["matmul", "rmatmul", "mm", "mv", "dot", "bmm", "outer", "cross", "det", "svd"]

_R = RULES

def _legacy(t):
    return from_numpy_dtype(t._data.dtype)._legacy


def _check_same_dtype(a, b):
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{cpp_type_name(a)} != {cpp_type_name(b)}")


def mm(self, mat2):
    """Matrix product of two 2-D tensors."""
    check_tensor(mat2, "mm", "mat2")
    a, b = self._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                           f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    _check_same_dtype(self, mat2)
    return record(_R["mm"], a @ b, (self, mat2), (is_transposed(b),))


def is_transposed(matrix):
    """True for a transposed (column-major) matrix such as ``weight.t()``: its gradient
    is then computed transposed, so that it comes out in the matrix's own layout."""
    return not matrix.flags.c_contiguous and matrix.flags.f_contiguous


def mv(self, vec):
    """Matrix @ vector."""
    check_tensor(vec, "mv", "vec")
    a, v = self._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {v.ndim}, {a.ndim}, "
                           f"{v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({v.shape[0]})")
    if a.dtype != v.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_legacy(vec)}, {_legacy(self)}, and {_legacy(vec)}")
    return record(_R["mv"], a @ v, (self, vec))


def dot(self, tensor):
    """Inner product of two 1-D tensors."""
    check_tensor(tensor, "dot", "tensor")
    a, b = self._data, tensor._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                           f"[{b.shape[0]}] to have the same number of elements, but got "
                           f"{a.shape[0]} and {b.shape[0]} elements respectively")
    if a.dtype != b.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_legacy(self)} and {_legacy(tensor)}")
    return record(_R["dot"], np.dot(a, b), (self, tensor))


def bmm(self, mat2):
    """Batched matrix product of two 3-D tensors."""
    a, b = self._data, check_tensor(mat2, "bmm", "mat2")._data
    if a.ndim != 3 or b.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor" if a.ndim != 3 else
                           "batch2 must be a 3D tensor")
    if a.shape[0] != b.shape[0] or a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, "
                           f"{b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_legacy(self)} but found {_legacy(mat2)}")
    return record(_R["bmm"], a @ b, (self, mat2))


def matmul(self, other):
    """``self @ other`` for 1-D, 2-D and batched (broadcast) operands."""
    if not isinstance(other, Tensor):
        return NotImplemented
    na, nb = self._data.ndim, other._data.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{na}D and {nb}D")
    if na == 1 and nb == 1:
        return dot(self, other)
    if na == 2 and nb == 1:
        return mv(self, other)
    if na == 1 and nb == 2:
        return _squeeze_matmul(mm(_unsqueeze_checked(self, other), other), 0)
    if na == 2 and nb == 2:
        return mm(self, other)
    if _should_fold(self, other):
        return _folded(self, other)
    return _batched(self, other)


def rmatmul(self, other):
    """``other @ self`` when ``other`` is not a tensor (numpy arrays)."""
    if isinstance(other, np.ndarray):
        return matmul(Tensor._wrap(other), self)
    return NotImplemented


def _unsqueeze_checked(vec, mat):
    if vec._data.shape[0] != mat._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied (1x{vec._data.shape[0]} "
                           f"and {mat._data.shape[0]}x{mat._data.shape[1]})")
    return unsqueeze(vec, 0)


def _squeeze_matmul(t, dim):
    """The squeeze PyTorch's matmul ends with (SqueezeBackward4)."""
    data = t._data
    out = data.reshape(data.shape[:dim] + data.shape[dim + 1:])
    return as_view(record(_R["squeeze_matmul"], out, (t,), (data.shape,)), t)


def _should_fold(a, b):
    """PyTorch's ``should_fold``: multiply the bigger operand's batch as the rows of one
    mm/mv instead of a bmm. Always when the smaller operand (at most 2-D) requires grad
    (its gradient would otherwise be a batch to sum); else when the fold is a view."""
    a_larger = a._data.ndim >= b._data.ndim
    big = a._data if a_larger else np.swapaxes(b._data, -1, -2)
    small = b if a_larger else a
    if not (big.ndim >= 3 and small._data.ndim <= 2):
        return False
    if small._rg:
        return True
    if a._data.ndim == 2:
        return False
    if big.size == 0:
        return True
    sizes, strides = big.shape, big.strides
    return all(strides[i] == strides[i + 1] * sizes[i + 1] for i in range(big.ndim - 2))


def _folded(a, b):
    """The fold: rows of the (transposed, if on the right) batch against the matrix or
    vector, one mm or mv, viewed back to the batch shape."""
    swap = b._data.ndim > a._data.ndim
    t1 = transpose(b, -2, -1) if swap else a
    t2 = (t(a) if a._data.ndim == 2 else a) if swap else b
    sizes = t1._data.shape
    out_shape = sizes[:-1] + t2._data.shape[1:]
    rows = reshape(t1, math.prod(sizes[:-1]), sizes[-1])
    product = mm(rows, t2) if t2._data.ndim == 2 else mv(rows, t2)
    out = _unsafe_view(product, out_shape)
    return contiguous(transpose(out, -2, -1)) if swap and t2._data.ndim == 2 else out


def _batched(a, b):
    """Broadcast both batches, fold them into one bmm, view the result back."""
    da, db = a._data, b._data
    if da.ndim == 3 and db.ndim == 3 and da.shape[0] != db.shape[0]:
        # PyTorch squeezes a batch of one that requires grad, then starts again
        if da.shape[0] == 1 and a._rg:
            return matmul(squeeze(a, 0), b)
        if db.shape[0] == 1 and b._rg:
            return matmul(a, squeeze(b, 0))
    n = da.shape[-2] if da.ndim > 1 else 1
    m1, m2 = da.shape[-1], (db.shape[-2] if db.ndim > 1 else db.shape[0])
    p = db.shape[-1] if db.ndim > 1 else 1
    try:
        batch = np.broadcast_shapes(da.shape[:-2], db.shape[:-2])
    except ValueError:
        raise broadcast_error(da.shape[:-2], db.shape[:-2]) from None
    count = math.prod(batch)
    left = reshape(expand(a, batch + (n, m1)), count, n, m1)
    if db.ndim == 1:
        right = unsqueeze(reshape(expand(b, batch + (m2,)), count, m2), 2)
    else:
        right = reshape(expand(b, batch + (m2, p)), count, m2, p)
    product = bmm(left, right)
    if db.ndim == 1:
        product = squeeze(product, -1)
    return _unsafe_view(product, batch + ((n,) if da.ndim > 1 else ()) +
                        ((p,) if db.ndim > 1 else ()))


def _unsafe_view(t, shape):
    """PyTorch's ``_unsafe_view``: a reshape recorded as UnsafeViewBackward0."""
    return record(_R["unsafe_view"], t._data.reshape(shape), (t,), (t._data.shape,))


def outer(self, vec2):
    """Outer product; PyTorch computes it as ``self.reshape(n, 1) * vec2`` (MulBackward0
    over ViewBackward0)."""
    from .elementwise import mul
    check_tensor(vec2, "outer", "vec2")
    return mul(reshape(self, self._data.shape[0], 1), vec2)


# ---------------------------------------------------------------------------------------
# lessons-api: cross product, determinant, singular value decomposition
# ---------------------------------------------------------------------------------------

_CROSS_WARNING = (
    "Using torch.cross without specifying the dim arg is deprecated.\n"
    "Please either pass the dim explicitly or simply use torch.linalg.cross.\n"
    "The default value of dim will change to agree with that of linalg.cross in a future "
    "release.")


def cross(self, other, dim=None):
    """Cross product of 3-vectors along ``dim`` (broadcasting); without ``dim``, the first
    dimension of size 3, with PyTorch's deprecation warning."""
    check_tensor(other, "cross", "other")
    a, b = self._data, other._data
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    if dim is None:
        warn_once("cross", _CROSS_WARNING)     # PyTorch warns once per process
        dim = next((i for i, n in enumerate(shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    dim = wrap_dim(dim, len(shape))
    if a.shape[dim - len(shape) + a.ndim] != 3 or b.shape[dim - len(shape) + b.ndim] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[dim - len(shape) + a.ndim]} and "
                           f"{b.shape[dim - len(shape) + b.ndim]}")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.cross: expected input and other to have the same dtype, "
                           f"but got {_legacy(self)} and {_legacy(other)}")
    out = np.cross(np.broadcast_to(a, shape), np.broadcast_to(b, shape), axis=dim)
    return record(_R["cross"], out, (self, other), (dim,))


def _square_float(self, fname):
    """PyTorch's checks of linalg functions on (batches of) square float matrices."""
    data = self._data
    if data.ndim < 2:
        raise RuntimeError(f"linalg.{fname}: The input tensor A must have at least 2 "
                           "dimensions.")
    if data.dtype.kind != "f":
        raise RuntimeError(f"linalg.{fname}: Expected a floating point or complex tensor as "
                           f"input. Got {_legacy(self)}")
    return data


def det(self):
    """Determinant of a square matrix (or of each in a batch)."""
    data = _square_float(self, "det")
    if data.shape[-1] != data.shape[-2]:
        raise RuntimeError(f"linalg.det: A must be batches of square matrices, but they are "
                           f"{data.shape[-2]} by {data.shape[-1]} matrices")
    return record(_R["det"], np.asarray(np.linalg.det(data), data.dtype), (self,))


def svd(self, some=True, compute_uv=True):
    """``A = U diag(S) V^T``: ``torch.return_types.svd(U, S, V)``, reduced unless
    ``some=False``. V is the transpose of the decomposition's Vh (TransposeBackward0), as
    in PyTorch; without ``compute_uv``, U and V are zeros and carry no gradient."""
    from .reduce import return_types
    data = _square_float(self, "svd")
    U, S, Vh = np.linalg.svd(data, full_matrices=not some)
    U, S, Vh = (np.asarray(x, data.dtype) for x in (U, S, Vh))
    u, s, vh = record_multi(_R["svd"], [U, S, Vh], (self,), (U, S, Vh))
    if not compute_uv:
        m, n = data.shape[-2:]
        u, vh = (Tensor._wrap(np.zeros(data.shape[:-2] + (k, k), data.dtype)) for k in (m, n))
        return return_types.svd(u, s, vh)
    return return_types.svd(u, s, transpose(vh, -2, -1))
