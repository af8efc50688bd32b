// The visitor's status page: label, state, people ahead, estimated wait, and the desk when
// called. Follows the ticket over the server's event stream; nothing but these fields is ever
// received. The token stays in the path (the page sends no Referer).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  AWN_I18N.ar.brand = "جمعية عون";
  AWN_I18N.en.brand = "Awn Association";
  // The score and reason words (face_N, reason_<key>) come from /assets/rating-words.js, which the
  // server generates from the one list the rating kiosk and the metrics page also use.
  Object.assign(AWN_I18N.ar, {
    rate_title: "قيّم زيارتك (اختياري)", rate_intro: "رأيك يساعدنا على تحسين الخدمة، وليس لمحاسبة أحد. لا يُطلب منك اسم أو رقم هوية.",
    rate_question: "كيف كانت زيارتك؟",
    rate_reasons: "ما الذي يتعلق به تقييمك؟ (اختياري)",
    rate_comment: "تعليق (اختياري)", rate_notice: "فضلًا لا تكتب أسماء أشخاص أو أرقام هوية في التعليق.",
    rate_contact: "أرغب أن يتواصل معي مسؤول الجودة بخصوص هذا (لا يصل طلبك إلى الموظف الذي خدمك).",
    arrive_howto: "حجزت دورك من الهاتف. عند وصولك إلى الفرع اكتب هذا الرمز في جهاز التذاكر ليدخل دورك قائمة النداء. إن جاء دورك قبل وصولك يتأخر مرة واحدة، ثم يُلغى.",
    arrive_code: "رمز تسجيل الوصول",
    status_called: "حان دورك", status_referred: "أُحيلت تذكرتك إلى الباحث الاجتماعي، يرجى مواصلة الانتظار",
    status_expired: "انتهت صلاحية التذكرة. راجع الاستقبال.", offline: "غير متصل — آخر تحديث",
    rate_send: "إرسال التقييم", rate_thanks: "شكرًا لك، وصل تقييمك.", rate_pick: "اختر وجهًا من ١ إلى ٥", rate_failed: "تعذر الإرسال، حاول مرة أخرى",
  });
  Object.assign(AWN_I18N.en, {
    rate_title: "Rate your visit (optional)", rate_intro: "Your view helps us improve the service; it is not used to blame anyone. No name or ID is asked.",
    rate_question: "How was your visit?",
    rate_reasons: "What is your rating about? (optional)",
    rate_comment: "Comment (optional)", rate_notice: "Please do not write anyone's name or ID number in the comment.",
    rate_contact: "I would like the quality officer to contact me about this (it never goes to the staff member who served me).",
    arrive_howto: "You joined from your phone. When you arrive at the branch, type this code at the ticket kiosk and your place joins the calls. If your turn comes before you arrive, your place moves back once, then lapses.",
    arrive_code: "Check-in code",
    status_called: "It is your turn", status_referred: "You were referred to the social researcher, please keep waiting",
    status_expired: "This ticket has expired. Please ask at reception.", offline: "Not connected — last updated",
    rate_send: "Send rating", rate_thanks: "Thank you: your rating has arrived.", rate_pick: "Choose a face from 1 to 5", rate_failed: "Could not send: please try again",
  });
  const token = location.pathname.split("/").pop();
  let last = null;
  let rated = false;
  // The link: the server sends something at least every 15 s (an "alive" event when idle); after
  // SILENT_MS without anything, or an error, the page says it is not connected and since when.
  const SILENT_MS = 35000;
  let heardAt = null; // Date of the last thing received
  let offline = false;
  let stream = null;

  /** "HH:MM" in the branch's time. */
  function clock(d) {
    return d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "Asia/Riyadh" });
  }
  function renderLink() {
    document.body.classList.toggle("stale", offline);
    document.body.dataset.link = offline ? "offline" : "online";
    $("offline").classList.toggle("hidden", !offline);
    $("offline").textContent = offline ? awnLang.t("offline") + " " + (heardAt ? clock(heardAt) : "—") : "";
    document.querySelector(".live").classList.toggle("hidden", offline);
  }
  function setOffline(down) {
    if (offline === down) return;
    offline = down;
    renderLink();
  }
  function heard() { heardAt = new Date(); setOffline(false); renderLink(); }
  setInterval(() => {
    if (offline || heardAt === null || Date.now() - heardAt.getTime() < SILENT_MS) return;
    // Silent: the connection may be dead without the browser knowing. Say so, and start again.
    setOffline(true);
    // (A stream the server closed is already being retried by `onerror`.)
    if (stream && stream.readyState !== EventSource.CLOSED) { stream.close(); connect(); }
  }, 5000);

  function render() {
    const s = last;
    if (!s) return;
    $("label").textContent = s.label;
    const called = s.state === "called" && s.desk != null;
    $("called").classList.toggle("hidden", !called);
    $("desk").textContent = called ? s.desk : "";
    // A referred visitor waits in the researcher's line: told so, without a count from another line.
    const referred = s.state === "waiting" && s.referred === true;
    $("waiting").classList.toggle("hidden", s.state !== "waiting" || referred);
    $("ahead").textContent = s.people_ahead;
    // Joined from the phone and not here yet: how to check in, and the code for the kiosk.
    const away = s.state === "waiting" && s.awaiting_arrival === true && !!s.check_in_code;
    $("arrive").classList.toggle("hidden", !away);
    $("check-in-code").textContent = away ? s.check_in_code : "";
    $("wait").textContent = s.estimated_wait_minutes;
    // The visitor's words for each state, never the staff's.
    const key = referred ? "status_referred" : { waiting: "status_waiting", called: "status_called", serving: "status_serving",
      done: "status_done", no_show: "status_no_show", cancelled: "status_cancelled" }[s.state] || "status_expired";
    $("state").textContent = awnLang.t(key);
    document.body.dataset.state = s.state;
    document.body.dataset.referred = referred ? "1" : "0";
    $("rate").classList.toggle("hidden", s.state !== "done" || rated);
    $("rate-thanks").classList.toggle("hidden", !rated);
  }

  // The rating form: shown once the visit is done; the server refuses a second rating.
  $("rate").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = $("rate");
    const picked = form.querySelector("input[name=score]:checked");
    if (!picked) { $("rate-error").textContent = awnLang.t("rate_pick"); return; }
    const comment = $("comment").value.trim();
    const body = {
      score: Number(picked.value),
      reasons: Array.from(form.querySelectorAll("input[name=reasons]:checked")).map((c) => c.value),
      comment: comment === "" ? null : comment,
      contact_requested: $("contact").checked,
    };
    $("rate-send").disabled = true;
    fetch("/api/v1/status/" + encodeURIComponent(token) + "/rating", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store",
    }).then((r) => r.json().catch(() => ({})).then((j) => {
      $("rate-send").disabled = false;
      if (r.status === 201 || (r.status === 409 && j.code === "already_rated")) {
        rated = true; $("rate-error").textContent = ""; render(); return;
      }
      $("rate-error").textContent = (j.message && j.message[awnLang.current]) || awnLang.t("rate_failed");
    }), () => { $("rate-send").disabled = false; $("rate-error").textContent = awnLang.t("rate_failed"); });
  });

  function connect() {
    const es = new EventSource("/api/v1/status/" + encodeURIComponent(token) + "/events");
    stream = es;
    es.addEventListener("status", (e) => { heard(); last = JSON.parse(e.data); render(); });
    es.addEventListener("alive", heard);
    es.onerror = () => {
      if (stream !== es) return;
      setOffline(true);
      if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
      // Refused (gone, or too many lookups): ask once what happened, then try again later.
      fetch("/api/v1/status/" + encodeURIComponent(token), { cache: "no-store" }).then((r) => {
        if (r.status === 404) { location.reload(); return; }
        setTimeout(connect, 10000);
      }, () => setTimeout(connect, 5000));
    };
  }

  $("lang-btn").addEventListener("click", () => awnLang.toggle());
  document.addEventListener("awn-lang", () => { render(); renderLink(); });
  awnLang.apply();
  connect();
})();
