// The visitor's status page: label, state, people ahead, estimated wait, and the desk when
// called. Follows the ticket over the server's event stream; nothing but these fields is ever
// received. The token stays in the path (the page sends no Referer).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  AWN_I18N.ar.brand = "جمعية عون";
  AWN_I18N.en.brand = "Awn Association";
  const token = location.pathname.split("/").pop();
  let last = null;

  function render() {
    const s = last;
    if (!s) return;
    $("label").textContent = s.label;
    const called = s.state === "called" && s.desk != null;
    $("called").classList.toggle("hidden", !called);
    $("desk").textContent = called ? s.desk : "";
    $("waiting").classList.toggle("hidden", s.state !== "waiting");
    $("ahead").textContent = s.people_ahead;
    $("wait").textContent = s.estimated_wait_minutes;
    const key = { waiting: "status_waiting", called: "st_called", serving: "status_serving", done: "status_done",
      no_show: "status_no_show", cancelled: "status_cancelled" }[s.state] || "st_" + s.state;
    $("state").textContent = awnLang.t(key);
    document.body.dataset.state = s.state;
  }

  function connect() {
    const es = new EventSource("/api/v1/status/" + encodeURIComponent(token) + "/events");
    es.addEventListener("status", (e) => { last = JSON.parse(e.data); render(); });
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED) return;
      // Refused (gone, or too many lookups): ask once what happened, then try again later.
      fetch("/api/v1/status/" + encodeURIComponent(token), { cache: "no-store" }).then((r) => {
        if (r.status === 404) { location.reload(); return; }
        setTimeout(connect, 10000);
      }, () => setTimeout(connect, 5000));
    };
  }

  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", render);
  awnLang.apply();
  connect();
})();
