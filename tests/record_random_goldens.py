"""Record what PyTorch draws for every case of tests/random_cases.py into
tests/goldens/random.json, so tests/test_random.py checks gradnb without PyTorch.

Run from the repository root with PyTorch 2.13 installed::

    python tests/record_random_goldens.py
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDENS = HERE / "goldens" / "random.json"


def record():
    """``{"torch_version", "functions": {case: result}, "sequences": {...}, "lesson"}``."""
    sys.path.insert(0, str(HERE))
    import torch
    import random_cases as rc
    return {"torch_version": torch.__version__,
            "functions": {name: rc.describe(rc.run_function_case(torch, *args))
                          for name, args in rc.function_cases().items()},
            "sequences": {name: rc.describe(seq(torch))
                          for name, seq in rc.SEQUENCES.items()},
            "lesson": rc.run_lesson(torch)}


def dumps(goldens):
    """JSON with one line per case: a re-recording diffs case by case."""
    parts = [f'{{"torch_version": {json.dumps(goldens["torch_version"])},',
             f'"lesson": {json.dumps(goldens["lesson"])},']
    for group in ("functions", "sequences"):
        lines = [f"{json.dumps(name)}: {json.dumps(result, sort_keys=True)}"
                 for name, result in sorted(goldens[group].items())]
        parts.append(f'"{group}": {{\n' + ",\n".join(lines) + "\n}"
                     + ("," if group == "functions" else ""))
    return "\n".join(parts) + "\n}\n"


def main():
    goldens = record()
    GOLDENS.parent.mkdir(exist_ok=True)
    GOLDENS.write_text(dumps(goldens))
    print(f"wrote {len(goldens['functions'])} function cases and "
          f"{len(goldens['sequences'])} sequences to {GOLDENS}")


if __name__ == "__main__":
    main()
