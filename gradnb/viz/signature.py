"""A cheap signature of what a :class:`~gradnb.viz.model.GraphModel` shows, so that a
live view can tell, after every cell, whether its picture could have changed without
rebuilding it (walking the graph, writing every box's text and laying it out cost
tens of milliseconds for 1,000 nodes; reading the signature, about one).

A :class:`Signature` remembers, by weak reference, the tensors and nodes a build found,
and reads from them what the picture depends on:

* for each tensor: its version counter (bumped by every in-place change, which is also
  how a tensor gets a new ``grad_fn`` or provenance), ``requires_grad``, ``grad_fn``,
  ``retains_grad``, its hook count, the values its summarised repr shows, and its
  ``.grad`` (the values shown, and the state :func:`grad_history` gives it);
* for each ``grad_fn`` node: whether backward freed its saved values;
* the names the namespace binds to tensors of the graph, or to the outputs of its nodes
  (naming an intermediate result draws it as a box of its own);
* the print options and the collapsing budget.

The walk from the roots goes through ``next_functions`` (fixed once a node exists) and
through weak references to constants and provenance inputs, which are found items too:
so while every found object is alive and reads the same, a new walk finds the same
graph. Values are compared through what a summarised repr shows (all of a small
tensor, the corners of a large one), because ``w.data -= lr * w.grad`` changes values
without bumping the version counter.
"""

import weakref

from .._format import get_printoptions
from ..autograd.provenance import grad_history
from . import schema
from ._values import SUMMARY_THRESHOLD
from .describe import hook_count

__all__ = ["Signature"]

_TRACKED = (schema.TENSOR, schema.FUNCTION, schema.ACCUMULATE)


def _shown_values(array, edge):
    """The bytes of the elements a summarised repr of ``array`` shows: all of them for
    a small array, else the first and last ``edge`` along every long axis."""
    if array.size > SUMMARY_THRESHOLD:
        for axis, size in enumerate(array.shape):
            if size > 2 * edge:
                keep = list(range(edge)) + list(range(size - edge, size))
                array = array.take(keep, axis=axis)
    return array.tobytes()


def _value_state(tensor, edge):
    """What the repr of ``tensor`` depends on (a gradient's too: with
    ``create_graph=True`` it has a ``grad_fn``)."""
    data, gfe = tensor._data, tensor._gfe
    return (data.shape, data.dtype.str, _shown_values(data, edge), tensor._rg,
            None if gfe is None else type(gfe[0]).__name__)


def _tensor_state(tensor, edge):
    """What a tensor's box and hover text depend on."""
    grad = tensor._grad
    gfe = tensor._gfe
    return (tensor._vc[0], _value_state(tensor, edge),
            None if gfe is None else (id(gfe[0]), gfe[1]),
            None if grad is None else (_value_state(grad, edge), grad_history(tensor)),
            tensor.retains_grad, hook_count(tensor))


def _node_state(node):
    """What a ``grad_fn`` box depends on: backward may have freed its saved values."""
    return getattr(node, "_saved", None) is None


class Signature:
    """What a graph built from ``found`` and ``names`` depends on, held weakly.

    Parameters
    ----------
    found : gradnb.viz.discover.Discovery
        What the build found.
    names : gradnb.viz.naming.Names
        The names the build used.
    max_nodes : int or None
        The collapsing budget of the build.
    """

    def __init__(self, found, names, max_nodes):
        objects = [(item.kind, item.obj) for item in found.items if item.kind in _TRACKED]
        self._refs = [(kind, weakref.ref(obj)) for kind, obj in objects]
        self._ids = {id(obj) for _, obj in objects}
        self._value = self._read([obj for _, obj in objects], names, max_nodes)

    def matches(self, names, max_nodes):
        """True when a build now, with ``names``, would draw the same picture.

        Parameters
        ----------
        names : gradnb.viz.naming.Names
        max_nodes : int or None
        """
        objects = [ref() for _, ref in self._refs]
        if any(obj is None for obj in objects):
            return False                     # something drawn is gone: the walk changes
        return self._read(objects, names, max_nodes) == self._value

    def _read(self, objects, names, max_nodes):
        options = get_printoptions()
        edge = options["edgeitems"]
        states = [_tensor_state(obj, edge) if kind == schema.TENSOR else
                  _node_state(obj) if kind == schema.FUNCTION else None
                  for (kind, _), obj in zip(self._refs, objects)]
        return (max_nodes, sorted(options.items()), states, self._names(names))

    def _names(self, names):
        """``(name, id)`` of the bindings that name a tensor of the graph or an output
        of one of its nodes, in the namespace's order (the first binding wins)."""
        ids = self._ids
        return [(names.by_tensor[id(t)], id(t)) for t in names.keep
                if id(t) in ids or (t._gfe is not None and id(t._gfe[0]) in ids)]
