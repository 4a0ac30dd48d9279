"""GraphModel content: nodes, names, pruning reasons and summary numbers, for the
article's example and the other ways a computation leaves autograd."""

import json
import warnings

import pytest

import gradnb as torch
from gradnb import nn, viz
from gradnb.autograd import Variable
from gradnb.viz import schema


def by_label(graph, label):
    return graph.node(label)


def inputs_of(graph, node_id):
    """``{input index: source node}`` of a node."""
    nodes = {n["id"]: n for n in graph.nodes}
    return {e["input"]: nodes[e["source"]] for e in graph.edges if e["target"] == node_id}


def edge(graph, source_label, target_id):
    src = graph.node(source_label)["id"]
    return next(e for e in graph.edges if e["source"] == src and e["target"] == target_id)


@pytest.fixture
def article():
    x = torch.ones(1)
    y = torch.ones(1)
    z = x + y
    w = torch.ones(1, requires_grad=True)
    total = w + z
    return dict(x=x, y=y, z=z, w=w, total=total)


# ---------------------------------------------------------------------------------------
# the article's example
# ---------------------------------------------------------------------------------------

def test_article_example_live_part(article):
    g = viz.build_graph(article["total"], namespace=article)
    total, w = g.node("total"), g.node("w")
    assert g.to_json()["roots"] == [total["id"]]
    assert total["grad_fn"] == "AddBackward0" and not total["pruned"]
    add = inputs_of(g, total["id"])[0]
    assert add["kind"] == schema.FUNCTION and add["label"] == "AddBackward0"
    assert add["rules"] == ["grad_self = grad", "grad_other = grad"]
    acc = inputs_of(g, add["id"])[0]
    assert acc["kind"] == schema.ACCUMULATE and not acc["pruned"]
    assert acc["rules"] == ["w.grad += grad"]
    assert inputs_of(g, acc["id"])[0] is w
    assert w["is_leaf"] and w["requires_grad"] and not w["pruned"]


def test_article_example_pruned_part(article):
    g = viz.build_graph(article["total"], namespace=article)
    add_node = inputs_of(g, g.node("total")["id"])[0]
    z = inputs_of(g, add_node["id"])[1]
    assert z["label"] == "z" and z["pruned"]
    assert z["reason"] == schema.REASON_NO_INPUT
    assert z["reason_text"] == "no input requires grad"
    assert edge(g, "z", add_node["id"])["pruned"]
    op = inputs_of(g, z["id"])[0]
    assert op["kind"] == schema.PRUNED_OP and op["op"] == "add"
    assert op["would_be"] == "AddBackward0" and op["reason"] == schema.REASON_NO_INPUT
    sources = inputs_of(g, op["id"])
    assert [sources[0]["label"], sources[1]["label"]] == ["x", "y"]
    for name in ("x", "y"):
        assert g.node(name)["pruned"] and g.node(name)["reason"] == schema.REASON_CONSTANT


def test_article_example_after_backward(article):
    g = viz.build_graph(article["total"], namespace=article)
    article["total"].backward()
    g.refresh()
    assert g.node("w")["grad"] == {"state": schema.GRAD_FRESH, "text": "tensor([1.])"}
    for name in ("x", "y", "z"):
        assert g.node(name)["grad"] == {"state": schema.GRAD_NONE, "text": None}
    assert "grad: tensor([1.])" in g.node("w")["lines"]


def test_article_example_summary(article):
    summary = viz.build_graph(article["total"], namespace=article).summary
    assert summary == {"tensors": 5, "functions": 2, "pruned_nodes": 4,
                       "gradients_computed": 2, "gradients_skipped": 3,
                       "bytes_grad_not_allocated": 12, "bytes_saved_not_allocated": 0}


def test_unnamed_tensors_get_their_id_as_label(article):
    g = viz.build_graph(article["total"])
    labels = sorted(n["label"] for n in g.nodes if n["kind"] == schema.TENSOR)
    ids = sorted(n["id"] for n in g.nodes if n["kind"] == schema.TENSOR)
    assert labels == ids and all(n["name"] is None for n in g.nodes)


def test_json_serialisable_and_deterministic(article):
    first = json.dumps(viz.build_graph(article["total"], namespace=article).to_json(),
                       sort_keys=True)
    second = json.dumps(viz.build_graph(article["total"], namespace=article).to_json(),
                        sort_keys=True)
    assert first == second
    assert "0x" not in first


def test_every_node_has_schema_fields(article):
    g = viz.build_graph(article["total"], namespace=article)
    common = {"id", "kind", "label", "name", "pruned", "reason", "reason_text", "lines",
              "layer", "x", "y", "width", "height"}
    extra = {schema.TENSOR: {"shape", "dtype", "requires_grad", "is_leaf", "grad_fn", "value",
                             "grad", "version"},
             schema.FUNCTION: {"saved", "freed", "rules"},
             schema.ACCUMULATE: {"saved", "freed", "rules"},
             schema.PRUNED_OP: {"op", "would_be"}}
    for node in g.nodes:
        assert common | extra[node["kind"]] <= set(node)
    assert set(g.to_json()) == set(schema.Graph.__annotations__)
    assert set(g.summary) == set(schema.Summary.__annotations__)
