"""Record what PyTorch does for every snippet of tests/function_snippets.py (custom
autograd functions) into tests/goldens/function.json, so tests/test_function.py checks
gradnb without PyTorch.

Run from the repository root with PyTorch 2.13 installed::

    python tests/record_function_goldens.py
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDENS = HERE / "goldens" / "function.json"


def main():
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent))
    import torch
    from function_snippets import SNIPPETS
    from record_goldens import dumps
    from torchdiff import run_snippet
    goldens = {"torch_version": torch.__version__,
               "snippets": {name: run_snippet(torch, source) for name, source in SNIPPETS.items()}}
    GOLDENS.write_text(dumps(goldens))
    print(f"wrote {len(goldens['snippets'])} snippets to {GOLDENS}")


if __name__ == "__main__":
    main()
