"""``torch.autograd`` for gradnb: :func:`backward`, :func:`grad` (``create_graph=True``
for higher-order gradients), grad modes, legacy :class:`Variable`, custom
:class:`Function` (module :mod:`.function`), the :mod:`~gradnb.autograd.functional` API
(jacobian, hessian, vjp, jvp, hvp, vhp), and the observer hook the graph views use
(:func:`add_observer`)."""

import warnings

import numpy as np

from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                        is_grad_enabled, is_inference_mode_enabled)
from .variable import Variable
from .engine import run_backward, add_observer, graph_grad_update
from .node import Node, AccumulateGrad
from . import provenance
from . import function
from .function import Function, once_differentiable
from . import functional
from . import profiler
from .. import tensor as _tensor_module   # partially initialised here; read at call time

__all__ = ["backward", "grad", "Variable", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "is_grad_enabled", "is_inference_mode_enabled", "add_observer",
           "Node", "AccumulateGrad", "provenance", "function", "Function",
           "once_differentiable", "functional", "profiler"]


def _as_tuple(value):
    if value is None:
        return None
    return (value,) if isinstance(value, _tensor_module.Tensor) else tuple(value)


def _check_outputs(outputs):
    for i, t in enumerate(outputs):
        if not t._rg:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not "
                               "have a grad_fn")


def _seed_grads(outputs, grad_outputs, create_graph=False):
    """The gradient each output starts with, as ``(array, owned)`` pairs; as Tensors
    when ``create_graph`` (a given gradient may itself require grad: its graph goes on
    into the result, as the double-backward trick of ``jvp`` needs)."""
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
        if create_graph and isinstance(g, _tensor_module.Tensor):
            seeds.append((g if data.dtype == t._data.dtype else g.to(t.dtype), False))
            continue
        seeds.append((data.astype(t._data.dtype, copy=False), False))
    if create_graph:
        return [g if isinstance(g, _tensor_module.Tensor) else _tensor_module.Tensor._wrap(g)
                for g, _ in seeds]
    return seeds


# PyTorch's warning (engine.cpp), once per process, when backward(create_graph=True)
# accumulates into leaves' .grad
_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the "
    "parameter and its gradient which can cause a memory leak. We recommend using "
    "autograd.grad when creating the graph to avoid this. If you have to use this "
    "function, make sure to reset the .grad fields of your parameters to None after use "
    "to break the cycle and avoid the leak. (Triggered internally at "
    "/__w/pytorch/pytorch/torch/csrc/autograd/engine.cpp:1307.)")


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
    create_graph : bool
        Record the backward pass, so the gradients can be differentiated again;
        ``retain_graph`` then defaults to True.
    """
    if retain_graph is None:
        retain_graph = create_graph
    outputs = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors if grad_tensors is not None else grad_variables)
    _check_outputs(outputs)
    seeds = _seed_grads(outputs, grads, create_graph)
    if create_graph and not _tensor_module._warned_once.get("create_graph"):
        _tensor_module._warned_once["create_graph"] = True      # TORCH_WARN_ONCE
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=_user_level())
    roots = [t._edge() for t in outputs]
    if inputs is None:
        run_backward(roots, seeds, bool(retain_graph), root_tensors=outputs,
                     create_graph=create_graph)
        return
    inputs = _as_tuple(inputs)
    captures = _captures(inputs)
    results = run_backward(roots, seeds, bool(retain_graph), captures, accumulate=False,
                           create_graph=create_graph)
    for i, t in enumerate(inputs):
        if results.get(i) is not None:
            _accumulate_into(t, results[i])


def _user_level():
    """stacklevel of a warning shown at the user's call of backward (through
    Tensor.backward or torch.autograd.backward)."""
    import sys
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith(
            ("gradnb.autograd", "gradnb.tensor")):
        frame, level = frame.f_back, level + 1
    return level


def _accumulate_into(t, g):
    from ..tensor import Tensor
    if isinstance(g, Tensor):           # create_graph: out of place, recorded
        t._grad = graph_grad_update(t._grad, g)
    elif t._grad is None:
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

    Parameters
    ----------
    create_graph : bool
        Record the backward pass: the gradients returned have a graph of their own and
        can be differentiated again. ``retain_graph`` then defaults to True.
    is_grads_batched : bool
        The first dimension of each ``grad_outputs`` tensor is a batch: one
        vector-Jacobian product per entry, stacked (PyTorch vectorizes it; gradnb loops).

    Returns
    -------
    tuple of Tensor (None for an unused input when ``allow_unused``)
    """
    from ..tensor import Tensor
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        return _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph,
                             allow_unused, materialize_grads)
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    _check_outputs(outputs)
    seeds = _seed_grads(outputs, _as_tuple(grad_outputs), create_graph)
    roots = [t._edge() for t in outputs]     # first: an output may be an input leaf
    captures = _captures(inputs)
    results = run_backward(roots, seeds, bool(retain_graph), captures,
                           accumulate=False, create_graph=create_graph)
    out = []
    for i, t in enumerate(inputs):
        g = results.get(i)
        if g is None:
            if materialize_grads:
                out.append(_zeros_for(t, create_graph))
                continue
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is "
                                   "the desired behavior.")
        if isinstance(g, Tensor):
            out.append(g)       # create_graph: the gradient with its graph, as PyTorch
        else:
            out.append(None if g is None else Tensor._wrap(np.array(g, copy=True)))
    return tuple(out)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused,
                  materialize_grads):
    """``grad`` for each entry of the batch dimension of ``grad_outputs``, stacked; the
    graph is kept between entries and freed after the last unless ``retain_graph``."""
    from ..ops.shape import stack
    grad_outputs = _as_tuple(grad_outputs)
    count = len(grad_outputs[0])
    rows = [grad(outputs, inputs, tuple(g[b] for g in grad_outputs),
                 retain_graph=retain_graph or b < count - 1, create_graph=create_graph,
                 allow_unused=allow_unused or materialize_grads)
            for b in range(count)]
    # (PyTorch materializes unused inputs' zeros after unbatching: no batch dimension)
    return tuple(stack(column, 0) if column[0] is not None
                 else _zeros_for(t, create_graph) if materialize_grads else None
                 for t, column in zip(_as_tuple(inputs), zip(*rows)))


def _zeros_for(t, create_graph):
    """The gradient ``materialize_grads`` gives an unused input."""
    from ..tensor import Tensor
    return Tensor._wrap(np.zeros_like(t._data), requires_grad=create_graph)


def __getattr__(name):
    # torch.autograd.gradcheck/gradgradcheck live in gradnb.testing (which imports this
    # package)
    if name in ("gradcheck", "gradgradcheck"):
        from .. import testing
        return getattr(testing, name)
    raise AttributeError(f"module 'gradnb.autograd' has no attribute '{name}'")
