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

:class:`PredictReplayWidget` is the predicted backward pass (``%grad_backward loss
--predict``, ``gradnb.animate_backward(loss, predict=True)``): the animation stops before
each node runs and asks which one runs next (click it), and before each accumulation
asks what the leaf's ``.grad`` becomes (type it); Python judges each reply
(:func:`gradnb.viz.predict.answer_step`) and the step is played.

Use them in a teaching notebook::

    %load_ext gradnb
    x = torch.ones(2); w = torch.ones(2, requires_grad=True)
    total = (w * x).sum()
    %grad_graph total --predict        # or: gradnb.graph(total, predict=True)
    %grad_backward total --predict     # or: gradnb.animate_backward(total, predict=True)
"""

import traitlets

from . import assets
from .animation import AnimationWidget
from .base import ViewWidget

__all__ = ["PredictWidget", "PredictReplayWidget"]


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


class PredictReplayWidget(AnimationWidget):
    """A backward replay that asks before each step (see the module docstring).

    Traits: ``quiz`` (from :func:`gradnb.viz.predict.backward_quiz`), ``replies``
    (step -> answer, written by the browser), ``verdicts`` (step -> ``{right, text}``,
    written by Python) and ``score`` (``"2 of 3 right"``). Starts at the first step.
    """

    _esm = assets.esm("animation", extra="quiz")
    quiz = traitlets.Dict().tag(sync=True)
    replies = traitlets.Dict().tag(sync=True)
    verdicts = traitlets.Dict().tag(sync=True)
    score = traitlets.Unicode("").tag(sync=True)

    def __init__(self, replay, **kwargs):
        from ..viz.predict import backward_quiz
        super().__init__(replay, quiz=backward_quiz(replay.data), step=0, **kwargs)

    @traitlets.observe("replies")
    def _on_replies(self, change):
        from ..viz.predict import answer_step
        verdicts = dict(self.verdicts)
        for step, answer in change["new"].items():
            if step not in verdicts and step in self.quiz["questions"]:
                verdicts[step] = answer_step(self.replay.data, int(step), answer)
        right = sum(v["right"] for v in verdicts.values())
        self.verdicts = verdicts
        self.score = f"{right} of {len(verdicts)} right"

    def answer(self, step, answer):
        """Reply to the question before ``step`` from Python (as the browser does)."""
        self.replies = dict(self.replies, **{str(step): answer})
        return self.verdicts.get(str(step))

    def fallback_text(self):
        # the steps are the answers: listed only once every question was answered
        questions = self.quiz["questions"]
        if len(self.verdicts) < len(questions):
            return (f"{self.quiz['texts']['instructions']}\n"
                    f"{len(questions)} questions, {len(self.verdicts)} answered"
                    + (f" ({self.score})" if self.verdicts else ""))
        return f"{super().fallback_text()}\npredictions: {self.score}"
