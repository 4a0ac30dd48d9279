"""PyTorch-identical tensor printing.

This module turns a tensor's numpy array into exactly the text PyTorch 2.13 prints
for ``repr(t)`` / ``str(t)``, and holds the print options that PyTorch exposes as
``torch.set_printoptions``.  It knows nothing about ``Tensor`` objects: the core
passes the array, the dtype's PyTorch spelling and the autograd facts to show.

How a tensor prints (see ``shared/reference/torch-2.13-repr.md``):

1. When there are more than ``threshold`` elements, every dimension longer than
   ``2 * edgeitems`` keeps only its first and last ``edgeitems`` entries.  Only those
   kept entries are ever formatted, so printing a huge tensor stays cheap.
2. One format is chosen for the whole tensor from the kept values (integer-valued
   floats, fixed point or scientific), and every element is right-justified to one
   common width.
3. The nested brackets are laid out row by row, wrapping 1-D rows at ``linewidth``.
4. ``dtype=``, ``grad_fn=`` / ``requires_grad=`` suffixes are appended, each moving to
   a new line when it would make the last line too long.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator

import numpy as np

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions"]

_PREFIX = "tensor("
# Dtypes PyTorch leaves implicit in a non-empty tensor's repr: the default float
# dtype, int64 (what integer literals become) and bool.
_IMPLICIT_DTYPES = frozenset({"torch.float32", "torch.int64", "torch.bool"})
_DEFAULT_FLOAT = "torch.float32"


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """Set the options that every later tensor repr uses (``torch.set_printoptions``).

    Parameters
    ----------
    precision : int, optional
        Digits after the decimal point for floats (default 4).
    threshold : int or float, optional
        Element count above which a tensor is summarised with ``...`` (default 1000).
    edgeitems : int, optional
        Entries kept at each end of a summarised dimension (default 3).
    linewidth : int, optional
        Characters per line used to wrap rows and suffixes (default 80).
    profile : {"default", "short", "full"}, optional
        Resets precision, threshold, edgeitems and linewidth first; the other
        arguments then override it.  Unknown names are ignored, as in PyTorch.
    sci_mode : bool, optional
        Force (True) or forbid (False) scientific notation; None chooses automatically.
        As in PyTorch, *every* call sets it, so omitting it restores automatic mode.
    """
    for name, value in _PROFILES.get(profile, {}).items():
        setattr(_OPTS, name, value)
    for name, value in (("precision", precision), ("threshold", threshold),
                        ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            setattr(_OPTS, name, value)
    _OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Return the current print options as a dict usable as ``set_printoptions(**d)``.

    Returns
    -------
    dict
        Keys ``precision``, ``threshold``, ``edgeitems``, ``linewidth``, ``sci_mode``,
        as ``torch._tensor_str.get_printoptions()`` returns them.
    """
    return dataclasses.asdict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs) -> Iterator[None]:
    """Temporarily change the print options (``torch._tensor_str.printoptions``).

    Parameters
    ----------
    **kwargs
        Same arguments as :func:`set_printoptions`; restored on exit.
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


def tensor_repr(data: np.ndarray, dtype_name: str, *, grad_fn_name: str | None = None,
                requires_grad: bool = False, is_parameter: bool = False) -> str:
    """Return the text PyTorch prints for a tensor.

    Parameters
    ----------
    data : numpy.ndarray
        The tensor's values (any shape, including 0-d and empty; any strides).
    dtype_name : str
        PyTorch's spelling of the dtype, e.g. ``"torch.float64"``.
    grad_fn_name : str, optional
        Class name of the tensor's ``grad_fn`` (``"AddBackward0"``); shown instead of
        ``requires_grad=True`` when given.
    requires_grad : bool
        Whether to show ``requires_grad=True`` (only when there is no grad_fn).
    is_parameter : bool
        Prefix ``Parameter containing:`` as ``torch.nn.Parameter`` does.

    Returns
    -------
    str
        Exactly ``repr(t)`` of the equivalent PyTorch tensor.
    """
    opts = _OPTS
    data = np.asarray(data)
    suffixes = []
    if data.size == 0:
        # NumPy-style: the shape can't be seen from "[]" unless it is (0,), and the
        # dtype can't be guessed from the values, so only float32 stays implicit.
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name != _DEFAULT_FLOAT:
            suffixes.append(f"dtype={dtype_name}")
        body = "[]"
    else:
        if not opts.edgeitems:
            # With no edge items the data block is just "[...]", so the shape is shown.
            suffixes.append(f"size={tuple(data.shape)}")
        if dtype_name not in _IMPLICIT_DTYPES:
            suffixes.append(f"dtype={dtype_name}")
        body = _data_block(data, len(_PREFIX), opts)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = _add_suffixes(_PREFIX + body, suffixes, len(_PREFIX), opts.linewidth)
    return "Parameter containing:\n" + text if is_parameter else text


def _data_block(data: np.ndarray, indent: int, opts: _PrintOptions) -> str:
    """Bracketed text of a non-empty array's values, first line starting at `indent`."""
    summarize = data.size > opts.threshold
    edge = opts.edgeitems
    if summarize and edge == 0 and data.ndim > 0:
        return "[...]"
    # cut[d] is True when dimension d loses its middle to a "..." entry.
    cut = tuple(summarize and n > 2 * edge for n in data.shape)
    kept = data
    for axis, is_cut in enumerate(cut):
        if is_cut:
            n = data.shape[axis]
            kept = np.take(kept, np.r_[0:edge, n - edge:n], axis=axis)
    strs, width = _format_values(kept, opts)
    if kept.ndim == 0:
        return strs[0]
    cells = np.array(strs, dtype=object).reshape(kept.shape)
    layout = _Layout(edge, width + 2, opts.linewidth)
    return layout.nested(cells, cut, indent)


def _format_values(kept: np.ndarray, opts: _PrintOptions) -> tuple[list[str], int]:
    """Format every kept value (C order), right-justified to one common width.

    Returns the strings and that width.
    """
    if kept.dtype.kind != "f":
        # Integers and bools print as Python does; the widest one sets the width.
        strs = [str(v) for v in kept.ravel().tolist()]
        width = max(map(len, strs), default=1)
        return [s.rjust(width) for s in strs], width
    flat = kept.ravel()
    mask = np.isfinite(flat) & (flat != 0)
    # Python floats (float64) format exactly as PyTorch's .item() values do.
    values = flat.astype(np.float64).tolist()
    fmt = _float_format(flat[mask], opts)
    strs = [fmt(v) for v in values]
    # Only finite non-zero values set the width: a lone nan, inf or -0. may stick out.
    width = max((len(s) for s, ok in zip(strs, mask.tolist()) if ok), default=1)
    return [s.rjust(width) for s in strs], width


def _float_format(nonzero_finite: np.ndarray, opts: _PrintOptions):
    """Pick how one float prints, judging by the tensor's finite non-zero values."""
    precision = opts.precision
    if nonzero_finite.size == 0:
        int_mode, sci_mode = True, False
    else:
        magnitudes = np.abs(nonzero_finite.astype(np.float64))
        lo, hi = magnitudes.min(), magnitudes.max()
        int_mode = bool(np.all(np.ceil(nonzero_finite) == nonzero_finite))
        if opts.sci_mode is None:
            # A wide dynamic range, or very large or very small values, would print as
            # long runs of zeros in fixed point.
            with np.errstate(over="ignore"):
                sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4)
        else:
            sci_mode = opts.sci_mode
    if sci_mode:
        return lambda v: f"{v:.{precision}e}"
    if int_mode:
        # The trailing "." marks a whole number as a float; nan/inf need no mark.
        return lambda v: f"{v:.0f}." if math.isfinite(v) else f"{v:.0f}"
    return lambda v: f"{v:.{precision}f}"


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Where the brackets, commas and line breaks go for one tensor."""

    edge: int          # entries kept at each end of a cut dimension
    element_width: int  # one number plus its ", " (the "..." entry counts the same)
    linewidth: int

    def nested(self, cells: np.ndarray, cut: tuple[bool, ...], indent: int) -> str:
        """Lay out formatted cells as nested brackets, `indent` columns in."""
        if cells.ndim == 1:
            return self.row(list(cells), cut[0], indent)
        blocks = [self.nested(sub, cut[1:], indent + 1) for sub in cells]
        if cut[0]:
            blocks[self.edge:self.edge] = ["..."]
        # Deeper tensors get more blank lines between their blocks (one per extra dim).
        separator = "," + "\n" * (cells.ndim - 1) + " " * (indent + 1)
        return "[" + separator.join(blocks) + "]"

    def row(self, items: list[str], is_cut: bool, indent: int) -> str:
        """Lay out a 1-D run of cells, wrapping it to fit the line width."""
        if is_cut:
            # The leading space aligns "..." with the right-justified numbers around it.
            items[self.edge:self.edge] = [" ..."]
        per_line = max(1, math.floor((self.linewidth - indent) / self.element_width))
        lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    """Append ``, suffix`` items and the closing paren, wrapping long lines."""
    parts = [text]
    # PyTorch's bookkeeping, kept as is: this starts 2 over the real last-line length
    # but not after a wrap, which decides exactly when later suffixes wrap.
    line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)
