"""``optim.SGD``: stochastic gradient descent with optional momentum (heavy-ball or
Nesterov), dampening and L2 weight decay, following PyTorch's update equations."""

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, bump_version, evaluate_closure, number

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent.

    For each parameter ``p`` with gradient ``g`` (PyTorch's equations)::

        g = g + weight_decay * p                         (if weight_decay)
        b = g (first step), else momentum * b + (1 - dampening) * g
        g = g + momentum * b if nesterov else b          (if momentum)
        p = p - lr * g

    Parameters
    ----------
    params : iterable of Tensors or dicts
    lr : float, default 1e-3
    momentum, dampening, weight_decay : float, default 0
    nesterov, maximize : bool, default False
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        loss = evaluate_closure(closure)
        for group in self.param_groups:
            lr = number(group["lr"])
            weight_decay = number(group["weight_decay"])
            momentum = group["momentum"]
            for param in group["params"]:
                grad = param._grad
                if grad is None:
                    continue
                step = grad._data
                if group["maximize"]:
                    step = -step
                if weight_decay != 0:
                    step = step + weight_decay * param._data
                if momentum != 0:
                    step = self._momentum_step(param, step, momentum, group["dampening"],
                                               group["nesterov"])
                data = param._data
                data -= lr * step
                bump_version(param)
        return loss

    def _momentum_step(self, param, grad, momentum, dampening, nesterov):
        """Update the momentum buffer ``b`` with ``grad``; the step to take."""
        state = self.state[param]
        buffer = state.get("momentum_buffer")
        if buffer is None:
            buffer = state["momentum_buffer"] = Tensor._wrap(np.array(grad, copy=True))
            b = buffer._data
        else:
            b = buffer._data
            b *= momentum
            b += grad if dampening == 0 else (1 - dampening) * grad
        return grad + momentum * b if nesterov else b
