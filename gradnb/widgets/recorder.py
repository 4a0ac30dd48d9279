"""``gradnb.trace()``: record every backward pass in a block, then replay each one.

A thin layer over :func:`gradnb.viz.trace`: it adds one :class:`AnimationWidget` per
recorded pass, shown one after the other when the recorder is displayed.
"""

from .animation import AnimationWidget, Replay
from ..viz.model import DEFAULT_MAX_NODES

__all__ = ["TraceRecorder"]


class TraceRecorder:
    """Context manager recording the backward passes run inside it.

    Parameters
    ----------
    namespace : dict, optional
        Where tensor names come from.
    max_nodes : int or None
        Larger graphs are collapsed (None: never).

    Examples
    --------
    >>> with gradnb.trace() as recording:      # doctest: +SKIP
    ...     loss.backward()
    >>> recording                               # one replay per pass  # doctest: +SKIP
    """

    def __init__(self, namespace=None, max_nodes=DEFAULT_MAX_NODES):
        self.namespace = namespace
        self.max_nodes = max_nodes
        self.trace = None     # the gradnb.viz BackwardTrace, once entered
        self._widgets = None

    def __enter__(self):
        from .. import viz
        self.trace = viz.trace(namespace=self.namespace, max_nodes=self.max_nodes)
        self.trace.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self.trace.__exit__(*exc_info)

    @property
    def passes(self):
        """The recorded passes (as :func:`gradnb.viz.trace` gives them)."""
        return [] if self.trace is None else list(self.trace.passes)

    def replays(self):
        """One :class:`Replay` per recorded pass."""
        return [Replay(self.trace, i) for i in range(len(self.passes))]

    def widgets(self):
        """One animation widget per pass (made once, then the same ones)."""
        if self._widgets is None or len(self._widgets) != len(self.passes):
            self._widgets = [AnimationWidget(r, title=f"backward pass {r.pass_index + 1}")
                             for r in self.replays()]
        return self._widgets

    def text(self):
        """Deterministic text of every pass."""
        if self.trace is None:
            return "gradnb trace: not started"
        return self.trace.to_text()

    def __repr__(self):
        return self.text()

    def _ipython_display_(self):
        from IPython.display import display
        widgets = self.widgets()
        if not widgets:
            display(_Text(self.text()))
        for w in widgets:
            display(w)


class _Text:
    """Something IPython displays as plain text."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

