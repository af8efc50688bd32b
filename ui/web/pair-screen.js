// A browser device without a token (the waiting-room display, the applicant tablet) pairs itself
// as the kiosk does: it asks the server for a six-digit code (POST /api/v1/pairing), shows it with
// the server's QR of the console's pairing link, and polls with its secret (kept in memory only,
// sent in the body) until an admin types the code in the console; a new code when it expires.
// `awnPairScreen(box, scope)` resolves with the device token, which the page trades for its
// HttpOnly cookie as it does with a #token= link.
"use strict";
window.awnPairScreen = function (box, scope) {
  const code = box.querySelector(".pair-code");
  const qr = box.querySelector(".pair-qr");
  const wait = (ms) => new Promise((r) => setTimeout(r, ms));
  const post = (path, body) => fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  }).catch(() => null);
  return (async () => {
    for (;;) {
      const r = await post("/api/v1/pairing");
      if (!r || !r.ok) { await wait(5000); continue; }
      const p = await r.json();
      code.textContent = p.code.slice(0, 3) + " " + p.code.slice(3);
      // Drawn by our server from the console's link; contains no script.
      qr.innerHTML = p.qr_svg;
      box.classList.remove("hidden");
      const every = Math.max(1, p.poll_seconds) * 1000;
      for (;;) {
        await wait(every);
        const s = await post("/api/v1/pairing/poll", { secret: p.secret });
        if (s && s.status === 404) break; // expired: a new code
        if (!s || !s.ok) continue;
        const state = await s.json();
        if (state.state !== "paired") continue;
        if (state.scope === scope) return state.token;
        break; // paired as another kind of device: a new code
      }
    }
  })();
};
