"""A deterministic layered layout of a directed graph, in pure Python (no graphviz).

The classic Sugiyama steps, each kept simple and near-linear:

1. **Orientation**: a topological order (Kahn's algorithm, ties by node index); should
   the graph have a cycle, the lowest-index node left is taken anyway and the edges
   against the order are drawn reversed. Autograd graphs are acyclic, but a tensor
   changed in place after being used as a constant can close a loop in the picture.
2. **Layers**: longest path from the inputs, so every edge points to a later layer;
   then every node but the outputs moves down to just above its first consumer, so a
   weight used deep in a network sits beside its layer instead of at the top with a
   long edge.
3. **Dummy nodes** split edges spanning several layers into one segment per layer.
4. **Crossing reduction**: barycenter sweeps down and up, keeping the ordering with
   the fewest crossings (counted exactly by merge-sort inversions).
5. **Coordinates**: nodes are first lined up in chains. A node sits under its *main
   input*, the one whose history (longest path of ops behind it) is clearly longer than
   the other inputs', if it is also that input's main consumer (longest future). Then
   each layer in turn is placed as close as possible (weighted least squares) to its
   chain neighbours, or, off chains, to the mean of its neighbours, with no boxes
   overlapping: an isotonic regression solved by pool-adjacent-violators in O(width).
   A node weighs the square of its chain's length, so where boxes collide short
   branches give way. Without chains, each node of a deep computation (blocks of
   ``y = (y * w + b).tanh()``) sat between its predecessor and the leaf feeding it, and
   the chain drifted sideways a little at every block.

Data flows top to bottom: inputs in the first layer, roots in the last. Sizes are in
SVG user units; node positions are the top-left corners of their boxes.
"""

from collections import deque
from typing import List, NamedTuple

__all__ = ["Layout", "layered_layout", "assign_layers", "NODE_GAP", "LAYER_GAP", "MARGIN"]

NODE_GAP = 20.0     # horizontal space between boxes in a layer
LAYER_GAP = 44.0    # vertical space between layers (room for gradient text on edges)
MARGIN = 12.0
DUMMY_WIDTH = 8.0   # the lane an edge passing through a layer occupies
DUMMY_BUDGET = 3    # dummy nodes allowed per real node (see _Segments)
SWEEPS = 4          # barycenter sweep pairs; more rarely helps on autograd graphs
PLACEMENT_PASSES = 3
PORT_STEP = 12.0    # distance between edge ends meeting at one side of a box
DOMINANCE = 1.5     # how much longer a main input's history must be than the others'


class Layout(NamedTuple):
    """Result of :func:`layered_layout`.

    Attributes
    ----------
    layers : list of int
        Layer of each node (0 = top).
    x, y : list of float
        Top-left corner of each node's box.
    points : list of list of [float, float]
        One polyline per edge, from its source box to its target box.
    width, height : float
        Size of the whole drawing, margins included.
    """
    layers: List[int]
    x: List[float]
    y: List[float]
    points: List[List[List[float]]]
    width: float
    height: float


# ---------------------------------------------------------------------------------------
# 1-2. orientation and layers
# ---------------------------------------------------------------------------------------

def _topological_order(n, edges):
    """Kahn's algorithm, ties by index; nodes left on a cycle are taken lowest first."""
    indegree = [0] * n
    successors = [[] for _ in range(n)]
    for u, v in edges:
        successors[u].append(v)
        indegree[v] += 1
    queue = deque(i for i in range(n) if indegree[i] == 0)
    order, placed, lowest = [], [False] * n, 0
    while len(order) < n:
        if not queue:
            while placed[lowest]:
                lowest += 1
            queue.append(lowest)       # break a cycle
            indegree[lowest] = 0
        u = queue.popleft()
        if placed[u]:
            continue
        placed[u] = True
        order.append(u)
        for v in successors[u]:
            indegree[v] -= 1
            if indegree[v] == 0 and not placed[v]:
                queue.append(v)
    return order


def _oriented(n, edges):
    """Edges as ``(u, v, reversed)`` with ``u`` before ``v`` in a topological order."""
    position = [0] * n
    for rank, u in enumerate(_topological_order(n, edges)):
        position[u] = rank
    return [(u, v, False) if position[u] < position[v] else (v, u, True)
            for u, v in edges if u != v]


def _layers(n, oriented):
    """Longest path from the inputs, then every node but the outputs moved down to just
    above its first consumer (in reverse topological order, so moves compose)."""
    predecessors = [[] for _ in range(n)]
    successors = [[] for _ in range(n)]
    for u, v, _ in oriented:
        predecessors[v].append(u)
        successors[u].append(v)
    layer = [0] * n
    order = _topological_order(n, [(u, w) for u, w, _ in oriented])
    for v in order:
        for u in predecessors[v]:
            if layer[u] + 1 > layer[v]:
                layer[v] = layer[u] + 1
    for v in reversed(order):
        if successors[v]:
            layer[v] = min(layer[s] for s in successors[v]) - 1
    return layer


def assign_layers(n, edges):
    """Layer of each of ``n`` nodes: every edge ``(u, v)`` goes to a later layer
    (except edges drawn reversed to break a cycle). Layer 0 is the top."""
    return _layers(n, _oriented(n, edges))


# ---------------------------------------------------------------------------------------
# 3. dummy nodes
# ---------------------------------------------------------------------------------------

class _Segments:
    """The layered graph with dummies: ``paths[e]`` lists the nodes edge ``e`` passes
    through (real source, dummies, real target); ``up``/``down`` are the neighbours of
    each node in the layer above / below.

    Dummies cost time in every later step, and a value used at the start and at the end
    of a long computation (a shared weight) would need one per layer per use. So the
    shortest edges get dummies first, within a budget of ``DUMMY_BUDGET`` per node;
    longer edges are left out of ordering and drawn straight.
    """

    def __init__(self, n, oriented, layer, widths):
        self.layer, self.widths = list(layer), list(widths)
        self.up = [[] for _ in range(n)]
        self.down = [[] for _ in range(n)]
        self.paths = [None] * len(oriented)
        budget = DUMMY_BUDGET * n
        by_span = sorted(range(len(oriented)),
                         key=lambda e: (layer[oriented[e][1]] - layer[oriented[e][0]], e))
        for e in by_span:
            u, v, _ = oriented[e]
            span = layer[v] - layer[u]
            if span > 1 and span - 1 > budget:
                self.paths[e] = [u, v]      # drawn straight, not routed
                continue
            budget -= span - 1
            path = [u] + [self._dummy(l) for l in range(layer[u] + 1, layer[v])] + [v]
            for a, b in zip(path, path[1:]):
                self.down[a].append(b)
                self.up[b].append(a)
            self.paths[e] = path

    def _dummy(self, layer):
        self.layer.append(layer)
        self.widths.append(DUMMY_WIDTH)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def layer_lists(self):
        count = max(self.layer, default=-1) + 1
        rows = [[] for _ in range(count)]
        for v, l in enumerate(self.layer):
            rows[l].append(v)
        return rows


# ---------------------------------------------------------------------------------------
# 4. crossing reduction
# ---------------------------------------------------------------------------------------

def _sorted_with_inversions(values):
    """``(sorted values, number of pairs out of order)``: merge sort, O(k log k)."""
    if len(values) < 2:
        return list(values), 0
    mid = len(values) // 2
    left, count_left = _sorted_with_inversions(values[:mid])
    right, count_right = _sorted_with_inversions(values[mid:])
    merged, count, i, j = [], count_left + count_right, 0, 0
    while i < len(left) and j < len(right):
        if right[j] < left[i]:
            merged.append(right[j])
            count += len(left) - i     # right[j] jumps ahead of every left value left
            j += 1
        else:
            merged.append(left[i])
            i += 1
    merged.extend(left[i:])
    merged.extend(right[j:])
    return merged, count


def _crossings(rows, down, position):
    total = 0
    for row in rows[:-1]:
        ends = [position[w] for v in row for w in sorted(down[v], key=position.__getitem__)]
        total += _sorted_with_inversions(ends)[1]
    return total


def _positions(rows, position):
    for row in rows:
        for i, v in enumerate(row):
            position[v] = i


def _sweep(rows, neighbours, position, layer_indices):
    """Reorder each layer by the mean position of its neighbours in the layer just
    visited; nodes without such neighbours keep their place."""
    for l in layer_indices:
        row = rows[l]

        def key(v):
            adjacent = neighbours[v]
            if not adjacent:
                return position[v], position[v]
            return sum(position[w] for w in adjacent) / len(adjacent), position[v]
        row.sort(key=key)
        for i, v in enumerate(row):
            position[v] = i


def _order(rows, segments):
    """Barycenter sweeps; returns the rows with the fewest crossings seen."""
    position = [0] * len(segments.layer)
    _positions(rows, position)
    best = [list(r) for r in rows]
    best_crossings = _crossings(rows, segments.down, position)
    count = len(rows)
    for _ in range(SWEEPS):
        if best_crossings == 0:
            break
        _sweep(rows, segments.up, position, range(1, count))
        _sweep(rows, segments.down, position, range(count - 2, -1, -1))
        crossings = _crossings(rows, segments.down, position)
        if crossings < best_crossings:
            best, best_crossings = [list(r) for r in rows], crossings
    return best


# ---------------------------------------------------------------------------------------
# 5. coordinates
# ---------------------------------------------------------------------------------------

def _row_offsets(widths):
    """Distance of each box's center from the first's, boxes packed ``NODE_GAP`` apart."""
    offsets = [0.0]
    for a, b in zip(widths, widths[1:]):
        offsets.append(offsets[-1] + (a + b) / 2 + NODE_GAP)
    return offsets


def _closest_non_overlapping(desired, offsets, weights):
    """Centers as close as possible (weighted least squares) to ``desired``, in the given
    order, with boxes ``NODE_GAP`` apart (``offsets`` from :func:`_row_offsets`).
    Substituting ``c_i = y_i + offset_i`` turns the separation constraints into ``y``
    non-decreasing: isotonic regression, solved by pool-adjacent-violators. Where boxes
    collide, the lighter ones give way."""
    if len(desired) == 1:
        return desired            # most layers of a deep chain: nothing can collide
    blocks = []        # [weighted sum, weight, count] of pooled values, means non-decreasing
    for d, o, w in zip(desired, offsets, weights):
        blocks.append([(d - o) * w, w, 1])
        # pool while the previous block's mean exceeds the last one's (cross-multiplied)
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            total, weight, count = blocks.pop()
            pooled = blocks[-1]
            pooled[0] += total
            pooled[1] += weight
            pooled[2] += count
    centers = []
    for total, weight, count in blocks:
        centers.extend([total / weight] * count)
    return [y + o for y, o in zip(centers, offsets)]


def _path_lengths(rows, neighbours, real):
    """Most real nodes (index below ``real``) on a path ending at each node, coming from
    ``neighbours``; ``rows`` must list the layers in the order the paths run. Dummies do
    not count, so a long edge never outranks the computation it joins."""
    length = [0] * len(neighbours)
    for row in rows:
        for v in row:
            longest = max((length[w] for w in neighbours[v]), default=0)
            length[v] = longest + (v < real)
    return length


def _main(candidates, length, real, position):
    """The candidate with the longest ``length`` if it dominates the others (ties go to
    real nodes over dummies, then to the leftmost), else -1."""
    if not candidates:
        return -1
    best = max(candidates, key=lambda w: (length[w], w < real, -position[w]))
    if any(length[w] * DOMINANCE >= length[best] for w in candidates if w != best):
        return -1
    return best


def _alignment(rows, segments, real, position):
    """``(above, below)``: the neighbour each node lines up with in the layer above and
    below (-1 for none), so that chains of aligned nodes are drawn as straight columns.

    A node lines up under its *main input*: the one with a longest history clearly longer
    than the others', so a chain of ops wins over the leaf (or shared weight) feeding it,
    which is placed beside the chain instead of pulling it sideways. Symmetrically, a
    node lines up above its main consumer, the one with the longest future."""
    up, down = segments.up, segments.down
    history = _path_lengths(rows, up, real)
    future = _path_lengths(rows[::-1], down, real)
    count = len(up)
    above, below = [-1] * count, [-1] * count
    for v in range(count):
        u = _main(up[v], history, real, position)
        if u >= 0 and _main(down[u], future, real, position) == v:
            above[v], below[u] = u, v
    return above, below


def _chain_weights(above, below):
    """Weight of each node when boxes collide: the square of the length of its chain of
    aligned nodes, so a long chain stays straight and short branches give way."""
    weight = [0.0] * len(above)
    for top in range(len(above)):
        if above[top] >= 0:
            continue
        chain, v = [], top
        while v >= 0:
            chain.append(v)
            v = below[v]
        for v in chain:
            weight[v] = float(len(chain) ** 2)
    return weight


def _pulls(segments, above, below):
    """Who pulls each node when a layer is placed by the layer above, by the layer
    below, and by both: its aligned neighbours where it has them, else all of them."""
    up, down = segments.up, segments.down
    pull_up = [[a] if a >= 0 else adjacent for a, adjacent in zip(above, up)]
    pull_down = [[b] if b >= 0 else adjacent for b, adjacent in zip(below, down)]
    pull_both = [[a, b] if a >= 0 and b >= 0 else [a] if a >= 0 else [b] if b >= 0
                 else u + d for a, b, u, d in zip(above, below, up, down)]
    return pull_up, pull_down, pull_both


class _Rows:
    """The layers with what placing them needs, computed once for all passes: the
    offsets of their packed boxes and the weights of their nodes."""

    def __init__(self, rows, widths, weights):
        self.rows = rows
        self.offsets = [_row_offsets([widths[v] for v in row]) for row in rows]
        self.weights = [[weights[v] for v in row] for row in rows]

    def packed(self, center):
        """Every layer packed around 0, the starting point of the passes."""
        for row, offsets in zip(self.rows, self.offsets):
            for v, c in zip(row, _closest_non_overlapping([0.0] * len(row), offsets,
                                                          [1.0] * len(row))):
                center[v] = c

    def place(self, pulls, center, layer_indices):
        """Move each layer, in turn, to the mean position of what pulls each node."""
        rows, offsets, weights = self.rows, self.offsets, self.weights
        for l in layer_indices:
            row = rows[l]
            desired = []
            for v in row:
                pull = pulls[v]
                desired.append(sum(center[w] for w in pull) / len(pull) if pull
                               else center[v])
            for v, c in zip(row, _closest_non_overlapping(desired, offsets[l], weights[l])):
                center[v] = c


def _x_centers(rows, segments, real):
    """Centers of all nodes (dummies included): aligned chains straight, the rest at the
    mean of their neighbours, boxes never overlapping."""
    widths = segments.widths
    position = [0] * len(widths)
    _positions(rows, position)
    above, below = _alignment(rows, segments, real, position)
    layers = _Rows(rows, widths, _chain_weights(above, below))
    center = [0.0] * len(widths)
    layers.packed(center)
    pull_up, pull_down, pull_both = _pulls(segments, above, below)
    count = len(rows)
    for _ in range(PLACEMENT_PASSES):
        layers.place(pull_up, center, range(1, count))
        layers.place(pull_down, center, range(count - 2, -1, -1))
    layers.place(pull_both, center, range(count))
    left = min((c - w / 2 for c, w in zip(center, widths)), default=0.0)
    return [c - left + MARGIN for c in center]


def _layer_tops(rows, heights):
    tops, y = [], MARGIN
    band = []
    for row in rows:
        h = max((heights[v] for v in row if v < len(heights)), default=0.0)
        tops.append(y)
        band.append(h)
        y += h + LAYER_GAP
    return tops, band


def _round(value):
    return round(value, 1)


def layered_layout(sizes, edges):
    """Lay out ``len(sizes)`` boxes and the edges between them.

    Parameters
    ----------
    sizes : sequence of (float, float)
        Width and height of each node's box.
    edges : sequence of (int, int)
        ``(source, target)`` node indices, data-flow direction.

    Returns
    -------
    Layout
    """
    n = len(sizes)
    widths = [w for w, _ in sizes]
    heights = [h for _, h in sizes]
    oriented = _oriented(n, edges)
    layer = _layers(n, oriented)
    segments = _Segments(n, oriented, layer, widths)
    rows = _order(segments.layer_lists(), segments)
    center = _x_centers(rows, segments, n)
    tops, band = _layer_tops(rows, heights)
    x = [_round(center[v] - widths[v] / 2) for v in range(n)]
    y = [_round(tops[layer[v]] + (band[layer[v]] - heights[v]) / 2) for v in range(n)]
    points = _polylines(edges, oriented, segments, center, x, y, heights, tops, band)
    width = max((x[v] + widths[v] for v in range(n)), default=0.0) + MARGIN
    height = max((y[v] + heights[v] for v in range(n)), default=0.0) + MARGIN
    return Layout(layer, x, y, points, _round(width), _round(height))


def _polylines(edges, oriented, segments, center, x, y, heights, tops, band):
    """One polyline per input edge: bottom of the source, straight through the lanes of
    the layers it crosses, top of the target. Self-loops get an empty polyline."""
    by_edge = iter(zip(oriented, segments.paths))
    lines = []
    for u, v in edges:
        if u == v:
            lines.append([])
            continue
        (a, b, flipped), path = next(by_edge)
        pts = [[center[a], y[a] + heights[a]]]
        for d in path[1:-1]:
            top = tops[segments.layer[d]]
            pts.append([center[d], top])
            pts.append([center[d], top + band[segments.layer[d]]])
        pts.append([center[b], y[b]])
        lines.append((a, b, flipped, pts))
    _spread_ports(lines, segments.widths, end=0, neighbour=1)
    _spread_ports(lines, segments.widths, end=-1, neighbour=-2)
    out = []
    for line in lines:
        if not line:
            out.append([])
            continue
        pts = line[3][::-1] if line[2] else line[3]
        out.append([[_round(px), _round(py)] for px, py in pts])
    return out


def _spread_ports(lines, widths, end, neighbour):
    """Spread the ends of the edges meeting at one side of a box across that side, in
    the order of where they come from, so several inputs do not meet in one point."""
    node_of = 0 if end == 0 else 1
    meeting = {}
    for k, line in enumerate(lines):
        if line:
            meeting.setdefault(line[node_of], []).append(k)
    for node, ks in meeting.items():
        if len(ks) < 2:
            continue
        ks.sort(key=lambda k: (lines[k][3][neighbour][0], k))
        step = min(PORT_STEP, widths[node] * 0.8 / len(ks))
        middle = (len(ks) - 1) / 2
        for j, k in enumerate(ks):
            lines[k][3][end][0] += (j - middle) * step
