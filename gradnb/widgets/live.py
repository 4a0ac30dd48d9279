"""Keeping views live: refresh every open view after each cell and after flag changes.

A view that should follow the user's later cells (the inspector, a graph view) registers
here. One ``post_run_cell`` callback per IPython shell refreshes them all, and one entry in
the core's ``gradnb.tensor._flag_watchers`` forwards in-place flag changes
(``requires_grad_()``, ``detach_()``) as they happen. Views are held weakly: a view that is
closed or dropped simply stops being refreshed.

The callbacks are module-level functions that look :data:`LIVE` up when they run, so
installing them twice is detectable (same object) and never doubles the work.
"""

import sys
import weakref

# the core's list (``gradnb.tensor`` the name is the factory function, not the module)
from ..tensor import _flag_watchers

__all__ = ["LiveViews", "LIVE", "hook_shell", "unhook_shell", "is_hooked"]


class LiveViews:
    """The set of views to refresh, held by weak reference.

    A view is any object with ``refresh()``; it may also have ``on_flag_change(tensor)``.
    """

    def __init__(self):
        self._views = weakref.WeakSet()
        self.errors = []  # (view class, message) of refreshes that failed, newest last

    def add(self, view):
        """Start refreshing ``view``."""
        self._views.add(view)

    def discard(self, view):
        """Stop refreshing ``view``."""
        self._views.discard(view)

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
    """IPython ``post_run_cell`` callback."""
    LIVE.refresh_all()


def _flag_watcher(tensor):
    """Entry in ``gradnb.tensor._flag_watchers``."""
    LIVE.flag_changed(tensor)


def hook_shell(shell):
    """Install the refresh callbacks on ``shell`` (an InteractiveShell); idempotent.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None
        None (outside IPython) installs only the flag watcher.
    """
    if _flag_watcher not in _flag_watchers:
        _flag_watchers.append(_flag_watcher)
    if shell is not None and not is_hooked(shell):
        shell.events.register("post_run_cell", _post_run_cell)


def unhook_shell(shell):
    """Remove what :func:`hook_shell` installed (views stop refreshing)."""
    while _flag_watcher in _flag_watchers:
        _flag_watchers.remove(_flag_watcher)
    if shell is not None:
        while is_hooked(shell):
            shell.events.unregister("post_run_cell", _post_run_cell)


def is_hooked(shell):
    """True when ``shell`` refreshes the live views after each cell."""
    return _post_run_cell in shell.events.callbacks.get("post_run_cell", [])
