"""The live views: the views to refresh after each cell and after flag changes.

A view that should follow the user's later cells (the inspector, a graph view) registers
in :data:`LIVE`. What calls :meth:`LiveViews.refresh_all` after each cell and forwards
flag changes is IPython glue, in :mod:`gradnb.ipython.hooks`. Views are held weakly: a
view that is closed or dropped simply stops being refreshed.

Re-running a cell replaces its output, but ipywidgets keeps the old widget alive in the
kernel. So each view remembers the cell that made it (the front end's cell id, sent with
every execute request), and a new view from a new run of the same cell retires the views
of the earlier runs: refreshing stays proportional to what the notebook shows.
"""

import sys
import weakref

__all__ = ["LiveViews", "LIVE"]


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
            ``(cell id, request id)`` of the run that made it (see
            :func:`gradnb.ipython.hooks.cell_origin`);
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
