"""The backward replay shows what it says (issue 10, item 1), in JupyterLab: at every
step of the article's example, issue 10's ``s * s`` example and an MLP, each tensor box
shows the ``.grad`` the trace says it has by then, no edge label overlaps another label
or a box, no text leaves its box or the canvas; the arrow keys step after a click on
the picture (Shift + arrows pan); the hover tooltip sits beside its node.
"""

import pytest

from examples import ARTICLE, MLP, SQUARE, run_example
from gradnb import viz
from gradnb.viz import schema
from gradnb.viz.describe import grad_line

pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

EXAMPLES = {"article": (ARTICLE, "total"), "square": (SQUARE, "loss"), "mlp": (MLP, "loss")}
CELLS = ["%load_ext gradnb\nimport gradnb as torch"]
for _source, _root in EXAMPLES.values():
    CELLS += [_source, f"%grad_backward {_root}"]
OUTPUT = {name: 2 + 2 * i for i, name in enumerate(EXAMPLES)}

# Walks every step in the page (one round trip per example, not per step): for each step,
# the text of every tensor box's gradient line, and every overlap or overflow found.
WALK = """(root) => {
  const svg = root.querySelector('.gradnb-canvas svg');
  const steps = Number(root.dataset.steps);
  const home = root.querySelector('button[aria-label="First step (Home)"]');
  const next = root.querySelector('button[aria-label="Step forward (→)"]');
  const [W, H] = [Number(root.dataset.width), Number(root.dataset.height)];
  const box = (el) => { const b = el.getBBox(); return {x: b.x, y: b.y, w: b.width, h: b.height}; };
  const hit = (a, b) => a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 &&
                        a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
  const inside = (a, b) => a.x >= b.x - 1 && a.y >= b.y - 1 && a.x + a.w <= b.x + b.w + 1 &&
                           a.y + a.h <= b.y + b.h + 1;
  const canvas = {x: 0, y: 0, w: W, h: H};
  home.click();
  const out = [];
  for (let i = 0; i < steps; i++) {
    if (i > 0) next.click();
    const grads = {}, problems = [];
    const rects = [];
    for (const g of svg.querySelectorAll('.gradnb-node')) {
      const rect = box(g.querySelector('rect'));
      rects.push(rect);
      const texts = [...g.querySelectorAll('text')].filter((t) => t.textContent);
      for (const t of texts) {
        if (!inside(box(t), rect)) problems.push(`text '${t.textContent}' leaves its box`);
      }
      if (g.classList.contains('gradnb-tensor')) {
        grads[g.dataset.id] = texts[texts.length - 1].textContent;
      }
    }
    const labels = [...svg.querySelectorAll('.gradnb-edge-label')].filter((t) => t.textContent);
    labels.forEach((t, k) => {
      const b = box(t);
      if (!inside(b, canvas)) problems.push(`label '${t.textContent}' leaves the canvas`);
      for (const r of rects) if (hit(b, r)) problems.push(`label '${t.textContent}' covers a box`);
      for (const u of labels.slice(k + 1)) {
        if (hit(b, box(u))) {
          problems.push(`labels '${t.textContent}' and '${u.textContent}' overlap`);
        }
      }
    });
    out.push({step: Number(root.dataset.step), grads, problems, labels: labels.length});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def replays(lab, browser):
    from lab_driver import NotebookPage, write_notebook
    write_notebook(lab.root / "replay.ipynb", CELLS)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    nb = NotebookPage(context.new_page()).open(lab, "replay.ipynb")
    for index in range(len(CELLS)):
        nb.run_cell(index, timeout=120_000)
    for index in OUTPUT.values():
        nb.output(index).locator(".gradnb-animation[data-ready=true]").wait_for(timeout=60_000)
    yield nb
    assert nb.errors == [], nb.errors
    context.close()


def expected_box_lines(name):
    """Per step, the gradient line each tensor box must show: the one it was drawn
    with, until the trace's accumulate step into it (then that step's value)."""
    source, root = EXAMPLES[name]
    ns = run_example(source)
    trace = viz.record_backward(ns[root], namespace=ns)
    graph = trace.passes[0].graph.to_json()
    lines = {n["id"]: n["lines"][-1] for n in graph["nodes"] if n["kind"] == "tensor"}
    per_step = []
    for step in trace.passes[0].steps:
        if step["kind"] == schema.STEP_ACCUMULATE and step["target"] in lines:
            state = schema.GRAD_FRESH if step["before"] is None else schema.GRAD_ACCUMULATED
            lines[step["target"]] = grad_line(state, step["after"])
        per_step.append(dict(lines))
    return graph, per_step


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_step_shows_the_trace_and_nothing_overprints(replays, artifacts, name):
    graph, expected = expected_box_lines(name)
    player = replays.output(OUTPUT[name]).locator(".gradnb-animation")
    player.evaluate("(root, size) => { root.dataset.width = size[0]; "
                    "root.dataset.height = size[1]; }", [graph["width"], graph["height"]])
    walked = player.evaluate(WALK)
    assert len(walked) == len(expected)
    for step, (seen, want) in enumerate(zip(walked, expected)):
        assert seen["step"] == step
        assert seen["grads"] == want, f"{name} step {step + 1}"
        assert seen["problems"] == [], f"{name} step {step + 1}: {seen['problems']}"
    # the last step: every parameter's box shows its gradient (not "grad: None")
    leaves = [n["id"] for n in graph["nodes"] if n["kind"] == "tensor" and n["requires_grad"]
              and n["is_leaf"]]
    assert all(walked[-1]["grads"][i].startswith("grad") and
               walked[-1]["grads"][i] != "grad: None" for i in leaves)
    assert sum(s["labels"] for s in walked) > 0       # labels were drawn, not all left out
    # a middle step for a person to look at
    player.get_by_role("button", name="First step (Home)").click()
    forward = player.get_by_role("button", name="Step forward (→)")
    for _ in range(len(expected) * 2 // 3):
        forward.click()
    player.screenshot(path=artifacts / f"replay-{name}.png")


def test_arrow_keys_step_after_clicking_the_picture(replays):
    player = replays.output(OUTPUT["square"]).locator(".gradnb-animation")
    player.get_by_role("button", name="First step (Home)").click()
    player.locator(".gradnb-canvas").click()             # focus goes to the picture
    page = replays.page
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert player.get_attribute("data-step") == "2"
    page.keyboard.press("ArrowLeft")
    assert player.get_attribute("data-step") == "1"
    before = player.locator(".gradnb-canvas svg").get_attribute("viewBox")
    page.keyboard.press("Shift+ArrowRight")              # pans, does not step
    assert player.get_attribute("data-step") == "1"
    assert player.locator(".gradnb-canvas svg").get_attribute("viewBox") != before


def test_tooltip_sits_beside_its_node(replays):
    player = replays.output(OUTPUT["square"]).locator(".gradnb-animation")
    for label in ("x", "MulBackward0"):
        node = player.locator(".gradnb-node", has=replays.page.locator(
            f"text.gradnb-label:text-is('{label}')")).first
        node.hover()
        tip = player.locator(".gradnb-tooltip")
        tip.wait_for(state="visible")
        a, b = node.locator("rect").bounding_box(), tip.bounding_box()
        apart = (b["x"] >= a["x"] + a["width"] or b["x"] + b["width"] <= a["x"] or
                 b["y"] >= a["y"] + a["height"] or b["y"] + b["height"] <= a["y"])
        assert apart, (label, a, b)
        assert label in tip.text_content()
