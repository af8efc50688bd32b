//! The rating mode (`kiosk --mode rating`) against a real counter-server, driven by taps on the
//! headless software-rendered window: rate a visit picked from the recent list (score, reasons,
//! comment typed on the keyboard, contact request), rate another typed on the keypad in English,
//! the refusal of a second rating, and the idle wipe. With `UPDATE_SCREENSHOTS=1`, saves
//! docs/screenshots/kiosk-rating-<screen>-<ar|en>-<portrait|landscape>.png on the way.
//! One test per file (the headless platform is installed once per process).

mod common;

use counter_server::domain::{Gender, Role};
use counter_server::testing::{TEST_PASSWORD, TestServer};
use kiosk::headless;
use kiosk::rating::client::{HttpRatingApi, RatingClient};
use kiosk::rating::flow::{RatingFlow, RatingScreen};
use kiosk::rating::view::RatingApp;
use kiosk::shell::{Clock, FlowConfig, ManualClock, ModeApp, ShellFlow};
use kiosk::text::{AR, EN, RATING_AR, RATING_EN};
use slint::{ComponentHandle, Model};
use std::rc::Rc;
use std::time::Duration;

/// The rating window under test (the shared harness; its taps, waits and finds).
type H = common::Harness<RatingApp>;

impl H {
    fn screen(&self) -> RatingScreen {
        self.app.flow.borrow().screen
    }

    fn shot(&self, name: &str) {
        let (w, h, px) = headless::frame(&self.win);
        let orientation = if w > h { "landscape" } else { "portrait" };
        common::save_screenshot(&format!("kiosk-rating-{name}-{orientation}.png"), w, h, &px);
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn post(base: &str, path: &str, token: &str, body: &str, extra: Option<(&str, &str)>) -> String {
    let mut req = agent()
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json");
    if !token.is_empty() {
        req = req.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some((k, v)) = extra {
        req = req.header(k, v);
    }
    let mut resp = req.send(body.as_bytes()).expect("request");
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    assert!((200..300).contains(&status), "{path}: {status} {text}");
    text
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or(serde_json::Value::Null)
}

/// Issues an inquiry ticket, calls it at desk 1, starts and finishes the visit: its label.
fn finished_visit(server: &TestServer, staff: &str, n: u32) -> String {
    let base = &server.base_url;
    let t = json(&post(
        base,
        "/api/v1/tickets",
        &server.kiosk_token,
        r#"{"service":"inquiry"}"#,
        Some(("Idempotency-Key", &format!("rating-test-key-{n:020}"))),
    ));
    let label = t["label"].as_str().expect("label").to_string();
    let called = json(&post(base, "/api/v1/desks/1/call-next", staff, "", None));
    let id = called["id"]
        .as_i64()
        .or(called["ticket"]["id"].as_i64())
        .expect("called ticket id");
    post(
        base,
        &format!("/api/v1/tickets/{id}/start"),
        staff,
        "",
        None,
    );
    post(
        base,
        &format!("/api/v1/tickets/{id}/finish"),
        staff,
        r#"{"outcome":"information_given"}"#,
        None,
    );
    label
}

type RatingRow = (i64, String, Option<String>, i64);

/// (score, reasons, comment, contact requests) of the rating of `label`, if any.
fn rating_of(server: &TestServer, label: &str) -> Option<RatingRow> {
    let conn = counter_server::store::open(&server.db, true).expect("open the database");
    conn.query_row(
        "SELECT r.score, r.reasons, r.comment,
                (SELECT count(*) FROM contact_requests c WHERE c.rating_id = r.id)
         FROM ratings r JOIN tickets t ON t.id = r.ticket_id WHERE t.label = ?1",
        [label],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
    .ok()
}

#[test]
fn rating_mode_against_real_server() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let login = json(&post(
        &server.base_url,
        "/api/v1/auth/login",
        "",
        &format!(r#"{{"username":"amal","password":"{TEST_PASSWORD}"}}"#),
        None,
    ));
    let staff = login["token"].as_str().expect("session token").to_string();
    post(
        &server.base_url,
        "/api/v1/desks/1/sign-in",
        &staff,
        "",
        None,
    );
    let first = finished_visit(&server, &staff, 1);
    let second = finished_visit(&server, &staff, 2);

    let win = headless::install(1080, 1920).unwrap();
    let clock = Rc::new(ManualClock::new());
    let client = RatingClient::start(
        HttpRatingApi::new(
            &server.base_url,
            &server.rating_token,
            Duration::from_secs(2),
        ),
        std::sync::Arc::new(|| {}),
    );
    let flow = RatingFlow::new(FlowConfig::default(), clock.now());
    let ui = ui::RatingKiosk::new().expect("rating UI");
    let app = RatingApp::new(ui, flow, client, clock.clone());
    app.ui.show().expect("show");
    let h = H {
        win,
        app,
        clock,
        printed_dir: None,
    };
    h.wait("recent visits", |a| a.flow.borrow().recent.len() == 2);

    rate_from_the_list(&h, &server, &first);
    rate_typed_in_english(&h, &server, &second);
    second_rating_is_refused(&h, &server, &first);
    idle_wipe(&h);
    landscape_keypad(&h);
}

/// Landscape 1920×1080: every keypad key and "next", then every score with back and start
/// over, lie fully inside the window.
fn landscape_keypad(h: &H) {
    h.win.set_size(slint::PhysicalSize::new(1920, 1080));
    assert_eq!(h.screen(), RatingScreen::Start);
    h.tap("A");
    h.tap("7");
    let keys = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    for label in keys
        .iter()
        .copied()
        .chain([AR.clear, AR.backspace, AR.next])
    {
        assert_inside(h, label);
    }
    h.shot("start-ar");
    h.tap(AR.next);
    assert_eq!(h.screen(), RatingScreen::Score);
    for label in RATING_AR
        .scores
        .iter()
        .copied()
        .chain([AR.back, AR.start_over])
    {
        assert_inside(h, label);
    }
    h.shot("score-ar");
    h.tap(RATING_AR.scores[0]);
    assert_eq!(h.screen(), RatingScreen::Reasons);
    h.tap(AR.start_over);
    h.win.set_size(slint::PhysicalSize::new(1080, 1920));
}

/// Exactly one button with this label, touch-sized and fully inside the window.
fn assert_inside(h: &H, label: &str) {
    let win = h.app.ui.window().size().to_logical(1.0);
    let found = h.find(label);
    assert_eq!(found.len(), 1, "one {label:?} button");
    let (p, s) = (found[0].absolute_position(), found[0].size());
    assert!(
        s.width >= 64.0 && s.height >= 64.0,
        "{label:?} is smaller than a touch target: {s:?}"
    );
    assert!(
        p.x >= -0.5
            && p.y >= -0.5
            && p.x + s.width <= win.width + 0.5
            && p.y + s.height <= win.height + 0.5,
        "{label:?} at {p:?} {s:?} is not fully inside the {win:?} window"
    );
}

/// Arabic: pick the visit from the list, "good" (4), two reasons, a comment on the Arabic
/// keyboard, "please contact me" → thank you; the server has exactly that rating.
fn rate_from_the_list(h: &H, server: &TestServer, label: &str) {
    h.shot("start-ar");
    h.tap(label);
    assert_eq!(h.screen(), RatingScreen::Score);
    h.shot("score-ar");
    h.tap(RATING_AR.scores[3]);
    assert_eq!(h.screen(), RatingScreen::Reasons);
    h.tap(RATING_AR.reasons[1]);
    h.tap(RATING_AR.reasons[4]);
    h.shot("reasons-ar");
    h.tap(AR.next);
    assert_eq!(h.screen(), RatingScreen::Comment);
    h.type_keys("شكرا لكم", AR.space);
    h.tap(RATING_AR.contact);
    h.shot("comment-ar");
    h.tap(RATING_AR.send);
    h.wait("thanks", |a| a.flow.borrow().screen == RatingScreen::Thanks);
    h.shot("thanks-ar");
    assert!(h.app.flow.borrow().draft.is_empty());
    assert_eq!(
        rating_of(server, label),
        Some((4, "courtesy,privacy".into(), Some("شكرا لكم".into()), 1))
    );
    h.tap(AR.done);
    assert_eq!(h.screen(), RatingScreen::Start);
    h.wait("the rated visit leaves the list", |a| {
        !a.flow.borrow().recent.iter().any(|l| l == label)
    });
}

/// English: the label typed on the keypad, "excellent", no reason, a comment, no contact.
fn rate_typed_in_english(h: &H, server: &TestServer, label: &str) {
    h.tap(AR.other_language);
    let (letters, digits) = label.split_once('-').unwrap();
    for c in letters
        .chars()
        .chain(digits.trim_start_matches('0').chars())
    {
        h.tap_after(&c.to_string(), Duration::from_millis(300));
    }
    assert_eq!(h.app.flow.borrow().typed_label().as_deref(), Some(label));
    h.shot("start-en");
    h.tap(EN.next);
    assert_eq!(h.screen(), RatingScreen::Score);
    h.shot("score-en");
    h.tap(RATING_EN.scores[4]);
    h.tap(RATING_EN.reasons[0]);
    h.tap(RATING_EN.reasons[2]);
    h.shot("reasons-en");
    h.tap(RATING_EN.reasons[0]); // changed their mind
    h.tap(EN.next);
    h.type_keys("CLEAR AND KIND", EN.space);
    h.shot("comment-en");
    h.tap(RATING_EN.send);
    h.wait("thanks", |a| a.flow.borrow().screen == RatingScreen::Thanks);
    h.shot("thanks-en");
    assert_eq!(
        rating_of(server, label),
        Some((5, "clarity".into(), Some("Clear and kind".into()), 0))
    );
    // The thank-you screen goes back to the start by itself, in Arabic.
    h.clock.advance(kiosk::rating::flow::THANKS_FOR);
    h.app.tick();
    assert_eq!(h.screen(), RatingScreen::Start);
    assert_eq!(h.app.flow.borrow().lang(), kiosk::text::Lang::Ar);
}

/// The same visit again: the server's `already_rated` message, in the current language.
fn second_rating_is_refused(h: &H, server: &TestServer, label: &str) {
    let (letters, digits) = label.split_once('-').unwrap();
    for c in letters.chars().chain(digits.chars()) {
        h.tap_after(&c.to_string(), Duration::from_millis(300));
    }
    h.tap(AR.next);
    h.tap(RATING_AR.scores[0]);
    h.tap(AR.next);
    h.tap(RATING_AR.send);
    h.wait("refusal", |a| a.flow.borrow().failed().is_some());
    let err = h.app.flow.borrow().failed().cloned().unwrap();
    let kiosk::http::ClientError::Refused(e) = err else {
        panic!("expected a refusal, got {err:?}");
    };
    assert_eq!((e.status, e.code.as_str()), (409, "already_rated"));
    let api = h.app.ui.global::<ui::Shell>();
    assert!(api.get_fault());
    let message = e.message.expect("the server's message");
    assert!(!message.ar.is_empty());
    assert_eq!(api.get_fault_text(), message.ar.as_str());
    h.shot("refused-ar");
    // Still the first rating only.
    assert_eq!(rating_of(server, label).unwrap().0, 4);
    h.tap(AR.back);
    assert!(!api.get_fault());
    h.tap(AR.start_over);
    assert_eq!(h.screen(), RatingScreen::Start);
}

/// No touch for 60 s on the comment screen → "still there?" → 20 s later back to the start,
/// every field empty.
fn idle_wipe(h: &H) {
    h.tap("A");
    h.tap("7");
    h.tap(AR.next);
    h.tap(RATING_AR.scores[2]);
    h.tap(RATING_AR.reasons[3]);
    h.tap(AR.next);
    h.type_keys("لا", AR.space);
    h.tap(RATING_AR.contact);
    let api = h.app.ui.global::<ui::Shell>();
    let rapi = h.app.ui.global::<ui::RatingApi>();
    assert_eq!(rapi.get_comment(), "لا");
    h.clock.advance(Duration::from_secs(60));
    h.app.tick();
    assert!(api.get_idle_prompt());
    h.shot("idle-ar");
    h.clock.advance(Duration::from_secs(20));
    h.app.tick();
    assert_eq!(h.screen(), RatingScreen::Start);
    assert!(!api.get_idle_prompt());
    assert!(h.app.flow.borrow().draft.is_empty());
    assert_eq!(rapi.get_comment(), "");
    assert_eq!(rapi.get_typed_label(), "");
    assert_eq!(rapi.get_score(), 0);
    assert!(!rapi.get_contact());
    assert!(rapi.get_reasons_on().iter().all(|on| !on));
}
