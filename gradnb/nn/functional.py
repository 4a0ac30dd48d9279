"""``torch.nn.functional``: the stateless layers and losses behind ``nn``'s modules.

Activations and ``linear`` are built from the core ops, decomposed as PyTorch decomposes
them, so graphs show PyTorch's nodes (``F.linear`` on a batch with a bias is one
``AddmmBackward0`` over ``TBackward0``). The losses compute their forward value with
numpy here and record the backward rule of the table in :mod:`gradnb.ops.rules`
(``MseLossBackward0``, ``NllLossBackward0``, ...); ``cross_entropy`` is ``log_softmax``
followed by ``nll_loss``, exactly as in PyTorch.
"""

import warnings

import numpy as np

from .. import _dtype, _random, ops
from ..ops.conv import (conv2d, max_pool2d, max_pool2d_with_indices, constant_pad_nd,
                        index_pad, pad_sizes_error as _pad_sizes_error)
from ..ops.linalg import is_transposed
from ..ops._common import broadcast_error, quiet
from ..ops._record import record
from ..ops.rules import RULES, target_index
from ..autograd.grad_mode import no_grad
from ..tensor import Tensor

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax", "linear", "dropout",
           "conv2d", "max_pool2d", "max_pool2d_with_indices", "pad", "batch_norm",
           "mse_loss", "l1_loss", "nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "one_hot"]


# ---------------------------------------------------------------------------------------
# activations
# ---------------------------------------------------------------------------------------

def relu(input, inplace=False):
    """max(input, 0) elementwise (ReluBackward0)."""
    return input.relu_() if inplace else ops.relu(input)


def sigmoid(input):
    """1 / (1 + exp(-input)) elementwise."""
    return ops.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent elementwise."""
    return ops.tanh(input)


def _implicit_softmax_dim(name, ndim, stacklevel):
    """The dim PyTorch picks when none is given (0 for 0-, 1- and 3-d input, else 1),
    with its deprecation warning."""
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the "
                  "call to include dim=X as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(x) / sum(exp(x)) along ``dim``: a probability distribution per slice."""
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return ops.softmax(input if dtype is None else input.to(dtype), dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(x)) along ``dim``, computed stably."""
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return ops.log_softmax(input if dtype is None else input.to(dtype), dim)


# ---------------------------------------------------------------------------------------
# linear and dropout
# ---------------------------------------------------------------------------------------

def _addmm(bias, mat1, mat2):
    """``bias + mat1 @ mat2`` as one AddmmBackward0 node (2-D ``mat1`` and ``mat2``)."""
    a, b = mat1._data, mat2._data
    if a.shape[1] != b.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x"
                           f"{a.shape[1]} and {b.shape[0]}x{b.shape[1]})")
    if a.dtype != b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{_dtype._BY_NP[a.dtype]._legacy} and "
                           f"{_dtype._BY_NP[b.dtype]._legacy}")
    out = a @ b
    out += bias._data     # in place: the product is a fresh array
    return record(RULES["addmm"], out, (bias, mat1, mat2),
                  mat2_transposed=is_transposed(b))


def linear(input, weight, bias=None):
    """``input @ weight.T + bias`` over the last dimension of ``input``.

    As in PyTorch: without bias it is a matmul (MmBackward0 for a batch); with bias,
    the input is viewed as rows, one addmm runs, and the result is viewed back.
    """
    weight_t = ops.t(weight)
    if bias is None:
        return ops.matmul(input, weight_t)
    if input.dim() == 2:
        return _addmm(bias, input, weight_t)
    lead = input.shape[:-1]
    rows = _addmm(bias, ops.reshape(input, -1, input.shape[-1]), weight_t)
    return ops.reshape(rows, *lead, rows.shape[-1])


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``
    (training only; identity otherwise). The mask is PyTorch's: ``bernoulli_(1 - p)``
    on a tensor like ``input``, divided by ``1 - p`` in ``input``'s dtype."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input.numel() == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError("result type Float can't be cast to the desired output type "
                           f"{input.dtype._legacy}")
    dt = input._data.dtype.type
    noise = np.empty_like(input._data)
    if p == 1:
        noise[...] = 0
    else:
        _random.fill_bernoulli(_random.default_generator, noise, 1.0 - p)
        noise /= dt(1.0 - p)
    mask = Tensor._wrap(noise)
    return input.mul_(mask) if inplace else ops.mul(input, mask)


def pad(input, pad, mode="constant", value=None):
    """Pad ``input``: ``pad`` holds (before, after) pairs from the last dimension
    backwards; negative amounts crop. ``mode``: 'constant' (with ``value``, default 0),
    'reflect', 'replicate' or 'circular'."""
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if mode == "constant":
        return constant_pad_nd(input, tuple(pad), 0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if mode == "circular":
        return _pad_circular(input, tuple(pad))
    return index_pad(input, tuple(pad), mode)


def _pad_circular(input, pad):
    """Circular padding as PyTorch composes it (its graph: CopySlices over SliceBackward0):
    the input is copied into the middle of a new tensor, then each padded dimension's
    borders are copied from the opposite side of that tensor."""
    n = len(pad) // 2
    shape = input.shape
    if n not in (1, 2, 3) or len(shape) not in (n + 1, n + 2):
        raise _pad_sizes_error(len(pad), len(shape))
    out_shape = list(shape)
    for i in range(n):
        dim = len(shape) - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        if before > shape[dim] or after > shape[dim]:
            raise RuntimeError("Padding value causes wrapping around more than once.")
        out_shape[dim] = shape[dim] + before + after
        if out_shape[dim] < 0:
            raise RuntimeError("Negative padding value is resulting in an empty dimension")
    out = input.new_zeros(out_shape)
    out_part, in_part = out, input
    for i in range(n):
        dim, (before, after) = len(shape) - 1 - i, pad[2 * i:2 * i + 2]
        lo, hi = max(before, 0), out_shape[dim] - max(after, 0)
        out_part = out_part.narrow(dim, lo, hi - lo)
        in_part = in_part.narrow(dim, max(-before, 0), hi - lo)
    out_part.copy_(in_part)
    for i in range(n):
        dim, (before, after) = len(shape) - 1 - i, pad[2 * i:2 * i + 2]
        size = out_shape[dim]
        if before > 0:
            out.narrow(dim, 0, before).copy_(
                out.narrow(dim, size - before - max(after, 0), before))
        if after > 0:
            out.narrow(dim, size - after, after).copy_(out.narrow(dim, max(before, 0), after))
    return out


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-05):
    """Normalise each channel (dim 1) of ``input`` to zero mean and unit variance, then
    scale by ``weight`` and shift by ``bias`` (NativeBatchNormBackward0).

    In training the batch's statistics are used (biased variance) and the running ones,
    if given, are updated in place: ``r = (1 - momentum) * r + momentum * batch`` (with
    the unbiased variance); otherwise the running statistics are used.
    """
    x = input._data
    axes = (0,) + tuple(range(2, x.ndim))
    count = x.size // x.shape[1] if x.ndim > 1 else x.size
    if training and count == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input "
                         f"size {input.shape}")
    for name, stat in (("running_mean", running_mean), ("running_var", running_var)):
        if stat is not None and stat.numel() != x.shape[1]:
            raise RuntimeError(f"{name} should contain {x.shape[1]} elements not "
                               f"{stat.numel()}")
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)
        _update_running(running_mean, mean, momentum)
        _update_running(running_var, var * (count / max(count - 1, 1)), momentum)
    elif running_mean is None or running_var is None:
        raise RuntimeError(f"{'running_mean' if running_mean is None else 'running_var'} "
                           "must be defined in evaluation mode")
    else:
        mean, var = running_mean._data, running_var._data
    invstd = 1 / np.sqrt(var + eps)
    shape = (1, -1) + (1,) * (x.ndim - 2)
    scale = invstd if weight is None else invstd * weight._data
    out = (x - mean.reshape(shape)) * scale.reshape(shape)
    if bias is not None:
        out += bias._data.reshape(shape)
    return record(RULES["native_batch_norm"], out.astype(x.dtype, copy=False),
                  (input, weight, bias), training=bool(training), mean=mean, invstd=invstd,
                  eps=eps)


def _update_running(stat, batch_value, momentum):
    """``stat = (1 - momentum) * stat + momentum * batch_value``, in place (a buffer)."""
    if stat is not None:
        with no_grad():
            stat.mul_(1 - momentum).add_(Tensor._wrap(
                np.asarray(batch_value, dtype=stat._data.dtype)), alpha=momentum)


# ---------------------------------------------------------------------------------------
# reductions shared by the losses
# ---------------------------------------------------------------------------------------

_REDUCTIONS = ("none", "mean", "sum")


def _reduction(reduction, size_average=None, reduce=None):
    """Validate ``reduction``; the legacy ``size_average``/``reduce`` flags override it
    (with PyTorch's deprecation warning)."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else "mean" if size_average else "sum"
        warnings.warn("size_average and reduce args will be deprecated, please use "
                      f"reduction='{reduction}' instead.", UserWarning, stacklevel=3)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(losses, reduction):
    """The elementwise ``losses`` array summed, averaged or kept."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    return losses


def _warn_size_mismatch(input, target):
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", UserWarning,
                      stacklevel=3)


def _promoted(input, target):
    """Both operands' arrays in the dtype PyTorch computes the loss in."""
    common = _dtype.result_type(input, target).np
    return input._data.astype(common, copy=False), target._data.astype(common, copy=False)


def _weighted_elementwise_loss(errors, weight, reduction):
    """PyTorch's weighted form of mse/l1: ``errors * weight``, summed, or over
    ``sum(weight)`` for 'mean'."""
    weighted = ops.mul(errors, weight)
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return ops.sum(weighted)
    if reduction == "mean":
        return ops.div(ops.sum(weighted), ops.sum(weight))
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _check_loss_weight(weight, input):
    if weight.shape != input.shape:
        raise ValueError("Weights and input must have the same size.")


# ---------------------------------------------------------------------------------------
# regression losses
# ---------------------------------------------------------------------------------------

def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``(input - target)^2``, reduced (MseLossBackward0)."""
    _warn_size_mismatch(input, target)
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    if weight is not None:
        _check_loss_weight(weight, input)
        return _weighted_elementwise_loss(ops.pow(ops.sub(input, target), 2), weight,
                                          reduction)
    reduction = _reduction(reduction)
    x, t = _promoted(input, target)
    try:
        diff = x - t
    except ValueError:
        raise broadcast_error(x.shape, t.shape) from None
    return record(RULES["mse_loss"], _reduce(diff * diff, reduction), (input, target),
                  reduction=reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``, reduced; PyTorch composes it from
    sub, abs and mean/sum, and so does gradnb."""
    _warn_size_mismatch(input, target)
    if size_average is not None or reduce is not None:
        reduction = _reduction(reduction, size_average, reduce)
    errors = ops.abs(ops.sub(input, target))
    if weight is not None:
        _check_loss_weight(weight, input)
        return _weighted_elementwise_loss(errors, weight, reduction)
    reduction = _reduction(reduction)
    if reduction == "mean":
        return ops.mean(errors)
    return ops.sum(errors) if reduction == "sum" else errors


# ---------------------------------------------------------------------------------------
# classification losses
# ---------------------------------------------------------------------------------------

def _check_nll_args(x, t, weight):
    """PyTorch's checks on nll_loss arguments, in its order and words."""
    if x.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {x.ndim})")
    if x.ndim != 1 and x.shape[0] != (t.shape[0] if t.ndim else 0):
        raise ValueError(f"Expected input batch_size ({x.shape[0]}) to match target "
                         f"batch_size ({t.shape[0] if t.ndim else 0}).")
    if x.ndim <= 2:
        if t.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if not (x.ndim == 1 and t.ndim == 0) and x.shape[0] != t.shape[0]:
            raise RuntimeError(f"size mismatch (got input: {list(x.shape)}, target: "
                               f"{list(t.shape)})")
    elif t.shape != x.shape[:1] + x.shape[2:]:
        if x.ndim == 4:     # PyTorch's nll_loss2d words it so, unbalanced parenthesis too
            raise RuntimeError(f"size mismatch (got input: {list(x.shape)} , target: "
                               f"{list(t.shape)}")
        raise RuntimeError(f"Expected target size {list(x.shape[:1] + x.shape[2:])}, got "
                           f"{list(t.shape)}")
    classes = x.shape[1] if x.ndim > 1 else x.shape[0]
    if weight is not None and (weight.ndim != 1 or weight.size != classes):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes "
                           f"or no classes but got weight tensor of shape: {list(weight.shape)}")
    if t.dtype not in (np.int64, np.uint8):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{_dtype._BY_NP[t.dtype]._legacy}")


def _valid_targets(t, ignore_index, classes):
    """Mask of the targets that count (None when all do), after PyTorch's range check.
    Fast path: when every target is a class and ``ignore_index`` is not one, no target
    can be ignored, which the range check (min and max) has already shown."""
    if t.size == 0:
        return None
    lo, hi = t.min(), t.max()
    if lo >= 0 and hi < classes and not 0 <= ignore_index < classes:
        return None
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= classes))
    if bad.any():
        raise IndexError(f"Target {t[bad].flat[0]} is out of bounds.")
    return valid


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
             reduction="mean"):
    """Negative log-likelihood: ``-weight[t] * input[n, t]`` for each sample's class
    index ``t`` (input holds log-probabilities), reduced; 'mean' divides by the total
    weight of the non-ignored samples. Class axis 1 (0 for one unbatched sample); extra
    dimensions after it are positions, each with its own target (NllLoss2DBackward0)."""
    reduction = _reduction(reduction, size_average, reduce)
    w_array = None if weight is None else weight._data
    _check_nll_args(input._data, target._data, w_array)
    ndim = input.dim()
    if ndim == 3 or ndim > 4:
        # PyTorch runs every K-d case as the 2-d one, on (N, C, d1, rest) views
        n, c, d1 = input.shape[:3]
        loss = _nll(ops.reshape(input, n, c, d1, -1), target._data.reshape(n, d1, -1),
                    w_array, ignore_index, reduction)
        return ops.reshape(loss, *target.shape) if reduction == "none" else loss
    return _nll(input, target._data, w_array, ignore_index, reduction)


def _nll(input, t, w_array, ignore_index, reduction):
    """nll_loss on checked arguments: the forward value and its node."""
    x = input._data
    class_axis = 1 if x.ndim > 1 else 0
    valid = _valid_targets(t, ignore_index, x.shape[class_axis])
    safe_t = t if valid is None else np.where(valid, t, 0)
    picked = x[target_index(safe_t, class_axis)]
    if w_array is None and valid is None:
        losses, total_weight = -picked, x.dtype.type(t.size)
    else:
        if valid is None:
            valid = np.ones(t.shape, bool)
        weights = valid if w_array is None else np.where(valid, w_array[safe_t], 0)
        weights = weights.astype(x.dtype, copy=False)
        losses = np.where(valid, picked * -weights, 0)   # +0, not -0.0, when ignored
        total_weight = weights.sum()
    with quiet():       # every target ignored: 0 / 0 = nan, as in PyTorch
        out = losses.sum() / total_weight if reduction == "mean" else \
            _reduce(losses, reduction)
    rule = RULES["nll_loss2d" if x.ndim > 2 else "nll_loss"]
    return record(rule, out, (input,), target=t, weight=w_array,
                  reduction=reduction, ignore_index=ignore_index, total_weight=total_weight)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """Cross-entropy between logits ``input`` and ``target``: class indices (then it is
    ``nll_loss(log_softmax(input, 1), target)``) or class probabilities of the input's
    shape. ``label_smoothing`` mixes the target with the uniform distribution."""
    reduction = _reduction(reduction, size_average, reduce)
    class_dim = 0 if input._data.ndim == 1 else 1
    if target._data.shape == input._data.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing,
                                    class_dim)
    log_p = ops.log_softmax(input, class_dim)
    loss = nll_loss(log_p, target, weight, None, ignore_index, None, reduction)
    if label_smoothing > 0.0:
        loss = _smooth(loss, log_p, target, weight, ignore_index, reduction, label_smoothing,
                       class_dim)
    return loss


def _class_weight_view(weight, ndim, class_dim):
    """``weight`` shaped to broadcast along the class dimension of an ``ndim`` input."""
    shape = [1] * ndim
    shape[class_dim] = weight.shape[0]
    return ops.reshape(weight, *shape)


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim):
    """Cross-entropy against class probabilities: ``-sum(target * log_softmax(input))``
    per sample (PyTorch's decomposition, hence its nodes)."""
    if not target.is_floating_point():
        raise RuntimeError("Expected floating point type for target with class "
                           f"probabilities, got {target.dtype._legacy}")
    classes = input.shape[class_dim]
    if label_smoothing > 0.0:
        target = _shift(_scale(target, 1 - label_smoothing), label_smoothing / classes)
    products = ops.mul(ops.log_softmax(input, class_dim), target)
    if weight is not None:
        products = ops.mul(products, _class_weight_view(weight, input.dim(), class_dim))
    if reduction == "none":
        return ops.neg(ops.sum(products, class_dim))
    total = ops.neg(ops.sum(products))
    if reduction == "sum":
        return total
    samples = input.numel() // classes
    return record(RULES["div_scalar"], total._data / samples, (total,), other=samples)


def _scale(t, factor):
    """``t * factor`` for a python number, as PyTorch's C++ losses do it (MulBackward1)."""
    return record(RULES["mul_scalar"], t._data * factor, (t,), other=factor)


def _shift(t, amount):
    """``t + amount`` for a python number, as PyTorch's C++ losses do it (AddBackward1)."""
    return record(RULES["add_scalar"], t._data + amount, (t,))


def _smooth(nll, log_p, target, weight, ignore_index, reduction, label_smoothing, class_dim):
    """Label smoothing with class-index targets: ``(1 - e) nll + e / C * smooth`` where
    ``smooth`` is ``-sum_c w_c log p_c`` per sample, zero for ignored ones, reduced like
    nll (PyTorch's formula and nodes)."""
    classes = log_p.shape[class_dim]
    if weight is not None:
        log_p = ops.mul(log_p, _class_weight_view(weight, log_p.dim(), class_dim))
    per_sample = ops.neg(ops.sum(log_p, class_dim))
    ignored = target._data == ignore_index
    smooth = record(RULES["masked_fill_"], np.where(ignored, 0, per_sample._data),
                    (per_sample,), mask=ignored)
    if reduction == "sum":
        smooth = ops.sum(smooth)
    elif reduction == "mean":
        kept = target._data[~ignored]
        total = weight._data[kept].sum() if weight is not None else \
            np.asarray(kept.size, smooth._data.dtype)
        smooth = ops.div(ops.sum(smooth), Tensor._wrap(np.asarray(total)))
    return ops.add(_scale(nll, 1 - label_smoothing), _scale(smooth, label_smoothing / classes))


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy ``-(t log x + (1 - t) log(1 - x))`` for probabilities ``x``
    (each log clamped at -100, as in PyTorch), optionally weighted, reduced."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the "
                         f"input size ({input.shape}) is deprecated. Please ensure they have "
                         "the same size.")
    x, t = input._data, target._data
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_dtype._BY_NP[t.dtype]._legacy} but expected "
                           f"{_dtype._BY_NP[x.dtype]._legacy}")
    if not ((x >= 0) & (x <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    w = None if weight is None else np.broadcast_to(weight._data, t.shape)
    with quiet():
        losses = (t - 1) * np.maximum(np.log1p(-x), -100) - t * np.maximum(np.log(x), -100)
    if w is not None:
        losses = losses * w
    return record(RULES["binary_cross_entropy"], _reduce(losses, reduction), (input, target),
                  weight=w, reduction=reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Binary cross-entropy on logits, ``sigmoid`` folded in stably:
    ``(1 - t) x - (1 + (p - 1) t) log sigmoid(x)`` with ``pos_weight`` p (default 1)."""
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    if not target.is_floating_point():
        raise RuntimeError(f"result type {input.dtype._legacy} can't be cast to the desired "
                           f"output type {target.dtype._legacy}")
    x, t = _promoted(input, target)
    w = None if weight is None else weight._data
    pw = None if pos_weight is None else pos_weight._data
    log_sig = np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))
    if pw is not None:
        log_sig = log_sig * ((pw - 1) * t + 1)
    losses = (1 - t) * x - log_sig
    if w is not None:
        losses = losses * w
    return record(RULES["binary_cross_entropy_with_logits"], _reduce(losses, reduction),
                  (input, target), weight=w, pos_weight=pw, reduction=reduction)


def one_hot(tensor, num_classes=-1):
    """Class indices to one-hot rows: shape ``tensor.shape + (num_classes,)``, int64
    (``num_classes=-1``: one more than the largest index)."""
    data = tensor._data
    if data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if data.size and data.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(data.max()) + 1 if data.size else 0
    elif data.size and data.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    return record(RULES["one_hot"], (data[..., None] == np.arange(num_classes)).astype(np.int64),
                  (tensor,))
