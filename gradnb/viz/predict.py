"""Predict, then reveal: the data of the graph exercise (``gradnb.graph(t,
predict=True)``, ``%grad_graph t --predict``).

:func:`puzzle` turns a :class:`~gradnb.viz.schema.Graph` into the same picture with what
autograd decided hidden: no ``requires_grad``, no ``grad_fn`` names (an op shows as
``mul``, ``add``), no pruned styling or reasons, no ``AccumulateGrad`` boxes (they would
tell which leaves are tracked), and boxes sized without regard to ``requires_grad``. It
lists the questions: for each tensor and op, "tracked or skipped?"; for each input tensor
(no arrow into it), "what will its ``.grad`` be?" (optional).

:func:`score` compares the learner's answers with the real graph and returns, per
question, right or wrong, the truth and the reason (the pruning reasons the graph view
uses), plus the count of right answers. :class:`Prediction` keeps a graph's model and
answers its check, computing the gradients ``backward()`` would give through the views'
interface (:meth:`gradnb.viz.source.Source.gradients`), so it works for gradnb and real
torch tensors alike. All display strings are built here.
"""

import re

import numpy as np

from . import schema
from .describe import box_size, edge_hover
from .layout import layered_layout
from .model import DEFAULT_MAX_NODES, GraphModel

__all__ = ["puzzle", "puzzle_svg", "score", "Prediction", "TEXTS", "TRACKED", "SKIPPED"]

TRACKED, SKIPPED = "tracked", "skipped"

# every string the browser shows in predict mode
TEXTS = {
    "instructions": "Predict what autograd does: click each tensor and each operation to "
                    "mark it tracked (autograd records it; backward visits it) or skipped "
                    "(pruned). Optionally type the .grad you expect for the inputs after "
                    "backward() from the root (None if no gradient reaches it). Then press "
                    "Check.",
    TRACKED: "tracked", SKIPPED: "skipped", "unmarked": "? click",
    "check": "Check", "again": "Try again", "grad_placeholder": "e.g. tensor([1., 2.]) or None",
    "legend_tensor": "tensor (click: tracked / skipped / ?)",
    "legend_op": "operation (click: tracked / skipped / ?)",
    "right": "right", "wrong": "wrong",
}

# what a tensor's repr says about autograd: hidden in the puzzle
_AUTOGRAD_PARTS = re.compile(r",\s*(requires_grad=True|grad_fn=<\w+>)")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf", re.I)


def _op_name(node):
    """``mul`` for ``MulBackward0`` (a recorded op) or the op of a pruned one."""
    if node["kind"] == schema.PRUNED_OP:
        return node.get("op") or node["label"]
    name = node["label"]
    cut = name.find("Backward")
    return name[:cut].lower() if cut > 0 else name


def _hidden_node(node):
    if node["kind"] == schema.TENSOR:
        shape = ", ".join(str(s) for s in node["shape"])
        dtype = node["dtype"].replace("torch.", "")
        lines = [node["label"], f"[{shape}] {dtype}", TEXTS["unmarked"]]
        value = _AUTOGRAD_PARTS.sub("", node.get("value") or "")
        hover = f"{node['label']}  {node['dtype']}  shape [{shape}]"
        if value:
            hover += f"\nvalue: {value}"
        out = {"id": node["id"], "kind": schema.TENSOR, "label": node["label"],
               "name": node.get("name"), "shape": node["shape"], "dtype": node["dtype"],
               "value": value, "grad_fn": None, "version": 0,
               "requires_grad": False, "is_leaf": False, "pruned": False,
               "grad": {"state": "none", "text": None}}
    else:
        op = _op_name(node)
        lines, hover = [op, TEXTS["unmarked"]], f"operation: {op}"
        out = {"id": node["id"], "kind": schema.FUNCTION, "label": op, "name": None,
               "pruned": False, "rules": [], "saved": 0, "freed": False}
    out.update(lines=lines, hover=hover)
    return out


def puzzle(graph):
    """The hidden picture and the questions of a graph (JSON-ready).

    Parameters
    ----------
    graph : dict
        A :class:`gradnb.viz.schema.Graph` (``GraphModel.to_json()``).

    Returns
    -------
    dict
        ``graph`` (laid out again without AccumulateGrad), ``questions`` (``id``,
        ``kind``: ``"tracked"`` or ``"grad"``, ``node``, ``label``) and ``texts``.
    """
    accumulate = {n["id"] for n in graph["nodes"] if n["kind"] == schema.ACCUMULATE}
    nodes = [_hidden_node(n) for n in graph["nodes"]
             if n["id"] not in accumulate and n["kind"] != schema.COLLAPSED]
    index = {n["id"]: i for i, n in enumerate(nodes)}
    into_acc = {e["target"]: e["source"] for e in graph["edges"] if e["target"] in accumulate}
    edges = []
    for e in graph["edges"]:
        if e["target"] in accumulate:
            continue            # leaf -> AccumulateGrad: joined to the next edge
        source = into_acc.get(e["source"], e["source"])
        if source in index and e["target"] in index:
            edges.append({"id": e["id"], "source": source, "target": e["target"],
                          "input": e["input"], "pruned": False})
    sizes = [box_size(n) for n in nodes]
    placed = layered_layout(sizes, [(index[e["source"]], index[e["target"]]) for e in edges])
    for node, (w, h), layer, x, y in zip(nodes, sizes, placed.layers, placed.x, placed.y):
        node.update(layer=layer, x=x, y=y, width=w, height=h)
    labels = {n["id"]: n["label"] for n in nodes}
    for edge, points in zip(edges, placed.points):
        edge.update(points=points, hover=edge_hover(edge, labels))
    hidden = {"schema": graph["schema"], "roots": [r for r in graph["roots"] if r in index],
              "nodes": nodes, "edges": edges,
              "summary": dict.fromkeys(("tensors", "functions", "pruned_nodes",
                                        "gradients_computed", "gradients_skipped",
                                        "bytes_grad_not_allocated",
                                        "bytes_saved_not_allocated"), 0),
              "legend": [{"key": "tensor", "text": TEXTS["legend_tensor"]},
                         {"key": "function", "text": TEXTS["legend_op"]}],
              "width": placed.width, "height": placed.height}
    fed = {e["target"] for e in edges}
    questions = [{"id": n["id"], "kind": TRACKED, "node": n["id"], "label": n["label"]}
                 for n in nodes]
    questions += [{"id": f"grad:{n['id']}", "kind": "grad", "node": n["id"],
                   "label": f"{n['label']}.grad"}
                  for n in nodes if n["kind"] == schema.TENSOR and n["id"] not in fed]
    return {"graph": hidden, "questions": questions, "texts": TEXTS}


def puzzle_svg(puzzle_data):
    """Static SVG of the hidden picture (each box's hover text is the puzzle's, which
    says nothing of autograd's decisions)."""
    from .svg import render_graph
    return render_graph(puzzle_data["graph"])


def _why(node):
    """Why a node is tracked or skipped, in the graph view's words."""
    label = node["label"] if node["kind"] == schema.TENSOR else _op_name(node)
    if node["pruned"]:
        reason = node.get("reason_text") or "pruned"
        would = f" (it would be {node['would_be']})" if node.get("would_be") else ""
        return f"{label} is skipped: {reason}{would}."
    if node["kind"] == schema.TENSOR:
        if node.get("is_leaf"):
            return f"{label} is tracked: a leaf with requires_grad=True."
        return (f"{label} is tracked: {node.get('grad_fn')} made it from an input that "
                "requires grad.")
    return f"{label} is tracked: an input requires grad, so autograd recorded {node['label']}."


def _numbers(text):
    return [float(x) for x in _NUMBER.findall(text.replace("tensor(", " "))
            if x.lower() != "dtype"]


def _same_grad(typed, truth):
    """Does the typed ``.grad`` match the truth (a repr, or None)?"""
    typed = typed.strip()
    if truth is None:
        return typed.lower() == "none"
    if typed.lower() == "none":
        return False
    mine, real = _numbers(typed), _numbers(truth.split("dtype=")[0])
    return len(mine) == len(real) and bool(np.allclose(mine, real, rtol=1e-4, atol=1e-6))


def score(graph, answers, grads=None):
    """Compare answers with the truth.

    Parameters
    ----------
    graph : dict
        The real graph (:class:`gradnb.viz.schema.Graph`).
    answers : dict
        Question id -> ``"tracked"``/``"skipped"`` (or a typed ``.grad`` for ``grad:``
        questions); missing or empty answers count as wrong / not asked.
    grads : dict, optional
        Tensor node id -> repr of the gradient backward would give, or None (no
        gradient). A tensor missing here: its ``.grad`` question is not checked.

    Returns
    -------
    dict
        ``right``, ``total``, ``summary``, ``items`` (``id``, ``label``, ``answer``,
        ``truth``, ``right``, ``why``) and ``wrong`` (node ids of wrong answers).
    """
    nodes = {n["id"]: n for n in graph["nodes"]}
    items, wrong = [], []
    for q in puzzle(graph)["questions"]:
        node = nodes[q["node"]]
        answer = (answers.get(q["id"]) or "").strip()
        if q["kind"] == TRACKED:
            truth = SKIPPED if node["pruned"] else TRACKED
            right = answer == truth
            why = _why(node)
        else:
            if not answer or grads is None or q["node"] not in grads:
                continue        # optional, or unknown (no backward possible from here)
            truth_text = grads[q["node"]]
            truth = "None" if truth_text is None else truth_text
            right = _same_grad(answer, truth_text)
            why = (f"{q['label']} will be {truth}" + (
                ": no gradient reaches it." if truth_text is None else "."))
        items.append({"id": q["id"], "label": q["label"], "answer": answer or "no answer",
                      "truth": truth, "right": right, "why": "" if right else why})
        if not right:
            wrong.append(q["node"])
    right = sum(i["right"] for i in items)
    return {"right": right, "total": len(items),
            "summary": f"{right} of {len(items)} right", "items": items,
            "wrong": list(dict.fromkeys(wrong))}


class Prediction:
    """A graph exercise over live tensors: the puzzle, and checking answers against
    the graph as it is when the learner presses Check.

    Parameters
    ----------
    roots : sequence of Tensor
    namespace : dict, optional
    max_nodes : int or None
    """

    def __init__(self, roots, namespace=None, max_nodes=DEFAULT_MAX_NODES):
        # with the object lookup: the check finds the leaves by their drawn id
        self.model = GraphModel(list(roots), namespace, max_nodes, lookup=True)
        self.puzzle = puzzle(self.model.to_json())

    def grads(self):
        """Drawn tensor id -> repr of what ``backward()`` from the root would give it
        (None: no gradient), for the input tensors; {} when it cannot be known."""
        src, lookup = self.model.source, self.model.objects()
        graph = self.model.to_json()
        if len(graph["roots"]) != 1:
            return {}
        root = lookup.find(graph["roots"][0])
        ids = [q["node"] for q in self.puzzle["questions"] if q["kind"] == "grad"]
        leaves = [lookup.find(i) for i in ids]
        if root is None or any(t is None for t in leaves):
            return {}
        values = src.gradients(root, leaves)
        if values is None:
            return {}
        return {i: (None if v is None else src.grad_text(v)) for i, v in zip(ids, values)}

    def check(self, answers):
        """The :func:`score` of ``answers``, with the real graph to reveal."""
        result = score(self.model.to_json(), answers, self.grads())
        result["graph"] = self.model.to_json()
        return result


# -- a predicted backward pass (%grad_backward loss --predict) ---------------------------------
BACKWARD_TEXTS = {
    "instructions": "Predict the backward pass: before each step you are asked which node "
                    "runs next (click it in the graph) or what gradient a leaf's .grad "
                    "becomes (type it). Step forward with › to get the next question.",
    "node": "Which node runs next? Click it in the graph.",
    "answer": "Answer", "grad_placeholder": "e.g. tensor([1., 2.])",
    "right": "✓ right", "wrong": "✗ not quite",
}


def backward_quiz(pass_data):
    """The questions of a predicted backward pass (JSON-ready).

    Parameters
    ----------
    pass_data : dict
        One :class:`gradnb.viz.schema.Pass` (``BackwardTrace.to_json()["passes"][i]``).

    Returns
    -------
    dict
        ``questions``: ``{step: {"kind": "node" | "grad", "prompt"}}`` (keys are step
        indices as strings) -- a "node" question before each node that runs, a "grad"
        question before each accumulation into a leaf's ``.grad``; ``texts``.
    """
    labels = {n["id"]: n["label"] for n in pass_data["graph"]["nodes"]}
    questions = {}
    for step in pass_data["steps"]:
        if step["kind"] == "node":
            questions[str(step["index"])] = {"kind": "node", "prompt": BACKWARD_TEXTS["node"]}
        elif step["kind"] == "accumulate" and step.get("target") in labels:
            leaf = labels[step["target"]]
            questions[str(step["index"])] = {
                "kind": "grad",
                "prompt": f"What will {leaf}.grad be after this step? "
                          f"(It was {step.get('before') or 'None'}.)"}
    return {"questions": questions, "texts": BACKWARD_TEXTS}


def answer_step(pass_data, step_index, answer):
    """Judge the answer to the question before step ``step_index``.

    Returns
    -------
    dict
        ``right`` (bool) and ``text``: the verdict and what really happens (the step's
        caption, as the animation says it).
    """
    step = pass_data["steps"][step_index]
    labels = {n["id"]: n["label"] for n in pass_data["graph"]["nodes"]}
    if step["kind"] == "node":
        right = answer == step["node"]
        said = labels.get(answer, answer or "nothing")
        if said == labels.get(step["node"]) and not right:
            said = f"another {said}"
        truth = f"{step['text']}" if right else f"you chose {said}; {step['text']}"
    else:
        right = _same_grad(answer or "", step.get("after"))
        truth = step["text"]
    verdict = BACKWARD_TEXTS["right"] if right else BACKWARD_TEXTS["wrong"]
    return {"right": right, "text": f"{verdict}: {truth}"}
