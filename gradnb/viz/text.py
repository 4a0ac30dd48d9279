"""Plain-text renderings of graphs and traces, for terminals, ``text/plain`` outputs and
nbval: only the JSON's own content (PyTorch reprs, names, ids numbered from the roots),
in the JSON's order, so the same code always prints the same text. Also the display
strings the views ship in the JSON (a graph's title and pruning reasons, a step's caption
and values): built once here, the SVG and the browser only place them.
"""

from ._values import one_line
from .pruning import short_reason

__all__ = ["graph_text", "graph_title", "summary_lines", "summary_text", "trace_text",
           "step_values", "step_caption", "pruned_reasons", "REASONS_HEADING"]

REASONS_HEADING = "Pruned (backward from the root never visits these):"
_REASON_NAMES = 6       # names listed per reason, then "..., (count)"

_INDENT = "    "


def _indented(label, text):
    """``label: text`` with continuation lines of a multi-line repr aligned."""
    lines = text.splitlines() or [""]
    pad = " " * (len(_INDENT) + len(label) + 2)
    return [f"{_INDENT}{label}: {lines[0]}"] + [pad + line for line in lines[1:]]


def _title(node):
    return f"{node['label']} ({node['id']})"


def _tensor_lines(node):
    head = (f"{_title(node)}  tensor {node['shape']} {node['dtype']}, "
            f"requires_grad={node['requires_grad']}, is_leaf={node['is_leaf']}, "
            f"grad_fn={node['grad_fn']}, version {node['version']}")
    grad = node["grad"]
    out = [head] + _indented("value", node["value"])
    if grad["text"] is None:
        out.append(f"{_INDENT}grad: None")
    else:
        out += _indented(f"grad ({grad['state']})", grad["text"])
    if node.get("retains_grad"):
        out.append(f"{_INDENT}retains grad")
    if node.get("hooks"):
        out.append(f"{_INDENT}hooks: {node['hooks']}")
    return out


def _function_lines(node):
    saved = f", saved {node['saved']}" + (" (freed)" if node["freed"] else "")
    written = f", computes {node['written']}" if node.get("written") else ""
    return [f"{_title(node)}  {node['kind']}{saved}{written}"] + \
        [f"{_INDENT}rule: {rule}" for rule in node["rules"]]


def _pruned_op_lines(node):
    would_be = f", would be {node['would_be']}" if node.get("would_be") else ""
    return [f"{_title(node)}  op not recorded by autograd{would_be}"]


def _collapsed_lines(node):
    kinds = ", ".join(f"{k} x{v}" for k, v in node["contents"])
    return [f"{_title(node)}  collapsed: {node['count']} nodes ({kinds})"]


_NODE_LINES = {"tensor": _tensor_lines, "function": _function_lines,
               "accumulate": _function_lines, "pruned_op": _pruned_op_lines,
               "collapsed": _collapsed_lines}


def _inputs_by_target(graph):
    labels = {n["id"]: _title(n) for n in graph["nodes"]}
    inputs = {}
    for edge in graph["edges"]:
        mark = "  [pruned edge]" if edge["pruned"] else ""
        inputs.setdefault(edge["target"], []).append(
            (edge["input"], f"{_INDENT}<- input {edge['input']}: {labels[edge['source']]}{mark}"))
    return {k: [line for _, line in sorted(v, key=lambda p: p[0])] for k, v in inputs.items()}


def summary_lines(summary):
    """The pruning summary's counts and bytes, as two lines."""
    return [f"gradients computed: {summary['gradients_computed']}, skipped: "
            f"{summary['gradients_skipped']}",
            f"not allocated because of pruning: {summary['bytes_grad_not_allocated']} bytes "
            f"of gradient buffers, {summary['bytes_saved_not_allocated']} bytes of saved "
            "activations"]


def summary_line(summary):
    """The one line a view prints under its picture: node counts, then the pruning
    summary (shipped in the JSON as ``summary_text``: the browser only places it)."""
    return " \u00b7 ".join([f"{summary['tensors']} tensors, {summary['functions']} functions"]
                          + summary_lines(summary))


def graph_title(graph):
    """What the picture is, for its ``<title>`` and a screen reader ("autograd graph
    of loss"); shipped in the JSON as ``title``."""
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    return "autograd graph of " + ", ".join(labels[r] for r in graph["roots"])


def step_caption(index, count, text):
    """The line above a step's picture ("step 3/10: ..."), also what a screen reader
    hears for the step; shipped in a step as ``caption``."""
    return one_line(f"step {index + 1}/{count}: {text}", 120)


def step_values(step):
    """The gradients a backward step involves, one per line ("grad: ...", "before:
    ...", "after: ..."), or None; shipped in a step as ``values``."""
    lines = [f"{key}: {step[key]}" for key in ("grad", "before", "after") if step[key]]
    return "\n".join(lines) or None


def pruned_reasons(nodes):
    """Why each pruned part is pruned, one line per reason with a few of the parts'
    names ("x, y \u2014 no input requires grad"); shipped in the JSON as ``reasons``."""
    by_reason = {}
    for node in nodes:
        if node["pruned"]:
            key = node.get("reason_text") or node.get("reason") or "pruned"
            by_reason.setdefault(key, []).append(node.get("name") or node["label"])
    out = []
    for reason, names in by_reason.items():
        shown = ", ".join(names[:_REASON_NAMES])
        if len(names) > _REASON_NAMES:
            shown += f", \u2026 ({len(names)})"
        out.append(f"{shown} \u2014 {reason}")
    return out


def summary_text(summary):
    """The pruning summary on one line."""
    return "; ".join(summary_lines(summary))


def graph_text(graph):
    """The text of a :class:`gradnb.viz.schema.Graph`."""
    nodes = graph["nodes"]
    labels = {n["id"]: n["label"] for n in nodes}
    summary = graph["summary"]
    roots = ", ".join(labels[r] for r in graph["roots"])
    out = [f"autograd graph of {roots}: {summary['tensors']} tensors, "
           f"{summary['functions']} autograd nodes, {summary['pruned_nodes']} pruned"]
    inputs = _inputs_by_target(graph)
    for node in nodes:
        lines = _NODE_LINES[node["kind"]](node)
        if node["pruned"]:
            reason = f" ({short_reason(node['reason'])})" if node.get("reason") else ""
            lines[0] += f"  PRUNED{reason}"
        out += lines + inputs.get(node["id"], [])
    out.append(summary_text(summary))
    reasons = [e["text"] for e in graph["legend"] if e["key"].startswith("reason:")]
    out += [f"pruned because {text}" for text in reasons]
    return "\n".join(out)


def trace_text(trace):
    """The text of a :class:`gradnb.viz.schema.Trace`: numbered steps per pass."""
    out = []
    for p in trace["passes"]:
        graph = p["graph"]
        labels = {n["id"]: n["label"] for n in graph["nodes"]}
        roots = ", ".join(labels[r] for r in graph["roots"])
        out.append(f"backward pass {p['index'] + 1} from {roots}: {len(p['steps'])} steps")
        out += [f"{_INDENT}{s['index'] + 1}. {s['text']}" for s in p["steps"]]
    return "\n".join(out) if out else "no backward pass recorded"
