"""Reading provenance: how a tensor that autograd does not track was made, and why it is
outside autograd. PyTorch keeps no record of such computations; gradnb keeps a light one
(weak references only) so the graph views can draw the parts backward prunes."""

from typing import NamedTuple, Optional

__all__ = ["Provenance", "provenance", "pruned_rule", "constant_inputs", "grad_history",
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
        The op's name (``"add"``), or ``"detach"``/``"Variable"``.
    grad_fn_name : str or None
        The node PyTorch would have created had autograd recorded it (``AddBackward0``).
    inputs : tuple
        The input tensors still alive (None for inputs that were not tensors or are gone).
    reason : str
        A key of :data:`REASONS`.
    """
    op: str
    grad_fn_name: Optional[str]
    inputs: tuple
    reason: str


def provenance(tensor):
    """The :class:`Provenance` of ``tensor``, or None for leaves made by factories and for
    tensors autograd tracks (their ``grad_fn`` tells their history)."""
    record = tensor._prov
    if record is None:
        return None
    op, refs, reason = record
    name = op if isinstance(op, str) else op.op
    grad_fn_name = None if isinstance(op, str) else op.grad_fn
    return Provenance(name, grad_fn_name, tuple(None if r is None else r() for r in refs), reason)


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
    return {i: ref() for i, ref in extra["consts"] if ref() is not None}


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
