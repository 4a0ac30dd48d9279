"""JSON node records (:class:`gradnb.viz.schema.Node`) for discovered items, with the
text lines drawn in each box (``lines``) and the box size those lines need.

Call these inside :func:`gradnb.viz._values.summary_printoptions`: values are PyTorch
reprs, summarised. Boxes are sized for a monospace font (see ``CHAR_WIDTH``) so the
layout, the SVG renderer and the browser widget agree on what fits.
"""

import math

from ..autograd.provenance import reason_text
from . import schema
from ._values import one_line, shape_text
from .pruning import saved_count, short_reason

__all__ = ["describe_item", "describe_collapsed", "box_size", "FONT_SIZE", "CHAR_WIDTH",
           "LINE_HEIGHT", "PADDING_X", "PADDING_Y", "GRAD_LINE_CHARS", "grad_line",
           "written_form", "node_hover", "edge_hover"]

FONT_SIZE = 12.0
CHAR_WIDTH = 7.2        # advance of one character of a 12px monospace font (0.6 em)
LINE_HEIGHT = 15.0
PADDING_X = 8.0
PADDING_Y = 5.0
GRAD_LINE_CHARS = 34    # gradient text drawn in a box (the full text is on hover)
_MIN_WIDTH = 48.0


def box_size(record):
    """``(width, height)`` of the box of a node record, sized for its ``lines``; a tensor
    that requires grad also gets room for a gradient like its value, so a backward
    trace can show gradients arriving without moving anything."""
    lines = record["lines"]
    chars = max((len(line) for line in lines), default=0)
    if record["kind"] == schema.TENSOR and record["requires_grad"]:
        # room for "grad: tensor([...])" with up to 9 characters per element
        chars = max(chars, min(len("grad: tensor([])") + 9 * math.prod(record["shape"]),
                               GRAD_LINE_CHARS))
    return (max(_MIN_WIDTH, round(chars * CHAR_WIDTH + 2 * PADDING_X, 1)),
            round(len(lines) * LINE_HEIGHT + 2 * PADDING_Y, 1))


def _common(item, label, name=None):
    record = {"id": item.gid, "kind": item.kind, "label": label, "name": name,
              "pruned": not item.live, "reason": item.reason,
              "reason_text": None if item.reason is None else reason_text(item.reason)}
    return record


# ---------------------------------------------------------------------------------------
# tensors
# ---------------------------------------------------------------------------------------

_GRAD_PREFIX = {schema.GRAD_FRESH: "grad: ", schema.GRAD_ACCUMULATED: "grad (+=): ",
                schema.GRAD_STALE: "grad (stale): "}


def grad_line(state, text):
    """The box line showing a gradient (None when there is no gradient)."""
    if text is None:
        return None
    prefix = _GRAD_PREFIX.get(state, "grad: ")
    return prefix + one_line(text, GRAD_LINE_CHARS - len(prefix))


def _grad_info(src, tensor):
    grad = src.grad(tensor)
    if grad is None:
        return {"state": schema.GRAD_NONE, "text": None}
    passes, stale = src.grad_history(tensor)
    if stale:
        state = schema.GRAD_STALE
    elif passes > 1:
        state = schema.GRAD_ACCUMULATED
    else:
        state = schema.GRAD_FRESH     # one pass, or set by hand / by retain_grad
    return {"state": state, "text": src.value_text(grad)}


def _describe_tensor(src, item, name):
    t = item.obj
    shape = src.shape(t)
    record = _common(item, name or item.gid, name)
    record.update(
        shape=list(shape), dtype=src.dtype_text(t), requires_grad=src.requires_grad(t),
        is_leaf=src.is_leaf(t), grad_fn=src.grad_fn_name(t),
        value=src.value_text(t), grad=_grad_info(src, t), version=src.version(t),
        retains_grad=src.retains_grad(t), hooks=src.hook_count(t))
    # always three lines, the third the gradient (a trace replaces it as gradients
    # arrive) or, for a constant leaf, the reason no op box explains
    third = grad_line(record["grad"]["state"], record["grad"]["text"])
    if third is None:
        constant = (not item.live and not record["requires_grad"]
                    and src.provenance(t) is None)
        third = short_reason(item.reason) if constant else "grad: None"
    record["lines"] = [record["label"], f"{shape_text(shape)} {record['dtype'][6:]}",
                       third]
    return record


# ---------------------------------------------------------------------------------------
# nodes
# ---------------------------------------------------------------------------------------

def _describe_function(src, item):
    node = item.obj
    name = src.node_name(node)
    saved = saved_count(src, node)
    freed = src.freed(node)
    record = _common(item, name)
    record.update(saved=saved, freed=freed, rules=src.rule_lines(node))
    record["lines"] = [name] + ([f"saved {saved}" + (" \u00b7 freed" if freed else "")]
                                if saved else [])
    return record


def _describe_accumulate(item, leaf):
    label, gid = leaf
    record = _common(item, "AccumulateGrad")
    record.update(saved=0, freed=False, rules=[f"{label}.grad += grad"], leaf=gid,
                  lines=["AccumulateGrad"])
    return record


def _describe_pruned_op(item, name=None):
    prov = item.prov
    if prov.op == "leaf" and name:       # a freed constant leaf drawn under its old name
        record = _common(item, name, name)
        record.update(op=prov.op, would_be=None)
        record["lines"] = [name, f"{shape_text(prov.shape)} {prov.dtype[6:]}",
                           short_reason(item.reason)]
        return record
    record = _common(item, prov.op)
    record.update(op=prov.op, would_be=prov.grad_fn_name)
    lines = [prov.op]
    if prov.grad_fn_name:
        lines.append(f"would be {prov.grad_fn_name}")
    lines.append(short_reason(item.reason))
    record["lines"] = lines
    return record


# what a node computes, written as the user would have (s * s): its operator
_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/", "mm": "@", "matmul": "@",
          "pow": "**"}
WRITTEN_CHARS = 24      # the written form is cut to this length (the box stays narrow)


def written_form(node_name, inputs):
    """How a reader would have written the op of a ``grad_fn`` node: ``s * s``,
    ``exp(h)``, ``x * (number)``, from its PyTorch name (``MulBackward0``) and the
    labels of its drawn inputs (None for an input with no short label).

    Tells apart two nodes of one class (two ``MulBackward0``) in a picture."""
    base = node_name
    while base and (base[-1].isdigit()):
        base = base[:-1]
    if not base.endswith("Backward"):
        return None
    op = base[:-len("Backward")].lower()
    args = [a if a is not None else "\u2026" for a in inputs]
    symbol = _INFIX.get(op)
    if symbol is not None and len(args) in (1, 2):
        left, right = (args + ["(number)"])[:2]
        text = f"{left} {symbol} {right}"
    else:       # a call's arguments need no parentheses of their own
        args = [a[1:-1] if a.startswith("(") and a.endswith(")") else a for a in args]
        text = f"{op}({', '.join(args)})"
    return one_line(text, WRITTEN_CHARS)


def describe_item(src, item, name=None, leaf=None):
    """The JSON record of one discovered item (layout fields are added later).

    Parameters
    ----------
    src : gradnb.viz.source.Source
    item : gradnb.viz.discover.Item
    name : str, optional
        The user's name for a tensor item.
    leaf : (str, str or None), optional
        Label and id of the leaf an AccumulateGrad item writes to.
    """
    kind = item.kind
    if kind == schema.TENSOR:
        return _describe_tensor(src, item, name)
    if kind == schema.FUNCTION:
        return _describe_function(src, item)
    if kind == schema.ACCUMULATE:
        return _describe_accumulate(item, leaf or ("leaf", None))
    return _describe_pruned_op(item, name)


def _kind_label(src, item):
    if item.kind == schema.TENSOR:
        return "tensor"
    if item.kind == schema.PRUNED_OP:
        return item.prov.op
    return "AccumulateGrad" if item.kind == schema.ACCUMULATE else src.node_name(item.obj)


def describe_collapsed(src, gid, members, items, module=None):
    """The record of a collapsed node standing for ``members`` (item indices);
    ``module``: the name of the ``nn.Module`` they make up (its box says so)."""
    contents = {}
    for i in members:
        label = _kind_label(src, items[i])
        contents[label] = contents.get(label, 0) + 1
    ranked = sorted(contents.items(), key=lambda kv: (-kv[1], kv[0]))
    reasons = sorted({items[i].reason for i in members if items[i].reason is not None})
    pruned = all(not items[i].live for i in members)
    reason = reasons[0] if pruned and len(reasons) == 1 else None
    record = {"id": gid, "kind": schema.COLLAPSED, "label": f"{len(members):,} nodes",
              "name": None, "pruned": pruned, "reason": reason,
              "reason_text": None if reason is None else reason_text(reason),
              "count": len(members), "contents": [[k, v] for k, v in ranked]}
    lines = [f"\u22ef {len(members):,} nodes folded"]
    repeats = math.gcd(*contents.values())
    if len(ranked) > 1 and repeats > 1:
        # every kind occurs a multiple of `repeats` times: a block repeated that often
        lines.append(f"{repeats:,} \u00d7 a block of {len(members) // repeats}")
    lines += [f"{k} \u00d7{v:,}" for k, v in ranked[:2]]
    if len(ranked) > 2:
        lines.append(f"+ {len(ranked) - 2} more kinds")
    if module is not None:      # a module's box: its name, then the ops it folds
        record.update(label=module, name=module, module=True)
        ops = [k for k, _ in ranked if k not in ("tensor", "AccumulateGrad")]
        lines = [module, f"\u22ef {len(members):,} nodes folded"]
        if ops:
            lines.append(one_line(" \u00b7 ".join(ops), 32))
    record["lines"] = lines
    return record


# ---------------------------------------------------------------------------------------
# hover text: built once here, shipped as ``hover`` in the JSON; the SVG and the browser
# only place it
# ---------------------------------------------------------------------------------------

def _tensor_hover(node, grad):
    state, text = grad
    return [f"{node['label']}: {node['value']}",
            f"grad ({state}): {text}" if text is not None else "grad: None",
            f"shape {node['shape']}, {node['dtype']}, requires_grad={node['requires_grad']}, "
            f"is_leaf={node['is_leaf']}, grad_fn={node['grad_fn']}, version {node['version']}"]


def node_hover(node, grad=None):
    """The hover text of a node record; ``grad`` (``(state, text)``) replaces a tensor's
    own gradient (a backward step that changed its ``.grad``)."""
    kind = node["kind"]
    if kind == schema.TENSOR:
        lines = _tensor_hover(node, grad or (node["grad"]["state"], node["grad"]["text"]))
    elif kind in (schema.FUNCTION, schema.ACCUMULATE):
        lines = [node["label"]] + node["rules"]
        if node["saved"]:
            lines.append(f"saved {node['saved']}" + (" (freed)" if node["freed"] else ""))
    elif kind == schema.PRUNED_OP:
        lines = [f"{node['op']}: not recorded by autograd"]
        if node.get("would_be"):
            lines.append(f"would be {node['would_be']}")
    else:
        lines = [f"{node['count']} nodes folded:"] + \
            [f"{k} x{v}" for k, v in node["contents"]]
    if node["pruned"]:
        lines.append("pruned: " + (node.get("reason_text") or "backward will not visit it"))
    return "\n".join(lines)


def edge_hover(edge, labels, grad=None):
    """The hover text of an edge record (``labels``: node id -> label); ``grad`` is the
    gradient a backward step sent along it."""
    text = f"{labels[edge['source']]} \u2192 {labels[edge['target']]} (input {edge['input']})"
    if edge["pruned"]:
        text += ", pruned"
    return text + f"\ngradient: {grad}" if grad else text
