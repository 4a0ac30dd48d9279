// gradnb graph view: the computation behind a tensor, as laid out by gradnb.viz.
//
// The model's `then` trait holds the schema.Graph (JSON) of the view's own cell, `graph`
// the latest one: Python replaces it after a later cell changes something (gradients
// after `total.backward()`). The view shows `then` with a "show now" bar once they
// differ (see thenAndNow), and redraws keeping the reader's pan and zoom.

/** Draw the whole view (title, zoom buttons, canvas, summary, reasons, legend) into root. */
function drawGraphView(root, model, previousView, thenNow, layers) {
  const graph = model.get(thenNow.current()) || model.get("graph") || { nodes: [], edges: [] };
  root.replaceChildren();
  const title = model.get("title");
  if (title) root.appendChild(htmlEl("div", "gradnb-title", title));
  thenNow.update();
  root.appendChild(thenNow.bar);
  root.dataset.showing = thenNow.current() === "then" ? "then" : "now";
  // a big model opens as its layers: one box per nn.Module (graph.modules), a click away
  // from every node
  const byModule = Boolean(graph.modules) && layers.on;
  const picture = byModule ? { ...graph.modules, summary: graph.summary } : graph;
  root.dataset.layers = byModule ? "modules" : "nodes";
  const parts = graphCanvas(root, picture);
  const toolbar = htmlEl("div", "gradnb-toolbar");
  if (graph.modules) {
    toolbar.appendChild(button(byModule ? "All nodes" : "Layers",
      byModule ? "Show every node of the graph" : "Show one box per nn.Module",
      () => layers.toggle()));
  }
  for (const b of zoomButtons(parts.panZoom)) toolbar.appendChild(b);
  root.appendChild(toolbar);
  root.appendChild(parts.canvas);
  root.appendChild(htmlEl("div", "gradnb-summary", graph.summary_text || ""));
  root.appendChild(drawReasons(graph));
  root.appendChild(drawLegend(graph));
  if (previousView) {
    parts.panZoom.view = previousView;
    parts.panZoom.apply();
  }
  // Tests and the speed benchmark wait for this mark: everything above is in the page.
  root.dataset.nodes = String((graph.nodes || []).length);
  root.dataset.ready = "true";
  return parts;
}

function render({ model, el }) {
  const root = htmlEl("div", "gradnb-widget gradnb-graph-view");
  el.appendChild(root);
  let parts = null;
  const redraw = (keepView = true) => {
    const view = parts && keepView ? { ...parts.panZoom.view } : null;
    if (parts) parts.dispose();
    parts = drawGraphView(root, model, view, thenNow, layers);
  };
  const layers = { on: true, toggle: () => { layers.on = !layers.on; redraw(false); } };
  const thenNow = thenAndNow(model, "graph", redraw);
  redraw();
  const stop = onChanges(model, ["graph", "then", "changed_text", "show_now", "title"],
    redraw);
  return () => {
    stop();
    parts.dispose();
  };
}

export default { render };
