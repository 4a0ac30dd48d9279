"""gradnb.viz: computations as plain data and static pictures, with no Jupyter involved.

What lives where:

* :mod:`~gradnb.viz.source`: THE interface through which everything here and in
  :mod:`gradnb.widgets` reads tensors, graph nodes and backward passes; implemented by
  :mod:`~gradnb.viz.source_gradnb` (gradnb's core) and :mod:`~gradnb.viz.source_torch`
  (real PyTorch, imported only once the user imported torch, with its recorder of what
  torch's autograd skipped). Only these two read a library's private state.
* :mod:`~gradnb.viz.schema`: the JSON contract the views read (``Graph``, ``Trace``).
* :mod:`~gradnb.viz.model`: :class:`GraphModel`, :func:`build_graph` / :func:`graph`.
* :mod:`~gradnb.viz.signature`: what a model's picture depends on, read cheaply so
  that a refresh rebuilds only when something it shows changed.
* :mod:`~gradnb.viz.trace`: :class:`BackwardTrace`, :func:`record_backward`, :func:`trace`.
* :mod:`~gradnb.viz.discover`: walking autograd and provenance from the roots.
* :mod:`~gradnb.viz.pruning`: what backward skips and what that saves (summary).
* :mod:`~gradnb.viz.collapse`, :mod:`~gradnb.viz.layout`: folding large graphs, and
  the layered layout (pure Python, deterministic).
* :mod:`~gradnb.viz.describe`, :mod:`~gradnb.viz.style`, :mod:`~gradnb.viz.svg`,
  :mod:`~gradnb.viz.text`: node records, palette and legend, SVG and text renderers.
* :mod:`~gradnb.viz.naming`: tensor names found by identity in a namespace.
* :mod:`~gradnb.viz.plot`: :func:`plot_gradients` (matplotlib, imported on use).
* :mod:`~gradnb.viz.explain`: why an autograd error happened (the "why" panel's model:
  sentences, fixes, the graph of the tensors involved with the culprit).
* :mod:`~gradnb.viz.predict`: predict-then-reveal exercises (the graph with autograd's
  decisions hidden, scoring the answers; questions before backward steps).

This package reads the core (and real torch, when the user imported it) and never
imports IPython or widget libraries.
"""

from . import schema
from .model import GraphModel, build_graph, graph
from .trace import BackwardTrace, TracePass, record_backward, trace

__all__ = ["schema", "GraphModel", "build_graph", "graph", "BackwardTrace", "TracePass",
           "record_backward", "trace", "plot_gradients"]


def plot_gradients(*tensors_or_module, names=None, ax=None):
    """Bar charts / heatmaps of gradients (see :func:`gradnb.viz.plot.plot_gradients`);
    matplotlib is imported only when this is called."""
    from .plot import plot_gradients as plot
    return plot(*tensors_or_module, names=names, ax=ax)
