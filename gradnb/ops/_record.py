"""How a forward result becomes a Tensor: attach a ``grad_fn`` node when autograd records
the op, or else a provenance record saying which op made it, from what (weakly), and why
autograd skipped it.

This runs once per op, so it is written for speed: the tensor's slots are set inline,
consumers reuse the producer's cached edge tuple, and each rule's saver is generated
straight-line code (see :func:`gradnb.ops.rules._make_saver`).

Provenance tuple layout (read it through :func:`gradnb.autograd.provenance.provenance`):
``(rule, (weakref-or-None per input), reason)``.
"""

import weakref

import numpy as np

from ..autograd.grad_mode import MODE
from ..autograd.node import next_sequence_nr
from ..autograd.provenance import make_record, _leaf_record
from ..tensor import Tensor, _NO_EDGE

__all__ = ["record", "record2", "record_multi", "make_node", "remember_constants", "NO_EDGE",
           "refuse_inference_tensor", "REASON_NO_GRAD", "REASON_INFERENCE", "REASON_NO_INPUT",
           "REASON_DETACH", "REASON_NOT_DIFFERENTIABLE"]

_ndarray = np.ndarray
_asarray = np.asarray
_ref = weakref.ref
_new = object.__new__
_wrap = Tensor._wrap

# the one "no gradient flows here" edge (identity-compared; tensor.py hands it out too)
NO_EDGE = _NO_EDGE

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


def refuse_inference_tensor(x):
    """Saving an inference tensor for backward is an error (PyTorch's message)."""
    if x._extra.inference:
        raise RuntimeError(_INFERENCE_SAVE_ERROR)


def record(rule, out, inputs, /, **params):
    """Wrap the forward result ``out`` of ``rule`` applied to ``inputs`` as a Tensor.

    Parameters
    ----------
    rule : Rule
        Entry of :data:`gradnb.ops.rules.RULES`.
    out : numpy.ndarray or numpy scalar
    inputs : tuple
        The op's inputs in the rule's order: Tensors or python scalars.
    **params
        The values of ``rule.params``, by name (checked when a node is made).
    """
    if type(out) is not _ndarray:
        out = _asarray(out)
    t = _wrap(out)
    if MODE.enabled:
        edges = []
        tracked = constants = False
        for x in inputs:
            if isinstance(x, Tensor):
                if x._rg:
                    edge = x._gfe
                    edges.append(edge if edge is not None else x._edge())
                    tracked = True
                    continue
                constants = True
            edges.append(NO_EDGE)
        if tracked and rule.node_class is not None and out.dtype.kind == "f":
            node = make_node(rule, t, inputs, edges, params)
            if constants:
                remember_constants(node, inputs, edges)
            t._gfe = (node, 0)
            t._rg = True
        else:
            t._prov = make_record(rule, inputs,
                                  REASON_NOT_DIFFERENTIABLE if tracked else REASON_NO_INPUT,
                                  out)
        return t
    t._prov = make_record(rule, inputs, REASON_INFERENCE if MODE.inference else REASON_NO_GRAD,
                          out)
    return t


def record2(rule, out, a, b, /, **params):
    """:func:`record` for two-input ops (``a`` a Tensor, ``b`` a Tensor or python number),
    with the input loop unrolled: binary arithmetic is the most frequent op."""
    if type(out) is not _ndarray:
        out = _asarray(out)
    if not MODE.enabled:
        return record(rule, out, (a, b), **params)
    b_tensor = isinstance(b, Tensor)
    if not (a._rg or (b_tensor and b._rg)) or out.dtype.kind != "f":
        return record(rule, out, (a, b), **params)
    t = _wrap(out)
    edge_a = (a._gfe or a._edge()) if a._rg else NO_EDGE
    edge_b = (b._gfe or b._edge()) if b_tensor and b._rg else NO_EDGE
    node = make_node(rule, t, (a, b), (edge_a, edge_b), params)
    if (edge_a is NO_EDGE or edge_b is NO_EDGE) and (b_tensor or edge_a is NO_EDGE):
        remember_constants(node, (a, b), (edge_a, edge_b))
    t._gfe = (node, 0)
    t._rg = True
    return t


def record_multi(rule, outs, inputs, /, **params):
    """Like :func:`record` for ops with several outputs sharing one node (split, unbind)."""
    tensors = [Tensor._wrap(o) for o in outs]
    tracked = MODE.enabled and any(isinstance(x, Tensor) and x._rg for x in inputs)
    if not tracked:
        reason = (REASON_INFERENCE if MODE.inference else REASON_NO_GRAD) \
            if not MODE.enabled else REASON_NO_INPUT
        for t in tensors:
            t._prov = make_record(rule, inputs, reason, t._data)
        return tensors
    edges = [x._edge() if isinstance(x, Tensor) and x._rg else NO_EDGE for x in inputs]
    node = make_node(rule, None, inputs, edges, params)
    remember_constants(node, inputs, edges)
    node._shape = tuple(o.shape for o in outs)
    for nr, t in enumerate(tensors):
        t._gfe, t._rg = (node, nr), True
    return tensors


def make_node(rule, result, inputs, edges, params):
    """Create ``rule``'s node for an op whose output tensor is ``result`` (None for
    multi-output ops), pointing at ``edges`` and saving what the formulas need;
    ``params`` is the dict of ``rule.params`` by name."""
    node = _new(rule.node_class)
    if type(edges) is not tuple:
        edges = tuple(edges)
    node.next_functions = edges
    node._seq = next_sequence_nr()
    node._extra = None
    if result is not None:
        data = result._data
        node._shape = data.shape
        node._dtype = data.dtype
    else:
        node._dtype = inputs[0]._data.dtype
    bind = rule.bind
    if bind is not None:
        node._params = bind(params)
    elif params:
        from .rules import param_error    # (rules imports this module)
        raise param_error(rule, params)
    if rule.saves:
        node._save(node, result, inputs, edges)
    return node


def remember_constants(node, inputs, edges):
    """For the graph views: a weak reference to each input that does not require grad,
    with its provenance record (so it can be drawn even after it is freed)."""
    consts = tuple((i, _ref(x), x._prov if x._prov is not None else _leaf_record(x))
                   for i, x in enumerate(inputs)
                   if edges[i] is NO_EDGE and isinstance(x, Tensor))
    if consts:
        extra = node._extra
        if extra is None:
            node._extra = {"consts": consts}
        else:
            extra["consts"] = consts
