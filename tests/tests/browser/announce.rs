//! The display's spoken announcement in a real headless Chromium: every prefix letter A–Z and
//! every number up to 9999 (labels and desks) resolve to clips that ship in `clips.json`, in
//! Arabic and English, so no part of a call is silently skipped on a busy day.

use std::time::Duration;

use e2e::TestServer;
use e2e::webdriver::{self, Browser};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_letter_and_number_up_to_9999_has_its_announcement_clips() {
    if !webdriver::available("display announcements") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let server = TestServer::start();
    let b = Browser::start().await;
    b.goto(&format!("{}/display", server.base_url)).await;
    b.wait(
        "!!window.awnAnnouncement",
        "the display script loaded",
        Duration::from_secs(10),
    )
    .await;
    let missing = b
        .js(
            "return fetch('/assets/audio/clips.json').then(r => r.json()).then(clips => {
               const missing = new Set();
               const check = (label, desk) => {
                 for (const lang of ['ar', 'en'])
                   for (const key of window.awnAnnouncement.sentence({ label, desk }, lang))
                     if (!clips[lang][key]) missing.add(lang + '/' + key + ' (' + label + ')');
               };
               for (const l of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') check(l + '-1234', 12);
               for (let n = 0; n <= 9999; n++) check('A-' + n, n % 100);
               return Array.from(missing).slice(0, 20);
             });",
            json!([]),
        )
        .await;
    assert_eq!(missing, json!([]), "announcement parts without a clip");
    // The words in each language's order: Arabic joins every part with "and".
    let z = b
        .js(
            "return ['ar', 'en'].map(l => window.awnAnnouncement.sentence({ label: 'Z-1234', desk: 12 }, l).join(' '));",
            json!([]),
        )
        .await;
    assert_eq!(
        z,
        json!([
            "ticket Z t1 and h2 and n34 desk n12",
            "ticket Z t1 h2 and n34 desk n12"
        ])
    );
    b.quit().await;
}
