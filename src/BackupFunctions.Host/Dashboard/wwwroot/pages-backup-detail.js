// A backup's detail: summary, checksums, copies, verification history, row counts, the manifest as a target stores it,
// and the orchestration timeline.
"use strict";
(function (BF) {
  const h = BF.h;
  const MGMT = "/runtime/webhooks/durabletask/instances";
  const CHECKS = { "full-read": "full read", "test-restore": "test restore", "stat": "stat" };

  function verificationHistory(ctx, id) {
    const card = BF.card("Verification history", h("p", { class: "muted" }, "Loading…"));
    BF.get("/api/backups/" + encodeURIComponent(id) + "/verifications").then(list => {
      if (!ctx.current()) return;
      card.replaceChildren(card.firstChild, BF.table("Every recorded check of this backup's copies, newest first.", [
        { title: "When", cell: v => BF.when(v.at) }, { title: "Target", cell: v => v.target || "" },
        { title: "Check", cell: v => CHECKS[v.kind] || v.kind },
        { title: "Result", cell: v => h("span", { class: v.passed ? "ok" : "bad" }, v.result) },
        { title: "Detail", cell: v => BF.longText(v.detail, 60) },
      ], list || [], v => ({ "data-check": v.kind })));
    }).catch(e => ctx.current() && card.replaceChildren(card.firstChild, h("p", { class: "bad" }, e.message)));
    return card;
  }

  // Collapsed until opened: reading a manifest goes to the target's storage, not the catalog.
  function storedManifest(id, targets) {
    const picker = h("select", { id: "m-target" }, targets.map(t => h("option", { value: t }, t)));
    const result = h("div", { "aria-live": "polite", "data-testid": "manifest-result" });
    // Only the newest read may write: an earlier read for another target can answer after it.
    let latest = 0;
    const read = async () => {
      const mine = ++latest;
      result.replaceChildren(h("p", { class: "muted" }, "Reading…"));
      try {
        const m = await BF.get(`/api/backups/${encodeURIComponent(id)}/manifest?target=${encodeURIComponent(picker.value)}`);
        if (mine !== latest) return;
        result.replaceChildren(...[
          h("p", { "data-testid": "manifest-verdict" }, h("span", { class: m.signed ? "ok" : "warn" }, m.signed ? "Signed" : "Unsigned (written before manifests were signed)"),
            " · ", h("span", { class: m.valid ? "ok" : "bad" }, m.valid ? "valid for this backup" : "not valid for this backup")),
          m.problem ? h("p", { class: "bad" }, BF.longText(m.problem)) : null,
          h("p", { class: "muted" }, "Stored at ", h("span", { class: "mono" }, m.key)),
          h("details", {}, h("summary", {}, "manifest.json"), h("pre", { class: "mono" }, JSON.stringify(m.manifest, null, 2)))].filter(Boolean));
      } catch (e) {
        if (mine !== latest) return;
        result.replaceChildren(h("p", { class: "bad", "data-testid": "manifest-problem" }, BF.longText(e.message, 120)));
      }
    };
    picker.addEventListener("change", read);
    const details = h("details", {}, h("summary", {}, "Read manifest.json from a target"),
      targets.length === 0 ? h("p", { class: "muted" }, "No copy of this backup is recorded.") : h("div", {},
        h("div", { class: "field" }, h("label", { for: "m-target" }, "Target"), picker),
        h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: read }, "Read manifest")), result));
    details.addEventListener("toggle", () => { if (details.open && !result.firstChild && targets.length) read(); });
    return BF.card("Manifest as stored on a target",
      h("p", { class: "muted" }, "Checked the way a restore checks it: parsed, validated, its signature verified, and matched with this backup."), details);
  }

  BF.pages.backupDetail = async function (main, ctx, id) {
    main.append(h("h1", {}, "Backup ", h("span", { class: "mono" }, id)));
    let b;
    try { b = await BF.get("/api/backups/" + encodeURIComponent(id)); } catch (e) { BF.fail(e); return; }
    const dl = (pairs) => h("dl", {}, pairs.filter(p => p[1] !== null && p[1] !== undefined && p[1] !== "").map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
    main.append(h("div", { class: "grid" },
      BF.card("Summary", dl([["Status", BF.statusText(b.status)], ["Kind", b.kind], ["Database", b.database], ["Tenant", b.tenantId],
        ["Taken", BF.when(b.createdAt)], ["Completed", BF.when(b.completedAt)], ["Raw size", BF.bytes(b.rawBytes)],
        ["Stored size", BF.bytes(b.storedBytes)], ["Error", BF.longText(b.error)]])),
      BF.card("Checksums and keys", dl([["SHA-256 of the stored bytes", h("span", { class: "mono", "data-testid": "stored-sha256" }, b.storedSha256)],
        ["Key id", h("span", { class: "mono" }, b.keyId || "")], ["Orchestration", h("span", { class: "mono" }, b.instanceId || "")]]))));
    main.append(BF.card("Copies and verification",
      BF.table("Each copy's last read-back: verified when its SHA-256 matched.", [
        { title: "Target", cell: c => c.target }, { title: "Object key", cell: c => h("span", { class: "mono" }, c.objectKey) },
        { title: "Verified", cell: c => c.verified ? h("span", { class: "ok" }, "yes") : h("span", { class: "bad" }, "no") },
        { title: "Verified at", cell: c => BF.when(c.verifiedAt) }, { title: "Last checked", cell: c => BF.when(c.lastCheckedAt) },
        { title: "Last error", cell: c => BF.longText(c.lastError) },
      ], b.copies || [])));
    main.append(verificationHistory(ctx, id));
    const rows = Object.entries(b.rowCounts || {});
    main.append(BF.card("Manifest: tables and row counts",
      BF.table("What a restore is compared with.", [{ title: "Table", cell: r => r[0] }, { title: "Rows", cell: r => String(r[1]) }], rows),
      BF.json(b)));
    main.append(storedManifest(id, (b.copies || []).map(c => c.target)));
    const timeline = BF.card("Orchestration timeline", h("p", { class: "muted" }, b.instanceId ? "Loading…" : "No orchestration recorded."));
    main.append(timeline);
    if (b.instanceId) {
      try {
        const s = await BF.get(MGMT + "/" + encodeURIComponent(b.instanceId) + "?showHistory=true&showInput=false");
        if (!ctx.current()) return;
        timeline.replaceChildren(timeline.firstChild, BF.table(`${s.name}: ${s.runtimeStatus}`, [
          { title: "Event", cell: e => e.EventType }, { title: "Activity", cell: e => e.FunctionName || "" },
          { title: "Scheduled", cell: e => BF.when(e.ScheduledTime) }, { title: "At", cell: e => BF.when(e.Timestamp) },
        ], s.historyEvents || []));
      } catch (e) { timeline.replaceChildren(timeline.firstChild, h("p", { class: "muted" }, e.message)); }
    }
  };
})(window.BF);
