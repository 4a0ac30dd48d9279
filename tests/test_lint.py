"""Style that holds without anyone remembering it: ruff (configured in pyproject.toml,
[tool.ruff]) must find nothing in the repository, the built notebooks included.

ruff comes with the ``test`` extra. Where it is missing the test skips, which fails a CI
run (tests/conftest.py turns skips into failures when CI=true)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    pytest.importorskip("ruff", reason="ruff is in the test extra: pip install -e '.[test]'")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache",
                           "--output-format", "concise", str(ROOT)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"ruff check found problems:\n{done.stdout}{done.stderr}"
