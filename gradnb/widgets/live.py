"""Keeping views live: refresh every open view after each cell and after flag changes.

A view that should follow the user's later cells (the inspector, a graph view) registers
here. One ``post_run_cell`` callback per IPython shell refreshes them all, and one flag
watcher per library (``Source.watch_flags``) forwards in-place flag changes
(``requires_grad_()``, ``detach_()``) as they happen, where the library reports them.
Views are held weakly: a view that is closed or dropped simply stops being refreshed.

Re-running a cell replaces its output, but ipywidgets keeps the old widget alive in the
kernel. So each view remembers the cell that made it (the front end's cell id, sent with
every execute request), and a new view from a new run of the same cell retires the views
of the earlier runs: refreshing stays proportional to what the notebook shows.

The callbacks are module-level functions that look :data:`LIVE` up when they run, so
installing them twice is detectable (same object) and never doubles the work.
"""

import sys
import weakref

from ..viz.source import sources_loaded

__all__ = ["LiveViews", "LIVE", "cell_origin", "hook_shell", "unhook_shell", "is_hooked"]


class LiveViews:
    """The set of views to refresh, held by weak reference.

    A view is any object with ``refresh()``; it may also have ``on_flag_change(tensor)``.
    """

    def __init__(self):
        self.cell = None    # execution count of the cell that just ran (during refreshes)
        self._views = weakref.WeakSet()
        self._origins = weakref.WeakKeyDictionary()  # view -> (cell id, request id)
        self.errors = []  # (view class, message) of refreshes that failed, newest last

    def add(self, view, origin=None):
        """Start refreshing ``view``.

        Parameters
        ----------
        view : object with ``refresh()``
        origin : tuple, optional
            ``(cell id, request id)`` of the run that made it (see :func:`cell_origin`);
            views from earlier runs of the same cell stop being refreshed.
        """
        if origin is not None:
            self._retire_earlier_runs(origin)
            self._origins[view] = origin
        self._views.add(view)

    def _retire_earlier_runs(self, origin):
        cell, run = origin
        for other, (other_cell, other_run) in list(self._origins.items()):
            if other_cell == cell and other_run != run:
                self.discard(other)

    def discard(self, view):
        """Stop refreshing ``view``."""
        self._views.discard(view)
        self._origins.pop(view, None)

    def __len__(self):
        return len(self._views)

    def views(self):
        """The live views, in no particular order."""
        return list(self._views)

    def refresh_all(self):
        """Refresh every view; a failing view is reported once and dropped, so one broken
        view cannot make every later cell print an error."""
        for view in self.views():
            try:
                view.refresh()
            except Exception as exc:  # a view bug must not break the user's cell
                self._drop(view, exc)

    def flag_changed(self, tensor):
        """Forward an in-place flag change to the views that care."""
        for view in self.views():
            handler = getattr(view, "on_flag_change", None)
            if handler is None:
                continue
            try:
                handler(tensor)
            except Exception as exc:
                self._drop(view, exc)

    def _drop(self, view, exc):
        self.discard(view)
        message = f"{type(exc).__name__}: {exc}"
        self.errors.append((type(view).__name__, message))
        print(f"gradnb: stopped refreshing a {type(view).__name__} ({message})",
              file=sys.stderr)


LIVE = LiveViews()


def _post_run_cell(result=None):
    """IPython ``post_run_cell`` callback: views learn which cell changed them."""
    LIVE.cell = getattr(result, "execution_count", None)
    try:
        LIVE.refresh_all()
    finally:
        LIVE.cell = None


def _flag_watcher(tensor):
    """The callback given to ``Source.watch_flags``."""
    LIVE.flag_changed(tensor)


def cell_origin(shell):
    """``(cell id, request id)`` of the cell running in ``shell``, or None when the front
    end sends no cell id (terminal IPython, old front ends)."""
    get_parent = getattr(shell, "get_parent", None)
    parent = get_parent() if get_parent is not None else None
    if not parent:
        return None
    cell = (parent.get("metadata") or {}).get("cellId")
    run = (parent.get("header") or {}).get("msg_id")
    return None if cell is None else (cell, run)


def hook_shell(shell):
    """Install the refresh callbacks on ``shell`` (an InteractiveShell); idempotent.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None
        None (outside IPython) installs only the flag watcher.
    """
    for src in sources_loaded():
        src.watch_flags(_flag_watcher)
    if shell is not None and not is_hooked(shell):
        shell.events.register("post_run_cell", _post_run_cell)


def unhook_shell(shell):
    """Remove what :func:`hook_shell` installed (views stop refreshing)."""
    for src in sources_loaded():
        src.unwatch_flags(_flag_watcher)
    if shell is not None:
        while is_hooked(shell):
            shell.events.unregister("post_run_cell", _post_run_cell)


def is_hooked(shell):
    """True when ``shell`` refreshes the live views after each cell."""
    return _post_run_cell in shell.events.callbacks.get("post_run_cell", [])
