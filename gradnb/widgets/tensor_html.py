"""The HTML display of a tensor after ``%load_ext gradnb``: PyTorch's repr plus badges.

The badges say what autograd knows about the tensor (``requires_grad``, ``is_leaf``,
``grad_fn``, ``grad``). Only ``text/html`` is added: ``text/plain`` stays exactly PyTorch's
repr, so printed output, doctests and nbval comparisons do not change.
"""

import html

from ..viz import _values
from .inspector import tensor_row

__all__ = ["tensor_html", "BADGES"]

# Badge colours: Okabe-Ito (colour-blind safe); each badge also spells out its value.
_ON = "background:#0072b2;color:#fff"
_OFF = "background:#e8e8e8;color:#333"
_STYLE = ("display:inline-block;margin:2px 4px 0 0;padding:0 6px;border-radius:8px;"
          "font:11px var(--jp-code-font-family,monospace)")
BADGES = ("requires_grad", "is_leaf", "grad_fn", "grad")


def _badge(key, value):
    on = value not in ("False", "None")
    return (f'<span class="gradnb-badge" style="{_STYLE};{_ON if on else _OFF}" '
            f'title="{key}">{html.escape(f"{key}={value}")}</span>')


def tensor_html(t):
    """HTML for tensor ``t``: its escaped PyTorch repr and one badge per autograd fact.

    Parameters
    ----------
    t : gradnb.Tensor

    Returns
    -------
    str
    """
    with _values.summary_printoptions():
        row = tensor_row("", t)
    badges = "".join(_badge(key, row[key]) for key in BADGES)
    return (f'<div class="gradnb-tensor-html"><pre style="margin:0">{html.escape(repr(t))}'
            f'</pre><div>{badges}</div></div>')
