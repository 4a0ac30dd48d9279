"""Driving a real JupyterLab in headless Chromium: start a server on 127.0.0.1, write a
notebook, open it, run its cells one by one, and watch the page for JS errors and dialogs.

Used by the browser tests (through the fixtures in conftest.py) and by the speed
benchmark bench/bench_widgets.py, so both measure the same thing the same way.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT = 60      # s for JupyterLab to answer /api/status
CELL_TIMEOUT = 60_000   # ms for one cell (the first one also waits for the kernel)


def chromium_path():
    """The system Chromium (Playwright cannot download browsers here), or None."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def launch_chromium(playwright):
    """Headless system Chromium with the flags these machines need (BROWSER.md)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def write_notebook(path, cells):
    """Write a notebook of code cells (no outputs) with the python3 kernelspec."""
    notebook = {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "cells": [{"cell_type": "code", "id": f"cell{i}", "metadata": {},
                   "execution_count": None, "outputs": [], "source": source}
                  for i, source in enumerate(cells)],
    }
    Path(path).write_text(json.dumps(notebook, indent=1), encoding="utf-8")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on a free loopback port with a random token.

    Parameters
    ----------
    tmp : pathlib.Path
        An empty folder: notebooks, Jupyter config, runtime files and the server log go
        there, so nothing outside it is read or written.
    """

    def __init__(self, tmp):
        self.root = tmp / "notebooks"
        self.root.mkdir()
        self.config = tmp / "config"
        self._write_config()
        self.port, self.token = _free_port(), uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "lab.log"
        self.process = None
        self.tmp = tmp

    def _write_config(self):
        # No announcement/news pop-ups: they cover cells and try to reach the network.
        labconfig = self.config / "labconfig"
        labconfig.mkdir(parents=True)
        (labconfig / "page_config.json").write_text(json.dumps(
            {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))

    def start(self):
        """Start the server and wait until it answers."""
        # The kernel imports gradnb from this checkout, installed or not.
        paths = [str(REPO)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths),
                   JUPYTER_CONFIG_DIR=str(self.config),
                   JUPYTER_RUNTIME_DIR=str(self.tmp / "runtime"))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self._command(), stdout=log, stderr=subprocess.STDOUT, env=env,
                cwd=str(self.root))
        self._wait_until_up()
        return self

    def _command(self):
        return [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}",
                f"--LabApp.workspaces_dir={self.tmp / 'workspaces'}",
                "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]

    def kernels_idle(self):
        """True when at least one kernel runs and every kernel is idle (REST API)."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/kernels?token={self.token}",
                                        timeout=2) as response:
                kernels = json.loads(response.read())
        except OSError:
            return False
        return bool(kernels) and all(k.get("execution_state") == "idle" for k in kernels)

    def _wait_until_up(self):
        deadline = time.monotonic() + START_TIMEOUT
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                log = self.log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"JupyterLab did not start:\n{log}")
            time.sleep(0.2)

    def answers(self):
        """True once the REST API responds."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}",
                                        timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def stop(self):
        """Stop the server (and with it, its kernels)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def notebook_url(self, name):
        # a workspace of its own, reset: JupyterLab would otherwise reopen the notebook a
        # previous test had open, and cell selectors would match both notebooks
        workspace = name.rsplit(".", 1)[0]
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"


class Notebook7Server(LabServer):
    """A Jupyter Notebook 7 server (``jupyter notebook``), same recipe as JupyterLab's:
    its notebook page is built from JupyterLab's components (same CSS classes), but has
    no status bar, so pages wait for the kernel through the REST API."""

    flavour = "notebook"

    # Notebook 7.6's own page raises, once while loading, "Cannot read properties of
    # undefined (reading 'schema')" from its shortcuts settings (with an empty notebook,
    # no gradnb code involved): tests leave that one error out.
    KNOWN_PAGE_ERRORS = ("Cannot read properties of undefined (reading 'schema')",)

    def _command(self):
        return [sys.executable, "-m", "notebook", "--no-browser", "--allow-root",
                "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root}"]

    def notebook_url(self, name):
        return f"{self.url}/notebooks/{name}?token={self.token}"


class NotebookPage:
    """A notebook open in a Chromium page, recording JS errors and dialogs.

    Parameters
    ----------
    page : playwright.sync_api.Page
    """

    def __init__(self, page):
        self.page = page
        self.errors = []    # console errors and uncaught exceptions
        self.dialogs = []   # alert/confirm/prompt messages (dismissed)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, lab, name):
        """Open notebook ``name`` of ``lab`` and wait until its kernel is idle (keys
        pressed while the status bar still says "Initializing" are lost)."""
        self.page.goto(lab.notebook_url(name))
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=CELL_TIMEOUT)
        if getattr(lab, "flavour", "lab") == "notebook":
            deadline = time.monotonic() + CELL_TIMEOUT / 1000
            while not lab.kernels_idle():
                if time.monotonic() > deadline:
                    raise TimeoutError("the notebook's kernel did not become idle")
                time.sleep(0.3)
            return self
        self.page.wait_for_function(
            """() => {
                const bar = document.querySelector('#jp-main-statusbar');
                return bar && /\\| Idle/.test(bar.textContent);
            }""", timeout=CELL_TIMEOUT)
        return self

    def cell(self, index):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def run_cell(self, index, timeout=CELL_TIMEOUT):
        """Run one cell (click it, Shift+Enter) and wait until the kernel has finished it.

        Returns
        -------
        float
            Seconds from the key press to the cell's execution count appearing.
        """
        cell = self.cell(index)
        cell.locator(".jp-InputArea-editor").click()
        start = time.perf_counter()
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            """(i) => {
                const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[i];
                const prompt = cell && cell.querySelector('.jp-InputPrompt');
                return prompt && /\\[\\d+\\]/.test(prompt.textContent);
            }""", arg=index, timeout=timeout)
        return time.perf_counter() - start

    def output(self, index):
        """The output area of a cell."""
        return self.cell(index).locator(".jp-OutputArea")
