// Calls to the host's API with the signed-in key. The key lives in sessionStorage only (gone when the tab closes) and
// travels in the x-functions-key header, never in a URL, so it does not land in history, logs or Referer headers.
"use strict";
window.BF = window.BF || {};
(function (BF) {
  const KEY = "bf.key", USER = "bf.user", LEVEL = "bf.level";

  BF.session = {
    key: () => sessionStorage.getItem(KEY),
    user: () => sessionStorage.getItem(USER) || "",
    // "admin" or "function", from GET /api/whoami at sign-in. Only decides what the page offers: the API checks every call.
    level: () => sessionStorage.getItem(LEVEL) || "",
    isAdmin: () => sessionStorage.getItem(LEVEL) !== "function",
    signIn(key, user) { sessionStorage.setItem(KEY, key); sessionStorage.setItem(USER, user || ""); sessionStorage.removeItem(LEVEL); },
    setLevel(level) { sessionStorage.setItem(LEVEL, level); },
    signOut() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(USER); sessionStorage.removeItem(LEVEL); },
  };

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  BF.ApiError = ApiError;

  // The API answers with absolute URLs (statusQueryGetUri, sendEventPostUri); only their path is called, on this origin.
  BF.localPath = (url) => { const u = new URL(url, location.origin); return u.pathname + u.search; };

  function explain(status, body) {
    const detail = body && (body.detail || body.title || body.message);
    if (status === 401) return "The key was not accepted (401). Sign out and sign in again with a function or admin key.";
    if (status === 403) return "This action needs the admin key (403): you are signed in with a function key. " + (detail || "");
    return detail ? `${detail} (${status})` : `The host answered ${status}.`;
  }

  BF.api = async function (method, path, body) {
    const headers = { "Accept": "application/json" };
    const key = BF.session.key();
    if (key) headers["x-functions-key"] = key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch (e) {
      throw new ApiError(0, "The host could not be reached: " + e.message);
    }
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    // 202 is also how the status endpoint says "still running", with the status as its body.
    if (!response.ok) throw new ApiError(response.status, explain(response.status, json));
    return json;
  };
  BF.get = (path) => BF.api("GET", path);
  BF.post = (path, body) => BF.api("POST", path, body === undefined ? null : body);

  const FINISHED = ["Completed", "Failed", "Terminated", "Canceled"];
  BF.isFinished = (status) => FINISHED.includes(status && status.runtimeStatus);

  // Follows an orchestration's status until it finishes, calling onUpdate with each answer; stops when the page changes.
  BF.follow = async function (statusUrl, onUpdate, isCurrent, intervalMs) {
    const path = BF.localPath(statusUrl);
    for (;;) {
      if (!isCurrent()) return null;
      let status;
      try { status = await BF.get(path + (path.includes("?") ? "&" : "?") + "showHistory=false"); }
      catch (e) { onUpdate(null, e); return null; }
      onUpdate(status, null);
      if (BF.isFinished(status)) return status;
      await new Promise(r => setTimeout(r, intervalMs || 1000));
    }
  };
})(window.BF);
