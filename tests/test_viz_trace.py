"""BackwardTrace: steps in the engine's order, gradients equal to .grad afterwards,
fan-out, hooks, errors, the trace() context manager, and memory."""

import gc
import json
import subprocess
import sys
import weakref

import pytest

import gradnb as torch
from gradnb import viz
from gradnb.autograd import add_observer
from gradnb.autograd.node import FREED_MESSAGE
from gradnb.viz import schema
from viz_examples import article_tensors


def kinds(p):
    return [s["kind"] for s in p.steps]


def test_article_trace_steps():
    ns = article_tensors()
    tr = viz.record_backward(ns["total"], namespace=ns)
    (p,) = tr.passes
    assert kinds(p) == ["begin", "node", "edge", "accumulate", "end"]
    begin, node, edge, acc, _ = p.steps
    g = p.graph
    assert begin["node"] == g.node("total")["id"] and begin["grad"] == "tensor(1.)" or \
        begin["grad"] == "tensor([1.])"
    assert node["node"] == g.node("AddBackward0")["id"]
    assert node["rule"] == "AddBackward0: grad_self = grad; grad_other = grad"
    assert edge["edge"] is not None and edge["target"] == g.node("AccumulateGrad")["id"]
    assert (acc["before"], acc["grad"], acc["after"]) == (None, "tensor([1.])", "tensor([1.])")
    assert acc["target"] == g.node("w")["id"]
    assert [s["index"] for s in p.steps] == list(range(5))
    assert tr.error is None and p.error is None
    # the graph was built before backward: w had no gradient then
    assert g.node("w")["grad"]["text"] is None


def test_steps_carry_every_schema_key():
    ns = article_tensors()
    p = viz.record_backward(ns["total"], namespace=ns).passes[0]
    for step in p.steps:
        assert set(step) == set(schema.Step.__annotations__)
        assert isinstance(step["text"], str) and step["text"]


def _mlp_loss():
    torch.manual_seed(0)
    w1 = torch.randn(3, 4, requires_grad=True)
    b1 = torch.randn(4, requires_grad=True)
    w2 = torch.randn(4, 1, requires_grad=True)
    x = torch.randn(5, 3)
    h = (x @ w1 + b1).tanh()
    loss = (h @ w2).pow(2).mean()
    return dict(w1=w1, b1=b1, w2=w2, x=x, h=h, loss=loss)


def test_node_steps_follow_the_engine_order():
    ns = _mlp_loss()
    engine_order = []

    def observer(event, data):
        if event == "node":
            engine_order.append(type(data["node"]).__name__)
    with add_observer(observer):
        tr = viz.record_backward(ns["loss"], namespace=ns)
    p = tr.passes[0]
    labels = {n["id"]: n["label"] for n in p.graph.nodes}
    assert [labels[s["node"]] for s in p.steps if s["kind"] == "node"] == engine_order


def test_trace_gradients_equal_grad_afterwards():
    ns = _mlp_loss()
    tr = viz.record_backward(ns["loss"], namespace=ns)
    p = tr.passes[0]
    last = {}
    for s in p.steps:
        if s["kind"] == "accumulate":
            last[p.label(s["target"])] = s["after"]
    assert sorted(last) == ["b1", "w1", "w2"]
    for name, text in last.items():
        assert text == repr(ns[name].grad)


def test_engine_reports_the_grad_it_wrote():
    """accumulate and retain events carry ``after``, the .grad as written (a copy), in
    the leaf's dtype; the trace shows that value, it does not add before + grad."""
    w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    seen = []

    def observer(event, data):
        if event in ("accumulate", "retain"):
            seen.append((event, data["before"], data["after"], data["tensor"]))

    with add_observer(observer):
        for _ in range(2):
            h = w * 3
            h.retain_grad()
            (h * h.float()).sum().backward()
    assert [e for e, *_ in seen] == ["retain", "accumulate"] * 2
    (_, b0, a0, _), (_, b1, a1, leaf) = seen[1], seen[3]
    assert leaf is w and b0 is None and str(a0.dtype) == "float64"
    assert b1.tolist() == a0.tolist() and a1.tolist() == w.grad.tolist()
    assert a1 is not w.grad._data             # a copy: later passes cannot change it
    tr = viz.record_backward((w * w).sum(), namespace={"w": w})
    (step,) = [s for s in tr.passes[0].steps if s["kind"] == "accumulate"]
    assert step["after"] == repr(w.grad)


def test_fan_out_hooks_and_accumulation_across_passes():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    h = w * 2

    def double(grad):
        return grad * 2
    h.register_hook(double)
    loss = (h * h + h).sum()
    ns = dict(w=w, h=h, loss=loss)
    first = viz.record_backward(loss, namespace=ns, retain_graph=True).passes[0]
    fanouts = [s for s in first.steps if s["kind"] == "fanout"]
    assert [(s["before"], s["grad"], s["after"]) for s in fanouts] == [
        ("tensor([1., 1.])", "tensor([2., 4.])", "tensor([3., 5.])"),
        ("tensor([3., 5.])", "tensor([2., 4.])", "tensor([5., 9.])")]
    assert all(s["node"] == first.graph.node("h")["id"] for s in fanouts)
    (hook,) = [s for s in first.steps if s["kind"] == "hook"]
    assert hook["node"] == first.graph.node("h")["id"]
    assert (hook["before"], hook["after"]) == ("tensor([5., 9.])", "tensor([10., 18.])")
    assert "double" in hook["text"]
    # fan-out adds up before the hook runs, the hook before the node
    assert kinds(first).index("hook") > max(i for i, k in enumerate(kinds(first))
                                            if k == "fanout")
    second = viz.record_backward(loss, namespace=ns).passes[0]
    (acc,) = [s for s in second.steps if s["kind"] == "accumulate"]
    assert (acc["before"], acc["grad"], acc["after"]) == (
        "tensor([20., 36.])", "tensor([20., 36.])", "tensor([40., 72.])")
    assert second.graph.node("w")["grad"]["text"] == "tensor([20., 36.])"


def test_leaf_hook_step():
    w = torch.ones(2, requires_grad=True)
    w.register_hook(lambda g: g * 10)
    p = viz.record_backward((w * 3).sum(), namespace=dict(w=w)).passes[0]
    (hook,) = [s for s in p.steps if s["kind"] == "hook"]
    assert hook["node"] == p.graph.node("w")["id"]
    assert (hook["before"], hook["after"]) == ("tensor([3., 3.])", "tensor([30., 30.])")
    assert kinds(p).index("hook") < kinds(p).index("accumulate")


def test_edges_of_the_same_input_twice():
    w = torch.tensor([3.0], requires_grad=True)
    p = viz.record_backward((w * w).sum(), namespace=dict(w=w)).passes[0]
    mul = p.graph.node("MulBackward0")["id"]
    edges = [s for s in p.steps if s["kind"] == "edge" and s["node"] == mul]
    graph_edges = {e["id"]: e for e in p.graph.edges}
    assert sorted(graph_edges[s["edge"]]["input"] for s in edges) == [0, 1]


def test_second_backward_without_retain_graph():
    w = torch.ones(2, requires_grad=True)
    loss = (w * w).sum()
    ns = dict(w=w, loss=loss)
    viz.record_backward(loss, namespace=ns)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        viz.record_backward(loss, namespace=ns)
    tr = viz.record_backward(loss, namespace=ns, raise_error=False)
    assert isinstance(tr.error, RuntimeError)
    p = tr.passes[0]
    assert kinds(p)[-2:] == ["error", "end"]
    assert p.steps[-2]["error"] == "RuntimeError: " + FREED_MESSAGE
    assert p.error == "RuntimeError: " + FREED_MESSAGE
    assert p.graph.node("MulBackward0")["freed"]


def test_error_before_the_engine_starts():
    c = torch.ones(2)
    tr = viz.record_backward(c.sum(), raise_error=False)
    (p,) = tr.passes
    assert kinds(p) == ["error", "end"]
    assert p.error == ("RuntimeError: element 0 of tensors does not require grad and does "
                       "not have a grad_fn")
    assert p.graph.nodes[0]["pruned"]


def test_non_scalar_root_with_gradient():
    w = torch.ones(2, requires_grad=True)
    y = w * 2
    p = viz.record_backward(y, gradient=torch.tensor([1.0, 0.5]), namespace=dict(w=w, y=y)
                            ).passes[0]
    assert p.steps[0]["grad"] == "tensor([1.0000, 0.5000])"
    assert p.steps[-2]["after"] == "tensor([2., 1.])"


def test_trace_context_records_each_pass_with_its_own_graph():
    w = torch.ones(2, requires_grad=True)
    with viz.trace(namespace={"w": w}) as tr:
        a = (w * 3).sum()
        a.backward()
        b = (w * w).sum()
        b.backward()
    assert [p.index for p in tr.passes] == [0, 1]
    assert tr.passes[0].graph.node("w")["grad"]["text"] is None
    assert tr.passes[1].graph.node("w")["grad"]["text"] == "tensor([3., 3.])"
    assert tr.passes[1].graph.node("MulBackward0")["saved"] == 2
    (w * 1).sum().backward()         # after the block: not recorded
    assert len(tr.passes) == 2
    data = tr.to_json()
    assert data["schema"] == schema.SCHEMA_VERSION and len(data["passes"]) == 2
    json.dumps(data)


def test_trace_records_autograd_grad_captures():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    with viz.trace(namespace={"w": w}) as tr:
        (g,) = torch.autograd.grad((w * w).sum(), w)
    p = tr.passes[0]
    (capture,) = [s for s in p.steps if s["kind"] == "capture"]
    assert capture["node"] == p.graph.node("w")["id"]
    assert capture["grad"] == repr(g)
    assert "accumulate" not in kinds(p)


def test_trace_refuses_nesting_itself():
    tr = viz.trace()
    with tr:
        with pytest.raises(RuntimeError, match="already recording"):
            tr.__enter__()


def test_trace_picture_at_a_step():
    ns = article_tensors()
    tr = viz.record_backward(ns["total"], namespace=ns)
    p = tr.passes[0]
    node_step = kinds(p).index("node")
    svg = tr.to_svg(0, step=node_step)
    assert f'data-id="{p.steps[node_step]["node"]}"' in svg
    assert "step 2/5" in svg
    final = tr.to_svg(0)
    assert "gradnb-active" not in final
    assert "grad: tensor([1.])" in final
    with pytest.raises(IndexError):
        tr.to_svg(0, step=99)


def test_trace_text_and_mimebundle():
    ns = article_tensors()
    tr = viz.record_backward(ns["total"], namespace=ns)
    text = tr.to_text()
    assert text.splitlines()[0] == "backward pass 1 from total: 5 steps"
    assert "w.grad: None + tensor([1.]) = tensor([1.])" in text
    bundle = tr._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml"}
    assert viz.trace()._repr_mimebundle_() == {"text/plain": "no backward pass recorded"}


def test_trace_keeps_no_tensor_alive():
    ns = _mlp_loss()
    refs = [weakref.ref(t) for t in ns.values()]
    tr = viz.record_backward(ns["loss"], namespace=ns)
    tr.to_svg(0, step=3)
    del ns
    gc.collect()
    assert all(r() is None for r in refs)
    assert len(tr.passes[0].steps) > 10
    json.dumps(tr.to_json())


_SCRIPT = """
import gradnb as torch
from gradnb import viz
torch.manual_seed(0)
w = torch.randn(3, 2, requires_grad=True)
x = torch.randn(4, 3)
with torch.no_grad():
    c = x * 2
loss = (c @ w).tanh().sum()
g = viz.build_graph(loss, namespace=globals())
tr = viz.record_backward(loss, namespace=globals())
print(g.to_text())
print(tr.to_text())
print(g.to_svg())
"""


def test_text_and_svg_are_identical_across_processes():
    runs = [subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    assert "0x" not in runs[0]
