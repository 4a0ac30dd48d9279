"""In-place ops (``add_``, ``mul_``, ``zero_``, ``copy_``, ``t[key] = v``, ``+=``, ...).

Each one writes into the existing numpy array, bumps the version counter shared with the
tensor's views (backward uses it to detect saved values that changed), and, when autograd
records it, rewrites the tensor's history as PyTorch does:

* the whole tensor changed: its ``grad_fn`` becomes the op's node (``AddBackward0`` ...),
  pointing at the tensor's previous history;
* a view changed (an op on a view, or ``t[key] = v``, which PyTorch runs as ``copy_``,
  ``fill_`` or ``index_put_`` on the view ``t[basic part of key]``): the base tensor's
  ``grad_fn`` becomes ``CopySlices`` wrapping the op's node, and the view gets
  ``AsStridedBackward0`` reading its part of the base's gradient.
"""

import numbers

import numpy as np

from .. import _dtype
from .. import _random as _rnd
from ..autograd.grad_mode import MODE
from ..tensor import Tensor
from ._common import promote_operands, broadcast_error, quiet, is_scalar, cpp_type_name
from ..autograd.node import _short_name as short_name
from ._record import record, make_node, remember_constants, NO_EDGE, REASON_NO_GRAD
from .index import normalize_key, apply_basic, check_index_bounds
from .rules import RULES
from .shape import view, expand, unsqueezed, squeezed, transposed, matrix_transposed

__all__ = ["add_", "sub_", "mul_", "div_", "pow_", "neg_", "zero_", "fill_", "copy_",
           "clamp_", "relu_", "exp_", "sigmoid_", "tanh_", "setitem", "iadd", "isub",
           "imul", "itruediv", "uniform_", "normal_", "random_", "bernoulli_", "exponential_",
           "masked_fill_", "masked_fill",
           "check_inplace",
           # lessons-api: in-place elementwise functions and in-place view ops
           "sin_", "cos_", "log_", "sqrt_", "abs_", "reciprocal_", "square_", "tan_", "asin_",
           "acos_", "atan_", "sinh_", "cosh_", "asinh_", "acosh_", "atanh_", "atan2_",
           "unsqueeze_", "squeeze_", "t_", "transpose_"]

_R = RULES

_LEAF_ERROR = "a leaf Variable that requires grad is being used in an in-place operation."
_VIEW_OF_LEAF_ERROR = ("a view of a leaf Variable that requires grad is being used in an "
                       "in-place operation.")
_OVERLAP_ERROR = ("unsupported operation: more than one element of the written-to tensor "
                  "refers to a single memory location. Please clone() the tensor before "
                  "performing the operation.")
_NO_GRAD_VIEW_ERROR = (
    "A view was created in no_grad mode and is being modified inplace with grad mode "
    "enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You can "
    "clarify your code by moving both the view and the inplace either both inside the no_grad "
    "block (if you don't want the inplace to be tracked) or both outside (if you want the "
    "inplace to be tracked).")
_MULTI_VIEW_ERROR = (
    "This view is the output of a function that returns multiple views. Such functions do "
    "not allow the output views to be modified inplace. You should replace the inplace "
    "operation by an out-of-place one.")
_INFERENCE_ERROR = ("Inplace update to inference tensor outside InferenceMode is not allowed."
                    "You can make a clone to get a normal tensor before doing inplace update."
                    "See https://github.com/pytorch/rfcs/pull/17 for more details.")


def check_inplace(t, region=False):
    """Raise PyTorch's error if ``t`` may not be modified in place right now.
    ``region``: only part of ``t`` is written (``t[key] = v``), which PyTorch does
    through a view, hence its "view of a leaf" wording even for the leaf itself."""
    if t._extra is not None and t._extra.inference and not MODE.inference:
        raise RuntimeError(_INFERENCE_ERROR)
    if t._data.size and any(stride == 0 and n > 1
                            for n, stride in zip(t._data.shape, t._data.strides)):
        raise RuntimeError(_OVERLAP_ERROR)
    if not MODE.enabled:
        return
    base = t._base
    if base is not None and base._rg:
        # how the view was made is checked first (PyTorch's creation_meta), then the leaf
        if t._prov is not None and t._prov[2] == REASON_NO_GRAD:
            raise RuntimeError(_NO_GRAD_VIEW_ERROR)
        node = t._grad_fn
        if node is not None and node._multi:
            raise RuntimeError(f"Output {t._nr} of {short_name(node)} is a view and is being "
                               "modified inplace. "
                               + getattr(node, "_view_inplace_error", _MULTI_VIEW_ERROR))
        if base._grad_fn is None:
            raise RuntimeError(_VIEW_OF_LEAF_ERROR)
    if t._rg and t._grad_fn is None:
        raise RuntimeError(_VIEW_OF_LEAF_ERROR if region else _LEAF_ERROR)


def _check_cast(self, other, op_dtype=None):
    """In-place results must fit the tensor's dtype (no float into an int tensor)."""
    result = op_dtype or _dtype.result_type(self, other)
    mine = self.dtype
    if result._category > mine._category:
        raise RuntimeError(f"result type {result._legacy} can't be cast to the desired output "
                           f"type {mine._legacy}")


def _tracked(self, *others):
    return MODE.enabled and (self._rg or any(isinstance(o, Tensor) and o._rg for o in others))


# ---------------------------------------------------------------------------------------
# the generic in-place step
# ---------------------------------------------------------------------------------------

def _apply_inplace(self, rule, write, others=(), params=(), op_dtype=None):
    """Run ``write(array)`` (which mutates ``self``'s array) and record the history.

    Parameters
    ----------
    rule : Rule
        The node the change is recorded as (e.g. ``RULES["add"]``).
    write : callable
        Mutates the numpy array in place.
    others : tuple
        The other inputs of the rule (tensors or scalars), after ``self``.
    op_dtype : dtype, optional
        The dtype the op computes in, when not the promotion of ``self`` and ``others``.
    """
    check_inplace(self)
    for o in others:
        if isinstance(o, Tensor) or is_scalar(o):
            _check_cast(self, o, op_dtype)
    if not _tracked(self, *others):
        write(self._data)
        self._vc[0] += 1
        return self
    base = self._base
    positions = None if base is None else _view_positions(self, base)
    old = _OldSelf(self, rule)
    # on a view, the op's gradient for the old values goes to the base (see CopySlices)
    self_edge = old.edge if base is None else _edge(base)
    write(self._data)
    self._vc[0] += 1
    inputs = (old.stand_in,) + tuple(others)
    edges = [self_edge] + [_edge(o) for o in others]
    node = make_node(rule, self, inputs, edges, params)
    remember_constants(node, (None,) + tuple(others), edges)   # for the graph views
    if node._checks:
        node._checks = _checks_before_write(node._checks, self._vc)
    if base is None:
        _set_history(self, node)
    else:
        _copy_slices(self, base, positions, node)
    return self


def _checks_before_write(checks, counter):
    """Version checks of a node recorded after the write: the saved 'self' is a private
    copy of the old values (nothing can modify it); another saved input sharing self's
    storage (``y.mul_(y)``) was saved before the write, so backward must see that it has
    changed since, as PyTorch does."""
    kept = tuple((name, c, v - 1 if c is counter and name != "result" else v, t)
                 for name, c, v, t in checks if name != "self")
    return kept or None


class _OldSelf:
    """What the node needs of ``self`` before it is overwritten: its edge in the graph
    and, if a formula reads ``self``, a copy of its old values."""

    __slots__ = ("edge", "stand_in")

    def __init__(self, t, rule):
        self.edge = t._edge() if t._rg else NO_EDGE
        needs_old = "self" in rule.saved_names
        data = t._data.copy() if needs_old else t._data
        self.stand_in = Tensor._wrap(data, requires_grad=t._rg)


def _edge(value):
    return value._edge() if isinstance(value, Tensor) and value._rg else NO_EDGE


def _set_history(t, node, nr=0):
    old = t._gfe
    t._gfe, t._rg, t._prov = (node, nr), True, None
    if old is not None:
        _move_retain_grad(t, old[0], node, nr)


def _move_retain_grad(t, old_node, node, nr):
    """retain_grad() follows the tensor to its new history (PyTorch moves it; hooks
    registered before the in-place op stay with the old value)."""
    entries = old_node._extra.get("retain") if old_node._extra else None
    for entry in [e for e in entries or () if e[1]() is t]:
        entries.remove(entry)
        node._add_retain(nr, entry[1])


def _view_positions(view, base):
    """Flat positions in ``base`` of each element of ``view`` (a numpy view of it)."""
    b, v = base._data, view._data
    if not b.flags.c_contiguous:
        raise NotImplementedError("gradnb: in-place changes through a view of a "
                                  "non-contiguous tensor are not supported; use clone()")
    offset = (v.__array_interface__["data"][0] - b.__array_interface__["data"][0]) // b.itemsize
    positions = np.full(v.shape, offset, dtype=np.intp)
    for k, (n, stride) in enumerate(zip(v.shape, v.strides)):
        shape = [1] * v.ndim
        shape[k] = n
        positions = positions + (np.arange(n) * (stride // b.itemsize)).reshape(shape)
    return positions


def _copy_slices(view, base, positions, fn):
    """The in-place op ``fn`` changed ``view``: the base gets CopySlices (its old history,
    then ``fn``'s other inputs), the view AsStridedBackward0 over the base's new history."""
    edges = (_edge(base),) + fn.next_functions[1:]
    node = make_node(_R["copy_slices"], base, (), edges, (positions, fn))
    # the saved result only marks the node as freed after backward: the base may change
    # in place again (another region) without making this node's gradient wrong
    node._checks = None
    _inherit_constants(node, fn)
    _set_history(base, node)
    _view_history(view, base, positions)


def _inherit_constants(copy_slices, fn):
    """CopySlices takes ``fn``'s inputs after the first as its own (same positions): pass
    on what ``fn`` remembered of the constant ones, so ``t[0:1] = c`` draws ``c``."""
    consts = fn._extra.get("consts") if fn._extra else None
    if consts:
        kept = tuple(c for c in consts if c[0] >= 1)
        if kept:
            copy_slices._extra = dict(copy_slices._extra or {}, consts=kept)


def _view_history(view, base, positions):
    node = make_node(_R["as_strided"], view, (base,), [_edge(base)],
                      (positions, base._data.shape))
    _set_history(view, node)


# ---------------------------------------------------------------------------------------
# the ops
# ---------------------------------------------------------------------------------------

def _binary_inplace(name, ufunc, float_only=False):
    def op(self, other, *, alpha=1):
        if not (isinstance(other, Tensor) or is_scalar(other)):
            raise TypeError(f"{name}_(): argument 'other' must be Tensor or Number, not "
                            f"{type(other).__name__}")
        rule = _R[name if alpha == 1 else name + "_alpha"]
        params = () if alpha == 1 else (alpha,)
        op_dtype = _dtype.get_default_dtype() if float_only and \
            not _dtype.result_type(self, other).is_floating_point else None

        def write(data):
            _, b = promote_operands(Tensor._wrap(data), other)
            b = b * alpha if alpha != 1 else b
            try:
                with quiet():
                    ufunc(data, b, out=data, casting="unsafe")
            except ValueError:
                raise _output_shape_error(data.shape, np.shape(b)) from None
        return _apply_inplace(self, rule, write, (other,), params, op_dtype)

    op.__name__ = op.__qualname__ = name + "_"
    op.__doc__ = f"In-place ``{name}``; returns ``self``."
    return op


add_ = _binary_inplace("add", np.add)
sub_ = _binary_inplace("sub", np.subtract)
mul_ = _binary_inplace("mul", np.multiply)
div_ = _binary_inplace("div", np.true_divide, float_only=True)


def _unary_inplace(name, fn, float_only=True):
    rule = _R[name]

    def op(self):
        if float_only and self._data.dtype.kind != "f":
            # exp_ of an integer tensor would have to store floats in it
            _check_cast(self, None, _dtype.get_default_dtype())

        def write(data):
            with quiet():
                data[...] = fn(data)
        return _apply_inplace(self, rule, write)

    op.__name__ = op.__qualname__ = name.rstrip("_") + "_"
    op.__doc__ = f"In-place ``{name.rstrip('_')}``; returns ``self``."
    return op


neg_ = _unary_inplace("neg", np.negative, float_only=False)
exp_ = _unary_inplace("exp", np.exp)
tanh_ = _unary_inplace("tanh", np.tanh)
relu_ = _unary_inplace("relu", lambda d: np.maximum(d, 0), float_only=False)
sigmoid_ = _unary_inplace("sigmoid", lambda d: 1 / (1 + np.exp(-d)))
sin_ = _unary_inplace("sin", np.sin)
cos_ = _unary_inplace("cos", np.cos)
log_ = _unary_inplace("log", np.log)
sqrt_ = _unary_inplace("sqrt", np.sqrt)
abs_ = _unary_inplace("abs", np.abs, float_only=False)
reciprocal_ = _unary_inplace("reciprocal", np.reciprocal)
tan_ = _unary_inplace("tan", np.tan)
asin_ = _unary_inplace("asin", np.arcsin)
acos_ = _unary_inplace("acos", np.arccos)
atan_ = _unary_inplace("atan", np.arctan)
sinh_ = _unary_inplace("sinh", np.sinh)
cosh_ = _unary_inplace("cosh", np.cosh)
asinh_ = _unary_inplace("asinh_", np.arcsinh)
acosh_ = _unary_inplace("acosh_", np.arccosh)
atanh_ = _unary_inplace("atanh_", np.arctanh)


def square_(self):
    """In-place ``self ** 2`` (PowBackward0, as in PyTorch)."""
    return pow_(self, 2)


def atan2_(self, other):
    """In-place :func:`~gradnb.ops.elementwise.atan2` (``other`` a tensor)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"atan2_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")

    def write(data):
        _, b = promote_operands(Tensor._wrap(data), other)
        try:
            with quiet():
                np.arctan2(data, b, out=data, casting="unsafe")
        except ValueError:
            raise _output_shape_error(data.shape, np.shape(b)) from None
    return _apply_inplace(self, _R["atan2"], write, (other,), (),
                          _float_result(self, other))


def _float_result(self, other):
    """The dtype a float-only op computes in: the promoted one, or the default float."""
    result = _dtype.result_type(self, other)
    return result if result.is_floating_point else _dtype.get_default_dtype()


def pow_(self, exponent):
    """In-place power by a python number."""
    def write(data):
        with quiet():
            np.power(data, exponent, out=data, casting="unsafe")
    return _apply_inplace(self, _R["pow"], write, (), (exponent,))


def clamp_(self, min=None, max=None):
    """In-place clamp to ``[min, max]``."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    return _apply_inplace(self, _R["clamp"], lambda d: np.clip(d, min, max, out=d), (),
                          (min, max))


def zero_(self):
    """Fill with zeros; as an op, ZeroBackward0 (the gradient stops here)."""
    return _apply_inplace(self, _R["zero_"], lambda d: d.fill(0))


def fill_(self, value):
    """Fill with ``value``: a number (FillBackward2) or a 0-d tensor, which then gets
    the sum of the gradient (FillBackward3)."""
    if not isinstance(value, Tensor):
        return _apply_inplace(self, _R["fill_"], lambda d: d.fill(value))
    if value._data.ndim:
        raise RuntimeError("fill_ only supports 0-dimension value tensor but got tensor with "
                           f"{value._data.ndim} dimensions.")
    return _apply_inplace(self, _R["fill_tensor"], lambda d: d.fill(value._data), (value,),
                          op_dtype=self.dtype)


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast) into ``self``; the gradient flows to ``src``."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")

    def write(data):
        try:
            np.copyto(data, src._data, casting="unsafe")
        except ValueError:
            raise broadcast_error(data.shape, src._data.shape) from None
    return _apply_inplace(self, _R["copy_"], write, (src,), (), op_dtype=self.dtype)


def _output_shape_error(out_shape, other_shape):
    """An in-place op cannot grow the tensor it writes into."""
    try:
        full = np.broadcast_shapes(out_shape, other_shape)
    except ValueError:
        return broadcast_error(out_shape, other_shape)
    return RuntimeError(f"output with shape {list(out_shape)} doesn't match the broadcast "
                        f"shape {list(full)}")


def masked_fill_(self, mask, value):
    """Set ``value`` where ``mask`` is True: MaskedFillBackward0 for a number,
    MaskedFillBackward1 for a 0-d tensor (which gets the masked part of the gradient)."""
    m = _mask_array(mask, self)
    if not isinstance(value, Tensor):
        return _apply_inplace(self, _R["masked_fill_"], lambda d: np.copyto(d, value, where=m),
                              (), (m,))
    return _apply_inplace(self, _R["masked_fill_tensor"],
                          lambda d: np.copyto(d, value._data, where=m, casting="unsafe"),
                          (value,), (m,), op_dtype=self.dtype)


def _mask_array(mask, like):
    """The boolean mask broadcast to ``like``'s shape; PyTorch refuses other dtypes."""
    if mask._data.dtype.kind != "b":
        raise RuntimeError("masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{cpp_type_name(mask)}")
    return np.broadcast_to(mask._data, like._data.shape)


def masked_fill(self, mask, value):
    """Out-of-place :func:`masked_fill_`: one MaskedFillBackward node, no clone."""
    m = _mask_array(mask, self)
    if isinstance(value, Tensor):
        out = np.where(m, value._data, self._data).astype(self._data.dtype, copy=False)
        return record(_R["masked_fill_tensor"], out, (self, value), (m,))
    out = self._data.copy()
    np.copyto(out, value, where=m, casting="unsafe")
    return record(_R["masked_fill_"], out, (self,), (m,))


def setitem(self, key, value):
    """``self[key] = value``, decomposed as PyTorch does: the basic part of ``key``
    gives a view (or ``self``), then ``index_put_`` writes the tensor-indexed part, or
    else the view is overwritten by ``copy_`` (``fill_`` for a 0-d value)."""
    items = normalize_key(key)
    value = _value_tensor(value, self)
    target, indices = apply_basic(self, items, skip_full_slices=True)
    if indices is None:
        _copy_to(target, value)
    else:
        _index_put(target, indices, value)
    if target is not self and self._base is not None and self._rg:
        # self is a view too, changed through target: it now reads the base's new history
        _view_history(self, self._base, _view_positions(self, self._base))
    return self


def _value_tensor(value, like):
    """The tensor PyTorch makes of an assigned value (a number takes ``like``'s dtype)."""
    if isinstance(value, Tensor):
        return value
    if is_scalar(value):
        return Tensor._wrap(np.asarray(value, dtype=like._data.dtype))
    return Tensor._wrap(np.asarray(value))


def _copy_to(dst, src):
    """PyTorch's ``copy_to``: same shape copies; a 0-d value fills; anything else is
    viewed without its leading 1s, expanded to ``dst``'s shape, then copied."""
    if dst._data.shape == src._data.shape:
        copy_(dst, src)
    elif src._data.ndim == 0:
        fill_(dst, src)
    else:
        shape = src._data.shape
        lead = next((i for i, n in enumerate(shape) if n != 1), len(shape))
        src = view(src, shape[lead:])
        if src._data.shape != dst._data.shape:
            src = expand(src, dst._data.shape)
        copy_(dst, src)


def _index_put(self, indices, values):
    """``self[indices] = values`` for a numpy key of tensor indices (IndexPutBackward0)."""
    check_index_bounds(self._data.shape, indices)
    if values._data.dtype != self._data.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got "
                           f"{self.dtype._legacy} for the destination and "
                           f"{values.dtype._legacy} for the source.")

    def write(data):
        try:
            data[indices] = values._data
        except ValueError:
            raise RuntimeError(f"shape mismatch: value tensor of shape "
                               f"{list(values._data.shape)} cannot be broadcast to indexing "
                               f"result of shape {list(data[indices].shape)}") from None
    return _apply_inplace(self, _R["index_put_"], write, (values,), (indices,),
                          op_dtype=self.dtype)


# ---------------------------------------------------------------------------------------
# in-place view ops: the tensor takes a new shape over the same memory
# ---------------------------------------------------------------------------------------

def _view_inplace(self, rule, data, params=()):
    """Make ``data`` (a numpy view of ``self``'s array) the tensor's array. Its values do
    not change, so a view's base keeps its history; ``self`` gets ``rule``'s node (the
    in-place overload: UnsqueezeBackward1, TBackward1, ...) over its previous history."""
    check_inplace(self)
    tracked = MODE.enabled and self._rg
    edge = self._edge() if tracked else None
    self._data = data
    self._vc[0] += 1
    if tracked:
        _set_history(self, make_node(rule, self, (self,), (edge,), params))
    return self


def unsqueeze_(self, dim):
    """In-place :func:`~gradnb.ops.shape.unsqueeze`."""
    data, d = unsqueezed(self._data, dim, "unsqueeze_")
    return _view_inplace(self, _R["unsqueeze_"], data, (d,))


def squeeze_(self, dim=None):
    """In-place :func:`~gradnb.ops.shape.squeeze`."""
    shape = self._data.shape
    data, form = squeezed(self._data, dim)
    return _view_inplace(self, _R["squeeze_" if form is None else f"squeeze_{form}_"], data,
                         (shape,))


def t_(self):
    """In-place :func:`~gradnb.ops.shape.t`."""
    return _view_inplace(self, _R["t_"], matrix_transposed(self._data, "t_"))


def transpose_(self, dim0, dim1):
    """In-place :func:`~gradnb.ops.shape.transpose` (also ``swapaxes_``, ``swapdims_``)."""
    data, dims = transposed(self._data, dim0, dim1, "transpose_")
    return _view_inplace(self, _R["transpose_"], data, dims)


# random fills (PyTorch's CPU generator, see gradnb/_random.py)

def _random_fill(self, rule, fill, *args):
    """Fill ``self`` in place with ``fill(generator, array, *args)`` (the values drawn
    before any history is rewritten, as PyTorch draws them)."""
    return _apply_inplace(self, rule, lambda d: fill(*args[:1], d, *args[1:]))


def _float_only(self, kernel):
    if not self.is_floating_point():
        raise NotImplementedError(f'"{kernel}" not implemented for \'{self.dtype._legacy}\'')


def uniform_(self, a=0.0, b=1.0, *, generator=None, **bounds):
    """Fill with uniform random numbers in ``[a, b)`` (PyTorch's keywords: ``from``,
    ``to``)."""
    a, b = bounds.pop("from", a), bounds.pop("to", b)
    if bounds:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(bounds))}'")
    _float_only(self, "check_uniform_bounds")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_rnd.num(a)} > to={_rnd.num(b)}")
    return _random_fill(self, _R["uniform_"], _rnd.fill_uniform, _rnd.resolve(generator),
                         a, b)


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal random numbers N(mean, std^2)."""
    _float_only(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_rnd.num(std)}")
    return _random_fill(self, _R["normal_"], _rnd.fill_normal, _rnd.resolve(generator),
                        mean, std)


_UNSET = object()


def random_(self, from_=_UNSET, to=_UNSET, *, generator=None, **kwargs):
    """Fill with random integers: in ``[from, to)``, ``[0, to)`` (one argument), from
    ``from`` to the dtype's top (``to=None``) or in ``[0, 2^mantissa]`` / ``[0, max]``
    of the dtype (no argument)."""
    from_ = kwargs.pop("from", from_)
    to = kwargs.pop("to", to)
    gen = _rnd.resolve(generator)
    if from_ is _UNSET and to is _UNSET:
        return _random_fill(self, _R["random_"], _rnd.fill_random, gen)
    if to is _UNSET:
        low, high, rule = 0, from_, _R["random_to"]
    else:
        low, high, rule = (0 if from_ is _UNSET else from_), to, _R["random_from_to"]
        if high is None:
            high = _rnd.dtype_top(self._data.dtype) + 1
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}")
    _rnd.check_int_bounds(self._data.dtype, low, high)
    return _random_fill(self, rule, _rnd.fill_integers, gen, low, high)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 (probability ``p``, a float or a tensor) or 0."""
    gen = _rnd.resolve(generator)
    if isinstance(p, Tensor):
        return _random_fill(self, _R["bernoulli_tensor"], _rnd.fill_bernoulli, gen,
                            _rnd.check_probs(p._data))
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_rnd.num(p)}")
    return _random_fill(self, _R["bernoulli_"], _rnd.fill_bernoulli, gen, p)


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with Exp(lambd) random numbers."""
    _float_only(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found "
                           f"lambda={_rnd.num(lambd)}")
    return _random_fill(self, _R["exponential_"], _rnd.fill_exponential,
                        _rnd.resolve(generator), lambd)


def iadd(self, other):
    return add_(self, other) if _ok(other) else NotImplemented


def isub(self, other):
    return sub_(self, other) if _ok(other) else NotImplemented


def imul(self, other):
    return mul_(self, other) if _ok(other) else NotImplemented


def itruediv(self, other):
    return div_(self, other) if _ok(other) else NotImplemented


def _ok(other):
    return isinstance(other, (Tensor, numbers.Number, np.generic))
