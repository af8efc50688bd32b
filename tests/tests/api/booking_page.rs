//! The booking's page (issue 16, policy 3.4) over real HTTP: booking on `/join` answers with
//! `/b/{token}`, the visitor's way back without an account; from it they cancel (the same rule as
//! staff's, audited as the visitor) and ask for one SMS reminder before the slot, sent by the
//! notify worker through the loopback fake gateway of `notify.rs` at the injected clock's time,
//! once, even across a restart; the number is gone from the database's bytes once the booking is
//! checked in or cancelled, or the visitor withdraws it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::{Config, SmsConfig};
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer};
use reqwest::StatusCode;
use serde_json::json;

use crate::notify::{Fake, in_raw_files};
use crate::remote::{Joined, Phone, between, check_in};
use crate::remote_booking::{booking_key_of, refusal_of, set_slots};

const NUMBER: &str = "0598765431";
const NUMBER_E164: &str = "+966598765431";

/// 09:00 in Riyadh on a Wednesday: the branch is open (the test server's hours are always open).
fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 9, 6, 0, 0).unwrap()
}

struct Branch {
    server: TestServer,
    api: Api,
    _dir: tempfile::TempDir,
}

/// A branch on `clock` with `[sms]` to `gateway` (none: SMS not configured).
fn branch(
    clock: &Arc<ManualClock>,
    gateway: Option<&Fake>,
    db_path: Option<std::path::PathBuf>,
) -> Branch {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sms-token"), "gw-token-3\n").unwrap();
    let mut config = Config::demo();
    config.sms = gateway.map(|g| SmsConfig {
        url: g.url("/send"),
        token_file: dir.path().join("sms-token"),
        sender: None,
    });
    let fresh = db_path.is_none();
    let server = TestServer::start_with(TestOptions {
        config,
        clock: clock.clone(),
        db_path,
        ..TestOptions::default()
    });
    if fresh {
        server.add_staff("admin", Role::Admin, Gender::Male);
    }
    let api = Api::new(&server.base_url);
    Branch {
        server,
        api,
        _dir: dir,
    }
}

/// Books `slot` from the join page; the booking's page it answers with.
async fn book(phone: &Phone, slot: i64, lang: &str) -> Joined {
    let (page, _) = phone.open(lang).await;
    let booked = phone.book(slot, &booking_key_of(&page), lang).await;
    assert_eq!(booked.status, StatusCode::OK, "{}", booked.html);
    assert!(booked.path.starts_with("/b/"), "{}", booked.path);
    booked
}

/// `/b/{token}` of a booking page's path (without its query).
fn page_path(booked: &Joined) -> String {
    booked.path.split('?').next().unwrap().to_string()
}

fn state_of(html: &str) -> String {
    between(html, "data-state=\"", "\"").to_string()
}

/// Nothing more than `n` arrives within 6 s (the worker looks every 5 s without a commit).
async fn quiet(fake: &Fake, n: usize) {
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(fake.received().len(), n, "{:#?}", fake.received());
}

/// Booked on `/join`, a reminder asked for on the booking's page goes out once at 120 minutes
/// before the slot (not one minute before that, not again after, nor after a restart), with the
/// branch's name, the date and time, the code and how to check in; the number stays until the
/// visitor checks in, then leaves the file and the WAL; a checked-in booking cannot be cancelled.
#[tokio::test(flavor = "multi_thread")]
async fn a_reminder_asked_on_the_booking_page_is_sent_once_before_the_slot_and_erased_at_check_in()
{
    let gateway = Fake::sms_gateway();
    let clock = Arc::new(ManualClock::new(start()));
    let b = branch(&clock, Some(&gateway), None);
    let admin = b.api.login("admin").await;
    let slot_at = (start() + chrono::Duration::hours(3)).with_timezone(&riyadh());
    let [slot] = set_slots(&b.api, &admin, "inquiry", &[slot_at], 2).await[..] else {
        unreachable!()
    };

    let phone = Phone::new(&b.server.base_url);
    let booked = book(&phone, slot, "en").await;
    let path = page_path(&booked);
    let code = between(&booked.html, "id=\"booking-code\">", "<").to_string();
    assert_eq!(state_of(&booked.html), "booked");
    let when = awn_core::opening::opening_words(&slot_at.to_rfc3339()).unwrap();
    for needle in [
        "Inquiry",
        when.en.as_str(),
        "Riyadh time",
        "type this code at the ticket kiosk",
        "Remind me by text message",
        "120 minutes before",
        "Cancel this appointment",
    ] {
        assert!(booked.html.contains(needle), "{needle}: {}", booked.html);
    }
    assert!(!booked.html.contains("<script"), "the page needs no script");
    // Opened again later, in Arabic (the default): the same booking.
    let again = phone.get(&path).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.html.contains("lang=\"ar\"") && again.html.contains(&code));
    assert!(
        again.html.contains(&format!("href=\"{path}?lang=en\"")),
        "the language link stays on the booking's page"
    );
    assert_eq!(again.headers["referrer-policy"], "strict-origin");
    assert_eq!(again.headers["cache-control"], "no-store");

    // Not a number: refused in the visitor's words, nothing kept.
    let bad = phone
        .send(
            &format!("{path}/remind"),
            &[("mobile", "12"), ("lang", "en")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal_of(&bad.html), "invalid_mobile");
    let asked = phone
        .send(
            &format!("{path}/remind"),
            &[("mobile", NUMBER), ("lang", "en")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.html);
    assert!(
        asked
            .html
            .contains("A text message will remind you 120 minutes before"),
        "{}",
        asked.html
    );
    assert!(
        !asked.html.contains(NUMBER) && !asked.html.contains("598765431"),
        "the page never shows the number"
    );

    // One minute before the reminder's time: nothing.
    let due = slot_at.with_timezone(&Utc) - chrono::Duration::minutes(120);
    clock.set(due - chrono::Duration::minutes(1));
    quiet(&gateway, 0).await;
    clock.set(due + chrono::Duration::minutes(1));
    let got = gateway.wait_for(1).await;
    assert_eq!(got[0]["authorization"], "Bearer gw-token-3");
    let name_en = Config::demo().branch.name_en;
    let text =
        counter_server::notify::message::reminder(awn_core::Lang::En, &when.en, &code, &name_en);
    assert_eq!(
        got[0]["body"],
        serde_json::json!({"to": NUMBER_E164, "text": text})
    );
    assert!(text.contains(&code) && text.contains(&when.en) && !text.contains("Inquiry"));
    let page = phone.get(&format!("{path}?lang=en")).await;
    assert!(
        page.html.contains("The reminder was sent") && page.html.contains("Delete my number now"),
        "{}",
        page.html
    );
    quiet(&gateway, 1).await;

    // A restart sends nothing more: it was marked sent before it went out.
    let Branch { server, _dir, .. } = b;
    let (db_path, _kept) = server.stop_keep_files();
    let b = branch(&clock, Some(&gateway), Some(db_path));
    let phone = Phone::new(&b.server.base_url);
    clock.advance(chrono::Duration::minutes(5));
    quiet(&gateway, 1).await;
    assert!(
        in_raw_files(&b.server.db_path, NUMBER_E164),
        "held until the visitor checks in"
    );

    // Checked in at the kiosk: the number leaves the file and the WAL.
    let r = check_in(&b.api, &b.server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // At once: deleted in the check-in's own commit, not later by the worker.
    assert!(
        !in_raw_files(&b.server.db_path, "598765431"),
        "the number is still in the database's files after check-in"
    );
    let page = phone.get(&format!("{path}?lang=en")).await;
    assert_eq!(state_of(&page.html), "arrived");
    assert!(
        !page.html.contains("action=\"/b/"),
        "nothing to do any more"
    );
    // A stale page's cancel: refused, in its words.
    let late = phone
        .send(&format!("{path}/cancel"), &[("lang", "en")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(refusal_of(&late.html), "booking_arrived");
    assert!(late.html.contains("it can no longer be cancelled"));
    quiet(&gateway, 1).await;
}

/// The visitor cancels from the booking's page: the slot is free for another visitor, the code
/// checks nothing in at the kiosk, the reminder's number is gone at once, cancelling twice
/// answers the same, it is audited as the visitor; a form from another site is refused; a
/// withdrawn number is deleted at once; without `[sms]` no reminder is offered.
#[tokio::test(flavor = "multi_thread")]
async fn the_visitor_cancels_from_the_booking_page_and_the_slot_is_free_again() {
    let gateway = Fake::sms_gateway();
    let clock = Arc::new(ManualClock::new(start()));
    let b = branch(&clock, Some(&gateway), None);
    let admin = b.api.login("admin").await;
    let slot_at = (start() + chrono::Duration::hours(4)).with_timezone(&riyadh());
    let [slot] = set_slots(&b.api, &admin, "inquiry", &[slot_at], 1).await[..] else {
        unreachable!()
    };
    let button = format!("name=\"slot\" value=\"{slot}\"");

    let phone = Phone::new(&b.server.base_url);
    let booked = book(&phone, slot, "ar").await;
    let path = page_path(&booked);
    let code = between(&booked.html, "id=\"booking-code\">", "<").to_string();
    let asked = phone
        .send(
            &format!("{path}/remind"),
            &[("mobile", NUMBER), ("lang", "ar")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.html);
    assert!(in_raw_files(&b.server.db_path, NUMBER_E164));
    let other = Phone::new(&b.server.base_url);
    let (page, _) = other.open("en").await;
    assert!(!page.contains(&button), "the one place is taken");

    // From another site: refused by the Origin check, nothing cancelled.
    let forged = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}{path}/cancel", b.server.base_url))
        .header("Origin", "https://evil.example")
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(state_of(&phone.get(&path).await.html), "booked");

    // The page's cancel button only asks (a GET): one stray tap gives nothing away.
    let page = phone.get(&path).await.html;
    assert!(page.contains("name=\"confirm\" value=\"cancel\""), "{page}");
    let asking = phone.get(&format!("{path}?confirm=cancel")).await;
    assert_eq!(asking.status, StatusCode::OK);
    assert_eq!(state_of(&asking.html), "booked", "asking cancels nothing");
    assert!(
        asking.html.contains("id=\"cancel-confirm\"") && asking.html.contains("هل تلغي موعدك"),
        "{}",
        asking.html
    );

    let cancelled = phone
        .send(&format!("{path}/cancel"), &[("lang", "ar")])
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.html);
    assert_eq!(state_of(&cancelled.html), "cancelled");
    assert!(cancelled.html.contains("أُلغي هذا الموعد"));
    assert!(
        !cancelled.html.contains("action=\"/b/"),
        "nothing to do any more"
    );
    assert!(
        !in_raw_files(&b.server.db_path, NUMBER_E164),
        "the number is deleted with the cancel"
    );
    let twice = phone
        .send(&format!("{path}/cancel"), &[("lang", "en")])
        .await;
    assert_eq!(
        (twice.status, state_of(&twice.html)),
        (StatusCode::OK, "cancelled".into())
    );
    let audit = rusqlite::Connection::open(&b.server.db_path)
        .unwrap()
        .query_row(
            "SELECT count(*), min(role), max(staff_id IS NULL) FROM audit_log
             WHERE action = 'appointment_cancelled'",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                ))
            },
        )
        .unwrap();
    assert_eq!(
        audit,
        (1, "visitor".into(), true),
        "audited once, as the visitor"
    );

    // The code checks nothing in; the slot is offered and booked by another visitor.
    let r = check_in(&b.api, &b.server.kiosk_token, &code).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.code(), "not_awaiting_arrival");
    let (page, _) = other.open("en").await;
    assert!(page.contains(&button), "the slot is free again");
    let theirs = book(&other, slot, "en").await;
    let their_path = page_path(&theirs);
    assert_eq!(state_of(&theirs.html), "booked");

    // A withdrawn number is deleted at once, and the page offers the reminder again.
    other
        .send(
            &format!("{their_path}/remind"),
            &[("mobile", "+447700900123"), ("lang", "en")],
        )
        .await;
    assert!(in_raw_files(&b.server.db_path, "+447700900123"));
    let withdrawn = other
        .send(&format!("{their_path}/remind/withdraw"), &[("lang", "en")])
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.html);
    assert!(withdrawn.html.contains("Remind me by text message"));
    assert!(!in_raw_files(&b.server.db_path, "+447700900123"));
    // Nothing is sent at the reminder's time for a cancelled or a withdrawn reminder.
    clock.set(slot_at.with_timezone(&Utc) - chrono::Duration::minutes(60));
    quiet(&gateway, 0).await;

    // An unknown token: not found.
    let unknown = phone.get("/b/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // Without `[sms]`: no reminder offered, and one asked for anyway is refused.
    let Branch { server, _dir, .. } = b;
    let (db_path, _kept) = server.stop_keep_files();
    let b = branch(&clock, None, Some(db_path));
    let phone = Phone::new(&b.server.base_url);
    let page = phone.get(&format!("{their_path}?lang=en")).await;
    assert_eq!(state_of(&page.html), "booked");
    assert!(!page.html.contains("Remind me"), "{}", page.html);
    let r = phone
        .send(
            &format!("{their_path}/remind"),
            &[("mobile", NUMBER), ("lang", "en")],
        )
        .await;
    assert_eq!(refusal_of(&r.html), "reminder_not_offered");
    assert!(!in_raw_files(&b.server.db_path, NUMBER_E164));
}

/// A caller booked by reception on the phone asks for the reminder: reception records the
/// number with the booking's day and code (refused: not a number, an unknown code, a language
/// the messages lack); it goes out once at its time in the caller's language, and never for a
/// booking whose number reception withdrew at the caller's word, which is gone from the files at
/// once. Without `[sms]` the booking says no reminder is offered, and one is refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_caller_booked_by_reception_gets_the_reminder_asked_for_and_none_once_withdrawn() {
    let gateway = Fake::sms_gateway();
    let clock = Arc::new(ManualClock::new(start()));
    let b = branch(&clock, Some(&gateway), None);
    b.server.add_staff("amal", Role::Reception, Gender::Female);
    let admin = b.api.login("admin").await;
    let amal = b.api.login("amal").await;
    let slot_at = (start() + chrono::Duration::hours(3)).with_timezone(&riyadh());
    let [slot] = set_slots(&b.api, &admin, "inquiry", &[slot_at], 2).await[..] else {
        unreachable!()
    };
    let day = slot_at.format("%Y-%m-%d").to_string();
    let book = || async {
        let r = b
            .api
            .post(
                "/api/v1/appointments",
                &amal,
                Some(&json!({ "slot": slot })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        assert_eq!(r.json["reminder_offered"], true, "{}", r.text);
        r.json["code"].as_str().unwrap().to_string()
    };
    let remind = |code: String, mobile: &'static str, lang: &'static str| {
        let body = json!({ "day": day, "code": code, "mobile": mobile, "lang": lang });
        let api = b.api.clone();
        let amal = amal.clone();
        async move {
            api.post("/api/v1/appointments/reminder", &amal, Some(&body))
                .await
        }
    };
    let kept = book().await;
    let withdrawn = book().await;

    for (code, mobile, lang, status, refusal) in [
        (kept.clone(), "12", "en", 422, "invalid_mobile"),
        (kept.clone(), NUMBER, "fr", 422, "invalid_lang"),
        (
            if kept == "000000" { "000001" } else { "000000" }.to_string(),
            NUMBER,
            "en",
            404,
            "booking_not_found",
        ),
    ] {
        let r = remind(code, mobile, lang).await;
        assert_eq!(r.status.as_u16(), status, "{}", r.text);
        assert_eq!(r.json["code"], refusal, "{}", r.text);
    }
    let r = remind(kept.clone(), NUMBER, "en").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = remind(withdrawn.clone(), "0598765432", "ar").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(in_raw_files(&b.server.db_path, "+966598765432"));
    let r = b
        .api
        .post(
            "/api/v1/appointments/reminder/withdraw",
            &amal,
            Some(&json!({ "day": day, "code": withdrawn })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(
        !in_raw_files(&b.server.db_path, "598765432"),
        "a withdrawn number leaves the files at once"
    );

    // At its time: one message, to the one number still held, in the caller's language.
    let due = slot_at.with_timezone(&Utc) - chrono::Duration::minutes(120);
    clock.set(due + chrono::Duration::minutes(1));
    let got = gateway.wait_for(1).await;
    let when = awn_core::opening::opening_words(&slot_at.to_rfc3339()).unwrap();
    let name_en = Config::demo().branch.name_en;
    let text =
        counter_server::notify::message::reminder(awn_core::Lang::En, &when.en, &kept, &name_en);
    assert_eq!(got[0]["body"], json!({"to": NUMBER_E164, "text": text}));
    quiet(&gateway, 1).await;

    // A branch without `[sms]`: nothing offered, and asking is refused.
    let plain_clock = Arc::new(ManualClock::new(start()));
    let plain = branch(&plain_clock, None, None);
    plain
        .server
        .add_staff("amal", Role::Reception, Gender::Female);
    let admin = plain.api.login("admin").await;
    let amal = plain.api.login("amal").await;
    let [slot] = set_slots(&plain.api, &admin, "inquiry", &[slot_at], 2).await[..] else {
        unreachable!()
    };
    let r = plain
        .api
        .post(
            "/api/v1/appointments",
            &amal,
            Some(&json!({ "slot": slot })),
        )
        .await;
    assert_eq!(r.json["reminder_offered"], false, "{}", r.text);
    let body = json!({ "day": day, "code": r.json["code"], "mobile": NUMBER, "lang": "ar" });
    let r = plain
        .api
        .post("/api/v1/appointments/reminder", &amal, Some(&body))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json["code"], "reminder_not_offered");
}
