// The metrics page's contact requests (web::metrics_page): "take" and "mark handled" post to
// /api/v1/contact-requests/{id}/…; the page is drawn again on success, and a refusal is shown
// in the page's language (the server's bilingual message).
"use strict";
(function () {
  const lang = document.documentElement.lang === "en" ? "en" : "ar";

  async function post(id, step, body, item) {
    const headers = { "X-Awn-Activity": "user" };
    if (body) headers["Content-Type"] = "application/json";
    let res;
    try {
      res = await fetch("/api/v1/contact-requests/" + id + "/" + step, { method: "POST", credentials: "same-origin", headers, body: body ? JSON.stringify(body) : undefined });
    } catch (_) {
      item.querySelector(".error").textContent = lang === "en" ? "The server cannot be reached." : "تعذّر الاتصال بالخادم.";
      return;
    }
    if (res.ok) { window.location.reload(); return; }
    let message = "";
    try { const j = await res.json(); message = (j.message && j.message[lang]) || j.code || ""; } catch (_) { message = String(res.status); }
    item.querySelector(".error").textContent = message;
  }

  document.querySelectorAll("[data-take]").forEach((b) => b.addEventListener("click", () => {
    post(b.dataset.take, "take", null, b.closest("li"));
  }));
  document.querySelectorAll("form[data-handle]").forEach((f) => f.addEventListener("submit", (e) => {
    e.preventDefault();
    post(f.dataset.handle, "handle", { note: f.elements.note.value }, f.closest("li"));
  }));
})();
