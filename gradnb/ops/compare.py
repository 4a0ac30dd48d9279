"""Whole-tensor comparisons: ``isclose`` (elementwise, a bool tensor), ``allclose`` and
``equal`` (python bools), with PyTorch's checks."""

import numpy as np

from ..tensor import Tensor
from ._common import broadcast_error, quiet
from ._record import record
from .rules import LESSON_NONDIFF

__all__ = ["isclose", "allclose", "equal"]


def _other(other, fname):
    if not isinstance(other, Tensor):
        raise TypeError(f"{fname}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(other).__name__}")
    return other


def _close(self, other, rtol, atol, equal_nan, fname):
    """The boolean array of ``|self - other| <= atol + rtol |other|`` (equal values,
    infinities included, are always close; NaNs only with ``equal_nan``)."""
    other = _other(other, fname)
    a, b = self._data, other._data
    if a.dtype != b.dtype:
        raise RuntimeError(f"{self.dtype._legacy} did not match {other.dtype._legacy}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None
    if a.dtype.kind == "b":
        return a == b
    with quiet():
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise closeness of two tensors of the same dtype (a bool tensor)."""
    return record(LESSON_NONDIFF["isclose"], _close(self, other, rtol, atol, equal_nan, "isclose"),
                  (self, other))


def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True if every element of ``self`` is close to the one of ``other``."""
    return bool(_close(self, other, rtol, atol, equal_nan, "allclose").all())


def equal(self, other):
    """True if both tensors have the same shape and the same values (NaN is not equal to
    itself; the dtypes may differ)."""
    other = _other(other, "equal")
    a, b = self._data, other._data
    return a.shape == b.shape and bool(np.array_equal(a, b))
