"""Widget speed benchmark: what a reader waits for, in a real JupyterLab and Chromium.

Three figures, each against its target:

  draw     - time from pressing Shift+Enter on a cell showing a graph view to the widget
             fully drawn (its SVG in the page and painted), for graphs of about 100 and
             1,000 nodes (target: under 1 s for 1,000);
  fps      - frame rate while the backward animation plays at full speed over a graph of
             about 500 nodes (target: at least 30 frames per second);
  inspect  - what the live inspector adds to every cell with 1,000 tensors in the
             namespace (%grad_watch --all), when nothing changed and when one tensor did
             (target: under 5 ms). Measured in-process: it is the post_run_cell work.

Also reported, without a target: what a live 1,000-node graph view adds to each cell.

The graphs are "ladders": blocks of ``y = (y * w + b).tanh()`` with their own leaves
``w``, ``b`` (seven nodes a block), like an unrolled network. JupyterLab and Chromium are
started as in tests/browser (lab_driver.py), on 127.0.0.1 only.

Usage: python bench/bench_widgets.py [--quick] [--json [PATH]]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
sys.path[:0] = [str(REPO_ROOT), str(REPO_ROOT / "tests" / "browser")]

TARGETS = {"draw_1000_s": 1.0, "fps_500": 30.0, "inspector_ms": 5.0}
NODES_PER_BLOCK = 7

LADDER = """\
import gradnb as torch
def ladder(blocks):
    y = torch.ones(4)
    for _ in range(blocks):
        w = torch.ones(4, requires_grad=True)
        b = torch.zeros(4, requires_grad=True)
        y = (y * w + b).tanh()
    return y.sum()
"""


def parse_args(argv=None):
    """Command line: run length and JSON output."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="fewer repeats (rough numbers)")
    p.add_argument("--json", nargs="?", const="", default=None, metavar="PATH",
                   help="write the figures as JSON (default: bench/results/"
                        "bench_widgets-<time>.json)")
    return p.parse_args(argv)


def blocks_for(nodes):
    """Ladder blocks giving a graph of about ``nodes`` nodes."""
    return max(1, round(nodes / NODES_PER_BLOCK))


# -- in the browser ----------------------------------------------------------------------------

# Installed before a cell runs: note when Shift+Enter goes down, and resolve once a widget
# this cell did not have before is ready and two frames have been painted after it.
WATCH_DRAW = """(i) => {
    const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
    cell.querySelectorAll('.gradnb-widget').forEach((e) => { e.dataset.benchSeen = '1'; });
    window.__benchStart = null;
    // window, capture phase: runs before any of JupyterLab's own key handlers
    const onKey = (e) => {
        if (e.key !== 'Enter' || !e.shiftKey) return;
        window.__benchStart = performance.now();
        window.removeEventListener('keydown', onKey, true);
    };
    window.addEventListener('keydown', onKey, true);
    window.__benchDrawn = new Promise((resolve) => {
        const find = () => cell.querySelector(
            '.gradnb-widget[data-ready="true"]:not([data-bench-seen])');
        const done = (el) => requestAnimationFrame(() => requestAnimationFrame(() =>
            resolve({ end: performance.now(), nodes: Number(el.dataset.nodes) })));
        const observer = new MutationObserver(() => {
            const el = find();
            if (el) { observer.disconnect(); done(el); }
        });
        observer.observe(cell, { subtree: true, childList: true, attributes: true });
    });
}"""

# Play the animation of cell i at full speed for `ms` and record every frame interval.
PLAY_AND_COUNT = """async ([i, ms]) => {
    const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
    const player = cell.querySelector('.gradnb-animation');
    const speed = player.querySelector('select.gradnb-speed');
    speed.value = speed.options[speed.options.length - 1].value;
    speed.dispatchEvent(new Event('change'));
    player.querySelector('button[title^="First step"]').click();
    const first = Number(player.dataset.step);
    player.querySelector('button.gradnb-play').click();
    const intervals = [];
    await new Promise((resolve) => {
        const t0 = performance.now();
        let last = t0;
        const tick = (t) => {
            intervals.push(t - last);
            last = t;
            if (t - t0 < ms) requestAnimationFrame(tick); else resolve();
        };
        requestAnimationFrame(tick);
    });
    player.querySelector('button.gradnb-play').click();   // pause
    return { intervals: intervals.slice(1), steps: Number(player.dataset.step) - first,
             total: Number(player.dataset.steps), nodes: Number(player.dataset.nodes) };
}"""


def time_draw(nb, index):
    """Seconds from Shift+Enter on cell ``index`` to its new widget drawn; node count."""
    page = nb.page
    page.evaluate(WATCH_DRAW, index)
    nb.cell(index).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    drawn = page.evaluate("window.__benchDrawn")
    start = page.evaluate("window.__benchStart")
    return (drawn["end"] - start) / 1000, drawn["nodes"]


def frame_rate(nb, index, seconds):
    """Frames per second while the animation of cell ``index`` plays at full speed."""
    result = nb.page.evaluate(PLAY_AND_COUNT, [index, seconds * 1000])
    intervals = sorted(result["intervals"])
    mean = statistics.fmean(intervals)
    worst = intervals[int(0.95 * (len(intervals) - 1))]      # 95th percentile interval
    return {"fps": 1000 / mean, "fps_p5": 1000 / worst, "frames": len(intervals),
            "steps_played": result["steps"], "steps": result["total"],
            "nodes": result["nodes"]}


def browser_figures(repeats, play_seconds):
    """Draw times and animation frame rate, in a JupyterLab started for the purpose."""
    from lab_driver import LabServer, NotebookPage, launch_chromium, write_notebook
    from playwright.sync_api import sync_playwright

    cells = [LADDER + f"loss100 = ladder({blocks_for(100)})\n"
             f"loss500 = ladder({blocks_for(500)})\nloss1000 = ladder({blocks_for(1000)})",
             "torch.graph(loss100, max_nodes=None)",
             "torch.graph(loss1000, max_nodes=None)",
             "torch.animate_backward(loss500, retain_graph=True, max_nodes=None)"]
    with tempfile.TemporaryDirectory() as tmp:
        lab = LabServer(Path(tmp)).start()
        try:
            write_notebook(lab.root / "bench.ipynb", cells)
            with sync_playwright() as p:
                browser = launch_chromium(p)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                nb = NotebookPage(page).open(lab, "bench.ipynb")
                nb.run_cell(0)
                draws = {size: [time_draw(nb, cell) for _ in range(repeats)]
                         for size, cell in ((100, 1), (1000, 2))}
                time_draw(nb, 3)
                fps = frame_rate(nb, 3, play_seconds)
                browser.close()
                errors = nb.errors
        finally:
            lab.stop()
    return draws, fps, errors


# -- in-process: the inspector and a live graph view -----------------------------------------

def per_cell_costs(repeats):
    """Milliseconds the post_run_cell refresh takes with 1,000 tensors watched (unchanged,
    and with one row changing, message encoding included), and with one live 1,000-node
    graph view."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from gradnb.widgets import live

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "gradnb")
    with capture_output():
        shell.run_cell("import gradnb as torch\nfor i in range(1000):\n"
                       "    globals()[f't{i}'] = torch.ones(3, requires_grad=i % 2 == 0)")
        shell.run_cell("%grad_watch --all")
    (inspector,) = live.LIVE.views()
    sent = _encode_messages(inspector)
    torch, t0 = shell.user_ns["torch"], shell.user_ns["t0"]
    counter = iter(range(10 ** 9))

    def new_grad():                           # what a backward does to one row
        t0.grad = torch.full((3,), float(next(counter)))

    unchanged = _median_ms(live.LIVE.refresh_all, repeats, before=None)
    one = _median_ms(live.LIVE.refresh_all, repeats, before=new_grad)
    assert len(sent) == repeats, "each changed row must send one message"
    for view in live.LIVE.views():
        view.close()
    with capture_output():
        shell.run_cell(LADDER + f"loss = ladder({blocks_for(1000)})")
        shell.run_cell("torch.graph(loss, max_nodes=None)")
    graph = _median_ms(live.LIVE.refresh_all, max(3, repeats // 10), before=None)
    shell.run_line_magic("unload_ext", "gradnb")
    return {"inspector_unchanged_ms": unchanged, "inspector_one_changed_ms": one,
            "graph_1000_refresh_ms": graph}


def _encode_messages(widget):
    """Make the widget's comm JSON-encode what it sends, as a kernel's session does
    (outside a kernel the comm drops messages for free, which would flatter us)."""
    sent = []
    widget.comm.send = lambda data=None, metadata=None, buffers=None: sent.append(
        json.dumps(data))
    return sent


def _median_ms(fn, repeats, before):
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


# -- report ---------------------------------------------------------------------------------------

def verdict(ok):
    return "PASS" if ok else "MISS"


def report(draws, fps, costs):
    """Print the table of figures and targets; return the figures as a dict."""
    figures = {
        "draw_100_s": statistics.median(t for t, _ in draws[100]),
        "draw_1000_s": statistics.median(t for t, _ in draws[1000]),
        "nodes": {size: draws[size][0][1] for size in draws},
        "fps_500": fps["fps"], "fps_500_p5": fps["fps_p5"], "animation": fps, **costs,
    }
    rows = [
        (f"cell -> graph drawn, {figures['nodes'][100]} nodes",
         f"{figures['draw_100_s']:.2f} s", "", ""),
        (f"cell -> graph drawn, {figures['nodes'][1000]} nodes",
         f"{figures['draw_1000_s']:.2f} s", "< 1 s",
         verdict(figures["draw_1000_s"] < TARGETS["draw_1000_s"])),
        (f"animation at {fps['nodes']} nodes (full speed)",
         f"{fps['fps']:.0f} fps (95% of frames >= {fps['fps_p5']:.0f})", ">= 30 fps",
         verdict(fps["fps"] >= TARGETS["fps_500"])),
        ("inspector per cell, 1,000 tensors, unchanged",
         f"{costs['inspector_unchanged_ms']:.2f} ms", "< 5 ms",
         verdict(costs["inspector_unchanged_ms"] < TARGETS["inspector_ms"])),
        ("inspector per cell, 1,000 tensors, one row changed",
         f"{costs['inspector_one_changed_ms']:.2f} ms", "< 5 ms",
         verdict(costs["inspector_one_changed_ms"] < TARGETS["inspector_ms"])),
        ("live 1,000-node graph view per cell", f"{costs['graph_1000_refresh_ms']:.1f} ms",
         "", ""),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, target, mark in rows:
        print(f"{name:<{width}}  {value:<34} {target:<10} {mark}")
    return figures


def write_json(path_arg, figures, args):
    """Write figures and machine info as JSON."""
    path = Path(path_arg) if path_arg else (
        RESULTS_DIR / f"bench_widgets-{time.strftime('%Y%m%d-%H%M%S')}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    machine = {"python": platform.python_version(), "platform": platform.platform(),
               "processor": platform.processor()}
    path.write_text(json.dumps({"machine": machine, "quick": args.quick,
                                "figures": figures, "targets": TARGETS}, indent=1))
    print(f"wrote {path}")


def main(args):
    repeats = 3 if args.quick else 7
    # in-process figures first, while this process is as small as a fresh kernel
    costs = per_cell_costs(repeats=20 if args.quick else 200)
    draws, fps, errors = browser_figures(repeats, play_seconds=2 if args.quick else 5)
    figures = report(draws, fps, costs)
    if errors:
        print("JS errors on the page:", *errors, sep="\n  ")
    if args.json is not None:
        write_json(args.json, figures, args)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(parse_args()))
