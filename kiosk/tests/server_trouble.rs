//! The kiosk against a real counter-server whose disk is full: the visitor is sent to reception at
//! once (`storage_full` is not retried), and the kiosk does not keep trying in the background.

mod common;

use common::Harness;
use counter_server::testing::{SmallDisk, TestOptions, TestServer};
use kiosk::http::ClientError;
use kiosk::shell::{Clock, ModeApp};
use kiosk::text::{AR, EN};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::{Screen, Submission};
use slint::ComponentHandle;
use std::time::{Duration, Instant};

fn issue_direct(base: &str, token: &str) -> u16 {
    let resp = ureq::post(format!("{base}/api/v1/tickets"))
        .config()
        .http_status_as_error(false)
        .build()
        .header("Authorization", format!("Bearer {token}"))
        .header("Idempotency-Key", kiosk::ticket::flow::random_key())
        .header("Content-Type", "application/json")
        .send(br#"{"service":"inquiry"}"#.as_slice())
        .expect("POST /api/v1/tickets");
    resp.status().as_u16()
}

#[test]
fn a_full_disk_sends_the_visitor_to_reception_at_once() {
    let disk = match SmallDisk::mount(3 * 1024) {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED: needs a small tmpfs to fill ({why}); run as root");
            return;
        }
    };
    let server = TestServer::start_with(TestOptions {
        db_path: Some(disk.path().join("counter.db")),
        ..TestOptions::default()
    });
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
    let service = h.app.flow.borrow().services[0].name.ar.clone();

    disk.fill();
    // Until the server's WAL has no room left either.
    let full = (0..2000)
        .map(|_| issue_direct(&server.base_url, &server.kiosk_token))
        .find(|s| *s != 201);
    assert_eq!(full, Some(507), "the full disk refuses with 507");

    h.tap(AR.take_number);
    h.tap(&service);
    h.tap(AR.skip_details);
    h.wait("refused", |a| {
        matches!(a.flow.borrow().submission, Submission::Refused(_))
    });
    let shown_at = h.clock.now();
    assert!(
        h.app.flow.borrow().fault_visible(shown_at),
        "the message shows at once, not after the fault delay"
    );
    match &h.app.flow.borrow().submission {
        Submission::Refused(ClientError::Refused(e)) => assert_eq!(e.code, "storage_full"),
        other => panic!("{other:?}"),
    }
    h.render();
    let ui = h.app.ui.global::<ui::Shell>();
    assert!(ui.get_fault());
    assert_eq!(ui.get_fault_text(), AR.fault_see_reception);
    assert!(
        ui.get_fault_text_other().contains(EN.fault_see_reception),
        "the message is bilingual"
    );

    // Space returns; a retrying kiosk would now get a ticket. This one does not retry.
    disk.free();
    let until = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < until {
        h.app.poll();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        h.screen(),
        Screen::Notice,
        "no ticket behind the visitor's back"
    );
    assert!(matches!(
        h.app.flow.borrow().submission,
        Submission::Refused(_)
    ));
    drop(h);
    drop(server);
    drop(disk);
}
