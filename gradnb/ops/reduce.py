"""Reductions: sum, mean, max/min (all elements or along a dim, with indices), amax,
argmax, prod, cumsum, var/std, norm, softmax and log_softmax."""

import math
import warnings

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from ._common import dims_arg, wrap_dim, quiet, to_float, int_arg
from ._record import record, record_multi
from .elementwise import _NONDIFF
from .rules import RULES

__all__ = ["sum", "mean", "max", "min", "amax", "amin", "argmax", "argmin", "prod", "cumsum",
           "var", "std", "norm", "softmax", "log_softmax", "all", "any", "return_types",
           "std_mean", "unique"]

_R = RULES
_np_sum = np.sum


class _ReturnType(tuple):
    """Named pair like ``torch.return_types.max(values=..., indices=...)``."""

    __slots__ = ()
    _name = ""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


class return_types:
    """Namespace of PyTorch's named result tuples."""

    class max(_ReturnType):
        __slots__ = ()
        _name = "max"

    class min(_ReturnType):
        __slots__ = ()
        _name = "min"

    class svd(tuple):
        """``torch.return_types.svd(U=..., S=..., V=...)``."""
        __slots__ = ()

        def __new__(cls, U, S, V):
            return tuple.__new__(cls, (U, S, V))

        U = property(lambda self: self[0])
        S = property(lambda self: self[1])
        V = property(lambda self: self[2])

        def __repr__(self):
            return f"torch.return_types.svd(\nU={self[0]!r},\nS={self[1]!r},\nV={self[2]!r})"


def _sum_dtype(data, dtype):
    if dtype is not None:
        return dtype.np
    # integers and bools sum to int64, as in PyTorch
    return np.int64 if data.dtype.kind in "iub" else None


def sum(self, dim=None, keepdim=False, *, dtype=None):
    """Sum of all elements, or along ``dim`` (int or tuple), keeping it if ``keepdim``."""
    data = self._data
    np_dtype = _sum_dtype(data, dtype)
    dims = dims_arg(dim, data.ndim)
    if dims is None and dim is None:
        out = _np_sum(data, dtype=np_dtype)
        return record(_R["sum"], out, (self,), (data.shape,))
    dims = dims or tuple(range(data.ndim))
    out = _np_sum(data, axis=dims, keepdims=keepdim, dtype=np_dtype)
    return record(_R["sum_dim"], out, (self,), (dims, keepdim, data.shape))


def _check_mean_dtype(data, fname="mean"):
    if data.dtype.kind != "f":
        raise RuntimeError(f"{fname}(): could not infer output dtype. Input dtype must be "
                           "either a floating point or complex dtype. Got: "
                           f"{_dtype.from_numpy_dtype(data.dtype)._legacy}")


def mean(self, dim=None, keepdim=False, *, dtype=None):
    """Average of all elements, or along ``dim``."""
    data = self._data if dtype is None else self._data.astype(dtype.np)
    _check_mean_dtype(data)
    dims = dims_arg(dim, data.ndim)
    with quiet(), warnings.catch_warnings():
        # the mean of nothing is nan in PyTorch, without numpy's "Mean of empty slice"
        warnings.simplefilter("ignore", RuntimeWarning)
        if dims is None and dim is None:
            out = data.mean()
            return record(_R["mean"], out, (self,), (data.shape, data.size))
        dims = dims or tuple(range(data.ndim))
        out = data.mean(axis=dims, keepdims=keepdim)
    count = math.prod(data.shape[d] for d in dims)
    return record(_R["mean_dim"], out, (self,), (dims, keepdim, data.shape, count))


def _extreme(self, dim, keepdim, kind):
    """Shared body of max/min: all elements, along a dim (values + indices), or the
    elementwise maximum/minimum with another tensor."""
    from .elementwise import maximum, minimum
    if isinstance(dim, Tensor):
        return (maximum if kind == "max" else minimum)(self, dim)
    data = self._data
    if dim is None:
        if data.size == 0:
            raise RuntimeError(f"{kind}(): Expected reduction dim to be specified for "
                               "input.numel() == 0. Specify the reduction dim with the 'dim' "
                               "argument.")
        out = data.max() if kind == "max" else data.min()
        return record(_R[kind], out, (self,))
    d = wrap_dim(dim, data.ndim)
    if data.shape[d if data.ndim else 0:][:1] == (0,):
        raise IndexError(f"{kind}(): Expected reduction dim {d} to have non-zero size.")
    arg = np.argmax if kind == "max" else np.argmin
    view = data if data.ndim else data.reshape(1)
    idx = arg(view, axis=d, keepdims=True)
    values = np.take_along_axis(view, idx, axis=d)
    if not keepdim:
        values, idx = np.squeeze(values, d), np.squeeze(idx, d)
    if not data.ndim:
        values, idx = values.reshape(()), idx.reshape(())
    values_t = record(_R[kind + "_dim"], values, (self,), ((d,), keepdim, idx, data.shape))
    idx_t = record(_NONDIFF["arg" + kind], idx.astype(np.int64, copy=False), (self,))
    return getattr(return_types, kind)(values_t, idx_t)


def max(self, dim=None, keepdim=False):
    """Largest element; with ``dim``, the (values, indices) along it; with a tensor,
    the elementwise maximum."""
    return _extreme(self, dim, keepdim, "max")


def min(self, dim=None, keepdim=False):
    """Smallest element; with ``dim``, the (values, indices) along it; with a tensor,
    the elementwise minimum."""
    return _extreme(self, dim, keepdim, "min")


def _amax_like(self, dim, keepdim, kind):
    data = self._data
    dims = dims_arg(dim, data.ndim) or tuple(range(data.ndim))
    out = (np.amax if kind == "amax" else np.amin)(data, axis=dims, keepdims=keepdim)
    return record(_R[kind], out, (self,), (dims, keepdim))


def amax(self, dim=(), keepdim=False):
    """Maximum along ``dim`` (all dims by default); ties share the gradient."""
    return _amax_like(self, dim, keepdim, "amax")


def amin(self, dim=(), keepdim=False):
    """Minimum along ``dim`` (all dims by default); ties share the gradient."""
    return _amax_like(self, dim, keepdim, "amin")


def _arg_extreme(self, dim, keepdim, kind):
    data = self._data
    fn = np.argmax if kind == "argmax" else np.argmin
    if dim is None:
        out = fn(data.reshape(-1))
        if keepdim:
            out = np.asarray(out).reshape((1,) * data.ndim)
    else:
        out = fn(data, axis=wrap_dim(dim, data.ndim), keepdims=keepdim)
    return record(_NONDIFF[kind], np.asarray(out, dtype=np.int64), (self,))


def argmax(self, dim=None, keepdim=False):
    """Index of the largest element (flattened, or along ``dim``)."""
    return _arg_extreme(self, dim, keepdim, "argmax")


def argmin(self, dim=None, keepdim=False):
    """Index of the smallest element (flattened, or along ``dim``)."""
    return _arg_extreme(self, dim, keepdim, "argmin")


def prod(self, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements (or along ``dim``)."""
    data = self._data
    np_dtype = _sum_dtype(data, dtype)
    if dim is None:
        return record(_R["prod"], np.prod(data, dtype=np_dtype), (self,))
    dims = dims_arg(dim, data.ndim)
    out = np.prod(data, axis=dims, keepdims=keepdim, dtype=np_dtype)
    return record(_R["prod_dim"], out, (self,), (dims, keepdim))


def cumsum(self, dim, *, dtype=None):
    """Running sum along ``dim``."""
    data = self._data
    d = wrap_dim(int_arg(dim, "cumsum", "dim", 1), data.ndim)
    out = np.cumsum(data, axis=d if data.ndim else None, dtype=_sum_dtype(data, dtype))
    return record(_R["cumsum"], out.reshape(data.shape), (self,), (d,))


def _correction(unbiased, correction):
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance (Bessel-corrected by default)."""
    return _variance(self, dim, unbiased, keepdim, correction, "var")


def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation (Bessel-corrected by default)."""
    return _variance(self, dim, unbiased, keepdim, correction, "std")


def _variance(self, dim, unbiased, keepdim, correction, kind):
    """Shared body of var and std (``kind``), with PyTorch's checks and warning."""
    dims, c = _variance_args(self, dim, unbiased, correction, kind, 4)
    out = _spread(np.var if kind == "var" else np.std, self._data, dims, c, keepdim)
    return record(_R[kind], out, (self,), (dims, c, keepdim))


def _variance_args(self, dim, unbiased, correction, kind, stacklevel):
    """``(dims, correction)`` of var/std/std_mean, with PyTorch's checks and warning."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    data = self._data
    if data.dtype.kind != "f":
        raise RuntimeError("std and var only support floating point and complex dtypes")
    c = _correction(unbiased, correction)
    dims = dims_arg(dim, data.ndim)
    n = data.size if dims is None else math.prod(data.shape[d] for d in dims)
    if n - c <= 0:
        warnings.warn(f"{kind}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=stacklevel)
    return dims, c


def _spread(fn, data, dims, c, keepdim):
    with quiet(), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # numpy's own dof warning
        return fn(data, axis=dims, ddof=c, keepdims=keepdim)


def std_mean(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` in one op: a tuple of two tensors sharing a StdMeanBackward0 node."""
    dims, c = _variance_args(self, dim, unbiased, correction, "std_mean", 3)
    data = self._data
    std = _spread(np.std, data, dims, c, keepdim)
    mean_ = np.mean(data, axis=dims, keepdims=keepdim)
    std, mean_ = np.asarray(std, data.dtype), np.asarray(mean_, data.dtype)
    return tuple(record_multi(_R["std_mean"], [std, mean_], (self,), (dims, c, keepdim, std)))


def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values, sorted; optionally where each element went (``inverse``, the
    input's shape) and how often each value occurs (``counts``)."""
    data = self._data
    if dim is None:
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True)
        inverse = inverse.reshape(data.shape)
    else:
        d = wrap_dim(dim, data.ndim)
        values, inverse, counts = np.unique(data, return_inverse=True, return_counts=True,
                                            axis=d)
        inverse = inverse.reshape(-1)
    out = record(_R["unique" if dim is None else "unique_dim"], values, (self,))
    extra = [Tensor._wrap(a.astype(np.int64)) for a, wanted in
             ((inverse, return_inverse), (counts, return_counts)) if wanted]
    return (out, *extra) if extra else out


def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
    """Vector p-norm over all elements (or along ``dim``); default the 2-norm."""
    ord = 2 if p in ("fro", None) else p
    data = to_float(self)
    dims = dims_arg(dim, data.ndim)
    a = np.abs(data)
    if math.isinf(ord):
        out = (a.max if ord > 0 else a.min)(axis=dims, keepdims=keepdim)
    elif ord == 0:
        out = np.count_nonzero(a, axis=dims, keepdims=keepdim).astype(data.dtype)
    elif ord == 2:
        out = np.sqrt(np.sum(data * data, axis=dims, keepdims=keepdim))
    else:
        out = np.sum(a ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
    return record(_R["norm"], out, (self,), (ord, dims, keepdim))


def _softmax_dim(data, dim, fname):
    if dim is None:
        raise TypeError(f'{fname}() missing 1 required positional arguments: "dim"')
    return wrap_dim(int_arg(dim, fname, "dim", 1), data.ndim)


def softmax(self, dim=None, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``, computed stably."""
    src, data, d = _softmax_input(self, dim, dtype, "softmax")
    shifted = data - data.max(axis=d, keepdims=True) if data.size else data
    out = np.exp(shifted)
    out /= out.sum(axis=d, keepdims=True)
    return record(_R["softmax"], out, (src,), (d,))


def log_softmax(self, dim=None, dtype=None):
    """x - logsumexp(x) along ``dim``, computed stably."""
    src, data, d = _softmax_input(self, dim, dtype, "log_softmax")
    shifted = data - data.max(axis=d, keepdims=True) if data.size else data
    out = shifted - np.log(np.exp(shifted).sum(axis=d, keepdims=True))
    return record(_R["log_softmax"], out, (src,), (d,))


def _softmax_input(self, dim, dtype, fname):
    """The tensor softmax works on (converted first, ToCopyBackward0, when ``dtype`` asks
    for another one, as in PyTorch), its float array, and the wrapped dim."""
    if dtype is not None and dtype.np != self._data.dtype:
        from .shape import to
        self = to(self, dtype)
    data = to_float(self)
    return self, data, _softmax_dim(data, dim, fname)


def all(self, dim=None, keepdim=False):
    """True where all elements (along ``dim``) are non-zero; no gradient."""
    axis = None if dim is None else wrap_dim(dim, self._data.ndim)
    return Tensor._wrap(np.asarray(np.all(self._data, axis=axis, keepdims=keepdim)))


def any(self, dim=None, keepdim=False):
    """True where any element (along ``dim``) is non-zero; no gradient."""
    axis = None if dim is None else wrap_dim(dim, self._data.ndim)
    return Tensor._wrap(np.asarray(np.any(self._data, axis=axis, keepdims=keepdim)))
