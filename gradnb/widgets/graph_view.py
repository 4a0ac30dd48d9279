"""The graph view: the computation behind one or more tensors, kept up to date.

:class:`GraphView` does the work with :mod:`gradnb.viz` (build the model, rebuild it after
a later cell that changed what it shows, render the fallbacks); :class:`GraphWidget` only
carries its JSON to the browser (``static/graph.js`` draws it, with pan/zoom, hover and
the pruning reasons).
"""

import traitlets

from . import assets
from .base import ViewWidget
from .live import LIVE
from ..viz.model import DEFAULT_MAX_NODES

__all__ = ["GraphView", "GraphWidget"]


class GraphView:
    """A :class:`gradnb.viz.GraphModel` and the JSON last sent for it.

    Parameters
    ----------
    roots : sequence of Tensor
        The tensors whose computation is drawn.
    namespace : dict, optional
        Where tensor names come from (found by identity), e.g. the notebook's globals.
    max_nodes : int or None
        Larger graphs are collapsed by :mod:`gradnb.viz` (None: never).
    labels : sequence of str, optional
        A label per root (the expression the user wrote).
    """

    def __init__(self, roots, namespace=None, max_nodes=DEFAULT_MAX_NODES, labels=None):
        from .. import viz
        self.model = viz.build_graph(*roots, namespace=namespace, max_nodes=max_nodes,
                                     labels=labels)
        self.data = self.model.to_json()

    def refresh(self):
        """Re-read the tensors (gradients computed since, names bound since). Cheap when
        nothing the picture shows changed: viz then skips the rebuild (it compares a
        signature, see :mod:`gradnb.viz.signature`) and keeps its JSON object.

        Returns
        -------
        bool
            True when the picture changed.
        """
        data = self.model.refresh().to_json()
        if data is self.data:
            return False            # not rebuilt: nothing changed, or a root is gone
        # rebuilt, yet perhaps the same picture (a name bound, then unbound): send nothing
        changed = data != self.data
        self.data = data
        return changed

    @property
    def alive(self):
        """False once a root was garbage-collected: the picture can no longer change."""
        return self.model.alive

    def svg(self):
        """Static SVG picture."""
        return self.model.to_svg()

    def text(self):
        """Deterministic text summary."""
        return self.model.to_text()


class GraphWidget(ViewWidget):
    """Widget showing a :class:`GraphView`; refreshed through :mod:`gradnb.ipython.hooks`.

    ``then`` keeps the picture of the view's own cell, which the browser shows until
    the reader asks for ``graph``, the picture now (see :class:`ViewWidget`). The static
    SVG in the mimebundle is the picture of its own cell too."""

    _esm = assets.esm("graph")
    graph = traitlets.Dict().tag(sync=True)    # the picture now
    then = traitlets.Dict().tag(sync=True)     # the picture as of the view's own cell

    def __init__(self, view, **kwargs):
        self.view = view
        super().__init__(graph=view.data, then=view.data, **kwargs)

    def refresh(self):
        """Bring the picture up to date; sends nothing when nothing changed."""
        if self.view.refresh():
            self.graph = self.view.data
            self.note_change(self.graph == self.then)
        if not self.view.alive:
            LIVE.discard(self)      # nothing left to follow

    def fallback_svg(self):
        return self.view.svg()

    def fallback_text(self):
        return self.view.text()
