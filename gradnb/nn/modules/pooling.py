"""``nn.MaxPool2d``: 2-D max pooling, a layer without parameters that keeps its settings
and calls :func:`gradnb.nn.functional.max_pool2d`."""

from .. import functional as F
from .module import Module

__all__ = ["MaxPool2d"]


class MaxPool2d(Module):
    """Maximum over ``kernel_size`` windows of inputs (N, C, H, W) or (C, H, W).

    Parameters
    ----------
    kernel_size : int or pair of ints
    stride : int or pair, default ``kernel_size``
    padding, dilation : int or pair, default 0 and 1
    return_indices : bool, default False
    ceil_mode : bool, default False

    The settings are kept as given (an int stays an int), so the printed layer shows
    them as PyTorch does: ``MaxPool2d(kernel_size=2, stride=2, padding=0, ...)``.
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return F.max_pool2d(input, self.kernel_size, self.stride, self.padding, self.dilation,
                            ceil_mode=self.ceil_mode, return_indices=self.return_indices)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")
