"""Fixtures for the real-browser tests: one JupyterLab server on 127.0.0.1 per test
session and one headless Chromium, driven by Playwright (recipe: ../shared/BROWSER.md).

Without Chromium or Playwright the tests skip with the reason (tests/conftest.py turns
those skips into failures in CI, which installs both).
"""

import pytest

from lab_driver import REPO, LabServer, chromium_path, launch_chromium


def _require_browser():
    if chromium_path() is None:
        pytest.skip("Chromium not found (apt-get install chromium)")
    return pytest.importorskip("playwright.sync_api",
                               reason="Playwright for Python is not installed")


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A running JupyterLab; notebooks go in ``lab.root``."""
    _require_browser()
    server = LabServer(tmp_path_factory.mktemp("lab")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium."""
    sync_api = _require_browser()
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts():
    """Folder for screenshots a person can look at (gitignored)."""
    folder = REPO / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
