"""What the magics do, as a plain class over one IPython shell.

:class:`NotebookSession` turns what a user typed (an expression, variable names, a cell)
into tensors, calls the Python API of :mod:`gradnb.widgets`, and displays the result. Bad
input becomes an IPython ``UsageError`` that names the problem, raised before anything
is run or bound, so the user's namespace is left as it was. It also installs and removes
what ``%load_ext gradnb`` adds to the shell: the tensor HTML display and the
after-each-cell refresh of live views.
"""

import ast
import sys
import textwrap
from collections import Counter

from IPython.core.error import UsageError
from IPython.display import display

from .hooks import hook_shell, is_hooked, unhook_shell
from ..tensor import Tensor
from ..viz.model import DEFAULT_MAX_NODES
from ..widgets import animate_backward, graph, trace, watch
from ..widgets.live import LIVE
from ..widgets.tensor_html import tensor_html
from ..viz.source import (MixedLibraries, describe_value, is_any_tensor, source_for,
                          torch_recorder, when_torch_imported)

__all__ = ["NotebookSession"]

_TORCH_TENSOR = ("torch", "Tensor")
STATUS_WIDTH = 79      # %gradnb prints no line longer than this


def _drop_torch_printer(formatter, previous):
    """Remove our torch.Tensor HTML printer (still deferred, or resolved once a torch
    tensor was shown), restoring ``previous``."""
    formatter.deferred_printers.pop(_TORCH_TENSOR, None)
    for cls, printer in list(formatter.type_printers.items()):
        if printer is tensor_html and cls is not Tensor:
            del formatter.type_printers[cls]
    if previous not in (None, tensor_html):
        formatter.for_type_by_name(*_TORCH_TENSOR, previous)


_MISSING = object()
_kind = describe_value     # 'an int', 'a list': how an error message names a value


def unquote(text):
    """``text`` without one pair of matching outer quotes (``"x * 2"`` -> ``x * 2``):
    IPython keeps quotes when it splits a magic's arguments."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _limit(max_nodes, magic):
    """``--max-nodes``: 0 means never collapse."""
    if max_nodes < 0:
        raise UsageError(f"%{magic}: --max-nodes must be 0 (never collapse) or more, "
                         f"not {max_nodes}")
    return max_nodes or None


def _live(mode):
    """The views' ``live``/``show_now`` arguments for a magic's mode."""
    return {"live": mode != "static", "show_now": mode == "live"}


def written_labels(expr, count):
    """The source text of each of ``count`` roots in ``expr``: the expression itself,
    or the elements of a tuple display (``total, z``)."""
    expr = expr.strip()
    try:
        tree = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    if count == 1:
        return [expr]
    if isinstance(tree, (ast.Tuple, ast.List)) and len(tree.elts) == count:
        return [ast.get_source_segment(expr, e) for e in tree.elts]
    return None


class NotebookSession:
    """The magics' work for one shell.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
    """

    def __init__(self, shell):
        self.shell = shell
        self._previous_html = _MISSING
        self.record = True     # %gradnb record on|off: note what torch's autograd skips

    # -- reading what the user typed ------------------------------------------------------

    def evaluate(self, expr, magic):
        """Evaluate ``expr`` in the user's namespace; UsageError when it cannot be.

        Parameters
        ----------
        expr : str
        magic : str
            The magic's name, for error messages.
        """
        expr = expr.strip()
        if not expr:
            raise UsageError(f"%{magic}: give an expression, e.g. %{magic} loss")
        try:
            code = compile(expr, f"<%{magic}>", "eval")
        except SyntaxError as exc:
            raise UsageError(f"%{magic}: invalid syntax in {expr!r}: {exc.msg}") from None
        try:
            return eval(code, self.shell.user_global_ns, self.shell.user_ns)
        except NameError as exc:
            raise UsageError(f"%{magic}: {exc}") from None
        except Exception as exc:
            raise UsageError(f"%{magic}: evaluating {expr!r} raised "
                             f"{type(exc).__name__}: {exc}") from None

    def tensors(self, expr, magic, many=False):
        """The tensor(s) ``expr`` evaluates to (a tuple/list of tensors when ``many``)."""
        value = self.evaluate(expr, magic)
        if is_any_tensor(value):
            return [value]
        if many and isinstance(value, (tuple, list)) and value and all(
                is_any_tensor(v) for v in value):
            try:
                source_for(value)
            except MixedLibraries as exc:
                raise UsageError(f"%{magic}: {expr.strip()!r}: {exc}") from None
            return list(value)
        raise UsageError(f"%{magic}: {expr.strip()!r} is {_kind(value)}, not a tensor")

    def watched_names(self, names):
        """The names worth watching: variables and paths (``deep.0.weight``, ``v.grad``,
        ``params[0]``), defined or not yet (their rows are pending until a tensor is
        bound). One that is not a path is reported and left out; UsageError only when
        none is left."""
        from ..widgets.inspector import parse_path
        good, bad = [], []
        for name in names:
            (good if parse_path(name) is not None else bad).append(name)
        for name in bad:
            message = f"%grad_watch: {name!r} is not a variable name or attribute path " \
                      f"(such as x, model.fc.weight, deep.0.weight, v.grad, params[0])"
            if not good:
                raise UsageError(message)
            print(message + ": not watched", file=sys.stderr)
        return good

    # -- the magics' actions -----------------------------------------------------------------

    def show_graph(self, expr, max_nodes=DEFAULT_MAX_NODES, predict=False,
                   mode="then-and-now"):
        """``%grad_graph EXPR [--max-nodes N] [--predict] [--static | --live]``: each
        root is labelled with the expression as written (``v.grad``, ``(w * 3).sum()``;
        ``a, b``: one each)."""
        roots = self.tensors(expr, "grad_graph", many=True)
        live = {} if predict else _live(mode)
        display(graph(*roots, namespace=self.shell.user_ns,
                      max_nodes=_limit(max_nodes, "grad_graph"), predict=predict,
                      labels=written_labels(expr, len(roots)), **live))

    def show_watch(self, names, everything, mode="then-and-now"):
        """``%grad_watch [names ...] [--all] [--static | --live]``."""
        if names and everything:
            raise UsageError("%grad_watch: give variable names or --all, not both")
        names = self.watched_names(names)
        display(watch(*names, all_tensors=everything, namespace=self.shell.user_ns,
                      **_live(mode)))

    def show_backward(self, expr, gradient=None, retain_graph=False, max_nodes=DEFAULT_MAX_NODES,
                      predict=False):
        """``%grad_backward EXPR [--gradient G] [--retain-graph] [--max-nodes N]
        [--predict]``."""
        (root,) = self.tensors(expr, "grad_backward")
        seed = None
        if gradient is not None:
            (seed,) = self.tensors(unquote(gradient), "grad_backward --gradient")
        display(animate_backward(root, gradient=seed, retain_graph=retain_graph,
                                 namespace=self.shell.user_ns,
                                 max_nodes=_limit(max_nodes, "grad_backward"),
                                 predict=predict))

    def trace_cell(self, cell):
        """``%%grad_trace``: run the cell recording its backward passes, show each."""
        with trace(namespace=self.shell.user_ns) as recording:
            # run_cell shows the cell's own output and traceback, as for any cell
            self.shell.run_cell(cell, store_history=False)
        display(recording)

    def _before_cell(self, info=None):
        """``pre_run_cell`` and right after ``import torch``: once the user imported
        torch, record what its autograd skips (unless ``%gradnb record off``)."""
        recorder = torch_recorder()
        if recorder is not None and self.record and not recorder.on:
            recorder.start()

    def set_recording(self, on):
        """``%gradnb record on|off``."""
        self.record = on
        recorder = torch_recorder()
        if recorder is None:
            return "torch is not imported: gradnb records torch ops once it is" + \
                ("" if on else " (now off)")
        if on:
            recorder.start()
        else:
            recorder.stop()
        return f"recording what torch's autograd skips: {'on' if on else 'off'}"

    def status(self, magics_help):
        """``%gradnb``: version, what is active, one line of help per magic."""
        from .. import __version__
        views = LIVE.views()
        counts = Counter(type(v).__name__ for v in views)
        kinds = [f"{n} {kind}" if n > 1 else kind for kind, n in sorted(counts.items())]
        lines = [
            f"gradnb {__version__}: PyTorch's autograd on numpy, with live views",
            f"tensor HTML display: {'on' if self.html_installed() else 'off'}",
            *textwrap.wrap(
                f"refresh after each cell: {'on' if is_hooked(self.shell) else 'off'}"
                f" ({len(views)} live view{'s' if len(views) != 1 else ''}"
                f"{': ' + ', '.join(kinds) if kinds else ''})", STATUS_WIDTH,
                subsequent_indent="    "),
            "magics (full help: %grad_graph? and so on):",
        ]
        if torch_recorder() is not None:    # only where torch is imported
            lines.insert(2, "recording what torch's autograd skips: "
                            + ("on" if torch_recorder().on else "off"))
        for usage, summary in magics_help:     # usage, then its summary below it:
            lines.append(f"  {usage}")         # short lines that never wrap
            lines += textwrap.wrap(summary, STATUS_WIDTH, initial_indent="      ",
                                   subsequent_indent="      ")
        return "\n".join(lines)

    # -- installing into the shell -----------------------------------------------------------

    def install(self):
        """Add the tensor HTML display and the after-each-cell refresh."""
        formatter = self.shell.display_formatter.formatters["text/html"]
        self._previous_html = formatter.for_type(Tensor, tensor_html)
        # real torch tensors too, once the user imports torch (IPython resolves the
        # name when it first meets one: gradnb never imports torch)
        self._previous_torch_html = formatter.deferred_printers.get(_TORCH_TENSOR)
        formatter.for_type_by_name(*_TORCH_TENSOR, tensor_html)
        hook_shell(self.shell)
        self.shell.events.register("pre_run_cell", self._before_cell)
        self._torch_watch = when_torch_imported(self._before_cell)

    def uninstall(self):
        """Remove what :meth:`install` added, restoring any earlier HTML display."""
        formatter = self.shell.display_formatter.formatters["text/html"]
        formatter.pop(Tensor, None)
        if self._previous_html not in (_MISSING, None, tensor_html):
            formatter.for_type(Tensor, self._previous_html)
        _drop_torch_printer(formatter, getattr(self, "_previous_torch_html", None))
        unhook_shell(self.shell)
        while self._before_cell in self.shell.events.callbacks.get("pre_run_cell", []):
            self.shell.events.unregister("pre_run_cell", self._before_cell)
        watch = getattr(self, "_torch_watch", None)
        if watch is not None:
            watch.remove()
        recorder = torch_recorder()
        if recorder is not None:
            recorder.stop()

    def html_installed(self):
        formatter = self.shell.display_formatter.formatters["text/html"]
        return formatter.type_printers.get(Tensor) is tensor_html
