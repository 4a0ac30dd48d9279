"""gradnb's core behind the views' interface (:mod:`gradnb.viz.source`).

The only module of ``viz``/``widgets`` that reads the core's private state: a tensor's
``_gfe`` (grad_fn edge), ``_acc`` (weak AccumulateGrad), ``_rg``, ``_grad``, ``_vc``,
``_extra``, ``_prov``; a node's ``_rule``, ``_saved``, ``_extra``, ``_shape``/``_dtype``.
"""

import sys

import numpy as np

from ..autograd import provenance as _prov
from ..autograd.engine import add_observer
from ..autograd.node import AccumulateGrad, Node
from ..ops.rules import rule_text
from ..tensor import Tensor, _flag_watchers
from ._values import array_text, nbytes_of, shown_values, tensor_text
from .source import Source

__all__ = ["GradnbSource", "GRADNB", "GRADNB_TYPES", "FreedResult"]

GRADNB_TYPES = (Tensor, Node)

class FreedResult:
    """Stands for an intermediate result that was computed outside autograd and has
    since been freed: only its provenance record remains. It offers what the pruned-op
    code reads of a result: ``_prov`` and a ``_data`` of the right shape and dtype
    (a zero-stride array, so it costs no memory)."""

    __slots__ = ("_prov", "_data")

    def __init__(self, prov):
        self._prov = prov.record
        self._data = np.broadcast_to(np.zeros((), np.dtype(prov.record[6])), prov.shape)


class GradnbSource(Source):
    """gradnb tensors and nodes (see :mod:`gradnb.viz.source` for each method)."""

    name = "gradnb"
    nodes_weak = True

    # -- identity -----------------------------------------------------------------------
    @staticmethod
    def is_tensor(obj):
        return isinstance(obj, Tensor)

    @staticmethod
    def owns(obj):
        return isinstance(obj, GRADNB_TYPES)

    @staticmethod
    def weak(obj):
        import weakref
        return weakref.ref(obj)

    # -- tensor facts -------------------------------------------------------------------
    @staticmethod
    def shape(t):
        return t._data.shape

    @staticmethod
    def dtype_text(t):
        return repr(t.dtype)

    @staticmethod
    def nbytes(t):
        return t._data.nbytes

    @staticmethod
    def requires_grad(t):
        return t._rg

    @staticmethod
    def is_leaf(t):
        return t.is_leaf

    @staticmethod
    def retains_grad(t):
        return t.retains_grad

    @staticmethod
    def is_inference(t):
        return t.is_inference()

    @staticmethod
    def version(t):
        return t._vc[0]

    @staticmethod
    def grad_fn_name(t):
        gfe = t._gfe
        return None if gfe is None else type(gfe[0]).__name__

    @staticmethod
    def grad(t):
        return t._grad          # not .grad: that warns for non-leaf tensors

    grad_history = staticmethod(_prov.grad_history)

    @staticmethod
    def stale_cause(t):
        optimizer = sys.modules.get("gradnb.optim.optimizer")   # only if optim is in use
        if optimizer is not None and optimizer.stepped_by_optimizer(t):
            return "optimizer.step()"
        return None

    @staticmethod
    def hook_count(t):
        if t._gfe is not None:
            node, nr = t._gfe
            extra = node._extra or {}
            return sum(1 for hook_nr, _ in extra.get("hooks", ()) if hook_nr == nr)
        extra = t._extra
        return len(extra.hooks or ()) if extra is not None else 0

    value_text = staticmethod(tensor_text)

    @staticmethod
    def array(t):
        return np.asarray(t._data, dtype=float)

    def tensor_state(self, t, edge):
        grad = t._grad
        gfe = t._gfe
        return (t._vc[0], _value_state(t, edge),
                None if gfe is None else (id(gfe[0]), gfe[1]),
                None if grad is None else (_value_state(grad, edge), _grad_history(t)),
                t.retains_grad, _hook_count(t))

    # -- graph --------------------------------------------------------------------------
    @staticmethod
    def grad_edge(t):
        return t._gfe

    @staticmethod
    def accumulator(t):
        return t._acc() if t._acc is not None else None

    @staticmethod
    def next_functions(node):
        return node.next_functions

    @staticmethod
    def is_accumulate(node):
        return type(node) is AccumulateGrad

    @staticmethod
    def variable(node):
        return node.variable

    @staticmethod
    def node_name(node):
        return type(node).__name__

    @staticmethod
    def rule_lines(node):
        rule = getattr(node, "_rule", None)
        return rule_text(rule) if rule is not None else []

    @staticmethod
    def saved_flags(node):
        rule = getattr(node, "_rule", None)
        if rule is None or not rule.saves:
            return []
        edges = node.next_functions
        constants = None
        flags = []
        for name, users in zip(rule.saved_names, rule.users):
            kept = any(edges[u][0] is not None for u in users)
            skipped = False
            if not kept:
                if constants is None:
                    constants = _prov.constant_inputs(node)
                skipped = all(u in constants for u in users)
            flags.append((name, kept, skipped))
        return flags

    @staticmethod
    def value_bytes(node, name):
        rule = node._rule
        if name == "result":
            return 0 if node._multi else _output_bytes(node, 0)
        i = rule.inputs.index(name)
        nxt, nr = node.next_functions[i]
        if nxt is not None:
            return _output_bytes(nxt, nr)
        tensor = _prov.constant_inputs(node).get(i)
        return tensor._data.nbytes if tensor is not None else 0

    @staticmethod
    def freed(node):
        rule = getattr(node, "_rule", None)
        return bool(rule is not None and rule.saves and node._saved is None)

    @staticmethod
    def stale_saved(node):
        checks = getattr(node, "_checks", None) or ()
        return [(name, expected, counter[0]) for name, counter, expected, _ in checks
                if counter[0] != expected]

    @staticmethod
    def node_state(node):
        return getattr(node, "_saved", None) is None

    # -- outside autograd ---------------------------------------------------------------
    provenance = staticmethod(_prov.provenance)
    constant_inputs = staticmethod(_prov.constant_inputs)
    constant_records = staticmethod(_prov.constant_records)
    reason_text = staticmethod(_prov.reason_text)
    freed_result = FreedResult

    @staticmethod
    def pruned_saved_bytes(result, prov):
        rule = _prov.pruned_rule(result)
        if rule is None or not rule.saves or rule.inputs is None:
            return 0
        total = 0
        for name in rule.saved_names:
            if name == "result":
                total += result._data.nbytes
                continue
            i = rule.inputs.index(name)
            value = prov.inputs[i] if i < len(prov.inputs) else None
            if isinstance(value, Tensor):
                total += value._data.nbytes
        return total

    # -- backward passes ----------------------------------------------------------------
    observe = staticmethod(add_observer)
    grad_text = staticmethod(array_text)

    @staticmethod
    def add(a, b):
        return a + b

    @staticmethod
    def autograd_grad(root, inputs):
        from ..autograd import grad
        # values as the backward events give them (arrays), for grad_text
        return [None if g is None else g._data
                for g in grad(root, inputs, retain_graph=True, allow_unused=True)]

    @staticmethod
    def run_backward(root, gradient=None, retain_graph=False):
        root.backward(gradient, retain_graph=retain_graph)

    # -- live views ---------------------------------------------------------------------
    @staticmethod
    def watch_flags(callback):
        if callback not in _flag_watchers:
            _flag_watchers.append(callback)

    @staticmethod
    def unwatch_flags(callback):
        while callback in _flag_watchers:
            _flag_watchers.remove(callback)


_grad_history = _prov.grad_history
_hook_count = GradnbSource.hook_count


def _output_bytes(node, nr):
    shape = node._shape[nr] if node._multi else node._shape
    return nbytes_of(shape, node._dtype)


def _value_state(tensor, edge):
    """What the repr of ``tensor`` depends on (a gradient's too: with
    ``create_graph=True`` it has a ``grad_fn``)."""
    data, gfe = tensor._data, tensor._gfe
    return (data.shape, data.dtype.str, shown_values(data, edge), tensor._rg,
            None if gfe is None else type(gfe[0]).__name__)


GRADNB = GradnbSource()
