"""``optim.Adam``: adaptive moment estimation with bias correction, optional AMSGrad and
L2 or decoupled (AdamW) weight decay, following PyTorch's update equations."""

import numpy as np

from ..tensor import Tensor
from .optimizer import (Optimizer, bump_version, lerp_, number,
                        step_counter, zeros_like_param)

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam.

    For each parameter ``p`` with gradient ``g``, at step ``t`` (PyTorch's equations)::

        g = g + weight_decay * p           (p = p * (1 - lr * weight_decay) if decoupled)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With ``amsgrad``, ``v`` in the last line is the running maximum of ``v``.

    Parameters
    ----------
    params : iterable of Tensors or dicts
    lr : float, default 1e-3
    betas : (float, float), default (0.9, 0.999)
    eps : float, default 1e-8
    weight_decay : float, default 0
    amsgrad, maximize, decoupled_weight_decay : bool, default False
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def _state(self, param, amsgrad):
        """The parameter's moments and step count, created on its first update."""
        state = self.state[param]
        if not state:
            state["step"] = step_counter()
            state["exp_avg"] = zeros_like_param(param)
            state["exp_avg_sq"] = zeros_like_param(param)
            if amsgrad:
                state["max_exp_avg_sq"] = zeros_like_param(param)
        return state

    def _update(self, param, group):
        lr, eps = number(group["lr"]), group["eps"]
        beta1, beta2 = (number(b) for b in group["betas"])
        weight_decay = group["weight_decay"]
        state = self._state(param, group["amsgrad"])
        data = param._data
        grad = -param._grad._data if group["maximize"] else param._grad._data
        step_count = state["step"]._data
        step_count += 1
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                data *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * data
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        lerp_(exp_avg, grad, 1 - beta1)
        exp_avg_sq *= beta2
        exp_avg_sq += ((1 - beta2) * grad) * grad
        step = float(step_count)
        second = exp_avg_sq
        if group["amsgrad"]:
            second = state["max_exp_avg_sq"]._data
            np.maximum(second, exp_avg_sq, out=second)
        denom = np.sqrt(second) / (1 - beta2 ** step) ** 0.5
        denom += eps
        data += (-(lr / (1 - beta1 ** step)) * exp_avg) / denom
        bump_version(param)
