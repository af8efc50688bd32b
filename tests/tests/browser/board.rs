//! The supervisor's live board in a real headless Chromium: it follows a call, a finish and a
//! break made from the API within a second each (measured and printed for docs/benchmarks.md),
//! shows a line red once its longest wait passes 1.5 times the service's target (injected clock),
//! passes axe-core in Arabic and English, fits 1920×1080, 1366×768 and 390 px. Screenshots
//! board-ar / board-en (wall screen) and board-*-laptop with `SCREENSHOT_DIR`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use counter_server::domain::{Gender, Role};
use e2e::webdriver::{self, Browser};
use e2e::{Api, TEST_PASSWORD, key};
use serde_json::json;

/// Runs `act`, then waits until the board shows `condition`; returns how long that took.
async fn reflected(
    b: &Browser,
    what: &str,
    condition: &str,
    act: impl Future<Output = ()>,
) -> Duration {
    let t0 = Instant::now();
    act.await;
    b.wait(condition, what, Duration::from_secs(5)).await;
    let took = t0.elapsed();
    println!("board reflects {what} in {} ms", took.as_millis());
    assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    took
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_follows_calls_breaks_and_finishes_within_a_second() {
    if !webdriver::available("supervisor's board") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    // At 09:00: the waits it moves the clock through never cross midnight (the day's end).
    let (_, clock, server) = crate::at_nine_in_riyadh_today();
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("noura", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    for service in ["new_request", "inquiry", "follow_up"] {
        let r = api
            .issue(&server.kiosk_token, &key(), &json!({ "service": service }))
            .await;
        assert!(r.status.is_success(), "{}", r.text);
    }

    let b = Browser::start().await;
    b.size(1920, 1080).await;
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
    b.goto(&format!("{}/console/board", server.base_url)).await;
    b.wait(
        "document.body.dataset.loads >= 1 && document.querySelectorAll('#lines tr').length === 5",
        "the board",
        Duration::from_secs(10),
    )
    .await;

    let amal = api.login_at_desk("amal", 1).await;
    let _noura = api.login_at_desk("noura", 2).await;
    let desk1 = "document.querySelector('[data-desk=\"1\"]')";
    let mut id = 0;
    let call = reflected(
        &b,
        "a call",
        &format!("{desk1}.dataset.visitor === 'A-001'"),
        async {
            let r = api.post("/api/v1/desks/1/call-next", &amal, None).await;
            assert_eq!(r.json["label"], "A-001", "{}", r.text);
            id = r.json["id"].as_i64().unwrap();
        },
    )
    .await;
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let finish = reflected(
        &b,
        "a finish",
        &format!("{desk1}.dataset.visitor === ''"),
        async {
            let r = api
                .post(
                    &format!("/api/v1/tickets/{id}/finish"),
                    &amal,
                    Some(&json!({ "outcome": "information_given" })),
                )
                .await;
            assert!(r.status.is_success(), "{}", r.text);
        },
    )
    .await;
    let pause = reflected(
        &b,
        "a break",
        &format!("{desk1}.classList.contains('paused')"),
        async {
            let r = api.post("/api/v1/desks/1/pause", &amal, None).await;
            assert!(r.status.is_success(), "{}", r.text);
        },
    )
    .await;
    println!(
        "board benchmark: call {} ms, finish {} ms, break {} ms",
        call.as_millis(),
        finish.as_millis(),
        pause.as_millis()
    );
    b.wait_text("#f-served", "١").await;
    b.wait_text("[data-desk=\"1\"] .duty", "في استراحة منذ")
        .await;

    // Sixteen minutes on, the inquiry line (target 10) is red (from 15), the follow-up line
    // (default 15) amber; the next issue redraws the board.
    clock.advance(chrono::Duration::minutes(16));
    let r = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let row = |s: &str| {
        format!("document.querySelector('#lines tr[data-service=\"{s}\"]').dataset.level")
    };
    b.wait(
        &format!(
            "{} === 'red' && {} === 'amber' && {} === 'ok'",
            row("inquiry"),
            row("follow_up"),
            row("new_request")
        ),
        "a red and an amber line",
        Duration::from_secs(5),
    )
    .await;
    b.wait(
        "!document.getElementById('red-banner').classList.contains('hidden')",
        "the red banner",
        Duration::from_secs(2),
    )
    .await;

    // The red line raised a supervisor alert (checked every few seconds): on the board too.
    b.wait(
        "[...document.querySelectorAll('#alerts li.alert')].some((li) => li.textContent.includes('C-001'))",
        "the red line's alert",
        Duration::from_secs(15),
    )
    .await;
    // The supervisor stops new tickets for the red line, from the board.
    b.click("#offer-inquiry").await;
    b.wait(
        "document.querySelector('#lines tr[data-service=\"inquiry\"]').dataset.offered === 'false'",
        "inquiry stopped",
        Duration::from_secs(5),
    )
    .await;
    let offered = api.get("/api/v1/services", Some(&server.kiosk_token)).await;
    assert!(!offered.text.contains("\"inquiry\""), "{}", offered.text);
    b.assert_accessible("board (ar)").await;
    b.screenshot(shots, "board-ar.png").await;
    b.size(1366, 768).await;
    b.screenshot(shots, "board-ar-laptop.png").await;
    b.click("#lang-btn").await;
    b.wait_text("h1", "supervisor").await;
    b.assert_accessible("board (en)").await;
    b.screenshot(shots, "board-en-laptop.png").await;
    b.size(1920, 1080).await;
    b.screenshot(shots, "board-en.png").await;
    b.click("#lang-btn").await;
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
    b.screenshot(shots, "board-390-ar.png").await;
    b.quit().await;
}

/// Puts one slot of `service` at `at` (Riyadh time) with room for `capacity`; returns its id.
async fn put_slot(
    api: &Api,
    admin: &str,
    service: &str,
    at: chrono::DateTime<chrono::FixedOffset>,
    capacity: u32,
) -> i64 {
    let body = json!({
        "service": service,
        "day": at.format("%Y-%m-%d").to_string(),
        "times": [at.format("%H:%M").to_string()],
        "capacity": capacity,
    });
    let r = api
        .send(
            reqwest::Method::PUT,
            "/api/v1/admin/appointment-slots",
            Some(admin),
            Some(&body),
            &[],
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    r.json[0]["id"].as_i64().unwrap()
}

/// Issue 16: the supervisor's board shows places joined from the phone whose visitors are not
/// here yet (the line's "away" count, which the waiting count leaves out), and today's
/// appointments as they go: expected, arrived with the ticket's label once checked in at the kiosk,
/// cancelled, and late once the slot's grace has passed. Nothing about a visitor but a label.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_board_shows_places_joined_by_phone_and_todays_appointments() {
    if !webdriver::available("supervisor's board, remote places") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let (nine, clock, server) = crate::at_nine_in_riyadh_today();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let amal = api.login("amal").await;
    let at_half_past = put_slot(
        &api,
        &admin,
        "inquiry",
        nine + chrono::Duration::minutes(30),
        2,
    )
    .await;
    let at_ten_past = put_slot(
        &api,
        &admin,
        "follow_up",
        nine + chrono::Duration::minutes(10),
        1,
    )
    .await;
    let mut codes = Vec::new();
    for slot in [at_half_past, at_half_past, at_ten_past] {
        let r = api
            .post(
                "/api/v1/appointments",
                &amal,
                Some(&json!({ "slot": slot })),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        codes.push(r.json["code"].as_str().unwrap().to_string());
    }
    let walk_in = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert!(walk_in.status.is_success(), "{}", walk_in.text);

    let b = Browser::start().await;
    b.size(1366, 768).await;
    // A visitor joins the first line open for remote joining, in this same browser (the page is
    // public); the place's label is on the answer.
    b.goto(&format!("{}/join?lang=en", server.base_url)).await;
    b.click("form[action='/join'] button").await;
    b.wait(
        "!!document.querySelector('.number')",
        "joined",
        Duration::from_secs(10),
    )
    .await;
    let remote_label = b.text(".number").await;
    let remote_code = b.text("#check-in-code").await;
    let remote_service = match remote_label.chars().next() {
        Some('C') => "inquiry",
        Some('B') => "follow_up",
        Some('A') => "new_request",
        other => panic!("label {remote_label:?} ({other:?})"),
    };

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
    b.goto(&format!("{}/console/board", server.base_url)).await;
    let cell = |service: &str, class: &str| {
        format!(
            "document.querySelector('#lines tr[data-service=\"{service}\"] td.{class}').textContent"
        )
    };
    let appt_states =
        "[...document.querySelectorAll('#appointments tr')].map((r) => r.dataset.state).join(',')";
    b.wait(
        &format!(
            "{} === '١' && {appt_states} === 'expected,expected,expected'",
            cell(remote_service, "away")
        ),
        "one place away and three appointments expected",
        Duration::from_secs(10),
    )
    .await;
    // The walk-in waits; the phone's place is away, not waiting.
    let waiting = if remote_service == "inquiry" {
        "١"
    } else {
        "٠"
    };
    assert_eq!(
        b.js(
            &format!("return {};", cell(remote_service, "count")),
            json!([])
        )
        .await,
        json!(waiting)
    );
    let rows = b.text("#appointments").await;
    assert!(rows.contains("٠٩:٣٠") && rows.contains("٠٩:١٠"), "{rows}");
    assert!(rows.contains("منتظر"), "{rows}");

    // The first booking checks in at the kiosk: arrived, with its ticket's label.
    let r = api
        .post(
            "/api/v1/kiosk/check-in",
            &server.kiosk_token,
            Some(&json!({ "code": codes[0] })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    let label = r.json["label"].as_str().unwrap().to_string();
    b.wait(
        &format!("[...document.querySelectorAll('#appointments tr')].some((r) => r.dataset.state === 'arrived' && r.textContent.includes('{label}'))"),
        "arrived with its label",
        Duration::from_secs(5),
    )
    .await;
    // The second is cancelled on the phone.
    let day = nine.format("%Y-%m-%d").to_string();
    let r = api
        .post(
            "/api/v1/appointments/cancel",
            &amal,
            Some(&json!({ "day": day, "code": codes[1] })),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    b.wait(
        &format!("{appt_states}.split(',').sort().join(',') === 'arrived,cancelled,expected'"),
        "one arrived, one cancelled, one expected",
        Duration::from_secs(5),
    )
    .await;
    b.assert_accessible("board with appointments (ar)").await;
    b.screenshot(shots, "board-appointments-ar.png").await;
    // The phone's visitor checks in too: no longer away, now waiting.
    let r = api
        .post(
            "/api/v1/kiosk/check-in",
            &server.kiosk_token,
            Some(&json!({ "code": remote_code })),
        )
        .await;
    assert_eq!(r.status.as_u16(), 200, "{}", r.text);
    b.wait(
        &format!("{} === '٠'", cell(remote_service, "away")),
        "the phone's place no longer away",
        Duration::from_secs(5),
    )
    .await;

    // 09:21, past the 09:10 slot's ten minutes of grace: late, on the board as it is (redrawn by
    // the next event, here a walk-in at the kiosk), in English.
    b.click("#lang-btn").await;
    b.wait_text("h1", "supervisor").await;
    clock.advance(chrono::Duration::minutes(21));
    let r = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    b.wait(
        &format!("{appt_states}.split(',').sort().join(',') === 'arrived,cancelled,late'"),
        "the 09:10 booking late",
        Duration::from_secs(5),
    )
    .await;
    let rows = b.text("#appointments").await;
    assert!(
        rows.contains(&format!("Arrived — {label}"))
            && rows.contains("Cancelled")
            && rows.contains("Late"),
        "{rows}"
    );
    b.assert_accessible("board with appointments (en)").await;
    b.screenshot(shots, "board-appointments-en.png").await;
    b.quit().await;
}
