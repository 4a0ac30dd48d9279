"""SVG and text renderings: well-formed, escaped, accessible, with stable hooks (classes
and data-id attributes equal to the JSON ids) for the browser widget."""

import xml.etree.ElementTree as ET

import pytest

import gradnb as torch
from gradnb import viz
from viz_examples import article_tensors

SVG = "{http://www.w3.org/2000/svg}"


def groups(root, cls):
    return [g for g in root.iter(SVG + "g") if cls in g.get("class", "").split()]


@pytest.fixture
def picture():
    ns = article_tensors()
    g = viz.build_graph(ns["total"], namespace=ns)
    return g, ET.fromstring(g.to_svg())


def test_svg_parses_and_has_a_title_and_description(picture):
    g, root = picture
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root.find(SVG + "title").text == "autograd graph of total"
    assert "gradients computed: 2" in root.find(SVG + "desc").text


def test_every_node_and_edge_is_drawn_with_its_json_id(picture):
    g, root = picture
    nodes = groups(root, "gradnb-node")
    assert [n.get("data-id") for n in nodes] == [n["id"] for n in g.nodes]
    edges = groups(root, "gradnb-edge")
    assert [e.get("data-id") for e in edges] == [e["id"] for e in g.edges]
    for element, record in zip(edges, g.edges):
        assert element.get("data-source") == record["source"]
        assert element.get("data-target") == record["target"]


def test_every_node_has_hover_text_with_value_and_grad(picture):
    g, root = picture
    for element in groups(root, "gradnb-node"):
        assert element.find(SVG + "title").text
    w = next(e for e in groups(root, "gradnb-node") if e.get("data-id") == g.node("w")["id"])
    hover = w.find(SVG + "title").text
    assert "w: tensor([1.], requires_grad=True)" in hover and "grad: None" in hover


def test_svg_titles_are_the_json_hover_strings(picture):
    """The hover text is built once (in the JSON): the SVG places exactly those strings,
    as the browser does."""
    g, root = picture
    nodes = {e.get("data-id"): e.find(SVG + "title").text for e in groups(root, "gradnb-node")}
    edges = {e.get("data-id"): e.find(SVG + "title").text for e in groups(root, "gradnb-edge")}
    assert nodes == {n["id"]: n["hover"] for n in g.nodes}
    assert edges == {e["id"]: e["hover"] for e in g.edges}
    assert any(e["pruned"] and e["hover"].endswith(", pruned") for e in g.edges)
    assert root.find(SVG + "title").text == g.to_json()["title"] == "autograd graph of total"


def test_trace_step_hover_is_what_the_svg_shows_at_that_step():
    w = torch.ones(2, requires_grad=True)
    with viz.trace(namespace={"w": w}) as tr:
        (w * w).sum().backward()
    p = tr.passes[0]
    changed = [(k, s) for k, s in enumerate(p.steps) if s["hover"] is not None]
    assert {s["kind"] for _, s in changed} == {"edge", "accumulate"}
    for k, step in changed:
        root = ET.fromstring(tr.to_svg(0, k))
        kind, ident = ("gradnb-edge", step["edge"]) if step["kind"] == "edge" else \
            ("gradnb-node", step["target"])
        (element,) = [e for e in groups(root, kind) if e.get("data-id") == ident]
        assert element.find(SVG + "title").text == step["hover"]
        (caption,) = [t for t in root.iter(SVG + "text") if t.get("class") == "gradnb-caption"]
        assert caption.text == step["caption"] and step["caption"].startswith(f"step {k + 1}/")
    acc = next(s for _, s in changed if s["kind"] == "accumulate")
    assert "grad (fresh): tensor([2., 2.])" in acc["hover"]
    assert acc["values"] == f"grad: {acc['grad']}\nafter: {acc['after']}"   # no before


def test_pruned_parts_are_dashed_grey_and_classed(picture):
    g, root = picture
    for element, record in zip(groups(root, "gradnb-node"), g.nodes):
        classes = element.get("class").split()
        rect = element.find(SVG + "rect")
        assert ("gradnb-pruned" in classes) == record["pruned"]
        assert (rect.get("stroke-dasharray") is not None) == record["pruned"]
        kind_class = {"tensor": "gradnb-tensor", "function": "gradnb-function",
                      "accumulate": "gradnb-accumulate", "pruned_op": "gradnb-pruned-op"}
        assert kind_class[record["kind"]] in classes
        if record["pruned"]:
            assert rect.get("stroke") == "#999999"
            title = element.find(SVG + "title").text
            assert "pruned: " in title
    for element, record in zip(groups(root, "gradnb-edge"), g.edges):
        path = element.find(SVG + "path")
        assert (path.get("stroke-dasharray") is not None) == record["pruned"]


def test_legend_explains_pruning_in_words(picture):
    _, root = picture
    (legend,) = groups(root, "gradnb-legend")
    keys = [e.get("data-key") for e in groups(legend, "gradnb-legend-entry")]
    assert keys == ["tensor", "function", "accumulate", "pruned", "reason:constant",
                    "reason:no_input_requires_grad"]
    texts = " ".join(t.text for t in legend.iter(SVG + "text"))
    assert "pruned: backward from the root will not visit it" in texts
    assert "no input requires grad" in texts


def test_root_and_highlight_classes(picture):
    g, _ = picture
    root_id = g.to_json()["roots"][0]
    add_id = g.node("AddBackward0")["id"]
    edge_id = g.edges[0]["id"]
    root = ET.fromstring(g.to_svg(highlight=[add_id, edge_id]))
    active = [e.get("data-id") for e in root.iter(SVG + "g")
              if "gradnb-active" in e.get("class", "").split()]
    assert sorted(active) == sorted([add_id, edge_id])
    roots = [e.get("data-id") for e in groups(root, "gradnb-root")]
    assert roots == [root_id]
    assert g.to_svg(highlight=add_id) == g.to_svg(highlight=[add_id])


@pytest.mark.parametrize("evil", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                  'a"b\'c&d', "\x00\x1b]0;title\x07"])
def test_user_text_is_escaped(evil):
    w = torch.ones(1, requires_grad=True)
    out = w * 2
    g = viz.build_graph(out, namespace={evil: w, "out": out})
    svg = g.to_svg()
    root = ET.fromstring(svg)                  # well-formed despite the name
    assert not list(root.iter("script")) and not list(root.iter(SVG + "script"))
    assert not list(root.iter(SVG + "img")) and "<img" not in svg and "<script" not in svg
    texts = [t.text for t in root.iter(SVG + "text")]
    shown = evil.replace("\x00", "\ufffd").replace("\x1b", "\ufffd").replace("\x07", "\ufffd")
    assert shown in texts
    tr = viz.record_backward(out, gradient=torch.ones(1), namespace={evil: w, "out": out})
    ET.fromstring(tr.to_svg(0, step=2))
    assert shown in tr.to_text() or evil in tr.to_text()


def test_svg_and_text_are_deterministic():
    first = article_tensors()
    second = article_tensors()
    a = viz.build_graph(first["total"], namespace=first)
    b = viz.build_graph(second["total"], namespace=second)
    assert a.to_svg() == b.to_svg() and a.to_text() == b.to_text()
    assert "0x" not in a.to_svg() + a.to_text()


def test_mimebundle(picture):
    g, _ = picture
    bundle = g._repr_mimebundle_()
    assert bundle == {"image/svg+xml": g.to_svg(), "text/plain": g.to_text()}
    assert g._repr_svg_() == g.to_svg()


def test_text_rendering_of_the_article(picture):
    g, _ = picture
    text = g.to_text()
    lines = text.splitlines()
    assert lines[0] == "autograd graph of total: 5 tensors, 2 autograd nodes, 4 pruned"
    assert "    <- input 1: z (t1)  [pruned edge]" in lines
    assert any(l.startswith("x (t3)") and l.endswith("PRUNED (constant)") for l in lines)
    assert "gradients computed: 2, skipped: 3; not allocated because of pruning: 12 bytes " \
           "of gradient buffers, 0 bytes of saved activations" in lines


def test_trace_pictures_stack_into_one_svg():
    w = torch.ones(1, requires_grad=True)
    with viz.trace(namespace={"w": w}) as tr:
        (w * 2).sum().backward()
        (w * 3).sum().backward()
    root = ET.fromstring(tr._repr_svg_())
    assert len(root.findall(SVG + "svg")) == 2


def test_collapsed_nodes_are_drawn_double_bordered():
    x = torch.ones(1, requires_grad=True)
    y = x
    for _ in range(60):
        y = y * 1.5
    g = viz.build_graph(y, max_nodes=20)
    root = ET.fromstring(g.to_svg())
    (folded,) = groups(root, "gradnb-collapsed")
    assert len(folded.findall(SVG + "rect")) == 2
    assert "nodes folded" in folded.find(SVG + "title").text
