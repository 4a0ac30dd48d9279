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
    """im2col: the windows of ``x`` (N, C, H, W) as ``(groups, N*Ho*Wo, C/groups*kh*kw)``,
    so that a convolution is one batched matmul with the weight (one copy)."""
    n, c = x.shape[:2]
    ph, pw = padding
    windows = window_view(padded(x, (ph, ph, pw, pw)), kernel, stride, dilation, out_hw)
    cg = c // groups
    windows = windows.reshape(n, groups, cg, *out_hw, *kernel)
    rows = n * out_hw[0] * out_hw[1]
    return windows.transpose(1, 0, 3, 4, 2, 5, 6).reshape(groups, rows, cg * kernel[0] * kernel[1])


def add_columns(cols, x_shape, kernel, stride, padding, dilation, groups, out_hw):
    """col2im, the adjoint of :func:`conv_columns`: sum each column entry back into the
    input position it was read from. Loops over the kernel offsets (kh*kw slices), each
    a strided slice of distinct positions, so ``+=`` never collides."""
    n, c, h, w = x_shape
    kh, kw = kernel
    cols = cols.reshape(groups, n, *out_hw, c // groups, kh, kw)
    cols = cols.transpose(1, 0, 4, 5, 6, 2, 3).reshape(n, c, kh, kw, *out_hw)
    (ph, pw), (sh, sw), (dh, dw) = padding, stride, dilation
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    rows_end, cols_end = sh * (out_hw[0] - 1) + 1, sw * (out_hw[1] - 1) + 1
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
