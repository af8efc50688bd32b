//! The research committee's requests in the console, in a real headless Chromium: the researcher
//! sees the open request with its reference, records the committee's decision and that the
//! applicant was told, and the request leaves the list; reception finds it by the reference the
//! visitor gives. axe-core in both languages.

use std::path::PathBuf;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

use crate::console_steps::{SECS, accessible, login};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_researcher_follows_a_request_and_reception_finds_it_by_reference() {
    if !webdriver::available("committee requests") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let desk = api.login_at_desk("amal", 1).await;
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    api.post("/api/v1/desks/1/call-next", &desk, None).await;
    api.post(&format!("/api/v1/tickets/{id}/start"), &desk, None)
        .await;
    let nid = json!({ "field": "national_id", "value": "1234567897", "consent_at_desk": true });
    api.post(&format!("/api/v1/tickets/{id}/intake"), &desk, Some(&nid))
        .await;
    let reference = api.register_request(id, &desk).await;
    // A second visitor, referred to the researcher (policy 6.3), who registers the request herself.
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let own = t.json["id"].as_i64().unwrap();
    api.post("/api/v1/desks/1/call-next", &desk, None).await;
    api.post(&format!("/api/v1/tickets/{own}/start"), &desk, None)
        .await;
    let referred = api
        .post(
            &format!("/api/v1/tickets/{own}/refer"),
            &desk,
            Some(&json!({ "reason": "the procedure is unclear" })),
        )
        .await;
    assert_eq!(referred.status, StatusCode::OK, "{}", referred.text);
    api.post("/api/v1/auth/logout", &desk, None).await;
    let research = api.login_at_desk("huda", 4).await;
    let called = api.post("/api/v1/desks/4/call-next", &research, None).await;
    assert_eq!(called.json["id"], own, "{}", called.text);
    api.post(&format!("/api/v1/tickets/{own}/start"), &research, None)
        .await;
    let own_reference = api.register_request(own, &research).await;
    api.post("/api/v1/auth/logout", &research, None).await;

    let b = Browser::start().await;
    b.size(1280, 1000).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    login(&b, "huda").await;
    let item = format!("#request-list li[data-reference='{reference}']");
    b.wait_text(&item, "بانتظار قرار اللجنة").await;
    // She opens again the finished visit of her own request, not her colleague's (policy 6.5).
    let open_own = format!("#open-visit-{own_reference}");
    b.wait(
        &format!("!!document.querySelector('{open_own}') && !document.querySelector('#open-visit-{reference}')"),
        "'open the visit' only on the researcher's own request",
        SECS,
    )
    .await;
    b.click(&open_own).await;
    b.wait_text("#reopened-reference", &own_reference).await;
    b.wait_text("#reopened-checks", "huda").await;
    b.screenshot(shots, "console-reopened-ar.png").await;
    accessible(&b, "a request's finished visit opened again").await;
    b.click("#reopened-close").await;
    b.wait(
        "document.getElementById('reopened').classList.contains('hidden') && document.getElementById('reopened-checks').textContent === ''",
        "the reopened visit is gone once closed",
        SECS,
    )
    .await;
    b.js(
        "document.getElementById('decision-' + arguments[0]).value = 'accepted';",
        json!([reference]),
    )
    .await;
    b.js(
        "document.getElementById('requests').scrollIntoView();",
        json!([]),
    )
    .await;
    b.screenshot(shots, "console-requests-ar.png").await;
    accessible(&b, "the committee's open requests").await;
    // The choice survived the language switches of the accessibility check.
    b.click(&format!("#record-decision-{reference}")).await;
    b.wait_text(&item, "مقبول").await;
    b.wait_text(&item, "أبلغ المتقدم").await;
    b.js(
        "document.getElementById('channel-' + arguments[0]).value = 'phone';",
        json!([reference]),
    )
    .await;
    b.click(&format!("#record-informed-{reference}")).await;
    b.wait(
        &format!("!document.querySelector(\"{item}\") && !!document.querySelector('#open-visit-{own_reference}')"),
        "the request leaves the open list once the applicant was told; the other stays",
        SECS,
    )
    .await;
    b.click("#logout-btn").await;

    // Reception: no committee list, but a returning visitor's request at once by its reference.
    login(&b, "amal").await;
    b.wait(
        "!document.getElementById('requests').classList.contains('hidden')\
         && document.getElementById('committee').classList.contains('hidden')",
        "the find box without the committee's list",
        SECS,
    )
    .await;
    b.type_into("#find-reference", "R-1999-00001").await;
    b.click("#find-btn").await;
    b.wait_text("#requests-error", "لا يوجد طلب").await;
    b.js(
        "document.getElementById('find-reference').value = '';",
        json!([]),
    )
    .await;
    b.type_into("#find-reference", &reference).await;
    b.click("#find-btn").await;
    b.wait_text("#found-request", "مقبول").await;
    assert!(b.text("#found-request").await.contains("هاتف"));
    assert_eq!(b.text("#requests-error").await, "");
    // Or by the national ID the visitor gives; the number does not stay in the box.
    b.js(
        "document.getElementById('find-reference').value = '';",
        json!([]),
    )
    .await;
    b.js(
        "document.getElementById('found-request').textContent = '';",
        json!([]),
    )
    .await;
    b.type_into("#find-reference", "1234567897").await;
    b.click("#find-btn").await;
    b.wait_text("#found-request", &reference).await;
    assert_eq!(
        b.js(
            "return document.getElementById('find-reference').value;",
            json!([])
        )
        .await,
        json!("")
    );
    b.quit().await;
}
