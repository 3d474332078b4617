// Read-only pages: the dashboard and the backups list (a backup's detail is in pages-backup-detail.js).
"use strict";
(function (BF) {
  const h = BF.h;
  const MGMT = "/runtime/webhooks/durabletask/instances";

  // Reasons may be strings or objects, depending on the host's version: show whatever text each one carries.
  function reasonText(r) {
    if (r === null || r === undefined) return "";
    if (typeof r !== "object") return String(r);
    const text = r.message || r.reason || r.text || r.detail || r.description;
    const code = r.code || r.check || r.name;
    return [code, text].filter(Boolean).join(": ") || JSON.stringify(r);
  }
  function reasonsOf(health) {
    for (const k of ["reasons", "checks", "issues", "details"]) if (Array.isArray(health[k])) return health[k];
    return [];
  }

  // Progress of a running orchestration, from its custom status: the step, and per target where a backup reports it.
  BF.progressView = function (status) {
    const custom = status.customStatus;
    const items = [h("p", {}, "Status: ", BF.statusText(status.runtimeStatus), " ", h("span", { class: "muted" }, BF.describeCustomStatus(custom)))];
    if (custom && typeof custom === "object" && custom.targets && typeof custom.targets === "object" && !Array.isArray(custom.targets)) {
      items.push(h("ul", {}, Object.entries(custom.targets).map(([t, s]) => h("li", {}, t + ": ", BF.statusText(String(s))))));
    }
    return h("div", { class: "progress", "data-runtime-status": status.runtimeStatus || "" }, items);
  };

  function sizeChart(backups) {
    const points = backups.filter(b => b.completedAt && b.storedBytes > 0).slice(0, 30).reverse();
    if (points.length === 0) return h("p", { class: "muted" }, "No completed backups yet.");
    const maxSize = Math.max(...points.map(b => b.storedBytes));
    const durations = points.map(b => (new Date(b.completedAt) - new Date(b.createdAt)) / 1000);
    const maxDur = Math.max(1, ...durations);
    const w = 300, hgt = 90, bw = w / points.length;
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", `0 0 ${w} ${hgt * 2 + 10}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `Stored size (top, largest ${BF.bytes(maxSize)}) and duration (bottom, longest ${BF.seconds(maxDur)}) of the last ${points.length} backups`);
    svg.setAttribute("width", "100%");
    points.forEach((b, i) => {
      const sh = Math.max(1, (b.storedBytes / maxSize) * hgt), dh = Math.max(1, (durations[i] / maxDur) * hgt);
      for (const [y, height, cls] of [[hgt - sh, sh, "bar"], [hgt + 10, dh, "bar-time"]]) {
        const r = document.createElementNS(svgNs, "rect");
        r.setAttribute("x", String(i * bw + 1)); r.setAttribute("y", String(y));
        r.setAttribute("width", String(Math.max(1, bw - 2))); r.setAttribute("height", String(height));
        r.setAttribute("class", cls);
        const t = document.createElementNS(svgNs, "title");
        t.textContent = `${b.backupId}: ${BF.bytes(b.storedBytes)}, ${BF.seconds(durations[i])}`;
        r.append(t); svg.append(r);
      }
    });
    return h("figure", {}, svg, h("figcaption", { class: "muted" }, "Blue: stored size. Amber: duration. Oldest left."));
  }

  BF.pages.dashboard = async function (main, ctx) {
    main.append(h("h1", {}, "Dashboard"));
    const grid = h("div", { class: "grid" });
    main.append(grid);
    const slot = (title) => { const c = BF.card(title, h("p", { class: "muted" }, "Loading…")); grid.append(c); return c; };
    const healthCard = slot("Health"), lastCard = slot("Last backup per database and kind"), alertsCard = slot("Open alerts"),
      runningCard = slot("Running orchestrations"), nextCard = slot("Next scheduled runs"), storageCard = slot("Storage per target"),
      chartCard = slot("Backup size and duration");
    const fill = (card, ...content) => { card.replaceChildren(card.firstChild, ...content); };
    const guard = (card, promise, render) => promise.then(v => ctx.current() && fill(card, render(v)))
      .catch(e => ctx.current() && fill(card, h("p", { class: "bad" }, e.message)));

    guard(healthCard, BF.get("/api/health"), health => h("div", {},
      h("p", {}, h("span", { class: "score", "data-testid": "health-score" }, String(health.score ?? "?")), " / 100 ", BF.statusText(health.status)),
      h("ul", { "aria-label": "Reasons" }, reasonsOf(health).map(r => h("li", {}, BF.longText(reasonText(r))))),
      health.lastSuccessfulBackupAt ? h("p", { class: "muted" }, "Last successful backup: " + BF.when(health.lastSuccessfulBackupAt)) : null));

    const backups = BF.get("/api/backups?limit=200");
    guard(lastCard, backups, list => {
      const seen = new Map();
      for (const b of list) { const k = (b.database || "(files)") + "|" + b.kind; if (!seen.has(k)) seen.set(k, b); }
      return BF.table("", [
        { title: "Database", cell: b => b.database || "(files)" }, { title: "Kind", cell: b => b.kind },
        { title: "Status", cell: b => BF.statusText(b.status) },
        { title: "Taken", cell: b => h("a", { href: "#/backups/" + encodeURIComponent(b.backupId) }, BF.when(b.createdAt)) },
      ], [...seen.values()]);
    });
    guard(storageCard, backups, list => {
      const perTarget = new Map();
      for (const b of list) for (const c of b.copies || []) perTarget.set(c.target, (perTarget.get(c.target) || 0) + (b.storedBytes || 0));
      return h("div", {}, BF.table("", [{ title: "Target", cell: e => e[0] }, { title: "Stored", cell: e => BF.bytes(e[1]) }], [...perTarget.entries()]),
        h("p", { class: "muted" }, "Sum over the catalog's newest 200 backups."));
    });
    guard(chartCard, backups, sizeChart);
    guard(alertsCard, BF.get("/api/alerts?limit=5"), alerts => h("div", {},
      h("ul", {}, alerts.map(a => h("li", {}, h("span", { class: "sev-" + a.severity }, a.severity), " ", a.code, ": ", BF.longText(a.message, 70)))),
      h("a", { href: "#/alerts" }, "All alerts")));
    guard(nextCard, BF.get("/api/schedules"), list => BF.table("", [
      { title: "Schedule", cell: s => s.name }, { title: "Next run", cell: s => s.enabled ? BF.when(s.nextRunAt) : "disabled" },
      { title: "Cron", cell: s => h("span", { class: "mono" }, s.cron) },
    ], list));

    // Live: refreshed while the dashboard stays open.
    const refreshRunning = async () => {
      while (ctx.current()) {
        try {
          const list = await BF.get(MGMT + "?runtimeStatus=Running,Pending&top=20");
          if (!ctx.current()) return;
          fill(runningCard, BF.table("", [
            { title: "Orchestration", cell: s => s.name }, { title: "Instance", cell: s => h("span", { class: "mono" }, s.instanceId) },
            { title: "Progress", cell: s => BF.describeCustomStatus(s.customStatus) || s.runtimeStatus },
            { title: "Started", cell: s => BF.when(s.createdTime) },
          ], list || []));
        } catch (e) { if (ctx.current()) fill(runningCard, h("p", { class: "bad" }, e.message)); }
        await new Promise(r => setTimeout(r, 3000));
      }
    };
    refreshRunning();
  };

  BF.pages.backups = async function (main, ctx) {
    main.append(h("h1", {}, "Backups"));
    const form = h("form", { class: "card", "aria-label": "Filters" });
    const field = (label, input) => h("div", { class: "field" }, h("label", { for: input.id }, label), input);
    const kind = h("select", { id: "f-kind" }, ["", "full", "tenant", "files"].map(k => h("option", { value: k }, k || "any")));
    const database = h("input", { id: "f-database", type: "text", autocomplete: "off" });
    const status = h("select", { id: "f-status" }, h("option", { value: "" }, "any"));
    const since = h("input", { id: "f-since", type: "date" });
    form.append(h("div", { class: "grid" }, field("Kind", kind), field("Database", database), field("Status", status), field("Taken on or after", since)));
    const results = h("div", {});
    main.append(form, results);
    let all = [];
    try { all = await BF.get("/api/backups?limit=1000"); } catch (e) { BF.fail(e); return; }
    // The statuses the catalog holds, whatever words this version uses for them.
    for (const s of [...new Set(all.map(b => b.status))].sort()) status.append(h("option", { value: s }, s));
    const pageSize = 20;
    let page = 0;
    const render = () => {
      const from = since.value ? new Date(since.value + "T00:00:00Z") : null;
      const rows = all.filter(b => (!kind.value || b.kind === kind.value) && (!status.value || b.status === status.value)
        && (!database.value || (b.database || "").includes(database.value)) && (!from || new Date(b.createdAt) >= from));
      const pages = Math.max(1, Math.ceil(rows.length / pageSize));
      page = Math.min(page, pages - 1);
      const shown = rows.slice(page * pageSize, (page + 1) * pageSize);
      results.replaceChildren(BF.table(`${rows.length} backups`, [
        { title: "Backup", cell: b => h("a", { href: "#/backups/" + encodeURIComponent(b.backupId), class: "mono" }, b.backupId) },
        { title: "Kind", cell: b => b.kind }, { title: "Database", cell: b => b.database || "" },
        { title: "Status", cell: b => BF.statusText(b.status) }, { title: "Taken", cell: b => BF.when(b.createdAt) },
        { title: "Stored", cell: b => BF.bytes(b.storedBytes) },
        { title: "Copies", cell: b => (b.copies || []).map(c => c.target + (c.verified ? " ✓" : " ✗")).join(", ") },
      ], shown), h("div", { class: "pager" },
        h("button", { type: "button", class: "secondary", disabled: page === 0, onclick: () => { page--; render(); } }, "Previous"),
        h("span", {}, `Page ${page + 1} of ${pages}`),
        h("button", { type: "button", class: "secondary", disabled: page >= pages - 1, onclick: () => { page++; render(); } }, "Next")));
    };
    for (const input of [kind, database, status, since]) input.addEventListener("input", () => { page = 0; render(); });
    form.addEventListener("submit", e => e.preventDefault());
    render();
  };
})(window.BF);
