"""Predict, then reveal: the graph exercise widget (``gradnb.graph(t, predict=True)``,
``%grad_graph t --predict``).

The learner sees the graph with what autograd decided hidden (:mod:`gradnb.viz.predict`),
clicks each tensor and op to mark it tracked or skipped, may type the ``.grad`` they
expect for the inputs, and presses Check. The browser (``static/predict.js``) writes the
answers into the ``answers`` trait and sets ``checked``; Python scores them
(:meth:`gradnb.viz.predict.Prediction.check`) into ``result``, which the browser shows:
the real graph, the wrong answers highlighted, the count of right answers and the reason
for each wrong one. Answers and result are widget state, so a saved notebook reopens
with them; the static fallbacks (SVG, text) show the current state too.

Use it in a teaching notebook::

    %load_ext gradnb
    x = torch.ones(2); w = torch.ones(2, requires_grad=True)
    total = (w * x).sum()
    %grad_graph total --predict        # or: gradnb.graph(total, predict=True)
"""

import traitlets

from . import assets
from .base import ViewWidget

__all__ = ["PredictWidget"]


class PredictWidget(ViewWidget):
    """The graph exercise over a :class:`gradnb.viz.predict.Prediction`.

    Calling :meth:`check` from Python does what the Check button does.
    """

    _esm = assets.esm("predict")
    puzzle = traitlets.Dict().tag(sync=True)
    answers = traitlets.Dict().tag(sync=True)
    checked = traitlets.Bool(False).tag(sync=True)
    result = traitlets.Dict().tag(sync=True)

    def __init__(self, prediction, **kwargs):
        self.prediction = prediction
        super().__init__(puzzle=prediction.puzzle, **kwargs)

    @traitlets.observe("checked")
    def _on_checked(self, change):
        self.result = self.prediction.check(self.answers) if change["new"] else {}

    def check(self, answers=None):
        """Score ``answers`` (default: the ones given in the browser); returns the
        result dict (see :func:`gradnb.viz.predict.score`)."""
        if answers is not None:
            self.answers = dict(answers)
        self.checked = False
        self.checked = True
        return self.result

    def fallback_svg(self):
        from ..viz.predict import puzzle_svg
        from ..viz.svg import render_graph
        if self.result:
            return render_graph(self.result["graph"], highlight=self.result["wrong"])
        return puzzle_svg(self.puzzle)

    def fallback_text(self):
        texts = self.puzzle["texts"]
        if not self.result:
            lines = [texts["instructions"]]
            lines += [f"  {q['label']}: {self.answers.get(q['id']) or '?'}"
                      for q in self.puzzle["questions"]]
            return "\n".join(lines)
        lines = [f"Checked: {self.result['summary']}"]
        for item in self.result["items"]:
            mark = texts["right"] if item["right"] else texts["wrong"]
            line = f"  {item['label']}: {item['answer']} ({mark})"
            lines.append(line + (f" - {item['why']}" if item["why"] else ""))
        return "\n".join(lines)
