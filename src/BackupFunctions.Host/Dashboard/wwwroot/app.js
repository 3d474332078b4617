// The router and the sign-in: pages are hash routes (#/backups/...), so the key never appears in a URL.
"use strict";
(function (BF) {
  const h = BF.h;
  BF.pages = BF.pages || {};
  let generation = 0;

  const routes = [
    [/^#?\/?$/, "dashboard"],
    [/^#\/backups$/, "backups"],
    [/^#\/backups\/(.+)$/, "backupDetail"],
    [/^#\/backup\/new$/, "manualBackup"],
    [/^#\/restore$/, "restoreWizard"],
    [/^#\/restores$/, "restores"],
    [/^#\/alerts$/, "alerts"],
    [/^#\/dr$/, "dr"],
  ];

  function signInPage(main) {
    const key = h("input", { id: "key", type: "password", autocomplete: "off", required: true, "aria-describedby": "key-hint" });
    const user = h("input", { id: "user", type: "text", autocomplete: "username" });
    const form = h("form", { class: "card", "aria-label": "Sign in" },
      h("h1", {}, "Sign in"),
      h("div", { class: "field" }, h("label", { for: "key" }, "Function or admin key"), key,
        h("span", { id: "key-hint", class: "muted" }, "Kept in this tab only (session storage) and sent as the x-functions-key header. Restores, DR and acknowledging alerts need the admin key.")),
      h("div", { class: "field" }, h("label", { for: "user" }, "Your name (recorded when you acknowledge or approve)"), user),
      h("div", { class: "actions" }, h("button", { type: "submit" }, "Sign in")));
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      BF.session.signIn(key.value.trim(), user.value.trim());
      try {
        await BF.get("/api/backups?limit=1");
        // A host without /api/whoami (older) leaves the level unknown: the page then offers everything and the API decides.
        try { const me = await BF.get("/api/whoami"); if (me && me.level) BF.session.setLevel(me.level); } catch { /* unknown level */ }
        BF.message("");
        route();
      } catch (err) {
        BF.session.signOut();
        BF.message(err.status === 401 ? "That key was not accepted. Check it and try again." : err.message);
      }
    });
    main.append(form);
    key.focus();
  }

  async function route() {
    const main = document.getElementById("main");
    const mine = ++generation;
    const ctx = { current: () => mine === generation };
    main.replaceChildren();
    const nav = document.getElementById("nav");
    if (!BF.session.key()) { nav.hidden = true; signInPage(main); return; }
    nav.hidden = false;
    document.getElementById("key-level").textContent = BF.session.level() ? BF.session.level() + " key" : "";
    const hash = location.hash || "#/";
    for (const a of nav.querySelectorAll("a")) {
      if (a.getAttribute("href") === hash || (hash.startsWith("#/backups/") && a.getAttribute("href") === "#/backups")) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    }
    for (const [pattern, name] of routes) {
      const m = hash.match(pattern);
      if (m) {
        try { await BF.pages[name](main, ctx, m[1] ? decodeURIComponent(m[1]) : undefined); }
        catch (e) { if (ctx.current()) BF.fail(e); }
        return;
      }
    }
    main.append(h("p", {}, "No such page. ", h("a", { href: "#/" }, "Dashboard")));
  }

  window.addEventListener("hashchange", () => { BF.message(""); route(); });
  document.addEventListener("DOMContentLoaded", () => {
    document.getElementById("signout").addEventListener("click", () => { BF.session.signOut(); BF.message(""); location.hash = "#/"; route(); });
    route();
  });
})(window.BF);
