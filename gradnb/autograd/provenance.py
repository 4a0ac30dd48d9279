"""Provenance: how a tensor that autograd does not track was made, and why it is outside
autograd. PyTorch keeps no record of such computations; gradnb keeps a light one so the
graph views can draw the parts backward prunes.

A record is a tuple ``(op, refs, reason, parents, depth, shape, dtype)``:

* ``op``: the rule-table entry (or a name such as ``"detach"``),
* ``refs``: a weak reference per tensor input (None for python scalars) -- provenance
  never keeps a tensor alive,
* ``parents``: per input, that input's own record, or a leaf record ``(None, (), "constant",
  (), 0, shape, dtype)`` for a constant leaf, so a chain of unnamed temporaries can still
  be drawn after they are freed. No array data is kept, and chains stop at
  :data:`MAX_DEPTH` records so a long ``no_grad`` loop cannot hold memory forever,
* ``shape``/``dtype`` of the result, for drawing it once it is gone.
"""

import weakref
from typing import NamedTuple, Optional

from .. import _dtype
from .. import tensor as _tensor_module   # partially initialised here; read at call time
from . import node as _node_module

# The longest chain of records a result keeps; beyond it older history is dropped.
MAX_DEPTH = 32

__all__ = ["Provenance", "provenance", "pruned_rule", "constant_inputs", "grad_history",
           "detached_record",
           "REASONS", "reason_text"]

# reason code -> what a student should read
REASONS = {
    "constant": "requires_grad=False leaf (a constant)",
    "no_input_requires_grad": "no input requires grad",
    "no_grad": "created under torch.no_grad() / set_grad_enabled(False)",
    "inference_mode": "created under torch.inference_mode()",
    "detach": "detached from the graph with detach()",
    "not_differentiable": "result is not differentiable (integer/bool output)",
    "volatile": "legacy volatile=True (no effect since PyTorch 0.4; just a constant now)",
}


def reason_text(code):
    """Human-readable explanation of a reason code."""
    return REASONS.get(code, code)


class Provenance(NamedTuple):
    """How a non-tracked tensor was made.

    Attributes
    ----------
    op : str
        The op's name (``"add"``), or ``"detach"``/``"Variable"``/``"leaf"``.
    grad_fn_name : str or None
        The node PyTorch would have created had autograd recorded it (``AddBackward0``).
    inputs : tuple
        The input tensors still alive (None for inputs that were not tensors or are gone).
    reason : str
        A key of :data:`REASONS`.
    parents : tuple
        Per input, the :class:`Provenance` of how that input was made (also when it is
        gone), or None for python scalars and for history beyond :data:`MAX_DEPTH`.
    shape : tuple
    dtype : str
        Of the result, e.g. ``"torch.float32"``.
    record : tuple
        The raw record (stable identity while alive: a key for "same op").
    """
    op: str
    grad_fn_name: Optional[str]
    inputs: tuple
    reason: str
    parents: tuple
    shape: tuple
    dtype: str
    record: tuple


def make_record(op, inputs, reason, result_data, known=None):
    """The provenance record for ``result_data`` made by ``op`` from ``inputs``
    (``known``: the inputs' records when the caller has them)."""
    Tensor = _tensor_module.Tensor
    refs, parents, depth = [], [], 0
    for x in inputs:
        if not isinstance(x, Tensor):
            refs.append(None)
            parents.append(None)
            continue
        refs.append(weakref.ref(x))
        parent = known[len(parents)] if known is not None else \
            x._prov if x._prov is not None else _leaf_record(x)
        if parent is not None and parent[4] < MAX_DEPTH:
            parents.append(parent)
            depth = max(depth, parent[4] + 1)
        else:
            parents.append(None)
    return (op, tuple(refs), reason, tuple(parents), depth, result_data.shape,
            result_data.dtype)


def _leaf_record(tensor):
    """A record standing for a constant leaf (None for tracked tensors)."""
    if tensor._rg:
        return None
    return (None, (), "constant", (), 0, tensor._data.shape, tensor._data.dtype)


# at most this many grad_fn nodes are described when a tracked value is detached
MAX_DETACHED_NODES = 64


def detached_record(tensor):
    """The record of ``tensor`` as its ``detach()`` sees it: for a result autograd
    tracks, a chain of records copied from its ``grad_fn`` graph (op, weak references to
    the leaves, constants' records), so that ``(price * 2).detach()`` can still be drawn
    as ``price -> mul -> detach`` once the unnamed ``price * 2`` is freed. Like every
    record it holds no node, no array and no tensor strongly. Costs one walk of the graph
    behind ``tensor`` (shared nodes once, at most :data:`MAX_DETACHED_NODES` nodes and
    :data:`MAX_DEPTH` deep)."""
    if tensor._prov is not None:
        return tensor._prov
    gfe = tensor._gfe
    if gfe is None:
        return _leaf_record(tensor)
    return _node_record(gfe[0], gfe[1], {}, [MAX_DETACHED_NODES])


def _node_record(node, nr, memo, budget):
    """The record of output ``nr`` of ``node``; None beyond the budget."""
    key = (id(node), nr)
    if key in memo:
        return memo[key]
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    consts = {i: (ref, rec) for i, ref, rec in
              ((node._extra or {}).get("consts", ()))}
    refs, parents = [], []
    for i, (nxt, nr) in enumerate(node.next_functions):
        ref, parent = None, None
        if nxt is None:
            ref, parent = consts.get(i, (None, None))
        elif isinstance(nxt, _node_module.AccumulateGrad):
            ref = weakref.ref(nxt.variable)       # the leaf itself (held weakly)
        else:
            parent = _node_record(nxt, nr, memo, budget)
        if parent is not None and parent[4] >= MAX_DEPTH:
            parent = None
        refs.append(ref)
        parents.append(parent)
    depth = max((p[4] + 1 for p in parents if p is not None), default=0)
    shape = node._shape[nr] if node._multi else node._shape
    dtype = node._dtype
    op = node._rule if node._rule is not None else node.name()
    record = (op, tuple(refs), "detach", tuple(parents), depth, tuple(shape), dtype)
    memo[key] = record
    return record


def from_record(record):
    """The :class:`Provenance` a raw record describes."""
    op, refs, reason, parents, _, shape, dtype = record
    if op is None:
        name, grad_fn_name = "leaf", None
    elif isinstance(op, str):
        name, grad_fn_name = op, None
    else:
        name, grad_fn_name = op.op, op.grad_fn
    return Provenance(name, grad_fn_name, tuple(None if r is None else r() for r in refs),
                      reason, tuple(None if p is None else from_record(p) for p in parents),
                      tuple(shape), repr(_dtype.from_numpy_dtype(dtype)), record)


def provenance(tensor):
    """The :class:`Provenance` of ``tensor``, or None for leaves made by factories and for
    tensors autograd tracks (their ``grad_fn`` tells their history)."""
    record = tensor._prov
    return None if record is None else from_record(record)


def pruned_rule(tensor):
    """The rule-table entry (:class:`gradnb.ops.rules.Rule`) of the op that made ``tensor``
    outside autograd, or None (tracked tensors, factories, ``detach``, ``Variable``).
    The graph views read it to tell which values the op's node would have saved."""
    record = tensor._prov
    if record is None or isinstance(record[0], str):
        return None
    return record[0]


def constant_inputs(node):
    """``{input index: tensor}`` of the live inputs of ``node`` that did not require grad
    (its ``(None, 0)`` entries in ``next_functions``)."""
    extra = node._extra
    if not extra or "consts" not in extra:
        return {}
    return {i: ref() for i, ref, _ in extra["consts"] if ref() is not None}


def constant_records(node):
    """``{input index: Provenance}`` for the inputs of ``node`` that did not require grad,
    alive or not (how each was made; leaves appear as op ``"leaf"``)."""
    extra = node._extra
    if not extra or "consts" not in extra:
        return {}
    return {i: from_record(rec) for i, _, rec in extra["consts"] if rec is not None}


def grad_history(tensor):
    """``(passes, stale)`` for ``tensor.grad``: how many backward passes have summed into
    it since it was last set (0 when it is None or was changed in place since, e.g.
    zeroed by an optimizer), and whether the tensor was
    modified in place after the last of them (the gradient no longer matches it)."""
    extra = tensor._extra
    if tensor._grad is None or extra is None:
        return 0, False
    zeroed = tensor._grad._vc[0] != extra.grad_own_version
    passes = 0 if zeroed else extra.grad_passes
    return passes, tensor._vc[0] != extra.grad_version
