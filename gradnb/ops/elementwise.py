"""Elementwise ops: arithmetic with broadcasting and PyTorch's type promotion, the
elementwise functions (exp, tanh, relu, ...), comparisons, clamp, where, maximum.

Each function computes its result with one numpy call and hands it to
:func:`~gradnb.ops._record.record` with its rule from the table.
"""

import functools
import numbers

import numpy as np

from .. import _dtype
from ..tensor import Tensor
from ._common import promote_operands, broadcast_error, is_scalar, to_float, quiet
from ._record import record, record2
from .rules import RULES, Rule

__all__ = ["add", "sub", "rsub", "mul", "div", "true_divide", "rdiv", "pow", "rpow", "neg",
           "reciprocal", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
           "clamp", "where", "maximum", "minimum", "eq", "ne", "lt", "le", "gt", "ge",
           "sign", "floor", "ceil", "round", "logical_not", "square", "isnan", "isinf",
           "floor_divide", "remainder", "logical_and", "logical_or", "bitwise_and",
           "bitwise_or", "bitwise_xor", "invert",
           # lessons-api: trigonometric and hyperbolic functions
           "tan", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "atan2"]

_R = RULES
# dtypes of the binary ops' fast path; float16 overflows easily, so it takes the general
# path, which silences numpy's overflow warnings as PyTorch is silent
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)
_np_add, _np_sub, _np_mul, _np_div = np.add, np.subtract, np.multiply, np.true_divide


def _operand(value):
    """Accept tensors and numbers; anything else makes the dunder return NotImplemented."""
    if isinstance(value, Tensor) or type(value) is float or is_scalar(value):
        return value
    if isinstance(value, np.ndarray):
        return Tensor._wrap(value)
    return None


def _binary(rule, fn, a, b, float_only=False, params=()):
    """Compute ``fn`` on the promoted operands and record ``rule``."""
    ad, bd = promote_operands(a, b, float_only)
    try:
        with quiet():
            out = fn(ad, bd)
    except ValueError:
        raise broadcast_error(np.shape(ad), np.shape(bd)) from None
    return record2(rule, out, a, b, params)


def _with_fast_path(rule_name, ufunc):
    """Decorate a binary op with a fast path for its most common calls: a float tensor
    with a float tensor of the same dtype, or with a python float. These need no dtype
    promotion and no alpha, so they go straight to numpy and the recorder; everything
    else takes the general function."""
    rule = _R[rule_name]

    def decorate(general):
        @functools.wraps(general)
        def op(self, other, **kwargs):
            if not kwargs:
                data = self._data
                fast = data.dtype is _F32 or data.dtype is _F64
                if type(other) is float and fast:
                    return record2(rule, ufunc(data, other), self, other)
                if isinstance(other, Tensor):
                    odata = other._data
                    if data.dtype is odata.dtype and fast:
                        try:
                            out = ufunc(data, odata)
                        except ValueError:
                            raise broadcast_error(data.shape, odata.shape) from None
                        return record2(rule, out, self, other)
            return general(self, other, **kwargs)
        return op
    return decorate


@_with_fast_path("add", np.add)
def add(self, other, *, alpha=1):
    """``self + alpha * other``, broadcasting."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    if alpha != 1:
        return _binary(_R["add_alpha"], lambda x, y: x + alpha * y, self, other,
                       params=(alpha,))
    return _binary(_R["add"], _np_add, self, other)


@_with_fast_path("sub", np.subtract)
def sub(self, other, *, alpha=1):
    """``self - alpha * other``, broadcasting."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    if self._data.dtype.kind == "b":
        if getattr(other, "dtype", None) is _dtype.bool:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        raise RuntimeError("Subtraction, the `-` operator, with a bool tensor is not "
                           "supported. If you are trying to invert a mask, use the `~` or "
                           "`logical_not()` operator instead.")
    if alpha != 1:
        return _binary(_R["sub_alpha"], lambda x, y: x - alpha * y, self, other,
                       params=(alpha,))
    return _binary(_R["sub"], _np_sub, self, other)


def rsub(self, other):
    """``other - self`` for a python number ``other`` (``1 - x`` is RsubBackward1)."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    if isinstance(other, Tensor):
        return sub(other, self)
    ad, b = promote_operands(self, other)
    return record(_R["rsub"], _np_sub(b, ad), (self,))


@_with_fast_path("mul", np.multiply)
def mul(self, other):
    """Elementwise product, broadcasting."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    return _binary(_R["mul"], _np_mul, self, other)


def div(self, other, *, rounding_mode=None):
    """True division (integers divide to float, as in PyTorch)."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    if rounding_mode is not None:
        return _rounded_div(self, other, rounding_mode)
    with quiet():       # x / 0 is inf, silently, as in PyTorch
        return _binary(_R["div"], _np_div, self, other, float_only=True)


true_divide = div


def rdiv(self, other):
    """``other / self``: PyTorch computes it as ``reciprocal(self) * other``."""
    other = _operand(other)
    if other is None:
        return NotImplemented
    if isinstance(other, Tensor):
        return div(other, self)
    return mul(reciprocal(self), other)


def _rounded_div(a, b, mode):
    ad, bd = promote_operands(a, b)
    with quiet():
        q = np.true_divide(ad, bd)
    q = np.floor(q) if mode == "floor" else np.trunc(q)
    if ad.dtype.kind != "f" and not isinstance(bd, float):
        q = q.astype(np.result_type(ad, bd) if isinstance(bd, np.ndarray) else ad.dtype)
    return record(_NONDIFF["div_rounded"], q, (a, b))


def pow(self, exponent):
    """``self ** exponent`` for a tensor or python-number exponent."""
    exponent = _operand(exponent)
    if exponent is None:
        return NotImplemented
    if isinstance(exponent, Tensor):
        with quiet():
            return _binary(_R["pow_tensor"], np.power, self, exponent)
    ad, e = promote_operands(self, exponent)
    if ad.dtype.kind in "iub" and isinstance(e, numbers.Integral) and e < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    with quiet():
        out = np.power(ad, e)
    return record(_R["pow"], out, (self,), (e,))


def rpow(self, base):
    """``base ** self`` for a python-number base (PowBackward2)."""
    base = _operand(base)
    if base is None:
        return NotImplemented
    if isinstance(base, Tensor):
        return pow(base, self)
    ad, b = promote_operands(self, base)
    with quiet():
        out = np.power(b, ad)
    return record(_R["rpow"], out, (self,), (b,))


def neg(self):
    """``-self``."""
    if self._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If "
                           "you are trying to invert a mask, use the `~` or `logical_not()` "
                           "operator instead.")
    return record(_R["neg"], np.negative(self._data), (self,))


def _unary(name, fn, float_only=True, may_warn=False):
    """Build an elementwise function ``name`` computing ``fn`` on the array.
    ``may_warn``: numpy can warn (overflow, log(0)); silence it as PyTorch is silent.
    Only those ops pay for np.errstate (about 1 us)."""
    rule = _R[name]

    def op(self):
        data = self._data
        if float_only and data.dtype.kind != "f":
            data = to_float(self)
        if may_warn:
            with quiet():
                return record(rule, fn(data), (self,))
        return record(rule, fn(data), (self,))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``; backward: {rule.formulas['self']}."
    return op


def _sigmoid(x):
    # exp(-x) overflows to inf for very negative x, which gives the right limit 0.
    out = np.exp(-x)
    if type(out) is not np.ndarray:       # 0-d input: numpy gives a scalar
        return 1 / (1 + out)
    out += 1
    return np.reciprocal(out, out=out)


def _relu(x):
    return np.maximum(x, 0)


exp = _unary("exp", np.exp, may_warn=True)
log = _unary("log", np.log, may_warn=True)
sqrt = _unary("sqrt", np.sqrt, may_warn=True)
sin = _unary("sin", np.sin, may_warn=True)
cos = _unary("cos", np.cos, may_warn=True)
tanh = _unary("tanh", np.tanh)
sigmoid = _unary("sigmoid", _sigmoid, may_warn=True)
reciprocal = _unary("reciprocal", np.reciprocal, may_warn=True)
relu = _unary("relu", _relu, float_only=False)
abs = _unary("abs", np.abs, float_only=False)
# inverse trigonometric and hyperbolic functions (outside their domain: NaN, silently)
tan = _unary("tan", np.tan, may_warn=True)
asin = _unary("asin", np.arcsin, may_warn=True)
acos = _unary("acos", np.arccos, may_warn=True)
atan = _unary("atan", np.arctan)
sinh = _unary("sinh", np.sinh, may_warn=True)
cosh = _unary("cosh", np.cosh, may_warn=True)
asinh = _unary("asinh", np.arcsinh)
acosh = _unary("acosh", np.arccosh, may_warn=True)
atanh = _unary("atanh", np.arctanh, may_warn=True)


def atan2(self, other):
    """Elementwise angle of the point ``(other, self)``: ``atan(self / other)`` in the
    right quadrant."""
    with quiet():
        return _binary(_R["atan2"], np.arctan2, self, _tensor_arg(other, "atan2"),
                       float_only=True)


def square(self):
    """``self ** 2`` (PowBackward0, as in PyTorch)."""
    return pow(self, 2)


def clamp(self, min=None, max=None):
    """Limit values to ``[min, max]``; the gradient flows only where not clipped."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clamp_by_tensors(self, min, max)
    data = self._data
    out = np.clip(data, min, max)
    if data.dtype.kind != "f" and (isinstance(min, float) or isinstance(max, float)):
        out = np.clip(data.astype(_dtype.get_default_dtype().np), min, max)
    return record(_R["clamp"], out, (self,), (min, max))


def _clamp_by_tensors(self, lo, hi):
    """clamp with tensor bounds: one ClampBackward0 whose bounds get gradients too."""
    lo, hi = (b if b is None or isinstance(b, Tensor) else Tensor._wrap(np.asarray(b))
              for b in (lo, hi))
    target = _dtype.result_type(*(t for t in (self, lo, hi) if t is not None)).np
    out = self._data.astype(target, copy=False)
    try:
        if lo is not None:
            out = np.maximum(out, lo._data)
        if hi is not None:
            out = np.minimum(out, hi._data)
    except ValueError:
        bound = lo if lo is not None else hi
        raise broadcast_error(self._data.shape, bound._data.shape) from None
    return record(_R["clamp_tensor"], out, (self, lo, hi))


def maximum(self, other):
    """Elementwise maximum of two tensors (ties share the gradient)."""
    return _binary(_R["maximum"], np.maximum, self, _tensor_arg(other, "maximum"))


def minimum(self, other):
    """Elementwise minimum of two tensors (ties share the gradient)."""
    return _binary(_R["minimum"], np.minimum, self, _tensor_arg(other, "minimum"))


def where(condition, input=None, other=None):
    """``input`` where ``condition`` else ``other``; one-argument form gives indices."""
    if input is None and other is None:
        return tuple(Tensor._wrap(i) for i in np.nonzero(condition._data))
    cond = condition._data.astype(bool, copy=False)
    target = _dtype.result_type(input, other)
    a, b = (v if isinstance(v, Tensor) else Tensor._wrap(np.asarray(v, dtype=target.np))
            for v in (input, other))
    ad, bd = a._data.astype(target.np, copy=False), b._data.astype(target.np, copy=False)
    shape = cond.shape
    for operand in (ad, bd):
        try:
            shape = np.broadcast_shapes(shape, operand.shape)
        except ValueError:
            raise broadcast_error(shape, operand.shape) from None
    return record(_R["where"], np.where(cond, ad, bd), (a, b), (cond,))


def _tensor_arg(value, fname):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fname}(): argument 'other' (position 2) must be Tensor, not "
                        f"{type(value).__name__}")
    return value


# -- ops without a gradient: results never require grad, provenance still recorded ------

_NONDIFF = {name: Rule(name, None) for name in (
    "eq", "ne", "lt", "le", "gt", "ge", "sign", "floor", "ceil", "round", "logical_not",
    "isnan", "isinf", "div_rounded", "floor_divide", "remainder", "argmax", "argmin",
    "logical_and", "logical_or", "bitwise_and", "bitwise_or", "bitwise_xor", "invert")}


def _compare(name, fn):
    rule = _NONDIFF[name]

    def op(self, other):
        if other is None:
            return name == "ne"
        other = _operand(other)
        if other is None:
            return NotImplemented
        return _binary(rule, fn, self, other)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}`` comparison; a bool tensor without gradient."
    return op


eq = _compare("eq", np.equal)
ne = _compare("ne", np.not_equal)
lt = _compare("lt", np.less)
le = _compare("le", np.less_equal)
gt = _compare("gt", np.greater)
ge = _compare("ge", np.greater_equal)
logical_and = _compare("logical_and", np.logical_and)
logical_or = _compare("logical_or", np.logical_or)
bitwise_and = _compare("bitwise_and", np.bitwise_and)
bitwise_or = _compare("bitwise_or", np.bitwise_or)
bitwise_xor = _compare("bitwise_xor", np.bitwise_xor)
floor_divide = _compare("floor_divide", np.floor_divide)
remainder = _compare("remainder", np.remainder)


def _nondiff_unary(name, fn):
    rule = _NONDIFF[name]

    def op(self):
        return record(rule, fn(self._data), (self,))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Elementwise ``{name}``; no gradient."
    return op


sign = _nondiff_unary("sign", np.sign)
floor = _nondiff_unary("floor", np.floor)
ceil = _nondiff_unary("ceil", np.ceil)
round = _nondiff_unary("round", np.round)
logical_not = _nondiff_unary("logical_not", np.logical_not)
isnan = _nondiff_unary("isnan", np.isnan)
isinf = _nondiff_unary("isinf", np.isinf)
invert = _nondiff_unary("invert", np.invert)
