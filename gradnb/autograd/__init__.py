"""``torch.autograd`` for gradnb: :func:`backward`, :func:`grad`, grad modes, legacy
:class:`Variable`, and the observer hook the graph views use (:func:`add_observer`)."""

import numpy as np

from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled)
from .variable import Variable
from .engine import run_backward, add_observer
from .node import Node, AccumulateGrad
from . import provenance
from . import profiler
from .. import tensor as _tensor_module   # partially initialised here; read at call time

__all__ = ["backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "add_observer",
           "Node", "AccumulateGrad", "provenance", "profiler"]


def _as_tuple(value):
    if value is None:
        return None
    return (value,) if isinstance(value, _tensor_module.Tensor) else tuple(value)


def _check_outputs(outputs):
    for i, t in enumerate(outputs):
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")


def _seed_grads(outputs, grad_outputs):
    """The gradient each output starts with, as ``(array, owned)`` pairs."""
    Size = _tensor_module.Size
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one gradient per output: got {len(grad_outputs)} "
                           f"gradients and {len(outputs)} outputs")
    seeds = []
    for i, (t, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if t._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            seeds.append((np.ones_like(t._data), True))
            continue
        data = g._data if hasattr(g, "_data") else np.asarray(g)
        if data.shape != t._data.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{Size(data.shape)!r} and output[{i}] has a shape of "
                               f"{Size(t._data.shape)!r}.")
        seeds.append((data.astype(t._data.dtype, copy=False), False))
    return seeds


def _check_create_graph(create_graph):
    if create_graph:
        raise NotImplementedError("gradnb does not support create_graph=True "
                                  "(higher-order gradients)")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate into the leaves' ``.grad`` the gradient of ``tensors``.

    Parameters
    ----------
    tensors : Tensor or sequence of Tensor
    grad_tensors : Tensor or sequence, optional
        One gradient per tensor (None allowed for single-element tensors).
    retain_graph : bool, optional
        Keep the graph's saved values so backward can run through it again.
    inputs : sequence of Tensor, optional
        Accumulate only into these tensors.
    """
    _check_create_graph(create_graph)
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors if grad_tensors is not None else grad_variables)
    _check_outputs(outputs)
    seeds = _seed_grads(outputs, grads)
    roots = [t._edge() for t in outputs]
    if inputs is None:
        run_backward(roots, seeds, bool(retain_graph), root_tensors=outputs)
        return
    inputs = _as_tuple(inputs)
    captures = _captures(inputs)
    results = run_backward(roots, seeds, bool(retain_graph), captures, accumulate=False)
    for i, t in enumerate(inputs):
        if results.get(i) is not None:
            _accumulate_into(t, results[i])


def _accumulate_into(t, g):
    from ..tensor import Tensor
    if t._grad is None:
        t._grad = Tensor._wrap(np.array(g, copy=True))
    else:
        t._grad._data = t._grad._data + g


def _captures(inputs):
    """``{node: [(output_nr, input index)]}`` for the tensors whose gradient is wanted."""
    captures = {}
    for i, t in enumerate(inputs):
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
        if t._grad_fn is not None:
            node, nr = t._grad_fn, t._nr
        else:
            acc = t._acc() if t._acc is not None else None
            if acc is None:     # this leaf is in no live graph
                continue
            node, nr = acc, 0
        captures.setdefault(node, []).append((nr, i))
    return captures


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False,
         materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``.

    Returns
    -------
    tuple of Tensor (None for an unused input when ``allow_unused``)
    """
    from ..tensor import Tensor
    _check_create_graph(create_graph)
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    _check_outputs(outputs)
    seeds = _seed_grads(outputs, _as_tuple(grad_outputs))
    captures = _captures(inputs)
    results = run_backward([t._edge() for t in outputs], seeds, bool(retain_graph), captures,
                           accumulate=False)
    out = []
    for i, t in enumerate(inputs):
        g = results.get(i)
        if g is None:
            if materialize_grads:
                g = np.zeros_like(t._data)
            elif not (allow_unused or materialize_grads):
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is "
                                   "the desired behavior.")
        out.append(None if g is None else Tensor._wrap(np.array(g, copy=True)))
    return tuple(out)


def __getattr__(name):
    # torch.autograd.gradcheck lives in gradnb.testing (which imports this package)
    if name == "gradcheck":
        from ..testing import gradcheck
        return gradcheck
    raise AttributeError(f"module 'gradnb.autograd' has no attribute '{name}'")
