// The console's account forms: every staff member changes their own password (with the current
// one); on the login screen, someone with a one-time code from an admin chooses their password.
// The admin link shows for admins (the server checks the role on every request). Every field is
// cleared on sign-out, so nothing of one person's typing stays for the next.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const { api, showError } = window.awnConsole;
  const FIELDS = ["pw-current", "pw-new", "pw-new2", "code-user", "code-value", "code-pass", "code-pass2"];

  function mismatch(errorId) {
    const e = $(errorId);
    e.textContent = awnLang.t("pw_mismatch");
    e.dataset.code = "pw_mismatch";
    e._reply = null;
  }

  function closeAccount() {
    $("account").classList.add("hidden");
    $("password-btn").setAttribute("aria-expanded", "false");
    for (const id of ["pw-current", "pw-new", "pw-new2"]) $(id).value = "";
    showError("pw-error", null);
    $("pw-ok").classList.add("hidden");
  }

  $("password-btn").addEventListener("click", () => {
    if (!$("account").classList.contains("hidden")) { closeAccount(); return; }
    $("account").classList.remove("hidden");
    $("password-btn").setAttribute("aria-expanded", "true");
    $("pw-ok").classList.add("hidden");
    $("account").scrollIntoView({ block: "nearest" });
    $("pw-current").focus();
  });
  $("pw-close").addEventListener("click", closeAccount);

  $("password-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("pw-ok").classList.add("hidden");
    if ($("pw-new").value !== $("pw-new2").value) { mismatch("pw-error"); return; }
    $("pw-save").disabled = true;
    const r = await api("POST", "/api/v1/auth/password", { current_password: $("pw-current").value, new_password: $("pw-new").value }, true);
    $("pw-save").disabled = false;
    showError("pw-error", r);
    if (!r.ok) return;
    for (const id of ["pw-current", "pw-new", "pw-new2"]) $(id).value = "";
    $("pw-ok").classList.remove("hidden");
  });

  $("code-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    $("code-ok").classList.add("hidden");
    if ($("code-pass").value !== $("code-pass2").value) { mismatch("code-error"); return; }
    $("code-btn").disabled = true;
    const username = $("code-user").value;
    const r = await api("POST", "/api/v1/auth/password-code", { username, code: $("code-value").value, new_password: $("code-pass").value }, true);
    $("code-btn").disabled = false;
    showError("code-error", r);
    $("code-pass").value = "";
    $("code-pass2").value = "";
    if (!r.ok) return;
    $("code-value").value = "";
    $("code-user").value = "";
    $("code-ok").classList.remove("hidden");
    $("code-login").open = false;
    $("login-user").value = username;
    $("login-reason").textContent = awnLang.t("code_done");
    $("login-reason").dataset.why = "";
    $("login-reason").classList.remove("hidden");
    $("login-pass").focus();
  });

  document.addEventListener("awn-signed-in", (e) => {
    $("password-btn").classList.remove("hidden");
    $("admin-link").classList.toggle("hidden", e.detail.role !== "admin");
    $("code-login").open = false;
    for (const id of FIELDS) $(id).value = "";
    showError("code-error", null);
    $("code-ok").classList.add("hidden");
  });
  document.addEventListener("awn-signed-out", () => {
    closeAccount();
    $("password-btn").classList.add("hidden");
    $("admin-link").classList.add("hidden");
    for (const id of FIELDS) $(id).value = "";
  });
  document.addEventListener("awn-lang", () => {
    for (const id of ["pw-error", "code-error"]) if ($(id).dataset.code === "pw_mismatch" && $(id).textContent) $(id).textContent = awnLang.t("pw_mismatch");
  });
})();
