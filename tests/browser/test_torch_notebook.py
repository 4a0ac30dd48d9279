"""The views on real PyTorch in JupyterLab: a notebook that does ``import torch`` and
``%load_ext gradnb``, as a PyTorch user writes it.

The graph must draw the add that made ``d`` (computed from a constant, so PyTorch's
autograd never recorded it) as a pruned box with its reason, known only from gradnb's
recorder; the animation must step through PyTorch's own backward, summing the two
gradients of ``y`` and ending with ``x.grad`` equal to what PyTorch computed. Timings
(seconds from Shift+Enter to the widget drawn) go to test-artifacts/torch-timings.txt.
"""

import time

import pytest

from gradnb import viz

torch = pytest.importorskip("torch")
pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

EXAMPLE = """\
x = torch.tensor([1., 2.], requires_grad=True)
c = torch.tensor([3., 4.])
d = c + 1
y = x * d
total = (y + y).sum()
"""
CELLS = ["import torch\n%load_ext gradnb", EXAMPLE, "%grad_graph total",
         "%grad_backward total", "x.grad"]
GRAPH, ANIMATION, GRAD = 2, 3, 4
WIDGET_TIMEOUT = 60_000


@pytest.fixture(scope="module")
def expected():
    """The example under the recorder in this process: its graph, and x.grad."""
    from gradnb.viz.source_torch import RECORDER
    RECORDER.start()
    try:
        ns = {"torch": torch}
        exec(EXAMPLE, ns)
        graph = viz.build_graph(ns["total"], namespace=ns).to_json()
        ns["total"].backward()
    finally:
        RECORDER.stop()
    return {"graph": graph, "x_grad": repr(ns["x"].grad)}


@pytest.fixture(scope="module")
def notebook(lab, browser, artifacts):
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "torch_views.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    nb = NotebookPage(context.new_page()).open(lab, "torch_views.ipynb")
    timings = {}
    for index in range(len(CELLS)):
        start = time.perf_counter()
        nb.run_cell(index)
        if index in (GRAPH, ANIMATION):
            nb.output(index).locator("[data-ready=true]").wait_for(timeout=WIDGET_TIMEOUT)
        timings[CELLS[index].strip().split("\n")[-1]] = time.perf_counter() - start
    (artifacts / "torch-timings.txt").write_text(
        "".join(f"{cell}: {seconds:.2f} s\n" for cell, seconds in timings.items()))
    yield nb
    assert not nb.errors, nb.errors
    context.close()


def test_torch_graph_draws_the_pruned_add_with_its_reason(notebook, expected, artifacts):
    view = notebook.output(GRAPH).locator(".gradnb-graph-view")
    assert view.locator(".gradnb-node").count() == len(expected["graph"]["nodes"])
    pruned_text = view.locator(".gradnb-node.gradnb-pruned text").all_text_contents()
    assert "add" in pruned_text and "would be AddBackward0" in pruned_text
    assert "no input requires grad" in pruned_text
    assert {"c", "d"} <= set(pruned_text)
    view.screenshot(path=artifacts / "torch-graph.png")


def test_torch_animation_steps_through_pytorchs_backward(notebook, expected, artifacts):
    player = notebook.output(ANIMATION).locator(".gradnb-animation")
    steps = int(player.get_attribute("data-steps"))
    player.get_by_role("button", name="First step (Home)").click()
    forward = player.get_by_role("button", name="Step forward (→)")
    captions = []
    for _ in range(steps - 1):
        forward.click()
        captions.append(player.locator(".gradnb-caption").text_content())
    assert any("gradients add up at y" in c for c in captions)
    accumulate = [c for c in captions if c.startswith("x.grad") or ": x.grad" in c]
    assert accumulate and expected["x_grad"] in accumulate[0]
    assert "MulBackward0 runs" in " ".join(captions)
    player.screenshot(path=artifacts / "torch-animation.png")
    # the kernel's x.grad is PyTorch's own
    assert expected["x_grad"] in notebook.output(GRAD).text_content()
