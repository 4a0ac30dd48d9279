"""Checks on the tutorial notebooks beyond nbval (which re-runs each stored notebook as
part of every test run, see pyproject's pytest options):

* every stored notebook matches its source in notebooks/src/ (no hand edits that the
  next build would lose) and every source has its notebook;
* the second-backend check: each notebook's code, run with real PyTorch 2.13 in place of
  gradnb, prints what gradnb printed, cell by cell. Cells tagged ``view`` draw pictures
  with gradnb: their output is not compared, but their code still runs, translated
  (``%grad_backward X`` is ``X.backward()``; drawing-only lines are dropped), so later
  cells see the same state. Cells tagged ``nbval-ignore-output`` vary by design. The
  stored outputs were printed on one CPU and PyTorch runs on this one: a printed float
  may differ in its last digit where it sits on a rounding boundary (tests/printed.py);
* nbval's own comparison forgives the same rounding (notebooks/conftest.py), proved on a
  notebook of our own;
* every cell that draws a matplotlib figure stores it as a PNG (not only the figure's
  ``<Figure ...>`` text), and nbval fails when a re-run stops showing a stored image.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradnb.testing import matching_tolerance
from printed import printed_difference

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
sys.path.insert(0, str(ROOT / "notebooks"))
import build  # noqa: E402  (notebooks/build.py)

_SUBSTITUTIONS = [
    (re.compile(r"^%load_ext gradnb\s*$", re.M), ""),
    (re.compile(r"^import gradnb as torch$", re.M), "import torch"),
    (re.compile(r"^from gradnb\.", re.M), "from torch."),
    (re.compile(r"^import gradnb\.nn as nn$", re.M), "import torch.nn as nn"),
]
_NORMALISE = [
    (re.compile(r"0x[0-9a-f]{6,16}"), "0x<ADDR>"),
    (re.compile(r"(/tmp/ipykernel_\d+/\d+\.py|<ipython-input-[\d-]+>):\d+"), "<cell>"),
    # PyTorch appends where in its C++ sources a warning was raised; gradnb has no C++
    (re.compile(r" \(Triggered internally at [^)]*\.\)"), ""),
]


def test_every_notebook_matches_its_source():
    sources = sorted(build.SOURCES.glob("*.py"))
    assert sources, "no notebook sources in notebooks/src"
    problems = [p for s in sources for p in build.check(s)]
    stems = {s.stem for s in sources}
    problems += [f"{nb.name} has no source in notebooks/src"
                 for nb in NOTEBOOKS if nb.stem not in stems]
    assert not problems, "\n".join(problems)


_BACKWARD_MAGIC = re.compile(r"^%grad_backward\s+(?P<expr>\S+)(?P<opts>.*)$")
_DRAWING_ONLY = re.compile(r"^(%%?grad_\w+|%gradnb)\b|\bgradnb\b")


def _view_cell_for_pytorch(source):
    """The state-changing part of a view cell, in plain PyTorch."""
    lines = []
    for line in source.splitlines():
        backward = _BACKWARD_MAGIC.match(line.strip())
        if backward:
            opts = backward.group("opts")
            gradient = re.search(r"--gradient\s+(\S+)", opts)
            retain = "--retain-graph" in opts
            lines.append(f"({backward.group('expr')}).backward("
                         f"{gradient.group(1) if gradient else 'None'}, retain_graph={retain})")
        elif not _DRAWING_ONLY.search(line.strip()):
            lines.append(line)
    return "\n".join(lines)


def _to_pytorch(nb):
    """A copy of ``nb`` whose code runs on real torch (cell indices unchanged)."""
    import copy
    variant = copy.deepcopy(nb)
    for cell in variant.cells:
        if cell.cell_type != "code":
            continue
        if "view" in cell.metadata.get("tags", []):
            cell.source = _view_cell_for_pytorch(cell.source)
            continue
        for pattern, replacement in _SUBSTITUTIONS:
            cell.source = pattern.sub(replacement, cell.source)
        if "gradnb" in cell.source:
            raise AssertionError(f"cell uses gradnb but is not tagged 'view':\n{cell.source}")
    return variant


def _normalise(text):
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return text


def _printed(cell):
    """What a code cell printed, as text: streams, plain-text results, errors."""
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append((o.name, _normalise(o.text)))
        elif o.output_type == "execute_result":
            out.append(("result", _normalise(o.data.get("text/plain", ""))))
        elif o.output_type == "error":
            out.append(("error", f"{o.ename}: {_normalise(o.evalue)}"))
    return out


def _same_printing(ours, theirs):
    """The same outputs, their texts equal up to float rounding (text only)."""
    rtol, atol = matching_tolerance("torch.float32")
    return len(ours) == len(theirs) and all(
        kind == other and printed_difference(text, expected, rtol=rtol, atol=atol) is None
        for (kind, text), (other, expected) in zip(ours, theirs))


def _compared(cell):
    tags = cell.metadata.get("tags", [])
    return cell.cell_type == "code" and "view" not in tags and "nbval-ignore-output" not in tags


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_pytorch_prints_what_gradnb_printed(path):
    pytest.importorskip("torch")
    import nbformat
    from nbclient import NotebookClient
    stored = nbformat.read(path, as_version=4)
    variant = _to_pytorch(stored)
    NotebookClient(variant, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    mismatches = []
    for index, (ours, theirs) in enumerate(zip(stored.cells, variant.cells)):
        if _compared(ours) and not _same_printing(_printed(ours), _printed(theirs)):
            mismatches.append(f"cell {index}:\n{ours.source}\n  gradnb: {_printed(ours)}\n"
                              f"  torch:  {_printed(theirs)}")
    assert not mismatches, "\n\n".join(mismatches)


# cells that draw a matplotlib figure: the call that makes it
_FIGURE_CALL = re.compile(r"\bplot_gradients\(|\bplot_losses\(")


def test_figures_are_stored_as_pictures():
    figure_cells = 0
    for path in NOTEBOOKS:
        import nbformat
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if cell.cell_type != "code" or not _FIGURE_CALL.search(cell.source):
                continue
            figure_cells += 1
            pngs = [o for o in cell.outputs if "image/png" in o.get("data", {})]
            assert pngs, f"{path.name} cell {index} draws a figure but stores no image/png"
    assert figure_cells, "no tutorial draws a matplotlib figure"


def test_nbval_fails_when_a_stored_image_is_gone(tmp_path):
    """A cell stored with a PNG whose re-run shows the same text but no picture fails
    under nbval with the project's notebooks/conftest.py; with the PNG it passes."""
    import nbformat
    for part in ("notebooks/conftest.py", "tests/printed.py"):
        (tmp_path / part).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / part, tmp_path / part)
    shows = {"gone": "{'text/plain': '<Figure>'}",
             "kept": "{'text/plain': '<Figure>', 'image/png': 'iVBORw0KGgo='}"}
    for name, data in shows.items():
        cell = nbformat.v4.new_code_cell(
            f"from IPython.display import display\ndisplay({data}, raw=True)",
            execution_count=1)
        cell.outputs = [nbformat.v4.new_output("display_data", data={
            "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]),
                       tmp_path / "notebooks" / f"{name}.ipynb")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "notebooks"], cwd=tmp_path, capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "FAILED notebooks/gone.ipynb::Cell 0" in done.stdout, done.stdout[-3000:]
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-3000:]


_ROUNDING_NOTEBOOK = """\
import numpy as np
print(np.array([{printed}, 2.5], dtype=np.float32).round(4))
"""


def test_nbval_forgives_rounding_only(tmp_path):
    """Notebooks stored with ``[0.1235 2.5   ]``, re-run by nbval under the project's
    notebooks/conftest.py: a last digit flipped at a rounding boundary (0.1234) passes, a
    real difference (0.1237) fails."""
    import nbformat
    for part in ("notebooks/conftest.py", "tests/printed.py"):
        (tmp_path / part).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / part, tmp_path / part)
    for name, printed in (("flip", "0.1234"), ("wrong", "0.1237")):
        cell = nbformat.v4.new_code_cell(_ROUNDING_NOTEBOOK.format(printed=printed),
                                         execution_count=1)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                               text="[0.1235 2.5   ]\n")]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]),
                       tmp_path / "notebooks" / f"{name}.ipynb")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-current-env", "notebooks"], cwd=tmp_path, capture_output=True,
        text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "FAILED notebooks/wrong.ipynb::Cell 0" in done.stdout, done.stdout[-3000:]
    assert "1 failed, 1 passed" in done.stdout, done.stdout[-3000:]


# The exercises: each notebook is stored with the learner's placeholders (its checks say
# "Not quite"); with these answers filled in, every check must say "Right". This proves
# each exercise can be solved and that its check expects the right thing.
_SOLUTIONS = {
    "01_tensor_and_variable": {"t = ...": "t = torch.arange(1, 7).reshape((-1, 3)).float()"},
    "02_how_requires_grad_spreads": {"my_x_grad = ...": "my_x_grad = torch.tensor([1.])"},
    "03_excluding_subgraphs": {
        "my_answer = ...": "my_answer = [False, False, True, True, True, True]"},
    "04_backward_step_by_step": {
        "my_de_da = ...": "my_de_da = (1 - torch.tensor(0.5 * 0.4 + 0.5).tanh() ** 2) * (0.4 + 1)"},
    "06_common_mistakes": {"my_answers = ...": "my_answers = [False, True, True, False, True]",
                           "my_w_grad = ...": "my_w_grad = [16.]"},
    "07_custom_functions": {
        "return grad_output * x * x        # fix me": "return grad_output * 3 * x * x",
        "my_second_derivative = ...": "my_second_derivative = 27.0"},
    "08_training_loop": {"my_b_grad = ...": "my_b_grad = (-2 * y).mean()",
                         "my_lr = ...": "my_lr = 0.7"},
}


def _check_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "gradnb.check(" in c.source]


def _stdout(cell):
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def test_every_tutorial_ends_with_exercises_that_check_themselves():
    import nbformat
    for path in NOTEBOOKS:
        if path.stem in ("00_start", "05_real_pytorch"):
            continue
        nb = nbformat.read(path, as_version=4)
        assert path.stem in _SOLUTIONS, f"{path.name}: add its exercises' answers here"
        checks = _check_cells(nb)
        assert checks, f"{path.name} has no exercise checked by gradnb.check"
        for cell in checks:    # stored as the learner finds it: not yet answered
            assert "Not quite" in _stdout(cell), f"{path.name}: an answer is filled in"


@pytest.mark.parametrize("stem", sorted(_SOLUTIONS))
def test_exercises_accept_their_solutions(stem):
    import nbformat
    from nbclient import NotebookClient
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    nb = nbformat.read(path, as_version=4)
    for placeholder, answer in _SOLUTIONS[stem].items():
        cells = [c for c in nb.cells if placeholder in c.source]
        assert len(cells) == 1, f"{stem}: placeholder {placeholder!r} not found once"
        cells[0].source = cells[0].source.replace(placeholder, answer)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in _check_cells(nb):
        printed = _stdout(cell)
        assert "Right" in printed and "Not quite" not in printed, f"{stem}:\n{printed}"
