"""How a forward result becomes a Tensor: attach a ``grad_fn`` node when autograd records
the op, or else a provenance record saying which op made it, from what (weakly), and why
autograd skipped it.

Provenance tuple layout (read it through :func:`gradnb.autograd.provenance.provenance`):
``(rule, (weakref-or-None per input), reason)``.
"""

import weakref

import numpy as np

from ..autograd.grad_mode import MODE
from ..autograd.node import next_sequence_nr
from ..tensor import Tensor

__all__ = ["record", "record_multi", "as_array", "NO_EDGE",
           "REASON_NO_GRAD", "REASON_INFERENCE", "REASON_NO_INPUT", "REASON_DETACH",
           "REASON_NOT_DIFFERENTIABLE"]

_ndarray = np.ndarray
_asarray = np.asarray
_ref = weakref.ref
_wrap = Tensor._wrap
_new = object.__new__

NO_EDGE = (None, 0)

# Why a result is outside autograd (stored in provenance; explained by gradnb.viz).
REASON_NO_GRAD = "no_grad"
REASON_INFERENCE = "inference_mode"
REASON_NO_INPUT = "no_input_requires_grad"
REASON_DETACH = "detach"
REASON_NOT_DIFFERENTIABLE = "not_differentiable"

_INFERENCE_SAVE_ERROR = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in "
    "inference mode in computation tracked by autograd. To work around this, you can make a "
    "clone to get a normal tensor and use it in autograd, or use `torch.no_grad()` instead of "
    "`torch.inference_mode()`.")


def as_array(value):
    """The numpy array of a tensor, or the value itself for python scalars."""
    return value._data if isinstance(value, Tensor) else value


def record(rule, out, inputs, params=()):
    """Wrap the forward result ``out`` of ``rule`` applied to ``inputs`` as a Tensor.

    Parameters
    ----------
    rule : Rule
        Entry of :data:`gradnb.ops.rules.RULES` (or a non-differentiable rule).
    out : numpy.ndarray or numpy scalar
    inputs : tuple
        The op's inputs in the rule's order: Tensors or python scalars.
    params : tuple
        Values of ``rule.params``.
    """
    if type(out) is not _ndarray:
        out = _asarray(out)
    t = _wrap(out)
    if MODE.enabled:
        edges = []
        tracked = False
        for x in inputs:
            if isinstance(x, Tensor) and x._rg:
                edges.append(x._edge())
                tracked = True
            else:
                edges.append(NO_EDGE)
        if tracked:
            if rule.node_class is not None and out.dtype.kind == "f":
                t._grad_fn = _make_node(rule, t, inputs, edges, params)
                t._rg = True
                return t
            t._prov = (rule, _weak_inputs(inputs), REASON_NOT_DIFFERENTIABLE)
            return t
        t._prov = (rule, _weak_inputs(inputs), REASON_NO_INPUT)
        return t
    t._prov = (rule, _weak_inputs(inputs),
               REASON_INFERENCE if MODE.inference else REASON_NO_GRAD)
    return t


def record_multi(rule, outs, inputs, params=()):
    """Like :func:`record` for ops with several outputs sharing one node (split, unbind)."""
    tensors = [_wrap(o) for o in outs]
    tracked = MODE.enabled and any(isinstance(x, Tensor) and x._rg for x in inputs)
    if not tracked:
        reason = (REASON_INFERENCE if MODE.inference else REASON_NO_GRAD) \
            if not MODE.enabled else REASON_NO_INPUT
        for t in tensors:
            t._prov = (rule, _weak_inputs(inputs), reason)
        return tensors
    edges = [x._edge() if isinstance(x, Tensor) and x._rg else NO_EDGE for x in inputs]
    node = _make_node(rule, None, inputs, edges, params)
    node._shape = tuple(o.shape for o in outs)
    for nr, t in enumerate(tensors):
        t._grad_fn, t._rg, t._nr = node, True, nr
    return tensors


def _weak_inputs(inputs):
    return tuple(_ref(x) if isinstance(x, Tensor) else None for x in inputs)


def _make_node(rule, out_tensor, inputs, edges, params):
    node = _new(rule.node_class)
    node.next_functions = tuple(edges)
    node._seq = next_sequence_nr()
    node._params = params
    node._extra = None
    if out_tensor is not None:
        data = out_tensor._data
        node._shape = data.shape
        node._dtype = data.dtype
    else:
        node._dtype = inputs[0]._data.dtype
    if rule.saves:
        _save(node, rule, out_tensor, inputs, edges)
    else:
        node._saved = ()
        node._checks = None
    consts = [(i, _ref(x)) for i, x in enumerate(inputs)
              if edges[i] is NO_EDGE and isinstance(x, Tensor)]
    if consts:
        node._extra = {"consts": tuple(consts)}
    return node


def _save(node, rule, out_tensor, inputs, edges):
    """Keep what the formulas need, only for inputs that will receive a gradient, and
    remember versions so backward can detect in-place changes made since."""
    names = rule.inputs
    every = names is None     # variadic ("all") rules need their saved values always
    saved, checks = [], []
    for name, users in zip(rule.saved_names, rule.users):
        if not every and all(edges[i] is NO_EDGE for i in users):
            saved.append(None)
            continue
        if name == "result":
            saved.append(out_tensor._data)
            checks.append((name, out_tensor._vc, out_tensor._vc[0], None))
            continue
        x = inputs[names.index(name)]
        if isinstance(x, Tensor):
            if x._extra is not None and x._extra.inference:
                raise RuntimeError(_INFERENCE_SAVE_ERROR)
            saved.append(x._data)
            checks.append((name, x._vc, x._vc[0], x))
        else:
            saved.append(x)
    node._saved = tuple(saved)
    node._checks = tuple(checks) if checks else None
