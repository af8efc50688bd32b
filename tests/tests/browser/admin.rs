//! Administration in a real headless Chromium (issue 15 item 1): an admin adds a staff member on
//! /console/admin and gets a one-time code; the new member chooses a password with it on the
//! console's login screen, logs in and changes it; the admin disables the account and revokes a
//! device, each refused at once by the server. axe-core in Arabic and English, no sideways scroll
//! at 390 px. Screenshots admin-ar / admin-en / admin-code-ar / console-password-ar with
//! `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::time::Duration;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TEST_PASSWORD, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

const WAIT: Duration = Duration::from_secs(10);

async fn log_in(b: &Browser, user: &str, password: &str) {
    b.type_into("#login-user", user).await;
    b.type_into("#login-pass", password).await;
    b.click("#login-btn").await;
    b.wait(
        "document.getElementById('login').classList.contains('hidden')",
        "logged in",
        WAIT,
    )
    .await;
}

async fn log_out(b: &Browser) {
    b.click("#logout-btn").await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "logged out",
        WAIT,
    )
    .await;
}

/// At 320 px the console's header wraps: sign-out on screen, no sideways scroll (each role has
/// its own set of header links).
async fn header_fits_320(b: &Browser, who: &str) {
    b.size(320, 800).await;
    let fits = b
        .js(
            "const r = document.getElementById('logout-btn').getBoundingClientRect();\
             return { left: r.left, right: r.right, width: innerWidth, scroll: document.documentElement.scrollWidth };",
            json!([]),
        )
        .await;
    let width = fits["width"].as_f64().unwrap();
    assert!(
        fits["left"].as_f64().unwrap() >= 0.0 && fits["right"].as_f64().unwrap() <= width,
        "{who}: sign-out is inside the screen: {fits}"
    );
    assert!(
        fits["scroll"].as_f64().unwrap() <= width + 1.0,
        "{who}: no sideways scrolling: {fits}"
    );
    b.size(1366, 768).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_staff_member_who_chooses_and_changes_a_password() {
    if !webdriver::available("administration") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    // The kiosk is seen, so the device list has a "last seen".
    let issued = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert!(issued.status.is_success(), "{}", issued.text);

    let b = Browser::start().await;
    b.size(1366, 768).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    log_in(&b, "admin", TEST_PASSWORD).await;
    b.wait(
        "!document.getElementById('admin-link').classList.contains('hidden')",
        "the admin link",
        WAIT,
    )
    .await;
    header_fits_320(&b, "admin").await;
    b.click("#admin-link").await;
    b.wait(
        "document.querySelectorAll('#staff-rows tr').length === 2 && document.querySelectorAll('#device-rows tr').length >= 3",
        "the accounts and devices",
        WAIT,
    )
    .await;
    b.wait_text("#device-rows", "جهاز التذاكر").await;

    b.type_into("#add-username", "huda").await;
    b.type_into("#add-name", "هدى الشمري").await;
    b.click("#add-btn").await;
    b.wait(
        "!document.getElementById('code-box').classList.contains('hidden')",
        "the one-time code",
        WAIT,
    )
    .await;
    let code = b.text("#code-value").await;
    assert_eq!(code.len(), 14, "{code:?}");
    b.wait_text("#code-for", "هدى الشمري").await;
    b.wait_text("#staff-rows", "ينتظر رمزًا").await;
    b.assert_accessible("administration (ar)").await;
    b.screenshot(shots, "admin-code-ar.png").await;
    b.click("#code-done").await;
    b.wait(
        "document.getElementById('code-value').textContent === ''",
        "the code forgotten",
        WAIT,
    )
    .await;
    b.screenshot(shots, "admin-ar.png").await;

    // The new member, at the console: a wrong code first, then the right one typed loosely.
    b.goto(&format!("{}/console", server.base_url)).await;
    b.wait(
        "!document.getElementById('app').classList.contains('hidden')",
        "the console",
        WAIT,
    )
    .await;
    log_out(&b).await;
    b.click("#code-login summary").await;
    b.type_into("#code-user", "huda").await;
    b.type_into("#code-value", "AAAA-BBBB-CCCC").await;
    b.type_into("#code-pass", "huda first pass").await;
    b.type_into("#code-pass2", "huda first pass").await;
    b.click("#code-btn").await;
    b.wait_text("#code-error", "الرمز غير صحيح").await;
    b.type_into("#code-value", &code.to_lowercase()).await;
    b.type_into("#code-pass", "huda first pass").await;
    b.type_into("#code-pass2", "huda first pass").await;
    b.click("#code-btn").await;
    b.wait_text("#login-reason", "سجّل الدخول بها").await;
    assert_eq!(
        b.js(
            "return document.getElementById('login-user').value;",
            json!([])
        )
        .await,
        json!("huda")
    );
    b.type_into("#login-pass", "huda first pass").await;
    b.click("#login-btn").await;
    b.wait(
        "document.getElementById('login').classList.contains('hidden')",
        "huda logged in",
        WAIT,
    )
    .await;
    b.wait_text("#who", "هدى الشمري").await;
    assert!(
        b.js(
            "return document.getElementById('admin-link').classList.contains('hidden');",
            json!([])
        )
        .await
            == json!(true),
        "no admin link for reception"
    );

    b.click("#password-btn").await;
    b.type_into("#pw-current", "huda first pass").await;
    b.type_into("#pw-new", "huda second pass").await;
    b.type_into("#pw-new2", "huda second typo").await;
    b.click("#pw-save").await;
    b.wait_text("#pw-error", "غير متطابقتين").await;
    b.type_into("#pw-current", "not her password").await;
    b.type_into("#pw-new2", "huda second pass").await;
    b.click("#pw-save").await;
    b.wait_text("#pw-error", "الحالية غير صحيحة").await;
    b.type_into("#pw-current", "huda first pass").await;
    b.type_into("#pw-new", "huda second pass").await;
    b.type_into("#pw-new2", "huda second pass").await;
    b.click("#pw-save").await;
    b.wait(
        "!document.getElementById('pw-ok').classList.contains('hidden')",
        "password changed",
        WAIT,
    )
    .await;
    b.assert_accessible("console password (ar)").await;
    b.screenshot(shots, "console-password-ar.png").await;
    log_out(&b).await;
    assert!(
        b.js("return document.getElementById('pw-current').value === '' && document.getElementById('account').classList.contains('hidden');", json!([]))
            .await
            == json!(true),
        "nothing of her typing stays for the next person"
    );
    let huda = api.login_as("huda", "huda second pass").await;

    // The admin disables her and revokes the kiosk: both refused at once.
    log_in(&b, "admin", TEST_PASSWORD).await;
    b.goto(&format!("{}/console/admin", server.base_url)).await;
    b.wait(
        "document.querySelectorAll('#staff-rows tr').length === 3",
        "three accounts",
        WAIT,
    )
    .await;
    b.click("#edit-huda").await;
    b.click("#edit-active").await;
    b.click("#edit-save").await;
    b.wait_text("#staff-rows tr[data-username=\"huda\"]", "موقوف")
        .await;
    assert_eq!(
        api.get("/api/v1/me", Some(&huda)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // The only admin cannot take away their own role.
    b.click("#edit-admin").await;
    b.js(
        "document.getElementById('edit-role').value = 'supervisor';",
        json!([]),
    )
    .await;
    b.click("#edit-save").await;
    b.wait_text("#edit-error", "مدير نظام واحد").await;
    b.click("#edit-cancel").await;

    let kiosk_row = "[...document.querySelectorAll('#device-rows tr')].find((tr) => tr.textContent.includes('جهاز التذاكر'))";
    let id = b
        .js(&format!("return {kiosk_row}.dataset.device;"), json!([]))
        .await;
    let id = id.as_str().unwrap().to_string();
    assert!(
        !b.text(&format!("#device-rows tr[data-device=\"{id}\"]"))
            .await
            .contains("لم يتصل"),
        "the kiosk was seen"
    );
    b.click(&format!("#revoke-{id}")).await;
    b.click(&format!("#revoke-yes-{id}")).await;
    b.wait_text(&format!("#device-rows tr[data-device=\"{id}\"]"), "ملغى")
        .await;
    let refused = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    b.click("#lang-btn").await;
    b.wait_text("h1", "administration").await;
    b.wait_text("#device-rows", "Revoked").await;
    b.assert_accessible("administration (en)").await;
    b.screenshot(shots, "admin-en.png").await;
    b.size(390, 844).await;
    let overflow = b
        .js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            json!([]),
        )
        .await;
    let wide = b
        .js(
            "return [...document.querySelectorAll('body *')].filter((e) => { const r = e.getBoundingClientRect(); return r.right > document.documentElement.clientWidth + 1 || r.left < -1; }).slice(0, 8).map((e) => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)).join(' | ');",
            json!([]),
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "no sideways scroll at 390 px: {overflow}: {wide}"
    );
    b.click("#lang-btn").await;
    b.quit().await;

    // A supervisor gets no administration.
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let b = Browser::start().await;
    b.goto(&format!("{}/console", server.base_url)).await;
    log_in(&b, "sup", TEST_PASSWORD).await;
    header_fits_320(&b, "supervisor").await;
    b.goto(&format!("{}/console/admin", server.base_url)).await;
    b.wait_text("#denied", "لمديري النظام فقط").await;
    b.quit().await;
}

/// Waits until `css`'s element is shown (its `hidden` class gone).
async fn shown(b: &Browser, id: &str) {
    b.wait(
        &format!("!document.getElementById({id:?}).classList.contains('hidden')"),
        &format!("#{id} shown"),
        WAIT,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_added_in_the_browser_is_offered_and_called_at_the_desk_without_a_restart() {
    if !webdriver::available("administration of services") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut display = api.events(&server.display_token).await;

    // Amal works at desk 1 in her console.
    let desk = Browser::start().await;
    desk.size(1280, 1000).await;
    desk.goto(&format!("{}/console", server.base_url)).await;
    log_in(&desk, "amal", TEST_PASSWORD).await;
    desk.wait(
        "!document.getElementById('sign-in-btn').disabled",
        "desk choice",
        WAIT,
    )
    .await;
    desk.click("#sign-in-btn").await;
    desk.wait_text("#desk-id", "1").await;

    // The admin adds "legal advice" with one document, offered on the kiosk.
    let b = Browser::start().await;
    b.size(1366, 900).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    log_in(&b, "admin", TEST_PASSWORD).await;
    b.goto(&format!("{}/console/admin", server.base_url)).await;
    shown(&b, "services").await;
    b.click("#service-new").await;
    b.type_into("#sv-code", "legal_aid").await;
    b.type_into("#sv-prefix", "L").await;
    b.type_into("#sv-name-ar", "استشارة قانونية").await;
    b.type_into("#sv-name-en", "Legal advice").await;
    b.type_into("#sv-avg", "20").await;
    b.type_into("#sv-target", "25").await;
    b.click("#sv-doc-add").await;
    b.type_into("#sv-docs .doc-code", "national_id").await;
    b.type_into("#sv-docs .doc-ar", "الهوية الوطنية").await;
    b.type_into("#sv-docs .doc-en", "National ID").await;
    b.assert_accessible("service form (ar)").await;
    b.screenshot(shots, "admin-service-form-ar.png").await;
    b.click("#sv-save").await;
    b.wait_text(
        "#service-rows tr[data-service=\"legal_aid\"]",
        "استشارة قانونية",
    )
    .await;
    let offered = api.get("/api/v1/services", Some(&server.kiosk_token)).await;
    assert!(offered.text.contains("legal_aid"), "{}", offered.text);

    // Desk 1 takes the new line while amal is signed in there, and gets a name for the
    // display; her console names the service.
    b.click("#dk-edit-1").await;
    b.click("#dk-sv-legal_aid").await;
    b.type_into("#dk-name-ar", "الاستقبال").await;
    b.type_into("#dk-name-en", "Reception").await;
    b.click("#dk-save").await;
    b.wait_text("#desk-rows tr[data-desk=\"1\"]", "استشارة قانونية")
        .await;
    let ticket = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "legal_aid" }),
        )
        .await;
    assert_eq!(ticket.json["label"], "L-001", "{}", ticket.text);
    desk.wait_text("#waiting-list", "L-001").await;
    desk.wait_text("#waiting-list", "استشارة قانونية").await;
    desk.wait(
        "!document.getElementById('call-next-btn').disabled",
        "call next",
        WAIT,
    )
    .await;
    desk.click("#call-next-btn").await;
    desk.wait_text("#current-label", "L-001").await;
    let called = e2e::next_event(&mut display, "called").await;
    assert_eq!(
        called["label"], "L-001",
        "the display's stream stayed connected"
    );

    // Another visitor waits in the line: the service cannot be deleted, and desk 1, staffed,
    // cannot change kind. Both said in the admin's words.
    let second = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "legal_aid" }),
        )
        .await;
    assert_eq!(second.json["label"], "L-002", "{}", second.text);
    b.click("#dk-edit-1").await;
    b.js(
        "document.getElementById('dk-kind').value = 'social_research';",
        json!([]),
    )
    .await;
    b.click("#dk-save").await;
    b.wait_text("#dk-error", "المكتب مشغول الآن").await;
    b.click("#dk-cancel").await;
    b.click("#sv-edit-legal_aid").await;
    b.click("#sv-delete").await;
    b.wait_text("#sv-error", "ما زالت مكاتب تخدم هذه الخدمة")
        .await;
    b.click("#sv-cancel").await;
    b.click("#dk-edit-1").await;
    b.click("#dk-sv-legal_aid").await;
    b.click("#dk-save").await;
    b.wait(
        "!document.getElementById('desk-rows').textContent.includes('استشارة قانونية')",
        "desk 1 without legal advice",
        WAIT,
    )
    .await;
    b.click("#sv-edit-legal_aid").await;
    b.click("#sv-delete").await;
    b.wait_text("#sv-error", "في طابور هذه الخدمة زوار الآن")
        .await;
    b.assert_accessible("service refused (ar)").await;
    b.screenshot(shots, "admin-service-refused-ar.png").await;

    // Hidden instead: off the kiosk, still listed for staff.
    b.click("#sv-offered").await;
    b.click("#sv-save").await;
    b.wait_text("#service-rows tr[data-service=\"legal_aid\"]", "مخفية")
        .await;
    let offered = api.get("/api/v1/services", Some(&server.kiosk_token)).await;
    assert!(!offered.text.contains("legal_aid"), "{}", offered.text);
    b.click("#lang-btn").await;
    b.wait_text("#services-h", "Services").await;
    b.assert_accessible("services (en)").await;
    b.js(
        "document.getElementById('services').scrollIntoView();",
        json!([]),
    )
    .await;
    b.screenshot(shots, "admin-services-en.png").await;
    b.click("#lang-btn").await;

    // The waiting-room display shows the desk's name under its number.
    b.size(1920, 1080).await;
    b.goto(&format!(
        "{}/display#token={}&voice=0",
        server.base_url, server.display_token
    ))
    .await;
    b.wait_text("#current", "L-001").await;
    b.wait_text("#current .desk-name", "الاستقبال").await;
    b.wait_text("#current .desk-name", "Reception").await;
    b.screenshot(shots, "display-desk-name.png").await;
    b.quit().await;
    desk.quit().await;
}

/// Integrations (issue 17 item 4): an admin registers a webhook endpoint on /console/admin, a
/// plain-HTTP address refused in the admin's words first; the secret is shown once with a copy
/// button and gone when the admin says it was copied; a dead delivery is sent again from the
/// list. axe-core in both languages; screenshots admin-webhooks-ar / -en.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_registers_a_webhook_endpoint_and_replays_a_dead_delivery() {
    if !webdriver::available("integrations") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);

    let b = Browser::start().await;
    b.size(1366, 1000).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    log_in(&b, "admin", TEST_PASSWORD).await;
    b.goto(&format!("{}/console/admin", server.base_url)).await;
    shown(&b, "webhooks").await;
    b.wait_text("#wh-dead-none", "لا رسائل متوقفة").await;

    b.type_into("#wh-url", "http://hooks.example.org/awn").await;
    b.click("#wh-ev-registered").await;
    b.click("#wh-add-btn").await;
    b.wait_text("#wh-error", "https://").await;
    b.js("document.getElementById('wh-url').value = '';", json!([]))
        .await;
    // Port 9 on loopback refuses: what the server sends there fails and waits to be retried.
    b.type_into("#wh-url", "https://127.0.0.1:9/awn").await;
    b.click("#wh-ev-rating").await;
    b.type_into("#wh-threshold", "2").await;
    b.click("#wh-add-btn").await;
    shown(&b, "wh-secret-box").await;
    let secret = b.text("#wh-secret").await;
    assert!(secret.starts_with("whsec_"), "{secret:?}");
    b.wait_text("#wh-rows", "تقييم 2 أو أقل").await;
    b.wait_text("#wh-rows", "https://127.0.0.1:9/awn").await;
    assert_eq!(b.text("#wh-error").await, "");
    b.assert_accessible("integrations (ar)").await;
    b.js(
        "document.getElementById('webhooks').scrollIntoView();",
        json!([]),
    )
    .await;
    b.screenshot(shots, "admin-webhooks-ar.png").await;
    // On a phone the secret wraps: no sideways scrolling.
    b.size(390, 844).await;
    let scroll = b
        .js(
            "const e = document.getElementById('wh-secret'); const r = e.getBoundingClientRect();\
             return document.documentElement.scrollWidth <= innerWidth + 1 && e.scrollWidth <= e.clientWidth + 1 && r.left >= 0 && r.right <= innerWidth;",
            json!([]),
        )
        .await;
    assert_eq!(
        scroll,
        json!(true),
        "the secret wraps at 390 px, no sideways scroll"
    );
    b.size(1366, 1000).await;
    b.click("#wh-secret-done").await;
    b.wait(
        "document.getElementById('wh-secret').textContent === ''",
        "the secret forgotten",
        WAIT,
    )
    .await;

    // A delivery that gave up (as after every retry), sent again from the list.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    conn.execute(
        "INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, attempts,
             next_attempt_at, state, last_error, created_at, updated_at)
         SELECT id, 'msg_dead', 'rating.low', '{}', 11, '2026-12-01T06:00:00Z', 'dead', '503',
             '2026-12-01T06:00:00Z', '2026-12-01T06:00:00Z' FROM webhook_endpoints",
        [],
    )
    .unwrap();
    b.goto(&format!("{}/console/admin", server.base_url)).await;
    b.wait_text("#wh-dead-rows", "503").await;
    b.click("#lang-btn").await;
    b.wait_text("#webhooks-h", "Integrations").await;
    b.wait_text("#wh-dead-rows", "Rating 2 or below").await;
    b.assert_accessible("integrations (en)").await;
    b.js(
        "document.getElementById('webhooks').scrollIntoView();",
        json!([]),
    )
    .await;
    b.screenshot(shots, "admin-webhooks-en.png").await;
    b.click("#wh-dead-rows button").await;
    shown(&b, "wh-dead-none").await;
    let state: String = conn
        .query_row(
            "SELECT state FROM webhook_deliveries WHERE event_id = 'msg_dead'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "pending", "sent again, next for its endpoint");
    b.click("#lang-btn").await;
    b.quit().await;
}
