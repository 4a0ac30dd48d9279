"""Array plumbing shared by the image ops (:mod:`gradnb.ops.conv`) and their backward
formulas (:mod:`gradnb.ops.rules`): strided window views, im2col columns and their
inverse (col2im), and the kept region of a constant pad. Plain numpy, no tensors."""

import numpy as np
from numpy.lib.stride_tricks import as_strided

__all__ = ["window_view", "padded", "conv_columns", "add_columns", "pad_region"]


def window_view(x, kernel, stride, dilation, out_hw):
    """Read-only view ``(N, C, Ho, Wo, kh, kw)`` of the 4-D array ``x``: element
    ``[n, c, i, j, a, b]`` is ``x[n, c, i*sh + a*dh, j*sw + b*dw]`` (no copy)."""
    sn, sc, sh, sw = x.strides
    shape = x.shape[:2] + tuple(out_hw) + tuple(kernel)
    strides = (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
    return as_strided(x, shape, strides, writeable=False)


def padded(x, padding, fill=0):
    """``x`` (N, C, H, W) with ``padding = (top, bottom, left, right)`` rows/columns of
    ``fill`` (``x`` itself when there is none)."""
    if not any(padding):
        return x
    top, bottom, left, right = padding
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)), constant_values=fill)


def conv_columns(x, kernel, stride, padding, dilation, groups, out_hw):
    """im2col: the windows of ``x`` (N, C, H, W) as ``(N, groups, C/groups*kh*kw, Ho*Wo)``,
    so that a convolution is one batched matmul of the kernels with them, straight into
    the output's (N, O, Ho*Wo) layout. One copy, whose innermost axis runs along the
    output columns (long and evenly strided, unlike the kernel's few taps)."""
    n, c = x.shape[:2]
    ph, pw = padding
    windows = window_view(padded(x, (ph, ph, pw, pw)), kernel, stride, dilation, out_hw)
    k = c // groups * kernel[0] * kernel[1]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(n, groups, k, out_hw[0] * out_hw[1])


def add_columns(cols, x_shape, kernel, stride, padding, dilation):
    """col2im, the adjoint of :func:`conv_columns`: sum each column entry (``cols`` laid
    out as conv_columns returns them) back into the input position it was read from.
    Loops over the kernel offsets (kh*kw strided slices, each of distinct positions, so
    ``+=`` never collides), never over pixels."""
    n, c, h, w = x_shape
    kh, kw = kernel
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    out_h = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    out_w = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    cols = cols.reshape(n, c, kh, kw, out_h, out_w)
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    rows_end, cols_end = sh * (out_h - 1) + 1, sw * (out_w - 1) + 1
    for a in range(kh):
        for b in range(kw):
            out[:, :, a * dh:a * dh + rows_end:sh, b * dw:b * dw + cols_end:sw] += cols[:, :, a, b]
    return out[:, :, ph:ph + h, pw:pw + w]


def pad_region(pairs, shape, inner):
    """The part of a constant pad (``pairs`` of (before, after) per dim; negative crops)
    that holds the input: its slices in the input (``inner``) or in the output."""
    region = []
    for size, (before, after) in zip(shape, pairs):
        lo, hi = max(-before, 0), size - max(-after, 0)
        region.append(slice(lo, hi) if inner else slice(lo + before, hi + before))
    return tuple(region)
