// Integrations (admins): webhook endpoints from /api/v1/admin/webhooks and the dead deliveries
// from /api/v1/admin/webhook-deliveries. A new endpoint's signing secret is shown once, in its own
// box with a copy button, until the admin says it was copied (or for at most 5 minutes).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, showError, fill, el } = window.awnAdmin;
  const EVENTS = [["request.registered", "wh-ev-registered", "wh_ev_registered"], ["committee.decided", "wh-ev-decided", "wh_ev_decided"], ["rating.low", "wh-ev-rating", "wh_ev_rating"]];
  const SECRET_SHOWN_MS = 5 * 60 * 1000;
  const st = { endpoints: [], dead: [], confirming: null, secret: null };
  let secretTimer = 0;
  const when = (local) => (local ? new Date(local).toLocaleString(awnLang.current === "ar" ? "ar-SA" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Riyadh" }) : "");

  function button(text, cls, id, onClick) {
    const b = el("button", cls, text);
    b.type = "button";
    if (id) b.id = id;
    b.addEventListener("click", onClick);
    return b;
  }

  function eventWords(e, threshold) {
    if (e === "rating.low") return fill("wh_ev_rating_at", { n: threshold });
    const found = EVENTS.find((x) => x[0] === e);
    return found ? awnLang.t(found[2]) : e;
  }

  async function load() {
    const [endpoints, dead] = await Promise.all([api("GET", "/api/v1/admin/webhooks"), api("GET", "/api/v1/admin/webhook-deliveries/dead")]);
    if (!endpoints.ok || !dead.ok) return;
    st.endpoints = endpoints.json;
    st.dead = dead.json;
    $("webhooks").classList.remove("hidden");
    render();
  }

  function render() {
    const rows = $("wh-rows");
    rows.replaceChildren();
    for (const w of st.endpoints) {
      const tr = el("tr", w.active ? "" : "off");
      tr.dataset.webhook = String(w.id);
      const url = el("td");
      url.append(el("span", "ltr", w.url));
      const sep = awnLang.current === "ar" ? "، " : ", ";
      tr.append(url, el("td", null, w.events.map((e) => eventWords(e, w.rating_threshold)).join(sep)), el("td", null, String(w.pending)),
        el("td", null, String(w.dead)), el("td", null, awnLang.t(w.active ? "wh_st_active" : "wh_st_inactive")));
      const actions = el("td", "actions");
      if (w.active) actions.append(button(awnLang.t("wh_deactivate"), "secondary", "wh-stop-" + w.id, () => act("POST", "/api/v1/admin/webhooks/" + w.id + "/deactivate")));
      actions.append(" ", button(awnLang.t("wh_delete"), "danger", "wh-delete-" + w.id, () => { st.confirming = w.id; render(); }));
      tr.append(actions);
      rows.append(tr);
      if (st.confirming === w.id) {
        const c = el("tr", "confirm");
        const td = el("td");
        td.colSpan = 6;
        td.append(el("span", null, awnLang.t("wh_delete_confirm")), " ",
          button(awnLang.t("wh_delete_yes"), "danger", "wh-delete-yes-" + w.id, () => act("DELETE", "/api/v1/admin/webhooks/" + w.id)), " ",
          button(awnLang.t("ad_cancel"), "secondary", null, () => { st.confirming = null; render(); }));
        c.append(td);
        rows.append(c);
      }
    }
    const dead = $("wh-dead-rows");
    dead.replaceChildren();
    for (const d of st.dead) {
      const tr = el("tr");
      tr.dataset.delivery = String(d.id);
      const url = el("td");
      url.append(el("span", "ltr", d.url));
      const error = el("td");
      error.append(el("span", "ltr", d.last_error || "—"));
      const endpoint = st.endpoints.find((w) => w.id === d.endpoint);
      tr.append(el("td", null, eventWords(d.event_type, endpoint ? endpoint.rating_threshold : "")), url, el("td", null, String(d.attempts)), error, el("td", null, when(d.failed_at)));
      const actions = el("td", "actions");
      actions.append(button(awnLang.t("wh_replay"), "secondary", "wh-replay-" + d.id, () => act("POST", "/api/v1/admin/webhook-deliveries/" + d.id + "/replay", "wh-dead-error")));
      tr.append(actions);
      dead.append(tr);
    }
    $("wh-dead-none").classList.toggle("hidden", st.dead.length > 0);
    renderSecret();
  }

  async function act(method, path, errorId) {
    const r = await api(method, path);
    showError(errorId || "wh-list-error", r);
    st.confirming = null;
    await load();
  }

  function renderSecret() {
    $("wh-secret-box").classList.toggle("hidden", !st.secret);
    $("wh-secret").textContent = st.secret || "";
    if (!st.secret) $("wh-copied").classList.add("hidden");
  }

  function forgetSecret() {
    clearTimeout(secretTimer);
    st.secret = null;
    renderSecret();
  }

  $("wh-secret-done").addEventListener("click", forgetSecret);
  $("wh-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(st.secret || "");
      $("wh-copied").classList.remove("hidden");
    } catch (_) {
      // No clipboard (an insecure context): select the text for Ctrl+C.
      const range = document.createRange();
      range.selectNodeContents($("wh-secret"));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
  });

  $("wh-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const events = EVENTS.filter((x) => $(x[1]).checked).map((x) => x[0]);
    const t = $("wh-threshold").value;
    const body = { url: $("wh-url").value, events };
    if (t !== "" || events.includes("rating.low")) body.rating_threshold = t === "" ? null : Number(t);
    $("wh-add-btn").disabled = true;
    const r = await api("POST", "/api/v1/admin/webhooks", body);
    $("wh-add-btn").disabled = false;
    showError("wh-error", r);
    if (!r.ok) return;
    $("wh-url").value = "";
    $("wh-threshold").value = "";
    for (const x of EVENTS) $(x[1]).checked = false;
    st.secret = r.json.secret;
    clearTimeout(secretTimer);
    secretTimer = setTimeout(forgetSecret, SECRET_SHOWN_MS);
    await load();
    $("wh-secret-box").scrollIntoView({ block: "nearest" });
    $("wh-copy").focus();
  });

  document.addEventListener("awn-lang", () => {
    render();
    for (const id of ["wh-error", "wh-list-error", "wh-dead-error"]) if ($(id)._reply) showError(id, $(id)._reply);
  });
  load();
})();
