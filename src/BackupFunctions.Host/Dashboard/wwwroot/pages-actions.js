// Pages that start or change work: manual backup, the restore wizard, alerts, disaster recovery, restore history.
"use strict";
(function (BF) {
  const h = BF.h;
  const MGMT = "/runtime/webhooks/durabletask/instances";
  const field = (label, input, hint) => h("div", { class: "field" }, h("label", { for: input.id }, label), input,
    hint ? h("span", { class: "muted", id: input.id + "-hint" }, hint) : null);

  // Starts a run, then shows its progress until it finishes; resolves with the final status.
  async function startAndFollow(ctx, panel, path, body, renderDone) {
    panel.replaceChildren(h("p", {}, "Starting…"));
    let started;
    try { started = await BF.post(path, body); } catch (e) { panel.replaceChildren(h("p", { class: "bad" }, e.message)); BF.fail(e); return null; }
    panel.dataset.instanceId = started.id;
    const final = await BF.follow(started.statusQueryGetUri, (status, error) => {
      if (error) { panel.replaceChildren(h("p", { class: "bad" }, error.message)); return; }
      panel.replaceChildren(h("p", {}, "Instance ", h("span", { class: "mono" }, started.id)), BF.progressView(status),
        BF.isFinished(status) && renderDone ? renderDone(status) : null);
    }, ctx.current);
    return final;
  }

  BF.pages.manualBackup = async function (main, ctx) {
    main.append(h("h1", {}, "Manual backup"));
    let sources = { databases: [], targets: [] };
    try { sources = await BF.get("/api/sources"); } catch (e) { BF.fail(e); }
    const kinds = h("fieldset", {}, h("legend", {}, "Kind"), ["full", "tenant", "files"].map((k, i) =>
      h("label", {}, h("input", { type: "radio", name: "kind", value: k, checked: i === 0 }), " ", k)));
    const database = h("select", { id: "b-database" }, h("option", { value: "" }, "default"), sources.databases.map(d => h("option", { value: d }, d)));
    const tenant = h("input", { id: "b-tenant", type: "text", autocomplete: "off", "aria-describedby": "b-tenant-hint" });
    const targets = h("fieldset", {}, h("legend", {}, "Targets"), sources.targets.map(t =>
      h("label", {}, h("input", { type: "checkbox", name: "target", value: t, checked: true }), " ", t)));
    const progress = h("div", { class: "card", "aria-live": "polite", "aria-label": "Progress" });
    const form = h("form", { "aria-label": "Start a backup" }, kinds, field("Database", database),
      field("Tenant id", tenant, "Only for a tenant backup."), targets, h("div", { class: "actions" }, h("button", { type: "submit" }, "Start backup")));
    main.append(form, progress);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      BF.message("");
      const kind = form.querySelector("input[name=kind]:checked").value;
      const chosen = [...form.querySelectorAll("input[name=target]:checked")].map(i => i.value);
      const body = { kind, database: database.value || null, tenantId: tenant.value || null,
        targets: chosen.length === sources.targets.length ? null : chosen };
      await startAndFollow(ctx, progress, "/api/backups", body, status => {
        const out = status.output || {};
        return h("div", {}, h("p", {}, "Finished: ", BF.statusText(status.runtimeStatus === "Completed" ? "completed" : status.runtimeStatus)),
          out.backupId ? h("p", {}, h("a", { href: "#/backups/" + encodeURIComponent(out.backupId) }, "Open backup " + out.backupId)) : null,
          typeof out === "string" ? BF.longText(out) : BF.json(out));
      });
    });
  };

  BF.pages.restoreWizard = async function (main, ctx) {
    main.append(h("h1", {}, "Restore"));
    if (!BF.session.isAdmin()) { main.append(BF.adminNote("Starting a restore")); return; }
    const names = ["Pick a backup", "Destination", "Confirm", "Progress and result"];
    const stepsNav = h("ol", { class: "steps", "aria-label": "Restore steps" }, names.map(n => h("li", {}, n)));
    const body = h("div", { class: "card" });
    main.append(stepsNav, body);
    const state = { backup: null, scratch: true, connection: "", targetDatabase: "" };
    const show = (i, ...content) => {
      [...stepsNav.children].forEach((li, j) => j === i ? li.setAttribute("aria-current", "step") : li.removeAttribute("aria-current"));
      body.replaceChildren(h("h2", {}, `Step ${i + 1} of 4: ${names[i]}`), ...content);
      const first = body.querySelector("input, select, button"); if (first) first.focus();
    };
    let backups = [];
    try { backups = (await BF.get("/api/backups?limit=200")).filter(b => (b.copies || []).some(c => c.verified)); } catch (e) { BF.fail(e); return; }

    const step1 = () => {
      const pick = h("select", { id: "r-backup" }, backups.map(b => h("option", { value: b.backupId }, `${b.backupId} · ${b.kind} · ${b.database || ""} · ${BF.when(b.createdAt)}`)));
      if (backups.length === 0) { show(0, h("p", {}, "No backup has a verified copy yet.")); return; }
      show(0, field("Backup (with at least one verified copy)", pick),
        h("div", { class: "actions" }, h("button", { type: "button", onclick: () => { state.backup = backups.find(b => b.backupId === pick.value); step2(); } }, "Next")));
    };
    const step2 = () => {
      const scratch = h("input", { type: "radio", name: "dest", value: "scratch", checked: state.scratch });
      const server = h("input", { type: "radio", name: "dest", value: "server", checked: !state.scratch });
      const conn = h("input", { id: "r-conn", type: "password", autocomplete: "off", value: state.connection, "aria-describedby": "r-conn-hint" });
      const db = h("input", { id: "r-db", type: "text", autocomplete: "off", value: state.targetDatabase });
      show(1, h("fieldset", {}, h("legend", {}, "Where to restore"),
        h("label", {}, scratch, " A scratch database on the configured scratch server (kept for inspection)"),
        h("label", {}, server, " A server I name")),
        field("Server connection string", conn, "Only for a server; sent in the request body, never in a URL."), field("Target database", db),
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: step1 }, "Back"),
          h("button", { type: "button", onclick: () => {
            state.scratch = scratch.checked; state.connection = conn.value; state.targetDatabase = db.value;
            if (!state.scratch && (!state.connection || !state.targetDatabase)) { BF.message("A server restore needs the connection string and the target database."); return; }
            BF.message(""); step3();
          } }, "Next")));
    };
    const step3 = () => {
      const expected = state.scratch ? (state.backup.database || state.backup.backupId) : state.targetDatabase;
      const typed = h("input", { id: "r-confirm", type: "text", autocomplete: "off", "aria-describedby": "r-confirm-hint" });
      const go = h("button", { type: "button", disabled: true, onclick: step4 }, "Restore");
      typed.addEventListener("input", () => { go.disabled = typed.value !== expected; });
      show(2, h("p", {}, `Restore backup ${state.backup.backupId} (${state.backup.kind} of ${state.backup.database || "files"}) into `,
        state.scratch ? "a scratch database." : `database ${state.targetDatabase} on the server given.`),
        field(`Type the database name "${expected}" to confirm`, typed, "The Restore button is enabled once it matches."),
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: step2 }, "Back"), go));
    };
    const step4 = async () => {
      const panel = h("div", { "aria-live": "polite" });
      show(3, panel);
      const request = { backupId: state.backup.backupId, database: state.backup.database || null };
      if (!state.scratch) { request.targetConnectionString = state.connection; request.targetDatabase = state.targetDatabase; }
      await startAndFollow(ctx, panel, "/api/restores", request, status => {
        const out = status.output || {};
        const ok = status.runtimeStatus === "Completed" && out.succeeded !== false;
        return h("div", { "data-testid": "restore-result" }, h("p", {}, "Result: ", BF.statusText(ok ? "succeeded" : "failed")),
          typeof out === "object" ? h("dl", {}, [["Served by", out.servedBy], ["Tables compared", out.tablesCompared], ["Rows restored", out.rowsRestored],
            ["Database", out.targetDatabase || out.database]].filter(p => p[1] !== undefined && p[1] !== null).map(([k, v]) => [h("dt", {}, k), h("dd", {}, String(v))])) : BF.longText(out),
          (out.mismatches || []).length ? h("ul", { class: "bad" }, out.mismatches.map(m => h("li", {}, typeof m === "string" ? m : JSON.stringify(m)))) : null,
          BF.json(out));
      });
    };
    step1();
  };

  BF.pages.alerts = async function (main, ctx) {
    main.append(h("h1", {}, "Alerts"));
    const all = h("input", { type: "checkbox", id: "a-all" });
    const list = h("div", {});
    const admin = BF.session.isAdmin();
    if (!admin) main.append(BF.adminNote("Acknowledging or resolving an alert"));
    main.append(h("div", { class: "actions" }, h("label", { for: "a-all" }, all, " Include acknowledged and resolved")), list);
    // Only the newest load may draw: ticking the box twice quickly must not leave the first answer on screen.
    let latest = 0;
    const load = async () => {
      const mine = ++latest;
      let alerts;
      try { alerts = await BF.get("/api/alerts?limit=200&includeAcknowledged=" + all.checked); } catch (e) { if (mine === latest) BF.fail(e); return; }
      if (!ctx.current() || mine !== latest) return;
      list.replaceChildren(BF.table(`${alerts.length} alerts`, [
        { title: "Severity", cell: a => h("span", { class: "sev-" + a.severity }, a.severity) }, { title: "Code", cell: a => a.code },
        { title: "Message", cell: a => BF.longText(a.message) }, { title: "Last seen", cell: a => BF.when(a.lastSeenAt || a.createdAt) },
        { title: "Count", cell: a => String(a.occurrences ?? 1) },
        { title: "State", cell: a => a.resolvedAt ? `resolved ${BF.when(a.resolvedAt)}` : a.acknowledgedAt ? `acknowledged by ${a.acknowledgedBy || "?"}` :
          !admin ? "open" : h("button", { type: "button", "aria-label": `Acknowledge alert ${a.id} (${a.code})`, onclick: async (e) => {
            e.target.disabled = true;
            try {
              const by = BF.session.user();
              await BF.post(`/api/alerts/${encodeURIComponent(a.id)}/ack` + (by ? "?by=" + encodeURIComponent(by) : ""));
              BF.message(`Alert ${a.id} acknowledged.`, true);
              load();
            } catch (err) { e.target.disabled = false; BF.fail(err); }
          } }, "Acknowledge") },
      ], alerts, a => ({ "data-alert-id": String(a.id) })));
    };
    all.addEventListener("change", load);
    await load();
  };

  function drView(status) {
    const report = status.customStatus && typeof status.customStatus === "object" ? status.customStatus : (status.output && typeof status.output === "object" ? status.output : {});
    const rto = report.rtoTargetSeconds || 0;
    const elapsed = report.timeToRecoverSeconds ?? (report.startedAt ? ((report.completedAt ? new Date(report.completedAt) : new Date()) - new Date(report.startedAt)) / 1000 : 0);
    return h("div", {},
      h("p", { "data-testid": "dr-summary" }, "Run: ", BF.statusText(status.runtimeStatus), " · report: ", BF.statusText(report.status || ""), report.approvedBy ? ` · approved by ${report.approvedBy}` : ""),
      rto ? h("div", {}, h("label", { for: "dr-rto" }, `Time against the RTO: ${BF.seconds(elapsed)} of ${BF.seconds(rto)}`),
        h("progress", { id: "dr-rto", max: String(rto), value: String(Math.min(elapsed, rto)) })) : null,
      BF.table("Steps", [
        { title: "#", cell: s => String(s.number) }, { title: "Step", cell: s => s.name }, { title: "Status", cell: s => BF.statusText(s.status) },
        { title: "Took", cell: s => BF.seconds(s.seconds) }, { title: "Detail", cell: s => BF.longText(s.detail, 60) },
      ], report.steps || []),
      report.error ? h("p", { class: "bad" }, BF.longText(report.error)) : null);
  }

  BF.pages.dr = async function (main, ctx) {
    main.append(h("h1", {}, "Disaster recovery"));
    if (!BF.session.isAdmin()) { main.append(BF.adminNote("Starting or approving a disaster recovery")); return; }
    const backup = h("input", { id: "dr-backup", type: "text", value: "latest", autocomplete: "off" });
    const conn = h("input", { id: "dr-conn", type: "password", autocomplete: "off", "aria-describedby": "dr-conn-hint" });
    const db = h("input", { id: "dr-db", type: "text", autocomplete: "off" });
    const rto = h("input", { id: "dr-rto-min", type: "number", min: "1", value: "60" });
    const panel = h("div", { class: "card", "aria-live": "polite", "aria-label": "Recovery run" });
    const form = h("form", { "aria-label": "Start disaster recovery" }, field("Backup id", backup),
      field("New server connection string", conn, "Sent in the request body, never in a URL."), field("Database to create", db),
      field("RTO (minutes)", rto), h("div", { class: "actions" }, h("button", { type: "submit" }, "Start recovery")));
    main.append(form, panel);
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      BF.message("");
      const minutes = Math.max(1, parseInt(rto.value, 10) || 60);
      const hh = String(Math.floor(minutes / 60)).padStart(2, "0"), mm = String(minutes % 60).padStart(2, "0");
      let started;
      try {
        started = await BF.post("/api/dr", { backupId: backup.value || "latest", targetConnectionString: conn.value, targetDatabase: db.value || null, rtoTarget: `${hh}:${mm}:00` });
      } catch (err) { BF.fail(err); return; }
      let approving = false;
      await BF.follow(started.statusQueryGetUri, (status, error) => {
        if (error) { panel.replaceChildren(h("p", { class: "bad" }, error.message)); return; }
        const waiting = status.customStatus && status.customStatus.status === "waiting for approval" && !BF.isFinished(status);
        panel.replaceChildren(h("p", {}, "Instance ", h("span", { class: "mono" }, started.id)), drView(status),
          waiting ? h("div", { class: "actions" }, h("button", { type: "button", disabled: approving, onclick: async (ev) => {
            approving = true; ev.target.disabled = true;
            try { await BF.post(BF.localPath(started.sendEventPostUri.replace("{eventName}", "Approve")), { by: BF.session.user() || "dashboard" }); BF.message("Approved.", true); }
            catch (err) { approving = false; ev.target.disabled = false; BF.fail(err); }
          } }, "Approve restore")) : null);
      }, ctx.current, 1500);
    });
  };

  BF.pages.restores = async function (main, ctx) {
    main.append(h("h1", {}, "Restore history"));
    let runs;
    try { runs = await BF.get("/api/restores?limit=200"); } catch (e) { BF.fail(e); return; }
    main.append(BF.table(`${runs.length} runs`, [
      { title: "When", cell: r => BF.when(r.startedAt) }, { title: "Kind", cell: r => r.kind },
      { title: "Backup", cell: r => h("a", { href: "#/backups/" + encodeURIComponent(r.backupId), class: "mono" }, r.backupId) },
      { title: "Into", cell: r => r.targetDatabase }, { title: "Result", cell: r => BF.statusText(r.succeeded ? "succeeded" : "failed") },
      { title: "Served by", cell: r => r.servedBy || "" },
      { title: "Detail", cell: r => {
        const d = h("details", {}, h("summary", {}, "Detail"));
        d.addEventListener("toggle", async () => {
          if (!d.open || d.dataset.loaded) return;
          d.dataset.loaded = "1";
          d.append(h("p", {}, `Took ${BF.seconds((new Date(r.completedAt) - new Date(r.startedAt)) / 1000)}`), r.error ? BF.longText(r.error) : null);
          if (r.instanceId) {
            try { const s = await BF.get(MGMT + "/" + encodeURIComponent(r.instanceId) + "?showInput=false"); d.append(BF.json(s.output)); }
            catch (e) { d.append(h("p", { class: "muted" }, e.message)); }
          }
        });
        return d;
      } },
    ], runs));
  };
})(window.BF);
