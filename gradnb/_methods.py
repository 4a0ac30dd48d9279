"""Binds the ops onto :class:`~gradnb.tensor.Tensor` as methods and operators, and builds
the ``torch.xxx(input, ...)`` functions of the top-level namespace from the same ops.

Methods are the op functions themselves (no wrapper, so ``x * y`` costs one call); the
namespace functions add only a check that ``input`` is a tensor, so ``torch.exp(2.0)``
fails with PyTorch's TypeError instead of an AttributeError.
"""

import functools

from . import _dtype
from . import ops
from .ops.out import OUT_KINDS, call_with_out
from .tensor import Tensor

__all__ = ["namespace_functions"]


def _conversion(dt):
    def convert(self, memory_format=None):
        return ops.to(self, dt)
    convert.__doc__ = f"Convert to {dt!r} (``self`` if it already is)."
    return convert


def _new_factory(fill):
    def new(self, *args, size=None, dtype=None, device=None, requires_grad=False):
        from . import _creation
        if args and size is not None:
            raise TypeError(f"new_{fill}() got multiple values for argument 'size'")
        dt = dtype or self.dtype
        # on self's device (the CPU), whatever the default device is
        return getattr(_creation, fill)(*args, size=size, dtype=dt, device=device or "cpu",
                                        requires_grad=requires_grad)
    return new


def _new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    from ._creation import tensor
    return tensor(data, dtype=dtype or self.dtype, device=device or "cpu",
                  requires_grad=requires_grad)


def _bernoulli(self, p=None, *, generator=None):
    from ._creation import bernoulli
    return bernoulli(self, p, generator=generator)


def _multinomial(self, num_samples, replacement=False, *, generator=None):
    from ._creation import multinomial
    return multinomial(self, num_samples, replacement, generator=generator)


def _new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
    from ._creation import full
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or "cpu",
                requires_grad=requires_grad)


def _where_method(self, condition, other):
    return ops.where(condition, self, other)


def _type_as(self, other):
    return ops.to(self, other.dtype)


def _pos(self):
    return self


_OPERATORS = {
    "__add__": ops.add, "__radd__": ops.add, "__sub__": ops.sub, "__rsub__": ops.rsub,
    "__mul__": ops.mul, "__rmul__": ops.mul, "__truediv__": ops.div,
    "__rtruediv__": ops.rdiv, "__pow__": ops.pow, "__rpow__": ops.rpow,
    "__matmul__": ops.matmul, "__rmatmul__": ops.rmatmul, "__neg__": ops.neg,
    "__pos__": _pos, "__abs__": ops.abs, "__eq__": ops.eq, "__ne__": ops.ne, "__lt__": ops.lt,
    "__le__": ops.le, "__gt__": ops.gt, "__ge__": ops.ge, "__iadd__": ops.iadd,
    "__isub__": ops.isub, "__imul__": ops.imul, "__itruediv__": ops.itruediv,
    "__getitem__": ops.getitem, "__setitem__": ops.setitem, "__and__": ops.bitwise_and,
    "__or__": ops.bitwise_or, "__xor__": ops.bitwise_xor, "__invert__": ops.invert,
    "__rand__": ops.bitwise_and, "__ror__": ops.bitwise_or, "__rxor__": ops.bitwise_xor,
    "__floordiv__": ops.floor_divide, "__mod__": ops.remainder,
    "__rfloordiv__": ops.rfloor_divide, "__rmod__": ops.rremainder,
}

# inverse functions that also have numpy's names (torch.arcsin is torch.asin)
_ARC = ("asin", "acos", "atan", "asinh", "acosh", "atanh", "atan2")

# lessons-api: the elementwise functions that are also in-place ops (``torch.sin_``)
_INPLACE_UNARY = ("sin cos log sqrt abs reciprocal square tan asin acos atan sinh cosh asinh "
                  "acosh atanh").split()

# op functions that are also tensor methods under the same name
_METHODS = (
    "add sub mul div true_divide pow neg exp log sqrt sin cos tanh sigmoid relu abs clamp "
    "maximum minimum eq ne lt le gt ge sign floor ceil round trunc fix frac fmod remainder "
    "floor_divide logical_not logical_and "
    "logical_or square reciprocal isnan isinf sum mean max min amax amin argmax argmin prod "
    "cumsum var std norm softmax log_softmax all any reshape view view_as reshape_as flatten "
    "transpose t permute unsqueeze squeeze expand expand_as repeat split chunk unbind clone "
    "contiguous to narrow flip movedim select matmul mm mv dot bmm outer add_ sub_ mul_ div_ "
    "pow_ "
    "neg_ zero_ fill_ copy_ clamp_ relu_ exp_ sigmoid_ tanh_ uniform_ normal_ masked_fill_ "
    "random_ bernoulli_ exponential_ "
    # lessons-api
    "tan asin acos atan sinh cosh asinh acosh atanh atan2 atan2_ unsqueeze_ squeeze_ t_ "
    "transpose_ bitwise_and bitwise_or bitwise_xor isclose allclose equal broadcast_to "
    "unique cross det svd"
).split() + [name + "_" for name in _INPLACE_UNARY]

_EXTRA_METHODS = {
    "float": _conversion(_dtype.float32), "double": _conversion(_dtype.float64),
    "half": _conversion(_dtype.float16), "long": _conversion(_dtype.int64),
    "int": _conversion(_dtype.int32), "bool": _conversion(_dtype.bool),
    "clip": ops.clamp, "clip_": ops.clamp_, "swapaxes": ops.transpose,
    "masked_fill": ops.masked_fill, "where": _where_method, "type_as": _type_as,
    "new_tensor": _new_tensor, "new_zeros": _new_factory("zeros"),
    "new_ones": _new_factory("ones"), "new_empty": _new_factory("empty"),
    "new_full": _new_full, "absolute": ops.abs, "negative": ops.neg, "multiply": ops.mul,
    "subtract": ops.sub, "divide": ops.div, "bernoulli": _bernoulli,
    "multinomial": _multinomial,
    # lessons-api: numpy-style aliases and in-place aliases
    **{"arc" + name[1:]: getattr(ops, name) for name in _ARC},
    **{"arc" + name[1:] + "_": getattr(ops, name + "_") for name in _ARC},
    "swapaxes_": ops.transpose_, "swapdims_": ops.transpose_, "swapdims": ops.transpose,
}


# binary ops whose operator form returns NotImplemented for a bad operand (so python can
# try the reflected operator); called by name they must raise PyTorch's TypeError
_OPERAND_CHECKED = {"add": "other", "sub": "other", "mul": "other", "div": "other",
                    "true_divide": "other", "pow": "exponent", "matmul": "other"}


def _operand_checked(name, fn, position):
    """``fn`` raising PyTorch's TypeError instead of returning NotImplemented."""
    argname = _OPERAND_CHECKED[name]

    @functools.wraps(fn)
    def call(self, other, *args, **kwargs):
        out = fn(self, other, *args, **kwargs)
        if out is NotImplemented:
            raise TypeError(f"{name}(): argument '{argname}' (position {position}) must be "
                            f"Tensor, not {type(other).__name__}")
        return out
    return call


def _method(name):
    fn = getattr(ops, name)
    return _operand_checked(name, fn, 1) if name in _OPERAND_CHECKED else fn


def _bind():
    for name, fn in _OPERATORS.items():
        setattr(Tensor, name, fn)
    for name in _METHODS:
        setattr(Tensor, name, _method(name))
    for name, fn in _EXTRA_METHODS.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(ops.T, doc="All dimensions reversed.")
    Tensor.mT = property(ops.mT, doc="Transpose of the last two dimensions.")


def _checked(name, fn):
    """``torch.name(input, ...)``: the op, after checking ``input`` is a tensor; with an
    ``out=`` tensor, the result is written into it (:mod:`gradnb.ops.out`)."""
    @functools.wraps(fn)
    def function(input, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        if kwargs and name in OUT_KINDS and kwargs.get("out") is not None:
            out = kwargs.pop("out")
            return call_with_out(name, fn, (input,) + args, kwargs, out)
        if kwargs and "out" in kwargs and kwargs["out"] is None:
            del kwargs["out"]
        return fn(input, *args, **kwargs)
    function.__name__ = function.__qualname__ = name
    return function


_FUNCTIONS = (
    "add sub mul div true_divide pow neg exp log sqrt sin cos tanh sigmoid relu abs clamp "
    "maximum minimum eq ne lt le gt ge sign floor ceil round trunc fix frac fmod remainder "
    "floor_divide logical_not logical_and "
    "logical_or square reciprocal isnan isinf sum mean max min amax amin argmax argmin prod "
    "cumsum var std norm softmax log_softmax all any reshape flatten transpose t permute "
    "unsqueeze squeeze split chunk unbind clone narrow flip movedim select matmul mm mv dot "
    "bmm outer "
    # lessons-api
    "tan asin acos atan sinh cosh asinh acosh atanh atan2 bitwise_and bitwise_or bitwise_xor "
    "exp_ tanh_ sigmoid_ relu_ neg_ clamp_ isclose allclose equal broadcast_to std_mean unique "
    "cross det svd"
).split() + [name + "_" for name in _INPLACE_UNARY]


def _joining(name, fn):
    """``torch.cat``/``torch.stack`` with their ``out=`` argument."""
    @functools.wraps(fn)
    def function(tensors, *args, out=None, **kwargs):
        if out is None:
            return fn(tensors, *args, **kwargs)
        return call_with_out(name, fn, (tensors,) + args, kwargs, out)
    function.__name__ = function.__qualname__ = name
    return function


def entry_points():
    """Names the profiler times: the Tensor methods and operators bound here, and the
    functions of the ``torch.`` namespace (ops and factories)."""
    from . import _creation
    tensor_names = list(_OPERATORS) + list(_METHODS) + list(_EXTRA_METHODS)
    factories = [name for name in _creation.__all__ if name[0].islower() and
                 name not in ("legacy_new",)]
    return tensor_names, list(namespace_functions()) + factories


@functools.wraps(ops.where)
def _where(condition, input=None, other=None, *, out=None):
    """``torch.where`` with its ``out=`` argument."""
    if out is None:
        return ops.where(condition, input, other)
    return call_with_out("where", ops.where, (condition, input, other), {}, out)


def namespace_functions():
    """``{name: function}`` for the top-level namespace (``torch.exp``, ``torch.cat`` ...)."""
    funcs = {name: _checked(name, _operand_checked(name, getattr(ops, name), 2)
                            if name in _OPERAND_CHECKED else getattr(ops, name))
             for name in _FUNCTIONS}
    funcs.update(clip=funcs["clamp"], absolute=funcs["abs"], negative=funcs["neg"],
                 multiply=funcs["mul"], subtract=funcs["sub"], divide=funcs["div"],
                 swapaxes=_checked("swapaxes", ops.transpose),
                 cat=_joining("cat", ops.cat), concat=_joining("concat", ops.cat),
                 concatenate=_joining("concatenate", ops.cat),
                 stack=_joining("stack", ops.stack),
                 where=_where, masked_fill=_checked("masked_fill", ops.masked_fill))
    funcs.update({"arc" + name[1:]: funcs[name] for name in _ARC})
    funcs.update({"arc" + name[1:] + "_": _checked("arc" + name[1:] + "_", funcs[name + "_"])
                  for name in _ARC if name != "atan2"})
    funcs.update(clip_=funcs["clamp_"], negative_=funcs["neg_"])
    # image ops (they check their own arguments, with PyTorch's messages)
    funcs.update(conv2d=ops.conv2d, max_pool2d=ops.max_pool2d,
                 constant_pad_nd=_checked("constant_pad_nd", ops.constant_pad_nd))
    return funcs


_bind()
