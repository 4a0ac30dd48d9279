"""Layout and collapsing: boxes never overlap, edges run forward (top to bottom), the
result is deterministic, deep chains stay straight and narrow, and large graphs fold
with consistent counts."""

import random

import pytest
from hypothesis import given, settings, strategies as st

import gradnb as torch
from gradnb import nn, viz
from gradnb.viz.collapse import plan_collapse
from gradnb.viz.layout import MARGIN, NODE_GAP, assign_layers, layered_layout


def random_dag(seed, n, extra):
    rng = random.Random(seed)
    edges = [(rng.randrange(i), i) for i in range(1, n)]
    for _ in range(extra):
        a, b = sorted(rng.sample(range(n), 2))
        edges.append((a, b))
    sizes = [(rng.choice([48.0, 90.0, 160.0]), rng.choice([25.0, 55.0])) for _ in range(n)]
    return sizes, edges


def assert_no_overlap(sizes, layout):
    boxes = sorted((layout.x[i], layout.y[i], w, h) for i, (w, h) in enumerate(sizes))
    for i, (x1, y1, w1, h1) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1:]:
            if x2 >= x1 + w1:
                break
            assert y2 >= y1 + h1 or y1 >= y2 + h2, "boxes overlap"


def assert_forward(sizes, edges, layout):
    for (u, v), points in zip(edges, layout.points):
        assert layout.layers[v] > layout.layers[u]
        assert points[0][1] == round(layout.y[u] + sizes[u][1], 1)   # leaves its bottom
        assert points[-1][1] == layout.y[v]                          # enters its top
        ys = [p[1] for p in points]
        assert ys == sorted(ys)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60), extra=st.integers(0, 40))
def test_random_dags_lay_out_cleanly(seed, n, extra):
    sizes, edges = random_dag(seed, n, extra if n > 1 else 0)
    layout = layered_layout(sizes, edges)
    assert_no_overlap(sizes, layout)
    assert_forward(sizes, edges, layout)
    assert all(x >= 0 and y >= 0 for x, y in zip(layout.x, layout.y))
    assert all(layout.x[i] + w <= layout.width and layout.y[i] + h <= layout.height
               for i, (w, h) in enumerate(sizes))
    assert layered_layout(sizes, edges) == layout


def test_layers_put_inputs_next_to_their_consumer():
    # 0 -> 1 -> 2 -> 3, and input 4 used only by 3: 4 sits just above 3
    layers = assign_layers(5, [(0, 1), (1, 2), (2, 3), (4, 3)])
    assert layers == [0, 1, 2, 3, 2]


def test_cycles_are_laid_out_anyway():
    layout = layered_layout([(50.0, 30.0)] * 3, [(0, 1), (1, 2), (2, 0)])
    assert len(layout.points) == 3 and all(len(p) >= 2 for p in layout.points)
    assert_no_overlap([(50.0, 30.0)] * 3, layout)


def test_empty_and_single_node():
    assert layered_layout([], []).points == []
    single = layered_layout([(60.0, 30.0)], [])
    assert (single.x, single.y) == ([12.0], [12.0])


def test_barycenter_untangles_a_crossing():
    # two chains drawn in crossed order at first: 0->3, 1->2 with 2 before 3
    sizes = [(50.0, 30.0)] * 4
    layout = layered_layout(sizes, [(0, 3), (1, 2)])
    assert (layout.x[0] < layout.x[1]) == (layout.x[3] < layout.x[2])


def assert_model_layout(g):
    """A GraphModel's boxes do not overlap, its edges go down, its root is last."""
    nodes = {n["id"]: n for n in g.nodes}
    sizes = [(n["width"], n["height"]) for n in g.nodes]
    index = {n["id"]: i for i, n in enumerate(g.nodes)}
    edges = [(index[e["source"]], index[e["target"]]) for e in g.edges]

    class Placed:
        x = [n["x"] for n in g.nodes]
        y = [n["y"] for n in g.nodes]
        layers = [n["layer"] for n in g.nodes]
        points = [e["points"] for e in g.edges]
    assert_no_overlap(sizes, Placed)
    assert_forward(sizes, edges, Placed)
    root = nodes[g.to_json()["roots"][0]]
    assert root["layer"] == max(n["layer"] for n in g.nodes)


def test_model_boxes_do_not_overlap_and_edges_go_down():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(),
                          nn.Linear(8, 1))
    assert_model_layout(viz.build_graph(model(torch.randn(3, 4)).sum(),
                                        namespace={"model": model}))


def ladder(blocks, shared):
    """``blocks`` times ``y = (y * w + b).tanh()``: one pair of leaves for all blocks, or
    a new pair per block (an unrolled network)."""
    y = torch.ones(4)
    w, b = torch.ones(4, requires_grad=True), torch.zeros(4, requires_grad=True)
    for _ in range(blocks):
        if not shared:
            w, b = torch.ones(4, requires_grad=True), torch.zeros(4, requires_grad=True)
        y = (y * w + b).tanh()
    return y.sum(), {"w": w, "b": b} if shared else {}


def centers(g, label):
    return [n["x"] + n["width"] / 2 for n in g.nodes if n["label"] == label]


@pytest.mark.parametrize("shared", [True, False], ids=["shared leaves", "leaves per block"])
def test_deep_chain_stays_compact_and_vertical(shared):
    # leaves feeding every block used to push the chain sideways a little at each block:
    # 14 blocks drifted to 3,300 px wide
    root, namespace = ladder(14, shared)
    g = viz.build_graph(root, namespace=namespace, max_nodes=None)
    widest = max(n["width"] for n in g.nodes)
    assert g.to_json()["width"] < 4 * widest
    tanh = centers(g, "TanhBackward0")
    assert len(tanh) == 14 and max(tanh) - min(tanh) < widest / 2


def test_a_chain_lines_up_under_its_main_input():
    # chain 0 -> 1 -> ... -> 9, and a leaf 9 + i feeding each link i > 0
    n = 10
    edges = [(i, i + 1) for i in range(n - 1)] + [(n - 1 + i, i) for i in range(1, n)]
    sizes = [(90.0, 30.0)] * n + [(160.0, 45.0)] * (n - 1)
    layout = layered_layout(sizes, edges)
    column = [layout.x[i] for i in range(1, n)]
    assert max(column) - min(column) < 20                  # (nearly) a straight column
    assert_no_overlap(sizes, layout)
    assert layout.width < 3 * 160.0 + 90.0


def packed_width(g):
    """Width of the widest layer with its boxes packed side by side."""
    rows = {}
    for node in g.nodes:
        rows.setdefault(node["layer"], []).append(node["width"])
    return max(sum(r) + NODE_GAP * (len(r) - 1) for r in rows.values()) + 2 * MARGIN


def test_wide_and_deep_networks_still_fit():
    torch.manual_seed(0)
    x = torch.randn(2, 4)
    heads = [nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1)) for _ in range(8)]
    wide = viz.build_graph(torch.stack([h(x) for h in heads]).sum(), max_nodes=None,
                           namespace={f"head{i}": h for i, h in enumerate(heads)})
    assert wide.to_json()["width"] <= 1.5 * packed_width(wide)
    layers = []
    for _ in range(20):
        layers += [nn.Linear(8, 8), nn.ReLU()]
    model = nn.Sequential(*layers)
    deep = viz.build_graph(model(torch.randn(4, 8)).sum(), namespace={"model": model},
                           max_nodes=None)
    assert deep.to_json()["width"] < 4 * max(n["width"] for n in deep.nodes)
    for g in (wide, deep):
        assert_model_layout(g)


# ---------------------------------------------------------------------------------------
# collapsing
# ---------------------------------------------------------------------------------------

def chain(length):
    x = torch.ones(2, requires_grad=True)
    y = x
    for _ in range(length):
        y = y * 1.01
    return x, y.sum()


def counts_add_up(g, total):
    drawn = sum(n.get("count", 1) for n in g.nodes)
    assert drawn == total


def test_small_graphs_are_not_collapsed():
    _, root = chain(10)
    g = viz.build_graph(root)
    assert all(n["kind"] != "collapsed" for n in g.nodes)


def test_long_chain_collapses_with_consistent_counts():
    x, root = chain(1000)
    full = viz.build_graph(root, namespace={"x": x}, max_nodes=None)
    g = viz.build_graph(root, namespace={"x": x}, max_nodes=100)
    assert len(g.nodes) <= 100
    counts_add_up(g, len(full.nodes))
    (folded,) = [n for n in g.nodes if n["kind"] == "collapsed"]
    assert folded["contents"] == [["MulBackward0", folded["count"]]]
    # the ends stay readable: the input, its accumulator and the root
    labels = [n["label"] for n in g.nodes]
    assert {"x", "AccumulateGrad", "SumBackward0", "t0"} <= set(labels)
    assert g.summary == full.summary       # the summary is of the whole computation


def test_deep_mlp_collapses_repeated_blocks():
    torch.manual_seed(0)
    layers = []
    for _ in range(120):
        layers += [nn.Linear(3, 3), nn.ReLU()]
    model = nn.Sequential(*layers)
    root = model(torch.randn(2, 3)).sum()
    full = viz.build_graph(root, namespace={"model": model}, max_nodes=None)
    g = viz.build_graph(root, namespace={"model": model}, max_nodes=150)
    assert len(full.nodes) > 800 and len(g.nodes) <= 150
    counts_add_up(g, len(full.nodes))
    (band,) = [n for n in g.nodes if n["kind"] == "collapsed"]
    kinds = dict(band["contents"])
    # whole blocks, give or take the one the band's edge cuts through
    repeats = [kinds["AddmmBackward0"], kinds["ReluBackward0"], kinds["TBackward0"]]
    assert max(repeats) - min(repeats) <= 1 and min(repeats) > 50
    ids = {n["id"] for n in g.nodes}
    assert all(e["source"] in ids and e["target"] in ids for e in g.edges)


def test_wide_layers_fold():
    # 400 leaves stacked: one wide layer
    leaves = [torch.ones(1, requires_grad=True) for _ in range(400)]
    root = torch.stack(leaves).sum()
    g = viz.build_graph(root, max_nodes=60)
    assert len(g.nodes) <= 60
    counts_add_up(g, len(viz.build_graph(root, max_nodes=None).nodes))


def test_plan_collapse_groups_are_disjoint_and_sorted():
    sizes, edges = random_dag(3, 2000, 500)
    groups = plan_collapse(len(sizes), edges, 200)
    members = [v for g in groups for v in g]
    assert len(members) == len(set(members))
    assert all(g == sorted(g) for g in groups)
    assert len(sizes) - len(members) + len(groups) <= 200
    assert plan_collapse(10, [(i, i + 1) for i in range(9)], None) == []
