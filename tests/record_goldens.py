"""Record what PyTorch does for every snippet of tests/op_snippets.py into
tests/goldens/ops.json, so the differential tests can check gradnb without PyTorch.

Run from the repository root with PyTorch 2.13 installed::

    python tests/record_goldens.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDENS = HERE / "goldens" / "ops.json"


def record():
    """``{"torch_version": ..., "snippets": {name: outcome}}`` for every snippet."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    import torch
    from op_snippets import SNIPPETS
    from torchdiff import run_snippet
    return {"torch_version": torch.__version__,
            "snippets": {name: run_snippet(torch, source, fresh=name.startswith("fresh_"))
                         for name, source in SNIPPETS.items()}}


def dumps(goldens):
    """JSON with one line per snippet: compact, and a re-recording diffs by snippet."""
    lines = [f"{json.dumps(name)}: {json.dumps(outcome, sort_keys=True)}"
             for name, outcome in sorted(goldens["snippets"].items())]
    return (f'{{"torch_version": {json.dumps(goldens["torch_version"])},\n"snippets": {{\n'
            + ",\n".join(lines) + "\n}}\n")


def main():
    goldens = record()
    GOLDENS.parent.mkdir(exist_ok=True)
    GOLDENS.write_text(dumps(goldens))
    print(f"wrote {len(goldens['snippets'])} snippets to {GOLDENS}")


if __name__ == "__main__":
    main()
