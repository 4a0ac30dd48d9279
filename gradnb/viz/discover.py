"""Walking a computation backwards from its roots, through autograd *and* provenance.

Autograd's own graph (``grad_fn.next_functions``) only reaches what backward will
visit. The walk here also follows the ``(None, 0)`` inputs of a node to the constant
tensors behind them (:func:`~gradnb.autograd.provenance.constant_inputs`) and, from any
tensor computed outside autograd, its provenance (the op, its inputs, the reason), so
the parts backward prunes are found too.

The result is a list of :class:`Item` (one per node of the picture, numbered in the
breadth-first order of discovery from the roots, which makes ids deterministic) and the
data-flow edges between them. Each item knows whether backward from the roots visits it
(``live``) and, if not, why (``reason``): its own provenance reason, ``constant`` for a
leaf that does not require grad, or else the reason of the pruned node through which it
was reached (a ``grad_fn`` behind a ``detach()`` is pruned because of the detach).
"""

from collections import deque

from . import schema

__all__ = ["Item", "Discovery", "discover", "live_nodes", "own_reason"]

_PREFIX = {schema.TENSOR: "t", schema.FUNCTION: "f", schema.ACCUMULATE: "a",
           schema.PRUNED_OP: "p"}


class Item:
    """One node of the picture while a graph is built (holds its object strongly).

    Attributes
    ----------
    kind : str
        A node kind of :mod:`gradnb.viz.schema`.
    obj : tensor or node
        The tensor (tensor items; for pruned-op items, the op's result) or the node.
    prov : Provenance or None
        Pruned-op items: how the result was made.
    gid : str
        The JSON id (``"t0"``, ``"f2"``, ...).
    live : bool
        Backward from the roots visits this node.
    reason : str or None
        Why not, for pruned items (a key of ``provenance.REASONS``).
    via : (int, int) or None
        Node items: ``(index of the item it was found from, input index)`` -- the input
        index is -1 when found as a tensor's ``grad_fn`` -- so a node can be reached
        again where the library's nodes cannot be weakly referenced.
    """

    __slots__ = ("kind", "obj", "prov", "gid", "live", "reason", "via")

    def __init__(self, kind, obj, gid, live, reason, prov=None, via=None):
        self.kind, self.obj, self.gid = kind, obj, gid
        self.live, self.reason, self.prov, self.via = live, reason, prov, via


def live_nodes(src, root_edges):
    """What backward from ``root_edges`` (``(node, nr)`` pairs) visits: ``(ids of the
    nodes, ids of the leaves their AccumulateGrad nodes write to, the nodes)`` -- the
    nodes are returned so that their ids stay valid while a graph is built."""
    seen, leaves, keep = set(), set(), []
    stack = [node for node, _ in root_edges if node is not None]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        keep.append(node)
        if src.is_accumulate(node):
            leaves.add(id(src.variable(node)))
        stack.extend(nxt for nxt, _ in src.next_functions(node) if nxt is not None)
    return seen, leaves, keep


def _root_edge(src, tensor):
    """Where backward from ``tensor`` starts, without creating an AccumulateGrad."""
    edge = src.grad_edge(tensor)
    if edge is not None:
        return edge
    return (src.accumulator(tensor), 0)


def own_reason(src, tensor):
    """Why a tensor is outside autograd, from its own record, or None if it is not."""
    prov = src.provenance(tensor)
    if prov is not None:
        return prov.reason
    if not src.requires_grad(tensor):
        return schema.REASON_INFERENCE if src.is_inference(tensor) else schema.REASON_CONSTANT
    return None


class Discovery:
    """The items and edges found from some roots (see the module docstring).

    Attributes
    ----------
    items : list of Item
    edges : list of (int, int, int)
        ``(source item index, target item index, input index at the target)``, in
        data-flow direction.
    roots : list of int
        Item indices of the roots, in the order given.
    """

    def __init__(self, src, names, live, remembered=None):
        self.items, self.edges, self.roots = [], [], []
        # constant leaves: item index -> the raw record a node keeps of it, and the
        # leaves a view drew earlier by name, {id(record): (record, label)}, drawn again
        # (as a freed value) once the name moved and the tensor is gone
        self.leaf_records = {}
        self._remembered = remembered or {}
        self.labels = {}       # item index -> label of a remembered freed leaf
        self.src = src
        self._names = names
        self._live, self._live_leaves, self._keep = live
        self._index = {}      # (kind letter, id(obj)) -> item index
        self._counts = dict.fromkeys(_PREFIX, 0)
        self._queue = deque()
        self._root_tensors = set()

    def tensor_index(self, tensor):
        """Item index of ``tensor``, or None if it is not in the graph."""
        return self._index.get(("t", id(tensor)))

    # -- creating items -----------------------------------------------------------------
    def _add(self, key, kind, obj, live, reason, prov=None, via=None):
        index = self._index.get(key)
        if index is not None:
            return index, False
        gid = f"{_PREFIX[kind]}{self._counts[kind]}"
        self._counts[kind] += 1
        index = len(self.items)
        self.items.append(Item(kind, obj, gid, live, None if live else reason, prov, via))
        self._index[key] = index
        self._queue.append(index)
        return index, True

    def _tensor_is_live(self, tensor):
        src = self.src
        edge = src.grad_edge(tensor)
        if edge is not None:
            return id(edge[0]) in self._live
        if not src.requires_grad(tensor):
            return False
        return id(tensor) in self._root_tensors or id(tensor) in self._live_leaves

    def tensor(self, tensor, via_reason):
        """The item of ``tensor`` (created on first sight)."""
        live = self._tensor_is_live(tensor)
        reason = None if live else (own_reason(self.src, tensor) or via_reason
                                    or schema.REASON_CONSTANT)
        return self._add(("t", id(tensor)), schema.TENSOR, tensor, live, reason)[0]

    def node(self, node, nr, via_reason, via=None):
        """The item standing for output ``nr`` of ``node``: the tensor bound to it in the
        namespace if any (so ``total`` is drawn after its grad_fn), else the node."""
        named = self._names.by_edge.get((id(node), nr))
        if named is not None:
            return self.tensor(named, via_reason)
        return self._node_item(node, via_reason, via)

    def _node_item(self, node, via_reason, via=None):
        if self.src.is_accumulate(node):
            kind, letter = schema.ACCUMULATE, "a"
        else:
            kind, letter = schema.FUNCTION, "f"
        live = id(node) in self._live
        return self._add((letter, id(node)), kind, node, live, via_reason, via=via)[0]

    def pruned_op(self, tensor, prov):
        """The item of the op (from provenance) that made ``tensor`` outside autograd."""
        return self._add(("p", id(tensor)), schema.PRUNED_OP, tensor, False, prov.reason,
                         prov)[0]

    def freed_input(self, prov):
        """The item of the op that made an input which is gone (None for a freed leaf:
        nothing is known of it but its shape, so it is not drawn -- unless this view drew
        it by name before: then it stays, under that name)."""
        if prov is None:
            return None
        if prov.op == "leaf":
            return self._remembered_leaf(prov)
        return self._add(("p", id(prov.record)), schema.PRUNED_OP, self.src.freed_result(prov),
                         False,
                         prov.reason, prov)[0]

    def _remembered_leaf(self, prov):
        entry = self._remembered.get(id(prov.record))
        if entry is None or entry[0] is not prov.record:
            return None
        index, new = self._add(("p", id(prov.record)), schema.PRUNED_OP,
                               self.src.freed_result(prov), False, prov.reason, prov)
        if new:
            self.leaf_records[index] = prov.record
            self.labels[index] = entry[1]
        return index

    def root(self, root):
        """Register a root: a tensor, a node, or a ``(node, output_nr)`` pair."""
        if self.src.is_tensor(root):
            self._root_tensors.add(id(root))
            index = self.tensor(root, None)
        elif isinstance(root, tuple):
            index = self.node(root[0], root[1], None)
        else:
            index = self.node(root, 0, None)
        if index not in self.roots:
            self.roots.append(index)

    # -- expanding items ----------------------------------------------------------------
    def run(self):
        """Expand items breadth-first until every reachable one is found."""
        expand = {schema.TENSOR: self._expand_tensor, schema.FUNCTION: self._expand_function,
                  schema.ACCUMULATE: self._expand_accumulate,
                  schema.PRUNED_OP: self._expand_pruned_op}
        queue, items = self._queue, self.items
        while queue:
            index = queue.popleft()
            item = items[index]
            expand[item.kind](index, item)

    def _edge(self, source, target, input_nr):
        self.edges.append((source, target, input_nr))

    def _expand_tensor(self, index, item):
        tensor = item.obj
        gfe = self.src.grad_edge(tensor)
        if gfe is not None:
            # the node itself, not node(): that would find this very tensor by its edge
            self._edge(self._node_item(gfe[0], item.reason, (index, -1)), index, 0)
            return
        prov = self.src.provenance(tensor)
        if prov is not None:
            self._edge(self.pruned_op(tensor, prov), index, 0)

    def _expand_function(self, index, item):
        node, reason = item.obj, item.reason
        constants = records = None
        src = self.src
        for i, (nxt, nr) in enumerate(src.next_functions(node)):
            if nxt is None:
                if constants is None:
                    constants, records = src.constant_inputs(node), src.constant_records(node)
                self._input(constants.get(i), records.get(i), reason, index, i)
                continue
            self._edge(self.node(nxt, nr, reason, (index, i)), index, i)

    def _input(self, tensor, record, reason, index, i):
        """Edge from input ``i`` of item ``index``: the tensor if alive, else the op that
        made it, from its provenance record."""
        if self.src.is_tensor(tensor):
            source = self.tensor(tensor, reason)
            if record is not None and record.op == "leaf":
                self.leaf_records.setdefault(source, record.record)
        else:
            source = self.freed_input(record)
        if source is not None:
            self._edge(source, index, i)

    def _expand_accumulate(self, index, item):
        self._edge(self.tensor(self.src.variable(item.obj), item.reason), index, 0)

    def _expand_pruned_op(self, index, item):
        prov = item.prov
        for i, (tensor, parent) in enumerate(zip(prov.inputs, prov.parents)):
            self._input(tensor, parent, item.reason, index, i)


def discover(src, roots, names, remembered=None):
    """Find every item reachable backwards from ``roots`` (see :class:`Discovery`).

    Parameters
    ----------
    src : gradnb.viz.source.Source
    roots : sequence of tensor, node or (node, int)
    names : gradnb.viz.naming.Names
    remembered : dict, optional
        ``{id(record): (record, label)}``: constant leaves drawn earlier by name, drawn
        again under that label once freed.
    """
    edges = []
    for root in roots:
        if src.is_tensor(root):
            if src.requires_grad(root):
                edges.append(_root_edge(src, root))
        else:
            edges.append(root if isinstance(root, tuple) else (root, 0))
    for root in roots:
        # a root that feeds another root's graph is drawn as the tensor it is
        if src.is_tensor(root):
            edge = src.grad_edge(root)
            if edge is not None:
                names.by_edge.setdefault((id(edge[0]), edge[1]), root)
    found = Discovery(src, names, live_nodes(src, edges), remembered)
    for root in roots:
        found.root(root)
    found.run()
    return found
