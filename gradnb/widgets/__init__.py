"""gradnb's views in Jupyter: graph view, backward animation, live inspector.

The public functions here are the Python equivalents of the magics (``gradnb.graph`` is
``%grad_graph``, and so on). Each returns an anywidget whose mimebundle also carries a
static SVG picture and a deterministic text, so the same call shows a live, interactive
view in JupyterLab or Notebook 7 and a picture on GitHub, nbviewer or in a terminal.

Layers: these views read :mod:`gradnb.viz` data only and ship JSON to the browser
(``static/``); the plain classes (:class:`GraphView`, :class:`Inspector`, :class:`Replay`,
:class:`TraceRecorder`) do the work and can be used and tested without a browser.
"""

from .animation import AnimationWidget, Replay
from .graph_view import GraphView, GraphWidget
from .inspector import Inspector, InspectorWidget
from .live import LIVE
from .recorder import TraceRecorder
from ..viz.model import DEFAULT_MAX_NODES

__all__ = ["graph", "watch", "animate_backward", "trace", "GraphView", "GraphWidget",
           "Inspector", "InspectorWidget", "Replay", "AnimationWidget", "TraceRecorder"]


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def default_namespace(namespace=None):
    """``namespace`` if given, else the notebook's globals (empty outside IPython)."""
    if namespace is not None:
        return namespace
    shell = _shell()
    return shell.user_ns if shell is not None else {}


def _keep_live(widget):
    # Live views refresh after every cell: make sure the shell calls us back (imported
    # here: the IPython glue imports this package)
    from ..ipython.hooks import cell_origin, hook_shell
    shell = _shell()
    hook_shell(shell)
    LIVE.add(widget, origin=cell_origin(shell))
    return widget


def graph(*tensors, namespace=None, max_nodes=DEFAULT_MAX_NODES, live=True, predict=False,
          labels=None, show_now=False):
    """Show the computation behind ``tensors`` as a graph.

    Parameters
    ----------
    *tensors : Tensor
        The root(s): everything they were computed from is drawn, including the parts
        autograd prunes (greyed, dashed, with the reason).
    namespace : dict, optional
        Where names come from (default: the notebook's globals).
    max_nodes : int or None
        Larger graphs are collapsed (None: never).
    live : bool
        Follow later cells (e.g. gradients after ``backward()``): the view shows its own
        cell's picture and offers the picture now once a later cell changed it. False:
        a static picture.
    show_now : bool
        Always show the latest picture instead of its own cell's.
    predict : bool
        An exercise instead (:mod:`gradnb.widgets.predict`): what autograd decided is
        hidden; the learner marks each tensor and op tracked or skipped, may type the
        ``.grad`` they expect, and presses Check to see the truth and their score.
    labels : sequence of str, optional
        A label per tensor instead of its variable name (e.g. the expression written).

    Returns
    -------
    GraphWidget, or PredictWidget when ``predict``
        A graph keeps the names it was drawn with: a name rebound later is marked
        ``name (rebound)``.
    """
    if predict:
        from ..viz.predict import Prediction
        from .predict import PredictWidget
        return PredictWidget(Prediction(tensors, namespace=default_namespace(namespace),
                                        max_nodes=max_nodes))
    view = GraphView(tensors, namespace=default_namespace(namespace), max_nodes=max_nodes,
                     labels=labels)
    widget = GraphWidget(view, show_now=show_now)
    return _keep_live(widget) if live else widget


def watch(*names_or_tensors, all_tensors=False, namespace=None, live=True, show_now=False):
    """A live table of tensors: name, shape, dtype, requires_grad, is_leaf, grad_fn, grad.

    Parameters
    ----------
    *names_or_tensors : str or Tensor
        Variable names (``"x"``, ``"model.fc.weight"``) or tensors (held weakly). None
        given: every tensor in the namespace.
    all_tensors : bool
        Every tensor bound to a public name, including ones defined later.
    namespace : dict, optional
        Where names are looked up (default: the notebook's globals).
    live : bool
        Follow later cells, showing the table of its own cell until the reader asks for
        the table now (False: a static table).
    show_now : bool
        Always show the latest table instead of its own cell's.

    Returns
    -------
    InspectorWidget
        Refreshed after every cell and when a shown tensor's flags change in place.
    """
    names = [n for n in names_or_tensors if isinstance(n, str)]
    tensors = [t for t in names_or_tensors if not isinstance(t, str)]
    everything = all_tensors or not names_or_tensors
    inspector = Inspector(default_namespace(namespace), names=names, tensors=tensors,
                          everything=everything)
    widget = InspectorWidget(inspector, show_now=show_now)
    return _keep_live(widget) if live else widget


def animate_backward(tensor, gradient=None, retain_graph=False, namespace=None,
                     raise_error=False, max_nodes=DEFAULT_MAX_NODES, predict=False):
    """Run ``tensor.backward(gradient, retain_graph)`` while recording, and replay it.

    Parameters
    ----------
    tensor : Tensor
        The root of the backward pass.
    gradient : Tensor, optional
        The seed gradient (needed when ``tensor`` is not a scalar).
    retain_graph : bool
        Keep the saved values so that backward can run again.
    namespace : dict, optional
        Where names come from (default: the notebook's globals).
    raise_error : bool
        Re-raise PyTorch's error when backward fails. By default the error is shown in
        the replay, after the steps that ran before it.
    max_nodes : int or None
        Larger graphs are collapsed (None: never).
    predict : bool
        An exercise (:mod:`gradnb.widgets.predict`): the replay starts at the first step
        and, before each node runs, asks which one runs next; before each accumulation,
        what the leaf's ``.grad`` becomes.

    Returns
    -------
    AnimationWidget, or PredictReplayWidget when ``predict``
    """
    from .. import viz
    recorded = viz.record_backward(tensor, gradient=gradient, retain_graph=retain_graph,
                                   namespace=default_namespace(namespace),
                                   raise_error=raise_error, max_nodes=max_nodes)
    if predict:
        from .predict import PredictReplayWidget
        return PredictReplayWidget(Replay(recorded, 0))
    return AnimationWidget(Replay(recorded, 0))


def trace(namespace=None, max_nodes=DEFAULT_MAX_NODES):
    """A context manager recording every backward pass inside it.

    Parameters
    ----------
    namespace : dict, optional
        Where names come from (default: the notebook's globals).
    max_nodes : int or None
        Larger graphs are collapsed (None: never).

    Returns
    -------
    TraceRecorder
        Displaying it shows one replay per pass.
    """
    return TraceRecorder(default_namespace(namespace), max_nodes=max_nodes)
