"""The live inspector: a table of tensors that follows the user's cells.

:class:`Inspector` decides which tensors to show (variable names, tensors passed in, or
every tensor in the namespace) and builds one JSON row per tensor; :class:`InspectorWidget`
ships the rows to ``static/inspector.js``. The inspector holds no tensor strongly: it looks
names up again at each refresh and keeps only weak references, so watching a tensor never
keeps it alive. A watched name that holds no tensor (not defined yet, deleted, bound to
something else) keeps its row, marked pending; a tensor passed in disappears with it.

Refreshing runs after every cell, so it is built to cost little: a row is rebuilt only
when something it shows changed (version counter, flags, ``grad_fn``, ``.grad``), which
keeps a refresh with 1,000 tensors in the namespace to a few milliseconds.
"""

import html
import json
import re
import warnings
import weakref

import traitlets

from . import assets
from .base import ViewWidget
from ..viz import _values
from ..viz.source import describe_value, is_any_tensor, source_of

__all__ = ["COLUMNS", "tensor_row", "Inspector", "InspectorWidget"]

# (key, title, monospace): the table's columns, in order
COLUMNS = [
    {"key": "name", "title": "name", "mono": True},
    {"key": "shape", "title": "shape", "mono": True},
    {"key": "dtype", "title": "dtype", "mono": True},
    {"key": "requires_grad", "title": "requires_grad", "mono": False},
    {"key": "is_leaf", "title": "is_leaf", "mono": False},
    {"key": "grad_fn", "title": "grad_fn", "mono": True},
    {"key": "grad", "title": "grad", "mono": True},
]
GRAD_CHARS = 60  # the grad column shows a one-line repr cut to this length


def _visible_grad(src, t):
    # A non-leaf's .grad is None (reading it warns) unless it retains its grad; the
    # inspector must not make warnings appear in the user's cells.
    return src.grad(t) if src.is_leaf(t) or src.retains_grad(t) else None


def grad_summary(t):
    """One line for a tensor's ``.grad``: ``None``, or its repr with its history
    (summed over several passes, stale after an in-place change).

    Call inside :func:`gradnb.viz._values.summary_printoptions` when formatting many.
    """
    src = source_of(t)
    grad = _visible_grad(src, t)
    if grad is None:
        return "None"
    text = _values.one_line(src.value_text(grad), GRAD_CHARS)
    passes, stale = src.grad_history(t)
    if stale:
        cause = src.stale_cause(t)
        return f"{text} (stale: updated by {cause} since this .grad was computed)" if cause \
            else f"{text} (stale: the tensor changed in place since this .grad was computed)"
    return f"{text} (sum of {passes} passes)" if passes > 1 else text


def tensor_row(name, t):
    """The inspector's row for tensor ``t`` shown as ``name`` (strings and booleans)."""
    src = source_of(t)
    return {
        "name": name,
        "shape": _values.shape_text(src.shape(t)),
        "dtype": src.dtype_text(t),
        "requires_grad": str(src.requires_grad(t)),
        "is_leaf": str(src.is_leaf(t)),
        "grad_fn": str(src.grad_fn_name(t)),
        "grad": grad_summary(t),
    }


def pending_row(name, value):
    """The row of a watched name that holds no tensor now: not defined yet, or bound to
    something else (its columns stay empty until a tensor is bound)."""
    what = "not defined yet" if value is UNDEFINED else \
        "None" if value is None else f"{describe_value(value)}, not a tensor"
    row = dict.fromkeys((c["key"] for c in COLUMNS), "")
    row.update(name=name, grad=f"(pending: {what})", pending=True)
    return row


def _state(t):
    """``(grad, signature)``: what a row depends on, cheap to read and to compare. The
    grad itself is compared by identity, through a weak reference (see _Entry)."""
    src = source_of(t)
    grad = _visible_grad(src, t)
    return grad, (src.version(t), src.requires_grad(t), src.grad_fn_name(t), src.shape(t),
                  src.dtype_text(t), None if grad is None else src.version(grad),
                  src.grad_history(t))


class _Entry:
    """A cached row and what it was built from (weakly)."""

    __slots__ = ("tensor", "grad", "signature", "row")

    def __init__(self, t, row):
        grad, self.signature = _state(t)
        self.tensor = weakref.ref(t)
        self.grad = None if grad is None else weakref.ref(grad)
        self.row = row

    def matches(self, t):
        """True when the row built earlier still shows ``t`` as it is now."""
        if self.tensor() is not t:
            return False
        grad, signature = _state(t)
        if grad is None:
            return self.grad is None and signature == self.signature
        return self.grad is not None and self.grad() is grad and signature == self.signature


class Inspector:
    """Which tensors to show, and their rows.

    Parameters
    ----------
    namespace : dict
        Where names are looked up (the notebook's globals).
    names : sequence of str
        Variable names (``x``), or paths (``model.fc.weight``, ``deep.0.weight``,
        ``v.grad``, ``params[0]``: see :func:`parse_path`) to show. A name that holds no
        tensor yet has a row marked pending.
    tensors : sequence of Tensor
        Tensors to show whatever they are called (held weakly).
    everything : bool
        Show every tensor bound to a public name in ``namespace``, including later ones.
    """

    def __init__(self, namespace, names=(), tensors=(), everything=False):
        self.namespace = namespace
        self.names = list(names)
        self.tensor_refs = [weakref.ref(t) for t in tensors]
        self.everything = everything
        self.rows = []
        self._cache = {}
        self._shown = set()  # ids of the tensors in self.rows
        self.refresh()

    def targets(self):
        """``(name, tensor)`` pairs to show now, in a stable order."""
        if self.everything:
            return [(name, value) for name, value in self.namespace.items()
                    if is_any_tensor(value) and not name.startswith("_")]
        # a name that holds no tensor (yet) keeps its row, marked pending
        pairs = [(name, resolve(self.namespace, name)) for name in self.names]
        for i, ref in enumerate(self.tensor_refs):
            t = ref()
            if t is not None:
                pairs.append((self._name_of(t, i), t))
        return pairs

    def _name_of(self, t, i):
        for name, value in self.namespace.items():
            if value is t and not name.startswith("_"):
                return name
        return f"(tensor {i + 1})"

    def refresh(self):
        """Rebuild the rows that changed.

        Returns
        -------
        bool
            True when the table changed.
        """
        pairs = self.targets()
        cache, rows, changed = {}, [], len(pairs) != len(self.rows)
        with _values.summary_printoptions():
            for i, (name, t) in enumerate(pairs):
                if not is_any_tensor(t):
                    row = pending_row(name, t)
                    changed = changed or self.rows[i] != row
                    rows.append(row)
                    continue
                entry = self._cache.get(name)
                if entry is None or not entry.matches(t):
                    entry = _Entry(t, tensor_row(name, t))
                    changed = True
                elif not changed and self.rows[i] is not entry.row:
                    changed = True  # same rows, new order
                cache[name] = entry
                rows.append(entry.row)
        self._cache, self.rows = cache, rows
        self._shown = {id(t) for _, t in pairs if is_any_tensor(t)}
        return changed

    def shows(self, tensor):
        """True when ``tensor`` has a row."""
        return id(tensor) in self._shown

    def text(self):
        """The table as aligned text (deterministic: rows in namespace order)."""
        table = [[c["title"] for c in COLUMNS]]
        table += [[row[c["key"]] for c in COLUMNS] for row in self.rows]
        widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip()
                 for r in table]
        if not self.rows:
            lines.append("(no tensors to show)")
        return "gradnb inspector\n" + "\n".join(lines)

    def svg(self):
        """The table as a static SVG picture: one ``<text>`` per cell at its column's x
        (an HTML page collapses the runs of spaces a single line would align columns
        with), monospace, escaped."""
        table = [[c["title"] for c in COLUMNS]]
        table += [[row[c["key"]] for c in COLUMNS] for row in self.rows]
        # 7.8 px a character: a little over 0.6 em of 12 px, for any monospace font
        char_w, line_h, gap, pad = 7.8, 16, 2, 8
        widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
        xs = [pad]
        for w in widths[:-1]:
            xs.append(xs[-1] + (w + gap) * char_w)
        lines = ['<text x="8" y="16" font-weight="bold">gradnb inspector</text>']
        for i, row in enumerate(table):
            y = line_h * (i + 2)
            bold = ' font-weight="bold"' if i == 0 else ""
            lines += [f'<text x="{x:g}" y="{y}"{bold}>{html.escape(cell)}</text>'
                      for x, cell in zip(xs, row) if cell]
        if not self.rows:
            lines.append(f'<text x="8" y="{line_h * 3}">(no tensors to show)</text>')
        width = int(xs[-1] + widths[-1] * char_w) + pad
        height = line_h * (len(table) + 1 + (not self.rows)) + 12
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="12">'
                f'<rect width="100%" height="100%" fill="white"/>{"".join(lines)}</svg>')


# a watched path: a name, then attributes (digits too: deep.0.weight, as graphs label
# a Sequential's parameters) and constant indexing ([0], [-1], ['key'])
_HEAD = re.compile(r"\s*([A-Za-z_]\w*)")
_STEP = re.compile(r"\s*(?:\.\s*(\w+)|\[\s*(-?\d+|'[^'\]]*'|\"[^\"\]]*\")\s*\])")


def parse_path(path):
    """``(head, steps)`` of a watched path such as ``deep.0.weight``, ``v.grad`` or
    ``params[1]``, each step ``("attr", name)`` or ``("index", key)``; None when
    ``path`` is not one (watching evaluates no calls or operators: it runs after every
    cell)."""
    match = _HEAD.match(path)
    if match is None:
        return None
    head, pos, steps = match.group(1), match.end(), []
    while pos < len(path.rstrip()):
        match = _STEP.match(path, pos)
        if match is None:
            return None
        attr, key = match.groups()
        if attr is not None:
            steps.append(("attr", attr))
        else:
            steps.append(("index", int(key) if key[0] not in "'\"" else key[1:-1]))
        pos = match.end()
    return head, steps


UNDEFINED = object()     # what resolve() gives for a path that names nothing (yet)
_UNDEFINED = UNDEFINED


def resolve(namespace, path):
    """The object a watched path (see :func:`parse_path`) names now, or
    :data:`UNDEFINED`. Reading ``.grad`` of a non-leaf warns in PyTorch: not here."""
    parsed = parse_path(path)
    if parsed is None:
        return UNDEFINED
    head, steps = parsed
    value = namespace.get(head, _UNDEFINED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind, key in steps:
            if value is _UNDEFINED:
                break
            value = _step(value, kind, key)
    return value


def _step(value, kind, key):
    try:
        if kind == "attr":
            if key.isdigit() and not hasattr(value, key):
                return value[int(key)]     # deep.0 on a list-like container
            return getattr(value, key)
        return value[key]
    except Exception:       # anything a user object raises means: nothing there (yet)
        return _UNDEFINED


def _rows_to_json(rows, widget):
    return json.dumps(rows)


class InspectorWidget(ViewWidget):
    """Widget showing an :class:`Inspector`; refreshed through :mod:`gradnb.ipython.hooks`."""

    _esm = assets.esm("inspector")
    columns = traitlets.List(traitlets.Dict(), default_value=COLUMNS).tag(sync=True)
    # Sent as one JSON string: ipywidgets walks every dict of a list looking for binary
    # buffers, which costs more than building 1,000 rows (the state is JSON all the same).
    # No per-element trait either: validating 1,000 dicts would also cost more.
    rows = traitlets.List().tag(sync=True, to_json=_rows_to_json)       # the table now
    then = traitlets.List().tag(sync=True, to_json=_rows_to_json)       # at its own cell

    def __init__(self, inspector, **kwargs):
        self.inspector = inspector
        super().__init__(rows=inspector.rows, then=list(inspector.rows), **kwargs)

    def refresh(self):
        """Bring the table up to date; sends nothing when nothing changed."""
        if self.inspector.refresh():
            self.rows = list(self.inspector.rows)
            self.note_change(self.rows == self.then)

    def on_flag_change(self, tensor):
        """A tensor's flags changed in place (``requires_grad_()``): update now if shown."""
        if self.inspector.shows(tensor):
            self.refresh()

    def fallback_svg(self):
        return self.inspector.svg()

    def fallback_text(self):
        return self.inspector.text()
