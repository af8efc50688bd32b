// The waiting-room display. Shows only ticket labels and desks (the server sends nothing else to
// a display). Pairing: opened once as /display#token=DEVICE_TOKEN, the script trades the token for
// an HttpOnly cookie and removes it from the address bar; opened without one, it shows a pairing
// code for an admin to type in the console (pair-screen.js) and trades the token it brings. Announcements: a chime, then the label
// and desk in Arabic and then English, from clips shipped with the server (no online speech);
// they are queued and never cut each other off. Options in the fragment: voice=0 (chime only).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_CURRENT = 12, MAX_RECENT = 6; // MAX_RECENT: as many as the server's snapshot lists
  // {label, desk}, newest first. A ticket is on the board once: at the desk of its latest call
  // in "Now calling" while it is being called, or else in "Previous calls".
  const current = [];
  const recent = [];
  // Desk number → its name for the display ({ar, en}), from the snapshot and administration.
  const names = new Map();
  const params = new URLSearchParams(location.hash.slice(1));
  let voice = true;
  try { voice = localStorage.getItem("awn.display.voice") !== "0"; } catch (_) { /* no storage */ }
  if (params.has("voice")) {
    voice = params.get("voice") !== "0";
    try { localStorage.setItem("awn.display.voice", voice ? "1" : "0"); } catch (_) { /* no storage */ }
  }

  // ----- pairing -----
  async function pair() {
    const token = params.get("token");
    if (token) {
      await fetch("/display/session", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token }) });
      history.replaceState(null, "", "/display");
    }
    const ok = await fetch("/display/session", { credentials: "same-origin" }).then((r) => r.ok, () => null);
    if (ok === false) {
      $("not-paired").classList.remove("hidden");
      // No token yet: show a code for an admin to type, then trade the token it brings.
      const paired = await window.awnPairScreen($("pair-box"), "display");
      await fetch("/display/session", { method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ token: paired }) }).catch(() => null);
      location.reload();
      return false;
    }
    return true;
  }

  // ----- board -----
  function item(call, fresh) {
    const li = document.createElement("li");
    if (fresh) li.className = "fresh";
    const l = document.createElement("span");
    l.className = "label";
    l.textContent = call.label;
    const d = document.createElement("span");
    d.className = "desk";
    d.textContent = call.desk;
    const name = names.get(call.desk);
    if (name) {
      // The desk's name from administration, small under its number, in both languages.
      const small = document.createElement("small");
      small.className = "desk-name";
      const ar = document.createElement("span");
      ar.lang = "ar";
      ar.dir = "rtl";
      ar.textContent = name.ar;
      const en = document.createElement("span");
      en.lang = "en";
      en.dir = "ltr";
      en.textContent = name.en;
      small.append(ar, " · ", en);
      d.append(small);
    }
    li.append(l, d);
    return li;
  }
  function setNames(desks) {
    names.clear();
    for (const n of desks || []) names.set(n.desk, { ar: n.ar, en: n.en });
  }
  /** The ticket is no longer being called (served, gone, or waiting again). */
  function onLeft(label) {
    const left = remove(current, label);
    if (!left) return;
    toRecent(left);
    render(null);
  }
  function render(freshLabel) {
    const list = $("current");
    list.replaceChildren(...current.map((c) => item(c, c.label === freshLabel)));
    // Up to 12 desks calling at once must fit the screen: the CSS sizes rows from the count.
    list.dataset.dense = current.length > 5 ? "1" : "0";
    list.style.setProperty("--rows", String(Math.max(4, current.length > 5 ? Math.ceil(current.length / 2) : current.length)));
    $("recent").replaceChildren(...recent.map((c) => item(c, false)));
    fitRecent();
  }
  /** Hides the previous calls that would not fit whole above the entrance QR (oldest last), and
   *  their heading when not one fits (many desks calling on an upright screen). */
  function fitRecent() {
    const list = $("recent");
    const heading = $("recent-heading");
    const items = Array.from(list.children);
    heading.classList.remove("hidden");
    for (const li of items) li.classList.remove("hidden");
    const bottom = list.getBoundingClientRect().bottom + 0.5;
    let full = false;
    for (const li of items) {
      full = full || li.getBoundingClientRect().bottom > bottom;
      if (full) li.classList.add("hidden");
    }
    heading.classList.toggle("hidden", items.length > 0 && items[0].classList.contains("hidden"));
  }
  window.addEventListener("resize", fitRecent);
  // Calls are numbered in the order they were made: "Previous calls" lists the latest call first,
  // as the server's snapshot does, whatever order the tickets left "Now calling" in.
  let calls = 0;
  function toRecent(call) {
    recent.push(call);
    recent.sort((x, y) => y.n - x.n);
    recent.splice(MAX_RECENT);
  }
  function remove(list, label) {
    const i = list.findIndex((c) => c.label === label);
    return i >= 0 ? list.splice(i, 1)[0] : null;
  }
  function onCall(call, again) {
    // Called again elsewhere (after a referral or transfer): the old entry goes.
    remove(current, call.label);
    remove(recent, call.label);
    // The desk's previous visitor, if still listed, moves to "Previous calls".
    const i = current.findIndex((c) => c.desk === call.desk);
    if (i >= 0) toRecent(current.splice(i, 1)[0]);
    call.n = ++calls;
    current.unshift(call);
    while (current.length > MAX_CURRENT) toRecent(current.pop());
    render(call.label);
    document.body.dataset.lastCallAt = String(Date.now());
    document.body.dataset.calls = String(Number(document.body.dataset.calls || 0) + 1);
    announce(call, again);
  }

  // ----- the entrance QR: visitors who joined from the phone or booked scan it to check in. Its
  // code changes every few minutes (the server says when) and at a server restart, so it is
  // fetched again then and whenever the event stream (re)connects. A code the server could not
  // renew is taken down when it expires: a stale QR would only turn visitors away.
  let entranceTimer = null;
  async function entrance() {
    clearTimeout(entranceTimer);
    const box = $("entrance");
    const r = await fetch("/display/entrance", { credentials: "same-origin" }).catch(() => null);
    if (r && r.status === 204) { box.classList.add("hidden"); fitRecent(); return; }
    if (!r || !r.ok) {
      if (!box.dataset.until || Date.now() > Number(box.dataset.until)) { box.classList.add("hidden"); fitRecent(); }
      entranceTimer = setTimeout(entrance, 15000);
      return;
    }
    const e = await r.json();
    // Drawn by our server from the entrance link; contains no script.
    box.querySelector(".entrance-qr").innerHTML = e.qr_svg;
    box.dataset.until = String(Date.now() + e.valid_seconds * 1000);
    box.classList.remove("hidden");
    fitRecent();
    entranceTimer = setTimeout(entrance, e.refresh_seconds * 1000 + 500);
  }

  // ----- events: EventSource reconnects by itself (sending Last-Event-ID, so calls made meanwhile
  // are replayed and announced); if the server refused, start again. A reset means the server
  // cannot replay what was missed: start a fresh stream, whose snapshot reloads the board.
  function connect() {
    const es = new EventSource("/display/events");
    es.addEventListener("hello", () => { $("conn").classList.add("hidden"); entrance(); });
    es.addEventListener("reset", () => {
      es.close();
      document.body.dataset.resets = String(Number(document.body.dataset.resets || 0) + 1);
      connect();
    });
    es.addEventListener("snapshot", (e) => {
      const board = JSON.parse(e.data);
      setNames(board.desks);
      current.length = 0;
      recent.length = 0;
      // Numbered oldest first: the earlier calls, then those being called now.
      const older = (board.recent || []).slice(0, MAX_RECENT).reverse();
      for (const c of older) recent.unshift({ label: c.label, desk: c.desk, n: ++calls });
      for (const c of board.calls) current.unshift({ label: c.label, desk: c.desk, n: ++calls });
      current.splice(MAX_CURRENT);
      render(null);
    });
    es.addEventListener("called", (e) => { const d = JSON.parse(e.data); onCall({ label: d.label, desk: d.desk }, false); });
    es.addEventListener("recalled", (e) => { const d = JSON.parse(e.data); onCall({ label: d.label, desk: d.desk }, true); });
    es.addEventListener("left", (e) => onLeft(JSON.parse(e.data).label));
    es.addEventListener("desk_names", (e) => { setNames(JSON.parse(e.data).desks); render(null); });
    es.onerror = () => {
      $("conn").classList.remove("hidden");
      if (es.readyState === EventSource.CLOSED) setTimeout(connect, 3000);
    };
  }

  // ----- announcements -----
  const audio = { ctx: null, clips: null, buffers: {}, ready: null };
  function loadAudio() {
    if (audio.ready) return audio.ready;
    audio.ready = (async () => {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      audio.ctx = new Ctx();
      audio.clips = await fetch("/assets/audio/clips.json").then((r) => r.json());
      for (const name of ["chime", "ar", "en"]) {
        const bytes = await fetch("/assets/audio/" + name + ".ogg").then((r) => r.arrayBuffer());
        audio.buffers[name] = await audio.ctx.decodeAudioData(bytes);
      }
    })().catch(() => { /* no audio: the board still works */ });
    return audio.ready;
  }
  // Any touch or key (or the kiosk's autoplay policy) lets the audio start.
  for (const ev of ["click", "keydown", "touchstart"]) {
    document.addEventListener(ev, () => { if (audio.ctx) audio.ctx.resume(); });
  }

  /** The clip names that say `n` (0-9999): t = thousands, h = hundreds, n = 0-99.
   *  Arabic joins every part with "and" (ألف ومئتان وأربعة وثلاثون); English only before the
   *  last two digits (one thousand two hundred and thirty-four). Larger numbers are read digit by digit. */
  function numberClips(n, lang) {
    if (n > 9999) return String(n).split("").map((d) => "n" + d);
    if (n < 100) return ["n" + n];
    const out = [];
    const parts = [];
    if (n >= 1000) parts.push("t" + Math.floor(n / 1000));
    if (Math.floor(n / 100) % 10) parts.push("h" + (Math.floor(n / 100) % 10));
    const rest = n % 100;
    parts.forEach((p, i) => { if (i > 0 && lang === "ar") out.push("and"); out.push(p); });
    if (rest) out.push("and", "n" + rest);
    return out;
  }
  /** "A-017" at desk 3 → ticket, A, n17, desk, n3. Only the label and the desk, never more. */
  function sentence(call, lang) {
    const m = /^([A-Za-z]+)-?(\d+)$/.exec(call.label);
    const parts = ["ticket"];
    if (m) { parts.push(...m[1].toUpperCase().split("")); parts.push(...numberClips(parseInt(m[2], 10), lang)); }
    parts.push("desk", ...numberClips(call.desk, lang));
    return parts;
  }
  // The browser tests check that every letter and number resolves to a shipped clip.
  window.awnAnnouncement = { sentence };

  const queue = [];
  let playing = false;
  function announce(call) {
    const steps = [["chime", "chime"]];
    if (voice) {
      for (const lang of ["ar", "en"]) for (const key of sentence(call, lang)) steps.push([lang, key]);
    }
    queue.push({ call, steps });
    const li = document.createElement("li");
    li.textContent = call.label + "@" + call.desk + ":" + steps.map((s) => s[0] + "/" + s[1]).join(",");
    $("announce-log").appendChild(li);
    if (!playing) playNext();
  }
  async function playNext() {
    const next = queue.shift();
    if (!next) { playing = false; document.body.dataset.announcing = "0"; return; }
    playing = true;
    document.body.dataset.announcing = "1";
    await loadAudio();
    let t = audio.ctx ? audio.ctx.currentTime + 0.05 : 0;
    let total = 0;
    for (const [lang, key] of next.steps) {
      let offset = 0, length;
      if (lang === "chime") {
        length = audio.buffers.chime ? audio.buffers.chime.duration : 1.2;
      } else {
        const c = audio.clips && audio.clips[lang] && audio.clips[lang][key];
        if (!c) continue;
        [offset, length] = c;
      }
      if (audio.ctx && audio.buffers[lang]) {
        const src = audio.ctx.createBufferSource();
        src.buffer = audio.buffers[lang];
        src.connect(audio.ctx.destination);
        src.start(t, offset, length);
      }
      const gap = lang === "chime" ? 0.25 : (key === "desk" || key === "ticket" ? 0.12 : 0.08);
      t += length + gap;
      total += length + gap;
    }
    // The next announcement waits for this one to end (by the clock, so a muted or suspended
    // audio device never stalls the queue).
    setTimeout(playNext, Math.ceil((total + 0.6) * 1000));
  }

  // The branch's time, whatever time zone the TV's system is set to.
  function tick() {
    $("clock").textContent = new Date().toLocaleTimeString("ar-SA-u-nu-latn", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Riyadh" });
  }
  tick();
  setInterval(tick, 15000);

  pair().then((ok) => { if (ok) { connect(); loadAudio(); } });
})();
