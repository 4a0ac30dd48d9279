"""The browser side of the widgets: JavaScript and CSS files shipped in ``static/``.

No bundler and no CDN: each widget's ES module is ``static/common.js`` (helpers shared by
all views) followed by the widget's own file, read from the installed package, so the
widgets work offline and on Binder exactly as in a checkout.
"""

from functools import lru_cache
from pathlib import Path

__all__ = ["STATIC", "esm", "css"]

STATIC = Path(__file__).with_name("static")


@lru_cache(maxsize=None)
def esm(name, extra=None):
    """The ES module of one widget.

    Parameters
    ----------
    name : str
        ``"graph"``, ``"animation"`` or ``"inspector"`` (a file ``static/<name>.js``).
    extra : str, optional
        A file of helpers placed before ``<name>.js`` (e.g. ``"quiz"``: the predicted
        backward pass extends the animation).

    Returns
    -------
    str
        ``common.js`` (and ``<extra>.js``) followed by ``<name>.js``; only the latter has
        an ``export``.
    """
    parts = ["common"] + ([extra] if extra else []) + [name]
    return "\n".join((STATIC / f"{part}.js").read_text(encoding="utf-8") for part in parts)


@lru_cache(maxsize=None)
def css():
    """The style sheet shared by every widget: the palette of :mod:`gradnb.viz.style`
    (named once, for the static SVG too) followed by ``static/gradnb.css``."""
    from ..viz.style import css_palette
    return css_palette() + (STATIC / "gradnb.css").read_text(encoding="utf-8")
