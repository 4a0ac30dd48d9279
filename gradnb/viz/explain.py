"""Why an autograd error happened: the model of the "why" panel shown under a failed cell.

:func:`explain` takes an exception raised by autograd (gradnb's or real PyTorch's: the
views read both through :mod:`gradnb.viz.source`) and its traceback, and returns an
:class:`Explanation`: one or two plain sentences, the usual fixes, and the graph of the
tensors involved with the culprit highlighted. It knows these errors (:data:`KINDS`):

========================  ==========================================================
``no_grad_fn``            backward from a result that does not require grad: the
                          result is highlighted, its pruned inputs show why
``freed``                 backward a second time: the nodes whose saved values the
                          first backward freed
``leaf_inplace``          an in-place op on a leaf that requires grad: the leaf
``version``               a saved tensor changed in place: the node that saved it,
                          with the version it saved and the version now
``not_scalar``            backward from a non-scalar without ``gradient``: the result
``numpy``                 ``numpy()`` on a tensor that requires grad: that tensor
``inference``             an inference tensor used where autograd must save it
========================  ==========================================================

The tensors involved are found without any help from the library: in the locals of
the library's frames of the traceback (``self`` of ``Tensor.backward``) and among the
names on the user's failing line (``w.add_(1)``; torch's C++ methods leave no Python
frame). Nothing here runs on the success path. Every display string is built here; the
widget (:mod:`gradnb.widgets.explain_view`) and the static SVG/text only place them.
"""

import io
import linecache
import tokenize
import warnings

from .model import GraphModel
from .source import source_of

__all__ = ["KINDS", "classify", "explain", "Explanation", "library_frame"]

# (kind, a fragment of PyTorch's message that identifies it), checked in order
KINDS = (
    ("no_grad_fn", "does not require grad and does not have a grad_fn"),
    ("freed", "Trying to backward through the graph a second time"),
    ("leaf_inplace", "a leaf Variable that requires grad is being used in an in-place"),
    ("version", "has been modified by an inplace operation"),
    ("not_scalar", "grad can be implicitly created only for scalar outputs"),
    ("numpy", "Can't call numpy() on Tensor that requires grad"),
    ("inference", "Inference tensors cannot be saved for backward"),
)

_LIBRARIES = ("gradnb", "torch")
_MAX_NODES = 60     # the panel shows the involved part; large graphs fold


def classify(exc):
    """The kind of autograd error ``exc`` is (a key of :data:`KINDS`), or None."""
    if not isinstance(exc, RuntimeError):
        return None
    message = str(exc)
    for kind, fragment in KINDS:
        if fragment in message:
            return kind
    return None


def library_frame(frame):
    """True for a frame of gradnb's or torch's own code (what the learner's traceback
    hides)."""
    module = frame.f_globals.get("__name__") or ""
    return module.split(".", 1)[0] in _LIBRARIES


class Explanation:
    """What the why panel shows (JSON-ready through :meth:`to_json`).

    Attributes
    ----------
    kind : str
        A key of :data:`KINDS`.
    error : str
        ``"RuntimeError: <PyTorch's message>"``.
    sentences : list of str
        Why, in plain words (one or two sentences).
    fixes : list of str
        The usual fixes.
    model : GraphModel or None
        The graph of the tensors involved.
    culprits : list of str
        Ids of the highlighted nodes of ``model``.
    """

    __slots__ = ("kind", "error", "sentences", "fixes", "model", "culprits")

    def __init__(self, kind, error, sentences, fixes, model=None, culprits=()):
        self.kind, self.error = kind, error
        self.sentences, self.fixes = list(sentences), list(fixes)
        self.model, self.culprits = model, list(culprits)

    def to_json(self):
        """``{kind, error, title, sentences, fixes, graph, culprits}``."""
        return {"kind": self.kind, "error": self.error, "title": "Why this error?",
                "sentences": self.sentences, "fixes": self.fixes,
                "graph": self.model.to_json() if self.model is not None else None,
                "culprits": self.culprits}

    def to_svg(self):
        """The graph with the culprit highlighted (empty string without a graph)."""
        return self.model.to_svg(highlight=self.culprits) if self.model is not None else ""

    def to_text(self):
        """Deterministic text: the sentences, the culprits, the fixes."""
        lines = ["Why this error? " + " ".join(self.sentences)]
        if self.model is not None and self.culprits:
            labels = [n["label"] for n in self.model.nodes if n["id"] in self.culprits]
            lines.append("culprit: " + ", ".join(labels))
        lines += ["fix: " + fix for fix in self.fixes]
        return "\n".join(lines)

    def __repr__(self):
        return self.to_text()


# -- finding the tensors involved -----------------------------------------------------------
class _Failure:
    """The tensors and nodes around a failure, from the traceback."""

    def __init__(self, tb, namespace):
        frames = []
        while tb is not None:
            frames.append((tb.tb_frame, tb.tb_lineno))
            tb = tb.tb_next
        user = [i for i, (f, _) in enumerate(frames) if not library_frame(f)
                and not (f.f_globals.get("__name__") or "").startswith("IPython")]
        last = user[-1] if user else None
        self.namespace = dict(namespace or {})
        self.line = ""
        self.candidates = []        # tensors and nodes, most telling first
        if last is not None:
            frame, lineno = frames[last]
            self.namespace.update(frame.f_globals)
            self.namespace.update(frame.f_locals)
            self.line = linecache.getline(frame.f_code.co_filename, lineno).strip()
        inner = frames[last + 1:] if last is not None else frames
        for frame, _ in inner:          # library frames, outermost first
            self._add_locals(frame.f_locals)
        if last is not None:
            self._add_line(frames[last][0])

    def _add(self, obj):
        if source_of(obj) is not None and all(obj is not c for c in self.candidates):
            self.candidates.append(obj)

    def _add_locals(self, local):
        first = local.get("self")
        if first is not None:
            self._add(first)
        for value in list(local.values()):
            if isinstance(value, (tuple, list)):
                for v in value[:8]:
                    self._add(v)
            else:
                self._add(value)

    def _add_line(self, frame):
        """Tensors named on the failing line (``w`` and ``model.fc.weight``)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for chain in _name_chains(self.line):
                obj = frame.f_locals.get(chain[0], frame.f_globals.get(chain[0]))
                for attr in chain[1:]:
                    if obj is None or source_of(obj) is not None:
                        break
                    obj = getattr(obj, attr, None)
                if obj is not None:
                    self._add(obj)

    def tensors(self):
        """The tensors found, most telling first."""
        return [c for c in self.candidates if source_of(c).is_tensor(c)]

    def first(self, test):
        for t in self.tensors():
            if test(source_of(t), t):
                return t
        return None


def _name_chains(line):
    """Dotted names on a line of code: ``w.add_(1)`` gives ``[["w", "add_"]]``."""
    chains, current, after_dot = [], None, False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line + "\n").readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return chains
    for tok in tokens:
        if tok.type == tokenize.NAME and after_dot and current is not None:
            current.append(tok.string)
        elif tok.type == tokenize.NAME:
            current = [tok.string]
            chains.append(current)
        elif not (tok.type == tokenize.OP and tok.string == "."):
            current = None
        after_dot = tok.type == tokenize.OP and tok.string == "."
    return chains


def _inplace_op(line):
    """The in-place operation on the failing line: ``add_()`` or ``+=``."""
    for chain in _name_chains(line):
        if chain[-1].endswith("_") and not chain[-1].startswith("_"):
            return f"{chain[-1]}()"
    for op in ("+=", "-=", "*=", "/=", "@=", "**="):
        if op in line:
            return op
    return "an in-place operation"


# -- the explanations -------------------------------------------------------------------------
def _graph(roots, failure):
    """The graph of ``roots``, keeping the object lookup (the culprits are found by
    object; :func:`explain` releases it)."""
    return GraphModel(roots, failure.namespace, _MAX_NODES, lookup=True)


def _ids(model, objects):
    lookup = model.objects()
    return [gid for gid in (lookup.gid(o) for o in objects) if gid is not None]


def _label(model, obj):
    gid = model.objects().gid(obj)
    for node in model.nodes:
        if node["id"] == gid:
            return node["label"]
    return "this tensor"


def _walk(src, root):
    """Every node reachable from ``root``'s grad_fn (few: the involved graph)."""
    edge = src.grad_edge(root)
    todo, seen, out = [edge[0]] if edge else [], set(), []
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        todo.extend(n for n, _ in src.next_functions(node))
    return out


def _backward_root(failure):
    """The tensor backward was called on: ``self`` of the library's ``backward``."""
    tensors = failure.tensors()
    return tensors[0] if tensors else None


def _no_grad_fn(failure):
    root = _backward_root(failure)
    if root is None:
        return None
    model = _graph([root], failure)
    name = _label(model, root)
    record = next(n for n in model.nodes if n["id"] == model.objects().gid(root))
    src = source_of(root)
    if src.is_leaf(root) and record.get("reason") in (None, "constant"):
        why = (f"{name} is a leaf created with requires_grad=False: a constant, so "
               f"there is nothing to differentiate.")
    else:
        why = (f"{name} was computed outside autograd ({record.get('reason_text', 'pruned')}"
               "), so autograd kept no record of how it was made.")
    constants = [n["id"] for n in model.nodes if n.get("reason") == "constant"]
    return model, [record["id"]] + constants, [
        f"backward() needs a result with a grad_fn; {why}",
        "No input on its path requires grad: the greyed part of the graph is what "
        "autograd pruned, each box with its reason."], [
        "Create the tensors you want gradients for with requires_grad=True (or call "
        ".requires_grad_() on them before the computation).",
        "Compute outside torch.no_grad() / torch.inference_mode(), and without "
        ".detach(), when you need gradients.",
        "If no gradient is needed here, do not call backward()."]


def _freed(failure):
    root = _backward_root(failure)
    if root is None:
        return None
    src = source_of(root)
    model = _graph([root], failure)
    freed = [n for n in _walk(src, root) if src.freed(n)]
    names = ", ".join(sorted({src.node_name(n) for n in freed})) or "its nodes"
    return model, _ids(model, freed), [
        f"The first backward through this graph freed the values {names} saved for it "
        "(to save memory), so a second backward has nothing to compute with."], [
        "Pass retain_graph=True to the first backward() when you really need to go "
        "through the same graph twice.",
        "Or run the forward pass again before each backward (as a training loop does)."]


def _leaf_inplace(failure):
    leaf = failure.first(lambda s, t: s.is_leaf(t) and s.requires_grad(t))
    if leaf is None:
        return None
    model = _graph([leaf], failure)
    name = _label(model, leaf)
    op = _inplace_op(failure.line)
    return model, _ids(model, [leaf]), [
        f"{name} is a leaf that requires grad: its .grad is computed with respect to the "
        f"value it has now, so autograd refuses to change that value in place ({op})."], [
        f"Update it inside `with torch.no_grad():` (as optimizers do), e.g. "
        f"`with torch.no_grad(): {name} -= lr * {name}.grad`.",
        f"Or compute a new tensor instead: `{name} + 1` (out of place) is not a leaf "
        "and may be changed freely."]


def _version(failure):
    root = _backward_root(failure)
    if root is None:
        return None
    src = source_of(root)
    stale = [(n, src.stale_saved(n)) for n in _walk(src, root)]
    stale = [(n, s) for n, s in stale if s]
    model = _graph([root], failure)
    said = [f"{src.node_name(n)} saved {name} at version {then}; it is now at version {now}"
            for n, entries in stale for name, then, now in entries]
    return model, _ids(model, [n for n, _ in stale]), [
        "A value saved for backward was changed in place after it was saved: "
        + ("; ".join(said) if said else "its version counter moved on") + ".",
        "The gradient would be computed from the new value, not the one the forward "
        "pass used, so autograd stops."], [
        "Use the out-of-place form (`y = y + 1` instead of `y += 1` or `y.add_(1)`).",
        "Or modify a copy (`y = y.clone()` first), or make the change after backward()."]


def _not_scalar(failure):
    root = failure.first(lambda s, t: len(s.shape(t)) > 0)
    if root is None:
        return None
    src = source_of(root)
    model = _graph([root], failure)
    name = _label(model, root)
    shape = list(src.shape(root))
    return model, _ids(model, [root]), [
        f"{name} has shape {shape}, not a single number: backward() can start from 1 only "
        "for a scalar; for more elements it must be told how much each one counts."], [
        f"Reduce it first: `{name}.sum().backward()` (or the mean, as a loss does).",
        f"Or pass the weights: `{name}.backward(gradient=torch.ones_like({name}))`."]


def _numpy(failure):
    tensor = failure.first(lambda s, t: s.requires_grad(t))
    if tensor is None:
        return None
    model = _graph([tensor], failure)
    name = _label(model, tensor)
    return model, _ids(model, [tensor]), [
        f"{name} requires grad; numpy() would hand out its values outside autograd's "
        "sight, so PyTorch wants you to leave the graph explicitly."], [
        f"`{name}.detach().numpy()` (a view of the values, not tracked).",
        "Or compute the value under `torch.no_grad()` when no gradient is needed."]


def _inference(failure):
    tensors = failure.tensors()
    culprits = [t for t in tensors if source_of(t).is_inference(t)]
    if not tensors:
        return None
    model = _graph(tensors[:4], failure)
    names = ", ".join(_label(model, t) for t in culprits) or "an input"
    return model, _ids(model, culprits), [
        f"{names} was made under torch.inference_mode(): an inference tensor has no "
        "version counter, so autograd cannot save it to compute a gradient later."], [
        "Use torch.no_grad() instead of torch.inference_mode() for tensors you will use "
        "with autograd later.",
        "Or make a normal copy outside inference mode: `a = a.clone()`."]


_EXPLAIN = {"no_grad_fn": _no_grad_fn, "freed": _freed, "leaf_inplace": _leaf_inplace,
            "version": _version, "not_scalar": _not_scalar, "numpy": _numpy,
            "inference": _inference}


def explain(exc, tb=None, namespace=None):
    """The :class:`Explanation` of an autograd error, or None for other exceptions.

    Parameters
    ----------
    exc : BaseException
        The exception raised (gradnb's or torch's).
    tb : traceback, optional
        Its traceback (default ``exc.__traceback__``): the tensors involved are found in
        its frames.
    namespace : dict, optional
        Where tensor names come from (the failing frame's names are added).

    Returns
    -------
    Explanation or None
    """
    kind = classify(exc)
    if kind is None:
        return None
    failure = _Failure(tb if tb is not None else exc.__traceback__, namespace)
    found = _EXPLAIN[kind](failure)
    error = f"{type(exc).__name__}: {exc}"
    if found is None:       # the tensors could not be found: the words alone
        return Explanation(kind, error, [_FALLBACK[kind]], [])
    model, culprits, sentences, fixes = found
    model.release_objects()
    return Explanation(kind, error, sentences, fixes, model, culprits)


_FALLBACK = {
    "no_grad_fn": "backward() was called on a result that does not require grad: no "
                  "input on its path requires grad.",
    "freed": "The first backward freed the values this graph saved.",
    "leaf_inplace": "A leaf that requires grad cannot be changed in place.",
    "version": "A value saved for backward was changed in place after it was saved.",
    "not_scalar": "backward() without gradient= works only from a single number.",
    "numpy": "numpy() would leave the graph silently; use .detach().numpy().",
    "inference": "A tensor made under inference_mode() cannot be saved for backward.",
}
