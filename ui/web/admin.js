// Administration of the branch (admins): staff accounts from GET/POST/PUT /api/v1/admin/staff and
// devices from /api/v1/admin/devices. A one-time code is shown once, in its own box, until the
// admin says it was handed over; nothing else is kept in the page.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const ROLES = ["reception", "researcher", "supervisor", "admin"];
  const GENDERS = ["female", "male"];
  const st = { staff: [], devices: [], editing: null, confirming: null, code: null };
  const fill = (key, vars) => awnLang.t(key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
  const when = (local) => (local ? new Date(local).toLocaleString(awnLang.current === "ar" ? "ar-SA" : "en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Riyadh" }) : "");

  async function api(method, path, body) {
    const headers = { "X-Awn-Activity": "user" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch(path, { method, credentials: "same-origin", headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (_) {
      return { ok: false, status: 0, json: { code: "network" } };
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
    if (res.status === 401 || (res.status === 403 && json && json.code === "forbidden")) deny(res.status);
    return { ok: res.ok, status: res.status, json };
  }

  function deny(status) {
    $("denied").dataset.status = String(status);
    $("denied").textContent = awnLang.t(status === 401 ? "ad_signin" : "ad_denied");
    $("denied").classList.remove("hidden");
    document.querySelectorAll("main > section").forEach((sec) => sec.classList.add("hidden"));
    st.code = null;
  }

  // A refusal in the admin's words; a field's rule explains itself in both languages.
  function showError(id, r) {
    const e = $(id);
    e._reply = r && !r.ok ? r : null;
    if (!e._reply) { e.textContent = ""; return; }
    const code = r.json && r.json.code;
    if (code && AWN_I18N.ar["err_" + code]) e.textContent = awnLang.t("err_" + code);
    // A rule of the settings names what failed in English only: shown beside the Arabic words.
    else if (code === "invalid_settings" && r.json.message) e.textContent = awnLang.current === "ar" ? r.json.message.ar + " (" + r.json.message.en + ")" : r.json.message.en;
    else if (r.json && r.json.field && r.json.message) e.textContent = r.json.message[awnLang.current];
    else e.textContent = awnLang.t("err_generic");
    e.dataset.code = code || "";
  }

  function options(select, values, prefix) {
    const chosen = select.value;
    select.textContent = "";
    for (const v of values) select.append(new Option(awnLang.t(prefix + v), v));
    if (chosen) select.value = chosen;
  }

  async function load() {
    const [staff, devices] = await Promise.all([api("GET", "/api/v1/admin/staff"), api("GET", "/api/v1/admin/devices")]);
    if (!staff.ok || !devices.ok) return;
    st.staff = staff.json;
    st.devices = devices.json;
    $("staff").classList.remove("hidden");
    $("devices").classList.remove("hidden");
    render();
  }

  function render() {
    for (const id of ["add-role", "edit-role"]) options($(id), ROLES, "role_");
    for (const id of ["add-gender", "edit-gender"]) options($(id), GENDERS, "gender_");
    const rows = $("staff-rows");
    rows.replaceChildren();
    for (const s of st.staff) {
      const tr = el("tr", s.disabled ? "off" : "");
      tr.dataset.username = s.username;
      const user = el("td");
      user.append(el("span", "ltr", s.username));
      tr.append(user, el("td", null, s.display_name), el("td", null, awnLang.t("role_" + s.role)), el("td", null, awnLang.t("gender_" + s.gender)));
      const state = s.disabled ? awnLang.t("ad_st_disabled") : s.code_expires_at ? awnLang.t("ad_code_pending") : awnLang.t("ad_st_active");
      tr.append(el("td", null, state));
      const actions = el("td", "actions");
      const edit = el("button", "secondary", awnLang.t("ad_edit"));
      edit.type = "button";
      edit.id = "edit-" + s.username;
      edit.addEventListener("click", () => openEdit(s.id));
      actions.append(edit);
      tr.append(actions);
      rows.append(tr);
    }
    renderEdit();
    renderDevices();
    renderCode();
  }

  function renderDevices() {
    const rows = $("device-rows");
    rows.replaceChildren();
    for (const d of st.devices) {
      const tr = el("tr", d.revoked_at ? "off" : "");
      tr.dataset.device = String(d.id);
      const kind = d.scope === "applicant" ? fill("scope_applicant", { desk: d.desk }) : awnLang.t("scope_" + d.scope);
      tr.append(el("td", null, d.name), el("td", null, kind), el("td", null, when(d.created_at)));
      tr.append(el("td", null, d.last_seen_at ? when(d.last_seen_at) : awnLang.t("ad_never")));
      tr.append(el("td", null, awnLang.t(d.revoked_at ? "ad_st_revoked" : "ad_st_active")));
      const actions = el("td", "actions");
      if (!d.revoked_at) {
        const b = el("button", "danger", awnLang.t("ad_revoke"));
        b.type = "button";
        b.id = "revoke-" + d.id;
        b.addEventListener("click", () => { st.confirming = d.id; renderDevices(); });
        actions.append(b);
      }
      tr.append(actions);
      rows.append(tr);
      if (st.confirming === d.id) {
        const c = el("tr", "confirm");
        const td = el("td");
        td.colSpan = 6;
        td.append(el("span", null, fill("ad_revoke_confirm", { name: d.name })), " ");
        const yes = el("button", "danger", awnLang.t("ad_revoke_yes"));
        yes.type = "button";
        yes.id = "revoke-yes-" + d.id;
        yes.addEventListener("click", () => revoke(d.id));
        const no = el("button", "secondary", awnLang.t("ad_cancel"));
        no.type = "button";
        no.addEventListener("click", () => { st.confirming = null; renderDevices(); });
        td.append(yes, " ", no);
        c.append(td);
        rows.append(c);
      }
    }
  }

  async function revoke(id) {
    const r = await api("POST", "/api/v1/admin/devices/" + id + "/revoke");
    showError("device-error", r);
    st.confirming = null;
    await load();
  }

  function openEdit(id) {
    st.editing = id;
    const s = st.staff.find((x) => x.id === id);
    $("edit-name").value = s.display_name;
    $("edit-role").value = s.role;
    $("edit-gender").value = s.gender;
    $("edit-active").checked = !s.disabled;
    showError("edit-error", null);
    renderEdit();
    $("edit-name").focus();
  }

  function renderEdit() {
    const s = st.staff.find((x) => x.id === st.editing);
    $("edit-form").classList.toggle("hidden", !s);
    if (s) $("edit-h").textContent = fill("ad_edit_of", { name: s.display_name });
  }

  function closeEdit() {
    st.editing = null;
    showError("edit-error", null);
    renderEdit();
  }

  // A code left on screen (the admin called away) is gone after CODE_SHOWN_MS; a new one can
  // be made from the account.
  const CODE_SHOWN_MS = 5 * 60 * 1000;
  let codeTimer = 0;
  function forgetCode() {
    clearTimeout(codeTimer);
    st.code = null;
    renderCode();
  }

  function showCode(c) {
    st.code = c;
    clearTimeout(codeTimer);
    codeTimer = setTimeout(forgetCode, CODE_SHOWN_MS);
    renderCode();
    $("code-box").scrollIntoView({ block: "nearest" });
    $("code-done").focus();
  }

  function renderCode() {
    const c = st.code;
    $("code-box").classList.toggle("hidden", !c);
    if (!c) { for (const id of ["code-for", "code-value", "code-until"]) $(id).textContent = ""; return; }
    $("code-for").textContent = fill("ad_code_for", { name: c.staff.display_name, username: c.staff.username });
    $("code-value").textContent = c.one_time_code;
    $("code-until").textContent = fill("ad_code_until", { time: when(c.expires_at) });
  }

  // For admin-settings.js (services, desks, the branch): the same requests and refusals.
  window.awnAdmin = { api, showError, fill, el };

  $("code-done").addEventListener("click", forgetCode);

  $("add-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("add-btn").disabled = true;
    const r = await api("POST", "/api/v1/admin/staff", {
      username: $("add-username").value, display_name: $("add-name").value, role: $("add-role").value, gender: $("add-gender").value,
    });
    $("add-btn").disabled = false;
    showError("add-error", r);
    if (!r.ok) return;
    $("add-username").value = "";
    $("add-name").value = "";
    await load();
    showCode(r.json);
  });

  $("edit-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api("PUT", "/api/v1/admin/staff/" + st.editing, {
      display_name: $("edit-name").value, role: $("edit-role").value, gender: $("edit-gender").value, disabled: !$("edit-active").checked,
    });
    showError("edit-error", r);
    if (!r.ok) return;
    closeEdit();
    await load();
  });

  $("edit-code").addEventListener("click", async () => {
    const r = await api("POST", "/api/v1/admin/staff/" + st.editing + "/password-code");
    showError("edit-error", r);
    if (!r.ok) return;
    closeEdit();
    await load();
    showCode(r.json);
  });

  $("edit-cancel").addEventListener("click", closeEdit);
  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", () => {
    render();
    for (const id of ["add-error", "edit-error", "device-error"]) if ($(id)._reply) showError(id, $(id)._reply);
    if (!$("denied").classList.contains("hidden")) $("denied").textContent = awnLang.t($("denied").dataset.status === "401" ? "ad_signin" : "ad_denied");
  });
  awnLang.apply();
  load();
})();
