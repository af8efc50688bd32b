// The status page's service worker (served at /sw.js, so its scope is the whole site): shows the
// "your turn is near" and "it is your turn" notices the branch pushes. A payload holds the
// branch's name (title), the notice (body) and the ticket's label (tag, so the second notice
// replaces the first); nothing else. Tapping one brings the status page back to the front.
"use strict";
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (_) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "", tag: data.tag || "awn", renotify: true, dir: "auto",
  }));
});
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) => {
    const page = list.find((c) => new URL(c.url).pathname.startsWith("/t/"));
    return page ? page.focus() : undefined;
  }));
});
