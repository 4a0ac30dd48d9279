"""Predict mode's data (no browser): the puzzle hides what autograd decided, the score
counts right answers and explains wrong ones with the graph view's reasons, expected
gradients come from the library without changing any .grad, for gradnb and torch; the
widget keeps answers/result as state and its fallbacks follow them; the magic flag."""

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import gradnb
from gradnb.magics import GradMagics
from gradnb.viz.predict import Prediction, puzzle, score
from gradnb.ipython import session
from gradnb.widgets import live
from gradnb.widgets.predict import PredictWidget

RIGHT = {"t0": "tracked", "f0": "tracked", "t1": "skipped", "t2": "tracked",
         "p0": "skipped", "t3": "skipped", "t4": "skipped"}


def article(lib):
    x = lib.ones(1)
    y = lib.ones(1)
    z = x + y
    w = lib.ones(1, requires_grad=True)
    total = w * z
    return dict(x=x, y=y, z=z, w=w, total=total)


@pytest.fixture(params=["gradnb", "torch"])
def lib(request):
    if request.param == "gradnb":
        yield gradnb
        return
    torch = pytest.importorskip("torch")
    from gradnb.viz.source_torch import RECORDER
    RECORDER.start()            # as %load_ext gradnb has it: torch's pruned parts noted
    yield torch
    RECORDER.stop()


def test_puzzle_hides_what_autograd_decided(lib):
    ns = article(lib)
    p = Prediction([ns["total"]], ns)
    data = p.puzzle
    text = repr(data["graph"])
    for secret in ("Backward", "AccumulateGrad", "requires_grad=True", "constant",
                   "no input requires grad", "grad_fn=<"):
        assert secret not in text
    assert not any(n["pruned"] for n in data["graph"]["nodes"])
    assert not any(e["pruned"] for e in data["graph"]["edges"])
    labels = sorted(n["label"] for n in data["graph"]["nodes"])
    assert labels == ["add", "mul", "total", "w", "x", "y", "z"]
    # w -> AccumulateGrad -> mul became one edge w -> mul
    ids = {n["label"]: n["id"] for n in data["graph"]["nodes"]}
    assert any(e["source"] == ids["w"] and e["target"] == ids["mul"]
               for e in data["graph"]["edges"])
    grads = [q["label"] for q in data["questions"] if q["kind"] == "grad"]
    assert sorted(grads) == ["w.grad", "x.grad", "y.grad"]
    # boxes do not give requires_grad away by their size
    sizes = {(n["width"], n["height"]) for n in data["graph"]["nodes"]
             if n["kind"] == "tensor"}
    assert len(sizes) == 1


def test_all_right_and_gradients_without_side_effects(lib):
    ns = article(lib)
    p = Prediction([ns["total"]], ns)
    answers = dict(RIGHT, **{"grad:t2": "tensor([2.])", "grad:t3": "None", "grad:t4": "none"})
    result = p.check(answers)
    assert (result["right"], result["total"]) == (10, 10)
    assert result["summary"] == "10 of 10 right" and result["wrong"] == []
    assert ns["w"].grad is None                 # computed with autograd.grad, not backward
    assert result["graph"]["nodes"][0]["label"] == "total"


def test_wrong_answers_are_explained_with_the_reasons(lib):
    ns = article(lib)
    p = Prediction([ns["total"]], ns)
    answers = dict(RIGHT, t1="tracked", t3="tracked", f0="skipped")
    answers.pop("t4")
    answers["grad:t2"] = "[1.]"
    result = p.check(answers)
    why = {i["label"]: i["why"] for i in result["items"] if not i["right"]}
    assert why == {
        "z": "z is skipped: no input requires grad.",
        "x": "x is skipped: requires_grad=False leaf (a constant).",
        "y": "y is skipped: requires_grad=False leaf (a constant).",
        "mul": "mul is tracked: an input requires grad, so autograd recorded MulBackward0.",
        "w.grad": "w.grad will be tensor([2.]).",
    }
    assert result["right"] == 3 and result["total"] == 8
    assert sorted(result["wrong"]) == ["f0", "t1", "t2", "t3", "t4"]
    answered = {i["label"]: i["answer"] for i in result["items"]}
    assert answered["y"] == "no answer"


def test_tracked_intermediate_reason_and_gradient_after_broadcast(lib):
    w = lib.tensor([1., 2.], requires_grad=True)
    h = w * 3
    out = (h * h).sum()
    ns = dict(w=w, h=h, out=out)
    p = Prediction([out], ns)
    ids = {n["label"]: n["id"] for n in p.model.nodes}
    result = p.check({ids["h"]: "skipped", f"grad:{ids['w']}": "tensor([18., 36.])"})
    why = {i["label"]: i["why"] for i in result["items"]}
    assert why["h"] == "h is tracked: MulBackward0 made it from an input that requires grad."
    assert why["w.grad"] == ""                      # d/dw sum((3w)^2) = 18 w


def test_score_is_a_pure_function_of_the_graph():
    ns = article(gradnb)
    graph = gradnb.viz.build_graph(ns["total"], namespace=ns).to_json()
    assert puzzle(graph)["questions"] == Prediction([ns["total"]], ns).puzzle["questions"]
    result = score(graph, RIGHT)                    # no gradients: grad answers not asked
    assert result["summary"] == "7 of 7 right"
    result = score(graph, dict(RIGHT, **{"grad:t2": "5"}), grads={"t2": "tensor([2.])"})
    assert result["summary"] == "7 of 8 right"


def test_widget_state_and_fallbacks():
    ns = article(gradnb)
    widget = gradnb.graph(ns["total"], namespace=ns, predict=True)
    assert isinstance(widget, PredictWidget)
    state = widget.get_state()
    assert {"puzzle", "answers", "checked", "result"} <= set(state)
    assert repr(widget).startswith("Predict what autograd does")
    svg = widget._repr_mimebundle_()[0]["image/svg+xml"]
    assert "requires_grad" not in svg and "Backward" not in svg
    widget.answers = dict(RIGHT)          # as the browser does
    widget.checked = True
    assert widget.result["summary"] == "7 of 7 right"
    assert repr(widget).startswith("Checked: 7 of 7 right")
    assert "MulBackward0" in widget._repr_mimebundle_()[0]["image/svg+xml"]   # revealed
    widget.checked = False                # Try again
    assert widget.result == {} and widget.answers == RIGHT
    assert widget.check({"t0": "skipped"})["right"] == 0


def test_magic_predict_flag(monkeypatch):
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "gradnb")
    shown = []
    monkeypatch.setattr(session, "display", shown.append)
    try:
        with capture_output() as captured:
            ip.run_cell("import gradnb as torch\nw = torch.ones(2, requires_grad=True)\n"
                        "total = (w * 2).sum()")
            ip.run_line_magic("grad_graph", "total --predict")
            ip.run_line_magic("gradnb", "")
        [widget] = shown
        assert isinstance(widget, PredictWidget)
        help_text = GradMagics.grad_graph.__doc__
        assert "--predict" in help_text and "%grad_graph" in captured.stdout
        assert [q["label"] for q in widget.puzzle["questions"]] == \
            ["total", "sum", "mul", "w", "w.grad"]
    finally:
        ip.run_line_magic("unload_ext", "gradnb")
        for view in live.LIVE.views():
            live.LIVE.discard(view)
        ip.reset()


def test_predicted_backward_asks_before_nodes_and_accumulations(lib):
    from gradnb.widgets.predict import PredictReplayWidget
    w = lib.ones(2, requires_grad=True)
    x = lib.tensor([1., 2.])
    h = w * x
    loss = (h * h).sum()
    widget = gradnb.animate_backward(loss, namespace=dict(w=w, x=x, h=h, loss=loss),
                                     predict=True)
    assert isinstance(widget, PredictReplayWidget) and widget.step == 0
    steps = widget.trace["steps"]
    questions = widget.quiz["questions"]
    assert {int(k) for k in questions} == \
        {s["index"] for s in steps if s["kind"] in ("node", "accumulate")}
    assert "steps" not in repr(widget) and "4 questions, 0 answered" in repr(widget)
    first = min(int(k) for k in questions)
    verdict = widget.answer(first, steps[first]["node"])
    assert verdict["right"] and verdict["text"].startswith("✓ right: SumBackward0 runs")
    second = sorted(int(k) for k in questions)[1]
    verdict = widget.answer(second, steps[first]["node"])         # the wrong node
    assert not verdict["right"] and "you chose SumBackward0" in verdict["text"]
    grad_step = next(int(k) for k, q in questions.items() if q["kind"] == "grad")
    assert questions[str(grad_step)]["prompt"] == \
        "What will w.grad be after this step? (It was None.)"
    assert widget.answer(grad_step, "[2, 8]")["right"]
    assert widget.score == "2 of 3 right"
    widget.answer(grad_step, "[0, 0]")          # a second reply does not change the first
    assert widget.verdicts[str(grad_step)]["right"] and widget.score == "2 of 3 right"
    assert w.grad is not None       # the pass really ran (as %grad_backward does)
