// The staff console. Talks to /api/v1 with the HttpOnly session cookie (the script never sees a
// token); live updates come from the event stream, never from polling. Every piece of visitor
// text is set with textContent inside dir="auto" elements, never as HTML.
//
// Two rules shape this file:
// - The current visitor changes only through `setCurrent`; whenever it changes (or the user
//   signs out, or the session ends) `forgetVisitor` empties every field, reveal and outcome, so
//   nothing of one visitor reaches the next.
// - Only requests a person caused carry `X-Awn-Activity: user`; they alone restart the session's
//   idle timer, here and on the server. Background refreshes never do, so an unattended console
//   signs itself out and clears the screen.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const ITEMS = ["documents_checked", "data_confirmed", "committee_told"];
  // Staff tick these; "data confirmed" is ticked only by the applicant's confirmation (6.4).
  const TICKABLE = ["documents_checked", "committee_told"];
  // Error lines next to the visitor's actions; cleared with the visitor.
  const VISIT_ERRORS = ["call-error", "visit-error", "checklist-error", "refer-error", "transfer-error", "finish-error", "edit-error", "documents-error", "confirm-error"];
  const state = { revealed: null, me: null, services: {}, serviceOrder: [], queue: null, current: null, visit: null, confirmation: null, finished: null, alerts: new Map(), events: null, refreshTimer: 0 };
  const idle = { deadline: 0, timer: 0, lastPing: 0 };

  // ----- talking to the server -----
  // `user` marks a request a person caused (a click, typing): it restarts the idle timer.
  async function api(method, path, body, user, extraHeaders) {
    const headers = Object.assign(body === undefined ? {} : { "Content-Type": "application/json" }, extraHeaders);
    if (user) { headers["X-Awn-Activity"] = "user"; noteActivity(); }
    let res;
    try {
      res = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (_) {
      return { ok: false, status: 0, json: { code: "network" } };
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
    // Refused because the idle time ran out (the server's timer may end a moment before ours).
    if (res.status === 401 && path !== "/web/login" && state.me) showLogin(Date.now() >= idle.deadline - 2000 ? "idle" : "ended");
    return { ok: res.ok, status: res.status, json };
  }

  // A refusal in the staff member's words (console-words.js), never the developer's message.
  function words(r) {
    const code = r.json && r.json.code;
    const key = "err_" + code;
    if (code && AWN_I18N.ar[key]) return awnLang.t(key);
    // A field's rule (the kiosk's, from awn-core) explains itself in both languages, and so does
    // "closed now" (with the next opening), which reception meets when issuing a number.
    if (r.json && (r.json.field || code === "branch_closed") && r.json.message && r.json.message[awnLang.current]) return r.json.message[awnLang.current];
    if (awnLang.current === "ar" && r.json && r.json.message && r.json.message.ar) return r.json.message.ar;
    return awnLang.t("err_generic");
  }

  // Shows `r`'s refusal in the element `el` next to the action (or clears it when `r` is ok).
  function showError(el, r) {
    const e = $(el);
    if (!r || r.ok) { e.textContent = ""; delete e.dataset.code; return; }
    e.textContent = words(r);
    e.dataset.code = (r.json && r.json.code) || "";
    e._reply = r;
  }
  // For reception.js (reception issues a number): the same requests and refusals.
  window.awnConsole = { api, showError };
  function rewordErrors() {
    document.querySelectorAll(".error").forEach((e) => { if (e._reply && e.textContent) e.textContent = words(e._reply); });
  }

  // ----- the idle timer (the server keeps the same one) -----
  function noteActivity() {
    if (!state.me) return;
    idle.deadline = Date.now() + state.me.idle_seconds * 1000;
    clearTimeout(idle.timer);
    idle.timer = setTimeout(checkIdle, state.me.idle_seconds * 1000 + 50);
  }
  function checkIdle() {
    if (!state.me) return;
    const left = idle.deadline - Date.now();
    if (left <= 0) { showLogin("idle"); return; }
    clearTimeout(idle.timer);
    idle.timer = setTimeout(checkIdle, left + 50);
  }
  document.addEventListener("visibilitychange", checkIdle);
  // Typing causes no request by itself; a person typing a long note is still there.
  document.addEventListener("input", () => {
    if (!state.me) return;
    const every = Math.min(60, state.me.idle_seconds / 3) * 1000;
    if (Date.now() - idle.lastPing < every) return;
    idle.lastPing = Date.now();
    api("GET", "/api/v1/me", undefined, true);
  });

  function idleWords(seconds) {
    const s = seconds;
    return s >= 60 && s % 60 === 0
      ? awnLang.t("session_idle_minutes").replace("{n}", String(s / 60))
      : awnLang.t("session_idle_seconds").replace("{n}", String(s));
  }

  // ----- the current visitor: the one way it changes -----
  function forgetVisitor() {
    state.visit = null;
    state.revealed = null;
    $("finish-note").value = "";
    $("refer-reason").value = "";
    $("outcome-select").selectedIndex = 0;
    $("transfer-target").value = "";
    for (const item of ITEMS) {
      $("check-" + item).checked = false;
      $("done-" + item).textContent = "";
    }
    for (const id of ["intake-name", "intake-nid", "intake-mobile", "intake-needs", "referral-reason", "current-label", "current-state"]) $(id).textContent = "";
    $("referral").classList.add("hidden");
    $("intake").classList.add("hidden");
    $("checklist-hint").classList.add("hidden");
    // What the staff member typed about this visitor goes with them.
    $("edit-value").value = "";
    $("edit-field").selectedIndex = 0;
    $("desk-consent").checked = false;
    $("notice-text").textContent = "";
    $("documents").textContent = "";
    delete $("documents").dataset.ticket;
    delete $("documents").dataset.shown;
    state.confirmation = null;
    $("confirm-state").textContent = "";
    VISIT_ERRORS.forEach((id) => showError(id, null));
  }

  // The visitor at this desk is now `ticket` (or nobody). Returns whether it is another visitor.
  function setCurrent(ticket) {
    const before = state.current;
    const other = (ticket ? ticket.id : null) !== (before ? before.id : null);
    if (other) {
      forgetVisitor();
      if (ticket) { hideOutcomes(); }
    }
    state.current = ticket || null;
    return other;
  }

  function hideOutcomes() {
    $("finished").classList.add("hidden");
    $("finished-label").textContent = "";
    $("follow-up-date").textContent = "";
    $("follow-up-reference").textContent = "";
    $("follow-up-forms").classList.add("hidden");
    state.finished = null;
    $("done-note").classList.add("hidden");
    $("done-note").textContent = "";
  }

  function showDone(key, label) {
    hideOutcomes();
    $("done-note").textContent = awnLang.t(key).replace("{label}", label);
    $("done-note").dataset.key = key;
    $("done-note").dataset.label = label;
    $("done-note").classList.remove("hidden");
  }

  // ----- login -----
  // Back to the login form; `why` is "idle" or "ended" when the session ended by itself.
  function showLogin(why) {
    const seconds = state.me ? state.me.idle_seconds : 0;
    const reason = why === "idle" ? idleWords(seconds) : why === "ended" ? awnLang.t("session_ended") : "";
    if (state.events) { state.events.close(); state.events = null; }
    clearTimeout(idle.timer);
    clearTimeout(state.refreshTimer);
    // Nothing of the previous user's work stays on screen for the next one.
    document.dispatchEvent(new CustomEvent("awn-signed-out"));
    setCurrent(null);
    forgetVisitor();
    hideOutcomes();
    Object.assign(state, { me: null, queue: null, current: null, visit: null, revealed: null });
    state.alerts.clear();
    for (const id of ["desk-select", "waiting-list", "at-desk-list", "alert-list", "who", "desk-id", "desk-state", "transfer-target"]) $(id).textContent = "";
    $("queue-lines").querySelector("tbody").textContent = "";
    ["action-error", "at-desks-error"].forEach((id) => showError(id, null));
    closeReference(true);
    closeReopened();
    $("app").classList.add("hidden");
    $("logout-btn").classList.add("hidden");
    $("board-link").classList.add("hidden");
    $("appointments-link").classList.add("hidden");
    $("report-link").classList.add("hidden");
    $("login-user").value = "";
    $("login-pass").value = "";
    showError("login-error", null);
    $("login-reason").textContent = reason;
    $("login-reason").dataset.why = why || "";
    $("login-reason").dataset.seconds = String(seconds);
    $("login-reason").classList.toggle("hidden", !reason);
    $("login").classList.remove("hidden");
    $("login-user").focus();
  }

  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("login-btn").disabled = true;
    const r = await api("POST", "/web/login", { username: $("login-user").value, password: $("login-pass").value }, true);
    $("login-btn").disabled = false;
    $("login-pass").value = "";
    if (!r.ok) { showError("login-error", r); return; }
    showError("login-error", null);
    $("login-user").value = "";
    $("login-reason").classList.add("hidden");
    $("login-reason").textContent = "";
    await start(true);
  });

  $("logout-btn").addEventListener("click", async () => {
    await api("POST", "/web/logout", undefined, true);
    showLogin();
  });

  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", () => {
    render();
    renderVisit();
    renderConfirmation();
    renderAlerts();
    if (state.requests && follows()) renderRequests(state.requests);
    renderReference();
    rewordErrors();
    const why = $("login-reason").dataset.why;
    if (why) $("login-reason").textContent = why === "idle" ? idleWords(Number($("login-reason").dataset.seconds)) : awnLang.t("session_ended");
    const done = $("done-note");
    if (done.dataset.key && done.textContent) done.textContent = awnLang.t(done.dataset.key).replace("{label}", done.dataset.label);
  });

  // ----- start-up -----
  // `user`: a person caused it (login, opening the page), not a reconnection.
  async function start(user) {
    const me = await api("GET", "/api/v1/me", undefined, user);
    if (!me.ok) { if (me.status === 401) showLogin(); return; }
    state.me = me.json;
    if (user) noteActivity();
    $("login").classList.add("hidden");
    $("app").classList.remove("hidden");
    $("logout-btn").classList.remove("hidden");
    $("who").textContent = state.me.display_name;
    const sv = await api("GET", "/api/v1/services");
    if (sv.ok) {
      state.serviceOrder = sv.json.services.map((s) => s.code);
      sv.json.services.forEach((s) => { state.services[s.code] = s.name; });
    }
    $("alerts").classList.toggle("hidden", !state.me.supervisor);
    $("at-desks").classList.toggle("hidden", !state.me.supervisor);
    // The live board is for supervisors and admins (the server checks it too).
    $("board-link").classList.toggle("hidden", !["supervisor", "admin"].includes(state.me.role));
    // Reception and supervisors book for callers on the phone; the administrator sets the slots.
    $("appointments-link").classList.toggle("hidden", !["reception", "supervisor", "admin"].includes(state.me.role));
    $("report-link").classList.toggle("hidden", !["supervisor", "admin"].includes(state.me.role));
    if (state.me.supervisor) await loadAlerts();
    document.dispatchEvent(new CustomEvent("awn-signed-in", { detail: state.me }));
    startRequests();
    startReference();
    connect();
    await refresh();
    if (user) focusNext();
  }

  // Administration changed services, desks or the notice: the service names, the desks this
  // person may sign in at and the queue as they are now (reception.js reloads its own choices).
  async function reloadSettings() {
    const [me, sv] = await Promise.all([api("GET", "/api/v1/me"), api("GET", "/api/v1/services")]);
    if (!state.me) return;
    if (me.ok) state.me.desks = me.json.desks;
    if (sv.ok) {
      state.serviceOrder = sv.json.services.map((s) => s.code);
      sv.json.services.forEach((s) => { state.services[s.code] = s.name; });
    }
    document.dispatchEvent(new CustomEvent("awn-settings-changed"));
    scheduleRefresh();
  }

  function connect() {
    if (state.events) state.events.close();
    const es = new EventSource("/api/v1/events");
    state.events = es;
    // On every (re)connection, reload what may have happened before the stream was open; a
    // reconnection also gets the events it missed (EventSource sends Last-Event-ID), or a reset
    // when the server no longer has them: reload then too.
    const reload = () => {
      scheduleRefresh();
      if (state.me && state.me.supervisor) loadAlerts();
    };
    es.addEventListener("hello", () => { $("conn").classList.add("hidden"); reload(); });
    es.addEventListener("reset", reload);
    for (const kind of ["issued", "called", "recalled", "started", "finished", "no_show", "returned", "referred", "transferred", "cancelled", "expired", "desk_changed", "reclassed", "checked_in", "moved_back"]) {
      es.addEventListener(kind, scheduleRefresh);
    }
    es.addEventListener("settings_changed", reloadSettings);
    es.addEventListener("alert", (e) => { const a = JSON.parse(e.data); alertArrived(a.id, a); state.alerts.set(a.id, a); renderAlerts(); });
    es.addEventListener("alert_acknowledged", (e) => { const id = JSON.parse(e.data).id; alertArrived(id, null); state.alerts.delete(id); renderAlerts(); });
    es.onerror = () => {
      if (!state.me) return;
      $("conn").classList.remove("hidden");
      if (es.readyState === EventSource.CLOSED) setTimeout(() => { if (state.me) start(false); }, 3000);
    };
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, 50);
  }

  // Reloads who I am and the queue (background requests: they do not count as activity).
  // Refreshes overlap (the stream, an action's own); only the newest may set the current
  // visitor, or a slow older answer would swap the visitor out and back and clear the screen.
  let refreshes = 0;
  async function refresh() {
    if (!state.me) return;
    const mine = ++refreshes;
    const me = await api("GET", "/api/v1/me");
    if (!me.ok || !state.me || mine !== refreshes) return;
    state.me = me.json;
    const q = await api("GET", "/api/v1/queue");
    if (!q.ok || !state.me || mine !== refreshes) return;
    state.queue = q.json;
    const desk = state.me.desk;
    const current = desk ? q.json.tickets.find((t) => t.desk === desk && (t.state === "called" || t.state === "serving")) : null;
    const before = state.current;
    const other = setCurrent(current);
    if (current && (other || before.state !== current.state)) {
      await loadVisit(current.id);
      await loadConfirmation(current.id);
    }
    render();
    renderVisit();
  }

  // ----- focus: after each action, the next sensible control -----
  function focusFirst(ids) {
    for (const id of ids) {
      const el = $(id);
      if (el && !el.disabled && el.offsetParent !== null) { el.focus(); return; }
    }
  }
  function focusNext() {
    if (!state.me) return;
    if (state.me.desk == null) { focusFirst(["desk-select", "sign-in-btn"]); return; }
    const cur = state.current;
    if (!cur) { focusFirst(["call-next-btn", "break-btn"]); return; }
    if (cur.state === "called") { focusFirst(["start-btn"]); return; }
    const open = TICKABLE.map((i) => "check-" + i).filter((id) => !$(id).checked);
    focusFirst([...open, "finish-btn"]);
  }

  // ----- desk -----
  $("sign-in-btn").addEventListener("click", async () => {
    const desk = $("desk-select").value;
    const r = await api("POST", "/api/v1/desks/" + desk + "/sign-in", undefined, true);
    showError("action-error", r);
    if (r.ok && state.me) { try { localStorage.setItem("awn.desk." + state.me.id, desk); } catch (_) { /* private mode */ } }
    await refresh();
    focusNext();
  });
  $("sign-out-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/desks/" + state.me.desk + "/sign-out", undefined, true);
    showError("action-error", r);
    await refresh();
    focusNext();
  });
  $("break-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/desks/" + state.me.desk + (state.me.paused ? "/resume" : "/pause"), undefined, true);
    showError("action-error", r);
    await refresh();
    focusFirst(["call-next-btn", "break-btn"]);
  });

  // ----- the visitor's actions -----
  // Runs an action a person asked for; its refusal goes to `errorEl` next to the control. When
  // `done` is given and the action succeeds, the visitor has left this desk: the fields are
  // emptied at once (not only when the refresh notices) and `done` is confirmed on screen.
  async function act(path, body, errorEl, done) {
    const label = state.current ? state.current.label : "";
    const r = await api("POST", path, body, true);
    showError(errorEl, r);
    if (r.ok && done) { setCurrent(null); showDone(done, label); }
    await refresh();
    focusNext();
    return r;
  }
  const ticketPath = (what) => "/api/v1/tickets/" + state.current.id + "/" + what;
  $("call-next-btn").addEventListener("click", () => act("/api/v1/desks/" + state.me.desk + "/call-next", undefined, "call-error"));
  $("recall-btn").addEventListener("click", () => act(ticketPath("recall"), undefined, "visit-error"));
  $("start-btn").addEventListener("click", () => act(ticketPath("start"), undefined, "visit-error"));
  $("no-show-btn").addEventListener("click", () => act(ticketPath("no-show"), undefined, "visit-error", "done_no_show"));
  $("return-btn").addEventListener("click", () => act(ticketPath("return"), undefined, "visit-error", "done_returned"));
  $("refer-btn").addEventListener("click", () => act(ticketPath("refer"), { reason: $("refer-reason").value }, "refer-error", "done_referred"));
  $("transfer-btn").addEventListener("click", () => {
    const body = transferBody($("transfer-target").value);
    if (!body) { showError("transfer-error", { ok: false, json: { code: "transfer_target" } }); return; }
    act(ticketPath("transfer"), body, "transfer-error", "done_transferred");
  });
  $("cancel-btn").addEventListener("click", () => act(ticketPath("cancel"), undefined, "transfer-error", "done_cancelled"));
  $("finish-btn").addEventListener("click", async () => {
    const label = state.current.label;
    const body = { outcome: $("outcome-select").value };
    if ($("finish-note").value.trim()) body.note = $("finish-note").value;
    const r = await api("POST", ticketPath("finish"), body, true);
    showError("finish-error", r);
    if (r.ok) {
      setCurrent(null);
      hideOutcomes();
      $("finished").classList.remove("hidden");
      $("finished-label").textContent = label;
      const fu = r.json.follow_up;
      $("follow-up").classList.toggle("hidden", !fu);
      $("follow-up-date").textContent = fu ? fu.earliest_answer_date : "";
      $("follow-up-reference").textContent = fu ? fu.reference || "" : "";
      // Whoever registered the request may print its form for the paper file and the applicant.
      state.finished = fu ? r.json.id : null;
      $("follow-up-forms").classList.toggle("hidden", !fu);
      // A request registered here joins the committee's list at once.
      if (fu && follows()) loadRequests();
    }
    await refresh();
    focusNext();
  });
  $("outcome-select").addEventListener("change", renderVisit);

  function transferBody(value) {
    if (value.startsWith("service:")) return { service: value.slice(8) };
    if (value.startsWith("desk:")) return { desk: Number(value.slice(5)) };
    return null;
  }

  // The lines and desks a visitor can be transferred to (`exceptDesk`: where they are now).
  function fillTargets(sel, exceptDesk) {
    const chosen = sel.value;
    sel.textContent = "";
    const add = (parent, value, text) => {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = text;
      parent.appendChild(o);
    };
    add(sel, "", awnLang.t("choose_target"));
    const lines = document.createElement("optgroup");
    lines.label = awnLang.t("to_line");
    state.serviceOrder.forEach((code) => add(lines, "service:" + code, serviceName(code)));
    sel.appendChild(lines);
    const desks = document.createElement("optgroup");
    desks.label = awnLang.t("to_desk");
    (state.queue ? state.queue.desks : []).filter((d) => d.id !== exceptDesk).forEach((d) => add(desks, "desk:" + d.id, awnLang.t("to_desk") + " " + d.id));
    sel.appendChild(desks);
    sel.value = chosen;
    if (sel.value !== chosen) sel.value = "";
  }

  // ----- the visitor's details (every read is audited by the server) -----
  async function loadVisit(id) {
    const r = await api("GET", "/api/v1/tickets/" + id + "/visit");
    // The visitor may have changed while the answer travelled.
    if (state.current && state.current.id === id) state.visit = r.ok ? r.json : null;
  }
  $("reveal-btn").addEventListener("click", async () => {
    const id = state.current.id;
    const r = await api("POST", "/api/v1/tickets/" + id + "/reveal", undefined, true);
    if (!r.ok) { showError("visit-error", r); return; }
    if (state.current && state.current.id === id) state.revealed = { id, nid: r.json.national_id, mobile: r.json.mobile };
    renderVisit();
  });
  document.querySelectorAll("#checklist input[type=checkbox]").forEach((box) => {
    box.addEventListener("change", async () => {
      if (!box.checked) { box.checked = true; return; } // a tick is a record; it is not undone
      const id = state.current.id;
      const r = await api("POST", "/api/v1/tickets/" + id + "/checklist", { item: box.dataset.item }, true);
      showError("checklist-error", r);
      if (!r.ok) { box.checked = false; return; }
      if (state.visit && state.current && state.current.id === id) state.visit.checklist = r.json;
      renderVisit();
      focusNext();
    });
  });

  // ----- the applicant confirms and signs (policy 6.4) -----
  // Where it stands is asked after every change of the visit, and every two seconds while the
  // applicant's screen shows the data; no personal data in the answer.
  let confirmPoll = 0;
  async function loadConfirmation(id) {
    clearTimeout(confirmPoll);
    const r = await api("GET", "/api/v1/tickets/" + id + "/confirmation");
    if (!state.current || state.current.id !== id) return;
    state.confirmation = r.ok ? r.json : null;
    renderConfirmation();
    if (r.ok && r.json.state === "waiting") confirmPoll = setTimeout(() => pollConfirmation(id), 2000);
  }
  async function pollConfirmation(id) {
    if (!state.current || state.current.id !== id) return;
    const before = state.confirmation ? state.confirmation.state : null;
    await loadConfirmation(id);
    // Confirmed on the tablet: the checklist shows the tick.
    if (state.confirmation && state.confirmation.state !== before) await reloadVisit(id, true);
  }
  function renderConfirmation() {
    const c = state.confirmation;
    const at = c && c.at ? c.at.replace("T", " ").slice(0, 16) : "";
    let text = "";
    if (c) {
      if (c.state === "none") text = awnLang.t("confirm_none");
      else if (c.state === "waiting") text = awnLang.t(c.shown ? "confirm_shown" : "confirm_waiting");
      else if (c.state === "declined") text = awnLang.t("confirm_declined").replace("{at}", at);
      else if (!c.holds) text = awnLang.t("confirm_stale");
      else text = awnLang.t(c.on_paper ? "confirm_done_paper" : "confirm_done_screen").replace("{at}", at);
    }
    $("confirm-state").textContent = text;
    const waiting = !!c && c.state === "waiting";
    $("confirm-withdraw").classList.toggle("hidden", !waiting);
    $("form-print").disabled = !c || !c.fingerprint;
  }
  function openForm(id, copy) {
    window.open("/api/v1/tickets/" + id + "/request-form" + (copy ? "?copy=applicant" : ""), "_blank", "noopener");
  }
  $("confirm-ask").addEventListener("click", async () => {
    const id = state.current.id;
    const r = await api("POST", "/api/v1/tickets/" + id + "/confirmation", undefined, true);
    showError("confirm-error", r);
    await loadConfirmation(id);
  });
  $("confirm-withdraw").addEventListener("click", async () => {
    const id = state.current.id;
    const r = await api("DELETE", "/api/v1/tickets/" + id + "/confirmation", undefined, true);
    showError("confirm-error", r);
    await loadConfirmation(id);
  });
  $("confirm-paper").addEventListener("click", async () => {
    const id = state.current.id;
    const c = state.confirmation;
    const r = await api("POST", "/api/v1/tickets/" + id + "/signed-on-paper", { fingerprint: c ? c.fingerprint : "" }, true);
    showError("confirm-error", r);
    if (r.ok) await reloadVisit(id);
    else await loadConfirmation(id);
  });
  $("form-print").addEventListener("click", () => { noteActivity(); openForm(state.current.id, false); });
  $("finished-form").addEventListener("click", () => { noteActivity(); if (state.finished) openForm(state.finished, false); });
  $("finished-copy").addEventListener("click", () => { noteActivity(); if (state.finished) openForm(state.finished, true); });

  // ----- completing details and recording documents at the desk (policy 6.2) -----
  // Every change of the data changes what the applicant confirms: the standing is asked again.
  async function reloadVisit(id, keepConfirmation) {
    await loadVisit(id);
    renderVisit();
    if (!keepConfirmation) await loadConfirmation(id);
  }
  $("edit-save").addEventListener("click", async () => {
    const id = state.current.id;
    const body = { field: $("edit-field").value, value: $("edit-value").value, consent_at_desk: $("desk-consent").checked };
    const r = await api("POST", "/api/v1/tickets/" + id + "/intake", body, true);
    showError("edit-error", r);
    if (!r.ok) return;
    $("edit-value").value = "";
    await reloadVisit(id);
  });
  async function recordDocument(code, valid) {
    const id = state.current.id;
    const body = { document: code, valid };
    const expiry = $("doc-expiry-" + code);
    const ref = $("doc-reference-" + code);
    if (expiry && expiry.value) body.expires_on = expiry.value;
    if (ref && ref.value.trim()) body.reference = ref.value;
    const r = await api("POST", "/api/v1/tickets/" + id + "/documents", body, true);
    showError("documents-error", r);
    if (r.ok) await reloadVisit(id);
  }

  function renderDocuments(v) {
    const ul = $("documents");
    // Rebuilt only when what it shows changed, so a refresh never takes the focus from a field.
    const shown = v ? JSON.stringify([v.ticket.id, v.ticket.state, v.documents, awnLang.current]) : "";
    if (ul.dataset.shown === shown) return;
    ul.dataset.shown = shown;
    // Typing in progress survives a re-render of the same visit.
    const typed = {};
    if (ul.dataset.ticket === String(v ? v.ticket.id : "")) ul.querySelectorAll("input").forEach((i) => { typed[i.id] = i.value; });
    ul.dataset.ticket = v ? v.ticket.id : "";
    ul.textContent = "";
    const docs = v ? v.documents : [];
    $("no-documents").classList.toggle("hidden", !v || docs.length > 0);
    for (const d of docs) {
      const li = document.createElement("li");
      li.dataset.document = d.code;
      const name = document.createElement("b");
      name.textContent = d.name[awnLang.current] + (d.required ? "" : " (" + awnLang.t("optional") + ")");
      li.appendChild(name);
      const row = document.createElement("div");
      row.className = "row";
      const field = (kind, type, labelKey) => {
        const label = document.createElement("label");
        const span = document.createElement("span");
        span.textContent = awnLang.t(labelKey) + " ";
        const input = document.createElement("input");
        input.type = type;
        input.id = "doc-" + kind + "-" + d.code;
        if (type === "text") { input.maxLength = 40; input.dir = "auto"; input.autocomplete = "off"; }
        const was = d.recorded && (kind === "expiry" ? d.recorded.expires_on : d.recorded.reference);
        input.value = typed[input.id] !== undefined ? typed[input.id] : (was || "");
        label.append(span, input);
        row.appendChild(label);
      };
      if (d.expiry) field("expiry", "date", "expires_on");
      if (d.reference) field("reference", "text", "reference_no");
      for (const valid of [true, false]) {
        const b = document.createElement("button");
        b.type = "button";
        b.className = valid ? "small" : "secondary small";
        b.id = "doc-" + (valid ? "valid" : "invalid") + "-" + d.code;
        b.textContent = awnLang.t(valid ? "doc_valid" : "doc_invalid");
        b.setAttribute("aria-label", awnLang.t(valid ? "doc_valid" : "doc_invalid") + ": " + d.name[awnLang.current]);
        b.setAttribute("aria-describedby", "arrive-hint");
        b.disabled = v.ticket.state !== "serving";
        b.addEventListener("click", () => recordDocument(d.code, valid));
        row.appendChild(b);
      }
      li.appendChild(row);
      const done = document.createElement("small");
      done.className = "done";
      done.id = "doc-done-" + d.code;
      if (d.recorded) {
        const r = d.recorded;
        done.classList.toggle("bad", !r.valid);
        // Dates stay left to right inside the Arabic sentence (2031-06-30, never 30-06-2031).
        const ltr = (text) => { const e = document.createElement("bdi"); e.dir = "ltr"; e.textContent = text; return e; };
        const staff = document.createElement("bdi");
        staff.textContent = r.staff;
        done.append(awnLang.t(r.valid ? "doc_recorded_valid" : "doc_recorded_invalid"));
        if (r.expires_on) done.append(" · " + awnLang.t("expires_on") + " ", ltr(r.expires_on));
        done.append(" · " + awnLang.t("doc_by") + " ", staff, " " + awnLang.t("at") + " ", ltr(r.checked_at.replace("T", " ").slice(0, 16)));
      }
      li.appendChild(done);
      ul.appendChild(li);
    }
  }

  // ----- rendering -----
  function serviceName(code) { const n = state.services[code]; return n ? n[awnLang.current] : code; }

  // The desk list: only the desks this role may use; the usual one (last used here, else the
  // first free one) chosen.
  function renderDesks() {
    const me = state.me;
    const sel = $("desk-select");
    const chosen = sel.value;
    sel.textContent = "";
    const mine = state.queue.desks.filter((d) => me.desks.includes(d.id));
    mine.forEach((d) => {
      const o = document.createElement("option");
      o.value = d.id;
      o.textContent = d.id + " — " + d.services.map(serviceName).join("، ") + (d.staffed && d.id !== me.desk ? " (" + awnLang.t("desk_taken") + ")" : "");
      sel.appendChild(o);
    });
    let usual = null;
    try { usual = localStorage.getItem("awn.desk." + me.id); } catch (_) { usual = null; }
    const free = mine.find((d) => !d.staffed);
    const pick = [me.desk, chosen && Number(chosen), usual && Number(usual), free && free.id, mine[0] && mine[0].id]
      .find((id) => id && mine.some((d) => d.id === id));
    if (pick) sel.value = String(pick);
    return mine.length;
  }

  function render() {
    if (!state.me || !state.queue) return;
    const me = state.me;
    const count = renderDesks();
    const atDesk = me.desk != null;
    $("desk-select").disabled = atDesk;
    $("sign-in-btn").classList.toggle("hidden", atDesk);
    $("sign-in-btn").disabled = count === 0;
    $("desk-now").classList.toggle("hidden", !atDesk);
    $("break-btn").classList.toggle("hidden", !atDesk);
    $("sign-out-btn").classList.toggle("hidden", !atDesk);
    $("desk-id").textContent = atDesk ? me.desk : "";
    $("desk-state").textContent = awnLang.t(me.paused ? "on_break" : "available");
    $("break-btn").textContent = awnLang.t(me.paused ? "go_available" : "go_break");
    // A break or leaving waits until the visitor at the desk is dealt with.
    $("break-btn").disabled = !!state.current;
    $("sign-out-btn").disabled = !!state.current;
    const desk = atDesk ? state.queue.desks.find((d) => d.id === me.desk) : null;
    const mine = (t) => !desk || (t.route === "service" && desk.services.includes(t.line)) || (t.route === "research" && desk.kind === "social_research") || (t.route === "desk" && t.route_desk === desk.id);

    const tbody = $("queue-lines").querySelector("tbody");
    tbody.textContent = "";
    state.queue.lines.filter((l) => !desk || desk.services.includes(l.service)).forEach((l) => {
      const tr = document.createElement("tr");
      for (const [v, cls] of [[serviceName(l.service), ""], [l.waiting, ""], [l.longest_wait_minutes, ""], [l.urgent, l.urgent ? "urgent-yes" : ""]]) {
        const td = document.createElement("td");
        td.textContent = v;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    });
    const canCall = atDesk && !me.paused && !state.current;
    const hint = !atDesk ? (count ? "hint_choose_desk" : "hint_no_desks") : me.paused ? "hint_on_break" : state.current ? "hint_visitor_first" : "";
    $("call-hint").textContent = hint ? awnLang.t(hint) : "";
    $("call-hint").classList.toggle("hidden", !hint);
    const list = $("waiting-list");
    list.textContent = "";
    state.queue.tickets.filter((t) => t.state === "waiting" && mine(t)).forEach((t) => {
      const li = document.createElement("li");
      li.dataset.ticket = t.id;
      if (t.priority === "urgent") li.classList.add("urgent");
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = t.label;
      li.appendChild(label);
      const svc = document.createElement("span");
      svc.textContent = t.route === "research" ? awnLang.t("refer") : serviceName(t.line);
      li.appendChild(svc);
      if (t.priority === "urgent") {
        const f = document.createElement("span");
        f.className = "flag";
        f.textContent = awnLang.t("urgent");
        li.appendChild(f);
      }
      // A place joined by phone holds its place but cannot be called until its visitor checks in.
      const away = t.awaiting_arrival === true;
      if (away || t.channel === "appointment") {
        const f = document.createElement("span");
        f.className = away ? "flag away" : "flag";
        f.textContent = awnLang.t(away ? "not_here_yet" : "appointment");
        li.appendChild(f);
      }
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small call-btn";
      b.textContent = awnLang.t("call");
      b.setAttribute("aria-label", awnLang.t("call") + " " + t.label);
      b.setAttribute("aria-describedby", "call-hint");
      b.disabled = !canCall || away;
      b.addEventListener("click", () => act("/api/v1/desks/" + me.desk + "/call", { ticket: t.id }, "call-error"));
      li.appendChild(b);
      // Staff may raise a waiting visitor to the priority class (audited); nobody is shown why.
      if (t.priority === "normal" && (atDesk || me.supervisor)) {
        const up = document.createElement("button");
        up.type = "button";
        up.className = "secondary small raise-btn";
        up.textContent = awnLang.t("raise_priority");
        up.setAttribute("aria-label", awnLang.t("raise_priority") + " " + t.label);
        up.addEventListener("click", () => act("/api/v1/tickets/" + t.id + "/priority", { priority: "priority" }, "call-error"));
        li.appendChild(up);
      }
      list.appendChild(li);
    });
    $("call-next-btn").disabled = !canCall;
    const cur = state.current;
    $("current").classList.toggle("hidden", !cur);
    $("no-current").classList.toggle("hidden", !!cur);
    if (cur) {
      $("current-label").textContent = cur.label;
      $("current-state").textContent = awnLang.t("st_" + cur.state);
      const called = cur.state === "called";
      const arrived = cur.state === "serving";
      $("recall-btn").disabled = !called;
      $("start-btn").disabled = !called;
      $("no-show-btn").disabled = !called;
      $("refer-btn").disabled = !arrived;
      $("finish-btn").disabled = !arrived;
      $("arrive-hint").classList.toggle("hidden", arrived);
      TICKABLE.forEach((i) => { $("check-" + i).disabled = !arrived; });
      $("confirm-ask").disabled = !arrived;
      $("confirm-paper").disabled = !arrived;
      // A research desk is where referrals go: it does not refer onwards.
      $("refer-box").classList.toggle("hidden", !!desk && desk.kind === "social_research");
      fillTargets($("transfer-target"), me.desk);
    }
    renderAtDesks();
  }

  // Supervisors: every visitor called or served at another desk, to transfer or cancel.
  function renderAtDesks() {
    if (!state.me || !state.me.supervisor || !state.queue) return;
    const ul = $("at-desk-list");
    // A reason being typed (and its box left open) survives the list's refresh.
    const typing = {};
    ul.querySelectorAll("details.allow-registration").forEach((d) => {
      typing[d.dataset.ticket] = { open: d.open, reason: d.querySelector("input").value };
    });
    ul.textContent = "";
    const there = state.queue.tickets.filter((t) => (t.state === "called" || t.state === "serving") && t.desk !== state.me.desk);
    there.forEach((t) => {
      const li = document.createElement("li");
      li.className = "at-desk";
      li.dataset.ticket = t.id;
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = t.label;
      const where = document.createElement("span");
      where.textContent = awnLang.t("at_desk") + " " + t.desk + " — " + awnLang.t("st_" + t.state);
      const sel = document.createElement("select");
      sel.className = "at-desk-target";
      sel.setAttribute("aria-label", awnLang.t("transfer_to") + " (" + t.label + ")");
      fillTargets(sel, t.desk);
      const tr = document.createElement("button");
      tr.type = "button";
      tr.className = "secondary small at-desk-transfer";
      tr.textContent = awnLang.t("transfer");
      tr.setAttribute("aria-label", awnLang.t("transfer") + " " + t.label);
      tr.addEventListener("click", async () => {
        const body = transferBody(sel.value);
        if (!body) { showError("at-desks-error", { ok: false, json: { code: "transfer_target" } }); return; }
        const r = await api("POST", "/api/v1/tickets/" + t.id + "/transfer", body, true);
        showError("at-desks-error", r);
        await refresh();
      });
      const cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "secondary small danger at-desk-cancel";
      cancel.textContent = awnLang.t("cancel_ticket");
      cancel.setAttribute("aria-label", awnLang.t("cancel_ticket") + " " + t.label);
      cancel.addEventListener("click", async () => {
        const r = await api("POST", "/api/v1/tickets/" + t.id + "/cancel", undefined, true);
        showError("at-desks-error", r);
        await refresh();
      });
      li.append(label, where, sel, tr, cancel, allowRegistration(t, typing[t.id]));
      ul.appendChild(li);
    });
    $("no-at-desks").classList.toggle("hidden", there.length > 0);
  }

  // Policy 6.6: a supervisor may allow the desk to register this visitor's request with the
  // checklist incomplete, saying why (kept with the visit; the audit row records only that it was).
  function allowRegistration(t, was) {
    const box = document.createElement("details");
    box.className = "allow-registration";
    box.dataset.ticket = t.id;
    box.open = !!(was && was.open);
    const summary = document.createElement("summary");
    summary.textContent = awnLang.t("allow_registration");
    const label = document.createElement("label");
    const span = document.createElement("span");
    span.textContent = awnLang.t("allow_reason") + " ";
    const reason = document.createElement("input");
    reason.id = "allow-reason-" + t.id;
    reason.dir = "auto";
    reason.maxLength = 500;
    reason.autocomplete = "off";
    reason.value = was ? was.reason : "";
    label.append(span, reason);
    const ok = document.createElement("button");
    ok.type = "button";
    ok.id = "allow-btn-" + t.id;
    ok.className = "secondary small";
    ok.textContent = awnLang.t("allow");
    ok.setAttribute("aria-label", awnLang.t("allow") + ": " + t.label);
    ok.addEventListener("click", async () => {
      const r = await api("POST", "/api/v1/tickets/" + t.id + "/registration-override", { reason: reason.value }, true);
      showError("at-desks-error", r);
      if (!r.ok) return;
      box.open = false;
      reason.value = "";
      showDone("done_allowed", t.label);
    });
    box.append(summary, label, ok);
    return box;
  }

  // ----- the research committee's requests (policy 6.5) -----
  // Every desk finds a request by its reference; researchers and supervisors see the open list.
  // The list is drawn when asked (start, refresh, after an action), so typing is never lost.
  const follows = () => state.me && (state.me.role === "researcher" || state.me.supervisor);
  function startRequests() {
    $("requests").classList.toggle("hidden", !state.me.desks.length);
    $("committee").classList.toggle("hidden", !follows());
    $("find-reference").value = "";
    $("found-request").classList.add("hidden");
    $("request-list").textContent = "";
    state.requests = null;
    closeReopened();
    showError("requests-error", null);
    if (follows()) loadRequests();
  }
  // The finished visit of a request, opened again by whoever registered it (or a supervisor):
  // read only, to follow the committee's answer and print the form. The server audits the read.
  async function openReopened(q) {
    closeReopened();
    const r = await api("GET", "/api/v1/tickets/" + q.ticket + "/visit", undefined, true);
    showError("requests-error", r);
    if (!r.ok) return;
    const v = r.json;
    state.reopened = q.ticket;
    $("reopened-label").textContent = v.ticket.label;
    $("reopened-reference").textContent = q.reference;
    $("reopened-name").textContent = (v.intake && v.intake.name) || "—";
    $("reopened-nid").textContent = (v.intake && v.intake.national_id) || "—";
    for (const c of v.checklist.items) {
      const li = document.createElement("li");
      li.textContent = awnLang.t(c.item) + " — " + awnLang.t("done_by") + " " + c.staff + " " + awnLang.t("at") + " \u2066" + c.done_at.replace("T", " ").slice(0, 16) + "\u2069";
      $("reopened-checks").appendChild(li);
    }
    for (const d of v.documents.filter((d) => d.recorded)) {
      const li = document.createElement("li");
      li.textContent = d.name[awnLang.current] + " — " + awnLang.t(d.recorded.valid ? "doc_valid" : "doc_invalid");
      $("reopened-documents").appendChild(li);
    }
    $("reopened").classList.remove("hidden");
    $("reopened-close").focus();
  }
  function closeReopened() {
    state.reopened = null;
    for (const id of ["reopened-label", "reopened-reference", "reopened-name", "reopened-nid", "reopened-checks", "reopened-documents"]) $(id).textContent = "";
    $("reopened").classList.add("hidden");
  }
  $("reopened-close").addEventListener("click", closeReopened);
  $("reopened-form").addEventListener("click", () => { if (state.reopened) openForm(state.reopened, false); });
  $("reopened-copy").addEventListener("click", () => { if (state.reopened) openForm(state.reopened, true); });
  async function loadRequests() {
    const r = await api("GET", "/api/v1/requests");
    showError("requests-error", r);
    if (r.ok) renderRequests(r.json.requests);
  }
  $("requests-reload").addEventListener("click", loadRequests);
  // The state in words; dates between U+2066/U+2069 (left-to-right isolates) so they read
  // 2026-12-17 in the Arabic sentence too.
  function requestState(q) {
    const date = (d) => "\u2066" + d + "\u2069";
    let text = q.decision ? awnLang.t(q.decision.decision) + " (" + date(q.decision.decided_on) + ")" : awnLang.t("awaiting");
    if (q.informed) text += " · " + awnLang.t("informed") + ": " + awnLang.t(q.informed.channel === "visit" ? "visit_channel" : q.informed.channel) + " (" + date(q.informed.informed_on) + ")";
    return text;
  }
  // A reference (R-2026-00017), or a national ID: that one goes in a body, never a URL, and the
  // server records the search.
  $("find-btn").addEventListener("click", async () => {
    const asked = $("find-reference").value.trim();
    if (!asked) return;
    const byId = /^[0-9\u0660-\u0669]{10}$/.test(asked);
    const r = byId
      ? await api("POST", "/api/v1/requests/search", { national_id: asked }, true)
      : await api("GET", "/api/v1/requests/" + encodeURIComponent(asked));
    showError("requests-error", r);
    const found = !r.ok ? [] : byId ? r.json.requests : [r.json];
    const box = $("found-request");
    box.classList.toggle("hidden", !r.ok);
    box.textContent = !r.ok ? "" : found.length === 0 ? awnLang.t("no_request_found")
      : found.map((q) => q.reference + " — " + q.label + " — " + serviceName(q.service) + " — " + requestState(q)).join("\n");
    // The number typed goes with the answer.
    if (byId) $("find-reference").value = "";
  });
  function select(id, options, labelKey) {
    const label = document.createElement("label");
    const span = document.createElement("span");
    span.textContent = awnLang.t(labelKey) + " ";
    const sel = document.createElement("select");
    sel.id = id;
    for (const [value, key] of [["", "choose"], ...options]) {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = awnLang.t(key);
      sel.appendChild(o);
    }
    label.append(span, sel);
    return label;
  }
  function dateField(id, labelKey) {
    const label = document.createElement("label");
    const span = document.createElement("span");
    span.textContent = awnLang.t(labelKey) + " ";
    const input = document.createElement("input");
    input.type = "date";
    input.id = id;
    // Most things are recorded the day they happen: today (the branch's day, UTC+3) to start with.
    input.value = new Date(Date.now() + 3 * 3600 * 1000).toISOString().slice(0, 10);
    label.append(span, input);
    return label;
  }
  function renderRequests(list) {
    state.requests = list;
    const ul = $("request-list");
    // What was chosen or typed stays through a redraw (a language switch, another row's action).
    const kept = {};
    ul.querySelectorAll("select, input").forEach((e) => { kept[e.id] = e.value; });
    ul.textContent = "";
    $("no-requests").classList.toggle("hidden", list.length > 0);
    list.forEach((q) => {
      const i = q.reference;
      const li = document.createElement("li");
      li.dataset.reference = q.reference;
      const ref = document.createElement("b");
      ref.className = "ltr";
      ref.textContent = q.reference;
      const what = document.createElement("span");
      // Dates stay left to right inside the Arabic sentence.
      const ltr = (text) => { const e = document.createElement("bdi"); e.dir = "ltr"; e.textContent = text; return e; };
      what.append(serviceName(q.service) + " · " + awnLang.t("registered_on") + " ", ltr(q.registered_on),
        " · " + awnLang.t("earliest") + " ", ltr(q.earliest_answer_date), " · " + requestState(q));
      li.append(ref, what);
      if (q.reminder) {
        const flag = document.createElement("span");
        flag.className = "flag reminder";
        flag.textContent = awnLang.t(q.reminder);
        li.appendChild(flag);
      }
      const row = document.createElement("div");
      row.className = "row";
      const final = q.decision && q.decision.decision !== "more_information";
      if (!final) {
        row.append(select("decision-" + i, [["accepted", "accepted"], ["rejected", "rejected"], ["more_information", "more_information"]], "decision"), dateField("decided-" + i, "decided_on"));
        row.appendChild(action("record-decision-" + i, () => ({ path: "/decision", body: { decision: $("decision-" + i).value, decided_on: $("decided-" + i).value } }), q));
      }
      if (q.decision) {
        row.append(select("channel-" + i, [["visit", "visit_channel"], ["phone", "phone"], ["letter", "letter"]], "channel"), dateField("informed-" + i, "informed_on"));
        row.appendChild(action("record-informed-" + i, () => ({ path: "/informed", body: { channel: $("channel-" + i).value, informed_on: $("informed-" + i).value } }), q));
      }
      if (q.may_open) {
        const open = document.createElement("button");
        open.type = "button";
        open.id = "open-visit-" + i;
        open.className = "secondary small";
        open.textContent = awnLang.t("open_visit");
        open.setAttribute("aria-label", awnLang.t("open_visit") + ": " + q.reference);
        open.addEventListener("click", () => openReopened(q));
        row.appendChild(open);
      }
      li.appendChild(row);
      ul.appendChild(li);
    });
    ul.querySelectorAll("select, input").forEach((e) => { if (kept[e.id] !== undefined) e.value = kept[e.id]; });
  }
  function action(id, make, q) {
    const b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.className = "secondary small";
    b.textContent = awnLang.t("record");
    b.setAttribute("aria-label", awnLang.t("record") + ": " + q.reference);
    b.addEventListener("click", async () => {
      const { path, body } = make();
      const r = await api("POST", "/api/v1/requests/" + encodeURIComponent(q.reference) + path, body, true);
      showError("requests-error", r);
      if (r.ok) await loadRequests();
    });
    return b;
  }

  function renderVisit() {
    const v = state.visit;
    const has = !!(v && v.intake);
    $("intake").classList.toggle("hidden", !has);
    $("no-intake").classList.toggle("hidden", has || !v);
    if (has) {
      const i = v.intake;
      $("intake-name").textContent = i.name || "—";
      const shown = state.revealed && state.revealed.id === v.ticket.id ? state.revealed : null;
      $("intake-nid").textContent = (shown ? shown.nid : i.national_id) || "—";
      $("intake-mobile").textContent = (shown ? shown.mobile : i.mobile) || "—";
      $("reveal-btn").disabled = !!shown || (!i.national_id && !i.mobile);
      const needs = [];
      if (i.needs.wheelchair) needs.push(awnLang.t("wheelchair"));
      if (i.needs.hearing) needs.push(awnLang.t("hearing"));
      if (i.needs.interpreter_language) needs.push(awnLang.t("interpreter") + ": " + i.needs.interpreter_language);
      if (i.needs.companion) needs.push(awnLang.t("companion"));
      $("intake-needs").textContent = needs.length ? needs.join("، ") : awnLang.t("none");
    }
    $("referral").classList.toggle("hidden", !(v && v.referral));
    $("referral-reason").textContent = v && v.referral ? v.referral.reason + (v.referral.from_desk ? " (" + v.referral.from_desk + ")" : "") : "";
    const items = v ? v.checklist.items : [];
    for (const item of ITEMS) {
      const done = items.find((c) => c.item === item);
      $("check-" + item).checked = !!done;
      $("done-" + item).textContent = done ? awnLang.t("done_by") + " " + done.staff + " " + awnLang.t("at") + " " + done.done_at.replace("T", " ").slice(0, 16) : "";
    }
    const missing = v ? v.registration_missing : [];
    const needsChecklist = !!v && $("outcome-select").value === "support_request_registered" && missing.length > 0;
    $("checklist-hint").classList.toggle("hidden", !needsChecklist);
    $("registration-missing").textContent = needsChecklist ? "(" + missing.map((i) => awnLang.t(i)).join("، ") + ")" : "";
    const serving = !!v && v.ticket.state === "serving";
    $("edit-intake").classList.toggle("hidden", !serving);
    $("desk-consent-box").classList.toggle("hidden", !(serving && !has));
    $("notice-text").textContent = v && v.intake_notice ? v.intake_notice[awnLang.current] : "";
    if (has) $("desk-consent").checked = false;
    renderDocuments(v);
  }

  // The list as the server answers it, plus what the stream said while the answer travelled: the
  // answer may have been read before an alert (or its acknowledgement) that is already shown.
  let alertsInFlight = null;
  function alertArrived(id, alert) {
    if (alertsInFlight) alertsInFlight.set(id, alert);
  }
  async function loadAlerts() {
    const meanwhile = new Map();
    alertsInFlight = meanwhile;
    const r = await api("GET", "/api/v1/alerts");
    if (alertsInFlight === meanwhile) alertsInFlight = null;
    if (!r.ok) return;
    state.alerts.clear();
    r.json.alerts.forEach((a) => state.alerts.set(a.id, a));
    meanwhile.forEach((a, id) => { if (a) state.alerts.set(id, a); else state.alerts.delete(id); });
    renderAlerts();
  }

  function renderAlerts() {
    const ul = $("alert-list");
    ul.textContent = "";
    for (const a of state.alerts.values()) {
      const li = document.createElement("li");
      li.className = "alert-item";
      li.dataset.alert = a.id;
      const what = document.createElement("b");
      // A printer alert says what the printer reported (paper out, nearly out, cover open, ...).
      what.textContent = awnLang.t(a.kind) + (a.reason ? " — " + awnLang.t("printer_" + a.reason) : "");
      const label = document.createElement("span");
      label.className = "label";
      label.textContent = a.label;
      const at = document.createElement("span");
      at.className = "ltr";
      at.textContent = a.raised_at.replace("T", " ").slice(0, 19);
      const b = document.createElement("button");
      b.type = "button";
      b.className = "small ack-btn";
      b.textContent = awnLang.t("acknowledge");
      b.addEventListener("click", async () => {
        const r = await api("POST", "/api/v1/alerts/" + a.id + "/acknowledge", undefined, true);
        if (r.ok || r.status === 404) { state.alerts.delete(a.id); renderAlerts(); }
      });
      li.append(what, label, at, b);
      ul.appendChild(li);
    }
    $("no-alerts").classList.toggle("hidden", state.alerts.size > 0);
  }

  // ----- the reference panel (policy section 5) -----
  // The branch's bylaws and guides beside the visit: searched by title and text on the server,
  // read in a frame of this page (the visit stays on screen, nothing leaves the branch server).
  // Its own state; the rest of the console only opens it at login and closes it at logout.
  const ref = { open: false, docs: null, reading: null, timer: 0, asked: 0 };
  function startReference() {
    $("reference-btn").classList.remove("hidden");
  }
  function closeReference(forget) {
    ref.open = false;
    $("reference").classList.add("hidden");
    document.body.classList.remove("reading-reference");
    $("reference-btn").setAttribute("aria-expanded", "false");
    if (forget) {
      Object.assign(ref, { docs: null, reading: null });
      clearTimeout(ref.timer);
      $("reference-btn").classList.add("hidden");
      $("reference-q").value = "";
      $("reference-list").textContent = "";
      $("reference-count").textContent = "";
      closeDocument();
      showError("reference-error", null);
    }
  }
  function openReference() {
    ref.open = true;
    $("reference").classList.remove("hidden");
    document.body.classList.add("reading-reference");
    $("reference-btn").setAttribute("aria-expanded", "true");
    if (!ref.docs) searchReference(false);
    $("reference-q").focus();
  }
  $("reference-btn").addEventListener("click", () => {
    if (ref.open) { closeReference(false); $("reference-btn").focus(); } else openReference();
  });
  $("reference-close").addEventListener("click", () => { closeReference(false); $("reference-btn").focus(); });
  $("reference").addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    if (ref.reading) { closeDocument(true); } else { closeReference(false); $("reference-btn").focus(); }
  });
  // Searches as the staff member types (after a pause) and on Enter; only the latest answer is drawn.
  async function searchReference(user) {
    const asked = ++ref.asked;
    const q = $("reference-q").value.trim();
    const r = await api("GET", "/api/v1/reference" + (q ? "?q=" + encodeURIComponent(q) : ""), undefined, user);
    if (asked !== ref.asked) return;
    showError("reference-error", r);
    if (!r.ok) return;
    ref.docs = { q, list: r.json.documents };
    renderReference();
  }
  $("reference-form").addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(ref.timer); searchReference(true); });
  $("reference-q").addEventListener("input", () => { clearTimeout(ref.timer); ref.timer = setTimeout(() => searchReference(true), 300); });
  function refTitle(d) { return awnLang.current === "en" ? d.title_en : d.title_ar; }
  function renderReference() {
    const ul = $("reference-list");
    ul.textContent = "";
    if (!ref.docs) return;
    const list = ref.docs.list;
    $("reference-count").textContent = list.length ? awnLang.t("ref_count").replace("{n}", String(list.length))
      : awnLang.t(ref.docs.q ? "ref_none" : "ref_empty");
    for (const d of list) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary";
      b.id = "reference-doc-" + d.id;
      b.dataset.id = String(d.id);
      b.textContent = refTitle(d) + (d.kind === "pdf" ? " (" + awnLang.t("ref_pdf") + ")" : "");
      b.addEventListener("click", () => openDocument(d));
      li.appendChild(b);
      if (d.snippet) {
        const p = document.createElement("p");
        p.lang = d.lang;
        p.dir = "auto";
        p.textContent = d.snippet;
        li.appendChild(p);
      }
      ul.appendChild(li);
    }
    if (ref.reading) $("reference-doc-title").textContent = refTitle(ref.reading);
    $("reference-frame").title = ref.reading ? refTitle(ref.reading) : "";
  }
  function openDocument(d) {
    ref.reading = d;
    $("reference-doc-title").textContent = refTitle(d);
    $("reference-frame").title = refTitle(d);
    $("reference-frame").src = d.url;
    $("reference-results").classList.add("hidden");
    $("reference-reader").classList.remove("hidden");
    $("reference").classList.add("reading");
    $("reference-back").focus();
  }
  // Back to the results; `focus`: to the document that was open.
  function closeDocument(focus) {
    const was = ref.reading;
    ref.reading = null;
    $("reference-frame").src = "about:blank";
    $("reference-frame").title = "";
    $("reference-doc-title").textContent = "";
    $("reference-reader").classList.add("hidden");
    $("reference-results").classList.remove("hidden");
    $("reference").classList.remove("reading");
    const b = was && $("reference-doc-" + was.id);
    if (focus && b) b.focus();
  }
  $("reference-back").addEventListener("click", () => closeDocument(true));

  awnLang.apply();
  start(true);
})();
