//! A new kiosk pairs itself: started with an empty token file it shows a six-digit code (Arabic
//! and English, a QR, both orientations); an admin claims the code through the real API; the
//! kiosk writes the token it receives (0600) and issues a ticket with it. One test per file (the
//! headless platform is installed once per process).

mod common;

use common::{Harness, save_screenshot};
use counter_server::domain::{Gender, Role};
use counter_server::testing::{TEST_PASSWORD, TestServer};
use i_slint_backend_testing::ElementHandle;
use kiosk::config::Config;
use kiosk::http::Http;
use kiosk::pairing::Pairing;
use kiosk::text::{AR, PAIRING_AR, PAIRING_EN};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;
use std::time::{Duration, Instant};

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Whether the element with this accessible label lies wholly inside the window.
fn fits(ui: &ui::PairingWindow, label: &str) -> bool {
    let e = ElementHandle::find_by_accessible_label(ui, label)
        .next()
        .unwrap_or_else(|| panic!("no {label:?} on screen"));
    let (p, s) = (e.absolute_position(), e.size());
    let w = ui.window().size().to_logical(1.0);
    s.width > 0.0
        && p.x >= 0.0
        && p.y >= 0.0
        && p.x + s.width <= w.width + 0.5
        && p.y + s.height <= w.height + 0.5
}

#[test]
fn a_new_kiosk_shows_a_code_an_admin_claims_it_and_the_kiosk_issues_a_ticket() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let dir = std::env::temp_dir().join(format!("kiosk-pairing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "").unwrap();
    let cfg = Config::from_args([
        "--server".to_string(),
        server.base_url.clone(),
        "--token-file".to_string(),
        token_file.display().to_string(),
    ])
    .unwrap();
    assert!(
        cfg.needs_pairing(),
        "an empty token file means a new device"
    );

    let pairing = Pairing::start(&cfg).unwrap();
    pairing.ui.show().unwrap();
    let code = wait_for("a code", || {
        pairing.poll().unwrap();
        let c = pairing.code();
        (c.len() == 6).then_some(c)
    });
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    let shown = pairing.ui.get_code().to_string();
    assert_eq!(shown.replace(' ', ""), code);
    for label in [
        shown.as_str(),
        PAIRING_AR.title,
        PAIRING_EN.title,
        PAIRING_AR.waiting,
    ] {
        assert!(
            ElementHandle::find_by_accessible_label(&pairing.ui, label)
                .next()
                .is_some(),
            "{label:?} is on screen"
        );
    }
    assert!(pairing.ui.get_qr().size().width > 20, "a QR code");

    // Both orientations fit, code and QR on screen; the screenshots show a fixed code.
    let real_qr = pairing.ui.get_qr();
    pairing.ui.set_code("042 917".into());
    pairing.ui.set_qr(kiosk::ticket::view::qr_image(
        "https://awn.example/console#pair=042917",
    ));
    for (orient, (w, h)) in [("portrait", (1080, 1920)), ("landscape", (1920, 1080))] {
        win.set_size(slint::PhysicalSize::new(w, h));
        let (fw, fh, px) = kiosk::headless::frame(&win);
        assert!(fits(&pairing.ui, "042 917"), "the code fits ({orient})");
        assert!(fits(&pairing.ui, "pairing-qr"), "the QR fits ({orient})");
        for words in [
            PAIRING_AR.title,
            PAIRING_AR.waiting,
            PAIRING_EN.how,
            PAIRING_EN.waiting,
        ] {
            assert!(fits(&pairing.ui, words), "{words:?} fits ({orient})");
        }
        save_screenshot(&format!("kiosk-pairing-ar-en-{orient}.png"), fw, fh, &px);
    }
    win.set_size(slint::PhysicalSize::new(1080, 1920));
    pairing.ui.set_code(shown.into());
    pairing.ui.set_qr(real_qr);

    // The admin types the code in (the console's API call).
    let http = Http::new(&server.base_url, "", Duration::from_secs(5));
    let login = http
        .post_json(
            "/api/v1/auth/login",
            &serde_json::json!({ "username": "admin", "password": TEST_PASSWORD }).to_string(),
            &[],
        )
        .unwrap();
    let admin: serde_json::Value = serde_json::from_str(&login).unwrap();
    let admin = Http::new(
        &server.base_url,
        admin["token"].as_str().unwrap(),
        Duration::from_secs(5),
    );
    admin
        .post_json(
            "/api/v1/pairing/claim",
            &serde_json::json!({ "code": code, "scope": "kiosk", "name": "Entrance kiosk 2" })
                .to_string(),
            &[],
        )
        .expect("the admin claims the code");

    let token = wait_for("the token", || pairing.poll().unwrap());
    assert_eq!(
        std::fs::read_to_string(&token_file).unwrap().trim(),
        token,
        "the token is in the token file"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by the kiosk's user only");
    }
    assert!(!cfg.needs_pairing());
    pairing.ui.hide().unwrap();
    drop(pairing);

    // The kiosk goes on with the token from its file, and issues a ticket.
    let api = HttpApi::new(
        &server.base_url,
        &cfg.token().unwrap(),
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("services", |a| !a.flow.borrow().services.is_empty());
    let service = h.app.flow.borrow().services[0].name.ar.clone();
    h.tap(AR.take_number);
    h.tap(&service);
    h.tap(AR.skip_details);
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    assert!(!h.app.ui.global::<ui::Api>().get_ticket_label().is_empty());
    let _ = std::fs::remove_dir_all(dir);
}
