// gradnb backward animation: replays one recorded backward pass (schema.Pass) step by
// step over the graph as it was just before the pass.
//
// Everything runs here in the browser: playing, stepping and scrubbing never wait for the
// kernel. The current step goes back to Python (the `step` trait) only when the player
// stops, so a saved notebook reopens where the reader left it, without a message per frame.

const BASE_RATE = 2; // steps per second at speed 1×
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8, 30];
const MAX_STEPS_PER_FRAME = 8; // fast speeds skip drawing intermediate steps, not time
// Glyphs every system font has (media-control symbols often render as empty boxes).
const PLAY_LABEL = "▶ Play";
const PAUSE_LABEL = "❚❚ Pause";

/** The elements a step highlights: as gradnb.viz's static picture, its node, edge and target. */
function stepHighlights(step) {
  return [step.node, step.edge, step.target].filter(Boolean);
}

/** The node a step marks as receiving (`+=` at leaves and fan-out points). */
function stepNoteNode(step) {
  return step.target || step.node || null;
}

/**
 * What the picture shows after some steps: which node and edge are active, which edges
 * carry a gradient, notes under nodes. Going forward applies one step at a time; going
 * back resets to the pass's start and applies steps up to the target again (cheap: each
 * step touches a few elements).
 */
class Stage {
  constructor(drawing, graph) {
    this.drawing = drawing;
    this.labels = new LabelPlacer(graph, drawing);
    this.touched = new Set(); // ids whose look a step changed
    this.active = [];
  }

  /** Back to the picture of the graph before the pass. */
  reset() {
    for (const id of this.touched) this.restore(id);
    this.touched.clear();
    this.active = [];
  }

  restore(id) {
    const node = this.drawing.nodes.get(id);
    if (node) {
      node.g.classList.remove("gradnb-active", "gradnb-done", "gradnb-plus");
      if (node.gradLine) node.gradLine.textContent = nodeLines(node.data).slice(-1)[0];
      node.title.textContent = node.data.hover || node.data.label;
      return;
    }
    const edge = this.drawing.edges.get(id);
    if (edge) {
      edge.g.classList.remove("gradnb-active", "gradnb-flow");
      edge.label.textContent = "";
      edge.title.textContent = edge.data.hover || "";
      this.labels.clear(id);
    }
  }

  /** Mark exactly these elements as the running ones. */
  setActive(ids) {
    for (const el of this.active) el.classList.remove("gradnb-active");
    this.active = [];
    for (const id of ids) {
      const drawn = this.drawing.nodes.get(id) || this.drawing.edges.get(id);
      if (!drawn) continue;
      drawn.g.classList.add("gradnb-active");
      this.active.push(drawn.g);
      this.touched.add(id);
    }
  }

  /** Apply one step on top of the previous ones. */
  apply(step) {
    this.setActive(stepHighlights(step));
    if (step.edge) this.flowOnEdge(step.edge, step.short || "", step.hover);
    if (step.kind === "node" && this.drawing.nodes.has(step.node)) {
      this.drawing.nodes.get(step.node).g.classList.add("gradnb-done");
    }
    const noteId = stepNoteNode(step);
    const node = noteId ? this.drawing.nodes.get(noteId) : null;
    if (!node) return;
    this.touched.add(noteId);
    if (step.kind === "accumulate" || step.kind === "fanout") node.g.classList.add("gradnb-plus");
    // the box says the .grad the tensor has now (full values: caption and hover)
    if (step.box && node.gradLine) {
      node.gradLine.textContent = step.box;
      if (step.hover) node.title.textContent = step.hover;
    }
  }

  flowOnEdge(edgeId, text, hover) {
    const edge = this.drawing.edges.get(edgeId);
    if (!edge) return;
    if (hover) edge.title.textContent = hover;
    edge.g.classList.add("gradnb-flow");
    this.labels.place(edgeId, text);
    this.touched.add(edgeId);
  }

  /** Where the running node is, so the view can follow it in a large graph. */
  activePoint() {
    const g = this.active[0];
    const id = g ? g.getAttribute("data-id") : null;
    const node = id ? this.drawing.nodes.get(id) : null;
    if (!node) return null;
    const b = nodeBox(node.data);
    return [b.x + b.w / 2, b.y + b.h / 2];
  }
}

/** The caption under the controls: what this step does, its rule and its gradients. */
function fillCaption(caption, step) {
  caption.replaceChildren();
  if (!step) {
    caption.appendChild(htmlEl("div", "", "This pass recorded no steps."));
    return;
  }
  caption.appendChild(htmlEl("div", "gradnb-step-text", step.text || step.kind));
  if (step.rule) caption.appendChild(htmlEl("div", "gradnb-rule gradnb-mono", step.rule));
  if (step.values) caption.appendChild(htmlEl("pre", "gradnb-grad", step.values));
  if (step.error) caption.appendChild(htmlEl("pre", "gradnb-error", step.error));
}

class Player {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.playing = false;
    this.current = -1;
    this.build();
  }

  get steps() {
    return (this.model.get("trace") || {}).steps || [];
  }

  build() {
    const pass = this.model.get("trace") || {};
    const graph = pass.graph || { nodes: [], edges: [] };
    this.root.replaceChildren();
    const title = this.model.get("title");
    if (title) this.root.appendChild(htmlEl("div", "gradnb-title", title));
    this.parts = graphCanvas(this.root, graph, false); // arrows step, Shift+arrows pan
    this.stage = new Stage(this.parts.drawing, graph);
    this.root.appendChild(this.toolbar());
    this.caption = htmlEl("div", "gradnb-caption");
    this.caption.setAttribute("aria-live", "polite");
    this.root.appendChild(this.caption);
    // predicted pass (%grad_backward --predict): quiz.js asks before each step
    this.quiz = typeof makeQuiz === "function" ? makeQuiz(this) : null;
    if (this.quiz) this.root.appendChild(this.quiz.box);
    this.root.appendChild(this.parts.canvas);
    if (pass.error) this.root.appendChild(htmlEl("pre", "gradnb-error", pass.error));
    this.root.appendChild(drawLegend(graph));
    this.current = -1;
    this.goTo(this.clampStep(this.model.get("step")));
    this.root.dataset.nodes = String(graph.nodes.length);
    this.root.dataset.steps = String(this.steps.length);
    this.root.dataset.ready = "true";
  }

  /** Play/pause, step, scrubber, speed and zoom controls; all reachable by keyboard. */
  toolbar() {
    const bar = htmlEl("div", "gradnb-toolbar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Backward animation controls");
    const n = this.steps.length;
    this.playButton = button(PLAY_LABEL, "Play (Space)", () => this.toggle());
    this.playButton.classList.add("gradnb-play");
    this.scrubber = htmlEl("input", "gradnb-scrubber");
    Object.assign(this.scrubber, { type: "range", min: 0, max: Math.max(n - 1, 0), step: 1 });
    this.scrubber.setAttribute("aria-label", "Step");
    this.scrubber.addEventListener("input", () => this.userGoTo(Number(this.scrubber.value)));
    this.counter = htmlEl("span", "gradnb-counter");
    bar.append(
      button("«", "First step (Home)", () => this.userGoTo(0)),
      button("‹", "Step back (←)", () => this.userGoTo(this.current - 1)),
      this.playButton,
      button("›", "Step forward (→)", () => this.userGoTo(this.current + 1)),
      button("»", "Last step (End)", () => this.userGoTo(n - 1)),
      this.scrubber, this.counter, this.speedSelect(), ...zoomButtons(this.parts.panZoom));
    for (const el of bar.querySelectorAll("button, input")) el.disabled = n === 0;
    return bar;
  }

  speedSelect() {
    const select = htmlEl("select", "gradnb-speed");
    select.setAttribute("aria-label", "Speed");
    select.title = "Speed";
    const speed = this.model.get("speed") || 1;
    for (const s of SPEEDS) {
      const option = htmlEl("option", "", `${s}×`);
      option.value = String(s);
      option.selected = s === speed;
      select.appendChild(option);
    }
    select.addEventListener("change", () => {
      this.model.set("speed", Number(select.value));
      this.model.save_changes();
    });
    return select;
  }

  clampStep(i) {
    const n = this.steps.length;
    if (!n) return -1;
    return Math.max(0, Math.min(n - 1, i === undefined || i === null || i < 0 ? n - 1 : i));
  }

  /** Show the picture after step i. */
  goTo(i) {
    let target = this.clampStep(i);
    if (this.quiz && target > this.current) target = this.quiz.gate(this.current, target);
    const steps = this.steps;
    if (target < this.current) {
      this.stage.reset();
      this.current = -1;
    }
    while (this.current < target) {
      this.current += 1;
      this.stage.apply(steps[this.current]);
    }
    this.showPosition();
  }

  showPosition() {
    const n = this.steps.length;
    fillCaption(this.caption, this.steps[this.current]);
    this.scrubber.value = String(Math.max(this.current, 0));
    const step = this.steps[this.current];
    this.scrubber.setAttribute("aria-valuetext",
      step ? step.caption || step.text || step.kind : "no steps");
    this.counter.textContent = n ? `step ${this.current + 1} / ${n}` : "no steps";
    this.root.dataset.step = String(this.current);
    const point = this.stage.activePoint();
    if (point) this.parts.panZoom.reveal(point[0], point[1]);
  }

  /** A step the reader asked for: stop playing, show it, tell Python. */
  userGoTo(i) {
    this.pause();
    this.goTo(i);
    this.syncStep();
  }

  syncStep() {
    if (this.model.get("step") === this.current) return;
    this.model.set("step", this.current);
    this.model.save_changes();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  play() {
    if (!this.steps.length) return;
    if (this.current >= this.steps.length - 1) this.goTo(0); // replay from the start
    this.playing = true;
    this.playButton.textContent = PAUSE_LABEL;
    this.playButton.title = "Pause (Space)";
    this.playButton.setAttribute("aria-label", "Pause (Space)");
    this.lastAdvance = performance.now();
    requestAnimationFrame((t) => this.tick(t));
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.playButton.textContent = PLAY_LABEL;
    this.playButton.title = "Play (Space)";
    this.playButton.setAttribute("aria-label", "Play (Space)");
    this.syncStep();
  }

  /** One animation frame: advance as many steps as the speed asks for since the last one. */
  tick(now) {
    if (!this.playing) return;
    const interval = 1000 / (BASE_RATE * (this.model.get("speed") || 1));
    const due = Math.floor((now - this.lastAdvance) / interval);
    if (due > 0) {
      this.lastAdvance += due * interval;
      this.goTo(this.current + Math.min(due, MAX_STEPS_PER_FRAME));
    }
    if (this.current >= this.steps.length - 1) {
      this.pause();
      return;
    }
    requestAnimationFrame((t) => this.tick(t));
  }

  /** Keyboard: Space plays/pauses, arrows step, Home/End jump (not while typing in a control). */
  key(ev) {
    const tag = ev.target && ev.target.tagName;
    if (tag === "INPUT" || tag === "SELECT") return;
    const actions = {
      " ": () => this.toggle(), k: () => this.toggle(),
      ArrowLeft: () => this.userGoTo(this.current - 1),
      ArrowRight: () => this.userGoTo(this.current + 1),
      Home: () => this.userGoTo(0), End: () => this.userGoTo(this.steps.length - 1),
    };
    const action = actions[ev.key];
    if (!action || (ev.key === " " && tag === "BUTTON")) return; // Space on a button clicks it
    ev.preventDefault();
    action();
  }

  dispose() {
    this.playing = false;
    if (this.quiz) this.quiz.dispose();
    this.parts.dispose();
  }
}

function render({ model, el }) {
  const root = htmlEl("div", "gradnb-widget gradnb-animation");
  root.tabIndex = 0;
  root.setAttribute("aria-label", "Backward pass animation: Space plays, arrows step");
  el.appendChild(root);
  const player = new Player(model, root);
  root.addEventListener("keydown", (ev) => player.key(ev));
  const fromPython = () => {
    if (model.get("step") !== player.current) player.goTo(model.get("step"));
  };
  const rebuild = () => {
    player.dispose();
    player.build();
  };
  const stops = [onChanges(model, ["step"], fromPython),
    onChanges(model, ["trace", "title"], rebuild)];
  return () => {
    stops.forEach((stop) => stop());
    player.dispose();
  };
}

export default { render };
