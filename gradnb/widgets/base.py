"""The anywidget base class of gradnb's views, with static fallbacks.

Every view's mimebundle carries, next to the widget itself, an ``image/svg+xml`` picture
(GitHub, nbviewer, ``jupyter nbconvert`` and kernels without a widget front end show it),
a ``text/plain`` of one short line (what a front end that can show neither, such as
JupyterLab for an untrusted notebook, prints instead of a 40-line dump), and the long
deterministic text (no addresses, no model ids) under :data:`DESCRIPTION_MIME`, which
nbval compares like every other output and which ``repr()`` gives in a terminal. Traits
hold JSON only (no binary buffers), so a notebook saved with its widget state keeps the
views, and the static picture is there for everything else.
"""

import anywidget
import traitlets

from . import assets
from .live import LIVE

__all__ = ["ViewWidget", "DESCRIPTION_MIME"]

# the long text of a view in a saved notebook: front ends ignore an unknown type, nbval
# compares it
DESCRIPTION_MIME = "text/x.gradnb-description"
_SHORT_HINT = "(a picture: run the cell, or open the notebook trusted, to see it)"


class ViewWidget(anywidget.AnyWidget):
    """Base of the gradnb widgets: shared CSS, a title, and the fallbacks.

    Subclasses set ``_esm = assets.esm(name)`` and implement :meth:`fallback_svg` and
    :meth:`fallback_text` from the plain object that does their work.
    """

    _css = assets.css()
    title = traitlets.Unicode("").tag(sync=True)
    # Then and now: a live view shows the state as of its own cell; once a later cell
    # changed what it shows, `changed_after` names that cell (-1: a change outside any
    # numbered cell) and the browser offers "show now" and back. `show_now`: always
    # follow the latest state instead (the magics' --live).
    changed_after = traitlets.Int(0).tag(sync=True)
    # what the bar says, built here (the browser places it): {"then": ..., "now": ...}
    changed_text = traitlets.Dict({}).tag(sync=True)
    # text/plain is one line (the long text is a dump where a picture was); a view whose
    # text is its message (the why panel of an error) keeps it whole
    short_plain = True
    show_now = traitlets.Bool(False).tag(sync=True)

    def note_change(self, same_as_then):
        """Record that the view's current state changed after a later cell (or that it is
        back to what its own cell showed)."""
        with self.hold_sync():      # the cell and its text reach the browser together
            if same_as_then:
                self.changed_after = 0
            elif not self.changed_after:
                self.changed_after = LIVE.cell if LIVE.cell is not None else -1

    @traitlets.observe("changed_after")
    def _changed_text(self, change):
        cell = change["new"]
        after = f"after cell {cell}" if cell > 0 else "since"
        self.changed_text = {} if not cell else {
            "then": f"Changed {after}: this is the state when this cell ran.",
            "now": f"Showing now (changed {after})."}

    def fallback_svg(self):
        """The static picture of the widget's current state (SVG markup)."""
        raise NotImplementedError

    def fallback_text(self):
        """A deterministic text rendering of the widget's current state."""
        raise NotImplementedError

    def close(self):
        """Close the widget; a closed view is no longer refreshed."""
        LIVE.discard(self)
        super().close()

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        data = dict(data)
        text = self.fallback_text()
        data["text/plain"] = short_text(text) if self.short_plain else text
        data[DESCRIPTION_MIME] = text
        data["image/svg+xml"] = self.fallback_svg()
        return data, metadata

    def __repr__(self):
        # anywidget's repr is object.__repr__ (an address): nbval and terminals get text
        return self.fallback_text()


def short_text(text):
    """The one line a view's ``text/plain`` says: the first line of its long text and
    where the picture is."""
    first = text.split("\n", 1)[0]
    return f"{first} {_SHORT_HINT}"
