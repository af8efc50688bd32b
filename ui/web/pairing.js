// An admin pairs a new device (kiosk, display, rating terminal, applicant tablet) with the
// six-digit code it shows: POST /api/v1/pairing/claim with the code, the device's kind, its name
// and, for an applicant tablet, the desk it faces. The device then receives its token by itself.
// Opened from the device's QR (/console#pair=NNNNNN), the code is filled in and the fragment
// dropped from the address bar.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let pending = false;

  function codeFromLink() {
    const m = /^#pair=([0-9]{6})$/.exec(location.hash);
    if (!m) return "";
    history.replaceState(null, "", location.pathname + location.search);
    return m[1];
  }
  let linked = codeFromLink();
  let admin = false;
  // Fills in the code from the device's link, once an admin is signed in.
  function fillLinked() {
    if (!admin || !linked) return;
    $("pr-code").value = linked;
    linked = "";
    $("pr-name").focus();
  }
  // The link opened in a console tab already open (only the fragment changes).
  window.addEventListener("hashchange", () => {
    const code = codeFromLink();
    if (code) { linked = code; fillLinked(); }
  });

  function showDesk() {
    const tablet = $("pr-scope").value === "applicant";
    $("pr-desk-label").classList.toggle("hidden", !tablet);
    $("pr-desk").required = tablet;
  }

  async function pair(e) {
    e.preventDefault();
    if (pending) return; // a double click: the first request is on its way
    const { api, showError } = window.awnConsole;
    const body = {
      code: $("pr-code").value.replace(/[\s-]/g, ""),
      scope: $("pr-scope").value,
      name: $("pr-name").value.trim(),
    };
    if (body.scope === "applicant") body.desk = Number($("pr-desk").value);
    pending = true;
    $("pr-pair").disabled = true;
    const r = await api("POST", "/api/v1/pairing/claim", body, true);
    pending = false;
    $("pr-pair").disabled = false;
    showError("pr-error", r);
    const done = $("pr-done");
    done.classList.toggle("hidden", !r.ok);
    if (!r.ok) { done.textContent = ""; return; }
    done.dataset.name = r.json.name;
    done.textContent = awnLang.t("pr_done").replace("{name}", r.json.name);
    $("pr-form").reset();
    showDesk();
    $("pr-code").focus();
  }

  document.addEventListener("awn-signed-in", (e) => {
    admin = e.detail.role === "admin";
    $("pairing").classList.toggle("hidden", !admin);
    fillLinked();
  });
  document.addEventListener("awn-signed-out", () => {
    admin = false;
    $("pr-form").reset();
    $("pr-done").textContent = "";
    $("pr-done").classList.add("hidden");
    if (window.awnConsole) window.awnConsole.showError("pr-error", null);
    $("pairing").classList.add("hidden");
  });
  document.addEventListener("awn-lang", () => {
    const done = $("pr-done");
    if (done.textContent) done.textContent = awnLang.t("pr_done").replace("{name}", done.dataset.name);
  });
  $("pr-scope").addEventListener("change", showDesk);
  $("pr-form").addEventListener("submit", pair);
  showDesk();
})();
