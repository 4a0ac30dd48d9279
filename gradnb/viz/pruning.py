"""What pruning saves: the counts and bytes in a graph's summary, and the short reason
labels drawn in pruned boxes.

Accounting (all over the full graph, before large graphs are collapsed):

* ``gradients_computed`` / ``gradients_skipped``: tensor nodes in the picture through
  which backward from the roots does / does not send a gradient (a root that requires
  grad counts as computed: its gradient is the seed).
* ``bytes_grad_not_allocated``: one gradient buffer the size of each pruned tensor.
  Had that tensor been part of the tracked computation, backward would have made an
  array of its shape and dtype for it: kept as ``.grad`` for a leaf, held while
  backward runs for an intermediate.
* ``bytes_saved_not_allocated``: activations no node keeps because of pruning.
  For a recorded node, the values its rule reads that it did not save because every
  input needing them is a constant *tensor* (``w * c`` with ``c`` constant keeps ``c``
  for ``grad_w`` but not ``w``: ``grad_c`` is never computed). Inputs that are python
  numbers never require grad, so values skipped because of them are not counted. For an
  op autograd did not record at all, every value its would-be node saves
  (``rule.saved_names``), as if all its tensor inputs required grad. Sizes come from
  the live tensors, or from the shape and dtype a node recorded for its output.
"""

from . import schema

__all__ = ["SHORT_REASONS", "short_reason", "saved_count", "summarise"]

# what a pruned box says in one short line (the full text is in provenance.REASONS)
SHORT_REASONS = {
    schema.REASON_CONSTANT: "constant",
    schema.REASON_NO_INPUT: "no input requires grad",
    schema.REASON_NO_GRAD: "under no_grad",
    schema.REASON_INFERENCE: "under inference_mode",
    schema.REASON_DETACH: "detach()",
    schema.REASON_NOT_DIFFERENTIABLE: "not differentiable",
    schema.REASON_VOLATILE: "volatile (no effect)",
}


def short_reason(code):
    """One-line label of a reason code (the code itself if unknown)."""
    return SHORT_REASONS.get(code, code)


def saved_count(src, node):
    """How many values ``node`` saved for backward (still true once they are freed)."""
    return sum(1 for _, kept, _ in src.saved_flags(node) if kept)


def _node_saved_bytes_skipped(src, node):
    return sum(src.value_bytes(node, name) for name, _, skipped in src.saved_flags(node)
               if skipped)


def summarise(src, items):
    """The :class:`gradnb.viz.schema.Summary` of a graph's items (see module docs)."""
    counts = dict(tensors=0, functions=0, pruned_nodes=0, gradients_computed=0,
                  gradients_skipped=0, bytes_grad_not_allocated=0,
                  bytes_saved_not_allocated=0)
    for item in items:
        kind = item.kind
        if not item.live:
            counts["pruned_nodes"] += 1
        if kind == schema.TENSOR or kind == schema.PRUNED_OP and item.prov.op == "leaf":
            # (a freed constant leaf a view keeps drawing under its name counts as the
            # tensor it was)
            counts["tensors"] += 1
            if item.live:
                counts["gradients_computed"] += 1
            else:
                counts["gradients_skipped"] += 1
                counts["bytes_grad_not_allocated"] += src.nbytes(item.obj)
        elif kind == schema.PRUNED_OP:
            counts["bytes_saved_not_allocated"] += src.pruned_saved_bytes(item.obj, item.prov)
        else:
            counts["functions"] += 1
            if not src.is_accumulate(item.obj):
                counts["bytes_saved_not_allocated"] += _node_saved_bytes_skipped(src, item.obj)
    return counts
