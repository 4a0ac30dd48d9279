"""``nn.init``: fill a tensor in place with initial weights (under ``no_grad``, so the
fill is not recorded), using PyTorch's formulas for the bounds and standard deviations.

Random values come from gradnb's generator, PyTorch's CPU generator reproduced: after
the same seed, the same calls fill the same numbers as PyTorch.
"""

import math
import warnings

import numpy as np

from .. import _random
from .._creation import eye
from ..tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_"]

_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
               "conv_transpose3d")
_MODES = ["fan_in", "fan_out"]


def calculate_gain(nonlinearity, param=None):
    """The recommended scale of the weights before ``nonlinearity`` (e.g. sqrt(2) for
    relu; sqrt(2 / (1 + slope^2)) for leaky_relu with negative slope ``param``)."""
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(inputs, outputs) per unit of a weight of shape (out, in, *kernel)."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         "2 dimensions")
    receptive_field = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor, mode):
    mode = mode.lower()
    if mode not in _MODES:
        raise ValueError(f"Mode {mode} not supported, please use one of {_MODES}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _is_empty(tensor):
    # PyTorch's kaiming_* skip zero-element tensors with a warning (their fan would be 0)
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with values drawn from U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with values drawn from N(mean, std^2)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std^2) values restricted to [a, b], by PyTorch's rejection
    sampling: redraw normals outside [a, b] when [a, b] holds over 30% of the mass,
    else uniform proposals in [a, b] accepted with probability density / peak density
    (every round draws a whole tensor, as PyTorch does)."""
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    gen = _random.resolve(generator)
    data = tensor._data
    if _normal_cdf((b - mean) / std) - _normal_cdf((a - mean) / std) > 0.3:
        out = _rejected_normals(gen, data, mean, std, a, b)
    else:
        out = _accepted_uniforms(gen, data, mean, std, a, b)
    with no_grad():
        return tensor.copy_(Tensor._wrap(out))


def _normal_cdf(x):
    return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0


def _rejected_normals(gen, like, mean, std, a, b):
    ct = like.dtype.type
    lo, hi = ct(a), ct(b)
    out = np.empty_like(like)
    _random.fill_normal(gen, out, mean, std)
    while True:
        outside = (out < lo) | (out > hi)
        if not outside.any():
            return out
        fresh = np.empty_like(like)
        _random.fill_normal(gen, fresh, mean, std)
        out = np.where(outside, fresh, out)


def _accepted_uniforms(gen, like, mean, std, a, b):
    ct = like.dtype.type
    log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

    def log_density(x):          # -((x - mean) / std)^2 / 2 - log_peak, in the dtype
        z = (x - ct(mean)) / ct(std)
        return z * z * ct(-0.5) - ct(log_peak)

    def rejected(log_pdf):
        u = np.empty_like(like)
        _random.fill_uniform(gen, u)
        with np.errstate(divide="ignore"):
            return np.log(u) > log_pdf

    out = np.empty_like(like)
    _random.fill_uniform(gen, out, a, b)
    pending = rejected(log_density(out))
    while pending.any():
        proposal = np.empty_like(like)
        _random.fill_uniform(gen, proposal, a, b)
        out = np.where(pending, proposal, out)
        pending = np.where(pending, rejected(log_density(proposal)), pending)
    return out


def constant_(tensor, val):
    """Fill with ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill with ones."""
    return constant_(tensor, 1.0)


def zeros_(tensor):
    """Fill with zeros."""
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill a 2-d tensor with the identity matrix."""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with no_grad():
        return tensor.copy_(eye(*tensor.shape, dtype=tensor.dtype))


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std      # a uniform of this half-width has standard dev. std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan); ``a`` is the negative slope
    for leaky_relu's gain (nn.Linear uses a = sqrt(5), i.e. b = 1 / sqrt(fan_in))."""
    if _is_empty(tensor):
        return tensor
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std^2) with std = gain / sqrt(fan)."""
    if _is_empty(tensor):
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode)),
                   generator)
