"""The magics through a real IPython InteractiveShell: each magic, its ``?`` help, bad
input (UsageError, namespace untouched), %reload_ext/%unload_ext leaving no duplicate
hooks, the tensor HTML display, and live views refreshing after later cells."""

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import gradnb
from gradnb.tensor import Tensor, _flag_watchers
from gradnb.ipython import hooks, session
from gradnb.widgets import AnimationWidget, GraphWidget, InspectorWidget, live
from gradnb.widgets.tensor_html import tensor_html

SETUP = """
import gradnb as torch
x = torch.ones(1)
y = torch.ones(1)
z = x + y
w = torch.ones(1, requires_grad=True)
total = w * z
"""


@pytest.fixture
def shell(monkeypatch):
    """A real shell with gradnb loaded and the article's tensors defined; whatever the
    magics display is also collected in ``shell.shown``."""
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "gradnb")
    ip.shown = []
    real_display = session.display

    def collect(obj):
        ip.shown.append(obj)
        real_display(obj)

    monkeypatch.setattr(session, "display", collect)
    with capture_output():
        ip.run_cell(SETUP)
    yield ip
    ip.run_line_magic("unload_ext", "gradnb")
    for view in live.LIVE.views():
        live.LIVE.discard(view)
    ip.reset()


def run(ip, code):
    """Run a cell, returning what it printed (stdout, stderr) and displayed."""
    with capture_output() as captured:
        result = ip.run_cell(code)
    result.raise_error()
    return captured


def post_run_callbacks(ip):
    return [f for f in ip.events.callbacks["post_run_cell"] if f is hooks._post_run_cell]


# -- loading -----------------------------------------------------------------------------------

def test_load_registers_magics_hooks_and_html(shell):
    for name in ("grad_watch", "grad_graph", "grad_backward", "gradnb"):
        assert shell.find_line_magic(name) is not None
    assert shell.find_cell_magic("grad_trace") is not None
    assert len(post_run_callbacks(shell)) == 1
    assert _flag_watchers.count(hooks._flag_watcher) == 1
    html = shell.display_formatter.formatters["text/html"]
    assert html.lookup_by_type(Tensor) is tensor_html


def test_reload_and_double_load_add_nothing_twice(shell):
    shell.run_line_magic("reload_ext", "gradnb")
    shell.run_line_magic("reload_ext", "gradnb")
    gradnb.load_ipython_extension(shell)            # a second load, by hand
    assert len(post_run_callbacks(shell)) == 1
    assert _flag_watchers.count(hooks._flag_watcher) == 1
    assert shell.find_line_magic("grad_graph") is not None
    data, _ = shell.display_formatter.format(shell.user_ns["total"])
    assert data["text/plain"] == repr(shell.user_ns["total"])
    assert data["text/html"].count("gradnb-badge") == 4


def test_unload_removes_everything(shell):
    shell.run_line_magic("unload_ext", "gradnb")
    assert shell.find_line_magic("grad_graph") is None
    assert shell.find_cell_magic("grad_trace") is None
    assert post_run_callbacks(shell) == []
    assert hooks._flag_watcher not in _flag_watchers
    html = shell.display_formatter.formatters["text/html"]
    assert Tensor not in html.type_printers
    shell.run_line_magic("load_ext", "gradnb")       # and it loads again after that
    assert shell.find_line_magic("grad_graph") is not None


def test_tensor_display_keeps_pytorch_text_and_adds_badges(shell):
    data, _ = shell.display_formatter.format(shell.user_ns["total"])
    assert data["text/plain"] == "tensor([2.], grad_fn=<MulBackward0>)"
    assert "grad_fn=MulBackward0" in data["text/html"]
    assert "requires_grad=True" in data["text/html"]


# -- each magic ----------------------------------------------------------------------------------

def test_gradnb_status_lists_version_state_and_magics(shell):
    text = run(shell, "%gradnb").stdout
    assert f"gradnb {gradnb.__version__}" in text
    assert "tensor HTML display: on" in text and "refresh after each cell: on" in text
    for usage in ("%grad_watch [names ...] [--all]", "%grad_graph EXPR [--max-nodes N]",
                  "%grad_backward EXPR [--gradient G] [--retain-graph] [--max-nodes N]",
                  "%%grad_trace"):
        assert usage in text
    assert "Run EXPR.backward() while recording it" in text
    assert max(len(line) for line in text.splitlines()) <= 79    # nothing wraps


def test_gradnb_status_stays_narrow_with_many_live_views(shell):
    for _ in range(3):
        run(shell, "%grad_graph total")
    run(shell, "%grad_watch x w")
    text = run(shell, "%gradnb").stdout
    assert "3 GraphWidget" in text and "InspectorWidget" in text
    assert max(len(line) for line in text.splitlines()) <= 79


def test_dir_and_help_list_the_lazy_public_names():
    import pydoc
    lazy = ("graph", "watch", "animate_backward", "trace", "nn", "optim")
    listed = dir(gradnb)
    assert all(name in listed for name in lazy)
    doc = pydoc.render_doc(gradnb, renderer=pydoc.plaintext)
    for name in lazy:
        assert f"    {name}" in doc or f" {name}(" in doc or f"{name}," in doc, name


@pytest.mark.parametrize("magic, words", [
    ("grad_watch", ["--all", "names", "weak references"]),
    ("grad_graph", ["expr", "prunes"]),
    ("grad_backward", ["--gradient", "--retain-graph", "replay"]),
    ("grad_trace", ["every backward pass"]),
    ("gradnb", ["version"]),
])
def test_every_magic_has_help(shell, magic, words):
    prefix = "%%" if magic == "grad_trace" else "%"
    text = run(shell, f"{prefix}{magic}?").stdout
    assert f"%{magic}" in text
    for word in words:
        assert word in text


def test_grad_graph_shows_names_and_refreshes_after_backward(shell):
    run(shell, "%grad_graph total")
    (widget,) = shell.shown
    assert isinstance(widget, GraphWidget)
    nodes = {n["label"]: n for n in widget.graph["nodes"]}
    assert {"x", "y", "z", "w", "total"} <= set(nodes)
    assert nodes["z"]["pruned"]
    assert nodes["w"]["grad"]["text"] is None
    run(shell, "total.backward()")                    # a later cell
    nodes = {n["label"]: n for n in widget.graph["nodes"]}
    assert nodes["w"]["grad"]["text"] == "tensor([2.])"


def test_grad_graph_is_rebuilt_only_when_a_cell_changes_it(shell):
    run(shell, "%grad_graph total")
    (widget,) = shell.shown
    run(shell, "n = 3")
    run(shell, "other = torch.ones(2, requires_grad=True) * n")
    assert widget.view.model.builds == 1
    run(shell, "total.backward()")
    assert widget.view.model.builds == 2
    assert {n["label"]: n for n in widget.graph["nodes"]}["w"]["grad"]["text"] == \
        "tensor([2.])"


def test_max_nodes_collapses_large_graphs(shell):
    run(shell, "deep = w\nfor _ in range(40):\n    deep = deep * 1.5")
    run(shell, "%grad_graph deep --max-nodes 10")
    run(shell, "%grad_graph deep --max-nodes 0")
    run(shell, "%grad_backward deep --max-nodes 10")
    collapsed, full, replay = shell.shown
    assert any(n["kind"] == "collapsed" for n in collapsed.graph["nodes"])
    assert len(full.graph["nodes"]) > 40
    assert any(n["kind"] == "collapsed" for n in replay.trace["graph"]["nodes"])


def test_grad_graph_takes_expressions_and_tuples(shell):
    run(shell, "%grad_graph (w * 3).sum()")
    run(shell, "%grad_graph total, z")
    first, second = shell.shown
    assert first.graph["roots"] and len(second.graph["roots"]) == 2


def test_grad_watch_follows_later_cells(shell):
    run(shell, "%grad_watch w total")
    (widget,) = shell.shown
    assert isinstance(widget, InspectorWidget)
    assert [r["name"] for r in widget.rows] == ["w", "total"]
    run(shell, "total.backward()")
    assert widget.rows[0]["grad"] == "tensor([2.])"
    run(shell, "del total")        # the row stays, pending until total is bound again
    assert [r["name"] for r in widget.rows] == ["w", "total"]
    assert widget.rows[1]["grad"] == "(pending: not defined yet)"


def test_grad_watch_all_picks_up_new_tensors(shell):
    run(shell, "%grad_watch --all")
    (widget,) = shell.shown
    assert [r["name"] for r in widget.rows] == ["x", "y", "z", "w", "total"]
    run(shell, "q = torch.zeros(2, 3)")
    assert widget.rows[-1]["name"] == "q" and widget.rows[-1]["shape"] == "[2, 3]"


def test_grad_watch_updates_on_requires_grad_(shell):
    run(shell, "%grad_watch x")
    (widget,) = shell.shown
    shell.user_ns["x"].requires_grad_()               # inside a cell, before it ends
    assert widget.rows[0]["requires_grad"] == "True"


def test_grad_backward_records_and_replays(shell):
    run(shell, "%grad_backward total --retain-graph")
    (widget,) = shell.shown
    assert isinstance(widget, AnimationWidget)
    kinds = [s["kind"] for s in widget.trace["steps"]]
    assert kinds[0] == "begin" and "accumulate" in kinds and kinds[-1] == "end"
    assert repr(shell.user_ns["w"].grad) == "tensor([2.])"
    run(shell, "%grad_backward total")                # retained: runs again
    assert repr(shell.user_ns["w"].grad) == "tensor([4.])"


def test_grad_backward_shows_pytorch_error_in_the_replay(shell):
    run(shell, "%grad_backward total")
    run(shell, "%grad_backward total")                # graph freed: PyTorch's error
    widget = shell.shown[-1]
    assert widget.trace["error"].startswith("RuntimeError: Trying to backward through the "
                                            "graph a second time")


def test_grad_backward_with_gradient(shell):
    run(shell, "v = w * torch.ones(3)")
    run(shell, '%grad_backward v --gradient "torch.tensor([1., 2., 3.])"')
    assert repr(shell.user_ns["w"].grad) == "tensor([6.])"


def test_grad_trace_shows_one_replay_per_pass(shell):
    out = run(shell, "%%grad_trace\ntotal.backward(retain_graph=True)\ntotal.backward()\n"
                     "print('ran')")
    assert "ran" in out.stdout
    (recording,) = shell.shown
    assert [w.title for w in recording.widgets()] == ["backward pass 1", "backward pass 2"]
    assert len([o for o in out.outputs if "image/svg+xml" in o.data]) == 2


# -- bad input -------------------------------------------------------------------------------------

BAD_INPUT = [
    ("grad_graph", "nope", "name 'nope' is not defined"),
    ("grad_graph", "total +", "invalid syntax"),
    ("grad_graph", "3", "'3' is an int, not a tensor"),
    ("grad_graph", "[total, 3]", "is a list, not a tensor"),
    ("grad_graph", "", "the following arguments are required: expr"),
    ("grad_graph", "total.nope", "AttributeError"),
    ("grad_watch", "1x", "'1x' is not a variable name"),
    ("grad_watch", "w(2)", "'w\\(2\\)' is not a variable name or attribute path"),
    ("grad_watch", "w --all", "names or --all, not both"),
    ("grad_watch", "--bogus", "unrecognized arguments: --bogus"),
    ("grad_backward", "total --gradient nope", "name 'nope' is not defined"),
    ("grad_backward", "total --gradient 2", "is an int, not a tensor"),
    ("grad_backward", "total, z", "is a tuple, not a tensor"),
    ("grad_backward", "total --keep", "unrecognized arguments: --keep"),
    ("grad_graph", "total --max-nodes many", "argument --max-nodes: invalid int value"),
    ("grad_graph", "total --max-nodes -1", "%grad_graph: --max-nodes must be 0"),
    ("gradnb", "extra", "unrecognized arguments: extra"),
]


@pytest.mark.parametrize("magic, line, message", BAD_INPUT)
def test_bad_input_is_a_usage_error_and_changes_nothing(shell, magic, line, message):
    shell.user_ns["SETUP_INT"] = 7
    before = dict(shell.user_ns)
    grads = {name: shell.user_ns[name].grad for name in ("w",)}
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("+", r"\+")):
        shell.run_line_magic(magic, line)
    assert shell.user_ns == before
    assert all(shell.user_ns[n] is before[n] for n in before)
    assert {name: shell.user_ns[name].grad for name in grads} == grads
    assert shell.shown == []


def test_bad_input_names_the_magic(shell):
    with pytest.raises(UsageError, match="^%grad_watch: unrecognized arguments"):
        shell.run_line_magic("grad_watch", "--bogus")


def test_grad_trace_rejects_arguments(shell):
    with pytest.raises(UsageError, match="unrecognized arguments"):
        shell.run_cell_magic("grad_trace", "--x", "total.backward()")


# -- expressions and pending names (issue 10, item 2) ------------------------------------------

def _rows(widget):
    return {row["name"]: row for row in widget.inspector.rows}


def test_grad_watch_takes_paths_and_pending_names(shell):
    run(shell, "deep = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU())\n"
               "params = list(deep.parameters())")
    run(shell, "%grad_watch deep.0.weight params[1] w.grad later SETUP")
    (widget,) = shell.shown
    rows = _rows(widget)
    assert rows["deep.0.weight"]["shape"] == "[2, 2]"
    assert rows["params[1]"]["shape"] == "[2]"
    assert rows["w.grad"]["grad"] == "(pending: None)"
    assert rows["later"]["grad"] == "(pending: not defined yet)"
    run(shell, "SETUP = 3")
    assert _rows(widget)["SETUP"]["grad"] == "(pending: an int, not a tensor)"
    run(shell, "later = w * 5\ntotal.backward()")
    rows = _rows(widget)
    assert rows["later"]["grad_fn"] == "MulBackward0" and not rows["later"].get("pending")
    assert rows["w.grad"]["shape"] == "[1]" and rows["w.grad"]["is_leaf"] == "True"
    assert list(rows) == ["deep.0.weight", "params[1]", "w.grad", "later", "SETUP"]


def test_grad_watch_one_bad_name_does_not_fail_the_others(shell):
    result = run(shell, "%grad_watch w 1x total")
    (widget,) = shell.shown
    assert list(_rows(widget)) == ["w", "total"]
    assert "'1x' is not a variable name" in result.stderr


def test_grad_graph_labels_the_root_as_written(shell):
    run(shell, "total.backward()")
    run(shell, "%grad_graph w.grad")
    run(shell, "%grad_graph (w * 3).sum()")
    run(shell, "%grad_graph total, w * 2")
    grad, summed, pair = shell.shown
    assert grad.graph["nodes"][0]["label"] == "w.grad"
    assert summed.graph["nodes"][0]["label"] == "(w * 3).sum()"
    labels = {n["label"] for n in pair.graph["nodes"]}
    assert {"total", "w * 2", "w"} <= labels


def test_rebinding_leaves_an_earlier_graph_unchanged(shell):
    run(shell, "price = torch.tensor([2.], requires_grad=True)\n"
               "qty = torch.tensor([3.])\nshipping = torch.tensor([5.])")
    run(shell, "cost = price * qty + shipping\ncost")     # shown: Out keeps each cost
    run(shell, "%grad_graph cost")
    (widget,) = shell.shown
    before = sorted(n["label"] for n in widget.graph["nodes"])
    skipped = widget.graph["summary"]["gradients_skipped"]
    run(shell, "cost = price * qty + shipping\ncost")
    run(shell, "price = torch.tensor([2.], requires_grad=True)\n"
               "qty = torch.tensor([3.])\nshipping = torch.tensor([5.])")
    after = sorted(n["label"] for n in widget.graph["nodes"])
    assert after == sorted(f"{label} (rebound)" if label in ("cost", "price", "qty",
                                                              "shipping") else label
                           for label in before)
    assert widget.graph["summary"]["gradients_skipped"] == skipped


# -- then and now (issue 10, item 3) ------------------------------------------------------------

def test_views_keep_their_own_cell_and_say_which_cell_changed_them(shell):
    run(shell, "%grad_graph total")
    run(shell, "%grad_watch w")
    graph, table = shell.shown
    then_graph, then_rows = graph.then, list(table.then)
    shell.run_cell("total.backward()", store_history=True)
    number = shell.execution_count - 1          # the cell that just ran
    assert graph.then == then_graph and table.then == then_rows     # as of their cell
    assert graph.changed_after == number and table.changed_after == number
    assert graph.changed_text == table.changed_text == {     # the bar's text, from Python
        "then": f"Changed after cell {number}: this is the state when this cell ran.",
        "now": f"Showing now (changed after cell {number})."}
    assert {n["label"]: n for n in graph.graph["nodes"]}["w"]["grad"]["text"] == "tensor([2.])"
    assert table.rows[0]["grad"] == "tensor([2.])"
    shell.run_cell("w.grad = None", store_history=True)
    assert table.changed_after == 0              # back to what its own cell showed
    assert table.changed_text == {}


def test_static_and_live_modes(shell):
    run(shell, "%grad_graph total --static")
    run(shell, "%grad_graph total --live")
    run(shell, "%grad_watch w --static")
    static, live_graph, static_table = shell.shown
    assert live_graph.show_now and not static.show_now
    assert static not in live.LIVE.views() and static_table not in live.LIVE.views()
    run(shell, "total.backward()")
    assert static.graph == static.then and static.changed_after == 0
    assert live_graph.graph != live_graph.then
    with pytest.raises(UsageError, match="--static or --live, not both"):
        shell.run_line_magic("grad_graph", "total --static --live")


def test_stale_gradients_say_the_optimizer_updated_them(shell):
    run(shell, "opt = torch.optim.SGD([w], lr=0.1)\ntotal.backward()")
    run(shell, "%grad_watch w")
    (table,) = shell.shown
    run(shell, "opt.step()")
    grad = table.rows[0]["grad"]
    assert grad == "tensor([2.]) (stale: updated by optimizer.step() since this .grad " \
                   "was computed)"
    run(shell, "with torch.no_grad():\n    w.mul_(2)")
    assert "(stale: the tensor changed in place since" in table.rows[0]["grad"]
