"""The anywidget base class of gradnb's views, with static fallbacks.

Every view's mimebundle carries, next to the widget itself, an ``image/svg+xml`` picture
(GitHub, nbviewer and kernels without a widget front end show it) and a deterministic
``text/plain`` (no addresses, no model ids), which nbval compares. Traits hold JSON only
(no binary buffers), so a saved notebook keeps the widgets' state.
"""

import anywidget
import traitlets

from . import assets
from .live import LIVE

__all__ = ["ViewWidget"]


class ViewWidget(anywidget.AnyWidget):
    """Base of the gradnb widgets: shared CSS, a title, and the fallbacks.

    Subclasses set ``_esm = assets.esm(name)`` and implement :meth:`fallback_svg` and
    :meth:`fallback_text` from the plain object that does their work.
    """

    _css = assets.css()
    title = traitlets.Unicode("").tag(sync=True)

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
        data["text/plain"] = self.fallback_text()
        data["image/svg+xml"] = self.fallback_svg()
        return data, metadata

    def __repr__(self):
        # anywidget's repr is object.__repr__ (an address): nbval and terminals get text
        return self.fallback_text()
