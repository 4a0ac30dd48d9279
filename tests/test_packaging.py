"""What a published gradnb carries: the MIT LICENSE, declared in pyproject.toml so that the
wheel ships it in its dist-info (``pip wheel . --no-deps`` then ``unzip -l`` shows
``gradnb-*.dist-info/licenses/LICENSE``; building takes too long for a test run), and
the packaging of the checks: the test extra brings the linter that tests/test_lint.py
runs."""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    if sys.version_info >= (3, 11):
        import tomllib
    else:                                       # Python 3.10 has no tomllib
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_license_file_is_mit_for_gradnb_contributors():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 gradnb contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text


def test_pyproject_puts_the_license_into_the_wheel():
    config = _pyproject()
    project = config["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    # hatchling writes license-files into the wheel's dist-info from version 1.27 on
    requires = config["build-system"]["requires"]
    hatchling = [r for r in requires if r.startswith("hatchling")]
    assert hatchling, requires
    version = re.search(r">=\s*([\d.]+)", hatchling[0])
    assert version and tuple(map(int, version.group(1).split("."))) >= (1, 27), hatchling


def test_the_test_extra_installs_the_linter():
    """tests/test_lint.py runs ruff; the README's test command installs it with the
    test extra, and ruff reads its configuration from pyproject.toml."""
    config = _pyproject()
    assert any(r.startswith("ruff") for r in config["project"]["optional-dependencies"]["test"])
    assert config["tool"]["ruff"]["line-length"] == 100
    assert {"F", "E", "W"} <= set(config["tool"]["ruff"]["lint"]["select"])
