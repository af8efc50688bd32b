// The applicant tablet (policy 6.4). Paired once as /applicant#token=DEVICE_TOKEN (traded for an
// HttpOnly cookie, then dropped from the address bar), or without a link by showing a pairing code
// an admin types in the console (pair-screen.js). Every two seconds it asks whether its desk
// wants a confirmation; it shows the data and the declaration, and answers "this is correct" with
// the signature's strokes, or "something is wrong". Nothing stays on screen once the desk takes
// the request back, the answer is sent, or the server cannot be reached for a while: the next
// applicant never sees the previous one's data. Text is always set with textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const WORDS = {
    ar: {
      org: "جمعية عون لرعاية ضحايا الجريمة", lang: "English",
      idle_title: "مرحبًا بك", idle_text: "ستظهر بياناتك هنا عندما يطلب منك الموظف مراجعتها وتأكيدها.",
      review_title: "راجع بياناتك", review_text: "هذه البيانات كما سجّلها الموظف بعد مطابقتها مع مستنداتك. أنت مسؤول عن صحتها.",
      changed: "عدّل الموظف البيانات للتو: راجعها مرة أخرى.",
      service: "الخدمة", name: "الاسم", national_id: "رقم الهوية أو الإقامة", mobile: "الجوال",
      documents: "المستندات التي طابقها الموظف", no_documents: "لا يوجد", valid: "ساري", not_valid: "غير ساري",
      expires: "ينتهي في", number: "الرقم", declaration: "الإقرار",
      correct: "البيانات صحيحة", wrong: "هناك خطأ",
      sign_title: "وقّع بإصبعك في المربع", pad_label: "مربع التوقيع", submit: "تأكيد وتوقيع", clear: "مسح التوقيع", back: "رجوع",
      sign_first: "وقّع في المربع أولًا.",
      thanks_title: "شكرًا لك", thanks_confirmed: "تم تأكيد بياناتك وتوقيعك.",
      thanks_wrong: "أبلغنا الموظف، وسيراجع البيانات معك الآن.",
      reconnecting: "انقطع الاتصال — جارٍ إعادة الاتصال…", failed: "تعذّر الإرسال. حاول مرة أخرى.",
      none: "—",
    },
    en: {
      org: "Awn Association for the Care of Crime Victims", lang: "العربية",
      idle_title: "Welcome", idle_text: "Your details appear here when the staff member asks you to check and confirm them.",
      review_title: "Please check your details", review_text: "These are your details as the staff member recorded them after checking your documents. You are responsible for their correctness.",
      changed: "The staff member has just changed the details: please check them again.",
      service: "Service", name: "Name", national_id: "National ID or iqama", mobile: "Mobile",
      documents: "Documents the staff member checked", no_documents: "None", valid: "valid", not_valid: "not valid",
      expires: "expires", number: "number", declaration: "Declaration",
      correct: "This is correct", wrong: "Something is wrong",
      sign_title: "Sign with your finger in the box", pad_label: "Signature box", submit: "Confirm and sign", clear: "Clear", back: "Back",
      sign_first: "Please sign in the box first.",
      thanks_title: "Thank you", thanks_confirmed: "Your details and signature are confirmed.",
      thanks_wrong: "We have told the staff member, who will go through the details with you now.",
      reconnecting: "Connection lost — reconnecting…", failed: "Could not send. Please try again.",
      none: "—",
    },
  };
  const POLL_MS = 2000, THANKS_MS = 6000, OFFLINE_CLEAR_MS = 30000;
  let lang = "ar";
  let shown = null; // {request, fingerprint, data, declaration}
  let strokes = [], stroke = null, t0 = 0;
  let thanksUntil = 0, lastContact = Date.now();
  const w = (key) => WORDS[lang][key] || key;

  function applyLanguage() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
    document.querySelectorAll("[data-w]").forEach((el) => { el.textContent = w(el.dataset.w); });
    document.querySelectorAll("[data-w-label]").forEach((el) => el.setAttribute("aria-label", w(el.dataset.wLabel)));
    const b = $("lang");
    b.textContent = w("lang");
    b.lang = lang === "ar" ? "en" : "ar";
    if (shown) renderData();
  }

  function screen(id) {
    for (const s of ["idle", "review", "sign", "thanks"]) $(s).classList.toggle("hidden", s !== id);
  }

  function forget() {
    shown = null;
    strokes = [];
    $("data").replaceChildren();
    $("documents").replaceChildren();
    $("declaration").textContent = "";
    $("sign-declaration").textContent = "";
    $("sign-error").textContent = "";
    clearPad();
    // The page's language goes back to Arabic for the next applicant.
    if (lang !== "ar") { lang = "ar"; applyLanguage(); }
  }

  function renderData() {
    const d = shown.data;
    const rows = [
      ["service", lang === "ar" ? d.service_ar : d.service_en, false],
      ["name", d.name, false],
      ["national_id", d.national_id, true],
      ["mobile", d.mobile, true],
    ];
    const dl = $("data");
    dl.replaceChildren();
    for (const [key, value, ltr] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = w(key);
      const dd = document.createElement("dd");
      // Numbers read left to right but stay beside their label, on the reading side.
      if (ltr && value) {
        const bdi = document.createElement("bdi");
        bdi.dir = "ltr";
        bdi.textContent = value;
        dd.appendChild(bdi);
      } else {
        dd.textContent = value || w("none");
      }
      dl.append(dt, dd);
    }
    const ul = $("documents");
    ul.replaceChildren();
    for (const doc of d.documents) {
      const li = document.createElement("li");
      const parts = [lang === "ar" ? doc.name_ar : doc.name_en, doc.valid ? w("valid") : w("not_valid")];
      if (doc.expires_on) parts.push(w("expires") + " \u2066" + doc.expires_on + "\u2069");
      if (doc.reference) parts.push(w("number") + " \u2068" + doc.reference + "\u2069");
      li.textContent = parts.join(" — ");
      ul.append(li);
    }
    if (!d.documents.length) { const li = document.createElement("li"); li.textContent = w("no_documents"); ul.append(li); }
    const text = lang === "ar" ? shown.declaration.ar : shown.declaration.en;
    $("declaration").textContent = text;
    $("sign-declaration").textContent = text;
  }

  function show(next) {
    const changed = shown && shown.request === next.request && shown.fingerprint !== next.fingerprint;
    const fresh = !shown || shown.request !== next.request;
    shown = next;
    renderData();
    if (fresh || changed) {
      strokes = [];
      clearPad();
      $("changed").classList.toggle("hidden", !changed);
      screen("review");
    }
  }

  // ----- the signature pad: strokes of [x, y, ms] in the canvas's own pixels -----
  const pad = $("pad");
  const ctx = pad.getContext("2d");
  function clearPad() { ctx.clearRect(0, 0, pad.width, pad.height); }
  function point(e) {
    const r = pad.getBoundingClientRect();
    const x = Math.round(((e.clientX - r.left) / r.width) * pad.width);
    const y = Math.round(((e.clientY - r.top) / r.height) * pad.height);
    return [Math.min(pad.width, Math.max(0, x)), Math.min(pad.height, Math.max(0, y)), Math.round(performance.now() - t0)];
  }
  pad.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    pad.setPointerCapture(e.pointerId);
    if (!strokes.length) t0 = performance.now();
    stroke = [point(e)];
    strokes.push(stroke);
    $("sign-error").textContent = "";
  });
  pad.addEventListener("pointermove", (e) => {
    if (!stroke) return;
    const p = point(e), last = stroke[stroke.length - 1];
    stroke.push(p);
    ctx.lineWidth = 5; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    ctx.beginPath(); ctx.moveTo(last[0], last[1]); ctx.lineTo(p[0], p[1]); ctx.stroke();
  });
  const end = () => { stroke = null; };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);

  // ----- answers -----
  async function post(path, body) {
    const r = await fetch(path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.ok) return null;
    const err = await r.json().catch(() => null);
    return err || { code: "failed" };
  }
  function thanks(key) {
    forget();
    $("thanks-title").textContent = w("thanks_title");
    $("thanks-text").textContent = w(key);
    thanksUntil = Date.now() + THANKS_MS;
    screen("thanks");
  }
  $("correct").addEventListener("click", () => { screen("sign"); $("changed").classList.add("hidden"); });
  $("back").addEventListener("click", () => screen("review"));
  $("clear").addEventListener("click", () => { strokes = []; clearPad(); });
  $("wrong").addEventListener("click", async () => {
    if (!shown) return;
    const err = await post("/applicant/request/" + shown.request + "/decline");
    if (err && err.code !== "no_confirmation_request") { $("sign-error").textContent = w("failed"); return; }
    thanks("thanks_wrong");
  });
  $("submit").addEventListener("click", async () => {
    if (!shown) return;
    if (!strokes.some((s) => s.length > 1)) { $("sign-error").textContent = w("sign_first"); return; }
    const signature = { width: pad.width, height: pad.height, strokes };
    const button = $("submit");
    button.disabled = true;
    const err = await post("/applicant/request/" + shown.request + "/confirm", { fingerprint: shown.fingerprint, signature })
      .catch(() => ({ code: "failed" }));
    button.disabled = false;
    if (!err) { thanks("thanks_confirmed"); return; }
    if (err.code === "confirmation_outdated") { await poll(); return; }
    $("sign-error").textContent = err.message ? err.message[lang] : w("failed");
  });
  $("lang").addEventListener("click", () => { lang = lang === "ar" ? "en" : "ar"; applyLanguage(); });

  // ----- the desk's request -----
  async function poll() {
    let r;
    try {
      r = await fetch("/applicant/request", { credentials: "same-origin" });
    } catch (_) {
      offline();
      return;
    }
    lastContact = Date.now();
    $("conn").classList.add("hidden");
    if (r.status === 401) { forget(); screen("idle"); $("not-paired").classList.remove("hidden"); return; }
    if (r.status === 204) {
      if (shown) { forget(); screen("idle"); }
      else if (Date.now() >= thanksUntil) screen("idle");
      return;
    }
    if (r.ok) show(await r.json());
  }
  function offline() {
    $("conn").classList.remove("hidden");
    if (shown && Date.now() - lastContact > OFFLINE_CLEAR_MS) { forget(); screen("idle"); }
  }

  async function pair() {
    const params = new URLSearchParams(location.hash.slice(1));
    const token = params.get("token");
    if (token) {
      await fetch("/applicant/session", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) }).catch(() => null);
      history.replaceState(null, "", "/applicant");
    }
    const ok = await fetch("/applicant/session", { credentials: "same-origin" }).then((r) => r.ok, () => null);
    if (ok === false) {
      $("not-paired").classList.remove("hidden");
      // No token yet: show a code for an admin to type, then trade the token it brings.
      const paired = await window.awnPairScreen($("pair-box"), "applicant");
      await fetch("/applicant/session", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: paired }) }).catch(() => null);
      location.reload();
      return false;
    }
    return true;
  }

  applyLanguage();
  screen("idle");
  pair().then((ok) => {
    if (ok === false) return;
    poll();
    setInterval(poll, POLL_MS);
  });
})();
