// gradnb predict mode: the graph with what autograd decided hidden; the learner marks
// each tensor and op tracked or skipped (click cycles ? -> tracked -> skipped), may type
// the .grad they expect for the inputs, and presses Check. Python scores the answers
// (trait `result`); this file only places the strings Python sent (puzzle.texts).

const MARKS = ["", "tracked", "skipped"];

function drawPuzzle(root, model, texts, puzzle, answers) {
  const parts = graphCanvas(root, puzzle.graph);
  for (const q of puzzle.questions) {
    if (q.kind !== "tracked") continue;
    const drawn = parts.drawing.nodes.get(q.node);
    if (!drawn) continue;
    drawn.title.textContent = drawn.data.hover || drawn.data.label;
    const texts_ = drawn.g.querySelectorAll("text.gradnb-line, text.gradnb-label");
    const markLine = texts_[texts_.length - 1];
    const show = () => {
      const a = answers[q.id] || "";
      drawn.g.dataset.answer = a;
      drawn.g.classList.toggle("gradnb-mark-tracked", a === "tracked");
      drawn.g.classList.toggle("gradnb-mark-skipped", a === "skipped");
      markLine.textContent = a ? texts[a] : texts.unmarked;
    };
    drawn.g.classList.add("gradnb-clickable");
    drawn.g.addEventListener("click", () => {
      const next = MARKS[(MARKS.indexOf(answers[q.id] || "") + 1) % MARKS.length];
      if (next) answers[q.id] = next; else delete answers[q.id];
      show();
      model.set("answers", { ...answers });
      model.save_changes();
    });
    show();
  }
  return parts;
}

function gradInputs(model, puzzle, answers, texts, disabled) {
  const box = htmlEl("div", "gradnb-grad-answers");
  for (const q of puzzle.questions) {
    if (q.kind !== "grad") continue;
    const row = htmlEl("label", "gradnb-grad-answer");
    row.appendChild(htmlEl("span", "gradnb-mono", `${q.label} = `));
    const input = document.createElement("input");
    input.type = "text";
    input.placeholder = texts.grad_placeholder;
    input.value = answers[q.id] || "";
    input.disabled = disabled;
    input.dataset.question = q.id;
    input.addEventListener("change", () => {
      answers[q.id] = input.value;
      model.set("answers", { ...answers });
      model.save_changes();
    });
    row.appendChild(input);
    box.appendChild(row);
  }
  return box;
}

function drawResult(root, result) {
  const parts = graphCanvas(root, result.graph);
  for (const id of result.wrong || []) {
    const node = parts.drawing.nodes.get(id);
    if (node) node.g.classList.add("gradnb-active");
  }
  return parts;
}

function render({ model, el }) {
  const root = htmlEl("div", "gradnb-widget gradnb-predict");
  el.appendChild(root);
  let parts = null;
  const draw = () => {
    if (parts) parts.dispose();
    root.replaceChildren();
    const puzzle = model.get("puzzle") || { questions: [], texts: {} };
    const texts = puzzle.texts || {};
    const result = model.get("result") || {};
    const answers = { ...(model.get("answers") || {}) };
    const checked = Boolean(result.items);
    const title = model.get("title");
    if (title) root.appendChild(htmlEl("div", "gradnb-title", title));
    root.appendChild(htmlEl("p", "gradnb-instructions", texts.instructions || ""));
    const toolbar = htmlEl("div", "gradnb-toolbar");
    const check = button(texts.check, texts.check, () => {
      for (const input of root.querySelectorAll("input[data-question]")) {
        answers[input.dataset.question] = input.value;
      }
      model.set("answers", { ...answers });
      model.set("checked", true);
      model.save_changes();
    });
    check.classList.add("gradnb-check");
    check.disabled = checked;
    const again = button(texts.again, texts.again, () => {
      model.set("checked", false);
      model.save_changes();
    });
    again.classList.add("gradnb-again");
    again.disabled = !checked;
    const score = htmlEl("span", "gradnb-score", checked ? result.summary : "");
    toolbar.append(check, again, score);
    parts = checked ? drawResult(root, result) : drawPuzzle(root, model, texts, puzzle, answers);
    for (const b of zoomButtons(parts.panZoom)) toolbar.appendChild(b);
    root.appendChild(toolbar);
    root.appendChild(parts.canvas);
    root.appendChild(gradInputs(model, puzzle, answers, texts, checked));
    if (checked) {
      const list = htmlEl("ul", "gradnb-results");
      for (const item of result.items) {
        const li = htmlEl("li", item.right ? "gradnb-right" : "gradnb-wrong",
          `${item.right ? "✓" : "✗"} ${item.label}: ${item.answer}` +
          (item.right ? "" : ` — ${item.why}`));
        li.dataset.question = item.id;
        list.appendChild(li);
      }
      root.appendChild(list);
      root.appendChild(drawLegend(result.graph));
    } else {
      root.appendChild(drawLegend(puzzle.graph));
    }
    root.dataset.checked = String(checked);
    root.dataset.ready = "true";
  };
  draw();
  const stop = onChanges(model, ["puzzle", "result", "title"], draw);
  return () => {
    stop();
    if (parts) parts.dispose();
  };
}

export default { render };
