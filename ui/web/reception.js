// Reception issues a number (kiosk down, a visitor on the phone): the kiosk's choices, sent to
// POST /api/v1/reception/tickets, which applies the kiosk's rules. One Idempotency-Key per
// visitor's request: a double click or a retry of the same choices gets the same ticket. The
// result (label, QR, status link) and every field are cleared for the next visitor and on
// sign-out. The QR is SVG drawn by the server; the link is never put in a URL of ours.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const rc = { notice: null, services: [], key: null, keyFor: "", pending: false, ticket: null };

  function newKey() {
    const b = new Uint8Array(18);
    crypto.getRandomValues(b);
    return "rc-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function serviceName(code) {
    const s = rc.services.find((x) => x.code === code);
    return s ? s.name[awnLang.current] : code;
  }

  function renderServices() {
    const sel = $("rc-service");
    const chosen = sel.value;
    sel.textContent = "";
    for (const s of rc.services) {
      const o = document.createElement("option");
      o.value = s.code;
      o.textContent = s.name[awnLang.current];
      sel.appendChild(o);
    }
    if (chosen) sel.value = chosen;
  }

  function renderNotice() {
    $("rc-notice").textContent = rc.notice ? rc.notice.text[awnLang.current] : "";
  }

  // What the kiosk would send for these choices (awn-core's TicketRequest).
  function request() {
    const body = { service: $("rc-service").value, priority: $("rc-priority").checked ? "priority" : "normal" };
    if ($("rc-unsafe").checked) body.feels_unsafe = true;
    if ($("rc-details").checked) {
      const text = (id) => $(id).value.trim() || undefined;
      const needs = {};
      document.querySelectorAll("#rc-needs [data-need]").forEach((c) => { if (c.checked) needs[c.dataset.need] = true; });
      body.intake = { notice_version: rc.notice ? rc.notice.version : "", name: text("rc-name"), national_id: text("rc-nid"), mobile: text("rc-mobile"), needs };
      if ($("rc-gender").value) body.gender_preference = $("rc-gender").value;
    }
    return body;
  }

  async function issue(e) {
    e.preventDefault();
    if (rc.pending) return; // a double click: the first request is on its way
    const { api, showError } = window.awnConsole;
    if ($("rc-details").checked && !$("rc-consent").checked) {
      showError("rc-error", { ok: false, json: { code: "consent_not_given" } });
      return;
    }
    const body = request();
    const same = JSON.stringify(body);
    // The same choices again (a retry after an error) keep the key; other choices get a new one.
    if (!rc.key || rc.keyFor !== same) { rc.key = newKey(); rc.keyFor = same; }
    rc.pending = true;
    $("rc-issue").disabled = true;
    const r = await api("POST", "/api/v1/reception/tickets", body, true, { "Idempotency-Key": rc.key });
    rc.pending = false;
    $("rc-issue").disabled = false;
    showError("rc-error", r);
    if (r.ok) show(r.json);
  }

  function show(t) {
    rc.ticket = t;
    $("rc-form").classList.add("hidden");
    $("rc-label").textContent = t.ticket.label;
    $("rc-ticket-label").textContent = t.ticket.label;
    renderResult();
    // Drawn by our server from the status link; contains no script.
    $("rc-qr").innerHTML = t.status_qr_svg;
    $("rc-ticket-qr").innerHTML = t.status_qr_svg;
    $("rc-url").value = t.status_url;
    $("rc-result").classList.remove("hidden");
    // The section sits below the desk's own work: bring the number and its QR into view.
    $("rc-print").focus({ preventScroll: true });
    $("rc-result").scrollIntoView({ block: "start" });
  }

  function renderResult() {
    if (!rc.ticket) return;
    const name = serviceName(rc.ticket.ticket.service);
    $("rc-service-name").textContent = name;
    $("rc-ticket-service").textContent = name;
  }

  // Nothing of one visitor is left for the next: fields, ticks, the result and its QR.
  function clear() {
    rc.ticket = null;
    rc.key = null;
    rc.keyFor = "";
    $("rc-form").reset();
    $("rc-intake").classList.add("hidden");
    for (const id of ["rc-label", "rc-service-name", "rc-qr", "rc-ticket-label", "rc-ticket-service", "rc-ticket-qr"]) $(id).textContent = "";
    $("rc-url").value = "";
    $("rc-result").classList.add("hidden");
    $("rc-form").classList.remove("hidden");
    if (window.awnConsole) window.awnConsole.showError("rc-error", null);
  }

  // The services on offer (a hidden one takes no new tickets) and the notice to read aloud.
  async function loadChoices() {
    const { api } = window.awnConsole;
    const [sv, notice] = await Promise.all([api("GET", "/api/v1/services"), api("GET", "/api/v1/intake-notice")]);
    if (sv.ok) rc.services = sv.json.services.filter((s) => !s.hidden);
    if (notice.ok) rc.notice = notice.json;
    renderServices();
    renderNotice();
  }

  let may = false;
  document.addEventListener("awn-signed-in", async (e) => {
    const me = e.detail;
    may = me.role === "reception" || me.role === "supervisor";
    $("reception").classList.toggle("hidden", !may);
    clear();
    if (may) await loadChoices();
  });
  // Administration changed the services or the notice: offer what is in force now.
  document.addEventListener("awn-settings-changed", () => { if (may) loadChoices(); });
  document.addEventListener("awn-signed-out", () => {
    may = false;
    clear();
    rc.services = [];
    rc.notice = null;
    $("rc-service").textContent = "";
    $("rc-notice").textContent = "";
    $("reception").classList.add("hidden");
  });
  document.addEventListener("awn-lang", () => { renderServices(); renderNotice(); renderResult(); });

  $("rc-details").addEventListener("change", () => $("rc-intake").classList.toggle("hidden", !$("rc-details").checked));
  $("rc-form").addEventListener("submit", issue);
  $("rc-print").addEventListener("click", () => window.print());
  $("rc-next").addEventListener("click", () => { clear(); $("rc-service").focus(); });
  // After printing, the next visitor: the ticket is on paper, nothing stays on screen.
  window.addEventListener("afterprint", () => { if (rc.ticket) clear(); });
})();
