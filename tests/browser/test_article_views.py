"""The article's own example, as a reader of tutorial 2 sees it in JupyterLab.

``x + y`` needs no gradient, ``total = w + z`` does: the graph must draw the add that
made ``z`` as pruned, and the backward animation must end with ``w.grad`` receiving
``tensor([1.])`` through AccumulateGrad. The screenshots saved here
(test-artifacts/article-*.png) are the README's pictures (copied to docs/images/).
"""

import pytest

from examples import ARTICLE, run_example
from gradnb import viz

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

CELLS = ["%load_ext gradnb\nimport gradnb as torch", ARTICLE, "%grad_graph total",
         "%grad_backward total"]
GRAPH, ANIMATION = 2, 3


@pytest.fixture(scope="module")
def article(lab, browser):
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "article.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    nb = NotebookPage(context.new_page()).open(lab, "article.ipynb")
    for index in range(len(CELLS)):
        nb.run_cell(index)
    for index in (GRAPH, ANIMATION):
        nb.output(index).locator("[data-ready=true]").wait_for(timeout=30_000)
    yield nb
    context.close()


def test_article_graph_prunes_the_add_that_made_z(article, artifacts):
    ns = run_example(ARTICLE)
    expected = viz.build_graph(ns["total"], namespace=ns).to_json()
    pruned_labels = {n["label"] for n in expected["nodes"] if n["pruned"]}
    assert {"x", "y", "z", "add"} <= pruned_labels
    view = article.output(GRAPH).locator(".gradnb-graph-view")
    assert view.locator(".gradnb-node").count() == len(expected["nodes"])
    drawn_pruned = view.locator(".gradnb-node.gradnb-pruned text").all_text_contents()
    assert {"x", "y", "z", "add"} <= set(drawn_pruned)
    view.screenshot(path=artifacts / "article-graph.png")


def test_article_animation_ends_with_w_grad_one(article, artifacts):
    player = article.output(ANIMATION).locator(".gradnb-animation")
    player.get_by_role("button", name="Last step (End)").click()
    steps = int(player.get_attribute("data-steps"))
    player.get_by_role("button", name="First step (Home)").click()
    forward = player.get_by_role("button", name="Step forward (→)")
    captions = []
    for _ in range(steps - 1):
        forward.click()
        captions.append(player.locator(".gradnb-caption").text_content())
    accumulate = [c for c in captions if c.startswith("w.grad")]
    assert accumulate and "tensor([1.])" in accumulate[0]
    # back to the accumulation step for the picture
    player.get_by_role("button", name="First step (Home)").click()
    for _ in range(captions.index(accumulate[0]) + 1):
        forward.click()
    player.screenshot(path=artifacts / "article-animation.png")
