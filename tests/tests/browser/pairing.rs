//! An admin pairs a device in the console, in a real headless Chromium: the device's QR opens
//! `/console#pair=<code>`, which fills the code in; a wrong code and, after 20 of them, the
//! throttle are told in the admin's words (both languages); the right code pairs the device,
//! whose token then issues a ticket. axe-core in both languages. Other roles see no form.

use std::path::PathBuf;

use counter_server::domain::{Gender, Role};
use counter_server::limits::PAIRING_WRONG_CODES_PER_ADDRESS;
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::console_steps::{self, SECS, accessible};

async fn value(b: &Browser, script: &str) -> Value {
    b.js(&format!("return {script};"), json!([])).await
}

async fn set_code(b: &Browser, code: &str) {
    b.js(
        "document.getElementById('pr-code').value = arguments[0];",
        json!([code]),
    )
    .await;
}

async fn refused_with(b: &Browser, code: &str) -> String {
    b.js(
        "document.getElementById('pr-error').dataset.code = '';",
        json!([]),
    )
    .await;
    b.click("#pr-pair").await;
    b.wait(
        &format!("document.getElementById('pr-error').dataset.code === {code:?}"),
        code,
        SECS,
    )
    .await;
    b.text("#pr-error").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_pairs_a_device_with_the_code_it_shows() {
    if !webdriver::available("pairing") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let asked = api
        .send(Method::POST, "/api/v1/pairing", None, None, &[])
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text);
    let code = asked.json["code"].as_str().unwrap().to_string();
    let secret = asked.json["secret"].as_str().unwrap().to_string();

    // Reception sees no pairing form.
    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    console_steps::login(&b, "amal").await;
    assert_eq!(
        value(
            &b,
            "document.getElementById('pairing').classList.contains('hidden')"
        )
        .await,
        json!(true)
    );
    b.click("#logout-btn").await;

    // The device's QR: the code is filled in and leaves the address bar.
    b.goto(&format!("{}/console#pair={code}", server.base_url))
        .await;
    console_steps::login(&b, "admin").await;
    b.wait(
        "!document.getElementById('pairing').classList.contains('hidden')",
        "the pairing form",
        SECS,
    )
    .await;
    assert_eq!(
        value(&b, "document.getElementById('pr-code').value").await,
        json!(code)
    );
    assert_eq!(value(&b, "location.hash").await, json!(""));
    b.type_into("#pr-name", "كشك المدخل ٢").await;
    accessible(&b, "pairing form").await;
    // An applicant tablet asks for its desk.
    b.js(
        "const s = document.getElementById('pr-scope'); s.value = 'applicant'; s.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;
    assert_eq!(
        value(
            &b,
            "document.getElementById('pr-desk-label').classList.contains('hidden')"
        )
        .await,
        json!(false)
    );
    b.js(
        "const s = document.getElementById('pr-scope'); s.value = 'kiosk'; s.dispatchEvent(new Event('change'));",
        json!([]),
    )
    .await;

    // A wrong code, in the admin's words; then in English.
    let wrong = if code == "000000" { "000001" } else { "000000" };
    set_code(&b, wrong).await;
    let said = refused_with(&b, "pairing_code_invalid").await;
    assert!(said.contains("الرمز خاطئ"), "{said}");
    if let Some(dir) = &shots {
        b.screenshot(Some(dir), "console-pairing-wrong-code-ar.png")
            .await;
    }
    b.click("#lang-btn").await;
    b.wait("document.documentElement.lang === 'en'", "English", SECS)
        .await;
    assert!(b.text("#pr-error").await.contains("This code is wrong"));
    if let Some(dir) = &shots {
        b.screenshot(Some(dir), "console-pairing-wrong-code-en.png")
            .await;
    }
    b.click("#lang-btn").await;

    // The right code (typed as it is shown, three and three): paired.
    set_code(&b, &format!("{} {}", &code[..3], &code[3..])).await;
    b.click("#pr-pair").await;
    b.wait(
        "document.getElementById('pr-done').textContent.includes('كشك المدخل')",
        "paired",
        SECS,
    )
    .await;
    assert_eq!(b.text("#pr-error").await, "");
    let paired = api
        .send(
            Method::POST,
            "/api/v1/pairing/poll",
            None,
            Some(&json!({ "secret": secret })),
            &[],
        )
        .await;
    assert_eq!(paired.json["state"], "paired", "{}", paired.text);
    let token = paired.json["token"].as_str().unwrap();
    let ticket = api
        .issue(token, &key(), &json!({ "service": "inquiry" }))
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text);

    // 20 wrong codes from this address: the console says to wait.
    let admin = api.login("admin").await;
    for _ in 1..PAIRING_WRONG_CODES_PER_ADDRESS {
        let r = api
            .post(
                "/api/v1/pairing/claim",
                &admin,
                Some(&json!({ "code": wrong, "scope": "kiosk", "name": "x" })),
            )
            .await;
        assert_eq!(r.code(), "pairing_code_invalid", "{}", r.text);
    }
    set_code(&b, wrong).await;
    b.type_into("#pr-name", "كشك ٣").await;
    let said = refused_with(&b, "pairing_throttled").await;
    assert!(said.contains("انتظر"), "{said}");
    if let Some(dir) = &shots {
        b.screenshot(Some(dir), "console-pairing-throttled-ar.png")
            .await;
    }
    b.quit().await;
}

/// The code a browser device shows, once it shows one.
async fn shown_code(b: &Browser) -> String {
    b.wait(
        "!document.getElementById('pair-box').classList.contains('hidden') && document.querySelector('#pair-box .pair-code').textContent.length === 7 && document.querySelector('#pair-box .pair-qr svg') !== null",
        "a pairing code and its QR",
        SECS,
    )
    .await;
    b.text("#pair-box .pair-code").await.replace(' ', "")
}

async fn claim(api: &Api, admin: &str, body: Value) {
    let r = api.post("/api/v1/pairing/claim", admin, Some(&body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_display_and_the_applicant_tablet_pair_themselves_with_a_code() {
    if !webdriver::available("pairing the browser devices") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;

    let b = Browser::start().await;
    b.size(1280, 720).await;
    b.goto(&format!("{}/display", server.base_url)).await;
    let code = shown_code(&b).await;
    assert!(code.bytes().all(|c| c.is_ascii_digit()), "{code}");
    if let Some(dir) = &shots {
        b.screenshot(Some(dir), "display-pairing.png").await;
    }
    claim(
        &api,
        &admin,
        json!({ "code": code, "scope": "display", "name": "Hall TV" }),
    )
    .await;
    b.wait(
        "document.getElementById('not-paired').classList.contains('hidden') && document.getElementById('conn').classList.contains('hidden')",
        "the display paired and connected",
        SECS,
    )
    .await;
    assert!(
        b.cookie("awn_display").await.is_some(),
        "the display's cookie"
    );

    b.size(820, 1180).await;
    b.goto(&format!("{}/applicant", server.base_url)).await;
    let code = shown_code(&b).await;
    if let Some(dir) = &shots {
        b.screenshot(Some(dir), "applicant-pairing.png").await;
    }
    claim(
        &api,
        &admin,
        json!({ "code": code, "scope": "applicant", "name": "Desk 1 tablet", "desk": 1 }),
    )
    .await;
    b.wait(
        "document.getElementById('not-paired').classList.contains('hidden') && !document.getElementById('idle').classList.contains('hidden')",
        "the tablet paired, on its idle screen",
        SECS,
    )
    .await;
    assert!(
        b.cookie("awn_applicant").await.is_some(),
        "the tablet's cookie"
    );
    b.quit().await;
}
