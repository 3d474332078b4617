// DOM helpers. Everything from the API is set as text (never parsed as HTML), so a message cannot inject markup.
"use strict";
(function (BF) {
  BF.h = function (tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  };
  const h = BF.h;

  BF.message = function (text, info) {
    const box = document.getElementById("message");
    box.className = info ? "info" : "";
    box.textContent = text || "";
  };
  BF.fail = (e) => BF.message(e && e.message ? e.message : String(e));

  // Long text (alert messages, errors) is shown collapsed: the first line, expandable to the whole.
  BF.longText = function (text, limit) {
    if (text === null || text === undefined || text === "") return "";
    text = String(text);
    const max = limit || 90;
    if (text.length <= max) return h("span", {}, text);
    return h("details", { class: "long" }, h("summary", {}, text.slice(0, max) + "…"), h("div", {}, text));
  };

  BF.json = (value) => h("details", {}, h("summary", {}, "JSON"), h("pre", { class: "mono" }, JSON.stringify(value, null, 2)));

  BF.table = function (caption, columns, rows, rowAttrs) {
    // Explicit roles: at phone width the CSS stacks each row into a card, and display:block must not cost the table
    // its semantics for screen readers. data-label gives each stacked cell its column's name.
    return h("div", { class: "table-wrap" }, h("table", { role: "table", class: "stack" },
      h("caption", { class: "muted" }, caption || ""),
      h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, columns.map(c => h("th", { scope: "col", role: "columnheader" }, c.title)))),
      h("tbody", { role: "rowgroup" }, rows.length === 0
        ? h("tr", { role: "row" }, h("td", { role: "cell", colspan: columns.length, class: "muted" }, "None."))
        : rows.map(r => h("tr", Object.assign({ role: "row" }, rowAttrs ? rowAttrs(r) : {}),
          columns.map(c => h("td", { role: "cell", "data-label": c.title }, h("div", {}, c.cell(r)))))))));
  };

  BF.when = (iso) => { if (!iso) return ""; const d = new Date(iso); return isNaN(d) ? String(iso) : d.toISOString().replace("T", " ").slice(0, 19) + "Z"; };
  BF.bytes = (n) => {
    if (typeof n !== "number") return "";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"]; let i = 0;
    while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  };
  BF.seconds = (s) => typeof s === "number" ? (s < 90 ? s.toFixed(1) + " s" : (s / 60).toFixed(1) + " min") : "";
  BF.statusText = (s) => h("span", { class: "status-" + String(s || "").replace(/\s+/g, "-") }, s || "");

  // Shown instead of an admin action when the page knows the key is a function key. The API would refuse it (403) anyway.
  BF.adminNote = (action) => h("p", { class: "note", "data-testid": "admin-note" },
    `${action} needs the admin key. You are signed in with a function key, so this page does not offer it.`);

  BF.card = (title, ...body) => h("section", { class: "card", "aria-label": title }, h("h2", {}, title), ...body);

  // The step an orchestration reports in its custom status, whatever shape it has.
  BF.describeCustomStatus = function (custom) {
    if (custom === null || custom === undefined) return "";
    if (typeof custom !== "object") return String(custom);
    const parts = [];
    for (const k of ["step", "status", "currentStep", "stage", "target"]) if (custom[k]) parts.push(String(custom[k]));
    if (typeof custom.bytes === "number") parts.push(BF.bytes(custom.bytes));
    return parts.join(" · ");
  };
})(window.BF);
