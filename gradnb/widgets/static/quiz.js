// gradnb predicted backward pass: placed before animation.js, which calls makeQuiz(player).
//
// Before each step that has a question (trait `quiz`, built by gradnb.viz.predict), the
// player stops and asks: which node runs next (click it) or what a leaf's .grad becomes
// (type it). The answer goes to Python (trait `replies`), which judges it (trait
// `verdicts`, with the text to show); then the step is played.

function makeQuiz(player) {
  const model = player.model;
  const quiz = model.get("quiz");
  if (!quiz || !quiz.questions || !Object.keys(quiz.questions).length) return null;
  return new Quiz(player, model, quiz);
}

class Quiz {
  constructor(player, model, quiz) {
    this.player = player;
    this.model = model;
    this.questions = quiz.questions;
    this.texts = quiz.texts || {};
    this.pending = null;
    this.box = htmlEl("div", "gradnb-quiz");
    this.box.appendChild(htmlEl("div", "gradnb-instructions", this.texts.instructions || ""));
    this.prompt = htmlEl("div", "gradnb-quiz-prompt");
    this.form = htmlEl("div", "gradnb-toolbar");
    this.input = document.createElement("input");
    this.input.type = "text";
    this.input.placeholder = this.texts.grad_placeholder || "";
    this.input.className = "gradnb-quiz-input";
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") this.reply(this.input.value);
    });
    this.answerButton = button(this.texts.answer, this.texts.answer,
      () => this.reply(this.input.value));
    this.form.append(this.input, this.answerButton);
    this.verdict = htmlEl("div", "gradnb-quiz-verdict");
    this.score = htmlEl("div", "gradnb-score");
    this.box.append(this.prompt, this.form, this.verdict, this.score);
    player.parts.canvas.addEventListener("click", (ev) => this.clicked(ev));
    const stops = [onChanges(model, ["verdicts"], () => this.judged()),
      onChanges(model, ["score"], () => this.show())];
    this.stop = () => stops.forEach((stop) => stop());
    this.show();
  }

  verdicts() {
    return this.model.get("verdicts") || {};
  }

  /** The furthest step the player may show going from `current` to `target`. */
  gate(current, target) {
    const answered = this.verdicts();
    for (let s = current + 1; s <= target; s++) {
      if (this.questions[String(s)] && !answered[String(s)]) {
        this.ask(s);
        return s - 1;
      }
    }
    return target;
  }

  ask(step) {
    this.pending = step;
    this.show();
  }

  show() {
    const q = this.pending === null ? null : this.questions[String(this.pending)];
    this.box.dataset.pending = q ? String(this.pending) : "";
    this.box.dataset.kind = q ? q.kind : "";
    this.prompt.textContent = q ? q.prompt : "";
    this.form.style.display = q && q.kind === "grad" ? "" : "none";
    if (q && q.kind === "grad") this.input.value = "";
    const summary = this.model.get("score");
    this.score.textContent = summary || "";
  }

  clicked(ev) {
    if (this.pending === null || this.questions[String(this.pending)].kind !== "node") return;
    const g = ev.target.closest ? ev.target.closest(".gradnb-node") : null;
    if (g) this.reply(g.getAttribute("data-id"));
  }

  reply(answer) {
    if (this.pending === null) return;
    const replies = { ...(this.model.get("replies") || {}) };
    replies[String(this.pending)] = answer;
    this.model.set("replies", replies);
    this.model.save_changes();
  }

  judged() {
    const step = this.pending;
    if (step === null) return;
    const verdict = this.verdicts()[String(step)];
    if (!verdict) return;
    this.pending = null;
    this.verdict.textContent = verdict.text;
    this.verdict.className = `gradnb-quiz-verdict ${verdict.right ? "gradnb-right" : "gradnb-wrong"}`;
    this.player.userGoTo(step);
    this.show();
  }

  dispose() {
    this.stop();
  }
}
