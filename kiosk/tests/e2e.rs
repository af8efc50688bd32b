//! The kiosk against a real counter-server on a loopback port, driven by taps on the headless
//! software-rendered window. One test per file (the platform is installed once per process);
//! the scenarios run in sequence inside it.

mod common;

use common::Harness;
use counter_server::testing::{TestOptions, TestServer};
use kiosk::shell::{Clock, ModeApp};
use kiosk::text::{AR, EN};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;
use std::time::Duration;

#[test]
fn kiosk_against_real_server() {
    let mut server = TestServer::start();
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("services and notice", |a| {
        !a.flow.borrow().services.is_empty() && a.flow.borrow().notice.is_some()
    });
    let first_service = h.app.flow.borrow().services[0].clone();

    skip_details_gives_ticket(&h, &first_service.name.ar);
    details_with_keyboard_then_review(&h, &first_service.name.en);
    idle_timeout_wipes(&h, &first_service.name.ar);
    server = server_down_then_recovery(&h, server, &first_service.name.ar);
    server.stop();
}

fn ui_api(h: &Harness) -> ui::Api<'_> {
    h.app.ui.global::<ui::Api>()
}

fn ui_shell(h: &Harness) -> ui::Shell<'_> {
    h.app.ui.global::<ui::Shell>()
}

/// welcome → service → continue without details → ticket.
fn skip_details_gives_ticket(h: &Harness, service: &str) {
    h.render();
    h.tap(AR.take_number);
    assert_eq!(h.screen(), Screen::Services);
    h.tap(service);
    assert_eq!(h.screen(), Screen::Notice);
    h.tap(AR.skip_details);
    // A second tap on the same spot while the request is on its way gives nothing more.
    h.tap_after(AR.skip_details, Duration::from_millis(100));
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    h.render();
    let label = ui_api(h).get_ticket_label().to_string();
    assert!(!label.is_empty());
    let jobs = h.app.printer.jobs();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].content.label, label);
    let url = jobs[0].content.status_url.clone().unwrap_or_default();
    assert!(url.contains("/t/"), "{url}");
    // The virtual printer confirms; the ticket view says so.
    h.wait("printed", |a| {
        a.flow.borrow().print == kiosk::ticket::flow::PrintState::Printed
    });
    assert_eq!(ui_api(h).get_ticket_print_status(), AR.ticket_printed);
    h.tap(AR.done);
    assert_eq!(h.screen(), Screen::Welcome);
}

/// welcome → (English) → service → give details: Arabic name on the on-screen keyboard,
/// invalid then valid national ID, mobile → needs → review (confirm, policy 6.4) → ticket.
fn details_with_keyboard_then_review(h: &Harness, service_en: &str) {
    h.tap(AR.other_language);
    h.tap(EN.take_number);
    h.tap(service_en);
    h.tap(EN.give_details);
    assert_eq!(h.screen(), Screen::Details);
    // The English UI opens the Latin keyboard; switch to Arabic for an Arabic name.
    h.tap("لوحة مفاتيح عربية");
    h.type_keys("نورة العتيبي", EN.space);
    assert_eq!(ui_api(h).get_name().value, "نورة العتيبي");

    h.tap(EN.id_label);
    h.type_keys("1234567890", EN.space);
    let id = ui_api(h).get_national_id();
    assert!(id.is_error, "a wrong check digit is flagged as you type");
    assert!(!id.message.is_empty());
    h.tap(EN.next);
    assert_eq!(
        h.screen(),
        Screen::Details,
        "continue is blocked while the ID is invalid"
    );
    h.tap(EN.backspace);
    h.tap("7");
    assert!(!ui_api(h).get_national_id().is_error);
    assert_eq!(ui_api(h).get_national_id().message, "");

    h.tap(EN.mobile_label);
    h.type_keys("0512345678", EN.space);
    h.tap(EN.next);
    assert_eq!(h.screen(), Screen::Needs);
    h.tap(EN.hearing);
    h.tap(EN.not_safe);
    h.tap(EN.next);
    assert_eq!(h.screen(), Screen::Review);
    h.render();
    let rows: Vec<(String, String)> = slint::Model::iter(&ui_api(h).get_review_rows())
        .map(|r| (r.label.to_string(), r.value.to_string()))
        .collect();
    assert!(rows.iter().any(|(_, v)| v == "نورة العتيبي"), "{rows:?}");
    assert!(
        rows.iter().any(|(_, v)| v.contains("1234567897")),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|(_, v)| v.contains("+966512345678")),
        "{rows:?}"
    );

    let request = h.app.flow.borrow().request().unwrap();
    let intake = request.intake.unwrap();
    assert!(intake.feels_unsafe && intake.needs.hearing);
    h.tap(EN.confirm);
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    assert!(
        h.app.flow.borrow().draft.is_empty(),
        "the details are dropped once the ticket exists"
    );
    // Nothing unusual on screen for "I do not feel safe": the same ticket screen.
    let status = ui_api(h).get_ticket_print_status();
    assert!(
        status == EN.ticket_printing || status == EN.ticket_printed,
        "{status}"
    );
    // The ticket goes away by itself.
    h.clock.advance(Duration::from_secs(31));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Welcome);
    assert_eq!(ui_api(h).get_ticket_label(), "");
}

/// 60 s without a touch → "still there?" → 20 s → everything typed is gone.
fn idle_timeout_wipes(h: &Harness, service: &str) {
    h.tap(AR.take_number);
    h.tap(service);
    h.tap(AR.give_details);
    h.type_keys("سارة", AR.space);
    h.tap(AR.id_label);
    h.type_keys("123", AR.space);
    h.clock.advance(Duration::from_secs(59));
    h.app.tick();
    assert!(!ui_shell(h).get_idle_prompt());
    h.clock.advance(Duration::from_secs(1));
    h.app.tick();
    assert!(ui_shell(h).get_idle_prompt());
    h.render();
    assert!(
        h.has(AR.continue_),
        "the prompt has a large continue button"
    );
    h.clock.advance(Duration::from_secs(19));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Details, "the prompt stays 20 s");
    h.clock.advance(Duration::from_secs(1));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Welcome);
    assert!(h.app.flow.borrow().draft.is_empty());
    assert!(h.app.flow.borrow().idempotency_key().is_none());
    assert_eq!(ui_api(h).get_name().value, "");
    assert_eq!(ui_api(h).get_national_id().value, "");
    assert!(!ui_shell(h).get_idle_prompt());
}

/// Server down: the message shows, no ticket; the server comes back on the same port and the
/// kiosk's retry (same idempotency key) gives exactly one ticket.
fn server_down_then_recovery(h: &Harness, server: TestServer, service: &str) -> TestServer {
    let addr = server.addr;
    let token = server.kiosk_token.clone();
    let (db, dir) = server.stop_keep_files();
    h.tap(AR.take_number);
    h.tap(service);
    h.tap(AR.skip_details);
    h.wait("fault message", |a| {
        a.flow.borrow().fault_visible(h.clock.now())
    });
    h.render();
    assert!(ui_shell(h).get_fault());
    assert_eq!(ui_shell(h).get_fault_text(), AR.fault_text);
    assert!(
        ui_shell(h).get_fault_text_other().contains(EN.fault_text),
        "the message is bilingual"
    );
    assert_eq!(
        h.screen(),
        Screen::Notice,
        "no ticket while the server is down"
    );
    h.wait("offline noticed", |a| !a.flow.borrow().online);

    let server = TestServer::start_with(TestOptions {
        db_path: Some(db),
        addr: Some(addr),
        ..TestOptions::default()
    });
    h.wait("ticket after recovery", |a| {
        a.flow.borrow().screen == Screen::Ticket
    });
    h.wait("online again", |a| a.flow.borrow().online);
    assert!(!ui_shell(h).get_fault());
    let key = h.app.flow.borrow().idempotency_key().unwrap().to_string();
    let ticket = h.app.flow.borrow().ticket.clone().unwrap();
    // Exactly the body the kiosk sent (the server compares it with the first use of the key).
    let request = serde_json::to_string(&kiosk::api::TicketRequest {
        service: h.app.flow.borrow().services[0].code.clone(),
        priority: kiosk::api::Priority::Normal,
        gender_preference: None,
        intake: None,
        feels_unsafe: false,
    })
    .unwrap();

    // The same key again returns the same ticket: the retries made one ticket, not several.
    let again = post(&server.base_url, &token, &key, &request);
    assert_eq!(again["id"].as_i64(), Some(ticket.id));
    assert_eq!(again["label"].as_str(), Some(ticket.label.as_str()));
    // And the next new ticket follows it directly: nothing was issued in between.
    let next = post(
        &server.base_url,
        &token,
        &kiosk::ticket::flow::random_key(),
        &request,
    );
    assert_eq!(
        number(next["label"].as_str().unwrap()),
        number(&ticket.label) + 1
    );
    drop(dir);
    server
}

fn post(base: &str, token: &str, key: &str, body: &str) -> serde_json::Value {
    let mut resp = ureq::post(format!("{base}/api/v1/tickets"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .send(body.as_bytes())
        .expect("POST /api/v1/tickets");
    serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap()
}

fn number(label: &str) -> u32 {
    label.rsplit('-').next().unwrap().parse().unwrap()
}
