"""Folding a graph that is too large to draw into one with at most ``budget`` boxes.

Works on structure only (indices and edges), before any text is computed for the nodes,
so a 10,000-node graph costs little more than its walk. Three folds, each applied only
while the graph is still over budget:

1. **Long chains**: runs of nodes with exactly one input and one output (a deep
   elementwise computation) keep ``CHAIN_ENDS`` nodes at each end and fold the middle.
2. **Wide layers**: a layer with more than ``budget // 6`` boxes (thousands of leaves
   feeding one ``stack``) keeps its first ones and folds the rest.
3. **Depth band**: whole layers are kept from the output end and the input end, in
   turn, while they fit; the band of layers between folds into one node. The repeated
   blocks of a deep network fall in that band. A band spans contiguous layers, and
   every edge goes to a later layer, so folding it cannot create a cycle.

A folded group is drawn as a ``collapsed`` node whose ``count`` is the number of nodes it
stands for, so the counts of the drawn graph always add up to the full graph's.
"""

from .layout import assign_layers

__all__ = ["plan_collapse", "CHAIN_ENDS"]

CHAIN_ENDS = 2       # nodes kept visible at each end of a folded chain
MIN_FOLD = 3         # fewer nodes than this are not worth a collapsed box


def _degrees(n, edges):
    indegree, outdegree = [0] * n, [0] * n
    successor = [-1] * n
    for u, v in edges:
        outdegree[u] += 1
        indegree[v] += 1
        successor[u] = v
    return indegree, outdegree, successor


def _chain_groups(n, edges):
    """Middles of maximal runs of one-in-one-out nodes."""
    indegree, outdegree, successor = _degrees(n, edges)
    inner = [indegree[v] == 1 and outdegree[v] == 1 for v in range(n)]
    predecessor = [-1] * n
    for u, v in edges:
        if inner[v]:
            predecessor[v] = u
    groups, seen = [], [False] * n
    for v in range(n):
        if not inner[v] or seen[v] or (predecessor[v] >= 0 and inner[predecessor[v]]
                                       and not seen[predecessor[v]]):
            continue
        run = []
        while v >= 0 and inner[v] and not seen[v]:
            seen[v] = True
            run.append(v)
            v = successor[v]
        middle = run[CHAIN_ENDS:len(run) - CHAIN_ENDS]
        if len(middle) >= MIN_FOLD:
            groups.append(middle)
    return groups


class _Units:
    """The graph as it is drawn so far: a unit is a node not folded yet (its own index)
    or a group (an id from ``n`` up)."""

    def __init__(self, n, edges):
        self.n, self.edges = n, edges
        self.owner = list(range(n))     # unit of each node
        self.groups = {}                # group unit -> its nodes
        self._next = n

    def members(self, unit):
        return self.groups[unit] if unit >= self.n else [unit]

    def fold(self, units):
        """Fold ``units`` (nodes or groups) into one new group; returns its unit."""
        unit, self._next = self._next, self._next + 1
        members = [v for u in units for v in self.members(u)]
        for u in units:
            self.groups.pop(u, None)
        self.groups[unit] = members
        for v in members:
            self.owner[v] = unit
        return unit

    def visible(self):
        """Units in the order of their first node, and the edges between them."""
        units = list(dict.fromkeys(self.owner))
        index = {u: i for i, u in enumerate(units)}
        owner = self.owner
        edges = list(dict.fromkeys((index[owner[a]], index[owner[b]]) for a, b in self.edges
                                   if owner[a] != owner[b]))
        return units, edges

    def count(self):
        return len(self.owner) - sum(len(g) - 1 for g in self.groups.values())


def _band(rows, budget):
    """Indices of the layers to fold: keep layers from the bottom (outputs) and the top
    (inputs) alternately while they fit in ``budget - 1`` boxes."""
    room = budget - 1
    low, high = 0, len(rows) - 1
    take_bottom = True
    while low <= high:
        l = high if take_bottom else low
        if len(rows[l]) > room:
            break
        room -= len(rows[l])
        if take_bottom:
            high -= 1
        else:
            low += 1
        take_bottom = not take_bottom
    return range(low, high + 1)


def plan_collapse(n, edges, budget):
    """Groups of nodes to fold so that at most about ``budget`` boxes remain.

    Parameters
    ----------
    n : int
        Number of nodes.
    edges : list of (int, int)
        Data-flow edges between node indices.
    budget : int or None
        Most boxes wanted; None or ``n <= budget`` folds nothing.

    Returns
    -------
    list of list of int
        Disjoint groups, each in increasing node order, ordered by their first node.
    """
    if budget is None or n <= budget:
        return []
    budget = max(budget, 2)
    units = _Units(n, edges)
    for group in _chain_groups(n, edges):
        units.fold(group)
    if units.count() > budget:
        _fold_by_layers(units, budget)
    return sorted((sorted(g) for g in units.groups.values()), key=lambda g: g[0])


def _fold_by_layers(units, budget):
    """Wide layers, then a depth band (steps 2 and 3 of the module docstring)."""
    visible, edges = units.visible()
    layers = assign_layers(len(visible), edges)
    rows = [[] for _ in range(max(layers, default=-1) + 1)]
    for i, l in enumerate(layers):
        rows[l].append(visible[i])
    limit = max(budget // 6, MIN_FOLD)
    for l, row in enumerate(rows):
        if len(row) > limit:
            rows[l] = row[:limit - 1] + [units.fold(row[limit - 1:])]
    band = [u for l in _band(rows, budget) for u in rows[l]]
    if sum(len(units.members(u)) for u in band) >= MIN_FOLD:
        units.fold(band)
