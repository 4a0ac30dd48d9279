"""Matrix products: ``matmul``/``@`` in its 1-D, 2-D and batched forms, ``mm``, ``mv``,
``dot``, ``bmm``, ``outer``.

``matmul`` is decomposed the way PyTorch decomposes it, so the graph shows the same nodes:
vector @ matrix is unsqueeze -> mm -> squeeze (SqueezeBackward4), batch @ matrix folds the
batch into rows (view -> mm -> UnsafeViewBackward0), and batch @ batch is a broadcasting
bmm followed by UnsafeViewBackward0.
"""

import numpy as np

from ..tensor import Tensor
from ._common import check_tensor
from ._record import record
from .rules import RULES
from .shape import as_view, reshape, unsqueeze

__all__ = ["matmul", "rmatmul", "mm", "mv", "dot", "bmm", "outer"]

_R = RULES


def _check_same_dtype(a, b):
    if a._data.dtype != b._data.dtype:
        from .._dtype import from_numpy_dtype
        names = {"Float": "float", "Double": "double", "Long": "long", "Int": "int",
                 "Half": "c10::Half", "Bool": "bool"}
        da = names.get(from_numpy_dtype(a._data.dtype)._legacy, a._data.dtype.name)
        db = names.get(from_numpy_dtype(b._data.dtype)._legacy, b._data.dtype.name)
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {da} != {db}")


def mm(self, mat2):
    """Matrix product of two 2-D tensors."""
    check_tensor(mat2, "mm", "mat2")
    a, b = self._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError(f"self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                           f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    _check_same_dtype(self, mat2)
    return record(_R["mm"], a @ b, (self, mat2))


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
    _check_same_dtype(self, vec)
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
    _check_same_dtype(self, tensor)
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
    _check_same_dtype(self, mat2)
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
    if na == 2 and nb == 2:
        return mm(self, other)
    if na == 1 and nb == 2:
        return _squeeze_matmul(mm(_unsqueeze_checked(self, other), other), 0)
    if nb <= 2 and na >= 3:
        return _fold_batch(self, other)
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


def _fold_batch(self, other):
    """(..., n, k) @ (k, m) or (k,): fold the batch into rows, one mm or mv, unfold."""
    a = self._data
    k = a.shape[-1]
    rows = reshape(self, -1, k)
    prod = mm(rows, other) if other._data.ndim == 2 else mv(rows, other)
    out_shape = a.shape[:-1] + other._data.shape[1:]
    return record(_R["unsafe_view"], prod._data.reshape(out_shape), (prod,),
                  (prod._data.shape,))


def _batched(self, other):
    """Broadcasting batch @ batch: one bmm-like node, then UnsafeViewBackward0."""
    a, b = self, other
    squeeze_a, squeeze_b = a._data.ndim == 1, b._data.ndim == 1
    if squeeze_a:
        a = unsqueeze(a, 0)
    if squeeze_b:
        b = unsqueeze(b, -1)
    ad, bd = a._data, b._data
    if ad.shape[-1] != bd.shape[-2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{int(np.prod(ad.shape[:-2]))}, {ad.shape[-1]}] but got: "
                           f"[{int(np.prod(bd.shape[:-2]))}, {bd.shape[-2]}].")
    try:
        np.broadcast_shapes(ad.shape[:-2], bd.shape[:-2])
    except ValueError:
        from ._common import broadcast_error
        raise broadcast_error(ad.shape[:-2], bd.shape[:-2]) from None
    _check_same_dtype(a, b)
    prod = record(_R["bmm"], ad @ bd, (a, b))
    data = prod._data
    if squeeze_a:
        data = data.reshape(data.shape[:-2] + data.shape[-1:])
    if squeeze_b:
        data = data.reshape(data.shape[:-1])
    return record(_R["unsafe_view"], data, (prod,), (prod._data.shape,))


def outer(self, vec2):
    """Outer product; PyTorch computes it as ``self.unsqueeze(1) * vec2`` (MulBackward0)."""
    from .elementwise import mul
    return mul(unsqueeze(self, 1), check_tensor(vec2, "outer", "vec2"))
