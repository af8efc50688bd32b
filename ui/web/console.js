// The staff console. Talks to /api/v1 with the HttpOnly session cookie (the script never sees a
// token); live updates come from the event stream, never from polling. Every piece of visitor
// text is set with textContent inside dir="auto" elements, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { revealed: null, me: null, services: {}, queue: null, current: null, visit: null, alerts: new Map(), events: null, refreshTimer: 0 };

  async function api(method, path, body) {
    const res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
    if (res.status === 401 && path !== "/web/login") { showLogin(); }
    return { ok: res.ok, status: res.status, json };
  }

  function message(r) {
    if (r.json && r.json.message) return r.json.message[awnLang.current] || r.json.message.ar;
    return "HTTP " + r.status;
  }

  function showError(el, r) { $(el).textContent = r ? message(r) : ""; }

  // ----- login -----
  function showLogin() {
    if (state.events) { state.events.close(); state.events = null; }
    // Nothing of the previous user's work stays on screen for the next one.
    Object.assign(state, { me: null, queue: null, current: null, visit: null, revealed: null });
    state.alerts.clear();
    $("finished").classList.add("hidden");
    $("follow-up-date").textContent = "";
    $("finished-label").textContent = "";
    $("action-error").textContent = "";
    $("app").classList.add("hidden");
    $("logout-btn").classList.add("hidden");
    $("who").textContent = "";
    $("login").classList.remove("hidden");
    $("login-user").focus();
  }

  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("login-btn").disabled = true;
    const r = await api("POST", "/web/login", { username: $("login-user").value, password: $("login-pass").value });
    $("login-btn").disabled = false;
    $("login-pass").value = "";
    if (!r.ok) { showError("login-error", r); return; }
    showError("login-error", null);
    await start();
  });

  $("logout-btn").addEventListener("click", async () => {
    await api("POST", "/web/logout");
    showLogin();
  });

  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", () => { render(); renderVisit(); renderAlerts(); });

  // ----- start-up -----
  async function start() {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok) { showLogin(); return; }
    state.me = me.json;
    $("login").classList.add("hidden");
    $("app").classList.remove("hidden");
    $("logout-btn").classList.remove("hidden");
    $("who").textContent = state.me.display_name;
    const sv = await api("GET", "/api/v1/services");
    if (sv.ok) sv.json.services.forEach((s) => { state.services[s.code] = s.name; });
    $("alerts").classList.toggle("hidden", !state.me.supervisor);
    if (state.me.supervisor) await loadAlerts();
    connect();
    await refresh();
  }

  function connect() {
    if (state.events) state.events.close();
    const es = new EventSource("/api/v1/events");
    state.events = es;
    // On every (re)connection, reload what may have happened before the stream was open.
    es.addEventListener("hello", () => {
      $("conn").classList.add("hidden");
      scheduleRefresh();
      if (state.me && state.me.supervisor) loadAlerts();
    });
    for (const kind of ["issued", "called", "recalled", "started", "finished", "no_show", "returned", "referred", "transferred", "cancelled", "expired", "desk_changed", "resync"]) {
      es.addEventListener(kind, scheduleRefresh);
    }
    es.addEventListener("alert", (e) => { const a = JSON.parse(e.data); state.alerts.set(a.id, a); renderAlerts(); });
    es.addEventListener("alert_acknowledged", (e) => { state.alerts.delete(JSON.parse(e.data).id); renderAlerts(); });
    es.onerror = () => {
      $("conn").classList.remove("hidden");
      if (es.readyState === EventSource.CLOSED) setTimeout(() => { if (state.me) start(); }, 3000);
    };
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, 50);
  }

  async function refresh() {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok) return;
    state.me = me.json;
    const q = await api("GET", "/api/v1/queue");
    if (!q.ok) return;
    state.queue = q.json;
    const desk = state.me.desk;
    const current = desk ? q.json.tickets.find((t) => t.desk === desk && (t.state === "called" || t.state === "serving")) : null;
    const changed = (current && current.id) !== (state.current && state.current.id) || (current && state.current && current.state !== state.current.state);
    state.current = current || null;
    if (current && changed) {
      $("finished").classList.add("hidden");
      await loadVisit();
    }
    if (!current) state.visit = null;
    render();
    renderVisit();
  }

  // ----- desk -----
  $("sign-in-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/desks/" + $("desk-select").value + "/sign-in");
    showError("action-error", r.ok ? null : r);
    await refresh();
  });
  $("sign-out-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/desks/" + state.me.desk + "/sign-out");
    showError("action-error", r.ok ? null : r);
    await refresh();
  });
  $("break-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/desks/" + state.me.desk + (state.me.paused ? "/resume" : "/pause"));
    showError("action-error", r.ok ? null : r);
    await refresh();
  });

  // ----- calling -----
  async function act(path, body) {
    const r = await api("POST", path, body);
    showError("action-error", r.ok ? null : r);
    await refresh();
    return r;
  }
  $("call-next-btn").addEventListener("click", () => act("/api/v1/desks/" + state.me.desk + "/call-next"));
  $("recall-btn").addEventListener("click", () => act("/api/v1/tickets/" + state.current.id + "/recall"));
  $("start-btn").addEventListener("click", () => act("/api/v1/tickets/" + state.current.id + "/start"));
  $("no-show-btn").addEventListener("click", () => act("/api/v1/tickets/" + state.current.id + "/no-show"));
  $("return-btn").addEventListener("click", () => act("/api/v1/tickets/" + state.current.id + "/return"));
  $("refer-btn").addEventListener("click", async () => {
    const r = await act("/api/v1/tickets/" + state.current.id + "/refer", { reason: $("refer-reason").value });
    if (r.ok) $("refer-reason").value = "";
  });
  $("finish-btn").addEventListener("click", async () => {
    const label = state.current.label;
    const body = { outcome: $("outcome-select").value };
    if ($("finish-note").value.trim()) body.note = $("finish-note").value;
    const r = await act("/api/v1/tickets/" + state.current.id + "/finish", body);
    if (!r.ok) return;
    $("finish-note").value = "";
    $("finished").classList.remove("hidden");
    $("finished-label").textContent = label;
    const fu = r.json.follow_up;
    $("follow-up").classList.toggle("hidden", !fu);
    $("follow-up-date").textContent = fu ? fu.earliest_answer_date : "";
  });
  $("outcome-select").addEventListener("change", renderVisit);

  // ----- the visitor's details (every read is audited by the server) -----
  async function loadVisit() {
    const r = await api("GET", "/api/v1/tickets/" + state.current.id + "/visit");
    state.visit = r.ok ? r.json : null;
  }
  $("reveal-btn").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/tickets/" + state.current.id + "/reveal");
    if (!r.ok) { showError("action-error", r); return; }
    state.revealed = { id: state.current.id, nid: r.json.national_id, mobile: r.json.mobile };
    renderVisit();
  });
  document.querySelectorAll("#checklist input[type=checkbox]").forEach((box) => {
    box.addEventListener("change", async () => {
      if (!box.checked) { box.checked = true; return; } // a tick is a record; it is not undone
      const r = await api("POST", "/api/v1/tickets/" + state.current.id + "/checklist", { item: box.dataset.item });
      if (!r.ok) { box.checked = false; showError("action-error", r); return; }
      if (state.visit) state.visit.checklist = r.json;
      renderVisit();
    });
  });

  // ----- rendering -----
  function serviceName(code) { const n = state.services[code]; return n ? n[awnLang.current] : code; }

  function render() {
    if (!state.me || !state.queue) return;
    const me = state.me;
    const sel = $("desk-select");
    const chosen = sel.value;
    sel.textContent = "";
    state.queue.desks.forEach((d) => {
      const o = document.createElement("option");
      o.value = d.id;
      o.textContent = d.id + " — " + d.services.map(serviceName).join("، ");
      sel.appendChild(o);
    });
    if (chosen) sel.value = chosen;
    const atDesk = me.desk != null;
    sel.disabled = atDesk;
    $("sign-in-btn").classList.toggle("hidden", atDesk);
    $("desk-now").classList.toggle("hidden", !atDesk);
    $("break-btn").classList.toggle("hidden", !atDesk);
    $("sign-out-btn").classList.toggle("hidden", !atDesk);
    $("desk-id").textContent = atDesk ? me.desk : "";
    $("desk-state").textContent = awnLang.t(me.paused ? "on_break" : "available");
    $("break-btn").textContent = awnLang.t(me.paused ? "go_available" : "go_break");
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
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small call-btn";
      b.textContent = awnLang.t("call");
      b.disabled = !atDesk || me.paused || !!state.current;
      b.addEventListener("click", () => act("/api/v1/desks/" + me.desk + "/call", { ticket: t.id }));
      li.appendChild(b);
      list.appendChild(li);
    });
    $("call-next-btn").disabled = !atDesk || me.paused || !!state.current;
    const cur = state.current;
    $("current").classList.toggle("hidden", !cur);
    $("no-current").classList.toggle("hidden", !!cur);
    if (cur) {
      $("current-label").textContent = cur.label;
      $("current-state").textContent = awnLang.t("st_" + cur.state);
      $("recall-btn").disabled = cur.state !== "called";
      $("start-btn").disabled = cur.state !== "called";
      $("no-show-btn").disabled = cur.state !== "called";
    }
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
    for (const item of ["documents_checked", "data_confirmed", "committee_told"]) {
      const done = items.find((c) => c.item === item);
      $("check-" + item).checked = !!done;
      $("done-" + item).textContent = done ? awnLang.t("done_by") + " " + done.staff + " " + awnLang.t("at") + " " + done.done_at.replace("T", " ").slice(0, 16) : "";
    }
    const needsChecklist = $("outcome-select").value === "support_request_registered" && !(v && v.checklist.complete);
    $("checklist-hint").classList.toggle("hidden", !needsChecklist);
  }

  async function loadAlerts() {
    const r = await api("GET", "/api/v1/alerts");
    if (!r.ok) return;
    state.alerts.clear();
    r.json.alerts.forEach((a) => state.alerts.set(a.id, a));
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
      what.textContent = awnLang.t(a.kind);
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
        const r = await api("POST", "/api/v1/alerts/" + a.id + "/acknowledge");
        if (r.ok || r.status === 404) { state.alerts.delete(a.id); renderAlerts(); }
      });
      li.append(what, label, at, b);
      ul.appendChild(li);
    }
    $("no-alerts").classList.toggle("hidden", state.alerts.size > 0);
  }

  awnLang.apply();
  start();
})();
