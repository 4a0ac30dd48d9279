"""How each kind of node is drawn: colours, dash patterns and the legend's wording.

Colours are from the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies), and nothing is told by colour alone: pruned parts are also dashed and
carry their reason as text, function nodes have rounded corners, the active node has a
thick outline, collapsed nodes a double border.
"""

from ..autograd.provenance import reason_text
from . import schema
from .pruning import short_reason

__all__ = ["OKABE_ITO", "KIND_STYLE", "PRUNED_STYLE", "ACTIVE_STROKE", "EDGE_STROKE",
           "FLOW_STROKE", "DASH", "legend_for", "css_palette"]

OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "reddish_purple": "#CC79A7", "black": "#000000", "grey": "#999999"}

# kind -> (stroke, fill, corner radius)
KIND_STYLE = {
    schema.TENSOR: (OKABE_ITO["blue"], "#E3F0F9", 0.0),
    schema.FUNCTION: (OKABE_ITO["orange"], "#FCF1D9", 8.0),
    schema.ACCUMULATE: (OKABE_ITO["bluish_green"], "#DDF2EC", 8.0),
    schema.PRUNED_OP: (OKABE_ITO["grey"], "#F2F2F2", 8.0),
    schema.COLLAPSED: (OKABE_ITO["reddish_purple"], "#F7E9F1", 4.0),
}
PRUNED_STYLE = (OKABE_ITO["grey"], "#F2F2F2")   # stroke, fill of every pruned node
ACTIVE_STROKE = OKABE_ITO["vermillion"]
FLOW_STROKE = OKABE_ITO["sky_blue"]   # an edge a gradient is flowing along (animation)
EDGE_STROKE = "#555555"
DASH = "5 4"

_KIND_LEGEND = [
    (schema.TENSOR, "tensor: leaf, root or named result", "square box, blue outline"),
    (schema.FUNCTION, "grad_fn node: runs its backward rule", "rounded box, orange outline"),
    (schema.ACCUMULATE, "AccumulateGrad: adds into a leaf's .grad",
     "rounded box, green outline"),
    (schema.COLLAPSED, "several nodes folded into one box", "double box, purple outline"),
]


def legend_for(nodes):
    """Legend entries (``{"key", "text", "style"}``) for the kinds and pruning reasons
    present in ``nodes``, in a fixed order."""
    kinds = {n["kind"] for n in nodes}
    entries = [{"key": kind, "text": text, "style": look}
               for kind, text, look in _KIND_LEGEND if kind in kinds]
    if any(n["pruned"] for n in nodes):
        entries.append({"key": "pruned", "style": "dashed grey outline and edges",
                        "text": "pruned: backward from the root will not visit it"})
    for code in sorted({n["reason"] for n in nodes if n.get("reason")}):
        short, full = short_reason(code), reason_text(code)
        entries.append({"key": f"reason:{code}", "style": "dashed grey",
                        "text": full if short == full else f"{short}: {full}"})
    return entries


def css_palette():
    """The colours above as CSS custom properties of ``.gradnb-widget``, so the widgets'
    style sheet (``widgets/static/gradnb.css``) and the static SVG use one palette."""
    names = {schema.TENSOR: "tensor", schema.FUNCTION: "function",
             schema.ACCUMULATE: "accumulate", schema.COLLAPSED: "collapsed"}
    props = []
    for kind, name in names.items():
        stroke, fill, _ = KIND_STYLE[kind]
        props += [f"--gradnb-{name}: {stroke};", f"--gradnb-{name}-fill: {fill};"]
    props += [f"--gradnb-pruned: {PRUNED_STYLE[0]};", f"--gradnb-pruned-fill: {PRUNED_STYLE[1]};",
              f"--gradnb-active: {ACTIVE_STROKE};", f"--gradnb-flow: {FLOW_STROKE};",
              f"--gradnb-edge: {EDGE_STROKE};"]
    body = "\n".join(f"  {p}" for p in props)
    return f"/* palette: gradnb.viz.style */\n.gradnb-widget {{\n{body}\n}}\n"
