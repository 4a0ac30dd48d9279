"""The rule table's backward formulas, run on gradnb tensors (``create_graph=True``).

:mod:`gradnb.ops.rules` compiles each rule's formulas into a numpy ``_vjp``. When a
differentiable backward is wanted, :func:`compile_vjp_tensors` compiles the very same
formula text a second time, into a namespace where

* the saved values are tensors: a saved input carries the history it had when it was
  saved (the node's edge for it), ``result`` has the node itself as ``grad_fn``, so the
  graph of the backward pass connects to the forward graph;
* the primitives of :mod:`gradnb.ops.rules` (``exp``, ``where``, ``flip``, ...) are tensor
  ops, and the helpers written through them (``rules.TENSOR_GENERIC``) run unchanged;
* the helpers that build arrays with numpy (scatters into zeros, masks, numpy-only
  calls) are defined again below with recorded tensor ops. A scatter is the
  ``index_put_accumulate`` rule, whose own backward is indexing, whose backward is again
  a scatter: every rule's gradient is differentiable again, to any order.
* parameters that are the op's own outputs (``rules.OUTPUT_PARAMS``: std_mean's std,
  svd's U, S, Vh) become tensors whose history is the node itself, as ``result`` does.

Masks and counts are not differentiable; they are computed on the arrays.
"""

import math
import types

import numpy as np

from .. import _creation
from ..autograd.node import FREED_MESSAGE, check_saved_versions
from ..tensor import Tensor
from . import elementwise, linalg, reduce, rules, shape
from ._record import NO_EDGE, make_node, record
from .rules import RULES

__all__ = ["apply_tensors", "compile_vjp_tensors", "saved_tensors", "scatter_add"]


def compile_vjp_tensors(rule, source):
    """The function ``_vjp_tensors(node, grad, views=None)`` of ``source`` (the rule's
    formulas, see :func:`gradnb.ops.rules.tensor_source`)."""
    namespace = dict(_namespace())
    exec(compile(source, f"<rule {rule.grad_fn} on tensors>", "exec"), namespace)
    return namespace["_vjp_tensors"]


def saved_tensors(node, views=None):
    """The node's saved values as tensors with their history at save time.

    ``views`` is ``(positions, base_shape, {name: base edge})`` for an in-place op on a
    view (the node CopySlices runs): the saved value was a view of the base, so its
    history is an AsStridedBackward0 of the base's."""
    saved = node._saved
    if saved is None:
        raise RuntimeError(FREED_MESSAGE)
    rule, out = node._rule, []
    # share the version counters of the tensors saved (an in-place change of one later
    # makes backward through the new graph raise, as through the node itself)
    counters = {name: counter for name, counter, _, _ in node._checks or ()}
    for name, value in zip(rule.saved_names, saved):
        if not isinstance(value, np.ndarray):
            out.append(value)           # a python number (or None: not needed)
            continue
        t = Tensor._wrap(value)
        if name in counters:
            t._vc = counters[name]
        if views is not None and name in views[2]:
            edge = _strided_edge(t, views[2][name], views[0], views[1])
        elif name == "result":
            edge = (node, 0)
        else:
            edge = node.next_functions[rule.inputs.index(name)]
        if edge[0] is not None:
            t._gfe, t._rg = edge, True
        out.append(t)
    return out


def _strided_edge(t, base_edge, positions, base_shape):
    """An edge for ``t``, the values of a base (whose history is ``base_edge``) at flat
    ``positions``."""
    if base_edge[0] is None:
        return NO_EDGE
    params = {"positions": positions, "self_shape": base_shape}
    return make_node(RULES["as_strided"], t, (None,), (base_edge,), params), 0


def apply_tensors(node, grad, views=None):
    """``node.apply`` for tensors: the saved-value checks, then its ``_vjp_tensors``."""
    if node._saved is None:
        raise RuntimeError(FREED_MESSAGE)
    if node._checks is not None:
        check_saved_versions(node)
    return node._vjp_tensors(grad, views) if views is not None else node._vjp_tensors(grad)


def output_tensor(node, nr, array):
    """Output ``nr`` of ``node`` (a parameter holding its values) as a tensor with that
    history (rules.OUTPUT_PARAMS)."""
    t = Tensor._wrap(array)
    t._gfe, t._rg = (node, nr), True
    return t


def det_backward(grad, self, result):
    """d det(A) / dA is the cofactor matrix (det(A) A^-T where A is invertible): entry
    (i, j) is (-1)^(i+j) det of A without row i and column j. Built from det itself it is
    differentiable again, singular matrices included (A^-T would need an inverse op)."""
    n = self.shape[-1]
    if n == 1:
        cofactors = _const(np.ones(self.shape, self._data.dtype))
    else:
        others = [[k for k in range(n) if k != i] for i in range(n)]
        cofactors = shape.stack([
            linalg.det(self[..., others[i], :][..., others[j]]) * (-1.0) ** (i + j)
            for i in range(n) for j in range(n)], -1).reshape(self.shape)
    return grad[..., None, None] * cofactors


def _const(array):
    return Tensor._wrap(np.asarray(array))


def _data(x):
    """The array of a tensor (for masks and counts, which have no gradient)."""
    return x._data if isinstance(x, Tensor) else x


# ---------------------------------------------------------------------------------------
# the scatter: out = zeros(shape); out[key] += values (repeats accumulate)
# ---------------------------------------------------------------------------------------

def scatter_add(values, key, shape):
    """A new tensor of ``shape``, zero except ``values`` added at ``key`` (a numpy
    index), recorded as IndexPutImplBackward0 so it is differentiable in ``values``."""
    out = np.zeros(shape, dtype=values._data.dtype)
    np.add.at(out, key, values._data)
    zeros = _const(np.broadcast_to(np.zeros((), out.dtype), shape))   # the constant self
    return record(RULES["index_put_accumulate"], out, (zeros, values), indices=key)


# ---------------------------------------------------------------------------------------
# tensor versions of the primitives and of the numpy-built helpers in rules.py
# ---------------------------------------------------------------------------------------

def where(cond, a, b):
    return elementwise.where(cond if isinstance(cond, Tensor) else _const(cond), a, b)


def log(x):
    return elementwise.log(x) if isinstance(x, Tensor) else rules.log(x)


def zeros_like(x):
    return _creation.zeros_like(x)


def expand(grad, shape_):
    return shape.expand(grad, shape_)


def restore_dims(grad, dim, keepdim):
    if keepdim or not dim:
        return grad
    sizes = list(grad.shape)
    for d in sorted(dim):
        sizes.insert(d, 1)
    return grad.reshape(sizes)


def evenly_distribute(grad, values, result):
    mask = rules.evenly_distribute(np.ones((), grad._data.dtype), _data(values), _data(result))
    return grad * _const(mask)       # mask holds 1 / count where shared, else 0


def value_selecting_backward(grad, dim, indices, self_shape, keepdim):
    if not self_shape:
        return grad
    mask = np.zeros(self_shape, dtype=bool)
    np.put_along_axis(mask, rules.restore_dims(indices, dim, keepdim), True, axis=dim[0])
    return where(mask, restore_dims(grad, dim, keepdim), 0)


def scale_grad_by_count(grad, mask, dim):
    m = _data(mask)
    return grad / _const(m.sum(axis=dim, keepdims=True)) * _const(m)


def product_of_others(x, axis):
    """Product of the other elements along ``axis``: row i of a square of copies of ``x``
    with the diagonal set to 1, multiplied out (differentiable, zeros included)."""
    moved = shape.movedim(x, axis, -1)
    n = moved.shape[-1]
    square = moved.unsqueeze(-2).expand(*moved.shape[:-1], n, n)
    return shape.movedim(reduce.prod(where(np.eye(n, dtype=bool), 1, square), -1), -1, axis)


def in_range(x, lo, hi):
    return rules.in_range(_data(x), _data(lo), _data(hi))


def select_backward(grad, self_shape, dim, index):
    return scatter_add(grad, (slice(None),) * dim + (index,), self_shape)


def slice_backward(grad, self_shape, dim, start, stop, step):
    return scatter_add(grad, (slice(None),) * dim + (slice(start, stop, step),), self_shape)


def index_backward(grad, self_shape, key):
    return scatter_add(grad, key, self_shape)


def scatter_positions(grad, positions, self_shape):
    flat = scatter_add(grad.reshape(-1), (positions.reshape(-1),), (math.prod(self_shape),))
    return flat.reshape(self_shape)


def zero_index(grad, indices):
    keep = np.ones(grad.shape, dtype=bool)
    keep[indices] = False
    return where(keep, grad, 0)


def cat_tensors_backward(grad, sizes, dim):
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    if grad.ndim == 0:
        return (grad,) * len(sizes)
    return tuple(shape.narrow(grad, dim, int(s), int(n)) for s, n in zip(starts, sizes))


def unstack(grad, dim):
    return shape.unbind(grad, dim)


def stack_grads(grad, dim):
    return shape.stack(grad, dim)


def concat_grads(grad, dim):
    return shape.cat(grad, dim)


def nll_loss_backward(grad, self, target, weight, reduction, ignore_index, total_weight):
    g = grad if reduction == "none" else grad.reshape(())
    if reduction == "mean":
        g = g / total_weight
    valid = target != ignore_index
    safe_t = np.where(valid, target, 0)
    w = valid if weight is None else np.where(valid, weight[safe_t], 0)
    values = -(g * _const(w.astype(g._data.dtype)))
    key = rules.target_index(safe_t, 1 if self.ndim > 1 else 0)
    return scatter_add(values.expand(safe_t.shape) if values.shape != safe_t.shape else values,
                       key, self.shape)


def copy_slices_backward(grad, positions, fn, result):
    """As rules.copy_slices_backward: ``fn``'s gradient replaces the base's gradient at
    the view's positions. ``fn``'s saved view values get the view-of-the-base history."""
    flat, index = grad.reshape(-1), positions.reshape(-1)
    base_shape = tuple(grad.shape)
    views = (positions, base_shape, {"self": fn.next_functions[0], "result": result._gfe})
    grads = apply_tensors(fn, flat[index].reshape(positions.shape), views)
    keep = np.ones(flat.shape, dtype=bool)
    keep[index] = False
    out = where(keep, flat, 0)
    own = grads[0]
    if own is not None:
        out = out + scatter_add(own.expand(positions.shape).reshape(-1), (index,), out.shape)
    return (out.reshape(base_shape),) + tuple(grads[1:])



# -- image ops (lessons-nn): gathers and scatters by numpy index arrays --------------------

def _window_rows_cols(kernel, stride, dilation, out_hw):
    """Index arrays (kh, 1, Ho, 1) and (1, kw, 1, Wo): the padded-input row and column
    each kernel tap of each window reads."""
    (kh, kw), (sh, sw), (dh, dw), (ho, wo) = kernel, stride, dilation, out_hw
    rows = (np.arange(kh) * dh)[:, None, None, None] + (np.arange(ho) * sh)[None, None, :, None]
    cols = (np.arange(kw) * dw)[None, :, None, None] + (np.arange(wo) * sw)[None, None, None, :]
    return rows, cols


def _zero_padded(x, padding):
    n, c, h, w = x.shape
    ph, pw = padding
    if not (ph or pw):
        return x
    inside = (slice(None), slice(None), slice(ph, ph + h), slice(pw, pw + w))
    return scatter_add(x, inside, (n, c, h + 2 * ph, w + 2 * pw))


def conv_input_backward(grad, weight, stride, padding, dilation, groups, input_shape):
    n, c, h, w = input_shape
    kernel, out_hw = tuple(weight.shape[2:]), tuple(grad.shape[2:])
    kernels = weight.reshape(groups, weight.shape[0] // groups, -1)
    cols = kernels.swapaxes(-1, -2) @ rules.conv_grad_groups(grad, groups)
    cols = cols.reshape(n, c, *kernel, *out_hw)
    rows, columns = _window_rows_cols(kernel, stride, dilation, out_hw)
    (ph, pw) = padding
    full = scatter_add(cols, (slice(None), slice(None), rows, columns),
                       (n, c, h + 2 * ph, w + 2 * pw))
    return full[:, :, ph:ph + h, pw:pw + w]


def conv_weight_backward(grad, input, stride, padding, dilation, groups, kernel_size):
    n, c = input.shape[:2]
    out_hw = tuple(grad.shape[2:])
    rows, columns = _window_rows_cols(kernel_size, stride, dilation, out_hw)
    cols = _zero_padded(input, padding)[:, :, rows, columns]      # (N, C, kh, kw, Ho, Wo)
    cols = cols.reshape(n, groups, -1, out_hw[0] * out_hw[1])
    out = (rules.conv_grad_groups(grad, groups) @ cols.swapaxes(-1, -2)).sum(0)
    return out.reshape(grad.shape[1], c // groups, *kernel_size)


def scatter_planes(grad, indices, self_shape, plane_ndim):
    planes = math.prod(self_shape[:len(self_shape) - plane_ndim])
    plane = math.prod(self_shape[len(self_shape) - plane_ndim:])
    per_plane = math.prod(grad.shape) // max(planes, 1)
    index = np.broadcast_to(indices, grad.shape).reshape(planes, per_plane)
    key = (np.arange(planes)[:, None], index)
    return scatter_add(grad.reshape(planes, per_plane), key, (planes, plane)).reshape(self_shape)


def unpad(grad, pad, self_shape):
    return scatter_add(grad[rules.pad_region(pad, self_shape, inner=False)],
                       rules.pad_region(pad, self_shape, inner=True), self_shape)


def batch_norm_stats(input, mean, invstd, training, eps):
    if not training:
        return (_const(rules.channel_view(mean, input.ndim)),
                _const(rules.channel_view(invstd, input.ndim)))
    axes = (0,) + tuple(range(2, input.ndim))
    mean = reduce.mean(input, axes, keepdim=True)
    centered = input - mean
    return mean, (reduce.mean(centered * centered, axes, keepdim=True) + eps) ** -0.5


_PRIMITIVES = dict(
    exp=elementwise.exp, sin=elementwise.sin, cos=elementwise.cos, sign=elementwise.sign,
    outer=linalg.outer, absolute=elementwise.abs, isnan=elementwise.isnan,
    log1p=lambda x: elementwise.log(1 + x),
    clamp_min=lambda x, lo: elementwise.clamp(x, min=lo),
    clamp_max=lambda x, hi: elementwise.clamp(x, max=hi),
    t=shape.t, permute=lambda x, dims: shape.permute(x, *dims),
    flip=lambda x, dims: shape.flip(x, dims if isinstance(dims, (tuple, list)) else (dims,)),
    cumsum=reduce.cumsum,
    sum_keepdim=lambda x, dim: reduce.sum(x, dim, keepdim=True),
    mean_keepdim=lambda x, dim: reduce.mean(x, dim, keepdim=True),
    # steps (floor_divide, trunc) have derivative zero: their values enter as constants
    floor_divide=lambda a, b: _const(np.floor_divide(_data(a), _data(b))),
    trunc=lambda x: _const(np.trunc(_data(x))),
    tan=elementwise.tan, sinh=elementwise.sinh, cosh=elementwise.cosh,
    rsqrt=lambda x: 1 / elementwise.sqrt(x),
    cross=lambda a, b, dim: linalg.cross(a, b, dim=dim),
    eye_like=lambda x, k: _const(np.eye(k, dtype=x._data.dtype)),
)

_OWN = ("where", "log", "zeros_like", "expand", "restore_dims", "evenly_distribute",
        "value_selecting_backward", "scale_grad_by_count", "product_of_others", "in_range",
        "select_backward", "slice_backward", "index_backward", "scatter_positions",
        "zero_index", "cat_tensors_backward", "unstack", "stack_grads", "concat_grads",
        "nll_loss_backward", "copy_slices_backward", "det_backward",
        # lessons-nn: image ops
        "conv_input_backward", "conv_weight_backward", "scatter_planes", "unpad",
        "batch_norm_stats")

_NAMESPACE = None


def _namespace():
    """The formulas' namespace for tensors, built once: the numpy helpers, replaced by
    the tensor primitives and versions above, and the generic helpers re-bound to it."""
    global _NAMESPACE
    if _NAMESPACE is None:
        ns = dict(rules._HELPERS)
        ns.update(_PRIMITIVES, math=math, saved_tensors=saved_tensors,
                  output_tensor=output_tensor)
        ns.update({name: globals()[name] for name in _OWN})
        for name in rules.TENSOR_GENERIC:
            fn = rules._HELPERS[name]
            ns[name] = types.FunctionType(fn.__code__, ns, fn.__name__, fn.__defaults__)
        _NAMESPACE = ns
    return _NAMESPACE
