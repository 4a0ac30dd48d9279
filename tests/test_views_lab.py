"""Views that hold up in a real lab (issue 10), checked without a browser on both
libraries where torch is installed: where a detached value came from, names that stay
what the learner wrote, expressions as magic arguments."""

import gc

import pytest

import gradnb
from gradnb import viz

LIBRARIES = {"gradnb": gradnb}
try:
    import torch
    from gradnb.viz.source_torch import RECORDER
    LIBRARIES["torch"] = torch
except ImportError:         # the gradnb half still runs
    RECORDER = None


@pytest.fixture(params=sorted(LIBRARIES))
def lib(request):
    """The tensor library a test runs on (torch with the recorder on, as after
    ``%load_ext gradnb``)."""
    if request.param == "torch":
        RECORDER.start()
        yield LIBRARIES["torch"]
        RECORDER.stop()
    else:
        yield LIBRARIES["gradnb"]


def _chain(model, label):
    """Labels from ``label`` back to the first input, following input 0."""
    by_id = {n["id"]: n for n in model.nodes}
    node = model.node(label)
    labels = [node["label"]]
    while True:
        feeding = [e for e in model.edges if e["target"] == node["id"] and e["input"] == 0]
        if not feeding:
            return labels
        node = by_id[feeding[0]["source"]]
        labels.append(node["label"])


# -- item 4: where a detached value came from ---------------------------------------------

def test_detach_of_an_unnamed_result_keeps_its_source(lib):
    ns = {"__name__": "lesson"}
    ns["price"] = lib.tensor([3.0], requires_grad=True)
    ns["target"] = (ns["price"] * 2).detach()     # price * 2 has no name: freed here
    gc.collect()
    model = viz.build_graph(ns["target"], namespace=ns)
    assert _chain(model, "target") == ["target", "detach", "mul", "price"]
    mul = model.node("mul")
    assert mul["pruned"] and mul["reason"] == "detach" and mul["would_be"] == "MulBackward0"


def test_detach_of_a_deeper_chain_with_a_constant(lib):
    ns = {"__name__": "lesson"}
    ns["w"] = lib.tensor([2.0], requires_grad=True)
    ns["c"] = lib.tensor([5.0])
    ns["y"] = ((ns["w"] * ns["c"]).exp() + 1).detach()
    gc.collect()
    model = viz.build_graph(ns["y"], namespace=ns)
    assert _chain(model, "y") == ["y", "detach", "add", "exp", "mul", "w"]
    labels = {n["label"] for n in model.nodes}
    assert "c" in labels                       # the constant input of mul is drawn too


def test_detach_records_keep_nothing_alive(lib):
    import weakref
    w = lib.tensor([2.0], requires_grad=True)
    ref = weakref.ref(w)
    y = (w * 3).detach()
    del w
    gc.collect()
    assert ref() is None and y is not None


# -- item 2: names stay what the learner wrote ---------------------------------------------

def _lesson(lib, ns):
    """The cells of the issue's lesson: prices, then a cost from them."""
    ns["price"] = lib.tensor([2.0], requires_grad=True)
    ns["qty"] = lib.tensor([3.0])
    ns["shipping"] = lib.tensor([5.0])
    ns["cost"] = ns["price"] * ns["qty"] + ns["shipping"]


def test_rebinding_names_keeps_an_earlier_view(lib):
    ns = {"__name__": "__main__"}
    _lesson(lib, ns)
    model = viz.build_graph(ns["cost"], namespace=ns)
    labels = sorted(n["label"] for n in model.nodes)
    summary = dict(model.summary)
    ns["_3"] = ns["cost"]                 # IPython's output history keeps the old cost
    _lesson(lib, ns)                      # both cells run again
    gc.collect()                          # the old shipping is gone (only its name held it)
    model.refresh()
    moved = sorted(n["label"] for n in model.nodes)
    assert moved == sorted(label if label not in ("cost", "price", "qty", "shipping")
                           else f"{label} (rebound)" for label in labels)
    assert model.summary["gradients_skipped"] == summary["gradients_skipped"]
    assert model.summary["gradients_computed"] == summary["gradients_computed"]
    shipping = model.node("shipping (rebound)")
    assert shipping["pruned"] and "constant" in shipping["lines"]
    # the ops still read as the learner wrote them
    assert {n["written"] for n in model.nodes if n["kind"] == "function"} == \
        {"price * qty", "(price * qty) + shipping"}


def test_names_bound_back_lose_the_mark(lib):
    ns = {"__name__": "__main__"}
    _lesson(lib, ns)
    model = viz.build_graph(ns["cost"], namespace=ns)
    price = ns["price"]
    ns["price"] = lib.tensor([9.0])
    assert model.refresh().node("price (rebound)")
    ns["price"] = price
    assert model.refresh().node("price")


def test_a_label_given_for_the_root_is_used(lib):
    ns = {"__name__": "__main__"}
    _lesson(lib, ns)
    ns["cost"].backward()
    grad = ns["price"].grad
    model = viz.build_graph(grad, namespace=ns, labels=["price.grad"])
    assert model.node("price.grad")["id"] == "t0"


def test_op_nodes_say_what_they_compute(lib):
    ns = {"__name__": "__main__"}
    ns["x"] = lib.tensor([2.0], requires_grad=True)
    ns["s"] = ns["x"] * ns["x"] + ns["x"]
    ns["loss"] = (ns["s"] * ns["s"]).sum()
    model = viz.build_graph(ns["loss"], namespace=ns)
    written = sorted(n["written"] for n in model.nodes if n["kind"] == "function")
    assert written == ["(x * x) + x", "s * s", "sum(s * s)", "x * x"]
    muls = [n for n in model.nodes if n["label"] == "MulBackward0"]
    assert len(muls) == 2 and {m["lines"][1] for m in muls} == {"s * s", "x * x"}
    assert "computes s * s" in model.to_text()


def test_written_form_of_a_number_operand_and_unknown_inputs():
    from gradnb.viz.describe import written_form
    assert written_form("MulBackward0", ["x"]) == "x * (number)"
    assert written_form("ExpBackward0", [None]) == "exp(\u2026)"
    assert written_form("torch::autograd::AccumulateGrad", []) is None
    assert len(written_form("AddBackward0", ["a_long_name"] * 2 + [])) <= 24


# -- item 1: the replay shows what it says (the browser test walks every step) ---------

def test_accumulate_steps_carry_the_box_line_and_edges_a_short_value(lib):
    ns = {"__name__": "__main__"}
    ns["x"] = lib.tensor([2.0], requires_grad=True)
    ns["loss"] = (ns["x"] * ns["x"] + ns["x"]).sum()
    trace = viz.record_backward(ns["loss"], namespace=ns)
    steps = trace.passes[0].steps
    (acc,) = [s for s in steps if s["kind"] == "accumulate"]
    assert acc["box"] == "grad: tensor([5.])"
    assert {s["short"] for s in steps if s["kind"] == "edge"} <= {"[1.]", "[2.]", "[3.]",
                                                                  "1.", "[4.]"}
    # the static picture after the pass shows the box's gradient too
    assert "grad: tensor([5.])" in trace.to_svg()


def test_short_value_keeps_edges_narrow():
    from gradnb.viz.trace import SHORT_CHARS, short_value
    assert short_value("tensor([5.])") == "[5.]"
    assert short_value("tensor(2.)") == "2."
    assert short_value("tensor([1., 2.], dtype=torch.float64)") == "[1., 2.]"
    long = short_value("tensor([[ 0.0918,  0.0000],\n        [ 0.0457, -0.0115]])")
    assert len(long) <= SHORT_CHARS and long.endswith("\u2026")


# -- item 3: a stale gradient says what changed the tensor ----------------------------------

def test_stale_cause_names_the_optimizer(lib):
    from gradnb.viz.source import source_of
    w = lib.tensor([1.0], requires_grad=True)
    (w * 2).sum().backward()
    src = source_of(w)
    assert src.stale_cause(w) is None
    lib.optim.SGD([w], lr=0.1).step()
    assert src.stale_cause(w) == "optimizer.step()"
    with lib.no_grad():
        w.mul_(2)
    assert src.stale_cause(w) is None


# -- item 6: big models open as their layers -------------------------------------------------

def test_a_model_is_also_drawn_one_box_per_module(lib):
    ns = {"__name__": "__main__"}
    lib.manual_seed(0)
    ns["net"] = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    ns["loss"] = (ns["net"](lib.randn(5, 3)) ** 2).mean()
    full = viz.build_graph(ns["loss"], namespace=ns).to_json()
    modules = full["modules"]
    boxes = {n["label"]: n for n in modules["nodes"]}
    assert {"net.0", "net.2"} <= set(boxes) and boxes["net.0"]["module"]
    assert "AddmmBackward0" in boxes["net.0"]["lines"][2]
    assert "ReluBackward0" in boxes and "loss" in boxes      # outside any module
    # every node of the full picture is either drawn or folded into a module's box
    folded = sum(n["count"] for n in modules["nodes"] if n.get("module"))
    drawn = sum(1 for n in modules["nodes"] if not n.get("module"))
    assert folded + drawn == len(full["nodes"])
    assert modules["roots"] == full["roots"]


def test_small_graphs_have_no_module_picture(lib):
    ns = {"__name__": "__main__"}
    ns["lin"] = lib.nn.Linear(2, 1)
    ns["out"] = ns["lin"](lib.ones(1, 2)).sum()
    assert viz.build_graph(ns["out"], namespace=ns).to_json()["modules"] is None
