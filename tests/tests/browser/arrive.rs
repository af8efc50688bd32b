//! Checking in from the phone by the entrance QR (issue 16) in a real headless Chromium: the
//! paired display shows the QR in landscape and in portrait, fully on screen; `zbarimg` reads it
//! from the screenshot; a 360 px phone that joined the line on `/join` opens the link it holds,
//! says "I'm here" and is checked in (the board's data says so); opened again it says so, in
//! English, and a wrong code typed under it is refused in words. Every phone page fits 360 px
//! and passes axe-core. Screenshots arrive-*.png with `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, key};
use serde_json::json;

use crate::join::{PHONE_WIDTH, fits_the_phone};
use crate::reception::qr_codes;

/// The entrance QR as `zbarimg` reads it on the display's screenshot, once it is shown and whole
/// on screen at `width` × `height`.
async fn entrance_link(b: &Browser, width: u32, height: u32, dir: &std::path::Path) -> String {
    b.size(width, height).await;
    b.wait(
        "(() => { const e = document.getElementById('entrance'); if (e.classList.contains('hidden')) return false;
          const r = e.getBoundingClientRect(); return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth
            && window.innerWidth === arguments[0]; })()"
            .replace("arguments[0]", &width.to_string())
            .as_str(),
        &format!("the entrance QR whole on a {width}x{height} screen"),
        Duration::from_secs(10),
    )
    .await;
    let name = format!("display-{width}x{height}.png");
    b.screenshot(Some(dir), &name).await;
    let codes = qr_codes(&dir.join(&name));
    assert_eq!(codes.len(), 1, "one QR on the display: {codes:?}");
    codes[0].clone()
}

/// A walk-in from the kiosk, called at desk 1; its id.
async fn walk_in_called(api: &Api, kiosk: &str, reception: &str) -> i64 {
    let t = api
        .issue(kiosk, &key(), &json!({ "service": "inquiry" }))
        .await;
    assert!(t.status.is_success(), "{}", t.text);
    let called = api.post("/api/v1/desks/1/call-next", reception, None).await;
    assert!(called.status.is_success(), "{}", called.text);
    called.json["id"].as_i64().expect("called")
}

/// The board's places away (joined, not checked in) and waiting, over all lines.
async fn away_and_waiting(api: &Api, supervisor: &str) -> (u64, u64) {
    let board = api.get("/api/v1/board", Some(supervisor)).await;
    let lines = board.json["lines"].as_array().expect("the board's lines");
    let sum = |k: &str| lines.iter().map(|l| l[k].as_u64().unwrap()).sum();
    (sum("away"), sum("waiting"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_that_joined_scans_the_displays_qr_and_checks_in() {
    if !webdriver::available("entrance check-in") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let tmp = tempfile::tempdir().unwrap();
    let (_, _clock, server) = crate::at_nine_in_riyadh_today();
    server.add_staff("amal", Role::Supervisor, Gender::Female);
    server.add_staff("huda", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);

    // A busy morning: six previous calls fill their column beside the QR.
    let reception = api.login("huda").await;
    let desk = api.post("/api/v1/desks/1/sign-in", &reception, None).await;
    assert!(desk.status.is_success(), "{}", desk.text);
    for n in 0..8 {
        let id = walk_in_called(&api, &server.kiosk_token, &reception).await;
        // All but the last are gone: the last is being called now.
        if n < 7 {
            let gone = api
                .post(&format!("/api/v1/tickets/{id}/no-show"), &reception, None)
                .await;
            assert!(gone.status.is_success(), "{}", gone.text);
        }
    }

    // The waiting-room display, paired.
    let b = Browser::start().await;
    let display = b.current_window().await;
    b.size(1920, 1080).await;
    b.goto(&format!(
        "{}/display#token={}",
        server.base_url, server.display_token
    ))
    .await;
    b.wait(
        "document.querySelectorAll('#recent li').length === 6 && document.querySelectorAll('#current li').length === 1",
        "six previous calls, one called now",
        Duration::from_secs(10),
    )
    .await;
    let landscape = entrance_link(&b, 1920, 1080, tmp.path()).await;
    b.screenshot(shots, "arrive-display-landscape.png").await;
    let portrait = entrance_link(&b, 1080, 1920, tmp.path()).await;
    b.screenshot(shots, "arrive-display-portrait.png").await;
    assert_eq!(landscape, portrait, "the same code, whatever the screen");
    let path = &landscape[landscape.find("/arrive/").expect("an entrance link")..];

    // The phone joins the line from home.
    let phone = b.new_window().await;
    b.switch_to(&phone).await;
    b.size(PHONE_WIDTH, 800).await;
    b.goto(&format!("{}/join", server.base_url)).await;
    b.click("form[action='/join'] button").await;
    b.wait_text("h1", "تم حجز دورك").await;
    let label = b.text(".number").await;

    // At the branch it opens the QR's link: its own place, and one button.
    b.goto(&format!("{}{path}", server.base_url)).await;
    b.wait_text("h1", "هل وصلت إلى الفرع؟").await;
    assert_eq!(b.text(".number").await, label);
    fits_the_phone(&b, "the entrance page asking (ar)").await;
    b.assert_accessible("the entrance page asking (ar)").await;
    b.screenshot(shots, "arrive-ask-ar.png").await;
    let supervisor = api.login("amal").await;
    assert_eq!(
        away_and_waiting(&api, &supervisor).await,
        (1, 0),
        "asking checks nothing in"
    );
    b.click("#arrive").await;
    b.wait_text("#checked-in", "سُجّل وصولك").await;
    assert_eq!(b.text(".number").await, label);
    fits_the_phone(&b, "the entrance page checked in (ar)").await;
    b.assert_accessible("the entrance page checked in (ar)")
        .await;
    b.screenshot(shots, "arrive-done-ar.png").await;

    // The supervisor's board: the place is in the line, no longer away.
    assert_eq!(away_and_waiting(&api, &supervisor).await, (0, 1));

    // Its status page follows the place.
    b.click("a.follow").await;
    b.wait(
        "location.pathname.startsWith('/t/')",
        "the status page",
        Duration::from_secs(10),
    )
    .await;

    // Scanned again, in English: in already; a wrong code typed under it is refused in words.
    b.goto(&format!("{}{path}?lang=en", server.base_url)).await;
    b.wait_text("h1", "You are checked in already").await;
    fits_the_phone(&b, "the entrance page, in already (en)").await;
    b.assert_accessible("the entrance page, in already (en)")
        .await;
    b.screenshot(shots, "arrive-here-en.png").await;
    b.type_into("#check-in-code", "000000").await;
    b.click("form[action^='/arrive/'] button").await;
    b.wait_text(".error", "The code is not right").await;
    fits_the_phone(&b, "the entrance page, wrong code (en)").await;
    b.assert_accessible("the entrance page, wrong code (en)")
        .await;
    b.screenshot(shots, "arrive-wrong-en.png").await;

    // The display still shows the QR (the phone's pages are its own window).
    b.switch_to(&display).await;
    let shown = b
        .js(
            "return !document.getElementById('entrance').classList.contains('hidden');",
            json!([]),
        )
        .await;
    assert_eq!(shown, true);
    b.quit().await;
}
