"""``nn.BatchNorm1d`` and ``nn.BatchNorm2d``: per-channel normalisation with a learnable
scale (``weight``) and shift (``bias``), batch statistics in training and running
statistics (buffers ``running_mean``, ``running_var``, ``num_batches_tracked``) in eval."""

from ..._creation import empty, ones, tensor, zeros
from ... import _dtype
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    """Settings, parameters and buffers shared by the batch-norm layers.

    Parameters
    ----------
    num_features : int
        Channels C of inputs (N, C, ...).
    eps : float, default 1e-5
    momentum : float or None, default 0.1
        Weight of the newest batch in the running statistics; None: a plain average.
    affine : bool, default True
        Learn ``weight`` (ones) and ``bias`` (zeros; none if ``bias=False``).
    track_running_stats : bool, default True
    """

    _dims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True,
                 track_running_stats=True, device=None, dtype=None, *, bias=True):
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(empty(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(empty(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", tensor(0, dtype=_dtype.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input):
        if input.dim() not in self._dims:
            raise ValueError(self._dims_message(input.dim()))
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:      # cumulative average of all batches so far
                factor = 1.0 / float(self.num_batches_tracked)
        use_batch = self.training or (self.running_mean is None and self.running_var is None)
        keep = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if keep else None,
                            self.running_var if keep else None, self.weight, self.bias,
                            use_batch, factor, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm over inputs (N, C) or (N, C, L)."""

    _dims = (2, 3)

    def _dims_message(self, ndim):
        return f"expected 2D or 3D input (got {ndim}D input)"


class BatchNorm2d(_BatchNorm):
    """Batch norm over inputs (N, C, H, W)."""

    _dims = (4,)

    def _dims_message(self, ndim):
        return f"expected 4D input (got {ndim}D input)"
