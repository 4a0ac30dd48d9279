// gradnb widgets: code shared by the graph view, the backward animation and the inspector.
//
// This file is concatenated in front of each widget's own file by gradnb/widgets/assets.py
// (no bundler, no imports: anywidget loads one ES module per widget), so it declares
// plain functions and classes and exports nothing.
//
// Safety rule for the whole package: data from Python (variable names, labels, reprs,
// error messages) only ever reaches the page through textContent, setAttribute or
// createElementNS, never innerHTML, so a variable named `<img src=x onerror=alert(1)>`
// is shown as the characters it is made of.

const SVG_NS = "http://www.w3.org/2000/svg";
const MAX_VIEW_HEIGHT = 640; // px: taller graphs are panned, not squeezed
const MIN_START_SCALE = 0.8; // big graphs start readable and pannable, not tiny
const VIEW_MARGIN = 8; // px around the graph

/** Create an SVG element with attributes and optional text content. */
function svgEl(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    el.setAttribute(key, String(value));
  }
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

/** Create an HTML element with a class and optional text content. */
function htmlEl(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

/**
 * Call `fn` whenever one of the model's traits `names` changes; returns the function
 * that stops listening (a widget's render returns it as its clean-up).
 */
function onChanges(model, names, fn) {
  for (const name of names) model.on(`change:${name}`, fn);
  return () => {
    for (const name of names) model.off(`change:${name}`, fn);
  };
}

/** A button that works with mouse and keyboard and says what it does to screen readers. */
function button(label, title, onClick) {
  const b = htmlEl("button", "gradnb-button", label);
  b.type = "button";
  b.title = title;
  b.setAttribute("aria-label", title);
  b.addEventListener("click", onClick);
  return b;
}

// ---- node and edge geometry --------------------------------------------------------

/** A node's box: the layout gives its top-left corner (x, y) and its size. */
function nodeBox(n) {
  return { x: n.x || 0, y: n.y || 0, w: n.width || 60, h: n.height || 28 };
}

/** SVG path data for an edge's polyline. */
function edgePath(points) {
  return points.map((p, i) => `${i ? "L" : "M"}${p[0]},${p[1]}`).join(" ");
}

/** The point halfway along a polyline, where an edge's gradient label goes. */
function midpoint(points) {
  return pointAlong(points, 0.5);
}

// ---- what a node says ------------------------------------------------------------------

/** CSS classes of a node: its kind and whether backward prunes it. */
function nodeClasses(n) {
  const kind = {
    tensor: "gradnb-tensor",
    function: "gradnb-function",
    accumulate: "gradnb-function gradnb-accumulate",
    pruned_op: "gradnb-function gradnb-pruned-op",
    collapsed: "gradnb-collapsed",
  }[n.kind] || "";
  return `gradnb-node ${kind}${n.pruned ? " gradnb-pruned" : ""}`;
}

/**
 * The text lines inside a node's box. gradnb.viz sizes each box for its `lines` in a
 * 12px monospace font (7.2px a character, 15px a line), so the browser draws exactly
 * those; data without `lines` gets the label and shape.
 */
function nodeLines(n) {
  return n.lines && n.lines.length ? n.lines : [n.label];
}

/** First line of a repr, with an ellipsis when more follows. */
function firstLine(text) {
  const lines = String(text).split("\n");
  const line = lines[0].length > 48 ? `${lines[0].slice(0, 47)}…` : lines[0];
  return lines.length > 1 ? `${line} …` : line;
}

// ---- drawing a graph --------------------------------------------------------------------

/** Arrow-head marker shared by the edges of one drawing. */
function arrowDefs(markerId) {
  const defs = svgEl("defs");
  const marker = svgEl("marker", {
    id: markerId, viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse",
    markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse",
  });
  marker.appendChild(svgEl("path", { d: "M0,0 L10,5 L0,10 z", class: "gradnb-arrow" }));
  defs.appendChild(marker);
  return defs;
}

/** One edge: its path and an (initially empty) label for the gradient it carries. */
function drawEdge(e, markerId) {
  const g = svgEl("g", { class: `gradnb-edge${e.pruned ? " gradnb-pruned" : ""}`, "data-id": e.id });
  const title = svgEl("title", {}, e.hover || "");
  g.appendChild(title);
  const points = e.points && e.points.length ? e.points : [[0, 0], [0, 0]];
  g.appendChild(svgEl("path", { d: edgePath(points), "marker-end": `url(#${markerId})` }));
  const [mx, my] = midpoint(points);
  const label = svgEl("text", { x: mx + 4, y: my, class: "gradnb-edge-label" });
  g.appendChild(label);
  return { g, label, points, title, data: e };
}

const LINE_HEIGHT = 15; // px, as gradnb.viz.describe sizes the boxes

/** One node: box, its text lines and a hover title. */
function drawNode(n) {
  const b = nodeBox(n);
  const g = svgEl("g", { class: nodeClasses(n), "data-id": n.id });
  const title = svgEl("title", {}, n.hover || n.label);
  g.appendChild(title);
  const rounded = n.kind === "tensor" ? 4 : 12;
  g.appendChild(svgEl("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: rounded }));
  const cx = b.x + b.w / 2;
  const lines = nodeLines(n);
  const top = b.y + (b.h - lines.length * LINE_HEIGHT) / 2;
  const texts = lines.map((line, i) => {
    const text = svgEl("text", {
      x: cx, y: top + (i + 0.5) * LINE_HEIGHT, "text-anchor": "middle",
      class: i === 0 ? "gradnb-label" : "gradnb-line",
    }, line);
    g.appendChild(text);
    return text;
  });
  // a tensor's gradient line (the last): the animation rewrites it as .grad changes
  const gradLine = n.kind === "tensor" ? texts[texts.length - 1] : null;
  return { g, title, data: n, texts, gradLine };
}

/**
 * Draw a graph (schema.Graph) into a new <svg>.
 *
 * Returns the svg, the layer that pan/zoom moves, and maps from ids to the drawn parts,
 * which the animation uses to highlight nodes and write gradients on edges.
 */
function drawGraph(graph, markerId) {
  const svg = svgEl("svg", { role: "img", "aria-label": graph.title || "autograd graph" });
  if (graph.summary_text) svg.appendChild(svgEl("desc", {}, graph.summary_text));
  svg.appendChild(arrowDefs(markerId));
  const layer = svgEl("g", { class: "gradnb-viewport" });
  const edges = new Map();
  const nodes = new Map();
  // Build off-document first: one insertion, one layout pass, however big the graph.
  for (const e of graph.edges || []) {
    const drawn = drawEdge(e, markerId);
    edges.set(e.id, drawn);
    layer.appendChild(drawn.g);
  }
  for (const n of graph.nodes || []) {
    const drawn = drawNode(n);
    nodes.set(n.id, drawn);
    layer.appendChild(drawn.g);
  }
  svg.appendChild(layer);
  return { svg, layer, nodes, edges };
}

/** The bottom centre of the first root's box (backward starts there), or null. */
function rootPoint(graph, drawing) {
  const root = (graph.roots || []).map((id) => drawing.nodes.get(id)).find(Boolean);
  if (!root) return null;
  const b = nodeBox(root.data);
  return [b.x + b.w / 2, b.y + b.h];
}

/** Unique ids for <marker> elements: several widgets share one page. */
let markerCounter = 0;
function newMarkerId() {
  markerCounter += 1;
  return `gradnb-arrow-${markerCounter}`;
}

// ---- pan and zoom -----------------------------------------------------------------------

/**
 * Pan and zoom a drawing by changing the svg's viewBox: drag to pan, Ctrl/⌘ + wheel to
 * zoom (a plain wheel still scrolls the notebook), and keys +, -, 0 and arrows when the
 * canvas has focus.
 */
class PanZoom {
  constructor(canvas, svg, width, height, home, arrowsPan = true) {
    this.arrowsPan = arrowsPan; // false: plain arrows are left to the view (stepping)
    this.canvas = canvas;
    this.svg = svg;
    this.graphW = Math.max(width || 1, 1);
    this.graphH = Math.max(height || 1, 1);
    this.home = home; // [x, y] shown first when the graph does not fit: the root
    this.view = { x: 0, y: 0, scale: 1 };
    this.listen();
  }

  /** Size of the canvas on screen (with fallbacks before it is attached). */
  screen() {
    const w = this.canvas.clientWidth || 800;
    const h = Math.min(MAX_VIEW_HEIGHT,
      Math.ceil(this.graphH * this.view.scale) + 2 * VIEW_MARGIN);
    return { w, h: Math.max(h, 80) };
  }

  /** The scale at which the whole graph fits the canvas (never above 1). */
  fitScale() {
    const w = this.canvas.clientWidth || 800;
    const margin = 2 * VIEW_MARGIN;
    return Math.min(1, (w - margin) / this.graphW, (MAX_VIEW_HEIGHT - margin) / this.graphH);
  }

  /** Show the graph at `scale`, centred across when narrower than the canvas. */
  showAt(scale) {
    const w = this.canvas.clientWidth || 800;
    const spare = w / scale - this.graphW;
    this.view = { x: spare > 0 ? -spare / 2 : -VIEW_MARGIN, y: -VIEW_MARGIN, scale };
    this.apply();
  }

  /**
   * Start view: the whole graph if it fits readably; else, at a readable size, the root
   * (where backward starts; the history lies above it, a drag away).
   */
  start() {
    const fit = this.fitScale();
    if (fit >= MIN_START_SCALE || !this.home) {
      this.showAt(Math.max(fit, MIN_START_SCALE));
      return;
    }
    this.view.scale = MIN_START_SCALE;
    const { w, h } = this.screen();
    const s = this.view.scale;
    this.view.x = this.home[0] - w / s / 2;
    this.view.y = this.home[1] - h / s + 3 * VIEW_MARGIN / s;
    this.apply();
  }

  /** Show the whole graph, however small that makes it. */
  fit() {
    this.showAt(this.fitScale());
  }

  apply() {
    const { w, h } = this.screen();
    const s = this.view.scale;
    this.svg.setAttribute("height", String(h));
    this.svg.setAttribute("viewBox", `${this.view.x} ${this.view.y} ${w / s} ${h / s}`);
  }

  /** Zoom by a factor around a point given in screen pixels from the canvas corner. */
  zoomBy(factor, px, py) {
    const { w, h } = this.screen();
    const s = this.view.scale;
    const cx = px === undefined ? w / 2 : px;
    const cy = py === undefined ? h / 2 : py;
    const next = Math.min(4, Math.max(0.05, s * factor));
    this.view.x += cx / s - cx / next;
    this.view.y += cy / s - cy / next;
    this.view.scale = next;
    this.apply();
  }

  /** Move the view by screen pixels. */
  panBy(dx, dy) {
    this.view.x -= dx / this.view.scale;
    this.view.y -= dy / this.view.scale;
    this.apply();
  }

  /** Bring a graph point into view (the animation follows the running node). */
  reveal(x, y) {
    const { w, h } = this.screen();
    const s = this.view.scale;
    const inside = x >= this.view.x && x <= this.view.x + w / s &&
      y >= this.view.y && y <= this.view.y + h / s;
    if (inside) return;
    this.view.x = x - w / s / 2;
    this.view.y = y - h / s / 2;
    this.apply();
  }

  listen() {
    this.canvas.addEventListener("pointerdown", (ev) => this.dragStart(ev));
    this.canvas.addEventListener("wheel", (ev) => this.wheel(ev), { passive: false });
    this.canvas.addEventListener("keydown", (ev) => this.key(ev));
  }

  dragStart(ev) {
    if (ev.button !== 0) return;
    let last = [ev.clientX, ev.clientY];
    this.canvas.classList.add("gradnb-dragging");
    const move = (e) => {
      this.panBy(e.clientX - last[0], e.clientY - last[1]);
      last = [e.clientX, e.clientY];
    };
    const up = () => {
      this.canvas.classList.remove("gradnb-dragging");
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  wheel(ev) {
    if (!ev.ctrlKey && !ev.metaKey) return; // leave plain scrolling to the notebook
    ev.preventDefault();
    const r = this.canvas.getBoundingClientRect();
    this.zoomBy(ev.deltaY < 0 ? 1.15 : 1 / 1.15, ev.clientX - r.left, ev.clientY - r.top);
  }

  key(ev) {
    const step = 40;
    const actions = {
      "+": () => this.zoomBy(1.25), "=": () => this.zoomBy(1.25), "-": () => this.zoomBy(0.8),
      "0": () => this.fit(), ArrowLeft: () => this.panBy(step, 0),
      ArrowRight: () => this.panBy(-step, 0), ArrowUp: () => this.panBy(0, step),
      ArrowDown: () => this.panBy(0, -step),
    };
    const action = actions[ev.key];
    if (!action) return;
    const arrow = ev.key.startsWith("Arrow");
    // in a view where arrows step (the animation) they pan only with Shift or Alt
    if (arrow && !this.arrowsPan && !ev.shiftKey && !ev.altKey) return;
    ev.preventDefault();
    ev.stopPropagation();
    action();
  }
}

/** Zoom buttons for a PanZoom. */
function zoomButtons(panZoom) {
  return [
    button("+", "Zoom in (Ctrl + wheel, or + on the picture)", () => panZoom.zoomBy(1.25)),
    button("−", "Zoom out (Ctrl + wheel, or - on the picture)", () => panZoom.zoomBy(0.8)),
    button("Fit", "Fit the whole graph (0 on the picture)", () => panZoom.fit()),
  ];
}

// ---- hover tooltip ------------------------------------------------------------------------

/** A tooltip showing a node's value and grad (PyTorch reprs) while the pointer is on it. */
function attachTooltip(root, canvas, drawing) {
  const tip = htmlEl("pre", "gradnb-tooltip");
  root.appendChild(tip);
  canvas.addEventListener("pointerover", (ev) => {
    const g = ev.target.closest ? ev.target.closest(".gradnb-node") : null;
    const drawn = g ? drawing.nodes.get(g.getAttribute("data-id")) : null;
    if (!drawn) return;
    tip.textContent = drawn.title.textContent;
    tip.style.display = "block";
    placeBeside(tip, root, g.querySelector("rect") || g);
  });
  canvas.addEventListener("pointerout", (ev) => {
    const g = ev.target.closest ? ev.target.closest(".gradnb-node") : null;
    if (g) tip.style.display = "none";
  });
  return tip;
}

/**
 * Put the tooltip beside the node's box, never over it: to its right if it fits in the
 * widget, else to its left, else below it.
 */
function placeBeside(tip, root, box) {
  const r = root.getBoundingClientRect();
  const b = box.getBoundingClientRect();
  const gap = 8;
  const w = tip.offsetWidth;
  const h = tip.offsetHeight;
  let left = b.right - r.left + gap;
  let top = b.top - r.top;
  if (left + w > r.width) left = b.left - r.left - gap - w;
  if (left < 0) {
    left = Math.max(0, Math.min(b.left - r.left, r.width - w));
    top = b.bottom - r.top + gap;
  }
  tip.style.left = `${left}px`;
  tip.style.top = `${Math.max(0, top)}px`;
  tip.dataset.for = box.parentNode && box.parentNode.getAttribute
    ? box.parentNode.getAttribute("data-id") || "" : "";
  return h;
}

// ---- labels on edges, placed so that none overlaps another or leaves the canvas -------------

const EDGE_CHAR_WIDTH = 6.2; // px: the 10px monospace font of edge labels (a little over 0.6 em)
const EDGE_LABEL_HEIGHT = 12; // px
const LABEL_SPOTS = [0.5, 0.3, 0.7, 0.15, 0.85, 0.4, 0.6];

/** The point at fraction t of a polyline's length. */
function pointAlong(points, t) {
  const lengths = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const d = Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
    lengths.push(d);
    total += d;
  }
  let left = total * t;
  for (let i = 1; i < points.length; i++) {
    if (left <= lengths[i - 1] || i === points.length - 1) {
      const f = lengths[i - 1] ? Math.min(1, left / lengths[i - 1]) : 0;
      const [a, b] = [points[i - 1], points[i]];
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
    }
    left -= lengths[i - 1];
  }
  return points[0] || [0, 0];
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/**
 * Places edge labels: each new label goes to the first spot along its edge (middle
 * first, either side of the line) where it overlaps no box, no other label and stays
 * inside the graph's area; a label with no such spot is shortened, then left out (its
 * value is in the caption and the hover).
 */
class LabelPlacer {
  constructor(graph, drawing) {
    this.width = graph.width || 0;
    this.height = graph.height || 0;
    this.boxes = (graph.nodes || []).map((n) => {
      const b = nodeBox(n);
      return { x: b.x - 2, y: b.y - 2, w: b.w + 4, h: b.h + 4 };
    });
    this.drawing = drawing;
    this.placed = new Map(); // edge id -> rect
  }

  clear(edgeId) {
    this.placed.delete(edgeId);
  }

  free(rect, edgeId) {
    if (rect.x < 0 || rect.y < 0 || rect.x + rect.w > this.width ||
      rect.y + rect.h > this.height) return false;
    if (this.boxes.some((b) => overlaps(rect, b))) return false;
    for (const [id, other] of this.placed) {
      if (id !== edgeId && overlaps(rect, other)) return false;
    }
    return true;
  }

  /** Write `text` on edge `edgeId` where it fits; returns whether it was written. */
  place(edgeId, text) {
    const edge = this.drawing.edges.get(edgeId);
    this.placed.delete(edgeId);
    if (!edge) return false;
    const points = edge.points;
    for (const candidate of [text, text.length > 6 ? `${text.slice(0, 5)}…` : null]) {
      if (!candidate) continue;
      const w = candidate.length * EDGE_CHAR_WIDTH + 4;
      const h = EDGE_LABEL_HEIGHT;
      for (const t of LABEL_SPOTS) {
        const [px, py] = pointAlong(points, t);
        for (const x of [px + 4, px - 4 - w]) {
          const rect = { x, y: py - h / 2, w, h };
          if (!this.free(rect, edgeId)) continue;
          edge.label.setAttribute("x", String(x + 2));
          edge.label.setAttribute("y", String(py));
          edge.label.textContent = candidate;
          this.placed.set(edgeId, rect);
          return true;
        }
      }
    }
    edge.label.textContent = "";
    return false;
  }
}

// ---- legend, summary and pruning reasons ----------------------------------------------------

const LEGEND_SWATCHES = {
  tensor: ["var(--gradnb-tensor)", false],
  function: ["var(--gradnb-function)", false],
  accumulate: ["var(--gradnb-accumulate)", false],
  pruned: ["var(--gradnb-pruned)", true],
  collapsed: ["var(--gradnb-collapsed)", false],
  active: ["var(--gradnb-active)", false],
};

/** The legend: a swatch (dashed where the picture is dashed) and the text from Python. */
function drawLegend(graph) {
  const div = htmlEl("div", "gradnb-legend");
  for (const item of graph.legend || []) {
    const span = htmlEl("span");
    const [colour, dashed] = LEGEND_SWATCHES[item.key] ||
      ["var(--gradnb-border)", /dash/.test(item.style || "")];
    const swatch = htmlEl("i", `gradnb-swatch${dashed ? " gradnb-dashed" : ""}`);
    swatch.style.borderColor = colour;
    span.appendChild(swatch);
    span.appendChild(document.createTextNode(item.text));
    div.appendChild(span);
  }
  return div;
}

/** Why each pruned part is pruned, a line per reason (built in Python). */
function drawReasons(graph) {
  const div = htmlEl("div", "gradnb-reasons");
  if (!(graph.reasons || []).length) return div;
  div.appendChild(htmlEl("span", "", graph.reasons_heading || ""));
  const list = htmlEl("ul");
  for (const line of graph.reasons) list.appendChild(htmlEl("li", "", line));
  div.appendChild(list);
  return div;
}

/**
 * A pannable, zoomable canvas holding a drawing of `graph`, with its zoom buttons and
 * hover tooltip. Shared by the graph view and the animation.
 */
function graphCanvas(root, graph, arrowsPan = true) {
  const canvas = htmlEl("div", "gradnb-canvas");
  canvas.tabIndex = 0;
  canvas.setAttribute("aria-label", arrowsPan
    ? "Graph picture: drag or arrows to pan, + and - to zoom, 0 to fit"
    : "Graph picture: arrows step, drag or Shift + arrows to pan, + and - to zoom, 0 to fit");
  const drawing = drawGraph(graph, newMarkerId());
  canvas.appendChild(drawing.svg);
  const panZoom = new PanZoom(canvas, drawing.svg, graph.width, graph.height,
    rootPoint(graph, drawing), arrowsPan);
  attachTooltip(root, canvas, drawing);
  panZoom.start();
  const stopFollowing = followSize(canvas, panZoom);
  return { canvas, drawing, panZoom, dispose: stopFollowing };
}

/**
 * Keep a PanZoom right as its canvas changes size: the start view is computed again the
 * first time the canvas has a real width (a widget is often drawn before it is attached
 * to the page, or while its output area is hidden).
 */
function followSize(canvas, panZoom) {
  let started = canvas.clientWidth > 0;
  if (typeof ResizeObserver === "undefined") return () => {};
  const observer = new ResizeObserver(() => {
    if (!canvas.clientWidth) return;
    if (started) panZoom.apply();
    else panZoom.start();
    started = true;
  });
  observer.observe(canvas);
  return () => observer.disconnect();
}

// ---- then and now -----------------------------------------------------------------------

/**
 * A live view shows the state as of its own cell (the `then` trait); once a later cell
 * changed it (`changed_after`), a bar says so with one button to see the state now
 * (`nowKey`) and back. `show_now` views always show the latest state. Returns
 * { bar, current() (the trait to draw), update() } ; `redraw` is called on a switch.
 */
function thenAndNow(model, nowKey, redraw) {
  const bar = htmlEl("div", "gradnb-then-now");
  bar.setAttribute("role", "status");
  const text = htmlEl("span", "gradnb-then-now-text");
  const toggle = button("", "", () => {
    showingNow = !showingNow;
    update();
    redraw();
  });
  toggle.classList.add("gradnb-then-now-button");
  bar.append(text, toggle);
  let showingNow = false;
  const update = () => {
    const cell = model.get("changed_after") || 0;
    const follow = model.get("show_now");
    if (!cell || follow) {
      showingNow = false;
      bar.style.display = "none";
      bar.dataset.state = follow ? "live" : "unchanged";
      return;
    }
    bar.style.display = "";
    bar.dataset.state = showingNow ? "now" : "then";
    bar.dataset.cell = String(cell);
    text.textContent = (model.get("changed_text") || {})[bar.dataset.state] || "";
    toggle.textContent = showingNow ? "back to this cell" : "show now";
    toggle.title = showingNow ? "Show the state when this cell ran" : "Show the state now";
    toggle.setAttribute("aria-label", toggle.title);
  };
  const current = () => {
    const now = model.get("show_now") || showingNow || !(model.get("changed_after") || 0);
    return now ? nowKey : "then";
  };
  update();
  return { bar, current, update };
}
