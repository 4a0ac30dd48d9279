"""A cheap signature of what a :class:`~gradnb.viz.model.GraphModel` shows, so that a
live view can tell, after every cell, whether its picture could have changed without
rebuilding it (walking the graph, writing every box's text and laying it out cost
tens of milliseconds for 1,000 nodes; reading the signature, about one).

A :class:`Signature` remembers, by weak reference, the tensors and nodes a build found
(nodes of a library that cannot reference them weakly, by the tensor or node they were
found from), and reads from them, through the build's source, what the picture depends
on:

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

from .._format import get_printoptions
from . import schema

__all__ = ["Signature"]

_TRACKED = (schema.TENSOR, schema.FUNCTION, schema.ACCUMULATE)


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
        src = self._src = found.src
        tracked = [(i, item) for i, item in enumerate(found.items) if item.kind in _TRACKED]
        self._kinds = [item.kind for _, item in tracked]
        position = {i: k for k, (i, _) in enumerate(tracked)}
        # how to reach each object again: a weak reference, or (where the library's nodes
        # cannot be weakly referenced) the position of the object it was found from
        self._refs = [src.weak(item.obj) if item.via is None or src.nodes_weak
                      else (position[item.via[0]], item.via[1]) for _, item in tracked]
        objects = [item.obj for _, item in tracked]
        self._ids = {id(obj) for obj in objects}
        self._value = self._read(objects, names, max_nodes)

    def _objects(self):
        """The found objects as they are now (None for the ones that are gone)."""
        src, objects = self._src, []
        for ref in self._refs:
            if type(ref) is tuple:
                parent = objects[ref[0]]
                obj = None if parent is None else _reach(src, parent, ref[1])
            else:
                obj = ref()
            objects.append(obj)
        return objects

    def matches(self, names, max_nodes):
        """True when a build now, with ``names``, would draw the same picture.

        Parameters
        ----------
        names : gradnb.viz.naming.Names
        max_nodes : int or None
        """
        objects = self._objects()
        if any(obj is None for obj in objects):
            return False                     # something drawn is gone: the walk changes
        return self._read(objects, names, max_nodes) == self._value

    def _read(self, objects, names, max_nodes):
        src = self._src
        options = get_printoptions()
        edge = options["edgeitems"]
        tensor_state, node_state, tensor, function = (src.tensor_state, src.node_state,
                                                      schema.TENSOR, schema.FUNCTION)
        states = [tensor_state(obj, edge) if kind == tensor else
                  node_state(obj) if kind == function else None
                  for kind, obj in zip(self._kinds, objects)]
        return (max_nodes, sorted(options.items()), states, self._names(names))

    def _names(self, names):
        """``(name, id)`` of the bindings that name a tensor of the graph or an output
        of one of its nodes, in the namespace's order (the first binding wins)."""
        ids, grad_edge = self._ids, self._src.grad_edge
        return [(names.by_tensor[id(t)], id(t)) for t in names.keep
                if id(t) in ids or id((grad_edge(t) or _NO_EDGE)[0]) in ids]


_NO_EDGE = (None, 0)


def _reach(src, parent, index):
    """The node found from ``parent`` (a tensor's grad_fn for index -1, else input
    ``index`` of a node), or None."""
    if index < 0:
        edge = src.grad_edge(parent) if src.is_tensor(parent) else None
        return None if edge is None else edge[0]
    nexts = src.next_functions(parent)
    return nexts[index][0] if index < len(nexts) else None
