"""Errors that explain themselves, through a real IPython InteractiveShell: for each of
autograd's errors, with gradnb and with real torch, the cell keeps PyTorch's exception
type and message, its traceback shows no gradnb (or torch) source, and a why panel is
displayed naming the right culprit; other errors are left alone; %gradnb explain off."""

import re

import IPython.display
import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from gradnb.viz.explain import classify, explain
from gradnb.widgets import live
from gradnb.widgets.explain_view import ExplainWidget

# (kind, the cell, culprit labels, a fragment of the why sentences)
CASES = [
    ("no_grad_fn", "x = torch.ones(2)\ny = x * 2\ns = y.sum()\ns.backward()",
     ["s", "x"], "s was computed outside autograd (no input requires grad)"),
    ("no_grad_fn", "c = torch.ones(2)\nc.sum().backward()", None, "outside autograd"),
    ("freed", "w = torch.ones(3, requires_grad=True)\nl = (w * w).exp().sum()\n"
     "l.backward()\nl.backward()", ["ExpBackward0", "MulBackward0"], "freed the values"),
    ("leaf_inplace", "w = torch.ones(3, requires_grad=True)\nw.add_(1)", ["w"], "(add_())"),
    ("leaf_inplace", "w = torch.ones(3, requires_grad=True)\nw += 1", ["w"], "(+=)"),
    ("leaf_inplace", "m = torch.nn.Linear(2, 1)\nm.weight.mul_(2)", ["m.weight"],
     "m.weight is a leaf that requires grad"),
    ("numpy", "w = torch.ones(3, requires_grad=True)\ndef f(t):\n    return t.numpy()\nf(w)",
     ["w"], "w requires grad"),
    ("freed", "w = torch.ones(3, requires_grad=True)\nl = (w * w).exp().sum()\n"
     "torch.autograd.grad(l, w)\ntorch.autograd.grad(l, w)",
     ["ExpBackward0", "MulBackward0"], "freed the values"),
    ("version", "w = torch.ones(3, requires_grad=True)\ny = w.exp()\ny.add_(1)\n"
     "y.sum().backward()", ["ExpBackward0"],
     "ExpBackward0 saved result at version 0; it is now at version 1"),
    ("version", "a = torch.ones(3, requires_grad=True)\nb = a * 2\nc = b * b\nb.mul_(2)\n"
     "c.sum().backward()", ["MulBackward0"], "saved self at version 0; it is now at version 1"),
    ("not_scalar", "w = torch.ones(3, requires_grad=True)\nout = w * 2\nout.backward()",
     ["out"], "out has shape [3]"),
    ("numpy", "w = torch.ones(3, requires_grad=True)\nw.numpy()", ["w"], "w requires grad"),
    ("inference", "with torch.inference_mode():\n    a = torch.ones(3)\n"
     "w = torch.ones(3, requires_grad=True)\nb = w * a", ["a"], "a was made under"),
]


def _expected_error(lib, code):
    """What the same cell raises without the extension (plain exec)."""
    namespace = {}
    exec(f"import {lib} as torch", namespace)
    with pytest.raises(Exception) as info:
        exec(code, namespace)
    return type(info.value), str(info.value)


@pytest.fixture(params=["gradnb", "torch"])
def shell(request, monkeypatch):
    if request.param == "torch":
        pytest.importorskip("torch")
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "gradnb")
    shown = []
    monkeypatch.setattr(IPython.display, "display", shown.append)
    ip.shown = shown
    ip.lib = request.param
    with capture_output():
        ip.run_cell(f"import {request.param} as torch")
    yield ip
    ip.run_line_magic("unload_ext", "gradnb")
    for view in live.LIVE.views():
        live.LIVE.discard(view)
    ip.reset()


def _run_failing(ip, code):
    ip.shown.clear()
    with capture_output() as captured:
        result = ip.run_cell(code)
    assert result.error_in_exec is not None
    return result.error_in_exec, captured.stdout


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.parametrize("kind,code,culprits,fragment", CASES)
def test_error_keeps_message_hides_frames_and_explains(shell, kind, code, culprits, fragment):
    etype, message = _expected_error(shell.lib, code)
    error, out = _run_failing(shell, code)
    assert type(error) is etype and str(error) == message       # PyTorch's, unchanged
    assert classify(error) == kind
    out = _plain(out)
    assert f"{etype.__name__}: {message}" in out
    # only the learner's cell in the traceback: no file of gradnb's or torch's
    files = re.findall(r"File (\S+)", out)
    assert not [f for f in files if "gradnb" in f or "torch" in f or "<saver" in f], out
    assert "Cell In[" in out
    [widget] = shell.shown
    assert isinstance(widget, ExplainWidget)
    panel = widget.panel
    assert panel["kind"] == kind and panel["fixes"]
    assert fragment in " ".join(panel["sentences"])
    labels = [n["label"] for n in panel["graph"]["nodes"] if n["id"] in panel["culprits"]]
    if culprits is not None:
        assert labels == culprits
    assert panel["culprits"]
    data, _ = widget._repr_mimebundle_()
    assert "gradnb-active" in data["image/svg+xml"]          # culprit highlighted
    assert data["text/plain"].startswith("Why this error? ")
    assert "culprit: " in data["text/plain"]


def test_other_errors_untouched(shell):
    error, out = _run_failing(shell, "raise RuntimeError('something else')")
    assert str(error) == "something else" and not shell.shown
    error, out = _run_failing(shell, "1 / 0")
    assert isinstance(error, ZeroDivisionError) and not shell.shown


def test_explain_off_shows_plain_traceback(shell, capsys):
    code = "w = torch.ones(3, requires_grad=True)\nw.numpy()"
    with capture_output() as captured:
        shell.run_line_magic("gradnb", "explain off")
    assert "explained: off" in captured.stdout
    error, out = _run_failing(shell, code)
    assert not shell.shown and "numpy()" in str(error)
    if shell.lib == "gradnb":
        assert "gradnb" in _plain(out)                  # the full traceback again
    with capture_output():
        shell.run_line_magic("gradnb", "explain on")
    _run_failing(shell, code)
    assert len(shell.shown) == 1


def test_unload_removes_the_handler(shell):
    shell.run_line_magic("unload_ext", "gradnb")
    assert shell.custom_exceptions == ()
    shell.run_line_magic("load_ext", "gradnb")
    shell.run_line_magic("load_ext", "gradnb")
    assert shell.custom_exceptions == (RuntimeError,)


def test_explain_without_traceback_context_gives_words_only():
    exc = RuntimeError("grad can be implicitly created only for scalar outputs")
    explanation = explain(exc)
    assert explanation.kind == "not_scalar" and explanation.model is None
    assert explanation.to_svg() == ""
    assert "single number" in explanation.to_text()
    assert explain(ValueError("x")) is None
