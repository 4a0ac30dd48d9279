"""Audit: which printed numbers of the tutorial notebooks sit so near a rounding boundary
that another CPU could print a different last digit?

Run from the repository root (takes a minute or two; not part of the test run)::

    PYTHONPATH=. python tests/notebook_rounding_audit.py [relative_change]

Each notebook is executed twice with every non-integral float that gradnb prints
(everything printed goes through ``gradnb._format._format_values``) scaled by
``1 + change`` and ``1 - change`` (default 4e-7: a few float32 ulps, more than SIMD or
BLAS kernels differ by). Outputs that then differ from the stored ones print numbers
within that distance of a rounding boundary: nbval forgives them through
notebooks/conftest.py, and they are listed here so that a tutorial can avoid them.
"""

import configparser
import copy
import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
# nbval's own sanitizers (addresses, kernel file names in warnings, timings)
_SANITIZE = configparser.ConfigParser()
_SANITIZE.read(ROOT / "notebooks" / "sanitize.cfg", encoding="utf-8")
_SUBSTITUTIONS = [(re.compile(s["regex"]), s["replace"]) for s in map(_SANITIZE.__getitem__,
                                                                     _SANITIZE.sections())]
_PERTURB = """\
import gradnb._format as _audit_format
_audit_original = _audit_format._format_values
def _audit_scaled(kept, opts):
    if kept.dtype.kind == "f":
        fractional = kept != kept.round()
        kept = kept.copy()
        kept[fractional] = kept[fractional] * kept.dtype.type({factor!r})
    return _audit_original(kept, opts)
_audit_format._format_values = _audit_scaled
"""
_TEXT_MIMES = ("text/plain", "text/html", "image/svg+xml")


def _texts(cell):
    """The compared text of a code cell's outputs, sanitized as nbval does."""
    out = []
    for o in cell.get("outputs", []):
        parts = [o.get("text", ""), o.get("evalue", "")]
        parts += [o.get("data", {}).get(m, "") for m in _TEXT_MIMES]
        text = "".join(map(str, parts))
        for pattern, replacement in _SUBSTITUTIONS:
            text = pattern.sub(replacement, text)
        out.append(text)
    return out


def _run(nb, factor, where):
    variant = copy.deepcopy(nb)
    variant.cells.insert(0, nbformat.v4.new_code_cell(_PERTURB.format(factor=factor)))
    NotebookClient(variant, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(where)}}).execute()
    del variant.cells[0]
    return variant


def audit(path, change):
    """``[(cell index, factor)]`` of the compared cells whose printing moved."""
    stored = nbformat.read(path, as_version=4)
    moved = []
    for factor in (1 + change, 1 - change):
        run = _run(stored, factor, path.parent)
        for index, (ours, theirs) in enumerate(zip(stored.cells, run.cells)):
            tags = ours.metadata.get("tags", [])
            if ours.cell_type == "code" and "nbval-ignore-output" not in tags and \
                    _texts(ours) != _texts(theirs):
                moved.append((index, factor))
    return moved


def main():
    change = float(sys.argv[1]) if len(sys.argv) > 1 else 4e-7   # 0: must find nothing
    total = 0
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        moved = audit(path, change)
        total += len(moved)
        print(f"{path.name}: {len(moved)} output(s) move at ±{change:g}: {moved}")
    print(f"total: {total}")


if __name__ == "__main__":
    main()
