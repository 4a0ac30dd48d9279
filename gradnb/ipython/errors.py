"""IPython glue for errors that explain themselves (``%load_ext gradnb``).

When a cell raises one of autograd's errors (see :data:`gradnb.viz.explain.KINDS`), the
learner sees PyTorch's exception type and message unchanged, a traceback of their own
code only (gradnb's and torch's frames are left out), and under it the "why" panel
(:class:`gradnb.widgets.explain_view.ExplainWidget`). ``%gradnb explain off`` turns
the panel and the trimming off, ``%gradnb explain on`` back on.

The hook is IPython's ``set_custom_exc`` for ``RuntimeError``: the handler only runs
when a cell fails, and it prints the traceback with the shell's own ``showtraceback``,
so the kernel's ``error`` message keeps ``ename``/``evalue`` as they were (nbval compares
those). Frames are hidden by rebuilding the traceback without them, which needs no
``__tracebackhide__`` in the core's hot paths. Other ``RuntimeError``s are shown exactly
as IPython shows them.
"""

import types

__all__ = ["install", "uninstall", "set_enabled", "enabled", "trim_traceback"]

_STATE = {"enabled": True}


def trim_traceback(tb):
    """``tb`` without the frames of gradnb's and torch's own code (the first frame,
    IPython's ``run_code``, is kept: ``showtraceback`` skips it)."""
    from ..viz.explain import library_frame
    entries = []
    first = True
    while tb is not None:
        if first or not library_frame(tb.tb_frame):
            entries.append(tb)
        first = False
        tb = tb.tb_next
    rebuilt = None
    for entry in reversed(entries):
        rebuilt = types.TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti,
                                      entry.tb_lineno)
    return rebuilt


def _handler(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler (see ``InteractiveShell.set_custom_exc``)."""
    from ..viz.explain import classify
    if not _STATE["enabled"] or classify(value) is None:
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset,
                            running_compiled_code=True)
        return None
    shell.showtraceback((etype, value, trim_traceback(tb)), tb_offset=tb_offset,
                        running_compiled_code=True)
    widget = _panel(value, tb, shell.user_ns)
    if widget is not None:
        from IPython.display import display
        display(widget)
    return None


def _panel(value, tb, namespace):
    """The why panel, or None: explaining must never turn one error into two."""
    from ..viz.explain import explain
    from ..widgets.explain_view import ExplainWidget
    try:
        explanation = explain(value, tb, namespace)
        return ExplainWidget(explanation) if explanation is not None else None
    except Exception:       # noqa: BLE001 - the learner's error is the one that matters
        return None


def install(shell):
    """Hook the handler into ``shell`` (IPython keeps one custom handler)."""
    shell.set_custom_exc((RuntimeError,), _handler)
    shell.CustomTB.__func__.__gradnb__ = True


def uninstall(shell):
    """Remove the handler from ``shell``."""
    if getattr(shell.CustomTB, "__gradnb__", False):
        shell.set_custom_exc((), None)


def set_enabled(on):
    """Turn the why panel and the trimmed traceback on or off; returns a status line."""
    _STATE["enabled"] = bool(on)
    return f"gradnb: autograd errors explained: {'on' if on else 'off'}"


def enabled():
    """True when autograd errors are explained."""
    return _STATE["enabled"]
