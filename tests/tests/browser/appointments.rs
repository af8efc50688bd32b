//! The staff's appointments page (`/console/appointments`, issue 16) in a real headless Chromium:
//! the branch administrator adds slots and deletes an unbooked one; reception books a slot for a
//! caller on the phone and reads them the code (which checks in at the kiosk), hides it before
//! the next call, and cancels another caller's booking by its day and code, the refusal of a
//! wrong code in the server's words. The links from the console, axe in both languages, and the
//! page at 1366 and 390 px. Screenshots appointments-*.png with `SCREENSHOT_DIR`.

use std::path::PathBuf;

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TestServer};
use serde_json::json;

use crate::console_steps::{self, SECS, accessible};

/// Opens the console, logs in and follows its link to the appointments page.
async fn open_as(server: &TestServer, user: &str) -> Browser {
    let b = Browser::start().await;
    b.size(1366, 768).await;
    b.goto(&format!("{}/console", server.base_url)).await;
    console_steps::login(&b, user).await;
    b.wait(
        "!document.getElementById('appointments-link').classList.contains('hidden')",
        "the console's link to the appointments",
        SECS,
    )
    .await;
    b.click("#appointments-link").await;
    b.wait(
        "!!document.getElementById('slots') && !document.getElementById('slots-section').classList.contains('hidden')",
        "the appointments page",
        SECS,
    )
    .await;
    b
}

fn rows_js() -> &'static str {
    "return [...document.querySelectorAll('#slots tr[data-slot]')].map((r) => r.textContent);"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_books_and_cancels_for_callers_and_the_administrator_sets_the_slots() {
    if !webdriver::available("appointments page") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let (_nine, _clock, server) = crate::at_nine_in_riyadh_today();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);

    // The administrator adds three inquiry slots of one place each, then deletes one.
    let b = open_as(&server, "admin").await;
    assert!(
        b.js(
            "return document.getElementById('cancel-section').classList.contains('hidden');",
            json!([])
        )
        .await
        .as_bool()
        .unwrap(),
        "booking is reception's, not the administrator's"
    );
    b.js(
        "document.getElementById('slot-service').value = 'inquiry';",
        json!([]),
    )
    .await;
    b.type_into("#slot-times", "10:00, 10:30 11:00").await;
    b.click("#slots-form button").await;
    b.wait(
        "document.querySelectorAll('#slots tr[data-slot]').length === 3",
        "three slots listed",
        SECS,
    )
    .await;
    accessible(&b, "the appointments page (administrator)").await;
    b.screenshot(shots, "appointments-admin-ar.png").await;
    b.click("#slots tr[data-slot]:last-child button").await;
    b.wait(
        "document.querySelectorAll('#slots tr[data-slot]').length === 2",
        "the 11:00 slot deleted",
        SECS,
    )
    .await;
    // A wrong time is refused in the server's words.
    b.js(
        "document.getElementById('slot-times').value = '';",
        json!([]),
    )
    .await;
    b.type_into("#slot-times", "25:00").await;
    b.click("#slots-form button").await;
    b.wait_text("#slots-result", "HH:MM").await;
    b.quit().await;

    // Reception books the 10:00 slot for a caller: the code, large, to read out.
    let b = open_as(&server, "amal").await;
    let rows = b.js(rows_js(), json!([])).await;
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows}");
    b.click("#slots tr[data-slot]:nth-child(2) button").await;
    b.wait(
        "!document.getElementById('booked').classList.contains('hidden')",
        "the booked code",
        SECS,
    )
    .await;
    let code = b.text("#booked-code").await;
    assert!(
        code.len() == 6 && code.bytes().all(|c| c.is_ascii_digit()),
        "{code:?}"
    );
    assert!(b.text("#booked-when").await.contains("10:00"));
    assert_eq!(
        b.js(
            "return document.getElementById('remind-form').classList.contains('hidden');",
            json!([])
        )
        .await,
        true,
        "no SMS reminder offered without [sms]"
    );
    b.wait(
        "document.querySelector('#slots tr[data-slot] button').disabled",
        "the 10:00 slot full",
        SECS,
    )
    .await;
    accessible(&b, "the appointments page with a code to read out").await;
    b.screenshot(shots, "appointments-booked-ar.png").await;
    // Before the next call the code goes.
    b.click("#booked-done").await;
    assert_eq!(b.text("#booked-code").await, "");
    let api = Api::new(&server.base_url);
    let r = api
        .post(
            "/api/v1/kiosk/check-in",
            &server.kiosk_token,
            Some(&json!({ "code": code })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "the code checks in: {}", r.text);

    // A second caller books 10:30, then calls back to cancel: by day and code.
    b.click("#slots tr[data-slot]:nth-child(3) button").await;
    b.wait(
        "!document.getElementById('booked').classList.contains('hidden')",
        "the second code",
        SECS,
    )
    .await;
    let second = b.text("#booked-code").await;
    b.click("#booked-done").await;
    b.type_into("#cancel-code", "000000").await;
    b.click("#cancel-form button").await;
    b.wait(
        "document.getElementById('cancel-result').classList.contains('error')",
        "a wrong code refused",
        SECS,
    )
    .await;
    let refused = b.text("#cancel-result").await;
    assert!(
        !refused.is_empty() && !refused.contains("تعذّر"),
        "the server's words: {refused}"
    );
    b.js(
        "document.getElementById('cancel-code').value = '';",
        json!([]),
    )
    .await;
    b.type_into("#cancel-code", &second).await;
    b.click("#cancel-form button").await;
    b.wait_text("#cancel-result", "أُلغي حجز").await;
    b.wait(
        "!document.querySelector('#slots tr[data-slot]:nth-child(3) button').disabled",
        "the 10:30 place free again",
        SECS,
    )
    .await;
    let slots = api
        .get("/api/v1/appointment-slots", Some(&api.login("amal").await))
        .await;
    assert_eq!(
        slots
            .json
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["booked"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        vec![1, 0],
        "{}",
        slots.text
    );
    b.click("#lang-btn").await;
    b.wait_text("h1", "appointments").await;
    // The last result is said again in the language now shown.
    b.wait_text("#cancel-result", "is cancelled; its place is free again")
        .await;
    b.screenshot(shots, "appointments-en.png").await;
    b.size(390, 844).await;
    let overflow = b
        .js(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
            json!([]),
        )
        .await;
    assert!(
        overflow.as_i64().unwrap() <= 0,
        "no sideways scroll at 390 px: {overflow}"
    );
    b.screenshot(shots, "appointments-390-en.png").await;
    b.quit().await;
}

/// With `[sms]` set, reception records the reminder a caller asks for under the code it read
/// out; the number is never shown again and is gone from the form before the next caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_records_the_reminder_a_caller_asks_for_and_keeps_nothing_for_the_next() {
    if !webdriver::available("appointments page") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sms-token"), "gw\n").unwrap();
    let mut config = counter_server::config::Config::demo();
    // Never reached: the reminder is due hours after the test.
    config.sms = Some(counter_server::config::SmsConfig {
        url: "http://127.0.0.1:9/send".into(),
        token_file: dir.path().join("sms-token"),
        sender: None,
    });
    let (nine, _clock, server) = e2e::at_nine_in_riyadh_today_with(config);
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let at = nine + chrono::Duration::hours(4);
    let body = json!({
        "service": "inquiry",
        "day": at.format("%Y-%m-%d").to_string(),
        "times": [at.format("%H:%M").to_string()],
        "capacity": 3,
    });
    let r = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/admin/appointment-slots",
            Some(&admin),
            Some(&body),
            &[],
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);

    let b = open_as(&server, "amal").await;
    for (caller, lang) in [("0598765431", "en"), ("", "")] {
        b.click("#slots tr[data-slot] button").await;
        b.wait(
            "!document.getElementById('remind-form').classList.contains('hidden')",
            "the reminder offered",
            SECS,
        )
        .await;
        // Nothing of the caller before stays in the form.
        let left = b
            .js(
                "return document.getElementById('remind-mobile').value;",
                json!([]),
            )
            .await;
        assert_eq!(left, "", "the previous caller's number is gone");
        if caller.is_empty() {
            break;
        }
        b.type_into("#remind-mobile", caller).await;
        b.js(
            "document.getElementById('remind-lang').value = arguments[0];",
            json!([lang]),
        )
        .await;
        b.click("#remind-form button[type=submit]").await;
        b.wait_text("#remind-result", "سيُرسل التذكير").await;
        let page = b.source().await;
        assert!(!page.contains("598765431"), "the number is not shown again");
        accessible(&b, "the appointments page after a reminder").await;
        b.screenshot(shots, "appointments-reminder-ar.png").await;
        b.click("#booked-done").await;
    }
    // The server holds the one number, for the first booking.
    let held = ["", "-wal"].iter().any(|ext| {
        std::fs::read(format!("{}{ext}", server.db_path.display()))
            .is_ok_and(|f| f.windows(13).any(|w| w == b"+966598765431"))
    });
    assert!(held, "the reminder's number is held until the visit");
    b.quit().await;
}
