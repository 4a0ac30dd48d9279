"""Per-cell hooks: after each cell IPython refreshes the live views, and each library's
flag watcher forwards in-place flag changes (``requires_grad_()``, ``detach_()``) as they
happen, where the library reports them.

The views themselves are registered in :data:`gradnb.widgets.live.LIVE`. One
``post_run_cell`` callback per IPython shell refreshes them all; it also tells them which
cell ran, and :func:`cell_origin` gives the cell a new view comes from (so a re-run cell
retires the views of its earlier runs). The callbacks are module-level functions that
look :data:`LIVE` up when they run, so installing them twice is detectable (same object)
and never doubles the work.
"""

from ..viz.source import sources_loaded
from ..widgets.live import LIVE

__all__ = ["cell_origin", "hook_shell", "unhook_shell", "is_hooked"]


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
