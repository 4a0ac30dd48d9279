"""PyTorch's dtype objects (``torch.float32``, ``torch.long``, ...) and type promotion.

A :class:`dtype` wraps a numpy dtype and prints like PyTorch's. Promotion follows
PyTorch, not numpy: python scalars and 0-d tensors only take part by *category*
(bool < integer < floating), so ``int64_tensor * 1.5`` is float32 (numpy would say
float64) and ``float32_tensor + float64_scalar_tensor`` stays float32.
"""

import numpy as np

__all__ = ["dtype", "float16", "half", "float32", "float", "float64", "double",
           "int8", "uint8", "int16", "short", "int32", "int", "int64", "long", "bool",
           "get_default_dtype", "set_default_dtype", "from_numpy_dtype", "result_type"]


class dtype:
    """A tensor element type, e.g. ``torch.float32``.

    Attributes
    ----------
    np : numpy.dtype
        The numpy dtype used for storage.
    is_floating_point : bool
    itemsize : int
    """

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize",
                 "_legacy", "_category")

    def __init__(self, name, np_dtype, legacy, category):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.is_floating_point = category == 2
        self.is_signed = self.np.kind in "fi"
        self.itemsize = self.np.itemsize
        self._legacy = legacy          # "Float" as in torch.FloatTensor / "Float can't be cast"
        self._category = category      # 0 bool, 1 integer, 2 floating

    @property
    def is_complex(self):
        return False

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


def _by_name(name):
    return _BY_NAME[name]


float16 = half = dtype("float16", np.float16, "Half", 2)
float32 = float = dtype("float32", np.float32, "Float", 2)
float64 = double = dtype("float64", np.float64, "Double", 2)
uint8 = dtype("uint8", np.uint8, "Byte", 1)
int8 = dtype("int8", np.int8, "Char", 1)
int16 = short = dtype("int16", np.int16, "Short", 1)
int32 = int = dtype("int32", np.int32, "Int", 1)
int64 = long = dtype("int64", np.int64, "Long", 1)
bool = dtype("bool", np.bool_, "Bool", 0)

_ALL = (float16, float32, float64, uint8, int8, int16, int32, int64, bool)
_BY_NAME = {d.name: d for d in _ALL}
_BY_NP = {d.np: d for d in _ALL}

_default = [float32]


def get_default_dtype():
    """Return the dtype that float literals and ``torch.ones(...)`` produce."""
    return _default[0]


def set_default_dtype(d):
    """Set the default floating dtype (float32 or float64)."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def from_numpy_dtype(np_dtype):
    """Map a numpy dtype to ours; TypeError for kinds PyTorch has no tensor type for."""
    try:
        return _BY_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint64, uint32, uint16, uint8, and bool.") from None


def _promote_types(a, b):
    """PyTorch's promotion of two dtypes: an integer meets a float -> that float
    (numpy would widen int64 + float32 to float64); otherwise the wider of the two."""
    if a is b or b is None:
        return a
    if a is None:
        return b
    if a.is_floating_point != b.is_floating_point:
        return a if a.is_floating_point else b
    return _BY_NP[np.promote_types(a.np, b.np)]


def _scalar_dtype(value):
    """The dtype a python scalar counts as: float -> default float, int -> int64."""
    if isinstance(value, (np.bool_, type(True))):
        return bool
    if isinstance(value, (type(1), np.integer)):
        return int64
    return get_default_dtype()


def _combine_categories(higher, lower):
    """Let a lower-priority operand lift the result's category only (bool -> int -> float),
    as ATen's ``combine_categories`` does."""
    if higher is not None and higher.is_floating_point:
        return higher
    if higher is bool or (lower is not None and lower.is_floating_point):
        return _promote_types(higher, lower)
    return higher if higher is not None else lower


def result_type(*operands):
    """PyTorch's result dtype for an op over tensors and python scalars.

    Operands fall in three tiers: dimensioned tensors, 0-d tensors, python scalars.
    Each tier promotes within itself; a lower tier can only lift the category.

    Parameters
    ----------
    operands : Tensor or python scalar
        Anything with a ``dtype`` attribute of our dtype class counts as a tensor.
    """
    tiers = [None, None, None]
    for op in operands:
        d = getattr(op, "dtype", None)
        if isinstance(d, dtype):
            tier = 0 if op.ndim else 1
        else:
            d, tier = _scalar_dtype(op), 2
        tiers[tier] = _promote_types(tiers[tier], d)
    return _combine_categories(tiers[0], _combine_categories(tiers[1], tiers[2]))
