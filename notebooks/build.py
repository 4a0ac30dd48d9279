"""Build the tutorial notebooks from their sources and store them executed.

Each tutorial is written as a percent-format script in ``notebooks/src/`` (readable and
diffable; jupytext opens it as a notebook too)::

    # %% [markdown]
    # # Title
    # %% tags=["raises-exception"]
    Variable(range(6))

``python notebooks/build.py`` turns every source into ``notebooks/<name>.ipynb`` with
kernelspec ``python3``, runs it top to bottom on a fresh kernel (nbclient), and saves it
with its outputs and widget state, so GitHub and nbviewer show it and nbval can re-run
it. ``python notebooks/build.py --check`` only verifies that every notebook's cells match
its source (the test suite calls this).

Cell tags understood by nbval: ``raises-exception`` (the cell must raise; its stored
error is compared), ``nbval-ignore-output`` (timings, memory figures), ``nbval-skip``.
``view`` marks cells that draw a picture (skipped by the PyTorch substitution check).
"""

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
_CELL_START = re.compile(r"^# %%(?P<kind> \[markdown\])?(?: tags=(?P<tags>\[.*\]))?\s*$")

__all__ = ["parse_source", "to_notebook", "build", "check"]


def parse_source(text):
    """Split a percent-format script into ``(cell_type, source, tags)`` triples."""
    cells, kind, tags, lines = [], None, [], []
    for line in text.splitlines():
        match = _CELL_START.match(line)
        if match:
            if kind is not None:
                cells.append(_finish(kind, lines, tags))
            kind = "markdown" if match.group("kind") else "code"
            tags = json.loads(match.group("tags")) if match.group("tags") else []
            lines = []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append(_finish(kind, lines, tags))
    return cells


def _finish(kind, lines, tags):
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    if kind == "markdown":
        lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
    return kind, "\n".join(lines), tags


def to_notebook(cells):
    """An unexecuted notebook (nbformat 4) from parsed cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source, tags in cells:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def build(source_path, timeout=120):
    """Execute one tutorial source and write its notebook next to the sources' folder."""
    from nbclient import NotebookClient
    nb = to_notebook(parse_source(source_path.read_text()))
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(HERE)}}).execute()
    for index, cell in enumerate(nb.cells):
        cell.id = f"{source_path.stem}-{index}"     # stable ids: clean diffs
    target = HERE / f"{source_path.stem}.ipynb"
    nbformat.write(nb, target)
    return target


def check(source_path):
    """Problems (as strings) if the stored notebook's cells differ from its source."""
    target = HERE / f"{source_path.stem}.ipynb"
    if not target.exists():
        return [f"{target.name} is missing: run python notebooks/build.py"]
    stored = nbformat.read(target, as_version=4)
    expected = parse_source(source_path.read_text())
    found = [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in stored.cells]
    if found != [(k, s, list(t)) for k, s, t in expected]:
        return [f"{target.name} differs from src/{source_path.name}: rebuild it"]
    return []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="source stems to build (default: all)")
    parser.add_argument("--check", action="store_true", help="only check sources vs notebooks")
    args = parser.parse_args(argv)
    sources = sorted(SOURCES.glob("*.py"))
    if args.names:
        sources = [s for s in sources if s.stem in args.names]
    if args.check:
        problems = [p for s in sources for p in check(s)]
        print("\n".join(problems) or "notebooks match their sources")
        return 1 if problems else 0
    for source in sources:
        print("built", build(source).relative_to(HERE.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
