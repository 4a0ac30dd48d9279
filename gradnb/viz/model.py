"""The :class:`GraphModel`: a computation turned into plain data (the
:class:`gradnb.viz.schema.Graph` JSON), laid out, with SVG and text renderings.

Building one: walk the roots' history (:mod:`~gradnb.viz.discover`), count what pruning
saves (:mod:`~gradnb.viz.pruning`), fold large graphs (:mod:`~gradnb.viz.collapse`),
describe the nodes left (:mod:`~gradnb.viz.describe`) and place them
(:mod:`~gradnb.viz.layout`). The model keeps weak references only (to its roots and,
for the backward trace, to the nodes it drew), so it never keeps a tensor alive.

:meth:`GraphModel.refresh` rebuilds only when the :mod:`~gradnb.viz.signature` of what
the picture depends on changed, so a live view costs little after a cell that changed
nothing it shows.
"""

import weakref

from . import schema
from ._values import summary_printoptions
from .collapse import plan_collapse
from .describe import (box_size, describe_collapsed, describe_item, edge_hover, node_hover,
                       written_form)
from .discover import discover
from .layout import layered_layout
from .modules import MODULE_VIEW_MIN_NODES, module_groups
from .naming import Names, Namespace
from .pruning import summarise
from .signature import Signature
from .source import source_for
from .style import legend_for
from .text import REASONS_HEADING, graph_title, pruned_reasons, summary_line

__all__ = ["GraphModel", "build_graph", "graph", "DEFAULT_MAX_NODES"]

DEFAULT_MAX_NODES = 300


def _weak_root(root):
    if isinstance(root, tuple):
        return (weakref.ref(root[0]), root[1])
    return (weakref.ref(root), None)


def _strong_root(weak):
    ref, nr = weak
    obj = ref()
    if obj is None:
        return None
    return obj if nr is None else (obj, nr)


class _Drawn:
    """The visible nodes of a graph: which one stands for each discovered item."""

    def __init__(self, found, groups, labels=None):
        self.found = found
        self.labels = labels or [None] * len(groups)
        count = len(found.items)
        self.owner = [None] * count          # item index -> visible node index
        self.records = []
        self.groups = groups
        grouped = [None] * count
        for g, members in enumerate(groups):
            for i in members:
                grouped[i] = g
        self._grouped = grouped

    def describe(self, src, names):
        """Records for every visible node: items in discovery order, a collapsed node
        where its group's first member would be."""
        items, found = self.found.items, self.found
        group_node = {}
        for i, item in enumerate(items):
            g = self._grouped[i]
            if g is not None:
                if g not in group_node:
                    group_node[g] = len(self.records)
                    self.records.append(describe_collapsed(src, f"c{g}", self.groups[g],
                                                           items, self.labels[g]))
                self.owner[i] = group_node[g]
                continue
            self.owner[i] = len(self.records)
            name = names.by_tensor.get(id(item.obj)) or found.labels.get(i)
            self.records.append(describe_item(src, item, name,
                                              self._leaf(src, item, names, found)))

    @staticmethod
    def _leaf(src, item, names, found):
        """``(label, id)`` of the leaf an AccumulateGrad item writes to."""
        if item.kind != schema.ACCUMULATE:
            return None
        leaf = src.variable(item.obj)
        index = found.tensor_index(leaf)
        gid = found.items[index].gid if index is not None else None
        return names.by_tensor.get(id(leaf)) or gid or "leaf", gid

    def edges(self):
        """Visible edges: ``(record, source node, target node, discovered edge index)``.
        Edges between two items drawn as themselves are all kept (``x * x`` has two);
        edges touching a collapsed node are merged per pair of nodes, pruned only if all
        were."""
        found_items = self.found.items
        out, merged = [], {}
        for k, (a, b, i) in enumerate(self.found.edges):
            s, t = self.owner[a], self.owner[b]
            if s == t:
                continue
            pruned = not (found_items[a].live and found_items[b].live)
            collapsed = self._grouped[a] is not None or self._grouped[b] is not None
            if collapsed and (s, t) in merged:
                record = merged[(s, t)]
                record["pruned"] = record["pruned"] and pruned
                continue
            record = {"id": f"e{k}", "source": self.records[s]["id"],
                      "target": self.records[t]["id"], "input": i, "pruned": pruned}
            if collapsed:
                merged[(s, t)] = record
            out.append((record, s, t, k))
        return out


class GraphModel:
    """A computation as a graph of tensors and ``grad_fn`` nodes, including the parts
    backward prunes, with layout, SVG and text renderings.

    Build it with :func:`build_graph`. Ids are deterministic (numbered breadth-first
    from the roots), so the same code gives the same JSON twice.

    Attributes
    ----------
    max_nodes : int or None
        Graphs with more nodes are collapsed (None: never).
    alive : bool
        False once a root was garbage-collected (:meth:`refresh` then keeps the last
        picture).
    builds : int
        How many times the model was built (a refresh that finds nothing changed does
        not build it again).
    """

    def __init__(self, roots, namespace=None, max_nodes=DEFAULT_MAX_NODES, lookup=False,
                 labels=None):
        self.source = source_for(roots)
        self._roots = [_weak_root(r) for r in roots]
        self._namespace = namespace if isinstance(namespace, Namespace) else Namespace(namespace)
        self.max_nodes = max_nodes
        self.alive = True
        self.builds = 0
        self._keep_lookup = lookup
        self._lookup = None
        self._kept = None         # [(name, weak tensor)]: the names of the first picture
        self._remembered = {}     # {id(record): (record, name)}: constant leaves drawn
        self._freed_labels = {}   # by name, and how to label them once freed
        names = self._namespace.names(self.source)
        for label, root in zip(labels or (), roots):
            if label and self.source.is_tensor(root):
                _name_first(names, label, root)
        self._build(list(roots), names)

    def _stable_names(self):
        """The names of the first picture, each still on the tensor it named then:
        ``price`` if the namespace still binds it there, ``price (rebound)`` if it
        binds it to something else now, ``price (deleted)`` if to nothing. A view
        keeps what the learner saw when it was drawn."""
        now = self._namespace.names(self.source)
        bound = {name: key for key, name in now.by_tensor.items()}
        names = Names(self.source)
        for name, ref in self._kept:
            t = ref()
            if t is not None:
                names.add(_moved(name, bound.get(name), id(t)), t)
        # constant leaves drawn by name and freed since: their name moved
        self._freed_labels = {key: (record, _moved(name, bound.get(name), None))
                              for key, (record, name) in self._remembered.items()}
        return names

    # -- building -----------------------------------------------------------------------
    def refresh(self):
        """Bring the model up to date with the same roots (e.g. to show gradients after
        ``backward()``), rebuilding only if something it shows changed (see
        :mod:`gradnb.viz.signature`): then :meth:`to_json` returns the same object.
        Names stay those of the first picture: a name bound since does not rename a box,
        and a name that moved is marked (``price (rebound)``) without the box
        disappearing.

        Returns
        -------
        GraphModel
            ``self``.
        """
        roots = self._live_roots()
        if roots is None:
            return self
        names = self._stable_names()
        if not self._signature.matches(names, self.max_nodes):
            self._build(roots, names)
        return self

    def changed(self):
        """True when :meth:`refresh` would rebuild: something the picture depends on
        changed (False once a root is gone: the last picture stays)."""
        roots = self._live_roots()
        return roots is not None and not self._signature.matches(
            self._stable_names(), self.max_nodes)

    def _live_roots(self):
        """The roots, or None (and ``alive`` False) once one was garbage-collected."""
        roots = [_strong_root(w) for w in self._roots]
        if any(r is None for r in roots):
            self.alive = False
            return None
        return roots

    def _build(self, roots, names):
        self.builds += 1
        src = self.source
        found = discover(src, roots, names, self._freed_labels)
        groups = plan_collapse(len(found.items), [(a, b) for a, b, _ in found.edges],
                               self.max_nodes)
        drawn, nodes, edges = self._picture(found, groups, names)
        summary = summarise(src, found.items)
        self._json = {
            "schema": schema.SCHEMA_VERSION,
            "roots": list(dict.fromkeys(nodes[drawn.owner[i]]["id"] for i in found.roots)),
            "nodes": nodes, "edges": [e[0] for e in edges],
            "summary": summary, "summary_text": summary_line(summary),
            "legend": legend_for(nodes),
            "width": self._size[0], "height": self._size[1]}
        self._json.update(title=graph_title(self._json), reasons=pruned_reasons(nodes),
                          reasons_heading=REASONS_HEADING)
        self._json["modules"] = self._module_picture(found, groups, names)
        if self._keep_lookup:
            self._lookup = _ObjectLookup(found, drawn, edges)
        self._signature = Signature(found, names, self.max_nodes)
        self._remember(found, names)
        self._svg = self._text = None

    def _picture(self, found, groups, names, labels=None):
        """Describe, connect and place the visible nodes of ``found`` with ``groups``
        folded (``labels``: a label per folded group)."""
        drawn = _Drawn(found, groups, labels)
        with summary_printoptions():
            drawn.describe(self.source, names)
        edges = drawn.edges()
        nodes = drawn.records
        _write_ops(nodes, edges)
        _add_hover(nodes, edges)
        self._place(nodes, edges)
        return drawn, nodes, edges

    def _module_picture(self, found, groups, names):
        """The same graph with each ``nn.Module`` folded into one box named after it
        (``net.0``), for a big model to be first seen as its layers; None when the
        graph is small, already folded, or has no module."""
        if groups or len(found.items) < MODULE_VIEW_MIN_NODES:
            return None
        modules = module_groups(self.source, found, names)
        if not modules:
            return None
        size = self._size
        drawn, nodes, edges = self._picture(found, [ids for _, ids in modules], names,
                                            [name for name, _ in modules])
        picture = {"roots": list(dict.fromkeys(nodes[drawn.owner[i]]["id"]
                                               for i in found.roots)),
                   "nodes": nodes, "edges": [e[0] for e in edges],
                   "legend": legend_for(nodes), "width": self._size[0],
                   "height": self._size[1]}
        picture["title"] = graph_title(picture)
        self._size = size
        return picture

    def _remember(self, found, names):
        """After the first build, keep its names (weakly) and the records of the named
        constant leaves it drew (records hold no tensor and no array)."""
        by_tensor = names.by_tensor
        if self._kept is None:     # in the namespace's order, as the signature reads
            drawn = {id(item.obj) for item in found.items if item.kind == schema.TENSOR}
            self._kept = [(by_tensor[id(t)], weakref.ref(t)) for t in names.keep
                          if id(t) in drawn]
            for index, record in found.leaf_records.items():
                label = by_tensor.get(id(found.items[index].obj))
                if label is not None:
                    self._remembered[id(record)] = (record, label)

    def _place(self, nodes, edges):
        sizes = [box_size(n) for n in nodes]
        placed = layered_layout(sizes, [(s, t) for _, s, t, _ in edges])
        for node, (w, h), layer, x, y in zip(nodes, sizes, placed.layers, placed.x, placed.y):
            node.update(layer=layer, x=x, y=y, width=w, height=h)
        for edge, points in zip(edges, placed.points):
            edge[0]["points"] = points
        self._size = (placed.width, placed.height)

    # -- reading ------------------------------------------------------------------------
    def objects(self):
        """The :class:`_ObjectLookup` from autograd objects to drawn ids (a model built
        with ``lookup=True``, until :meth:`release_objects`)."""
        return self._lookup

    def release_objects(self):
        """Drop the object lookup (where a library's nodes cannot be weakly referenced it
        holds them, so a finished trace lets them go)."""
        self._keep_lookup = False
        self._lookup = None

    def to_json(self):
        """The graph as :class:`gradnb.viz.schema.Graph` (JSON-ready; do not mutate)."""
        return self._json

    @property
    def nodes(self):
        """The node records, in id order of discovery."""
        return self._json["nodes"]

    @property
    def edges(self):
        """The edge records."""
        return self._json["edges"]

    @property
    def summary(self):
        """Counts and bytes saved by pruning (see :mod:`gradnb.viz.pruning`)."""
        return self._json["summary"]

    def node(self, label):
        """The first node record whose label (or id) is ``label``; KeyError if none."""
        for record in self._json["nodes"]:
            if record["label"] == label or record["id"] == label:
                return record
        raise KeyError(label)

    # -- rendering ----------------------------------------------------------------------
    def to_svg(self, highlight=None):
        """Self-contained SVG picture.

        Parameters
        ----------
        highlight : str or iterable of str, optional
            Node or edge ids to draw as active.
        """
        from .svg import render_graph
        if highlight is None:
            if self._svg is None:
                self._svg = render_graph(self._json)
            return self._svg
        return render_graph(self._json, highlight=highlight)

    def to_text(self):
        """Deterministic plain-text description (no addresses, stable order)."""
        if self._text is None:
            from .text import graph_text
            self._text = graph_text(self._json)
        return self._text

    def _repr_svg_(self):
        return self.to_svg()

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"image/svg+xml": self.to_svg(), "text/plain": self.to_text()}

    def __repr__(self):
        summary = self._json["summary"]
        return (f"<GraphModel: {len(self._json['nodes'])} nodes, "
                f"{summary['pruned_nodes']} pruned>")


_SHORT_INPUT = 12      # an unnamed input's own written form is nested up to this length


def _write_ops(nodes, edges):
    """Give each ``grad_fn`` box the op as a reader would have written it (``s * s``),
    as its second line: from the labels of its inputs (a leaf's for its
    AccumulateGrad, an unnamed result's own written form when short)."""
    by_id = {n["id"]: n for n in nodes}
    inputs = {}
    for record, _, _, _ in edges:
        inputs.setdefault(record["target"], []).append((record["input"], record["source"]))

    def short(gid):
        node = by_id[gid]
        if node["kind"] == schema.TENSOR or node.get("op") == "leaf":
            return _as_written(node["label"])
        if node["kind"] == schema.ACCUMULATE and node.get("leaf") in by_id:
            return _as_written(by_id[node["leaf"]]["label"])
        written = node.get("written")
        return f"({written})" if written and len(written) <= _SHORT_INPUT else None

    for node in reversed(nodes):        # inputs were discovered after their consumers
        if node["kind"] != schema.FUNCTION:
            continue
        args = [short(gid) for _, gid in sorted(inputs.get(node["id"], []))]
        node["written"] = written_form(node["label"], args)
        if node["written"]:
            node["lines"] = [node["lines"][0], node["written"]] + node["lines"][1:]


def _add_hover(nodes, edges):
    """Each node's and edge's hover text, built once here (the SVG and the browser only
    place it)."""
    labels = {}
    for node in nodes:
        node["hover"] = node_hover(node)
        labels[node["id"]] = node["label"]
    for edge, *_ in edges:
        edge["hover"] = edge_hover(edge, labels)


def _as_written(label):
    """A label without the mark of a moved name (``price (rebound)`` -> ``price``): the
    op was written with the name."""
    for mark in (" (rebound)", " (deleted)"):
        if label.endswith(mark):
            return label[:-len(mark)]
    return label


def _name_first(names, label, tensor):
    """Give ``tensor`` the name ``label`` in ``names`` instead of any other name."""
    key = id(tensor)
    if key not in names.by_tensor:
        names.add(label, tensor)
        return
    names.by_tensor[key] = label
    edge = names.src.grad_edge(tensor)
    if edge is not None:
        names.by_edge[(id(edge[0]), edge[1])] = tensor


def _moved(name, bound_to, key):
    """``name`` as a view drawn earlier shows it, now that the namespace binds it to
    the object with id ``bound_to`` (None: to nothing). A label that is not a variable
    name (an expression such as ``v.grad``) is shown as written."""
    if bound_to == key or not name.isidentifier():
        return name
    return f"{name} (rebound)" if bound_to is not None else f"{name} (deleted)"


class _ObjectLookup:
    """From autograd objects to the ids drawn for them, for the backward trace.

    Holds the source's references (weak where the library allows) and checks identity
    on every lookup, so a recycled ``id()`` can never be mistaken for a node of this
    graph.
    """

    def __init__(self, found, drawn, edges):
        src = found.src
        records = drawn.records
        self._gid = {}          # id(obj) -> (weakref, visible id)
        self._output = {}       # (id(node), nr) -> visible id of the tensor it produced
        for item, owner in zip(found.items, drawn.owner):
            gid = records[owner]["id"]
            if item.kind == schema.PRUNED_OP:
                continue
            self._gid[id(item.obj)] = (src.weak(item.obj), gid)
            edge = src.grad_edge(item.obj) if item.kind == schema.TENSOR else None
            if edge is not None:
                node, nr = edge
                self._output[(id(node), nr)] = gid
        self._input_edge = {}   # (consumer id, input) -> (edge id or None, source id)
        items = found.items
        for k, (a, b, i) in enumerate(found.edges):
            if items[b].kind in (schema.FUNCTION, schema.ACCUMULATE):
                source = records[drawn.owner[a]]["id"]
                self._input_edge[(id(items[b].obj), i)] = (None, source)
        for record, _, _, k in edges:
            a, b, i = found.edges[k]
            self._input_edge[(id(items[b].obj), i)] = (record["id"],
                                                       records[drawn.owner[a]]["id"])

    def find(self, gid):
        """The live object drawn as ``gid`` (a tensor or node), or None."""
        for ref, drawn in self._gid.values():
            if drawn == gid:
                obj = ref()
                if obj is not None:
                    return obj
        return None

    def gid(self, obj):
        """The id drawn for ``obj`` (a node or tensor), or None."""
        entry = self._gid.get(id(obj))
        if entry is None or entry[0]() is not obj:
            return None
        return entry[1]

    def output(self, node, nr=0):
        """Id of the tensor ``node`` produced as output ``nr``, else of the node."""
        gid = self.gid(node)
        if gid is None:
            return None
        return self._output.get((id(node), nr), gid)

    def input_edge(self, node, index):
        """``(edge id or None, id of the node feeding input index)`` of ``node``."""
        if self.gid(node) is None:
            return None, None
        return self._input_edge.get((id(node), index), (None, None))


def build_graph(*roots, namespace=None, max_nodes=DEFAULT_MAX_NODES, labels=None):
    """The graph of the computation behind ``roots``.

    Parameters
    ----------
    *roots : Tensor
        The output(s) whose history is drawn (a ``grad_fn`` node also works).
    namespace : Mapping, optional
        Where to find tensor names by identity (e.g. ``globals()``); unnamed tensors get
        their id (``t3``) as label.
    max_nodes : int or None
        Larger graphs are collapsed to about this many boxes (None: never).
    labels : sequence of str or None, optional
        A label per root, drawn instead of its variable name (the expression the user
        wrote, such as ``v.grad``).

    Returns
    -------
    GraphModel
        Later refreshes keep the names of this first picture (see
        :meth:`GraphModel.refresh`).
    """
    if not roots:
        raise TypeError("build_graph() needs at least one tensor")
    return GraphModel(roots, namespace, max_nodes, labels=labels)


def graph(*roots, namespace=None, max_nodes=DEFAULT_MAX_NODES, labels=None):
    """Same as :func:`build_graph` (the name the views use)."""
    return build_graph(*roots, namespace=namespace, max_nodes=max_nodes, labels=labels)
