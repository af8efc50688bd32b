// The supervisor's live board: GET /api/v1/board, drawn again on every queue event of the staff
// stream (/api/v1/events) and when a line is due to change colour (the server says when). No
// polling: the only timers are that one, the minute counters and a reconnect.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { board: null, skewMs: 0, events: null, refreshTimer: 0, changeTimer: 0, loads: 0 };
  const fill = (key, vars) => awnLang.t(key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
  const num = (n) => (awnLang.current === "ar" ? Number(n).toLocaleString("ar-SA") : String(n));
  const minutesSince = (iso) => Math.max(0, Math.floor((Date.now() + state.skewMs - Date.parse(iso)) / 60000));
  const clockOf = (iso) => new Date(iso).toLocaleTimeString(awnLang.current === "ar" ? "ar-SA" : "en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Riyadh" });
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };

  async function load() {
    let res;
    try { res = await fetch("/api/v1/board", { credentials: "same-origin" }); } catch (_) { return; }
    if (res.status === 401 || res.status === 403) {
      $("denied").textContent = awnLang.t(res.status === 401 ? "bd_signin" : "bd_denied");
      $("denied").classList.remove("hidden");
      return false;
    }
    if (!res.ok) return true;
    const b = await res.json();
    state.board = b;
    state.skewMs = Date.parse(b.now) - Date.now();
    state.loads += 1;
    document.body.dataset.loads = String(state.loads);
    clearTimeout(state.changeTimer);
    if (b.next_change_at) {
      const due = Date.parse(b.next_change_at) - (Date.now() + state.skewMs);
      state.changeTimer = setTimeout(scheduleRefresh, Math.max(0, due) + 200);
    }
    render();
    return true;
  }

  function render() {
    const b = state.board;
    if (!b) return;
    const lang = awnLang.current;
    $("f-issued").textContent = num(b.today.issued);
    $("f-served").textContent = num(b.today.served);
    $("f-no-shows").textContent = num(b.today.no_shows);
    $("f-avg").textContent = b.today.average_wait_minutes === null ? "—" : num(b.today.average_wait_minutes);
    $("f-contacts").textContent = num(b.open_contact_requests);

    const lines = $("lines");
    lines.replaceChildren();
    for (const l of b.lines) {
      const tr = el("tr", "level-" + l.level);
      tr.dataset.service = l.service;
      tr.dataset.level = l.level;
      const name = el("th", null, lang === "ar" ? l.name_ar : l.name_en);
      name.scope = "row";
      tr.append(name, el("td", "count", num(l.waiting)), el("td", "away", num(l.away)));
      const wait = el("td", "wait");
      wait.append(el("span", null, fill("bd_min", { n: num(l.longest_wait_minutes) })), " ", el("span", "badge", awnLang.t("bd_level_" + l.level)));
      tr.append(wait, el("td", null, fill("bd_min", { n: num(l.target_wait_minutes) })), el("td", null, fill("bd_min", { n: num(l.estimated_wait_minutes) })));
      // New tickets for this line: stopped and resumed from here (the line is still served).
      const offer = el("td", "offer");
      tr.dataset.offered = String(l.offered);
      if (!l.offered) offer.append(el("span", "badge stopped", awnLang.t("bd_stopped")), " ");
      const b2 = el("button", "secondary", awnLang.t(l.offered ? "bd_stop" : "bd_resume"));
      b2.type = "button";
      b2.id = "offer-" + l.service;
      b2.setAttribute("aria-label", (l.offered ? awnLang.t("bd_stop") : awnLang.t("bd_resume")) + " — " + (lang === "ar" ? l.name_ar : l.name_en));
      b2.addEventListener("click", () => setOffered(l.service, !l.offered, b2));
      offer.append(b2);
      tr.append(offer);
      lines.append(tr);
    }
    const red = b.lines.filter((l) => l.level === "red").map((l) => (lang === "ar" ? l.name_ar : l.name_en));
    $("red-banner").textContent = red.length ? fill("bd_red_banner", { lines: red.join("، ") }) : "";
    $("red-banner").classList.toggle("hidden", red.length === 0);

    // Today's appointments: a service's name, never anything about the visitor.
    const appts = $("appointments");
    appts.replaceChildren();
    const nameOf = (code) => {
      const line = b.lines.find((l) => l.service === code);
      return line ? (lang === "ar" ? line.name_ar : line.name_en) : code;
    };
    if (!b.appointments.length) {
      const tr = el("tr");
      const td = el("td", "muted", awnLang.t("bd_no_appointments"));
      td.colSpan = 3;
      tr.append(td);
      appts.append(tr);
    }
    for (const a of b.appointments) {
      const tr = el("tr", "appt-" + a.state);
      tr.dataset.state = a.state;
      const when = el("th", "ltr", clockOf(a.starts_at));
      when.scope = "row";
      tr.append(when, el("td", null, nameOf(a.service)), el("td", null, fill("bd_appt_" + a.state, { label: a.label || "" })));
      appts.append(tr);
    }

    const desks = $("desks");
    desks.replaceChildren();
    for (const d of b.desks) {
      const li = el("li", "desk " + (d.staff ? (d.paused ? "paused" : "on-duty") : "empty"));
      li.dataset.desk = String(d.id);
      li.dataset.visitor = d.visitor || "";
      li.append(el("h3", null, fill("bd_desk", { id: num(d.id) })));
      li.append(el("p", "who", d.staff || awnLang.t("bd_empty_desk")));
      if (d.staff) {
        const duty = awnLang.t(d.paused ? "bd_on_break" : "bd_on_duty");
        li.append(el("p", "duty", d.since ? duty + " " + fill("bd_since", { time: clockOf(d.since) }) : duty));
      }
      const v = el("p", "visitor");
      v.textContent = d.visitor ? fill("bd_visitor", { label: d.visitor, min: num(minutesSince(d.visitor_called_at)) }) : awnLang.t("bd_no_visitor");
      li.append(v);
      desks.append(li);
    }

    const alerts = $("alerts");
    alerts.replaceChildren();
    if (!b.alerts.length) alerts.append(el("li", "muted", awnLang.t("bd_no_alerts")));
    for (const a of b.alerts) {
      const words = a.kind === "printer" && a.reason ? awnLang.t("printer_" + a.reason) : awnLang.t(a.kind);
      const li = el("li", "alert");
      li.append(el("span", "label ltr", a.label), " ", el("span", null, words));
      alerts.append(li);
    }
    $("clock").textContent = clockOf(Date.now() + state.skewMs);
  }

  async function setOffered(service, offered, button) {
    button.disabled = true;
    let res = null;
    try {
      res = await fetch("/api/v1/services/" + encodeURIComponent(service) + "/offered", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json", "X-Awn-Activity": "user" },
        body: JSON.stringify({ offered }),
      });
    } catch (_) { res = null; }
    button.disabled = false;
    $("offer-error").textContent = res && res.ok ? "" : awnLang.t("bd_offer_failed");
    // The settings_changed event redraws every board; this one at once.
    if (res && res.ok) scheduleRefresh();
  }

  function scheduleRefresh() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(load, 30);
  }

  function connect() {
    if (state.events) state.events.close();
    const es = new EventSource("/api/v1/events");
    state.events = es;
    es.addEventListener("hello", () => { $("conn").classList.add("hidden"); scheduleRefresh(); });
    es.addEventListener("reset", scheduleRefresh);
    for (const kind of ["issued", "called", "recalled", "started", "finished", "no_show", "returned", "referred", "transferred", "cancelled", "expired", "desk_changed", "reclassed", "checked_in", "moved_back", "alert", "alert_acknowledged", "settings_changed", "appointments_changed"]) {
      es.addEventListener(kind, scheduleRefresh);
    }
    es.onerror = () => {
      $("conn").classList.remove("hidden");
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }

  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", render);
  awnLang.apply();
  // The minute counters (time at the desk, the clock) move on their own; nothing is fetched.
  setInterval(render, 30000);
  load().then((allowed) => { if (allowed !== false) connect(); });
})();
