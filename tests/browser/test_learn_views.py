"""Learning by doing, in a real browser, in JupyterLab 4 and in Notebook 7: the why panel
under a failed cell (PyTorch's message, no gradnb frame, the culprit highlighted), the
predict mode (clicking predictions, typing a gradient, Check reveals and scores), and a
predicted backward pass (stepping stops at each question; clicking the node or typing
the gradient answers it, judged by Python).

The screenshots (test-artifacts/learn-*.png) of the JupyterLab runs are the README's
pictures (copied to docs/images/).
"""

import re

import pytest

from examples import ARTICLE

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

CELLS = ["%load_ext gradnb\nimport gradnb as torch",
         ARTICLE,
         "%grad_graph total --predict",
         "a = torch.ones(3, requires_grad=True)\nloss = (a * a).exp().sum()\n"
         "loss.backward()\nloss.backward()",
         "b = torch.ones(2, requires_grad=True)\nc = torch.tensor([1., 2.])\n"
         "out = (b * c).sum()",
         "%grad_backward out --predict"]
PREDICT, ERROR, STEPPED = 2, 3, 5
# the learner's answers by drawn id (both adds show as "add"): everything right but z
# (t1: it is pruned, no input requires grad)
MARKS = {"t0": "tracked", "f0": "tracked", "t1": "tracked", "t2": "tracked",
         "p0": "skipped", "t3": "skipped", "t4": "skipped"}


@pytest.fixture(scope="module")
def notebook7(tmp_path_factory):
    from conftest import _require_browser
    from lab_driver import Notebook7Server
    _require_browser()
    server = Notebook7Server(tmp_path_factory.mktemp("nb7")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["lab", "notebook7"])
def page(request, browser):
    from lab_driver import NotebookPage, write_notebook
    server = request.getfixturevalue(request.param)
    name = f"learn_{request.param}.ipynb"
    write_notebook(server.root / name, CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 1000})
    nb = NotebookPage(context.new_page()).open(server, name)
    for index in range(len(CELLS)):
        nb.run_cell(index)
    nb.front_end = request.param
    yield nb
    context.close()
    known = getattr(server, "KNOWN_PAGE_ERRORS", ())
    errors = [e for e in nb.errors if not any(k in e for k in known)]
    assert not errors, errors


def _click(view, gid, times):
    node = view.locator(f".gradnb-node[data-id='{gid}']")
    for _ in range(times):
        node.click()
    return node


def test_predict_click_check_reveals_and_scores(page, artifacts):
    view = page.output(PREDICT).locator(".gradnb-predict")
    page.page.wait_for_function(
        "(el) => el.dataset.ready === 'true'", arg=view.element_handle(), timeout=30_000)
    assert view.get_attribute("data-checked") == "false"
    text = " ".join(view.locator("svg text").all_text_contents())
    assert "Backward" not in text and "AccumulateGrad" not in text
    assert view.locator(".gradnb-pruned").count() == 0
    for gid, mark in MARKS.items():
        node = _click(view, gid, 1 if mark == "tracked" else 2)
        assert node.get_attribute("data-answer") == mark
    assert view.locator("input[data-question]").count() == 3    # w, x, y
    w_grad = view.locator("input[data-question='grad:t2']")
    w_grad.fill("tensor([1.])")
    w_grad.press("Tab")
    if page.front_end == "lab":
        view.screenshot(path=artifacts / "learn-predict-before.png")
    view.get_by_role("button", name="Check").click()
    page.page.wait_for_function(
        "(el) => el.dataset.checked === 'true'", arg=view.element_handle(), timeout=30_000)
    score = view.locator(".gradnb-score").text_content()
    assert score == "7 of 8 right", score
    wrong = view.locator(".gradnb-results .gradnb-wrong").all_text_contents()
    assert len(wrong) == 1 and "z is skipped: no input requires grad" in wrong[0]
    # the truth is drawn: pruned parts greyed, grad_fn names back, the wrong box marked
    assert view.locator(".gradnb-node.gradnb-pruned").count() >= 4
    assert "AddBackward0" in " ".join(view.locator("svg text").all_text_contents())
    assert view.locator(".gradnb-node.gradnb-active").count() == 1
    view.screenshot(path=artifacts / f"learn-predict-{page.front_end}.png")
    # Try again hides the truth and keeps the answers
    view.get_by_role("button", name="Try again").click()
    page.page.wait_for_function(
        "(el) => el.dataset.checked === 'false'", arg=view.element_handle(), timeout=30_000)
    assert _click(view, "t1", 0).get_attribute("data-answer") == "tracked"


def test_why_panel_under_the_error(page, artifacts):
    output = page.output(ERROR)
    panel = output.locator(".gradnb-explain")
    panel.wait_for(timeout=30_000)
    error = output.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    traceback = error.text_content()
    assert "RuntimeError: Trying to backward through the graph a second time" in traceback
    assert not re.search(r"gradnb[/\\]", traceback), traceback
    # the panel comes after the error
    order = output.evaluate(
        "(el) => { const e = el.querySelector(\"[data-mime-type='application/vnd.jupyter."
        "stderr']\"), p = el.querySelector('.gradnb-explain');"
        " return e.compareDocumentPosition(p) & Node.DOCUMENT_POSITION_FOLLOWING; }")
    assert order
    assert "freed the values" in panel.locator(".gradnb-why").first.text_content()
    culprits = panel.locator(".gradnb-node.gradnb-culprit text.gradnb-label")
    assert sorted(culprits.all_text_contents()) == ["ExpBackward0", "MulBackward0"]
    assert panel.locator(".gradnb-fixes li").count() == 2
    output.screenshot(path=artifacts / f"learn-why-{page.front_end}.png")


def _node_labelled(view, label):
    return view.locator(".gradnb-node", has=view.page.locator(
        f"text.gradnb-label:text-is('{label}')"))


def test_stepping_a_predicted_backward(page, artifacts):
    player = page.output(STEPPED).locator(".gradnb-animation")
    page.page.wait_for_function(
        "(el) => el.dataset.ready === 'true'", arg=player.element_handle(), timeout=30_000)
    quiz = player.locator(".gradnb-quiz")
    forward = player.get_by_role("button", name="Step forward (→)")

    def wait(expression):
        page.page.wait_for_function(expression, arg=player.element_handle(), timeout=30_000)

    assert player.get_attribute("data-step") == "0"
    forward.click()                                  # stops: which node runs next?
    assert quiz.get_attribute("data-pending") == "1"
    assert player.get_attribute("data-step") == "0"
    assert "Which node runs next?" in quiz.locator(".gradnb-quiz-prompt").text_content()
    _node_labelled(player, "SumBackward0").click()
    wait("(el) => el.dataset.step === '1'")
    assert quiz.locator(".gradnb-quiz-verdict").text_content().startswith("✓ right")
    forward.click()                                  # the edge: no question
    wait("(el) => el.dataset.step === '2'")
    forward.click()
    assert quiz.get_attribute("data-pending") == "3"
    _node_labelled(player, "SumBackward0").click()   # wrong: MulBackward0 runs
    wait("(el) => el.dataset.step === '3'")
    verdict = quiz.locator(".gradnb-quiz-verdict").text_content()
    assert verdict.startswith("✗ not quite: you chose SumBackward0; MulBackward0 runs")
    forward.click()
    wait("(el) => el.dataset.step === '4'")
    forward.click()                                  # what will b.grad be?
    assert quiz.get_attribute("data-kind") == "grad"
    assert "b.grad" in quiz.locator(".gradnb-quiz-prompt").text_content()
    quiz.locator("input").fill("tensor([1., 2.])")
    quiz.locator("input").press("Enter")
    wait("(el) => el.dataset.step === '5'")
    wait("(el) => el.querySelector('.gradnb-quiz .gradnb-score').textContent !== '1 of 2 right'")
    assert quiz.locator(".gradnb-score").text_content() == "2 of 3 right"
    player.screenshot(path=artifacts / f"learn-backward-predict-{page.front_end}.png")
