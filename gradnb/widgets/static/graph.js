// gradnb graph view: the computation behind a tensor, as laid out by gradnb.viz.
//
// The model's `graph` trait holds one schema.Graph (JSON). Python replaces it after a
// later cell changes something (gradients after `total.backward()`), and the picture is
// drawn again, keeping the reader's pan and zoom.

/** Draw the whole view (title, zoom buttons, canvas, summary, reasons, legend) into root. */
function drawGraphView(root, model, previousView) {
  const graph = model.get("graph") || { nodes: [], edges: [] };
  root.replaceChildren();
  const title = model.get("title");
  if (title) root.appendChild(htmlEl("div", "gradnb-title", title));
  const parts = graphCanvas(root, graph);
  const toolbar = htmlEl("div", "gradnb-toolbar");
  for (const b of zoomButtons(parts.panZoom)) toolbar.appendChild(b);
  root.appendChild(toolbar);
  root.appendChild(parts.canvas);
  root.appendChild(htmlEl("div", "gradnb-summary", graph.summary_text || summaryText(graph.summary)));
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
  let parts = drawGraphView(root, model, null);
  const redraw = () => {
    const view = { ...parts.panZoom.view };
    parts.dispose();
    parts = drawGraphView(root, model, view);
  };
  const stop = onChanges(model, ["graph", "title"], redraw);
  return () => {
    stop();
    parts.dispose();
  };
}

export default { render };
