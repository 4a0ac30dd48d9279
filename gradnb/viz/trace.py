"""Recording backward passes step by step: :class:`BackwardTrace`, :func:`record_backward`
and the :func:`trace` context manager.

A trace listens to the events of every loaded library's backward passes
(``Source.observe``, see :mod:`gradnb.viz.source`: gradnb's engine, and real PyTorch's
when the user imported it). On each
pass's ``begin`` it builds the graph of the roots as they are at that moment, before
anything runs or is freed, and from then on turns every event into a step
(:class:`gradnb.viz.schema.Step`) that names graph ids: the node that runs and the
gradient it received, what it sends along each edge (after unbroadcasting), gradients
adding up at fan-out points, ``+=`` into leaves' ``.grad`` with before/after values,
hooks, and PyTorch's error if the pass fails. Event arrays are live, so each is
summarised into text at once; a trace holds no tensor.
"""

import warnings

from . import schema
from ._values import one_line, summary_printoptions
from .describe import edge_hover, grad_line, node_hover
from .model import DEFAULT_MAX_NODES, GraphModel
from .source import source_for, sources_loaded
from .svg import render_graph, stack_svgs
from .text import step_caption, step_values, trace_text

__all__ = ["BackwardTrace", "TracePass", "record_backward", "trace", "short_value"]

_LINE_CHARS = 60     # gradient text inside a step's one-line description


SHORT_CHARS = 14     # a gradient written on an edge of the animation


def short_value(text):
    """A gradient's repr made short enough to sit on an edge: ``tensor([5.])`` ->
    ``[5.]``, ``tensor(2.)`` -> ``2.``, cut to :data:`SHORT_CHARS` with an ellipsis."""
    text = " ".join(text.split())
    if text.startswith("tensor(") and text.endswith(")"):
        text = text[len("tensor("):-1]
        cut = text.find(", grad_fn=")
        text = text if cut < 0 else text[:cut]
        cut = text.find(", dtype=")
        text = text if cut < 0 else text[:cut]
    return one_line(text, SHORT_CHARS)


def _error_text(exc):
    return f"{type(exc).__name__}: {exc}"


def _callable_name(fn):
    return getattr(fn, "__qualname__", None) or type(fn).__name__


class TracePass:
    """One backward pass: the graph just before it ran, its steps, and its error.

    Attributes
    ----------
    index : int
    graph : GraphModel
    steps : list of dict
        :class:`gradnb.viz.schema.Step` records, in the engine's order.
    error : str or None
        ``"RuntimeError: ..."`` if the pass failed (the exception itself is the
        trace's ``error``).
    """

    def __init__(self, index, graph):
        self.index, self.graph = index, graph
        self.steps, self.error = [], None
        self._edge_uses = {}     # (id(node), id(next), nr) -> edge events seen so far
        self._labels = self._edges = None

    def to_json(self):
        """This pass as :class:`gradnb.viz.schema.Pass`."""
        return {"index": self.index, "graph": self.graph.to_json(), "steps": self.steps,
                "error": self.error}

    def label(self, gid):
        """How steps name node ``gid``: its label, ``AccumulateGrad of w`` for a leaf's
        accumulator (``"?"`` for objects not in the graph)."""
        node = self._record(gid)
        if node is None:
            return "?" if gid is None else gid
        leaf = self._record(node.get("leaf"))
        return f"AccumulateGrad of {leaf['label']}" if leaf is not None else node["label"]

    def add(self, kind, text, **fields):
        step = {"index": len(self.steps), "kind": kind, "node": None, "edge": None,
                "target": None, "rule": None, "grad": None, "before": None, "after": None,
                "error": None, "text": text}
        step.update(fields)
        # what the picture writes: the gradient on an edge, shortened (the caption and
        # the hover have it whole), and a leaf's box line once its .grad changed
        step["short"] = None if step["grad"] is None else short_value(step["grad"])
        step["values"] = step_values(step)
        step["box"] = step["hover"] = None
        if kind == schema.STEP_ACCUMULATE and step["after"] is not None:
            state = schema.GRAD_FRESH if step["before"] is None else schema.GRAD_ACCUMULATED
            step["box"] = grad_line(state, step["after"])
            target = self._record(step["target"])
            if target is not None and target["kind"] == schema.TENSOR:
                step["hover"] = node_hover(target, (state, step["after"]))
        elif kind == schema.STEP_EDGE and step["short"] is not None:
            edge = self._edge_records().get(step["edge"])
            if edge is not None:
                step["hover"] = edge_hover(edge, {n["id"]: n["label"] for n in self.graph.nodes},
                                           step["short"])
        step["caption"] = None
        self.steps.append(step)
        if kind == schema.STEP_END:     # the pass is over: the step count is known
            for k, each in enumerate(self.steps):
                each["caption"] = step_caption(k, len(self.steps), each["text"])
        return step

    def _record(self, gid):
        if self._labels is None:
            self._labels = {n["id"]: n for n in self.graph.nodes}
        return self._labels.get(gid)

    def _edge_records(self):
        if self._edges is None:
            self._edges = {e["id"]: e for e in self.graph.edges}
        return self._edges

    def picture_state(self, step=None):
        """What the picture shows after ``step`` (None: after the last step):
        ``(highlight ids, edge texts, tensor gradient overrides, caption)``."""
        last = len(self.steps) - 1 if step is None else step
        if not -len(self.steps) <= last < len(self.steps):
            raise IndexError(f"step {step} out of range: this pass has {len(self.steps)} steps")
        last %= max(len(self.steps), 1)
        edge_text, grads = {}, {}
        for s in self.steps[:last + 1]:
            if s["kind"] == schema.STEP_EDGE and s["edge"] is not None:
                edge_text[s["edge"]] = s["short"]
            elif s["kind"] == schema.STEP_ACCUMULATE and s["target"] is not None:
                state = schema.GRAD_FRESH if s["before"] is None else schema.GRAD_ACCUMULATED
                grads[s["target"]] = (state, s["after"])
        if step is None:
            return set(), edge_text, grads, None
        current = self.steps[last]
        highlight = {current[k] for k in ("node", "edge", "target") if current[k] is not None}
        caption = step_caption(last, len(self.steps), current["text"])
        return highlight, edge_text, grads, caption


class _Recorder:
    """The observer of one library's backward passes: turns events into steps of the
    current pass."""

    def __init__(self, owner, roots_hint, src):
        self._owner = owner
        self._src = src
        self._roots_hint = roots_hint
        self._stack = []         # passes in progress (a hook may run a nested backward)

    def __call__(self, event, data):
        try:
            with summary_printoptions():
                getattr(self, "_on_" + event)(data)
        except Exception as exc:   # a recording bug must never break the user's backward
            warnings.warn(f"gradnb.viz could not record a backward step ({event}): "
                          f"{exc!r}", RuntimeWarning, stacklevel=2)

    # -- events -------------------------------------------------------------------------
    def _on_begin(self, data):
        hint = self._roots_hint
        self._roots_hint = None          # only the first pass comes from the caller
        if hint and source_for(hint) is not self._src:
            hint = None
        roots = hint or list(data.get("tensors") or
                             [tuple(edge) for edge in data["roots"]])
        graph = GraphModel(roots, self._owner._namespace, self._owner.max_nodes, lookup=True)
        p = TracePass(len(self._owner.passes), graph)
        self._owner.passes.append(p)
        self._stack.append(p)
        grads = [self._src.grad_text(g) for g in data["grads"]]
        names = ", ".join(p.label(r) for r in graph.to_json()["roots"])
        p.add(schema.STEP_BEGIN, f"backward from {names} with gradient "
              + "; ".join(one_line(g, _LINE_CHARS) for g in grads),
              node=graph.to_json()["roots"][0] if graph.to_json()["roots"] else None,
              grad=grads[0] if len(grads) == 1 else "; ".join(grads))

    def _on_node(self, data):
        p, node, src = self._stack[-1], data["node"], self._src
        gid = p.graph.objects().gid(node)
        name = src.node_name(node)
        rules = src.rule_lines(node)
        rule_line = f"{name}: " + "; ".join(rules) if rules else name
        grad = data["grad"]
        grad_text = None if grad is None else (
            "; ".join(src.grad_text(g) for g in grad if g is not None)
            if isinstance(grad, list) else src.grad_text(grad))
        p.add(schema.STEP_NODE, f"{name} runs with grad {one_line(str(grad_text), _LINE_CHARS)}",
              node=gid, rule=rule_line, grad=grad_text)

    def _on_edge(self, data):
        p, node, nxt, nr = self._stack[-1], data["node"], data["next"], data["output_nr"]
        src, lookup = self._src, p.graph.objects()
        inputs = [i for i, (n, k) in enumerate(src.next_functions(node))
                  if n is nxt and k == nr]
        key = (id(node), id(nxt), nr)
        use = p._edge_uses.get(key, 0)
        p._edge_uses[key] = use + 1
        index = inputs[min(use, len(inputs) - 1)] if inputs else 0
        edge, target = lookup.input_edge(node, index)
        grad = src.grad_text(data["grad"])
        p.add(schema.STEP_EDGE, f"{src.node_name(node)} sends "
              f"{one_line(grad, _LINE_CHARS)} back to {p.label(target)} (its input {index})",
              node=lookup.gid(node), edge=edge, target=target, grad=grad)

    def _on_fanout(self, data):
        p, text = self._stack[-1], self._src.grad_text
        before, grad = data["before"], data["grad"]
        after = text(self._src.add(before, grad))
        target = p.graph.objects().output(data["node"])
        p.add(schema.STEP_FANOUT, f"gradients add up at {p.label(target)}: "
              f"{one_line(text(before), 30)} + {one_line(text(grad), 30)}"
              f" = {one_line(after, 30)}",
              node=target, target=target, before=text(before), grad=text(grad),
              after=after)

    def _on_accumulate(self, data):
        p, node, tensor, src = self._stack[-1], data["node"], data["tensor"], self._src
        grad, before, text = data["grad"], data["before"], src.grad_text
        after = data["after"]           # the .grad the library wrote, as it reported it
        lookup = p.graph.objects()
        leaf = lookup.gid(tensor)
        before_text = None if before is None else text(before)
        p.add(schema.STEP_ACCUMULATE, f"{p.label(leaf)}.grad: "
              f"{one_line(str(before_text), 30)} + {one_line(text(grad), 30)}"
              f" = {one_line(text(after), 30)}",
              node=lookup.gid(node), target=leaf, grad=text(grad),
              before=before_text, after=text(after))

    def _on_retain(self, data):
        """``retain_grad()``: the gradient is copied (or added) into a non-leaf's .grad,
        shown as an accumulation into that tensor."""
        p, tensor, grad, before = self._stack[-1], data["tensor"], data["grad"], data["before"]
        lookup, text = p.graph.objects(), self._src.grad_text
        target = lookup.gid(tensor)
        if target is None:
            return
        after = data["after"]           # the .grad the engine wrote
        before_text = None if before is None else text(before)
        p.add(schema.STEP_ACCUMULATE, f"{p.label(target)}.grad (retain_grad): "
              f"{one_line(str(before_text), 30)} + {one_line(text(grad), 30)}"
              f" = {one_line(text(after), 30)}",
              node=lookup.gid(data["node"]), target=target, grad=text(grad),
              before=before_text, after=text(after))

    def _on_hook(self, data):
        p, node, src = self._stack[-1], data["node"], self._src
        lookup = p.graph.objects()
        on = lookup.gid(src.variable(node)) if src.is_accumulate(node) else \
            lookup.output(node)
        before = src.grad_text(data["grad"])
        after = before if data["result"] is None else src.grad_text(data["result"])
        p.add(schema.STEP_HOOK, f"hook {_callable_name(data['hook'])} on {p.label(on)}: "
              f"{one_line(before, 30)} -> {one_line(after, 30)}",
              node=on, grad=before, before=before, after=after)

    def _on_capture(self, data):
        p, node, src = self._stack[-1], data["node"], self._src
        lookup = p.graph.objects()
        gid = lookup.gid(src.variable(node)) if src.is_accumulate(node) else \
            lookup.output(node, data["output_nr"])
        grad = None if data["grad"] is None else src.grad_text(data["grad"])
        p.add(schema.STEP_CAPTURE, f"autograd.grad captures {one_line(str(grad), _LINE_CHARS)}"
              f" at {p.label(gid)}", node=gid, grad=grad)

    def _on_end(self, data):
        p = self._stack.pop()
        p.graph.release_objects()
        error = data["error"]
        if error is not None:
            p.error = _error_text(error)
            self._owner.error = error
            p.add(schema.STEP_ERROR, f"error: {p.error}", error=p.error)
        p.add(schema.STEP_END, "backward failed" if error is not None else "backward done")


class BackwardTrace:
    """Backward passes recorded step by step; also the context manager :func:`trace`
    returns (every pass run inside the ``with`` block is recorded).

    Attributes
    ----------
    passes : list of TracePass
    error : BaseException or None
        The exception of the last pass that failed.
    """

    def __init__(self, namespace=None, max_nodes=DEFAULT_MAX_NODES):
        from .naming import Namespace
        self._namespace = namespace if isinstance(namespace, Namespace) else Namespace(namespace)
        self.max_nodes = max_nodes
        self.passes, self.error = [], None
        self._handles = None

    # -- recording ----------------------------------------------------------------------
    def __enter__(self):
        return self._start(None)

    def _start(self, roots_hint):
        """Attach an observer to every loaded library; ``roots_hint`` (tensors) names the
        first pass's roots. Only the observers hold them, and only until a pass begins."""
        if self._handles is not None:
            raise RuntimeError("this trace is already recording")
        self._handles = [src.observe(_Recorder(self, roots_hint, src))
                         for src in sources_loaded()]
        return self

    def __exit__(self, *exc_info):
        self._stop()
        return False

    def _stop(self):
        for handle in self._handles:
            handle.remove()
        self._handles = None

    def _failed_before_begin(self, roots, exc):
        """backward raised before the engine started (e.g. the root does not require
        grad): a pass with the graph, the error and nothing run."""
        p = TracePass(len(self.passes), GraphModel(roots, self._namespace, self.max_nodes))
        p.error = _error_text(exc)
        self.error = exc
        p.add(schema.STEP_ERROR, f"error: {p.error}", error=p.error)
        p.add(schema.STEP_END, "backward failed")
        self.passes.append(p)

    # -- reading ------------------------------------------------------------------------
    def to_json(self):
        """The trace as :class:`gradnb.viz.schema.Trace`."""
        return {"schema": schema.SCHEMA_VERSION, "passes": [p.to_json() for p in self.passes]}

    def to_text(self):
        """Numbered steps of every pass, deterministic."""
        return trace_text(self.to_json())

    def to_svg(self, pass_index=0, step=None):
        """The picture of one pass at one step.

        Parameters
        ----------
        pass_index : int
        step : int, optional
            Index of the step shown (its node highlighted, gradients so far on the
            edges and in the leaves); None for the state after the whole pass.
        """
        p = self.passes[pass_index]
        highlight, edge_text, grads, caption = p.picture_state(step)
        return render_graph(p.graph.to_json(), highlight=highlight, edge_text=edge_text,
                            grad_text=grads, caption=caption)

    def _repr_svg_(self):
        if not self.passes:
            return None
        return stack_svgs([self.to_svg(i) for i in range(len(self.passes))])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": self.to_text()}
        svg = self._repr_svg_()
        if svg is not None:
            bundle["image/svg+xml"] = svg
        return bundle

    def __repr__(self):
        return f"<BackwardTrace: {len(self.passes)} passes>"


def record_backward(root, gradient=None, retain_graph=False, namespace=None,
                    raise_error=True, max_nodes=DEFAULT_MAX_NODES):
    """Run ``root.backward(gradient, retain_graph)`` and record it step by step.

    The graph is built before backward runs (backward frees saved values).

    Parameters
    ----------
    root : Tensor
    gradient : Tensor, optional
        Passed to ``backward`` (needed for non-scalar roots).
    retain_graph : bool
    namespace : Mapping, optional
        Where to find tensor names (e.g. ``globals()``).
    raise_error : bool
        If backward raises, re-raise after recording (default). With False the error
        is kept in ``trace.error`` and as the pass's last steps.
    max_nodes : int or None
        Collapse graphs above this size.

    Returns
    -------
    BackwardTrace
    """
    recorder = BackwardTrace(namespace, max_nodes)
    recorder._start([root])
    try:
        source_for([root]).run_backward(root, gradient, retain_graph)
    except Exception as exc:
        if not recorder.passes:
            recorder._failed_before_begin([root], exc)
        if raise_error:
            raise
        # kept, not raised: its traceback's frames would keep the tensors alive
        recorder.error = exc.with_traceback(None)
    finally:
        recorder._stop()
    return recorder


def trace(namespace=None, max_nodes=DEFAULT_MAX_NODES):
    """Record every backward pass run inside a ``with`` block.

    Examples
    --------
    >>> with gradnb.viz.trace(namespace=globals()) as tr:   # doctest: +SKIP
    ...     loss.backward()
    >>> tr.passes[0].steps[0]["kind"]                       # doctest: +SKIP
    'begin'

    Returns
    -------
    BackwardTrace
    """
    return BackwardTrace(namespace, max_nodes)
