"""``%load_ext gradnb``: the IPython magics and the tensor HTML display.

The :class:`GradMagics` methods only parse their arguments (``magic_arguments``, which
also builds the ``%grad_graph?`` help) and hand over to
:class:`gradnb.ipython.session.NotebookSession`, which does the work.

``%reload_ext gradnb`` and ``%unload_ext gradnb`` leave no trace behind: loading twice
first removes what the earlier load added, so there is never a second ``post_run_cell``
callback or HTML formatter.
"""

import re

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring

from .ipython import errors as ipython_errors
from .ipython.session import NotebookSession
from .viz.model import DEFAULT_MAX_NODES

__all__ = ["GradMagics", "load_ipython_extension", "unload_ipython_extension"]


@magics_class
class GradMagics(Magics):
    """gradnb's magics; each parses its line and calls the session."""

    def __init__(self, shell, session):
        super().__init__(shell)
        self.session = session

    @magic_arguments()
    @argument("names", nargs="*", help="variable names or paths (model.fc.weight, "
              "deep.0.weight, v.grad, params[0]) of the tensors to show, defined now or "
              "later (pending until then); none: every tensor")
    @argument("--all", action="store_true", dest="everything",
              help="every tensor bound to a public name, including ones defined later")
    @argument("--static", action="store_true",
              help="never update (the table as of this cell)")
    @argument("--live", action="store_true",
              help="always show the latest state (default: this cell's state, with a "
              "'show now' button once a later cell changed it)")
    @line_magic
    def grad_watch(self, line):
        """Live table of tensors: name, shape, dtype, requires_grad, is_leaf, grad_fn, grad.

        The table refreshes after every cell and when a shown tensor's flags change in
        place (requires_grad_()). It holds weak references only; a name that holds no
        tensor (yet) keeps its row, marked pending. Python: gradnb.watch("x", "w").
        """
        args = _parse(self.grad_watch, line)
        self.session.show_watch(args.names, args.everything,
                                mode=_mode(args, "grad_watch"))

    @magic_arguments()
    @argument("expr", nargs="+", help="expression giving a tensor (or a tuple of tensors)")
    @argument("--max-nodes", metavar="N", type=int, default=DEFAULT_MAX_NODES, dest="max_nodes",
              help=f"collapse larger graphs (default {DEFAULT_MAX_NODES}; 0: never)")
    @argument("--predict", action="store_true",
              help="an exercise: hide what autograd decided; the learner marks each "
                   "tensor and op tracked or skipped, then presses Check")
    @argument("--static", action="store_true",
              help="never update (the picture as of this cell)")
    @argument("--live", action="store_true",
              help="always show the latest state (default: this cell's state, with a "
              "'show now' button once a later cell changed it)")
    @line_magic
    def grad_graph(self, line):
        """Graph of the computation behind EXPR, with the parts backward prunes.

        Tensors are named after the variables holding them (EXPR itself labels the
        root, as written: v.grad, (w * 3).sum()), and keep those names when a name is
        rebound later (marked: price (rebound)). Pruned parts are greyed and
        dashed, each with its reason, and a summary counts the gradients computed and
        skipped. The picture updates after later cells (gradients appear after
        backward()): it shows this cell's state, and once a later cell changed it,
        says so with a button to see the state now and back. Python: gradnb.graph(t).
        """
        args = _parse(self.grad_graph, line)
        self.session.show_graph(" ".join(args.expr), args.max_nodes, args.predict,
                                mode=_mode(args, "grad_graph"))

    @magic_arguments()
    @argument("expr", nargs="+", help="expression giving the tensor to run backward from")
    @argument("--gradient", metavar="G", default=None,
              help="expression giving the seed gradient (quote it if it has spaces)")
    @argument("--retain-graph", action="store_true", dest="retain_graph",
              help="keep saved values so that backward can run again")
    @argument("--max-nodes", metavar="N", type=int, default=DEFAULT_MAX_NODES, dest="max_nodes",
              help=f"collapse larger graphs (default {DEFAULT_MAX_NODES}; 0: never)")
    @argument("--predict", action="store_true",
              help="an exercise: before each step, ask which node runs next or what "
                   "gradient a leaf receives")
    @line_magic
    def grad_backward(self, line):
        """Run EXPR.backward() while recording it, and show the animated replay.

        Each step highlights the node running, names its backward rule, shows the
        gradient sent along each edge and the += at leaves and fan-out points. If
        backward fails, the replay shows PyTorch's error after the steps that ran.
        Python: gradnb.animate_backward(t).
        """
        args = _parse(self.grad_backward, line)
        self.session.show_backward(" ".join(args.expr), args.gradient, args.retain_graph,
                                   args.max_nodes, args.predict)

    @magic_arguments()
    @cell_magic
    def grad_trace(self, line, cell):
        """Run the cell, recording every backward pass in it; show one replay per pass.

        Python: with gradnb.trace() as recording: ...
        """
        _parse(self.grad_trace, line)
        self.session.trace_cell(cell)

    @magic_arguments()
    @argument("action", nargs="*", help="'record off' / 'record on': stop or resume noting "
              "what real torch's autograd skips (pruned parts of torch graphs); "
              "'explain off' / 'explain on': the why panel under autograd's errors")
    @line_magic
    def gradnb(self, line):
        """gradnb's version, what is active, and one line of help per magic.

        ``%gradnb record off`` stops the recorder that notes, for real torch tensors,
        the results autograd did not record and why (its cost is a few microseconds per
        torch op); ``%gradnb record on`` resumes it. ``%gradnb explain off`` shows
        autograd's errors as plain IPython does (no why panel, full traceback);
        ``%gradnb explain on`` explains them again.
        """
        args = _parse(self.gradnb, line)
        if args.action:
            if len(args.action) != 2 or args.action[0] not in ("record", "explain") or \
                    args.action[1] not in ("on", "off"):
                raise UsageError(f"%gradnb: unrecognized arguments: {' '.join(args.action)}"
                                 " (expected 'record on|off' or 'explain on|off')")
            on = args.action[1] == "on"
            if args.action[0] == "explain":
                print(ipython_errors.set_enabled(on))
            else:
                print(self.session.set_recording(on))
            return
        print(self.session.status(magics_help()))


def _mode(args, magic):
    """``then-and-now`` (default), ``static`` or ``live``."""
    if args.static and args.live:
        raise UsageError(f"%{magic}: give --static or --live, not both")
    return "static" if args.static else "live" if args.live else "then-and-now"


def _parse(magic, line):
    """``parse_argstring`` whose errors say which magic they come from."""
    try:
        return parse_argstring(magic, line)
    except UsageError as exc:
        raise UsageError(f"%{magic.__name__}: {exc}") from None


# usage line of each magic, in the order %gradnb lists them
_USAGE = {
    "grad_watch": "%grad_watch [names ...] [--all] [--static | --live]",
    "grad_graph": "%grad_graph EXPR [--max-nodes N] [--predict] [--static | --live]",
    "grad_backward": "%grad_backward EXPR [--gradient G] [--retain-graph] [--max-nodes N]",
    "grad_trace": "%%grad_trace",
    "gradnb": "%gradnb",
}


def magics_help():
    """``(usage, first line of the docstring)`` for each magic."""
    return [(usage, _summary(getattr(GradMagics, name)))
            for name, usage in _USAGE.items()]


def _summary(method):
    # magic_arguments puts "::" and the usage block (maybe wrapped over several lines)
    # before the docstring, each as its own paragraph; the summary is the next one
    for paragraph in re.split(r"\n\s*\n", method.__doc__ or ""):
        first = paragraph.strip().split("\n")[0].strip()
        if first and first != "::" and not first.startswith("%"):
            return first
    return ""


def load_ipython_extension(ipython):
    """``%load_ext gradnb``: register the magics, the tensor HTML display and the
    after-each-cell refresh of live views."""
    if _loaded(ipython) is not None:
        unload_ipython_extension(ipython)  # loading twice must not add things twice
    session = NotebookSession(ipython)
    session.install()
    ipython_errors.install(ipython)
    ipython.register_magics(GradMagics(ipython, session))


def unload_ipython_extension(ipython):
    """``%unload_ext gradnb``: remove everything :func:`load_ipython_extension` added."""
    magics = _loaded(ipython)
    if magics is None:
        return
    magics.session.uninstall()
    ipython_errors.uninstall(ipython)
    manager = ipython.magics_manager
    for kind, names in GradMagics.magics.items():
        for name in names:
            manager.magics[kind].pop(name, None)
    manager.registry.pop(GradMagics.__name__, None)


def _loaded(ipython):
    """The registered GradMagics instance, or None."""
    return ipython.magics_manager.registry.get(GradMagics.__name__)
