"""The "why" panel shown under a cell that raised one of autograd's errors.

:class:`ExplainWidget` carries a :class:`gradnb.viz.explain.Explanation` as JSON
(``static/explain.js`` draws the sentences, the graph with the culprit highlighted and
the fixes). Its static fallbacks are the highlighted graph as SVG and the explanation as
text, so the panel also survives on GitHub, nbviewer and in nbval's comparison.
:mod:`gradnb.ipython.errors` displays it; nothing here touches IPython.
"""

import traitlets

from . import assets
from .base import ViewWidget

__all__ = ["ExplainWidget"]


class ExplainWidget(ViewWidget):
    """Widget showing an :class:`~gradnb.viz.explain.Explanation`."""

    short_plain = False     # the panel's text is the explanation itself: keep it whole

    _esm = assets.esm("explain")
    panel = traitlets.Dict().tag(sync=True)

    def __init__(self, explanation, **kwargs):
        self.explanation = explanation
        super().__init__(panel=explanation.to_json(), **kwargs)

    def fallback_svg(self):
        return self.explanation.to_svg()

    def fallback_text(self):
        return self.explanation.to_text()

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        if not data["image/svg+xml"]:
            del data["image/svg+xml"]
        return data, metadata
