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
