//! The printable rights export in a real headless Chromium: a supervisor signed in to the console
//! opens a visit's printable page; its stylesheets load under the server's CSP (no inline style),
//! the visitor's text shows as text, and axe-core finds nothing. Screenshot with `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TEST_PASSWORD, TestServer, key};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_prints_a_visitors_export_styled_under_the_csp() {
    if !webdriver::available("printable export") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let server = TestServer::start();
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let name = "سارة <b>عبدالله</b>";
    let intake = json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1",
        "name": name, "national_id": "1234567897", "mobile": "0551234567",
        "needs": { "wheelchair": true } } });
    let t = api.issue(&server.kiosk_token, &key(), &intake).await;
    let id = t.json["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", t.text));

    let b = Browser::start().await;
    b.size(900, 1400).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    b.type_into("#login-user", "sup").await;
    b.type_into("#login-pass", TEST_PASSWORD).await;
    b.click("#login-btn").await;
    b.wait(
        "document.getElementById('login').classList.contains('hidden')",
        "logged in",
        Duration::from_secs(10),
    )
    .await;
    b.goto(&format!(
        "{}/api/v1/visitors/{id}/printable",
        server.base_url
    ))
    .await;
    // The tables' borders come from /assets/printable.css: blocked, an inline style would leave
    // the browser's default (`separate`).
    b.wait(
        "getComputedStyle(document.querySelector('table')).borderCollapse === 'collapse'",
        "the printable stylesheet applied",
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(
        b.js("return document.documentElement.dir;", json!([]))
            .await,
        "rtl"
    );
    let names = b
        .js(
            "return [document.querySelectorAll('main b').length, Array.from(document.querySelectorAll('td')).some(td => td.textContent === arguments[0])];",
            json!([name]),
        )
        .await;
    assert_eq!(
        names,
        json!([0, true]),
        "the name shown as typed, not as markup"
    );
    b.assert_accessible("the printable export").await;
    b.screenshot(shots.as_deref(), "rights-printable-ar.png")
        .await;
    b.quit().await;
}
