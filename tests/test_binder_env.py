"""The Binder check: build a fresh virtual environment from binder/ exactly as repo2docker
would install it (``pip install -r binder/requirements.txt`` from the repository root),
then let nbval re-run every tutorial notebook inside it. A dependency the notebooks need
but binder/ does not declare fails here, not in front of a class.

The tutorial on real PyTorch is left out: Binder does not install torch (a CPU build
would multiply the image's size and build time), so that notebook says how to install it
and CI validates it. Only nbval and pytest (the test tools, not something the notebooks
use) are added to the environment. The run uses an empty pytest configuration so that
nothing from this checkout (its ``pythonpath`` setting, its conftest) can leak into the
environment.
"""

import re
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_IMPORTS_TORCH = re.compile(r'"import torch\\n|"import torch"')


def _needs_torch(path):
    """True for a tutorial on real PyTorch (``import torch`` in a cell): Binder does not
    install torch, so that notebook says how to, and is validated in CI only."""
    return bool(_IMPORTS_TORCH.search(path.read_text()))


NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not _needs_torch(p)]


def _run(cmd, **kwargs):
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (f"{' '.join(map(str, cmd))} failed "
                                    f"({result.returncode}):\n{result.stdout[-4000:]}\n"
                                    f"{result.stderr[-4000:]}")
    return result


def test_binder_runtime_is_a_python_3():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-3."), runtime


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks built yet")
def test_notebooks_run_in_a_fresh_binder_environment(tmp_path):
    env_dir = tmp_path / "binder-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run([python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], cwd=ROOT)
    _run([python, "-m", "pip", "install", "-q", "nbval", "pytest"], cwd=ROOT)
    # gradnb must come from the environment, not from this checkout
    _run([python, "-c", "import gradnb, sys; assert 'site-packages' in gradnb.__file__, "
                        "gradnb.__file__"], cwd=tmp_path)
    empty_ini = tmp_path / "pytest.ini"
    empty_ini.write_text("[pytest]\n")
    _run([python, "-m", "pytest", "-q", "-c", str(empty_ini), "--rootdir", str(tmp_path),
          "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
          "--nbval-sanitize-with", str(ROOT / "notebooks" / "sanitize.cfg"),
          *map(str, NOTEBOOKS)], cwd=tmp_path)
