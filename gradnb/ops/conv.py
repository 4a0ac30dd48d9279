"""Image ops: 2-D convolution (``conv2d``, one ``ConvolutionBackward0`` node) and 2-D max
pooling (``max_pool2d``, one ``MaxPool2DWithIndicesBackward0`` node), with PyTorch's
arguments (stride, padding, dilation, groups, ceil_mode, return_indices) and messages.

Both work on a strided *window view* of the (padded) input: for an input of shape
``(N, C, H, W)`` the view has shape ``(N, C, Ho, Wo, kh, kw)`` and costs no copy. A
convolution copies that view once into columns (im2col) and multiplies them with the
weight in one batched matmul per group; pooling takes the argmax over each window. The
backward formulas (in :mod:`gradnb.ops.rules`) loop over kernel offsets only, never over
pixels.
"""

import math
import numbers
import warnings

import numpy as np

from ..tensor import Tensor, _warned_once
from ._common import cpp_type_name
from ._record import record
from ._windows import conv_columns, pad_region, padded, window_view
from .rules import RULES
from .shape import squeeze, unsqueeze

__all__ = ["conv2d", "max_pool2d", "max_pool2d_with_indices", "constant_pad_nd", "index_pad",
           "pad_sizes_error"]

_R = RULES


def _pair(value):
    return (value, value) if isinstance(value, numbers.Integral) else tuple(value)


# ---------------------------------------------------------------------------------------
# conv2d
# ---------------------------------------------------------------------------------------

_CONV_SIGNATURES = (
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, tuple of "
    "ints padding = 0, tuple of ints dilation = 1, int groups = 1)\n"
    " * (Tensor input, Tensor weight, Tensor bias = None, tuple of ints stride = 1, str "
    "padding = \"valid\", tuple of ints dilation = 1, int groups = 1)\n")
_CONV_ARGS = ("input", "weight", "bias", "stride", "padding", "dilation", "groups")


def _type_label(value):
    return "Tensor" if isinstance(value, Tensor) else type(value).__name__


def _is_int_list(value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return True
    return isinstance(value, (tuple, list)) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value)


def _check_conv_types(args, kwargs):
    """PyTorch's 'invalid combination of arguments' TypeError for ill-typed arguments."""
    values = dict(zip(_CONV_ARGS, args), **kwargs)
    ok = (len(args) <= len(_CONV_ARGS) and set(kwargs) <= set(_CONV_ARGS[len(args):])
          and isinstance(values.get("input"), Tensor) and isinstance(values.get("weight"), Tensor)
          and isinstance(values.get("bias"), (Tensor, type(None)))
          and all(_is_int_list(values.get(k, 1)) for k in ("stride", "dilation"))
          and (_is_int_list(values.get("padding", 0)) or isinstance(values["padding"], str))
          and isinstance(values.get("groups", 1), numbers.Integral))
    if not ok:
        given = [_type_label(a) for a in args] + [f"{k}={_type_label(v)}"
                                                  for k, v in kwargs.items()]
        raise TypeError(f"conv2d() received an invalid combination of arguments - got "
                        f"({', '.join(given)}), but expected one of:\n{_CONV_SIGNATURES}")


def _conv_param(value, name, dims):
    """Expand an int or 1-element list to ``dims`` values, as PyTorch's convolution does."""
    values = [value] * 2 if isinstance(value, numbers.Integral) else list(value)
    if len(values) == 1:
        values = values * dims
    if len(values) != dims:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {dims} "
                           f"values to match the convolution dimensions, but got "
                           f"{name}={values}")
    return tuple(int(v) for v in values)


def _same_padding(input, kernel, dilation, stride):
    """padding='same': total ``d*(k-1)`` per dimension; an odd total puts the extra row or
    column at the end through an explicit pad (ConstantPadNdBackward0), as PyTorch."""
    if any(s != 1 for s in stride):
        raise RuntimeError("padding='same' is not supported for strided convolutions")
    totals = [d * (k - 1) for d, k in zip(dilation, kernel)]
    if any(t % 2 for t in totals):
        if not _warned_once.get("conv_same_even"):
            _warned_once["conv_same_even"] = True       # TORCH_WARN_ONCE: once per process
            warnings.warn("Using padding='same' with even kernel lengths and odd dilation "
                          "may require a zero-padded copy of the input be created",
                          UserWarning, stacklevel=4)
        # F.pad order: last dimension first
        input = constant_pad_nd(input, (0, totals[1] % 2, 0, totals[0] % 2))
    return input, tuple(t // 2 for t in totals)


def _check_conv_shapes(x, w, b, padding, dilation, groups):
    """PyTorch's shape checks, in its order."""
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if w.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{list(w.shape)}] instead")
    if x.shape[1] != w.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {list(w.shape)}, expected "
                           f"input{list(x.shape)} to have {w.shape[1] * groups} channels, but "
                           f"got {x.shape[1]} channels instead")
    if b is not None and (b.ndim != 1 or b.shape[0] != w.shape[0]):
        raise RuntimeError(f"Given weight of size {list(w.shape)}, expected bias to be "
                           f"1-dimensional with {w.shape[0]} elements, but got bias of size "
                           f"{list(b.shape)} instead")
    sizes = [x.shape[2 + i] + 2 * padding[i] for i in range(2)]
    kernel = [dilation[i] * (w.shape[2 + i] - 1) + 1 for i in range(2)]
    if any(p < k for p, k in zip(sizes, kernel)):
        raise RuntimeError(f"Calculated padded input size per channel: ({sizes[0]} x "
                           f"{sizes[1]}). Kernel size: ({kernel[0]} x {kernel[1]}). Kernel "
                           "size can't be greater than actual input size")


def conv2d(*args, **kwargs):
    """2-D convolution (cross-correlation, as in PyTorch) of ``input`` (N, C, H, W) or
    (C, H, W) with ``weight`` (O, C/groups, kh, kw), plus ``bias`` (O,).

    Parameters
    ----------
    input, weight : Tensor
    bias : Tensor, optional
    stride, dilation : int or pair of ints, default 1
    padding : int, pair of ints, 'valid' or 'same', default 0
    groups : int, default 1
        Input and output channels are split into ``groups`` independent convolutions.
    """
    _check_conv_types(args, kwargs)
    return _conv2d(*args, **kwargs)


def _conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    ndim = input._data.ndim
    if ndim not in (3, 4):
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                           f"input of size: {list(input.shape)}")
    dims = weight._data.ndim - 2
    stride = _conv_param(stride, "stride", dims)
    dilation = _conv_param(dilation, "dilation", dims)
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _conv_param(padding, "padding", dims)
    if ndim == 3:        # unbatched: a batch of one, squeezed again (as PyTorch's graph)
        out = _conv2d(unsqueeze(input, 0), weight, bias, stride, padding, dilation, groups)
        return squeeze(out, 0)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    if padding == "valid":
        padding = (0, 0)
    elif padding == "same":
        input, padding = _same_padding(input, weight.shape[2:], dilation, stride)
    elif any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    return _convolution(input, weight, bias, stride, padding, dilation, groups)


def _convolution(input, weight, bias, stride, padding, dilation, groups):
    """The ConvolutionBackward0 op on a 4-D input, arguments already normalised."""
    x, w = input._data, weight._data
    b = None if bias is None else bias._data
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(f"Input type ({cpp_type_name(input)}) and bias type "
                           f"({cpp_type_name(bias)}) should be the same")
    _check_conv_shapes(x, w, b, padding, dilation, groups)
    if w.dtype != x.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype._legacy} but found "
                           f"{weight.dtype._legacy}")
    if x.dtype == np.bool_:
        raise NotImplementedError("\"slow_conv2d_cpu\" not implemented for 'Bool'")
    n, o = x.shape[0], w.shape[0]
    out_hw = tuple((x.shape[2 + i] + 2 * padding[i] - dilation[i] * (w.shape[2 + i] - 1) - 1)
                   // stride[i] + 1 for i in range(2))
    cols = conv_columns(x, w.shape[2:], stride, padding, dilation, groups, out_hw)
    kernels = w.reshape(groups, o // groups, -1)
    out = np.matmul(kernels, cols).reshape(n, o, *out_hw)     # (N, G, O/G, Ho*Wo)
    if b is not None:
        out += b.reshape(-1, 1, 1)
    return record(_R["convolution"], out, (input, weight, bias), stride=stride,
                  padding=padding, dilation=dilation, groups=groups, input_shape=x.shape,
                  kernel_size=w.shape[2:])


# ---------------------------------------------------------------------------------------
# max_pool2d
# ---------------------------------------------------------------------------------------

def _pool_param(value, name, position, default=None):
    """An int or a 1-/2-tuple as a pair, with PyTorch's messages."""
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0 and default):
        return default
    if not _is_int_list(value):
        raise TypeError(f"max_pool2d(): argument '{name}' (position {position}) must be tuple "
                        f"of ints, not {type(value).__name__}")
    values = _pair(value)
    if len(values) == 1:
        values = values * 2
    if len(values) != 2:
        what = {"kernel_size": "must either be a single int, or",
                "stride": "must either be omitted, a single int, or",
                "padding": "must either be a single int, or",
                "dilation": "must be either a single int, or"}[name]
        raise RuntimeError(f"max_pool2d: {name} {what} a tuple of two ints")
    return tuple(int(v) for v in values)


def _pool_output_size(size, kernel, pad, stride, dilation, ceil_mode):
    """PyTorch's pooling_output_shape (with its checks) for one dimension."""
    if stride == 0:
        raise RuntimeError("stride should not be zero")
    if pad < 0:
        raise RuntimeError(f"pad must be non-negative, but got pad: {pad}")
    effective = (kernel - 1) * dilation + 1
    if pad > int(effective / 2):      # C++ division truncates towards zero
        raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                           f"pad={pad}, kernel_size={kernel} and dilation={dilation}")
    span = size + 2 * pad - dilation * (kernel - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=False):
    """``(values, indices)`` of 2-D max pooling; see :func:`max_pool2d`."""
    if not isinstance(input, Tensor):
        raise TypeError(f"max_pool2d(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    kernel = _pool_param(kernel_size, "kernel_size", 2)
    stride = _pool_param(stride, "stride", 3, default=kernel)
    padding = _pool_param(padding, "padding", 4)
    dilation = _pool_param(dilation, "dilation", 5)
    x = input._data
    if x.ndim not in (3, 4):
        raise RuntimeError("non-empty 3D or 4D (batch mode) tensor expected for input")
    size = x.shape[-2:]
    out_hw = tuple(_pool_output_size(size[i], kernel[i], padding[i], stride[i], dilation[i],
                                     ceil_mode) for i in range(2))
    _check_pool_shape(x, kernel, stride, dilation, out_hw)
    if x.dtype == np.bool_:
        raise NotImplementedError("\"max_pool2d\" not implemented for 'Bool'")
    planes = x if x.ndim == 4 else x[None]           # (N, C, H, W); N = 1 when unbatched
    values, indices = _max_pool(planes, kernel, stride, padding, dilation, out_hw)
    shape = x.shape[:-2] + out_hw
    values, indices = values.reshape(shape), indices.reshape(shape)
    result = record(_R["max_pool2d"], values, (input,), indices=indices,
                    self_shape=x.shape)
    return result, Tensor._wrap(indices)


def _check_pool_shape(x, kernel, stride, dilation, out_hw):
    """PyTorch's pool2d_shape_check, in its order."""
    if min(kernel) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kH: {kernel[0]} "
                           f"kW: {kernel[1]}")
    if min(stride) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got dH: {stride[0]} dW: "
                           f"{stride[1]}")
    if min(dilation) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilationH: "
                           f"{dilation[0]} dilationW: {dilation[1]}")
    if 0 in x.shape[-3:]:
        raise RuntimeError(f"Expected 3D or 4D (batch mode) tensor with optional 0 dim batch "
                           f"size for input, but got:{list(x.shape)}")
    if min(out_hw) < 1:
        c, h, w = x.shape[-3:]
        raise RuntimeError(f"Given input size: ({c}x{h}x{w}). Calculated output size: "
                           f"({c}x{out_hw[0]}x{out_hw[1]}). Output size is too small")


def _max_pool(x, kernel, stride, padding, dilation, out_hw):
    """Values and flat ``h * W + w`` indices of the maximum of each window of ``x``
    (N, C, H, W), as PyTorch's CPU kernel scans a window: a tap replaces the best so far
    if it is greater or NaN (so the first maximum wins, and the last NaN), starting from
    the lowest value at the window's first tap inside the input. One vectorised pass per
    kernel tap; padding taps hold the lowest value, so they never win."""
    h, w = x.shape[2:]
    # ceil_mode may let the last window run past the padding: pad the far side further
    far = [max(0, (out_hw[i] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1
               - (x.shape[2 + i] + padding[i])) for i in range(2)]
    floating = x.dtype.kind == "f"
    lowest = -np.inf if floating else np.iinfo(x.dtype).min
    nans = floating and bool(np.isnan(x).any())       # else skip the per-tap NaN test
    windows = window_view(padded(x, (padding[0], far[0], padding[1], far[1]), lowest),
                          kernel, stride, dilation, out_hw)
    best = np.full(windows.shape[:4], lowest, dtype=x.dtype)
    # the winning tap per window: small integers keep the per-tap passes light
    local = np.full(best.shape, -1, dtype=np.int16 if kernel[0] * kernel[1] < 1 << 15
                    else np.intp)
    step = np.empty_like(local)           # reused: fresh big temporaries cost page faults
    for tap in range(kernel[0] * kernel[1]):
        value = windows[..., tap // kernel[1], tap % kernel[1]]
        take = value > best
        if nans:
            take |= np.isnan(value)
        # branch-free updates (masked copies stall on unpredictable masks): the running
        # maximum propagates NaN as the scan does; local += take * (tap - local)
        np.maximum(best, value, out=best)
        np.subtract(tap, local, out=step)
        step *= take
        local += step
    # each tap's offset from the window's corner, looked up (cheaper than // and %)
    taps = np.arange(kernel[0] * kernel[1])
    rows = np.arange(out_hw[0])[:, None] * stride[0] - padding[0] + \
        np.take(taps // kernel[1] * dilation[0], local)
    cols = np.arange(out_hw[1]) * stride[1] - padding[1] + \
        np.take(taps % kernel[1] * dilation[1], local)
    never = local < 0
    if never.any():        # nothing above the lowest value: the first tap inside
        rows = np.where(never, _first_inside(out_hw[0], stride[0], padding[0],
                                             dilation[0])[:, None], rows)
        cols = np.where(never, _first_inside(out_hw[1], stride[1], padding[1],
                                             dilation[1]), cols)
    return best, (rows * w + cols).astype(np.int64)


def _first_inside(count, stride, pad, dilation):
    """For each window along one dimension, its first tap inside the input."""
    start = np.arange(count) * stride - pad
    return np.where(start < 0, start + (-start + dilation - 1) // dilation * dilation, start)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling of ``input`` (N, C, H, W) or (C, H, W) over ``kernel_size``
    windows.

    Parameters
    ----------
    kernel_size : int or pair of ints
    stride : int or pair, default ``kernel_size``
    padding : int or pair, default 0
        Implicit -inf padding on both sides; at most half the (dilated) kernel.
    dilation : int or pair, default 1
    ceil_mode : bool, default False
        Round the output size up (a last, partial window).
    return_indices : bool, default False
        Also return the flat ``h * W + w`` position of each maximum.
    """
    values, indices = max_pool2d_with_indices(input, kernel_size, stride, padding, dilation,
                                              ceil_mode)
    return (values, indices) if return_indices else values


# ---------------------------------------------------------------------------------------
# constant padding (F.pad's constant mode; also padding='same' with an even kernel)
# ---------------------------------------------------------------------------------------

def constant_pad_nd(input, pad, value=0):
    """Pad the last ``len(pad) // 2`` dimensions of ``input`` with ``value``; ``pad`` is
    ``(before, after)`` pairs starting from the last dimension; negative entries crop."""
    x = input._data
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > x.ndim:
        raise RuntimeError(f"Padding length should be less than or equal to two times the "
                           f"input dimension but got padding length {len(pad)} and input of "
                           f"dimension {x.ndim}")
    pairs = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        pairs[x.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    new_shape = tuple(s + a + b for s, (a, b) in zip(x.shape, pairs))
    if any(s < 0 for s in new_shape):
        raise RuntimeError("narrow(): length must be non-negative.")
    out = np.full(new_shape, value, dtype=x.dtype)
    out[pad_region(pairs, x.shape, inner=False)] = x[pad_region(pairs, x.shape, inner=True)]
    return record(_R["constant_pad_nd"], out, (input,), pad=tuple(pairs),
                  self_shape=x.shape)



# ---------------------------------------------------------------------------------------
# reflection / replication padding (F.pad's other modes; Conv2d's padding_mode)
# ---------------------------------------------------------------------------------------

_PAD_NODE_KIND = {"reflect": "reflection", "replicate": "replication"}


def pad_sizes_error(length, ndim):
    return NotImplementedError(
        f"Padding size {length} is not supported for {ndim}D input tensor.\nSupported "
        "combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads "
        "last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
        "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _pad_source(size, before, after, mode):
    """For each output position along one padded dimension, the input position it copies
    (PyTorch's CPU kernels' formulas, so negative amounts crop as they do: a reflection
    is still taken about the uncropped borders)."""
    j = np.arange(size + before + after)
    last = size + before - 1
    if mode == "reflect":
        source = np.where(j < before, 2 * before - j, np.where(j <= last, j, 2 * last - j))
    else:
        source = np.clip(j, before, last)
    return source - max(0, before) + max(0, -before)


def index_pad(input, pad, mode):
    """``F.pad`` with ``mode`` 'reflect' or 'replicate' over the last ``len(pad) // 2``
    dims (1 to 3): the output is a gather of input positions within each plane, so the
    backward is a scatter-add. Negative amounts crop, as in PyTorch."""
    x = input._data
    n = len(pad) // 2
    if n not in (1, 2, 3) or x.ndim not in (n + 1, n + 2):
        raise pad_sizes_error(len(pad), x.ndim)
    if 0 in x.shape[1 if x.ndim == n + 2 else 0:]:      # only a batch may be empty
        raise RuntimeError(f"Expected {n + 1}D or {n + 2}D (batch mode) tensor with possibly 0 "
                           f"batch size and other non-zero dimensions for input, but got: "
                           f"{list(x.shape)}")
    plane = x.shape[x.ndim - n:]
    pairs = [(int(pad[2 * (n - 1 - i)]), int(pad[2 * (n - 1 - i) + 1])) for i in range(n)]
    if mode == "reflect":
        for i, (before, after) in enumerate(pairs):
            if max(before, after) >= plane[i]:
                dim = x.ndim - n + i
                raise RuntimeError(f"Argument #{4 + 2 * (n - 1 - i)}: Padding size should be "
                                   f"less than the corresponding input dimension, but got: "
                                   f"padding ({before}, {after}) at dimension {dim} of input "
                                   f"{list(x.shape)}")
    positions = 0
    for i, (size, (before, after)) in enumerate(zip(plane, pairs)):
        stride = math.prod(plane[i + 1:])
        source = _pad_source(size, before, after, mode)
        positions = np.add.outer(positions, source * stride) if i else source * stride
    out = x.reshape(x.shape[:x.ndim - n] + (-1,))[..., positions]
    rule = _R[f"{_PAD_NODE_KIND[mode]}_pad{n}d"]
    return record(rule, out, (input,), positions=positions, self_shape=x.shape)
