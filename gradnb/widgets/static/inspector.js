// gradnb live inspector: a table of tensors (name, shape, dtype, requires_grad, is_leaf,
// grad_fn, grad) that Python refreshes after every cell.
//
// The model's `rows` trait is a JSON string (one string is far cheaper for ipywidgets to
// send than 1,000 dicts) of a list of plain dicts keyed by `columns`; rows are matched by
// name between refreshes so that only the cells that changed are touched, and those are
// briefly marked so the reader sees what the last cell did.

/** The table head, built once per column list. */
function tableHead(columns) {
  const thead = htmlEl("thead");
  const tr = htmlEl("tr");
  for (const c of columns) {
    const th = htmlEl("th", "", c.title);
    th.scope = "col";
    tr.appendChild(th);
  }
  thead.appendChild(tr);
  return thead;
}

/** A new row: one cell per column, filled by updateRow. */
function newRow(columns) {
  const tr = htmlEl("tr");
  tr.cells_ = columns.map((c) => {
    const td = htmlEl("td", c.mono ? "gradnb-mono" : "");
    tr.appendChild(td);
    return td;
  });
  return tr;
}

/** Write a row's values, marking the cells whose text changed (unless it is new). */
function updateRow(tr, columns, row, isNew) {
  columns.forEach((c, i) => {
    const td = tr.cells_[i];
    const text = row[c.key] === undefined || row[c.key] === null ? "" : String(row[c.key]);
    if (td.textContent === text) return;
    td.textContent = text;
    if (!isNew) flash(td);
  });
}

/** Mark a cell as just changed; the mark fades (CSS transition) after a moment. */
function flash(td) {
  td.classList.add("gradnb-changed");
  setTimeout(() => td.classList.remove("gradnb-changed"), 1500);
}

class InspectorTable {
  constructor(model, root) {
    this.model = model;
    this.root = root;
    this.rowsByName = new Map();
    this.build();
  }

  build() {
    this.columns = this.model.get("columns") || [];
    this.root.replaceChildren();
    const title = this.model.get("title");
    if (title) this.root.appendChild(htmlEl("div", "gradnb-title", title));
    this.thenNow = thenAndNow(this.model, "rows", () => this.update());
    this.root.appendChild(this.thenNow.bar);
    this.table = htmlEl("table");
    this.table.appendChild(tableHead(this.columns));
    this.body = htmlEl("tbody");
    this.table.appendChild(this.body);
    this.empty = htmlEl("div", "gradnb-empty", "No tensors to show.");
    this.root.appendChild(this.table);
    this.root.appendChild(this.empty);
    this.rowsByName.clear();
    this.update();
  }

  /** Bring the table in line with the model's rows, in the model's order. */
  update() {
    this.thenNow.update();
    const key = this.thenNow.current();
    this.root.dataset.showing = key === "then" ? "then" : "now";
    const rows = JSON.parse(this.model.get(key) || this.model.get("rows") || "[]");
    const seen = new Set();
    rows.forEach((row, index) => {
      seen.add(row.name);
      let tr = this.rowsByName.get(row.name);
      const isNew = !tr;
      if (isNew) {
        tr = newRow(this.columns);
        tr.dataset.name = row.name;
        this.rowsByName.set(row.name, tr);
      }
      updateRow(tr, this.columns, row, isNew);
      if (this.body.children[index] !== tr) this.body.insertBefore(tr, this.body.children[index] || null);
    });
    for (const [name, tr] of this.rowsByName) {
      if (seen.has(name)) continue;
      tr.remove(); // the variable was deleted or is no longer a tensor
      this.rowsByName.delete(name);
    }
    this.empty.style.display = rows.length ? "none" : "";
    this.root.dataset.rows = String(rows.length);
    this.root.dataset.ready = "true";
  }
}

function render({ model, el }) {
  const root = htmlEl("div", "gradnb-widget gradnb-inspector");
  el.appendChild(root);
  const table = new InspectorTable(model, root);
  const stops = [onChanges(model, ["rows", "then", "changed_text", "show_now"],
    () => table.update()),
    onChanges(model, ["columns", "title"], () => table.build())];
  return () => stops.forEach((stop) => stop());
}

export default { render };
