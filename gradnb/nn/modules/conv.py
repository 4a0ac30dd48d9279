"""``nn.Conv2d``: a 2-D convolution layer with a learnable weight (out, in/groups, kh, kw)
and bias, calling :func:`gradnb.nn.functional.conv2d`."""

import math
import numbers

from ..._creation import empty
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv2d"]

_PADDING_STRINGS = ("same", "valid")
_PADDING_MODES = ("circular", "reflect", "replicate", "zeros")


def _pair(value):
    """PyTorch's ``_pair``: an int repeated twice, any iterable as a tuple."""
    return (value, value) if isinstance(value, numbers.Integral) else tuple(value)


def _set_text(values):
    return "{" + ", ".join(repr(v) for v in values) + "}"


class Conv2d(Module):
    """2-D convolution over inputs (N, C_in, H, W) or (C_in, H, W).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or pair of ints
    stride, dilation : int or pair of ints, default 1
    padding : int, pair of ints, 'valid' or 'same', default 0
    groups : int, default 1
    bias : bool, default True
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}, default 'zeros'
        What the border holds.

    Weight and bias start uniform in ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]`` with
    ``fan_in = in_channels / groups * kh * kw`` (PyTorch's default init), drawn from
    gradnb's generator.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__()
        kernel_size, stride, dilation = _pair(kernel_size), _pair(stride), _pair(dilation)
        padding = padding if isinstance(padding, str) else _pair(padding)
        _check_arguments(in_channels, out_channels, stride, padding, groups, padding_mode)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.dilation, self.transposed, self.output_padding = dilation, False, (0, 0)
        self.groups, self.padding_mode = groups, padding_mode
        self._reversed_padding_repeated_twice = _reversed_padding(padding, kernel_size,
                                                                  dilation)
        self.weight = Parameter(empty(out_channels, in_channels // groups, *kernel_size,
                                      device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw new initial values (kaiming_uniform_ with a = sqrt(5), as PyTorch)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        if self.padding_mode != "zeros":     # an explicit pad first, then no padding
            padded = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv2d(padded, self.weight, self.bias, self.stride, (0, 0),
                            self.dilation, self.groups)
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)

    def extra_repr(self):
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}")
        if self.padding != (0,) * len(self.padding):
            text += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            text += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            text += f", output_padding={self.output_padding}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        if self.padding_mode != "zeros":
            text += f", padding_mode={self.padding_mode}"
        return text


def _check_arguments(in_channels, out_channels, stride, padding, groups, padding_mode):
    """PyTorch's constructor checks, in its order."""
    if groups <= 0:
        raise ValueError("groups must be a positive integer")
    if in_channels % groups != 0:
        raise ValueError("in_channels must be divisible by groups")
    if out_channels % groups != 0:
        raise ValueError("out_channels must be divisible by groups")
    if isinstance(padding, str):
        if padding not in _PADDING_STRINGS:
            raise ValueError(f"Invalid padding string {padding!r}, should be one of "
                             f"{_set_text(_PADDING_STRINGS)}")
        if padding == "same" and any(s != 1 for s in stride):
            raise ValueError("padding='same' is not supported for strided convolutions")
    if padding_mode not in _PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {_set_text(_PADDING_MODES)}, but got "
                         f"padding_mode='{padding_mode}'")


def _reversed_padding(padding, kernel_size, dilation):
    """(left, right, top, bottom): the explicit pad a non-zeros padding_mode would apply."""
    if padding == "valid":
        return [0, 0, 0, 0]
    if padding == "same":       # a list for the padding strings, as in PyTorch
        pads = []
        for d, k in zip(reversed(dilation), reversed(kernel_size)):
            total = d * (k - 1)
            pads += [total // 2, total - total // 2]
        return pads
    return tuple(p for p in reversed(padding) for _ in range(2))
