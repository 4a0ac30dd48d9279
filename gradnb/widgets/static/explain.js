// gradnb "why" panel: shown under a cell that raised one of autograd's errors.
//
// The model's `panel` trait holds gradnb.viz.explain.Explanation.to_json(): sentences,
// fixes and the graph of the tensors involved; the culprit nodes get gradnb-active.

function render({ model, el }) {
  const root = htmlEl("div", "gradnb-widget gradnb-explain");
  el.appendChild(root);
  let parts = null;
  const draw = () => {
    if (parts) parts.dispose();
    parts = null;
    root.replaceChildren();
    const panel = model.get("panel") || {};
    root.appendChild(htmlEl("div", "gradnb-title", panel.title || "Why this error?"));
    for (const s of panel.sentences || []) root.appendChild(htmlEl("p", "gradnb-why", s));
    if (panel.graph) {
      parts = graphCanvas(root, panel.graph);
      for (const id of panel.culprits || []) {
        const node = parts.drawing.nodes.get(id);
        if (node) node.g.classList.add("gradnb-active", "gradnb-culprit");
      }
      root.appendChild(parts.canvas);
    }
    if ((panel.fixes || []).length) {
      root.appendChild(htmlEl("div", "gradnb-fixes-title", "Usual fixes"));
      const list = htmlEl("ul", "gradnb-fixes");
      for (const f of panel.fixes) list.appendChild(htmlEl("li", "", f));
      root.appendChild(list);
    }
    root.dataset.ready = "true";
  };
  draw();
  const stop = onChanges(model, ["panel"], draw);
  return () => {
    stop();
    if (parts) parts.dispose();
  };
}

export default { render };
