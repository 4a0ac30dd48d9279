"""IPython glue: what ``%load_ext gradnb`` installs in a shell, kept out of the widgets.

* :mod:`~gradnb.ipython.session`: :class:`NotebookSession`, what the magics do (parse
  what the user typed, call the widgets' Python API, display the result).
* :mod:`~gradnb.ipython.hooks`: the per-cell hooks that refresh the live views.
* :mod:`~gradnb.ipython.errors`: autograd errors that explain themselves (the "why"
  panel under a trimmed traceback).

Nothing is imported here, so the widgets can use :mod:`~gradnb.ipython.hooks` without
importing the session (which imports the widgets).
"""
