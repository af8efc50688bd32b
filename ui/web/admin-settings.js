// Administration of what the branch offers: services (with their document checklist, target and
// retention), desks and the branch's names and consent notice, from GET /api/v1/admin/settings.
// Each save is one request whose answer is the whole settings in force, drawn again; a change
// the running queue refuses (tickets in a line, someone at a desk) is said in the admin's words.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, showError, fill, el } = window.awnAdmin;
  const KINDS = ["beneficiary_relations", "social_research"];
  const st = { settings: null, service: null, desk: null, branchShown: false };
  const name = (o) => (awnLang.current === "ar" ? o.name_ar : o.name_en);
  const num = (v) => (v === "" ? null : Number(v));

  async function load() {
    const r = await api("GET", "/api/v1/admin/settings");
    if (!r.ok) return;
    show(r.json);
  }

  function show(settings) {
    st.settings = settings;
    for (const id of ["services", "desks", "branch"]) $(id).classList.remove("hidden");
    render();
  }

  function button(text, cls, id, onClick) {
    const b = el("button", cls, text);
    b.type = "button";
    if (id) b.id = id;
    b.addEventListener("click", onClick);
    return b;
  }

  function render() {
    const s = st.settings;
    if (!s) return;
    const rows = $("service-rows");
    rows.replaceChildren();
    for (const sv of s.services) {
      const tr = el("tr", sv.hidden ? "off" : "");
      tr.dataset.service = sv.code;
      const code = el("td");
      code.append(el("span", "ltr", sv.code));
      const days = s.retention_days[sv.code];
      tr.append(code, el("td", "label", sv.prefix), el("td", null, name(sv)), el("td", null, fill("bd_min", { n: sv.average_service_minutes })),
        el("td", null, fill("bd_min", { n: sv.target_wait_minutes || 15 })), el("td", null, days ? fill("ad_days", { n: days }) : awnLang.t("ad_default")),
        el("td", null, awnLang.t(sv.hidden ? "ad_hidden" : "ad_shown")));
      const actions = el("td", "actions");
      actions.append(button(awnLang.t("ad_edit"), "secondary", "sv-edit-" + sv.code, () => openService(sv.code)));
      tr.append(actions);
      rows.append(tr);
    }
    const desks = $("desk-rows");
    desks.replaceChildren();
    for (const d of s.desks) {
      const tr = el("tr");
      tr.dataset.desk = String(d.id);
      const served = d.services.map((c) => { const sv = s.services.find((x) => x.code === c); return sv ? name(sv) : c; }).join(awnLang.current === "ar" ? "، " : ", ");
      const shownName = d.name_ar ? (awnLang.current === "ar" ? d.name_ar : d.name_en) : "—";
      tr.append(el("td", "ltr", String(d.id)), el("td", null, shownName), el("td", null, awnLang.t("kind_" + d.kind)), el("td", null, served));
      const actions = el("td", "actions");
      actions.append(button(awnLang.t("ad_edit"), "secondary", "dk-edit-" + d.id, () => openDesk(d.id)));
      tr.append(actions);
      desks.append(tr);
    }
    // The branch's fields are filled once and after their own save, never over unsaved typing.
    if (!st.branchShown) { fillBranch(); st.branchShown = true; }
    renderServiceForm();
    renderDeskForm();
  }

  // ----- a service -----
  function docRow(d) {
    const row = el("div", "doc-row");
    const field = (key, value, cls, dir, max) => {
      const l = el("label");
      const i = el("input", cls);
      i.value = value || "";
      i.dir = dir;
      i.maxLength = max;
      l.append(el("span", null, awnLang.t(key)), i);
      return l;
    };
    const check = (key, on, cls) => {
      const l = el("label", "check");
      const i = el("input", cls);
      i.type = "checkbox";
      i.checked = on;
      l.append(i, el("span", null, awnLang.t(key)));
      return l;
    };
    row.append(field("ad_code", d.code, "doc-code", "ltr", 40), field("ad_name_ar", d.name_ar, "doc-ar", "rtl", 120), field("ad_name_en", d.name_en, "doc-en", "ltr", 120),
      check("ad_doc_required", d.required !== false, "doc-required"), check("ad_doc_expiry", !!d.expiry, "doc-expiry"), check("ad_doc_reference", !!d.reference, "doc-reference"),
      button(awnLang.t("ad_doc_remove"), "secondary", null, () => row.remove()));
    return row;
  }

  function openService(code) {
    st.service = code === null ? { new: true } : { code };
    const sv = code === null ? { code: "", prefix: "", name_ar: "", name_en: "", hint_ar: "", hint_en: "", average_service_minutes: 10, target_wait_minutes: null, documents: [], hidden: false } : st.settings.services.find((x) => x.code === code);
    $("sv-code").value = sv.code;
    $("sv-code").readOnly = code !== null;
    $("sv-prefix").value = sv.prefix;
    $("sv-name-ar").value = sv.name_ar;
    $("sv-name-en").value = sv.name_en;
    $("sv-hint-ar").value = sv.hint_ar;
    $("sv-hint-en").value = sv.hint_en;
    $("sv-avg").value = sv.average_service_minutes;
    $("sv-target").value = sv.target_wait_minutes || "";
    $("sv-retention").value = (code !== null && st.settings.retention_days[code]) || "";
    $("sv-offered").checked = !sv.hidden;
    $("sv-docs").replaceChildren(...sv.documents.map(docRow));
    showError("sv-error", null);
    renderServiceForm();
    (code === null ? $("sv-code") : $("sv-name-ar")).focus();
  }

  function renderServiceForm() {
    const open = st.service !== null;
    $("service-form").classList.toggle("hidden", !open);
    if (!open) return;
    const sv = st.service.new ? null : st.settings.services.find((x) => x.code === st.service.code);
    $("service-h").textContent = sv ? fill("ad_edit_service", { name: name(sv) }) : awnLang.t("ad_service_add");
    $("sv-delete").classList.toggle("hidden", !sv);
  }

  function closeService() {
    st.service = null;
    renderServiceForm();
  }

  $("service-new").addEventListener("click", () => openService(null));
  $("sv-cancel").addEventListener("click", closeService);
  $("sv-doc-add").addEventListener("click", () => {
    const row = docRow({ code: "", name_ar: "", name_en: "", required: true });
    $("sv-docs").append(row);
    row.querySelector("input").focus();
  });

  $("service-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const documents = [...$("sv-docs").querySelectorAll(".doc-row")].map((row) => ({
      code: row.querySelector(".doc-code").value.trim(), name_ar: row.querySelector(".doc-ar").value, name_en: row.querySelector(".doc-en").value,
      required: row.querySelector(".doc-required").checked, expiry: row.querySelector(".doc-expiry").checked, reference: row.querySelector(".doc-reference").checked,
    }));
    const code = $("sv-code").value.trim();
    const r = await api("PUT", "/api/v1/admin/services/" + encodeURIComponent(code), {
      prefix: $("sv-prefix").value.trim(), name_ar: $("sv-name-ar").value, name_en: $("sv-name-en").value, hint_ar: $("sv-hint-ar").value, hint_en: $("sv-hint-en").value,
      average_service_minutes: num($("sv-avg").value), target_wait_minutes: num($("sv-target").value), retention_days: num($("sv-retention").value),
      hidden: !$("sv-offered").checked, documents,
    });
    showError("sv-error", r);
    if (!r.ok) return;
    closeService();
    show(r.json);
  });

  $("sv-delete").addEventListener("click", async () => {
    const r = await api("DELETE", "/api/v1/admin/services/" + encodeURIComponent(st.service.code));
    showError("sv-error", r);
    if (!r.ok) return;
    closeService();
    show(r.json);
  });

  // ----- a desk -----
  function openDesk(id) {
    st.desk = id === null ? { new: true } : { id };
    const d = id === null ? { id: "", kind: "beneficiary_relations", services: [] } : st.settings.desks.find((x) => x.id === id);
    $("dk-id").value = d.id;
    $("dk-id").readOnly = id !== null;
    $("dk-name-ar").value = d.name_ar || "";
    $("dk-name-en").value = d.name_en || "";
    const kind = $("dk-kind");
    kind.replaceChildren(...KINDS.map((k) => new Option(awnLang.t("kind_" + k), k)));
    kind.value = d.kind;
    const box = $("dk-services");
    box.replaceChildren();
    box.className = "chips";
    for (const sv of st.settings.services) {
      const l = el("label");
      const i = el("input");
      i.type = "checkbox";
      i.value = sv.code;
      i.id = "dk-sv-" + sv.code;
      i.checked = d.services.includes(sv.code);
      l.append(i, el("span", null, name(sv)));
      box.append(l);
    }
    showError("dk-error", null);
    renderDeskForm();
    (id === null ? $("dk-id") : kind).focus();
  }

  function renderDeskForm() {
    const open = st.desk !== null;
    $("desk-form").classList.toggle("hidden", !open);
    if (!open) return;
    $("desk-h").textContent = st.desk.new ? awnLang.t("ad_desk_add") : fill("bd_desk", { id: st.desk.id });
    $("dk-delete").classList.toggle("hidden", !!st.desk.new);
  }

  function closeDesk() {
    st.desk = null;
    renderDeskForm();
  }

  $("desk-new").addEventListener("click", () => openDesk(null));
  $("dk-cancel").addEventListener("click", closeDesk);
  $("desk-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const services = [...$("dk-services").querySelectorAll("input:checked")].map((i) => i.value);
    const r = await api("PUT", "/api/v1/admin/desks/" + Number($("dk-id").value), {
      kind: $("dk-kind").value, services, name_ar: $("dk-name-ar").value, name_en: $("dk-name-en").value,
    });
    showError("dk-error", r);
    if (!r.ok) return;
    closeDesk();
    show(r.json);
  });
  $("dk-delete").addEventListener("click", async () => {
    const r = await api("DELETE", "/api/v1/admin/desks/" + st.desk.id);
    showError("dk-error", r);
    if (!r.ok) return;
    closeDesk();
    show(r.json);
  });

  // ----- the branch -----
  function fillBranch() {
    const s = st.settings;
    $("br-name-ar").value = s.name_ar;
    $("br-name-en").value = s.name_en;
    $("br-notice-ar").value = s.intake_notice.ar;
    $("br-notice-en").value = s.intake_notice.en;
    $("br-version").textContent = fill("ad_notice_version", { v: s.intake_notice.version });
  }

  $("branch-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("br-ok").classList.add("hidden");
    const r = await api("PUT", "/api/v1/admin/branch", {
      name_ar: $("br-name-ar").value, name_en: $("br-name-en").value, notice_ar: $("br-notice-ar").value, notice_en: $("br-notice-en").value,
    });
    showError("br-error", r);
    if (!r.ok) return;
    show(r.json);
    fillBranch();
    st.branchShown = true;
    $("br-ok").classList.remove("hidden");
  });

  document.addEventListener("awn-lang", () => {
    render();
    if (st.settings) $("br-version").textContent = fill("ad_notice_version", { v: st.settings.intake_notice.version });
    for (const id of ["sv-error", "dk-error", "br-error"]) if ($(id)._reply) showError(id, $(id)._reply);
  });
  load();
})();
