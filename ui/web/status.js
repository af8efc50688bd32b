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
    arrive_howto: "حجزت دورك من الهاتف. عند وصولك إلى الفرع امسح بهذا الهاتف الرمز المربع على شاشة الانتظار، أو اكتب هذا الرمز في جهاز التذاكر، ليدخل دورك قائمة النداء. إن جاء دورك قبل وصولك يتأخر مرة واحدة، ثم يُلغى.",
    arrive_code: "رمز تسجيل الوصول",
    status_called: "حان دورك", status_referred: "أُحيلت تذكرتك إلى الباحث الاجتماعي، يرجى مواصلة الانتظار",
    status_expired: "انتهت صلاحية التذكرة. راجع الاستقبال.", offline: "غير متصل — آخر تحديث",
    rate_send: "إرسال التقييم", rate_thanks: "شكرًا لك، وصل تقييمك.", rate_pick: "اختر وجهًا من ١ إلى ٥", rate_failed: "تعذر الإرسال، حاول مرة أخرى",
    notify_title: "نبّهني عند اقتراب دوري (اختياري)",
    notify_intro: "تصلك رسالة عند اقتراب دورك وأخرى عند النداء، فيها رقم التذكرة والمكتب واسم الجمعية فقط. يُحذف رقمك فور انتهاء الزيارة.",
    push_on: "نبّهني على هذا الجهاز", push_off: "إيقاف تنبيه هذا الجهاز",
    sms_label: "أو برسالة نصية إلى جوالك", sms_on: "نبّهني برسالة نصية", sms_off: "إيقاف الرسائل وحذف الرقم",
    notify_push_done: "سيصلك تنبيه على هذا الجهاز.", notify_sms_done: "ستصلك رسالة نصية.", notify_off_done: "أُوقف التنبيه.",
    notify_denied: "لم يُسمح بالتنبيهات في المتصفح.", notify_bad_number: "رقم الجوال غير صالح",
  });
  Object.assign(AWN_I18N.en, {
    rate_title: "Rate your visit (optional)", rate_intro: "Your view helps us improve the service; it is not used to blame anyone. No name or ID is asked.",
    rate_question: "How was your visit?",
    rate_reasons: "What is your rating about? (optional)",
    rate_comment: "Comment (optional)", rate_notice: "Please do not write anyone's name or ID number in the comment.",
    rate_contact: "I would like the quality officer to contact me about this (it never goes to the staff member who served me).",
    arrive_howto: "You joined from your phone. When you arrive at the branch, scan the QR code on the waiting-room screen with this phone, or type this code at the ticket kiosk, and your place joins the calls. If your turn comes before you arrive, your place moves back once, then lapses.",
    arrive_code: "Check-in code",
    status_called: "It is your turn", status_referred: "You were referred to the social researcher, please keep waiting",
    status_expired: "This ticket has expired. Please ask at reception.", offline: "Not connected — last updated",
    rate_send: "Send rating", rate_thanks: "Thank you: your rating has arrived.", rate_pick: "Choose a face from 1 to 5", rate_failed: "Could not send: please try again",
    notify_title: "Tell me when my turn is near (optional)",
    notify_intro: "You get a message when your turn is near and another when you are called, with only the ticket number, the desk and the association's name. Your number is deleted as soon as the visit ends.",
    push_on: "Notify me on this device", push_off: "Stop notifying this device",
    sms_label: "Or by text message to your mobile", sms_on: "Text me", sms_off: "Stop texts and delete my number",
    notify_push_done: "You will be notified on this device.", notify_sms_done: "You will get a text message.", notify_off_done: "Notifications stopped.",
    notify_denied: "Notifications are not allowed in this browser.", notify_bad_number: "Not a valid mobile number",
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
    renderNotify();
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

  // "Notify me": offered only when the branch configures push or SMS (GET …/notify says which),
  // while waiting. The number and the subscription go in a POST body only.
  let notifyOptions = null;
  const notifyPath = "/api/v1/status/" + encodeURIComponent(token) + "/notify";
  const canPush = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  function asked(channel) { return !!notifyOptions && notifyOptions.asked.indexOf(channel) >= 0; }
  function renderNotify() {
    const o = notifyOptions;
    const push = !!o && !!o.push_public_key && canPush;
    const sms = !!o && o.sms === true;
    const waiting = !!last && last.state === "waiting";
    $("notify").classList.toggle("hidden", !waiting || (!push && !sms));
    $("notify-push").classList.toggle("hidden", !push);
    $("push-on").classList.toggle("hidden", asked("push"));
    $("push-off").classList.toggle("hidden", !asked("push"));
    $("notify-sms").classList.toggle("hidden", !sms);
    $("sms-on").classList.toggle("hidden", asked("sms"));
    $("sms-off").classList.toggle("hidden", !asked("sms"));
    $("sms-number").disabled = asked("sms");
  }
  function loadNotify() {
    return fetch(notifyPath, { cache: "no-store" }).then((r) => r.ok ? r.json() : null)
      .then((o) => { notifyOptions = o; renderNotify(); }, () => {});
  }
  function say(key) { $("notify-msg").textContent = key ? awnLang.t(key) : ""; }
  function ask(body, done) {
    body.lang = awnLang.current;
    return fetch(notifyPath, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store" })
      .then((r) => r.json().catch(() => ({})).then((j) => {
        if (r.status === 204) { say(done); return loadNotify(); }
        $("notify-msg").textContent = (j.message && j.message[awnLang.current]) || awnLang.t("rate_failed");
      }), () => say("rate_failed"));
  }
  function withdraw(channel) {
    return fetch(notifyPath + "/" + channel, { method: "DELETE", cache: "no-store" })
      .then(() => { say("notify_off_done"); return loadNotify(); }, () => say("rate_failed"));
  }
  /** The VAPID key (base64url) as the bytes `applicationServerKey` takes. */
  function keyBytes(b64) {
    const s = atob(b64.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64.length + 3) % 4));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  }
  $("push-on").addEventListener("click", () => {
    Notification.requestPermission().then((p) => {
      if (p !== "granted") { say("notify_denied"); return null; }
      return navigator.serviceWorker.register("/sw.js").then(() => navigator.serviceWorker.ready)
        .then((reg) => reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(notifyOptions.push_public_key) }))
        .then((sub) => ask({ push: sub.toJSON() }, "notify_push_done"));
    }).catch(() => say("rate_failed"));
  });
  $("push-off").addEventListener("click", () => {
    withdraw("push");
    navigator.serviceWorker.getRegistration("/").then((reg) => reg && reg.pushManager.getSubscription())
      .then((sub) => sub && sub.unsubscribe()).catch(() => {});
  });
  $("notify-sms").addEventListener("submit", (e) => {
    e.preventDefault();
    const n = $("sms-number").value.trim();
    if (!/^\+?[0-9 ]{8,18}$/.test(n)) { say("notify_bad_number"); return; }
    ask({ sms: n }, "notify_sms_done").then(() => { $("sms-number").value = ""; });
  });
  $("sms-off").addEventListener("click", () => withdraw("sms"));

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
  loadNotify();
  connect();
})();
