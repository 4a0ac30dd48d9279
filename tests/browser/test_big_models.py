"""Big models open readable (issue 10, item 6), in JupyterLab: an MLP's graph opens as
its layers (one box per nn.Module, named net.0 and net.2) at a readable scale with the
root in view; one click shows every node, another goes back.
"""

import pytest

from examples import MLP, run_example
from gradnb import viz

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

CELLS = ["%load_ext gradnb\nimport gradnb as torch", MLP, "%grad_graph loss"]
GRAPH = 2


@pytest.fixture(scope="module")
def mlp(lab, browser):
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "mlp.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    nb = NotebookPage(context.new_page()).open(lab, "mlp.ipynb")
    for index in range(len(CELLS)):
        nb.run_cell(index)
    nb.output(GRAPH).locator("[data-ready=true]").wait_for(timeout=30_000)
    yield nb
    assert nb.errors == [], nb.errors
    context.close()


def _visible_scale(view):
    """Screen pixels per graph unit, and whether the root's box is inside the view."""
    return view.evaluate("""root => {
        const svg = root.querySelector('.gradnb-canvas svg');
        const [x, y, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
        const scale = svg.clientWidth / w;
        const rootBox = [...svg.querySelectorAll('.gradnb-node')].find(
            (g) => g.querySelector('text').textContent === 'loss').querySelector('rect');
        const b = rootBox.getBBox();
        const inside = b.x >= x && b.y >= y && b.x + b.width <= x + w && b.y + b.height <= y + h;
        return [scale, inside];
    }""")


def test_mlp_opens_as_its_layers_on_the_root(mlp, artifacts):
    ns = run_example(MLP)
    full = viz.build_graph(ns["loss"], namespace=ns).to_json()
    view = mlp.output(GRAPH).locator(".gradnb-graph-view")
    assert view.get_attribute("data-layers") == "modules"
    labels = view.locator(".gradnb-node text.gradnb-label").all_text_contents()
    assert {"net.0", "net.2", "ReluBackward0", "loss"} <= set(labels)
    assert view.locator(".gradnb-node").count() == len(full["modules"]["nodes"])
    scale, root_inside = _visible_scale(view)
    assert scale >= 0.79 and root_inside            # readable text, the root in view
    view.screenshot(path=artifacts / "mlp-layers.png")
    view.get_by_role("button", name="Show every node of the graph").click()
    assert view.get_attribute("data-layers") == "nodes"
    assert view.locator(".gradnb-node").count() == len(full["nodes"])
    scale, root_inside = _visible_scale(view)
    assert scale >= 0.79 and root_inside
    view.get_by_role("button", name="Show one box per nn.Module").click()
    assert view.get_attribute("data-layers") == "modules"
