"""Then and now, and names that stay (issue 10, items 2 and 3), in JupyterLab after
Run All: each live view shows the state as of its own cell, a bar says which later cell
changed it, one click shows the state now and another goes back; rebinding a name later
keeps the earlier graph's labels (marked "rebound" in the picture now) and its node
count.
"""

import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

CELLS = [
    "%load_ext gradnb\nimport gradnb as torch",                               # [1]
    "price = torch.tensor([2.], requires_grad=True)\n"
    "qty = torch.tensor([3.])\nshipping = torch.tensor([5.])",                # [2]
    "cost = price * qty + shipping\ncost",                                   # [3]
    "%grad_watch price",                                                     # [4]
    "%grad_graph cost",                                                      # [5]
    "cost.backward()",                                                       # [6]
    "price = torch.tensor([9., 8.], requires_grad=True)\n"
    "qty = torch.tensor([1.])\nshipping = torch.tensor([1.])",               # [7]
    "%grad_graph price --static",                                            # [8]
]
WATCH, GRAPH, STATIC = 3, 4, 7


def _labels(view):
    return sorted(view.locator(".gradnb-node text.gradnb-label").all_text_contents())


@pytest.fixture(scope="module")
def ran_all(lab, browser):
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "then_now.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1100, "height": 1000})
    nb = NotebookPage(context.new_page()).open(lab, "then_now.ipynb")
    page = nb.page
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_function(
        """(n) => {
            const cells = document.querySelectorAll('.jp-Notebook .jp-Cell');
            const prompt = cells[n - 1] && cells[n - 1].querySelector('.jp-InputPrompt');
            return prompt && /\\[8\\]/.test(prompt.textContent);
        }""", arg=len(CELLS), timeout=120_000)
    for index in (WATCH, GRAPH, STATIC):
        nb.output(index).locator("[data-ready=true]").first.wait_for(timeout=30_000)
    yield nb
    assert nb.errors == [], nb.errors
    context.close()


def test_graph_shows_its_own_cell_then_now_and_back(ran_all, artifacts):
    view = ran_all.output(GRAPH).locator(".gradnb-graph-view")
    price = view.locator(".gradnb-node", has=ran_all.page.locator(
        "text.gradnb-label:text-is('price')"))
    assert view.get_attribute("data-showing") == "then"
    assert "grad: None" in price.text_content()             # backward ran later, in [6]
    bar = view.locator(".gradnb-then-now")
    assert bar.is_visible() and "Changed after cell 6" in bar.text_content()
    then_labels = _labels(view)
    view.screenshot(path=artifacts / "then-and-now-then.png")
    bar.get_by_role("button", name="Show the state now").click()
    assert view.get_attribute("data-showing") == "now"
    now_labels = _labels(view)
    # [7] rebound every name: nothing disappears, each moved name says so
    assert len(now_labels) == len(then_labels)
    assert {"price (rebound)", "qty (rebound)", "shipping (rebound)"} <= set(now_labels)
    rebound = view.locator(".gradnb-node", has=ran_all.page.locator(
        "text.gradnb-label:text-is('price (rebound)')"))
    assert "grad: tensor([3.])" in rebound.text_content()
    view.screenshot(path=artifacts / "then-and-now-now.png")
    bar.get_by_role("button", name="Show the state when this cell ran").click()
    assert view.get_attribute("data-showing") == "then" and _labels(view) == then_labels


def test_watch_table_shows_its_own_cell(ran_all):
    table = ran_all.output(WATCH).locator(".gradnb-inspector")
    row = table.locator("tr[data-name='price']")
    assert table.get_attribute("data-showing") == "then"
    assert row.locator("td").last.text_content() == "None"
    bar = table.locator(".gradnb-then-now")
    assert "Changed after cell 6" in bar.text_content()
    bar.get_by_role("button", name="Show the state now").click()
    # price is the new tensor of [7] now: two elements, no gradient yet
    assert table.get_attribute("data-showing") == "now"
    assert row.locator("td").nth(1).text_content() == "[2]"
    assert row.locator("td").last.text_content() == "None"


def test_a_static_view_never_offers_now(ran_all):
    view = ran_all.output(STATIC).locator(".gradnb-graph-view")
    assert not view.locator(".gradnb-then-now").is_visible()
