"""Self-contained SVG pictures of graphs (and of backward steps, via highlights and
gradient labels), drawn from the JSON alone.

Stable hooks for the browser widget, which may reuse these pictures: every node is a
``<g class="gradnb-node gradnb-<kind>">`` and every edge a ``<g class="gradnb-edge">``,
each with ``data-id`` equal to its JSON id; pruned ones also have ``gradnb-pruned``,
highlighted ones ``gradnb-active``, roots ``gradnb-root``. Styling is in presentation
attributes (no ``<style>`` element, no ids), so several pictures on one page cannot
interfere and the SVG looks the same as a standalone file. All text from the user's
session (names, reprs, error messages) is escaped; nodes carry a ``<title>`` (hover
text: value and gradient) and the picture a ``<title>``/``<desc>`` for screen readers.
"""

import re
from xml.sax.saxutils import escape

from . import schema
from .describe import (CHAR_WIDTH, FONT_SIZE, LINE_HEIGHT, PADDING_X, PADDING_Y,
                       edge_hover, grad_line, node_hover)
from .layout import MARGIN
from .style import ACTIVE_STROKE, DASH, EDGE_STROKE, KIND_STYLE, PRUNED_STYLE
from .text import graph_title, summary_lines, summary_text

__all__ = ["render_graph", "stack_svgs", "esc", "FONT_FAMILY"]

FONT_FAMILY = "ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace"
_EDGE_FONT = 11.0
_LEGEND_ROW = 18.0
_ARROW = 7.0
_LABEL_AT = (0.3, 0.55, 0.8)   # where along an edge its gradient is written: edges
                               # leaving one box take turns, so labels do not overprint
# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_KIND_CLASS = {schema.TENSOR: "gradnb-tensor", schema.FUNCTION: "gradnb-function",
               schema.ACCUMULATE: "gradnb-accumulate", schema.PRUNED_OP: "gradnb-pruned-op",
               schema.COLLAPSED: "gradnb-collapsed"}


def esc(text):
    """``text`` safe inside an SVG element or a double-quoted attribute."""
    return escape(_NOT_XML.sub("\ufffd", str(text)), {'"': "&quot;"})


def _num(value):
    """Numbers as SVG text: one decimal at most, no trailing ``.0``."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


# ---------------------------------------------------------------------------------------
# nodes
# ---------------------------------------------------------------------------------------

def _own_grad(node, grad):
    """Whether ``grad`` is what the node's record already says (no trace changed it)."""
    return node["kind"] != schema.TENSOR or grad == (node["grad"]["state"], node["grad"]["text"])


def _hover(node, grad):
    """The node's hover text: the JSON's, or rebuilt for a gradient a trace set."""
    if _own_grad(node, grad) and "hover" in node:
        return node["hover"]
    return node_hover(node, grad)


def _box_lines(node, grad):
    """The lines drawn in a box; a trace may replace a tensor's gradient line (the
    third), cut to the box's width so the layout still holds."""
    lines = list(node["lines"])
    if _own_grad(node, grad):
        return lines
    fits = max(int((node["width"] - 2 * PADDING_X) / CHAR_WIDTH), 2)
    new = grad_line(*grad) or "grad: None"
    lines[2] = new if len(new) <= fits else new[:fits - 1] + "\u2026"
    return lines


def _classes(base, record, active, roots):
    classes = [base]
    if record.get("kind"):
        classes.append(_KIND_CLASS[record["kind"]])
    if record.get("pruned"):
        classes.append("gradnb-pruned")
    if record["id"] in roots:
        classes.append("gradnb-root")
    if record["id"] in active:
        classes.append("gradnb-active")
    return " ".join(classes)


def _node_svg(node, active, roots, grad):
    stroke, fill, radius = KIND_STYLE[node["kind"]]
    if node["pruned"]:
        stroke, fill = PRUNED_STYLE
    dash = f' stroke-dasharray="{DASH}"' if node["pruned"] else ""
    width = 3 if node["id"] in active else (2 if node["id"] in roots else 1.2)
    if node["id"] in active:
        stroke = ACTIVE_STROKE
    w, h = _num(node["width"]), _num(node["height"])
    out = [f'<g class="{_classes("gradnb-node", node, active, roots)}" '
           f'data-id="{esc(node["id"])}" data-kind="{node["kind"]}" '
           f'transform="translate({_num(node["x"])},{_num(node["y"])})">',
           f"<title>{esc(_hover(node, grad))}</title>",
           f'<rect width="{w}" height="{h}" rx="{_num(radius)}" fill="{fill}" '
           f'stroke="{stroke}" stroke-width="{width}"{dash}/>']
    if node["kind"] == schema.COLLAPSED:
        out.append(f'<rect x="3" y="3" width="{_num(node["width"] - 6)}" '
                   f'height="{_num(node["height"] - 6)}" rx="2" fill="none" '
                   f'stroke="{stroke}" stroke-width="1"{dash}/>')
    text_fill = "#555555" if node["pruned"] else "#111111"
    for k, line in enumerate(_box_lines(node, grad)):
        weight = ' font-weight="bold"' if k == 0 else ""
        y = PADDING_Y + LINE_HEIGHT * (k + 1) - 3.5
        out.append(f'<text x="{_num(PADDING_X)}" y="{_num(y)}" fill="{text_fill}"{weight} '
                   f'xml:space="preserve">{esc(line)}</text>')
    out.append("</g>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# edges
# ---------------------------------------------------------------------------------------

def _arrowhead(points):
    (x0, y0), (x1, y1) = points[-2], points[-1]
    dx, dy = x1 - x0, y1 - y0
    length = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / length, dy / length
    bx, by = x1 - ux * _ARROW, y1 - uy * _ARROW
    px, py = -uy * _ARROW / 2, ux * _ARROW / 2
    return " ".join(f"{_num(a)},{_num(b)}" for a, b in
                    ((x1, y1), (bx + px, by + py), (bx - px, by - py)))


def _point_along(points, fraction):
    """The point ``fraction`` of the way along a polyline, by length."""
    lengths = [((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
               for (x0, y0), (x1, y1) in zip(points, points[1:])]
    left = sum(lengths) * fraction
    for ((x0, y0), (x1, y1)), length in zip(zip(points, points[1:]), lengths):
        if left <= length and length > 0:
            t = left / length
            return x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        left -= length
    return points[-1]


def _edge_label(points, text, turn):
    """The gradient on an edge, near the end it flows into during backward (the
    source's side), where edges leaving different boxes are apart."""
    mx, my = _point_along(points, _LABEL_AT[turn % len(_LABEL_AT)])
    width = len(text) * _EDGE_FONT * 0.6 + 6
    return (f'<rect class="gradnb-edge-label-bg" x="{_num(mx - width / 2)}" '
            f'y="{_num(my - 8)}" width="{_num(width)}" height="14" rx="3" fill="#FFFFFF" '
            f'fill-opacity="0.9" stroke="{ACTIVE_STROKE}" stroke-width="0.8"/>'
            f'<text class="gradnb-edge-label" x="{_num(mx)}" y="{_num(my + 3)}" '
            f'text-anchor="middle" font-size="{_num(_EDGE_FONT)}" fill="#111111" '
            f'xml:space="preserve">{esc(text)}</text>')


def _edge_svg(edge, labels, active, text, label):
    points = edge.get("points") or []
    if len(points) < 2:
        return ""
    stroke = ACTIVE_STROKE if edge["id"] in active else (
        PRUNED_STYLE[0] if edge["pruned"] else EDGE_STROKE)
    dash = f' stroke-dasharray="{DASH}"' if edge["pruned"] else ""
    width = 2.5 if edge["id"] in active else 1.2
    path = "M" + " L".join(f"{_num(x)},{_num(y)}" for x, y in points)
    title = edge["hover"] if not text and "hover" in edge else edge_hover(edge, labels, text)
    out = [f'<g class="{_classes("gradnb-edge", edge, active, ())}" data-id="{esc(edge["id"])}" '
           f'data-source="{esc(edge["source"])}" data-target="{esc(edge["target"])}">',
           f"<title>{esc(title)}</title>",
           f'<path d="{path}" fill="none" stroke="{stroke}" stroke-width="{width}"{dash}/>',
           f'<polygon points="{_arrowhead(points)}" fill="{stroke}"/>']
    if label[0]:
        out.append(_edge_label(points, *label))
    out.append("</g>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# legend and summary
# ---------------------------------------------------------------------------------------

def _swatch(key):
    if key in KIND_STYLE:
        stroke, fill, radius = KIND_STYLE[key]
        dash = ""
    else:
        (stroke, fill), radius, dash = PRUNED_STYLE, 0.0, f' stroke-dasharray="{DASH}"'
    return (f'<rect width="22" height="12" rx="{_num(min(radius, 4))}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="1.2"{dash}/>')


def _legend_svg(graph, top):
    rows = [(e["key"], e["text"]) for e in graph["legend"]]
    out = [f'<g class="gradnb-legend" transform="translate({_num(MARGIN)},{_num(top)})">']
    for k, (key, text) in enumerate(rows):
        y = k * _LEGEND_ROW
        out.append(f'<g class="gradnb-legend-entry" data-key="{esc(key)}" '
                   f'transform="translate(0,{_num(y)})">{_swatch(key)}'
                   f'<text x="30" y="10" fill="#111111">{esc(text)}</text></g>')
    summary = summary_lines(graph["summary"])
    y = len(rows) * _LEGEND_ROW + 10
    for k, line in enumerate(summary):
        out.append(f'<text class="gradnb-summary" x="0" y="{_num(y + k * LINE_HEIGHT)}" '
                   f'fill="#111111">{esc(line)}</text>')
    out.append("</g>")
    y += (len(summary) - 1) * LINE_HEIGHT
    width = max([len(t) * CHAR_WIDTH + 30 for _, t in rows] +
                [len(line) * CHAR_WIDTH for line in summary])
    return "\n".join(out), y + 8, width


def _edge_labels(edges, edge_text):
    """``(text, turn)`` per edge: parallel edges (``x * x``) share one label on the
    first of them; ``turn`` counts the labels already on edges leaving the same box."""
    merged = {}
    for e in edges:
        text = edge_text.get(e["id"])
        if text is not None:
            merged.setdefault((e["source"], e["target"]), []).append(text)
    seen, out = {}, []
    for e in edges:
        texts = merged.pop((e["source"], e["target"]), None)
        if not texts:
            out.append((None, 0))
            continue
        text = texts[0] if len(set(texts)) == 1 else " | ".join(texts)
        if len(texts) > 1 and len(set(texts)) == 1:
            text += f" \u00d7{len(texts)}"
        turn = seen.get(e["source"], 0)
        seen[e["source"]] = turn + 1
        out.append((text, turn))
    return out


def render_graph(graph, highlight=None, edge_text=None, grad_text=None, caption=None):
    """The SVG text of a :class:`gradnb.viz.schema.Graph`.

    Parameters
    ----------
    graph : dict
    highlight : str or iterable of str, optional
        Ids of nodes/edges drawn as active (thick vermillion outline, ``gradnb-active``).
    edge_text : dict, optional
        ``edge id -> text`` drawn on edges (the gradient that flowed along them).
    grad_text : dict, optional
        ``tensor node id -> (state, text)`` replacing the gradient shown in its box.
    caption : str, optional
        A line drawn above the graph (e.g. the current backward step).
    """
    active = {highlight} if isinstance(highlight, str) else set(highlight or ())
    edge_text, grad_text = edge_text or {}, grad_text or {}
    roots = set(graph["roots"])
    labels = {n["id"]: n["label"] for n in graph["nodes"]}
    offset = LINE_HEIGHT + 6 if caption else 0.0
    legend, legend_height, legend_width = _legend_svg(graph, graph["height"] + offset)
    width = max(graph["width"], legend_width + 2 * MARGIN)
    height = graph["height"] + offset + legend_height + MARGIN
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gradnb-graph" '
           f'width="{_num(width)}" height="{_num(height)}" '
           f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" '
           f'font-family="{esc(FONT_FAMILY)}" font-size="{_num(FONT_SIZE)}">',
           f"<title>{esc(graph.get('title') or graph_title(graph))}</title>",
           f"<desc>{esc(summary_text(graph['summary']))}</desc>",
           '<rect class="gradnb-background" width="100%" height="100%" fill="#FFFFFF"/>']
    if caption:
        out.append(f'<text class="gradnb-caption" x="{_num(MARGIN)}" y="{_num(MARGIN + 6)}" '
                   f'fill="#111111" font-weight="bold" xml:space="preserve">{esc(caption)}</text>')
    out.append(f'<g class="gradnb-body" transform="translate(0,{_num(offset)})">')
    out.append('<g class="gradnb-edges">')
    out += [_edge_svg(e, labels, active, edge_text.get(e["id"]), label)
            for e, label in zip(graph["edges"], _edge_labels(graph["edges"], edge_text))]
    out.append('</g>\n<g class="gradnb-nodes">')
    for node in graph["nodes"]:
        grad = grad_text.get(node["id"])
        if grad is None and node["kind"] == schema.TENSOR:
            grad = (node["grad"]["state"], node["grad"]["text"])
        out.append(_node_svg(node, active, roots, grad))
    out += ["</g>", "</g>", legend, "</svg>"]
    return "\n".join(part for part in out if part)


def stack_svgs(svgs, gap=16.0):
    """Several SVG pictures one below the other, as one SVG (nested ``<svg>``)."""
    sizes = [(float(re.search(r'width="([\d.]+)"', s).group(1)),
              float(re.search(r'height="([\d.]+)"', s).group(1))) for s in svgs]
    width = max((w for w, _ in sizes), default=0.0)
    height = sum(h for _, h in sizes) + gap * max(len(svgs) - 1, 0)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="gradnb-stack" '
           f'width="{_num(width)}" height="{_num(height)}" '
           f'viewBox="0 0 {_num(width)} {_num(height)}">']
    y = 0.0
    for svg, (_, h) in zip(svgs, sizes):
        out.append(svg.replace("<svg ", f'<svg x="0" y="{_num(y)}" ', 1))
        y += h + gap
    out.append("</svg>")
    return "\n".join(out)
