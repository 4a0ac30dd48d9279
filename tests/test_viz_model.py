"""GraphModel content: nodes, names, pruning reasons and summary numbers, for the
article's example and the other ways a computation leaves autograd."""

import json
import warnings

import pytest

import gradnb as torch
from gradnb import nn, viz
from gradnb.autograd import Variable
from gradnb.viz import schema
from viz_examples import article_tensors


def inputs_of(graph, node_id):
    """``{input index: source node}`` of a node."""
    nodes = {n["id"]: n for n in graph.nodes}
    return {e["input"]: nodes[e["source"]] for e in graph.edges if e["target"] == node_id}


def edge(graph, source_label, target_id):
    src = graph.node(source_label)["id"]
    return next(e for e in graph.edges if e["source"] == src and e["target"] == target_id)


@pytest.fixture
def article():
    return article_tensors()


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


def test_article_example_reasons_are_lines_built_in_python(article):
    """The browser places these lines; a reason with more than six parts lists six."""
    g = viz.build_graph(article["total"], namespace=article).to_json()
    assert g["reasons"] == ["z, add \u2014 no input requires grad",
                            "x, y \u2014 requires_grad=False leaf (a constant)"]
    many = [torch.ones(1) for _ in range(8)]
    total = sum(many[1:], many[0]) * torch.ones(1, requires_grad=True)
    (line, _) = viz.build_graph(total).to_json()["reasons"]
    assert line.endswith(", \u2026 (8) \u2014 no input requires grad")   # 7 adds, their sum
    assert line.count(",") == 6


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


# ---------------------------------------------------------------------------------------
# every way out of autograd
# ---------------------------------------------------------------------------------------

def test_no_grad_result_is_pruned_with_its_inputs():
    w = torch.ones(3, requires_grad=True)
    v = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        q = w * 3
    loss = (q * v).sum()
    g = viz.build_graph(loss, namespace=dict(w=w, v=v, q=q, loss=loss))
    q_node = g.node("q")
    assert q_node["pruned"] and q_node["reason"] == schema.REASON_NO_GRAD
    op = inputs_of(g, q_node["id"])[0]
    assert (op["op"], op["would_be"], op["reason"]) == ("mul", "MulBackward0", "no_grad")
    # w is reached only through the no_grad op: backward from loss never gets there
    assert g.node("w")["pruned"] and g.node("w")["reason"] == schema.REASON_NO_GRAD
    assert not g.node("v")["pruned"]


def test_set_grad_enabled_false_is_the_no_grad_reason():
    w = torch.ones(2, requires_grad=True)
    with torch.set_grad_enabled(False):
        q = w + 1
    g = viz.build_graph((q * w).sum(), namespace=dict(w=w, q=q))
    assert g.node("q")["reason"] == schema.REASON_NO_GRAD
    # w also feeds the live MulBackward0, so it is live; its edge into the op is not
    assert not g.node("w")["pruned"]
    assert edge(g, "w", inputs_of(g, g.node("q")["id"])[0]["id"])["pruned"]


def test_inference_mode_results_and_factories():
    w = torch.ones(2, requires_grad=True)
    with torch.inference_mode():
        q = w * 2
        c = torch.ones(2)
    q2, c2 = q.clone(), c.clone()     # named: provenance holds its inputs weakly
    g = viz.build_graph((w + q2 + c2).sum(), namespace=dict(w=w, q=q, c=c, q2=q2, c2=c2))
    assert g.node("q2")["reason"] == schema.REASON_NO_INPUT
    assert g.node("q")["reason"] == schema.REASON_INFERENCE
    assert g.node("c")["reason"] == schema.REASON_INFERENCE
    assert "inference_mode" in g.node("q")["reason_text"]


def test_detach_prunes_the_history_behind_it():
    w = torch.ones(3, requires_grad=True)
    a = w * 2
    d = a.detach()
    loss = (d * w).sum()
    g = viz.build_graph(loss, namespace=dict(w=w, a=a, d=d, loss=loss))
    d_node, a_node = g.node("d"), g.node("a")
    assert d_node["reason"] == a_node["reason"] == schema.REASON_DETACH
    op = inputs_of(g, d_node["id"])[0]
    assert op["op"] == "detach" and op["would_be"] is None
    mul = inputs_of(g, a_node["id"])[0]
    assert mul["label"] == "MulBackward0" and mul["pruned"]
    assert not g.node("w")["pruned"]       # w still gets a gradient through d * w


def test_detach_in_place():
    w = torch.ones(2, requires_grad=True)
    a = w * 2
    a.detach_()
    g = viz.build_graph((a * w).sum(), namespace=dict(w=w, a=a))
    assert g.node("a")["reason"] == schema.REASON_DETACH


def test_volatile_variable_is_shown_as_a_constant_with_history():
    w = torch.ones(2, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = torch.ones(2)
        v = Variable(base, volatile=True)
    g = viz.build_graph((v * w).sum(), namespace=dict(w=w, v=v, base=base))
    v_node = g.node("v")
    assert v_node["reason"] == schema.REASON_VOLATILE
    assert "no effect" in v_node["reason_text"]
    op = inputs_of(g, v_node["id"])[0]
    assert op["op"] == "Variable" and inputs_of(g, op["id"])[0]["label"] == "base"


def test_not_differentiable_result():
    w = torch.tensor([1.0, -1.0], requires_grad=True)
    mask = w > 0
    g = viz.build_graph((w * mask).sum(), namespace=dict(w=w, mask=mask))
    assert g.node("mask")["reason"] == schema.REASON_NOT_DIFFERENTIABLE
    assert inputs_of(g, g.node("mask")["id"])[0]["op"] == "gt"


def test_frozen_layer_of_a_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    model[0].requires_grad_(False)
    x = torch.randn(2, 4)
    hidden = model[1](model[0](x))        # kept, so the frozen part stays reachable
    loss = model[2](hidden).sum()
    g = viz.build_graph(loss, namespace=dict(model=model, x=x, hidden=hidden, loss=loss))
    assert g.node("hidden")["reason"] == schema.REASON_NO_INPUT
    relu = inputs_of(g, g.node("hidden")["id"])[0]
    assert (relu["op"], relu["would_be"]) == ("relu", "ReluBackward0")
    for name in ("model.2.weight", "model.2.bias"):
        assert not g.node(name)["pruned"]
    summary = g.summary
    # AddmmBackward0 of the live layer keeps hidden (for grad of its weight) but not its
    # weight's transpose (3 floats): hidden needs no gradient; the frozen ReLU would
    # have saved its result (6 floats); the frozen layer's addmm, found through the
    # provenance record of its freed output, would have saved x for its weight (8 floats)
    assert summary["bytes_saved_not_allocated"] == (3 + 6 + 8) * 4
    assert summary["gradients_skipped"] >= 1


def test_frozen_parameters_are_constants():
    torch.manual_seed(0)
    layer = nn.Linear(4, 3)
    layer.requires_grad_(False)
    x = torch.randn(2, 4)
    w = torch.ones(3, requires_grad=True)
    out = layer(x)
    g = viz.build_graph((out * w).sum(), namespace=dict(layer=layer, x=x, out=out, w=w))
    addmm = inputs_of(g, g.node("out")["id"])[0]
    assert addmm["would_be"] == "AddmmBackward0"
    sources = {n["label"] for n in inputs_of(g, addmm["id"]).values()}
    assert {"layer.bias", "x"} <= sources
    for name in ("layer.bias", "x"):
        assert g.node(name)["pruned"] and g.node(name)["reason"] == schema.REASON_CONSTANT
    # layer.weight went through a temporary weight.t(): the freed transpose is drawn from
    # its provenance record, and the weight behind it is found
    assert g.node("layer.weight")["pruned"]
    # .grad buffers not allocated: out, layer.bias, x and layer.weight
    assert g.summary["bytes_grad_not_allocated"] == (6 + 3 + 8 + 12) * 4


def test_mlp_graph_names_parameters_and_saves():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    x = torch.randn(5, 4)
    loss = model(x).pow(2).mean()
    g = viz.build_graph(loss, namespace=dict(model=model, x=x, loss=loss))
    labels = {n["label"] for n in g.nodes}
    assert {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias", "x",
            "loss", "AddmmBackward0", "ReluBackward0", "TBackward0", "PowBackward0",
            "MeanBackward0"} <= labels
    accumulates = [n for n in g.nodes if n["kind"] == schema.ACCUMULATE]
    assert len(accumulates) == 4 and not any(n["pruned"] for n in accumulates)
    relu = g.node("ReluBackward0")
    assert relu["saved"] == 1 and not relu["freed"]
    assert relu["rules"] == ["grad_self = where(result <= 0, 0, grad)"]
    loss.backward()
    g.refresh()
    assert g.node("ReluBackward0")["freed"] and g.node("ReluBackward0")["saved"] == 1
    assert g.node("model.0.weight")["grad"]["state"] == schema.GRAD_FRESH


def test_fan_out_uses_one_accumulate_node():
    w = torch.ones(2, requires_grad=True)
    loss = (w * 2 + w * 3).sum()
    g = viz.build_graph(loss, namespace=dict(w=w, loss=loss))
    acc = [n for n in g.nodes if n["kind"] == schema.ACCUMULATE]
    assert len(acc) == 1
    consumers = [e for e in g.edges if e["source"] == acc[0]["id"]]
    assert len(consumers) == 2


def test_same_input_twice_keeps_both_edges():
    w = torch.ones(2, requires_grad=True)
    g = viz.build_graph((w * w).sum(), namespace=dict(w=w))
    mul = g.node("MulBackward0")
    assert sorted(inputs_of(g, mul["id"])) == [0, 1]


def test_named_intermediates_are_drawn_after_their_grad_fn():
    w = torch.ones(2, requires_grad=True)
    h = w * 2
    h.retain_grad()
    loss = h.sum()
    g = viz.build_graph(loss, namespace=dict(w=w, h=h, loss=loss))
    h_node = g.node("h")
    assert inputs_of(g, h_node["id"])[0]["label"] == "MulBackward0"
    assert inputs_of(g, g.node("SumBackward0")["id"])[0] is h_node
    assert h_node["retains_grad"] and not h_node["is_leaf"]
    loss.backward()
    g.refresh()
    assert g.node("h")["grad"] == {"state": schema.GRAD_FRESH, "text": "tensor([1., 1.])"}


def test_hook_counts():
    w = torch.ones(2, requires_grad=True)
    h = w * 2
    w.register_hook(lambda g: g)
    h.register_hook(lambda g: g * 2)
    h.register_hook(lambda g: g)
    g = viz.build_graph(h.sum(), namespace=dict(w=w, h=h))
    assert g.node("w")["hooks"] == 1 and g.node("h")["hooks"] == 2


def test_in_place_copy_slices():
    w = torch.ones(3, requires_grad=True)
    c = torch.zeros(1)
    a = w * 1
    a[0:1] = c
    g = viz.build_graph(a.sum(), namespace=dict(w=w, c=c, a=a))
    a_node = g.node("a")
    copy = inputs_of(g, a_node["id"])[0]
    assert copy["label"] == "CopySlices" and a_node["version"] == 1
    assert inputs_of(g, copy["id"])[0]["label"] == "MulBackward0"


def test_gradient_states_none_fresh_accumulated_stale():
    w = torch.ones(2, requires_grad=True)
    states = []
    root = (w * 2).sum()
    g = viz.build_graph(root, namespace=dict(w=w))
    states.append(g.node("w")["grad"]["state"])
    (w * 2).sum().backward()
    states.append(g.refresh().node("w")["grad"]["state"])
    (w * 2).sum().backward()
    states.append(g.refresh().node("w")["grad"]["state"])
    with torch.no_grad():
        w.add_(1)
    states.append(g.refresh().node("w")["grad"]["state"])
    assert states == [schema.GRAD_NONE, schema.GRAD_FRESH, schema.GRAD_ACCUMULATED,
                      schema.GRAD_STALE]
    assert g.node("w")["grad"]["text"] == "tensor([4., 4.])"
    assert g.node("w")["lines"][2].startswith("grad (stale): ")


def test_zeroed_gradient_restarts_as_fresh():
    w = torch.ones(2, requires_grad=True)
    for _ in range(2):
        (w * 2).sum().backward()
    w.grad.zero_()
    (w * 2).sum().backward()
    assert viz.build_graph(w * 1, namespace=dict(w=w)).node("w")["grad"]["state"] == \
        schema.GRAD_FRESH


def test_saved_bytes_not_allocated_for_live_node_with_constant_input():
    w = torch.ones(3, requires_grad=True)
    c = torch.ones(3)
    g = viz.build_graph(w * c, namespace=dict(w=w, c=c))
    # MulBackward0 keeps c (for grad_w) but not w (grad_c is never computed)
    assert g.node("MulBackward0")["saved"] == 1
    assert g.summary["bytes_saved_not_allocated"] == 3 * 4
    # a python number never requires grad: nothing is counted for it
    assert viz.build_graph(w * 2.0).summary["bytes_saved_not_allocated"] == 0


def test_saved_bytes_not_allocated_for_pruned_op():
    a = torch.ones(4)
    b = torch.ones(4)
    c = a * b                   # MulBackward0 would save both inputs
    e = a + b                   # AddBackward0 saves nothing
    g = viz.build_graph(c, e, namespace=dict(a=a, b=b, c=c, e=e))
    assert g.summary["bytes_saved_not_allocated"] == 2 * 4 * 4
    assert g.summary["bytes_grad_not_allocated"] == 4 * 4 * 4
    assert g.summary["gradients_computed"] == 0


def test_several_roots():
    w = torch.ones(2, requires_grad=True)
    a = w * 2
    b = a + 1
    g = viz.build_graph(b, a, namespace=dict(w=w))
    roots = g.to_json()["roots"]
    assert len(roots) == 2
    # a is drawn as a tensor between MulBackward0 and AddBackward0, not skipped over
    add = inputs_of(g, roots[0])[0]
    assert inputs_of(g, add["id"])[0]["id"] == roots[1]


def test_leaf_root_and_constant_root():
    w = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    g = viz.build_graph(w, c, namespace=dict(w=w, c=c))
    assert not g.node("w")["pruned"] and g.node("c")["pruned"]


def test_root_must_be_a_tensor():
    with pytest.raises(TypeError, match="tensors"):
        viz.build_graph(3.0)
    with pytest.raises(TypeError):
        viz.build_graph()


def test_graph_is_build_graph():
    w = torch.ones(1, requires_grad=True)
    assert viz.graph(w * 2).to_json() == viz.build_graph(w * 2).to_json()


# ---------------------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------------------

def test_public_names_win_over_underscore_names():
    w = torch.ones(1, requires_grad=True)
    namespace = {"__name__": "__main__", "_": w, "_5": w, "weight": w}
    assert viz.build_graph(w * 2, namespace=namespace).node("weight")["name"] == "weight"


def test_first_binding_wins():
    w = torch.ones(1, requires_grad=True)
    assert viz.build_graph(w * 2, namespace={"first": w, "second": w}).node("first")


def test_module_namespace_is_read_again_on_refresh():
    # a view keeps the names of its first picture (a name bound since adds nothing),
    # and reads the namespace again to mark the names that moved
    namespace = {"__name__": "__main__"}
    w = torch.ones(1, requires_grad=True)
    namespace["w"] = w
    total = w * 2
    g = viz.build_graph(total, namespace=namespace)
    assert g.node("t0")["name"] is None
    namespace["total"] = total
    assert g.refresh().node("t0")["name"] is None
    namespace["w"] = torch.ones(1)
    assert g.refresh().node("w (rebound)")["kind"] == "tensor"
    del namespace["w"]
    assert g.refresh().node("w (deleted)")
    namespace["w"] = w
    assert g.refresh().node("w")


# ---------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------

def test_model_keeps_no_tensor_alive():
    import gc
    import weakref
    x = torch.ones(2)
    w = torch.ones(2, requires_grad=True)
    total = w * x + x
    refs = [weakref.ref(t) for t in (x, w, total)]
    g = viz.build_graph(total, namespace=dict(x=x, w=w, total=total))
    g.to_svg()
    g.to_text()
    del x, w, total
    gc.collect()
    assert [r() for r in refs] == [None, None, None]
    text = g.to_text()
    assert g.refresh() is g and not g.alive and g.to_text() == text


def test_in_place_on_constant_after_use_does_not_break_the_picture():
    # c is used as a constant, then changed in place by a tracked op: the picture has a
    # cycle (c's new history goes through the node that used its old value)
    w = torch.ones(2, requires_grad=True)
    c = torch.ones(2)
    y = w * c
    c.mul_(y)
    g = viz.build_graph(c, namespace=dict(w=w, c=c, y=y))
    assert g.node("c")["grad_fn"] == "MulBackward0"
    ET = pytest.importorskip("xml.etree.ElementTree")
    ET.fromstring(g.to_svg())


def test_strange_namespace_values_are_ignored():
    class Exploding:
        def __getattr__(self, name):
            raise ValueError("no")

    class ForeignModule:
        def named_parameters(self):
            return iter([("weight", [1.0, 2.0])])

    w = torch.ones(1, requires_grad=True)
    ns = {"bomb": Exploding(), "foreign": ForeignModule(), "Linear": nn.Linear, 3: w, "w": w}
    assert viz.build_graph(w * 2, namespace=ns).node("w")["name"] == "w"
