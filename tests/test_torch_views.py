"""The views on real PyTorch tensors (gradnb.viz.source_torch), against what PyTorch
itself holds: the graph model against PyTorch's graph, pruning reasons from the
recorder, the backward trace against PyTorch's own gradients (fan-out sums and
accumulation), custom autograd.Function nodes, a frozen layer, the recorder keeping
nothing alive; and the interface's conformance suite, run against both gradnb's core and
real torch (the same program must give the same picture)."""

import gc
import subprocess
import sys
import weakref

import pytest

torch = pytest.importorskip("torch")

import gradnb  # noqa: E402
from gradnb import viz  # noqa: E402
from gradnb.viz import schema  # noqa: E402
from gradnb.viz.source import (MixedLibraries, describe_value, source_for,  # noqa: E402
                               source_of)
from gradnb.viz.source_gradnb import GRADNB  # noqa: E402
from gradnb.viz.source_torch import RECORDER, TORCH  # noqa: E402

LIBRARIES = {"gradnb": gradnb, "torch": torch}


@pytest.fixture
def recording():
    """The torch recorder on for the test (as ``%load_ext gradnb`` has it)."""
    RECORDER.start()
    yield RECORDER
    RECORDER.stop()


@pytest.fixture(params=["gradnb", "torch"])
def lib(request, recording):
    """The tensor library a conformance test runs on."""
    return LIBRARIES[request.param]


# -- programs written once, run on either library ------------------------------------------

def article(t):
    """The article's example: a constant chain, a tracked product, a no_grad branch."""
    x = t.tensor([1., 2.], requires_grad=True)
    c = t.tensor([3., 4.])
    d = c + 1
    y = x * d
    total = (y + y).sum()
    with t.no_grad():
        e = x * 2
    return dict(x=x, c=c, d=d, y=y, total=total, e=e)


def pruned_reasons(t):
    x = t.tensor([1., -2., 3.], requires_grad=True)
    a = x.detach() * 2
    with t.inference_mode():
        b = t.ones(3) * 3
    k = t.tensor([0.5, 0.5, 0.5])
    m = k.exp()
    out = (x * a + x * m).sum() + (b.sum() * 0)
    return dict(x=x, a=a, b=b, k=k, m=m, out=out)


def fan_out(t):
    w = t.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    h = w.relu()
    loss = (h * h).sum() + h.mean()
    return dict(w=w, h=h, loss=loss)


PROGRAMS = [article, pruned_reasons, fan_out]


def _comparable(graph):
    """What two libraries must agree on: every node record and edge but the values'
    version counters (a library may bump them differently)."""
    data = graph.to_json()
    nodes = [{k: v for k, v in n.items() if k != "version"} for n in data["nodes"]]
    return nodes, data["edges"], data["summary"], data["roots"]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_same_program_same_picture_on_both_libraries(program, recording):
    """The conformance suite's core: gradnb's core and real torch, behind the one
    interface, give the same graph JSON (labels, rules, saved counts, pruned parts and
    reasons, summary, layout)."""
    pictures = {}
    for name, t in LIBRARIES.items():
        ns = program(t)
        root = [v for k, v in ns.items() if k in ("total", "out", "loss")]
        extra = [ns["e"]] if "e" in ns else []
        pictures[name] = _comparable(viz.graph(*root, *extra, namespace=ns))
    assert pictures["torch"] == pictures["gradnb"]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_same_backward_steps_on_both_libraries(program, recording):
    texts = {}
    for name, t in LIBRARIES.items():
        ns = program(t)
        root = [v for k, v in ns.items() if k in ("total", "out", "loss")][0]
        texts[name] = viz.record_backward(root, namespace=ns).to_text()
    assert texts["torch"] == texts["gradnb"]


# -- the interface, method by method, on both libraries ------------------------------------

def test_source_facts(lib):
    ns = article(lib)
    x, c, y, e = ns["x"], ns["c"], ns["y"], ns["e"]
    src = source_of(x)
    assert src is (TORCH if lib is torch else GRADNB)
    assert src.is_tensor(x) and not src.is_tensor([x])
    assert src.shape(x) == (2,) and src.dtype_text(x) == "torch.float32"
    assert src.nbytes(x) == 8
    assert src.requires_grad(x) and not src.requires_grad(c)
    assert src.is_leaf(x) and not src.is_leaf(y)
    assert src.grad_edge(x) is None
    node, nr = src.grad_edge(y)
    assert nr == 0 and src.node_name(node) == "MulBackward0"
    assert src.rule_lines(node) == ["grad_self = grad * other", "grad_other = grad * self"]
    (acc, _), (const, _) = src.next_functions(node)
    assert const is None and src.is_accumulate(acc) and src.variable(acc) is x
    assert [k for k, kept, _ in src.saved_flags(node) if kept] == ["other"]
    assert src.constant_inputs(node) == {1: ns["d"]}
    assert src.constant_records(node)[1].op == "add"
    assert src.provenance(e).reason == schema.REASON_NO_GRAD
    assert src.provenance(e).grad_fn_name == "MulBackward0"
    assert src.provenance(x) is None
    assert src.value_text(y) == "tensor([ 4., 10.], grad_fn=<MulBackward0>)"
    assert src.grad(x) is None and src.grad_history(x) == (0, False)
    assert not src.freed(node)
    ns["total"].backward()
    assert src.freed(node)
    assert src.value_text(src.grad(x)) == "tensor([ 8., 10.])"


def test_grad_states_none_fresh_accumulated_stale(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    src = source_of(x)
    states = []

    def state():
        return viz.graph(x * 1, namespace={"x": x}).node("x")["grad"]["state"]

    states.append(state())
    (x * 3).sum().backward()
    states.append(state())
    (x * 3).sum().backward()
    states.append(state())
    with lib.no_grad():
        x.add_(1)
    states.append(state())
    assert states == [schema.GRAD_NONE, schema.GRAD_FRESH, schema.GRAD_ACCUMULATED,
                      schema.GRAD_STALE]
    assert src.grad_history(x) == (2, True)


def test_events_of_a_backward_pass(lib):
    x = lib.tensor([1., 2.], requires_grad=True)
    y = x * x
    total = (y + x).sum()
    src = source_of(x)
    events = []
    with src.observe(lambda event, data: events.append(event)):
        total.backward()
    assert events[0] == "begin" and events[-1] == "end"
    assert events.count("accumulate") == 1        # one += into x.grad, the sum of 3 paths
    assert events.count("fanout") == 2            # x gets 3 gradients: 2 sums
    assert "node" in events and "edge" in events


# -- torch: the graph against PyTorch's own ------------------------------------------------

def _torch_nodes(root):
    """Every node PyTorch's graph holds behind ``root``, by walking next_functions."""
    seen, stack, names = set(), [root.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.append(type(node).__name__)
        stack.extend(n for n, _ in node.next_functions)
    return sorted(names)


def test_graph_model_holds_what_pytorch_graph_holds(recording):
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1))
    torch.manual_seed(0)
    inp = torch.randn(5, 3)
    loss = model(inp).pow(2).mean()
    g = viz.graph(loss, namespace={"model": model, "loss": loss})
    drawn = sorted(n["label"] for n in g.nodes
                   if n["kind"] in (schema.FUNCTION, schema.ACCUMULATE))
    assert drawn == _torch_nodes(loss)
    labels = {n["label"] for n in g.nodes}
    assert {"model.0.weight", "model.0.bias", "model.2.weight", "model.2.bias"} <= labels
    addmm = [n for n in g.nodes if n["label"] == "AddmmBackward0"]
    assert addmm and all(n["rules"] != ["rule not known"] for n in addmm)
    # the input is a constant leaf: pruned, its reason shown
    assert any(n["reason"] == schema.REASON_CONSTANT and n["kind"] == schema.TENSOR
               for n in g.nodes)


def test_frozen_layer_is_pruned_with_its_reason(recording):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    model[0].requires_grad_(False)
    loss = model(torch.randn(2, 3)).sum()
    g = viz.graph(loss, namespace={"model": model, "loss": loss})
    frozen = g.node("model.0.weight")
    assert frozen["pruned"] and frozen["reason"] == schema.REASON_CONSTANT
    assert not g.node("model.2.weight")["pruned"]
    # the frozen layer's ops ran outside autograd: no input required grad
    pruned_ops = {n["label"]: n["reason"] for n in g.nodes if n["kind"] == schema.PRUNED_OP}
    assert pruned_ops and set(pruned_ops.values()) == {schema.REASON_NO_INPUT}
    assert g.summary["gradients_skipped"] >= 3
    loss.backward()
    assert model[0].weight.grad is None and model[2].weight.grad is not None


def test_pruning_reasons_come_from_the_recorder(recording):
    x = torch.tensor([1., 2.], requires_grad=True)
    with torch.no_grad():
        a = x * 2
    with torch.inference_mode():
        b = torch.ones(2) * 2
    c = x.detach()
    d = torch.ones(2) + 1
    reasons = {k: TORCH.provenance(v).reason for k, v in dict(a=a, b=b, c=c, d=d).items()}
    assert reasons == {"a": schema.REASON_NO_GRAD, "b": schema.REASON_INFERENCE,
                       "c": schema.REASON_DETACH, "d": schema.REASON_NO_INPUT}
    total = (x * a).sum() + (x * c).sum() + (x * d).sum()
    g = viz.graph(total, namespace=dict(x=x, a=a, c=c, d=d, total=total))
    shown = {n["label"]: n["reason"] for n in g.nodes if n["pruned"]}
    assert shown["a"] == schema.REASON_NO_GRAD and shown["c"] == schema.REASON_DETACH
    assert shown["d"] == schema.REASON_NO_INPUT
    assert shown["detach"] == schema.REASON_DETACH


def test_recorder_off_means_no_records():
    RECORDER.stop()
    d = torch.ones(2) + 1
    assert TORCH.provenance(d) is None


def test_recorder_keeps_nothing_alive(recording):
    x = torch.ones(3)
    y = x * 2             # recorded: weak reference to x
    z = y + 1             # recorded: weak references only, parents as records
    refs = [weakref.ref(x), weakref.ref(y)]
    assert TORCH.provenance(z).inputs[0] is y
    del x, y
    gc.collect()
    assert all(r() is None for r in refs)
    prov = TORCH.provenance(z)
    assert prov.inputs == (None,) and prov.parents[0].op == "mul"   # the history stays
    g = viz.graph(z, namespace={"z": z})
    assert [n["label"] for n in g.nodes if n["kind"] == schema.PRUNED_OP] == ["add", "mul"]


def test_views_keep_no_torch_tensor_or_graph_alive(recording):
    x = torch.ones(3, requires_grad=True)
    y = (x * 2).exp()
    total = y.sum()
    g = viz.graph(total, namespace={"x": x, "total": total})
    tr = viz.record_backward(total, namespace={"x": x, "total": total})
    refs = [weakref.ref(t) for t in (x, y, total)]
    del x, y, total
    gc.collect()
    assert all(r() is None for r in refs)
    assert g.nodes and tr.passes


# -- torch: the backward trace against PyTorch's gradients --------------------------------

def _accumulated(trace):
    return {step["target"]: step for step in trace.passes[0].steps
            if step["kind"] == schema.STEP_ACCUMULATE}


def test_trace_gradients_are_pytorchs(recording):
    w = torch.tensor([[1., -2.], [3., 4.]], requires_grad=True)
    b = torch.tensor([0.5, -0.5], requires_grad=True)
    h = (w @ torch.tensor([1., 2.]) + b).tanh()
    loss = (h * h).sum() + h.sum()          # h fans out three ways
    ns = dict(w=w, b=b, h=h, loss=loss)
    tr = viz.record_backward(loss, namespace=ns)
    graph = tr.passes[0].graph
    acc = _accumulated(tr)
    assert acc[graph.node("w")["id"]]["after"] == repr(w.grad)
    assert acc[graph.node("b")["id"]]["after"] == repr(b.grad)
    fanouts = [s for s in tr.passes[0].steps if s["kind"] == schema.STEP_FANOUT]
    assert len(fanouts) == 2 and all(s["target"] == graph.node("h")["id"] for s in fanouts)
    # the last sum at h is the gradient PyTorch's TanhBackward0 received
    h_grad = 2 * h.detach() + 1
    assert fanouts[-1]["after"] == repr(h_grad)
    tanh = [s for s in tr.passes[0].steps if s["kind"] == schema.STEP_NODE
            and s["rule"].startswith("TanhBackward0")]
    assert tanh[0]["grad"] == repr(h_grad)


def test_trace_shows_accumulation_over_passes(recording):
    x = torch.tensor([1., 2.], requires_grad=True)
    with viz.trace(namespace={"x": x}) as tr:
        (x * 3).sum().backward()
        (x * x).sum().backward()
    assert len(tr.passes) == 2
    second = _accumulated(tr)
    step = [s for s in tr.passes[1].steps if s["kind"] == schema.STEP_ACCUMULATE][0]
    assert step["before"] == "tensor([3., 3.])"
    assert step["after"] == repr(x.grad) == "tensor([5., 7.])"
    assert second                                            # first pass: a fresh +=
    assert torch.autograd.backward is viz.source_torch._BACKWARD._original or \
        viz.source_torch._BACKWARD._original is None


def test_backward_error_is_recorded(recording):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    tr = viz.record_backward(y, namespace={"y": y}, raise_error=False)
    assert tr.passes[0].error.startswith("RuntimeError: Trying to backward through the graph")
    assert tr.passes[0].graph.node("MulBackward0")["freed"]


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a):
        ctx.save_for_backward(a)
        return a * a

    @staticmethod
    def backward(ctx, grad):
        (a,) = ctx.saved_tensors
        return 2 * a * grad


def test_custom_function_node_named_after_the_class_with_its_backward(recording):
    x = torch.tensor([1., 3.], requires_grad=True)
    total = Square.apply(x).sum()
    g = viz.graph(total, namespace={"x": x, "total": total})
    node = g.node("SquareBackward")
    assert node["rules"][0].startswith("@staticmethod") or \
        node["rules"][0].startswith("def backward")
    assert any("return 2 * a * grad" in line for line in node["rules"])
    assert node["saved"] == 1 and not node["freed"]
    tr = viz.record_backward(total, namespace={"x": x, "total": total})
    assert _accumulated(tr)[tr.passes[0].graph.node("x")["id"]]["after"] == \
        "tensor([2., 6.])"
    assert g.refresh().node("SquareBackward")["freed"]


def test_unknown_node_says_rule_not_known(recording):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    y = torch.lgamma(x)       # a node gradnb's rule table does not have
    g = viz.graph(y, namespace={"x": x, "y": y})
    assert g.node("LgammaBackward0")["rules"] == ["rule not known"]


def test_live_model_refreshes_after_backward(recording):
    x = torch.tensor([1., 2.], requires_grad=True)
    total = (x * x).sum()
    g = viz.graph(total, namespace={"x": x, "total": total})
    assert not g.changed()
    builds = g.builds
    total.backward()
    assert g.changed()
    g.refresh()
    assert g.builds == builds + 1 and g.node("x")["grad"]["text"] == "tensor([2., 4.])"
    assert g.node("MulBackward0")["freed"]


# -- mixing, non-tensors, torch absent -----------------------------------------------------

def test_mixing_libraries_is_refused():
    a, b = gradnb.ones(1), torch.ones(1)
    with pytest.raises(MixedLibraries, match="mix gradnb tensors and torch tensors"):
        source_for([a, b])
    with pytest.raises(TypeError):
        viz.graph(a, b)


def test_values_are_named_as_a_person_would():
    assert describe_value([1]) == "a list"
    assert describe_value(torch.ones(1)) == "a torch tensor"
    assert describe_value(3) == "an int"


def test_without_torch_nothing_imports_it():
    code = ("import sys, gradnb, gradnb.viz, gradnb.widgets, gradnb.magics\n"
            "x = gradnb.ones(2, requires_grad=True)\n"
            "t = (x * 2).sum()\n"
            "g = gradnb.viz.graph(t, namespace={'x': x, 't': t})\n"
            "tr = gradnb.viz.record_backward(t)\n"
            "gradnb.widgets.inspector.Inspector({'x': x}, names=['x'])\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(_root()))


def _root():
    import pathlib
    return pathlib.Path(gradnb.__file__).resolve().parent.parent


# -- every magic on torch tensors, in a real IPython shell -------------------------------------

TORCH_SETUP = """
import torch
x = torch.tensor([1., 2.], requires_grad=True)
c = torch.tensor([3., 4.])
d = c + 1
y = x * d
total = (y + y).sum()
"""


@pytest.fixture
def torch_shell(monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from gradnb.ipython import session
    from gradnb.widgets import live
    ip = InteractiveShell.instance()
    with capture_output():
        ip.run_cell("import torch")
    ip.run_line_magic("load_ext", "gradnb")
    ip.shown = []
    monkeypatch.setattr(session, "display", ip.shown.append)
    with capture_output():
        ip.run_cell(TORCH_SETUP).raise_error()
    yield ip
    ip.run_line_magic("unload_ext", "gradnb")
    for view in live.LIVE.views():
        live.LIVE.discard(view)
    ip.reset()
    assert not RECORDER.on


def _run(ip, code):
    from IPython.utils.capture import capture_output
    with capture_output() as captured:
        result = ip.run_cell(code)
    result.raise_error()
    return captured


def test_magics_on_torch_tensors(torch_shell):
    ip = torch_shell
    assert RECORDER.on                       # loading the extension started it
    _run(ip, "%grad_graph total")
    graph = ip.shown[-1].view.model
    assert graph.source is TORCH
    assert graph.node("d")["reason"] == schema.REASON_NO_INPUT
    assert graph.node("add")["kind"] == schema.PRUNED_OP
    _run(ip, "%grad_backward total")
    steps = ip.shown[-1].replay.trace.passes[0].steps
    assert [s["kind"] for s in steps].count(schema.STEP_FANOUT) == 1
    assert ip.user_ns["x"].grad.tolist() == [8., 10.]
    _run(ip, "%%grad_trace\nz = (x * x).sum()\nz.backward()")
    trace = ip.shown[-1].trace
    assert [s["after"] for s in trace.passes[0].steps
            if s["kind"] == schema.STEP_ACCUMULATE] == ["tensor([10., 14.])"]
    _run(ip, "%grad_watch x d")
    rows = ip.shown[-1].inspector.rows
    assert [r["name"] for r in rows] == ["x", "d"]
    assert "sum of 2 passes" in rows[0]["grad"]


def test_torch_tensor_html_has_badges(torch_shell):
    data, _ = torch_shell.display_formatter.format(torch_shell.user_ns["total"])
    assert data["text/plain"] == "tensor(28., grad_fn=<SumBackward0>)"
    assert "grad_fn=SumBackward0" in data["text/html"]
    param = torch.nn.Parameter(torch.ones(2))
    data, _ = torch_shell.display_formatter.format(param)
    assert "requires_grad=True" in data["text/html"]


def test_magic_errors_name_the_problem(torch_shell):
    from IPython.core.error import UsageError
    ip = torch_shell
    _run(ip, "items = [1, 2]\nimport gradnb\ng = gradnb.ones(1)")
    with pytest.raises(UsageError, match="'items' is a list, not a tensor"):
        ip.run_line_magic("grad_graph", "items")
    with pytest.raises(UsageError, match="mix gradnb tensors and torch tensors"):
        ip.run_line_magic("grad_graph", "(total, g)")


def test_record_off_and_on(torch_shell):
    ip = torch_shell
    assert "off" in _run(ip, "%gradnb record off").stdout
    assert not RECORDER.on
    _run(ip, "e = torch.ones(2) * 2")
    assert TORCH.provenance(ip.user_ns["e"]) is None
    assert "recording what torch's autograd skips: off" in _run(ip, "%gradnb").stdout
    _run(ip, "%gradnb record on")
    _run(ip, "f = torch.ones(2) * 2")
    assert TORCH.provenance(ip.user_ns["f"]).reason == schema.REASON_NO_INPUT


# -- the interface is the only door -------------------------------------------------------------

_PRIVATE = ("_gfe", "_acc", "_rg", "_grad", "_vc", "_data", "_extra", "_prov", "_rule",
            "_saved", "_shape", "_dtype", "_multi", "_version", "_lookup", "_backward_hooks",
            "_flag_watchers", "_forward_cls")


def test_only_the_implementations_read_private_state():
    """Nothing in viz or widgets but the two Source implementations reads a private
    attribute of either library (attributes of their own objects, ``self._x``, are
    theirs)."""
    import re
    package = _root() / "gradnb"
    implementations = {"source_gradnb.py", "source_torch.py"}
    pattern = re.compile(r"(?<!self)\.(" + "|".join(_PRIVATE) + r")\b")
    found = []
    for folder in ("viz", "widgets"):
        for path in sorted((package / folder).glob("*.py")):
            if path.name in implementations:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                code = line.split("#")[0]
                if pattern.search(code) and "import" not in code:
                    found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_gradient_plot_of_a_torch_module(recording):
    pytest.importorskip("matplotlib")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    model(torch.randn(4, 2)).sum().backward()
    fig = viz.plot_gradients(model) if hasattr(viz, "plot_gradients") else viz.plot(model)
    assert len(fig.axes) >= 4


def test_multi_output_nodes_and_hooks_do_not_disturb_backward(recording):
    x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    a, b = x.unbind(0)
    seen = []
    x.register_hook(lambda g: seen.append(g.clone()))
    total = (a * b).sum() + a.sum()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = viz.record_backward(total, namespace={"x": x, "total": total})
    expected = torch.tensor([[4., 5.], [1., 2.]])
    assert torch.equal(x.grad, expected) and torch.equal(seen[0], expected)
    steps = tr.passes[0].steps
    assert [s["after"] for s in steps if s["kind"] == schema.STEP_ACCUMULATE] == \
        [repr(expected)]
    assert any(s["kind"] == schema.STEP_NODE and s["rule"].startswith("UnbindBackward0")
               for s in steps)


def test_import_torch_after_load_ext_records_from_the_same_cell():
    """``%load_ext gradnb`` first, then a cell that imports torch and computes: the
    recorder starts right after the import, so that cell's pruned add is known."""
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "import sys\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_line_magic('load_ext', 'gradnb')\n"
        "assert 'torch' not in sys.modules\n"
        "ip.run_cell('import torch\\nd = torch.ones(2) + 1').raise_error()\n"
        "from gradnb.viz.source_torch import TORCH\n"
        "prov = TORCH.provenance(ip.user_ns['d'])\n"
        "assert prov is not None and prov.reason == 'no_input_requires_grad', prov\n"
        "ip.run_line_magic('unload_ext', 'gradnb')\n"
        "from gradnb.viz.source_torch import RECORDER\n"
        "assert not RECORDER.on\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(_root()))


def test_a_hook_on_a_leaf_is_a_step_on_both_libraries(lib):
    x = lib.tensor([1., 2.], requires_grad=True)

    def double(grad):
        return grad * 2

    handle = x.register_hook(double)
    tr = viz.record_backward((x * x).sum(), namespace={"x": x})
    hooks = [s for s in tr.passes[0].steps if s["kind"] == schema.STEP_HOOK]
    assert len(hooks) == 1 and hooks[0]["node"] == tr.passes[0].graph.node("x")["id"]
    assert hooks[0]["before"] == "tensor([2., 4.])" and hooks[0]["after"] == "tensor([4., 8.])"
    assert "hook test_a_hook_on_a_leaf_is_a_step_on_both_libraries.<locals>.double on x" \
        in hooks[0]["text"]
    assert x.grad.tolist() == [4., 8.]
    if lib is torch:                              # the user's own hook is back in place
        assert list(x._backward_hooks.values()) == [double]
    handle.remove()


def test_autograd_grad_is_traced_with_its_capture(recording):
    x = torch.tensor([1., 2.], requires_grad=True)
    y = x * x
    with viz.trace(namespace={"x": x, "y": y}) as tr:
        (g,) = torch.autograd.grad((y + x).sum(), x)
    steps = tr.passes[0].steps
    captures = [s for s in steps if s["kind"] == schema.STEP_CAPTURE]
    assert [s["grad"] for s in captures] == [repr(g)] == ["tensor([3., 5.])"]
    assert captures[0]["node"] == tr.passes[0].graph.node("x")["id"]
    assert [s["kind"] for s in steps].count(schema.STEP_FANOUT) == 2
    assert x.grad is None                      # autograd.grad writes no .grad
    assert torch.autograd.grad is not viz.source_torch._BACKWARD._grad_wrapper
