"""The backward animation: one recorded backward pass, replayed step by step.

:class:`Replay` holds a pass of a :mod:`gradnb.viz` trace (JSON) and renders its static
fallbacks; :class:`AnimationWidget` ships that JSON to the browser, where
``static/animation.js`` plays it with no kernel round-trip per frame. Only the step the
reader stops at comes back (the ``step`` trait), so a saved notebook reopens there.
"""

import traitlets

from . import assets
from .base import ViewWidget
from ..viz.schema import SCHEMA_VERSION

__all__ = ["Replay", "AnimationWidget", "LAST_STEP"]

LAST_STEP = -1  # the `step` trait's value for "the end of the pass"


class Replay:
    """One pass of a recorded backward trace.

    Parameters
    ----------
    trace : gradnb.viz.BackwardTrace
        The recording, from :func:`gradnb.viz.record_backward` or :func:`gradnb.viz.trace`
        (this pass's JSON goes to the browser; ``to_svg`` draws the static picture).
    pass_index : int
        Which of its passes this replay shows.
    """

    def __init__(self, trace, pass_index=0):
        self.trace = trace
        self.pass_index = pass_index
        self.data = trace.passes[pass_index].to_json()

    @property
    def steps(self):
        """The pass's steps (schema.Step dicts)."""
        return self.data["steps"]

    @property
    def error(self):
        """PyTorch's error message if backward failed, else None."""
        return self.data.get("error")

    def clamp(self, step):
        """A valid step index for ``step`` (:data:`LAST_STEP` means the last one)."""
        n = len(self.steps)
        if n == 0:
            return None
        if step is None or step < 0:
            return n - 1
        return min(step, n - 1)

    def svg(self, step=LAST_STEP):
        """Static picture of the pass after ``step``."""
        return self.trace.to_svg(pass_index=self.pass_index, step=self.clamp(step))

    def text(self):
        """Deterministic text: the pass's steps, one line each, and its error if any."""
        from ..viz.text import trace_text
        return trace_text({"schema": SCHEMA_VERSION, "passes": [self.data]})


class AnimationWidget(ViewWidget):
    """Widget replaying a :class:`Replay` in the browser.

    Traits: ``trace`` (the schema.Pass), ``step`` (shown step; :data:`LAST_STEP` = the
    end), ``speed`` (multiplier of the base rate of 2 steps per second).
    """

    _esm = assets.esm("animation")
    trace = traitlets.Dict().tag(sync=True)
    step = traitlets.Int(LAST_STEP).tag(sync=True)
    speed = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, replay, **kwargs):
        self.replay = replay
        super().__init__(trace=replay.data, **kwargs)

    def fallback_svg(self):
        return self.replay.svg(self.step)

    def fallback_text(self):
        return self.replay.text()
