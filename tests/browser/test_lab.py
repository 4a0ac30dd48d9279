"""The widgets in a real JupyterLab, in headless Chromium.

One notebook, generated here, loads the extension and shows the inspector, the graph
view and the backward animation. The same example code runs in this process too, so the
expected graph (node count, pruned ids, gradients) comes from gradnb.viz itself. The tests
then check what the reader sees: the graph drawn with the right nodes and the pruned class,
the animation stepping with gradient text, the inspector and graph following later cells,
a hostile variable name shown as text, and no JS error on the page. Screenshots of each
view go to test-artifacts/.
"""

import pytest

from examples import ARTICLE, run_example
from gradnb import viz

expect = pytest.importorskip("playwright.sync_api",
                             reason="Playwright for Python is not installed").expect

EVIL = "<img src=x onerror=alert(1)>"
EXAMPLE = ARTICLE + f"""\
globals()[{EVIL!r}] = torch.tensor([2.0], requires_grad=True)
out = total * globals()[{EVIL!r}]
"""
CELLS = [
    "%load_ext gradnb\nimport gradnb as torch",
    EXAMPLE,
    "%grad_watch --all",
    "%grad_graph out",
    "%grad_backward out --retain-graph",
    "q = torch.zeros(2, 3, requires_grad=True)",
]
INSPECTOR, GRAPH, ANIMATION, LATER = 2, 3, 4, 5
WIDGET_TIMEOUT = 30_000  # ms for a widget to be drawn after its cell ran


@pytest.fixture(scope="module")
def expected():
    """The example run in this process: its graph before and after backward."""
    ns = run_example(EXAMPLE)
    before = viz.build_graph(ns["out"], namespace=ns).to_json()
    ns["out"].backward(retain_graph=True)
    return {"before": before, "w_grad": repr(ns["w"].grad)}


@pytest.fixture(scope="module")
def notebook(lab, browser):
    """The notebook open in Chromium with every cell but the last one run."""
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "widgets.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    nb = NotebookPage(context.new_page()).open(lab, "widgets.ipynb")
    for index in range(LATER):
        nb.run_cell(index)
    for index in (INSPECTOR, GRAPH, ANIMATION):
        nb.output(index).locator("[data-ready=true]").wait_for(timeout=WIDGET_TIMEOUT)
    yield nb
    context.close()


def node_ids(locator):
    return locator.evaluate_all("els => els.map(e => e.getAttribute('data-id'))")


def test_graph_renders_every_node_and_marks_pruned_ones(notebook, expected, artifacts):
    view = notebook.output(GRAPH).locator(".gradnb-graph-view")
    nodes = expected["before"]["nodes"]
    assert view.locator(".gradnb-node").count() == len(nodes)
    pruned = {n["id"] for n in nodes if n["pruned"]}
    assert pruned and set(node_ids(view.locator(".gradnb-node.gradnb-pruned"))) == pruned
    assert view.locator(".gradnb-edge.gradnb-pruned").count() >= 1
    assert "skipped" in view.locator(".gradnb-summary").text_content()
    view.screenshot(path=artifacts / "graph-view.png")


def test_graph_shows_gradients_after_a_later_backward_cell(notebook, expected):
    view = notebook.output(GRAPH).locator(".gradnb-graph-view")
    (w_id,) = [n["id"] for n in expected["before"]["nodes"] if n["label"] == "w"]
    w_box = view.locator(f".gradnb-node[data-id='{w_id}']")
    # the view keeps its own cell's picture and says a later cell changed it (the update
    # travels on the kernel's iopub channel, maybe after the cell's reply)
    show_now = view.get_by_role("button", name="Show the state now")
    expect(show_now).to_be_visible(timeout=WIDGET_TIMEOUT)
    expect(w_box).to_contain_text("grad: None")
    show_now.click()
    expect(w_box).to_contain_text(f"grad: {expected['w_grad']}", timeout=WIDGET_TIMEOUT)


def test_hover_shows_value_and_grad_and_the_view_zooms(notebook, expected):
    view = notebook.output(GRAPH).locator(".gradnb-graph-view")
    (w_id,) = [n["id"] for n in expected["before"]["nodes"] if n["label"] == "w"]
    view.locator(f".gradnb-node[data-id='{w_id}']").hover()
    tip = view.locator(".gradnb-tooltip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("w: tensor([1.], requires_grad=True)")
    expect(tip).to_contain_text(f"grad (fresh): {expected['w_grad']}")
    svg = view.locator(".gradnb-canvas svg")
    before = svg.get_attribute("viewBox")
    view.get_by_role("button", name="Zoom in (Ctrl + wheel, or + on the picture)").click()
    assert svg.get_attribute("viewBox") != before


def test_stepping_the_animation_moves_the_highlight_and_shows_gradients(notebook, artifacts):
    player = notebook.output(ANIMATION).locator(".gradnb-animation")
    player.get_by_role("button", name="First step (Home)").click()
    assert player.get_attribute("data-step") == "0"
    seen, grads = [], []
    forward = player.get_by_role("button", name="Step forward (→)")
    for _ in range(4):
        seen.append(node_ids(player.locator(".gradnb-node.gradnb-active")))
        grads += [t for t in player.locator(".gradnb-edge-label").all_text_contents() if t]
        forward.click()
    assert player.get_attribute("data-step") == "4"
    assert len({tuple(ids) for ids in seen}) > 1, seen          # the highlight moved
    assert any(g.startswith("[") for g in grads), grads   # gradient values on edges
    assert "grad: tensor(" in player.locator(".gradnb-caption").text_content()
    player.screenshot(path=artifacts / "animation-step.png")


def test_animation_is_keyboard_accessible(notebook):
    player = notebook.output(ANIMATION).locator(".gradnb-animation")
    player.get_by_role("button", name="First step (Home)").click()
    player.focus()
    notebook.page.keyboard.press("ArrowRight")
    notebook.page.keyboard.press("ArrowRight")
    assert player.get_attribute("data-step") == "2"
    notebook.page.keyboard.press("End")
    last = int(player.get_attribute("data-steps")) - 1
    assert player.get_attribute("data-step") == str(last)


def test_inspector_updates_after_a_later_cell(notebook, expected, artifacts):
    table = notebook.output(INSPECTOR).locator(".gradnb-inspector")
    w_row = table.locator("tr[data-name='w']")
    # its own cell's table, until the reader asks for the table now (after backward)
    show_now = table.get_by_role("button", name="Show the state now")
    expect(show_now).to_be_visible(timeout=WIDGET_TIMEOUT)
    show_now.click()
    expect(w_row).to_contain_text(expected["w_grad"], timeout=WIDGET_TIMEOUT)  # backward cell
    assert table.locator("tr[data-name='q']").count() == 0
    notebook.run_cell(LATER)
    expect(table.locator("tr[data-name='q']")).to_contain_text("[2, 3]",
                                                              timeout=WIDGET_TIMEOUT)
    table.screenshot(path=artifacts / "inspector.png")


def test_hostile_variable_name_is_shown_as_text(notebook, artifacts):
    cells = notebook.output(INSPECTOR).locator("td").all_text_contents()
    assert EVIL in cells
    labels = notebook.output(GRAPH).locator("text").all_text_contents()
    assert EVIL in labels
    assert notebook.page.locator("img[src='x']").count() == 0
    assert notebook.dialogs == []
    notebook.page.screenshot(path=artifacts / "notebook.png", full_page=True)


def test_page_logged_no_javascript_error(notebook):
    assert notebook.errors == []
