// Appointments for staff: reception and supervisors book a slot for a caller on the phone (and
// read them the code) or cancel one by its day and code; the branch administrator adds slots and
// deletes unbooked ones. No name or number is asked or shown. Data from /api/v1/appointment-slots.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { me: null, slots: [], names: {}, shownTimer: 0, booked: null };
  const CODE_SHOWN_MS = 180000; // a code left on screen goes: the next caller must not see it
  const fill = (key, vars) => awnLang.t(key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const locale = () => (awnLang.current === "ar" ? "ar-SA-u-nu-latn" : "en-GB");
  const dayOf = (iso) => new Date(iso).toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long", timeZone: "Asia/Riyadh" });
  const timeOf = (iso) => new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Riyadh" });
  const whenOf = (iso) => fill("ap_when_words", { day: dayOf(iso), time: timeOf(iso) });
  const nameOf = (code) => { const n = state.names[code]; return n ? (awnLang.current === "ar" ? n.ar : n.en) : code; };
  const today = () => new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Riyadh" });

  async function api(method, path, body) {
    const headers = { "X-Awn-Activity": "user" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const res = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await res.json().catch(() => null);
      return { ok: res.ok, status: res.status, json };
    } catch (_) {
      return { ok: false, status: 0, json: null };
    }
  }
  // A result line is kept as how to say it, so a language switch says it again in the new language.
  const said = {};
  function say(id, words) {
    said[id] = words;
    $(id).textContent = words ? words() : "";
  }
  // The words when the request worked, else the server's own words for its refusal (it sends both
  // languages), else a plain "did not work".
  function sayResult(id, r, words) {
    $(id).className = r.ok ? "" : "error";
    const refusal = () => (r.json && r.json.message ? r.json.message[awnLang.current] || r.json.message.en : awnLang.t("ap_failed"));
    say(id, r.ok ? words : refusal);
  }

  async function start() {
    const me = await api("GET", "/api/v1/me");
    if (!me.ok) {
      $("denied").textContent = awnLang.t(me.status === 401 ? "ap_signin" : "ap_failed");
      $("denied").classList.remove("hidden");
      return;
    }
    state.me = me.json;
    const books = ["reception", "supervisor"].includes(state.me.role);
    const admin = state.me.role === "admin";
    if (!books && !admin) {
      $("denied").textContent = awnLang.t("ap_denied");
      $("denied").classList.remove("hidden");
      return;
    }
    $("slots-section").classList.remove("hidden");
    $("cancel-section").classList.toggle("hidden", !books);
    $("admin-section").classList.toggle("hidden", !admin);
    $("cancel-day").value = today();
    $("slot-day").value = today();
    const sv = await api("GET", "/api/v1/services");
    if (sv.ok) {
      for (const s of sv.json.services) state.names[s.code] = s.name;
      const select = $("slot-service");
      select.replaceChildren();
      for (const s of sv.json.services) { const o = el("option", null, nameOf(s.code)); o.value = s.code; select.append(o); }
    }
    await loadSlots();
  }

  async function loadSlots() {
    const r = await api("GET", "/api/v1/appointment-slots");
    if (r.ok) state.slots = r.json;
    render();
  }

  function render() {
    const body = $("slots");
    body.replaceChildren();
    if (!state.slots.length) {
      const tr = el("tr");
      const td = el("td", "muted", awnLang.t("ap_no_slots"));
      td.colSpan = 4;
      tr.append(td);
      body.append(tr);
    }
    const books = state.me && ["reception", "supervisor"].includes(state.me.role);
    const admin = state.me && state.me.role === "admin";
    let day = "";
    for (const s of state.slots) {
      if (dayOf(s.starts_at) !== day) {
        day = dayOf(s.starts_at);
        const tr = el("tr", "day");
        const th = el("th", null, day);
        th.colSpan = 4;
        th.scope = "rowgroup";
        tr.append(th);
        body.append(tr);
      }
      const free = s.capacity - s.booked;
      // The server says whether it can still be booked (its clock, not this screen's).
      const passed = !s.bookable && free > 0;
      const tr = el("tr");
      tr.dataset.slot = String(s.id);
      const when = el("th", "ltr", timeOf(s.starts_at));
      when.scope = "row";
      const places = passed ? awnLang.t("ap_passed") : free > 0 ? fill("ap_free_of", { free, capacity: s.capacity }) : awnLang.t("ap_full");
      const action = el("td");
      if (books) {
        const b = el("button", "small", awnLang.t("ap_book"));
        b.type = "button";
        b.disabled = !s.bookable;
        b.setAttribute("aria-label", awnLang.t("ap_book") + " — " + nameOf(s.service) + " " + whenOf(s.starts_at));
        b.addEventListener("click", () => book(s, b));
        action.append(b);
      }
      if (admin && s.booked === 0) {
        const d = el("button", "secondary small", awnLang.t("ap_delete"));
        d.type = "button";
        d.setAttribute("aria-label", awnLang.t("ap_delete") + " — " + nameOf(s.service) + " " + whenOf(s.starts_at));
        d.addEventListener("click", () => removeSlot(s, d));
        action.append(d);
      }
      tr.append(when, el("td", null, nameOf(s.service)), el("td", null, places), action);
      body.append(tr);
    }
  }

  async function book(slot, button) {
    button.disabled = true;
    say("book-error", null);
    const r = await api("POST", "/api/v1/appointments", { slot: slot.id });
    if (r.ok) {
      showCode(r.json);
    } else {
      sayResult("book-error", r, null);
    }
    await loadSlots();
  }

  function showCode(b) {
    state.booked = b;
    $("booked-code").textContent = b.code;
    $("booked-when").textContent = nameOf(b.service) + " — " + whenOf(b.starts_at);
    $("remind-form").classList.toggle("hidden", !b.reminder_offered);
    $("remind-lang").value = awnLang.current;
    $("booked").classList.remove("hidden");
    $("booked").focus();
    clearTimeout(state.shownTimer);
    state.shownTimer = setTimeout(hideCode, CODE_SHOWN_MS);
  }

  function hideCode() {
    state.booked = null;
    clearTimeout(state.shownTimer);
    $("booked-code").textContent = "";
    $("booked-when").textContent = "";
    // Nothing of this caller stays for the next one.
    $("remind-mobile").value = "";
    say("remind-result", null);
    $("booked").classList.add("hidden");
  }

  async function removeSlot(slot, button) {
    button.disabled = true;
    const r = await api("DELETE", "/api/v1/admin/appointment-slots/" + slot.id);
    sayResult("slots-result", r, () => awnLang.t("ap_deleted"));
    await loadSlots();
  }

  $("booked-done").addEventListener("click", hideCode);
  $("remind-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const b = state.booked;
    if (!b) return;
    const r = await api("POST", "/api/v1/appointments/reminder", {
      day: b.starts_at.slice(0, 10), code: b.code, mobile: $("remind-mobile").value.trim(), lang: $("remind-lang").value,
    });
    sayResult("remind-result", r, () => awnLang.t("ap_reminded"));
    if (r.ok) $("remind-mobile").value = "";
  });
  $("unremind").addEventListener("click", async () => {
    if (!$("cancel-form").reportValidity()) return;
    const r = await api("POST", "/api/v1/appointments/reminder/withdraw", { day: $("cancel-day").value, code: $("cancel-code").value.trim() });
    sayResult("cancel-result", r, () => awnLang.t("ap_unreminded"));
  });
  $("cancel-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("POST", "/api/v1/appointments/cancel", { day: $("cancel-day").value, code: $("cancel-code").value.trim() });
    sayResult("cancel-result", r, () => fill("ap_cancelled", { when: whenOf(r.json.starts_at) }));
    if (r.ok) $("cancel-code").value = "";
    await loadSlots();
  });
  $("slots-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const times = $("slot-times").value.split(/[\s,،]+/).filter(Boolean);
    const r = await api("PUT", "/api/v1/admin/appointment-slots", {
      service: $("slot-service").value, day: $("slot-day").value, times, capacity: Number($("slot-capacity").value),
    });
    sayResult("slots-result", r, () => awnLang.t("ap_added"));
    await loadSlots();
  });
  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", () => {
    render();
    if (state.booked) $("booked-when").textContent = nameOf(state.booked.service) + " — " + whenOf(state.booked.starts_at);
    for (const [id, words] of Object.entries(said)) say(id, words);
    for (const o of $("slot-service").options) o.textContent = nameOf(o.value);
  });
  awnLang.apply();
  start();
})();
