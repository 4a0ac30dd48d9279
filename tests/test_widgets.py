"""The widgets' data, without a browser: traits carry the right frames, names and
reasons; fallbacks (SVG, text) are deterministic and escaped; traits are plain JSON; the
inspector holds weak references only and follows changes."""

import gc
import json
import re
import weakref
import xml.etree.ElementTree as ET

import pytest

import gradnb as torch
from gradnb import widgets
from gradnb.widgets.base import DESCRIPTION_MIME
from gradnb.widgets import assets
from gradnb.widgets.animation import LAST_STEP, Replay
from gradnb.widgets.graph_view import GraphView, GraphWidget
from gradnb.widgets.inspector import Inspector, InspectorWidget
from gradnb.ipython.hooks import cell_origin
from gradnb.widgets.live import LIVE, LiveViews
from gradnb.widgets.tensor_html import tensor_html
from ipywidgets.widgets.widget import _remove_buffers

from examples import ARTICLE, FAN_OUT, run_example

EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def close_live_views():
    """Views a test made live must not be refreshed by later tests' cells."""
    yield
    for view in LIVE.views():
        view.close()


def article():
    return run_example(ARTICLE)


def fan_out():
    return run_example(FAN_OUT)


def by_label(graph):
    return {n["label"]: n for n in graph["nodes"]}


def test_top_level_view_functions_are_the_widgets_ones():
    for name in ("graph", "watch", "animate_backward", "trace"):
        assert getattr(torch, name) is getattr(widgets, name)


# -- graph view ------------------------------------------------------------------------------

def test_graph_widget_carries_names_pruned_parts_and_reasons():
    ns = article()
    widget = GraphWidget(GraphView([ns["total"]], namespace=ns))
    nodes = by_label(widget.graph)
    assert {"x", "y", "z", "w", "total"} <= set(nodes)
    assert nodes["z"]["pruned"] and nodes["z"]["reason"] == "no_input_requires_grad"
    assert nodes["x"]["reason"] == "constant" and nodes["x"]["reason_text"]
    assert not nodes["w"]["pruned"] and not nodes["total"]["pruned"]
    pruned_ops = [n for n in widget.graph["nodes"] if n["kind"] == "pruned_op"]
    assert [n["op"] for n in pruned_ops] == ["add"]
    assert widget.graph["summary"]["pruned_nodes"] == 4


def test_graph_widget_shows_reasons_for_no_grad_and_detach():
    w = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        frozen = w * 2
    cut = (w * 3).detach()
    out = (w + frozen + cut).sum()
    widget = widgets.graph(out, namespace=dict(w=w, frozen=frozen, cut=cut, out=out),
                           live=False)
    reasons = {n["label"]: n["reason"] for n in widget.graph["nodes"] if n["pruned"]}
    assert reasons["frozen"] == "no_grad"
    assert reasons["cut"] == "detach"


def test_graph_widget_refreshes_only_when_the_picture_changes():
    ns = article()
    widget = GraphWidget(GraphView([ns["total"]], namespace=ns))
    sent = []
    widget.observe(lambda change: sent.append(change), names="graph")
    widget.refresh()
    assert sent == []                       # nothing changed: nothing sent
    ns["total"].backward()
    widget.refresh()
    assert len(sent) == 1
    assert by_label(widget.graph)["w"]["grad"]["text"] == "tensor([1.])"
    assert by_label(widget.graph)["z"]["grad"]["text"] is None


def test_graph_view_rebuilds_only_after_cells_that_change_its_picture():
    ns = article()
    ns["__name__"] = "__main__"             # read again at every refresh, like user_ns
    widget = GraphWidget(GraphView([ns["total"]], namespace=ns))
    model = widget.view.model
    for _ in range(3):                      # cells that touch nothing drawn
        ns["other"] = torch.ones(2, requires_grad=True) * 2
        widget.refresh()
    assert model.builds == 1
    ns["total"].backward(retain_graph=True)
    widget.refresh()
    assert model.builds == 2 and by_label(widget.graph)["w"]["grad"]["state"] == "fresh"
    with torch.no_grad():
        ns["w"].add_(1)
    widget.refresh()
    assert model.builds == 3 and by_label(widget.graph)["w"]["grad"]["state"] == "stale"


def test_graph_view_stops_refreshing_once_its_root_is_gone():
    ns = article()
    widget = widgets.graph(ns["total"], namespace=ns)
    picture = widget.graph
    del ns["total"]
    gc.collect()
    widget.refresh()
    assert widget.graph is picture and widget not in LIVE.views()


# -- backward animation ----------------------------------------------------------------------

def test_animation_frames_follow_the_engine():
    ns = fan_out()
    widget = widgets.animate_backward(ns["loss"], namespace=ns)
    steps = widget.trace["steps"]
    kinds = [s["kind"] for s in steps]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    assert "fanout" in kinds                                   # h feeds two ops
    rules = [s["rule"] for s in steps if s["rule"]]
    assert any(r.startswith("MulBackward0: grad_self = grad * other") for r in rules)
    labels = {n["id"]: n["label"] for n in widget.trace["graph"]["nodes"]}
    accumulated = {labels[s["target"]]: s["after"] for s in steps if s["kind"] == "accumulate"}
    assert accumulated.keys() == {"x", "w"}
    assert accumulated["w"] == repr(ns["w"].grad)              # the trace's values are the grads
    assert all(s["grad"] for s in steps if s["kind"] == "edge")
    assert widget.step == LAST_STEP and widget.speed == 1.0


def test_failing_backward_is_shown_not_raised():
    ns = fan_out()
    ns["loss"].backward()
    widget = widgets.animate_backward(ns["loss"], namespace=ns)   # graph already freed
    assert widget.trace["error"].startswith("RuntimeError: Trying to backward through the "
                                            "graph a second time")
    assert [s["kind"] for s in widget.trace["steps"]][-2:] == ["error", "end"]
    assert "RuntimeError: Trying to backward" in widget.fallback_text()


def test_failing_backward_can_raise_when_asked():
    ns = fan_out()
    ns["loss"].backward()
    with pytest.raises(RuntimeError, match="second time"):
        widgets.animate_backward(ns["loss"], namespace=ns, raise_error=True)


def test_trace_recorder_makes_one_replay_per_pass():
    ns = fan_out()
    with widgets.trace(namespace=ns) as recording:
        ns["loss"].backward(retain_graph=True)
        ns["loss"].backward()
    shown = recording.widgets()
    assert [w.title for w in shown] == ["backward pass 1", "backward pass 2"]
    assert recording.widgets() == shown                        # made once
    first, second = (w.trace for w in shown)
    assert first["index"] == 0 and second["index"] == 1
    assert "backward pass 2" in recording.text()


def test_replay_clamps_steps_for_the_static_picture():
    ns = article()
    replay = Replay(torch.viz.record_backward(ns["total"], namespace=ns), 0)
    n = len(replay.steps)
    assert replay.clamp(LAST_STEP) == n - 1 and replay.clamp(10 ** 6) == n - 1
    assert replay.clamp(0) == 0
    ET.fromstring(replay.svg(0))


# -- fallbacks ---------------------------------------------------------------------------------

def bundles():
    """Mimebundles of every widget kind, built from fresh tensors."""
    ns = article()
    made = [widgets.graph(ns["total"], namespace=ns, live=False),
            InspectorWidget(Inspector(ns, everything=True)),
            widgets.animate_backward(ns["total"], namespace=ns)]
    return [w._repr_mimebundle_()[0] for w in made]


def test_every_widget_carries_svg_and_deterministic_text():
    first, second = bundles(), bundles()
    for a, b in zip(first, second):
        assert {"text/plain", "image/svg+xml",
                "application/vnd.jupyter.widget-view+json"} <= set(a)
        assert a["text/plain"] == b["text/plain"]
        assert a[DESCRIPTION_MIME] == b[DESCRIPTION_MIME]
        assert a["image/svg+xml"] == b["image/svg+xml"]
        model_id = a["application/vnd.jupyter.widget-view+json"]["model_id"]
        for text in (a["text/plain"], a[DESCRIPTION_MIME]):
            assert model_id not in text
            assert not re.search(r"0x[0-9a-f]{6,}", text)
        # a front end that can show no picture prints one short line, not the dump
        assert "\n" not in a["text/plain"] and len(a["text/plain"]) < 160
        assert a[DESCRIPTION_MIME].startswith(a["text/plain"].split(" (a picture")[0])
        ET.fromstring(a["image/svg+xml"])


def test_traits_are_plain_json_without_binary_buffers():
    ns = fan_out()
    made = [widgets.graph(ns["loss"], namespace=ns, live=False),
            widgets.watch("x", "w", namespace=ns),
            widgets.animate_backward(ns["loss"], namespace=ns)]
    for widget in made:
        state = widget.get_state()
        _, _, buffers = _remove_buffers(state)
        assert buffers == []
        json.dumps(state)


def test_inspector_rows_travel_as_one_json_string():
    widget = widgets.watch("x", "w", namespace=article())
    state = widget.get_state()
    assert isinstance(state["rows"], str)
    assert json.loads(state["rows"]) == widget.rows


def test_user_text_is_escaped_in_fallbacks():
    ns = article()
    ns[EVIL] = ns.pop("w")
    widget = InspectorWidget(Inspector(ns, everything=True))
    svg = widget.fallback_svg()
    assert EVIL not in svg and "&lt;img src=x onerror=alert(1)&gt;" in svg
    ET.fromstring(svg)
    graph_svg = widgets.graph(ns["total"], namespace=ns, live=False).fallback_svg()
    assert EVIL not in graph_svg


def test_tensor_html_escapes_the_repr_and_shows_badges():
    w = torch.ones(2, requires_grad=True)
    out = w * 2
    html = tensor_html(out)
    assert "grad_fn=&lt;MulBackward0&gt;" in html
    for badge in ("requires_grad=True", "is_leaf=False", "grad_fn=MulBackward0", "grad=None"):
        assert badge in html


# -- inspector ---------------------------------------------------------------------------------

def test_inspector_rows_follow_the_namespace():
    ns = article()
    inspector = Inspector(ns, names=["w", "total"])
    assert [r["name"] for r in inspector.rows] == ["w", "total"]
    row = inspector.rows[1]
    assert row == {"name": "total", "shape": "[1]", "dtype": "torch.float32",
                   "requires_grad": "True", "is_leaf": "False", "grad_fn": "AddBackward0",
                   "grad": "None"}
    ns["total"].backward()
    assert inspector.refresh()
    assert inspector.rows[0]["grad"] == "tensor([1.])"
    assert not inspector.refresh()                 # nothing changed since
    del ns["total"]
    assert inspector.refresh()
    assert [r["name"] for r in inspector.rows] == ["w", "total"]
    assert inspector.rows[1]["pending"] and inspector.rows[1]["shape"] == ""


def test_inspector_sees_a_new_grad_object_and_accumulation():
    ns = article()
    inspector = Inspector(ns, names=["w"])
    ns["total"].backward(retain_graph=True)
    inspector.refresh()
    ns["total"].backward()
    inspector.refresh()
    assert inspector.rows[0]["grad"] == "tensor([2.]) (sum of 2 passes)"
    ns["w"].grad = None
    (ns["w"] * 5).sum().backward()
    inspector.refresh()
    assert inspector.rows[0]["grad"] == "tensor([5.])"


def test_inspector_holds_weak_references_only():
    t = torch.ones(3, requires_grad=True)
    ref = weakref.ref(t)
    inspector = Inspector({}, tensors=[t])
    assert [r["name"] for r in inspector.rows] == ["(tensor 1)"]
    del t
    gc.collect()
    assert ref() is None
    inspector.refresh()
    assert inspector.rows == []


def test_inspector_all_shows_public_tensors_only():
    ns = dict(article(), _hidden=torch.ones(1), n=3)
    rows = Inspector(ns, everything=True).rows
    assert [r["name"] for r in rows] == ["x", "y", "z", "w", "total"]


def test_inspector_widget_updates_on_flag_change():
    ns = article()
    widget = widgets.watch("x", namespace=ns)
    assert widget.rows[0]["requires_grad"] == "False"
    ns["x"].requires_grad_()                        # no cell ran: the flag watcher did it
    assert widget.rows[0]["requires_grad"] == "True"


def test_non_leaf_grad_is_read_without_warning(recwarn):
    ns = article()
    Inspector(ns, everything=True)
    assert not [w for w in recwarn if "not a leaf" in str(w.message)]


# -- browser assets ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["graph", "animation", "inspector"])
def test_each_widget_module_has_one_default_export(name):
    code = assets.esm(name)
    assert code.count("export default") == 1
    assert "import " not in without_comments(code)   # no bundler, no CDN


def without_comments(code):
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", code, flags=re.S)


def test_browser_code_never_parses_data_as_html():
    for path in assets.STATIC.glob("*.js"):
        code = without_comments(path.read_text())
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in code, f"{path.name} uses {sink}"


# -- keeping views live ----------------------------------------------------------------------------

class _View:
    def __init__(self, fail=False):
        self.fail, self.refreshed = fail, 0

    def refresh(self):
        if self.fail:
            raise ValueError("broken")
        self.refreshed += 1


def test_rerunning_a_cell_retires_the_views_of_its_earlier_runs():
    registry = LiveViews()
    a, b, other = _View(), _View(), _View()
    registry.add(a, origin=("cell-1", "run-1"))
    registry.add(b, origin=("cell-1", "run-1"))         # same run: both stay
    registry.add(other, origin=("cell-2", "run-2"))
    assert set(registry.views()) == {a, b, other}
    again = _View()
    registry.add(again, origin=("cell-1", "run-3"))
    assert set(registry.views()) == {other, again}


def test_a_failing_view_is_dropped_and_reported(capsys):
    registry = LiveViews()
    good, bad = _View(), _View(fail=True)
    registry.add(good)
    registry.add(bad)
    registry.refresh_all()
    registry.refresh_all()
    assert good.refreshed == 2 and registry.views() == [good]
    assert registry.errors == [("_View", "ValueError: broken")]
    assert "stopped refreshing a _View" in capsys.readouterr().err


def test_closed_widgets_are_no_longer_refreshed():
    widget = widgets.watch("x", namespace=article())
    assert widget in LIVE.views()
    widget.close()
    assert widget not in LIVE.views()


def test_cell_origin_comes_from_the_kernel_parent_message():
    class KernelShell:
        def get_parent(self):
            return {"header": {"msg_id": "m1"}, "metadata": {"cellId": "c1"}}

    assert cell_origin(KernelShell()) == ("c1", "m1")
    assert cell_origin(object()) is None
