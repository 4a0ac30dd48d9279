"""Tensor factories: ``tensor``, ``ones``, ``zeros``, ``full``, ``eye``, ``arange``,
the deprecated inclusive ``range``, ``linspace``, ``*_like``, random tensors,
``from_numpy``/``as_tensor``, and the legacy ``FloatTensor``-style constructors.

Factories make leaves. Their keyword arguments are keyword-only and spelled as in
PyTorch, so a keyword PyTorch does not have (``volatile=True``) fails the same way:
``ones() got an unexpected keyword argument 'volatile'``.
"""

import builtins
import math
import numbers
import warnings

import numpy as np

from . import _dtype
from . import _random, ops
from .tensor import Tensor, Size, require_cpu
from .ops._common import int_tuple
from .ops._record import record
from .ops.out import factory_out
from .ops.rules import RULES

__all__ = ["tensor", "as_tensor", "from_numpy", "ones", "zeros", "empty", "full", "eye",
           "arange", "range", "linspace", "logspace", "ones_like", "zeros_like", "empty_like",
           "full_like", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
           "randint_like", "normal", "bernoulli", "multinomial", "FloatTensor", "DoubleTensor",
           "LongTensor", "IntTensor",
           "BoolTensor", "ByteTensor", "HalfTensor", "legacy_new", "scalar_tensor"]

_RANGE_WARNING = ("torch.range is deprecated and will be removed in a future release because "
                  "its behavior is inconsistent with Python's range builtin. Instead, use "
                  "torch.arange, which produces values in [start, end).")
_ARANGE_RESIZE = ("The number of elements in the out tensor of shape {shape} is {numel} which "
                  "does not match the computed number of elements {n}. Note that this may "
                  "occur as a result of rounding error. The out tensor will be resized to a "
                  "tensor of shape ({n},).")
_REQUIRES_GRAD_DTYPE = "Only Tensors of floating point and complex dtype can require gradients"


def _leaf(data, requires_grad=False, device=None):
    """A new leaf tensor around ``data``, checking ``requires_grad`` and ``device``."""
    require_cpu(device)
    if requires_grad and data.dtype.kind != "f":
        raise RuntimeError(_REQUIRES_GRAD_DTYPE)
    t = Tensor._wrap(data)
    if requires_grad:
        t._set_leaf_requires_grad(True)
    return t


def _size(size, fname="size"):
    """Normalise ``f(2, 3)`` / ``f((2, 3))`` / ``f(torch.Size([2, 3]))``, with PyTorch's
    errors for arguments that are not sizes and for negative dimensions."""
    out = list(int_tuple(size, fname, "size"))
    if any(s < 0 for s in out):
        bad = next(s for s in out if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {out}")
    return tuple(out)


def _sized(args, size, fname):
    """The size given positionally (``f(2, 3)``, ``f((2, 3))``) or as ``size=``."""
    if size is None:
        if not args:
            raise TypeError(f'{fname}() missing 1 required positional arguments: "size"')
        return _size(args, fname)
    if args:
        raise TypeError(f"{fname}() got multiple values for argument 'size'")
    if isinstance(size, numbers.Integral):
        raise TypeError(f"{fname}(): argument 'size' must be tuple of ints, not "
                        f"{type(size).__name__}")
    return _size((size,), fname)


def _made(fname, build, dtype, requires_grad, device, out, np_default=None):
    """A factory's result: ``build(numpy dtype)`` as a new leaf, or written into ``out``
    (see :func:`gradnb.ops.out.factory_out`). ``np_default``: the numpy dtype used when
    no ``dtype`` is given (default: the default float dtype)."""
    if out is not None:
        return factory_out(fname, out, dtype, build)
    np_dtype = np_default if dtype is None and np_default is not None else _np_dtype(dtype)
    return _leaf(build(np_dtype), requires_grad, device)


def _np_dtype(dtype):
    if dtype is None:
        return _dtype.get_default_dtype().np
    if not isinstance(dtype, _dtype.dtype):
        raise TypeError(f"dtype must be torch.dtype, not {type(dtype).__name__}")
    return dtype.np


# ---------------------------------------------------------------------------------------
# from data
# ---------------------------------------------------------------------------------------

def _infer_array(data, depth=0):
    """A numpy array with PyTorch's inferred dtype for python data (``depth``: nesting
    level, for error messages)."""
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    if isinstance(data, (builtins.bool, np.bool_)):
        return np.asarray(data, dtype=np.bool_)
    if isinstance(data, numbers.Integral):
        return np.asarray(data, dtype=np.int64)
    if isinstance(data, numbers.Real):
        return np.asarray(data, dtype=_dtype.get_default_dtype().np)
    if isinstance(data, (list, tuple, builtins.range)):
        return _sequence_array(list(data), depth)
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _sequence_array(items, depth=0):
    """Nested sequences of numbers (or 0-d tensors) to an array, with PyTorch's errors;
    ``depth`` is how deep ``items`` sits in the outermost sequence."""
    if not items:
        return np.zeros((0,), _dtype.get_default_dtype().np)
    parts = [_infer_array(x, depth + 1) for x in items]
    first = parts[0].shape
    for part, item in zip(parts, items):
        if part.shape != first:
            raise _ragged_error(first, part.shape, depth, item, _common_dtype(parts, items))
    return np.stack([p.astype(_common_dtype(parts, items), copy=False) for p in parts])


def _ragged_error(first, other, depth, item, dtype):
    """PyTorch's error for an element shaped ``other`` where the first was ``first``: a
    length mismatch, a sequence where numbers were expected, or the reverse."""
    for k, (n, m) in enumerate(zip(first, other)):
        if n != m:
            return ValueError(f"expected sequence of length {n} at dim {depth + 1 + k} "
                              f"(got {m})")
    if len(first) > len(other):
        return TypeError("not a sequence")
    name = type(_first_sequence(item, len(other) - len(first))).__name__
    if np.dtype(dtype).kind == "f":
        return TypeError(f"must be real number, not {name}")
    return TypeError(f"'{name}' object cannot be interpreted as an integer")


def _first_sequence(item, levels):
    """The sequence met ``levels`` levels down, where PyTorch expected a number."""
    for _ in builtins.range(levels - 1):
        item = item[0]
    return item


def _common_dtype(parts, items):
    """float if any element is a float (the default float, unless every float came from
    a typed tensor/array, whose dtype then wins), else int64, else bool."""
    kinds = {p.dtype.kind for p in parts}
    if "f" in kinds:
        floats = [(p.dtype, x) for p, x in zip(parts, items) if p.dtype.kind == "f"]
        if all(isinstance(x, (Tensor, np.ndarray, np.generic)) for _, x in floats):
            return np.result_type(*(d for d, _ in floats))
        return _dtype.get_default_dtype().np
    if kinds & set("iu"):
        return np.int64
    return np.bool_


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """Make a new leaf tensor by copying ``data`` (numbers, nested lists, numpy arrays).

    Parameters
    ----------
    data : array_like
    dtype : torch.dtype, optional
        Default: inferred (int64 for integers, float32 for floats, bool for bools;
        a numpy array keeps its dtype).
    requires_grad : bool
        Record operations on the result for backward (floating dtypes only).
    """
    if isinstance(data, Tensor):
        warnings.warn("To copy construct from a tensor, it is recommended to use "
                      "sourceTensor.detach().clone() or sourceTensor.detach().clone()."
                      "requires_grad_(True), rather than torch.tensor(sourceTensor).",
                      UserWarning, stacklevel=2)
    arr = _infer_array(data)
    if isinstance(data, np.ndarray):
        _dtype.from_numpy_dtype(arr.dtype)
    if dtype is not None and arr.dtype.kind == "f" and _python_numbers(data):
        # convert python floats straight to the requested dtype, not via float32
        arr = np.array(data, dtype=np.float64)
    arr = np.array(arr, dtype=None if dtype is None else dtype.np, copy=True)
    return _leaf(arr, requires_grad, device)


def _python_numbers(data):
    """True for python numbers and (nested) lists/tuples of them."""
    if isinstance(data, (list, tuple)):
        return all(_python_numbers(x) for x in data)
    return isinstance(data, numbers.Number) and not isinstance(data, np.generic)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return _leaf(np.asarray(s, dtype=_np_dtype(dtype)), requires_grad, device)


def as_tensor(data, dtype=None, device=None):
    """Like :func:`tensor`, but shares memory with a numpy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data if dtype is None or dtype.np == data._data.dtype else data.to(dtype)
    arr = _infer_array(data)
    if dtype is not None:
        arr = arr.astype(dtype.np, copy=False)
    return _leaf(arr if isinstance(data, np.ndarray) else np.array(arr), False, device)


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray`` (changes to one show in the other)."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    return _leaf(ndarray, device="cpu")     # not the default device: numpy's memory


# ---------------------------------------------------------------------------------------
# filled tensors
# ---------------------------------------------------------------------------------------

def ones(*args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
         pin_memory=False, out=None):
    """A tensor of ones of the given size (float32 by default)."""
    shape = _sized(args, size, "ones")
    return _made("ones", lambda dt: np.ones(shape, dt), dtype, requires_grad, device, out)


def zeros(*args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
          pin_memory=False, out=None):
    """A tensor of zeros of the given size (float32 by default)."""
    shape = _sized(args, size, "zeros")
    return _made("zeros", lambda dt: np.zeros(shape, dt), dtype, requires_grad, device, out)


def empty(*args, size=None, dtype=None, device=None, requires_grad=False, layout=None,
          pin_memory=False, memory_format=None, out=None):
    """An uninitialised tensor (gradnb fills it with zeros, so results are reproducible;
    with ``out=``, out keeps its values, only its shape changes)."""
    shape = _sized(args, size, "empty")
    if out is not None:
        return factory_out("empty", out, dtype, lambda dt: np.resize(out._data, shape))
    return _leaf(np.zeros(shape, _np_dtype(dtype)), requires_grad, device)


def _fill_dtype(value, dtype):
    if dtype is not None:
        return dtype.np
    if isinstance(value, (builtins.bool, np.bool_)):
        return np.bool_
    if isinstance(value, numbers.Integral):
        return np.int64
    return _dtype.get_default_dtype().np


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
         pin_memory=False, out=None):
    """A tensor of ``size`` filled with ``fill_value`` (its dtype inferred from the value)."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    shape = _size((size,), "full")
    return _made("full", lambda dt: np.full(shape, fill_value, dt), dtype, requires_grad,
                 device, out, np.dtype(_fill_dtype(fill_value, dtype)))


def eye(n, m=None, *, dtype=None, device=None, requires_grad=False, layout=None,
        pin_memory=False, out=None):
    """The identity matrix (``n`` x ``m``)."""
    return _made("eye", lambda dt: np.eye(n, n if m is None else m, dtype=dt), dtype,
                 requires_grad, device, out)


def _like(t, fill, dtype):
    return fill(t._data.shape, t._data.dtype if dtype is None else dtype.np)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    return _leaf(_like(input, np.ones, dtype), requires_grad, device or "cpu")


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    return _leaf(_like(input, np.zeros, dtype), requires_grad, device or "cpu")


def empty_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None):
    return _leaf(_like(input, np.zeros, dtype), requires_grad, device or "cpu")


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    data = np.full(input._data.shape, fill_value,
                   input._data.dtype if dtype is None else dtype.np)
    return _leaf(data, requires_grad, device or "cpu")


# ---------------------------------------------------------------------------------------
# ranges
# ---------------------------------------------------------------------------------------

def _range_args(start, end, step):
    if end is None:
        start, end = 0, start
    values = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if values[2] == 0:
        raise RuntimeError("step must be nonzero")
    if (values[1] - values[0]) * values[2] < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    return values


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False,
           layout=None, pin_memory=False, out=None):
    """Values from ``start`` up to (not including) ``end``; int64 if all arguments are
    integers, else float32."""
    start, end, step = _range_args(start, end, step)
    ints = all(isinstance(v, numbers.Integral) for v in (start, end, step))
    np_dtype = dtype.np if dtype is not None else (np.int64 if ints else
                                                   _dtype.get_default_dtype().np)
    n = max(0, math.ceil((end - start) / step))

    def build(dt):
        values = (start + np.arange(n, dtype=np.float64) * step).astype(dt) if not ints \
            else np.arange(start, end, step, dtype=np.int64).astype(dt, copy=False)
        # an out= of the right number of elements keeps its shape
        return values.reshape(out._data.shape) if out is not None and out._data.size == n \
            else values
    if out is not None and out._data.size not in (0, n):
        warnings.warn(_ARANGE_RESIZE.format(shape=list(out._data.shape), numel=out._data.size,
                                            n=n), UserWarning, stacklevel=2)
    return _made("arange", build, dtype, requires_grad, device, out, np.dtype(np_dtype))


def range(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False,
          layout=None, pin_memory=False, out=None):
    """Deprecated: values from ``start`` to ``end`` *inclusive*, float32 by default."""
    warnings.warn(_RANGE_WARNING, UserWarning, stacklevel=2)
    start, end, step = _range_args(start, end, step)
    n = int(math.floor((end - start) / step)) + 1
    data = (start + np.arange(n, dtype=np.float64) * step).astype(_np_dtype(dtype))
    return _leaf(data, requires_grad, device)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False,
             layout=None, out=None):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    return _made("linspace", lambda dt: _linspace(start, end, steps, dt), dtype,
                 requires_grad, device, out)


def _linspace(start, end, steps, np_dtype):
    """PyTorch's linspace kernel: ``start + step * i`` for the first half and
    ``end - step * (steps - 1 - i)`` for the second, the step in the output's float type
    and each value one fused multiply-add (emulated in a wider type, then rounded once),
    so printed values such as sin(linspace(0, 2 pi))[12] agree to the last bit.
    Integer dtypes truncate the ends first, take the step in float64 and truncate."""
    np_dtype = np.dtype(np_dtype)
    if steps == 1:
        return np.full(1, start, np_dtype)
    floating = np_dtype.kind == "f"
    wide = np.float64 if not floating or np_dtype.itemsize < 8 else np.longdouble
    if floating:
        first, last = np_dtype.type(start), np_dtype.type(end)
        narrow = np_dtype.type
    else:
        first, last = np.float64(math.trunc(start)), np.float64(math.trunc(end))
        narrow = np.float64
    step = wide((last - first) / narrow(steps - 1))
    half = steps // 2
    i = np.arange(steps, dtype=wide)
    values = np.concatenate([wide(first) + step * i[:half],
                             wide(last) - step * (steps - 1 - i[half:])])
    return values.astype(np_dtype)


def logspace(start, end, steps, base=10.0, *, dtype=None, device=None, requires_grad=False,
             layout=None, out=None):
    return _made("logspace", lambda dt: (base ** np.linspace(start, end, steps)).astype(dt),
                 dtype, requires_grad, device, out)


# ---------------------------------------------------------------------------------------
# random
# ---------------------------------------------------------------------------------------

def _random_leaf(fname, shape, dtype, method, args, generator, requires_grad, device, out,
                 np_default=None):
    """A new leaf of ``shape`` filled by the tensor method ``method`` (``uniform_`` ...),
    as PyTorch's factories do (``empty(size).uniform_(...)``), or written into ``out``."""
    require_cpu(device)

    def build(np_dtype):
        t = Tensor._wrap(np.empty(shape, dtype=np_dtype))
        getattr(ops, method)(t, *args, generator=generator)
        return t._data
    return _made(fname, build, dtype, requires_grad, device, out, np_default)


def rand(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False,
         layout=None, pin_memory=False, out=None):
    """Uniform random numbers in [0, 1) (PyTorch's CPU generator)."""
    return _random_leaf("rand", _sized(args, size, "rand"), dtype, "uniform_", (0.0, 1.0),
                        generator, requires_grad, device, out)


def randn(*args, size=None, generator=None, dtype=None, device=None, requires_grad=False,
          layout=None, pin_memory=False, out=None):
    """Standard normal random numbers (PyTorch's CPU generator)."""
    return _random_leaf("randn", _sized(args, size, "randn"), dtype, "normal_", (0.0, 1.0),
                        generator, requires_grad, device, out)


def randint(low=None, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False, layout=None, pin_memory=False, out=None):
    """Random integers in [low, high) (int64 unless ``dtype`` says otherwise):
    ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is None:
        low, high, size = 0, low, high
    elif low is None:
        low = 0
    return _random_leaf("randint", _size((size,), "randint"), dtype, "random_", (low, high),
                        generator, requires_grad, device, out, np.dtype(np.int64))


def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False, layout=None,
             pin_memory=False, out=None):
    """A random permutation of 0..n-1 (PyTorch's Fisher-Yates swaps)."""
    _size((n,), "randperm")
    perm = _random.resolve(generator).permutation(int(n))
    return _made("randperm", perm.astype, dtype, requires_grad, device, out,
                 np.dtype(np.int64))


def rand_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None, generator=None):
    return rand(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                device=device or "cpu", generator=generator)


def randn_like(input, *, dtype=None, device=None, requires_grad=False, layout=None,
               memory_format=None, generator=None):
    return randn(input._data.shape, dtype=dtype or input.dtype, requires_grad=requires_grad,
                 device=device or "cpu", generator=generator)


def randint_like(input, low=0, high=None, *, dtype=None, device=None, requires_grad=False,
                 layout=None, memory_format=None, generator=None):
    if high is None:
        low, high = 0, low
    return randint(low, high, input._data.shape, dtype=dtype or input.dtype,
                   generator=generator)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None,
           requires_grad=False, layout=None, pin_memory=False, out=None):
    """Normal random numbers: ``normal(mean, std, size)`` with floats, or elementwise
    means and/or standard deviations given as tensors (drawn as N(0, 1) or N(0, std),
    then scaled and shifted, as PyTorch does)."""
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mean_t or std_t):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments")
        return _random_leaf("normal", _size((size,), "normal"), dtype, "normal_", (mean, std),
                            generator, requires_grad, device, out)
    if std_t and std._data.size and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    like = mean if mean_t else std
    shape = np.broadcast_shapes(mean._data.shape if mean_t else (),
                                std._data.shape if std_t else ())
    out_t = Tensor._wrap(np.empty(shape, like._data.dtype))
    ops.normal_(out_t, 0.0, 1.0 if std_t else std, generator=generator)
    data = out_t._data
    if std_t:
        data *= std._data
    data += mean._data if mean_t else like._data.dtype.type(mean)
    if mean_t and std_t:
        return record(RULES["normal_tensor_tensor"], data, (mean, std))
    return record(RULES["normal_tensor_float" if mean_t else "normal_float_tensor"], data,
                  (like,))


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or the float ``p``), in ``input``'s dtype."""
    t = Tensor._wrap(np.empty_like(input._data))
    ops.bernoulli_(t, input if p is None else p, generator=generator)
    return record(RULES["bernoulli" if p is None else "bernoulli_p"], t._data, (input,))


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the rows of ``input`` (unnormalised probabilities), as
    PyTorch's CPU kernel: without replacement (or one sample) the largest
    ``p / Exp(1)``; with replacement a binary search of a uniform double in the
    normalised cumulative sums."""
    probs = input._data
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    rows = probs.reshape(-1, probs.shape[-1])
    if not np.isfinite(rows).all() or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) <= 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    gen = _random.resolve(generator)
    if not replacement or num_samples == 1:
        q = rows / gen.exponential(rows.size, 1.0).astype(rows.dtype).reshape(rows.shape)
        # topk: largest first; a stable sort of -q keeps the first of equal values first
        picks = np.argsort(-q, axis=1, kind="stable")[:, :num_samples]
    else:
        picks = np.stack([_search_cumulative(row, gen.uniform(num_samples, np.float64))
                          for row in rows])
    return record(RULES["multinomial"],
                  picks.reshape(probs.shape[:-1] + (num_samples,)).astype(np.int64), (input,))


def _search_cumulative(row, u):
    """Indices of the first cumulative probability >= each uniform ``u`` (the sums run
    in the row's dtype, are divided by the total, and the last is set to 1)."""
    cum = np.cumsum(row)
    cum /= cum[-1]
    cum[-1] = 1
    return np.searchsorted(cum.astype(np.float64), u, side="left")


# ---------------------------------------------------------------------------------------
# legacy typed constructors
# ---------------------------------------------------------------------------------------

def legacy_new(cls, name, dtype, args, kwargs):
    """``torch.FloatTensor(2, 3)`` (uninitialised size) or ``torch.FloatTensor(data)``."""
    if kwargs:
        raise TypeError(f"new() received an invalid combination of arguments - got "
                        f"({', '.join(f'{k}=' for k in kwargs)})")
    if not args:
        data = np.zeros((0,), dtype.np)
    elif builtins.all(isinstance(a, numbers.Integral) and not isinstance(a, builtins.bool)
                      for a in args) or isinstance(args[0], Size):
        data = np.zeros(_size(args, name), dtype.np)
    elif len(args) == 1:
        data = np.array(_infer_array(args[0]), dtype=dtype.np, copy=True)
    else:
        raise TypeError("new() received an invalid combination of arguments")
    t = Tensor._wrap(data)
    if cls is not Tensor:
        t.__class__ = cls
    return t


class _LegacyTypeMeta(type):
    """``isinstance(t, torch.FloatTensor)`` is True for float32 tensors, as in PyTorch."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._data.dtype == cls._dtype.np

    def __call__(cls, *args, **kwargs):
        return legacy_new(Tensor, cls.__name__, cls._dtype, args, kwargs)

    def __repr__(cls):
        return f"<class 'torch.{cls.__name__}'>"


def _legacy(name, dt):
    return _LegacyTypeMeta(name, (), {"_dtype": dt, "__doc__":
                                      f"Legacy constructor for {dt!r} tensors."})


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
LongTensor = _legacy("LongTensor", _dtype.int64)
IntTensor = _legacy("IntTensor", _dtype.int32)
BoolTensor = _legacy("BoolTensor", _dtype.bool)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
