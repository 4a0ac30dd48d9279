"""``optim.RMSprop``: gradient steps scaled by a running average of squared gradients,
with optional momentum, centering and L2 weight decay, following PyTorch's equations."""

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, bump_version, lerp_, number,
                        step_counter, zeros_like_param)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop.

    For each parameter ``p`` with gradient ``g`` (PyTorch's equations)::

        g = g + weight_decay * p                        (if weight_decay)
        v = alpha * v + (1 - alpha) * g * g
        d = sqrt(v - m^2) + eps, m = alpha * m + (1 - alpha) * g   (centered)
            sqrt(v) + eps                                          (otherwise)
        b = momentum * b + g / d;  p = p - lr * b       (if momentum)
        p = p - lr * g / d                              (otherwise)

    Parameters
    ----------
    params : iterable of Tensors or dicts
    lr : float, default 1e-2
    alpha : float, default 0.99
    eps : float, default 1e-8
    weight_decay, momentum : float, default 0
    centered, maximize : bool, default False
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        for name, value in (("learning rate", lr), ("epsilon value", eps),
                            ("momentum value", momentum), ("weight_decay value", weight_decay),
                            ("alpha value", alpha)):
            if not 0.0 <= value:
                raise ValueError(f"Invalid {name}: {value}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    def _state(self, param, group):
        """The parameter's running averages and step count, made on its first update."""
        state = self.state[param]
        if not state:
            state["step"] = step_counter()
            state["square_avg"] = zeros_like_param(param)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_like_param(param)
            if group["centered"]:
                state["grad_avg"] = zeros_like_param(param)
        return state

    def _update(self, param, group):
        lr, alpha, momentum = number(group["lr"]), group["alpha"], group["momentum"]
        state = self._state(param, group)
        data = param._data
        grad = -param._grad._data if group["maximize"] else param._grad._data
        step_count = state["step"]._data
        step_count += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * data
        square_avg = state["square_avg"]._data
        square_avg *= alpha
        square_avg += ((1 - alpha) * grad) * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]._data
            lerp_(grad_avg, grad, 1 - alpha)
            avg = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            avg = np.sqrt(square_avg)
        avg += group["eps"]
        if momentum > 0:
            buf = state["momentum_buffer"]._data
            buf *= momentum
            buf += grad / avg
            data -= lr * buf
        else:
            data += (-lr * grad) / avg
        bump_version(param)
