//! A service added in administration reaches a running kiosk without a restart: the kiosk's
//! regular refresh of `/api/v1/services` brings it, a visitor taps it and gets its first number;
//! hidden again, it leaves the screen. Against a real counter-server; one test per file (the
//! headless platform is installed once per process).

mod common;

use common::Harness;
use counter_server::domain::{Gender, Role};
use counter_server::testing::{TEST_PASSWORD, TestServer};
use kiosk::text::AR;
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;
use std::time::Duration;

/// The admin's request, as the administration page sends it.
fn put_service(base: &str, token: &str, hidden: bool) {
    let body = serde_json::json!({
        "prefix": "L", "name_ar": "استشارة قانونية", "name_en": "Legal advice",
        "hint_ar": "أسئلة عن الإجراءات", "hint_en": "Questions about procedures",
        "average_service_minutes": 20, "target_wait_minutes": null, "retention_days": null,
        "hidden": hidden
    });
    ureq::put(format!("{base}/api/v1/admin/services/legal_aid"))
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .expect("the admin saves the service");
}

fn has_service(h: &Harness, code: &str) -> bool {
    h.app.flow.borrow().services.iter().any(|s| s.code == code)
}

#[test]
fn a_service_added_in_administration_appears_on_the_running_kiosk() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::refreshing_every(win, api, &server.base_url, Duration::from_millis(300));
    h.wait("services", |a| !a.flow.borrow().services.is_empty());
    assert!(!has_service(&h, "legal_aid"));

    let login: serde_json::Value = serde_json::from_str(
        &ureq::post(format!("{}/api/v1/auth/login", server.base_url))
            .header("Content-Type", "application/json")
            .send(
                serde_json::json!({ "username": "admin", "password": TEST_PASSWORD })
                    .to_string()
                    .as_bytes(),
            )
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    let admin = login["token"].as_str().unwrap().to_string();
    put_service(&server.base_url, &admin, false);
    h.wait("the new service", |_| has_service(&h, "legal_aid"));

    h.render();
    h.tap(AR.take_number);
    assert_eq!(h.screen(), Screen::Services);
    h.render();
    h.tap("استشارة قانونية");
    assert_eq!(h.screen(), Screen::Notice);
    h.tap(AR.skip_details);
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    h.render();
    let label = h.app.ui.global::<ui::Api>().get_ticket_label().to_string();
    assert_eq!(label, "L-001");
    h.tap(AR.done);

    put_service(&server.base_url, &admin, true);
    h.wait("the hidden service gone", |_| !has_service(&h, "legal_aid"));
}
