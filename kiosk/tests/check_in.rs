//! Checking in with the code from the phone (issue 16): a place joined on the real counter-server's
//! public page (`POST /join`, as a phone sends it), its six-digit code typed on the kiosk's keypad
//! by taps on the headless window, the server's answer on screen, and the slip's ESC/POS bytes at
//! `kiosk-printer`'s fake network printer. Also: a wrong code and a second check-in are said on the
//! keypad with the digits cleared, and no digit is left for the next visitor (back, idle wipe, the
//! checked-in screen's timeout). One test per file (the headless platform is installed once per
//! process); the scenarios run in sequence.

mod common;

use common::Harness;
use counter_server::testing::TestServer;
use i_slint_backend_testing::ElementHandle;
use kiosk::shell::{ModeApp, ShellFlow};
use kiosk::text::{AR, EN, Labels};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::{CheckInState, Refusal, Screen, SlipState};
use kiosk::ticket::printer::Paper;
use kiosk_printer::fake_printer::{FakePrinter, FakeState};
use kiosk_printer::{PaperWidth, TicketContent, gs_v0_bands, render_ticket};
use slint::ComponentHandle;
use std::time::Duration;

#[test]
fn check_in_with_the_code_from_the_phone() {
    let mut server = TestServer::start();
    let fake = FakePrinter::start(FakeState::Ok).expect("fake printer");
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::with_printer(win, api, &server.base_url, fake.config(PaperWidth::Mm80));
    h.wait("services", |a| !a.flow.borrow().services.is_empty());

    let place = join_from_the_phone(&server.base_url);
    assert_eq!(awaiting_arrival(&server.base_url, &place.token), Some(true));

    keypad_fits_both_orientations(&h);
    digits_are_not_kept_for_the_next_visitor(&h);
    a_wrong_code_is_said_on_the_keypad(&h, &place.code, &EN);
    checks_in_and_prints_a_slip(&h, &server, &fake, &place);
    a_second_check_in_is_refused_calmly(&h, &place.code);
    drop(h);
    server.stop();
}

/// A place joined from the phone, as the join page's answer shows it.
struct Joined {
    /// The status token (the form's one-time key).
    token: String,
    label: String,
    code: String,
}

/// `GET /join` then `POST /join` for the first service offered, as a phone's browser does it
/// (`Origin` is the server's own address).
fn join_from_the_phone(base: &str) -> Joined {
    let page = text(ureq::get(format!("{base}/join")).call().expect("GET /join"));
    let service = between(&page, "name=\"service\" value=\"", "\"").to_string();
    let key = between(&page, "name=\"key\" value=\"", "\"").to_string();
    let answer = text(
        ureq::post(format!("{base}/join"))
            .header("Origin", base)
            .send_form([
                ("service", service.as_str()),
                ("key", key.as_str()),
                ("lang", "ar"),
            ])
            .expect("POST /join"),
    );
    let code = between(&answer, "id=\"check-in-code\">", "<").to_string();
    assert!(awn_core::check_in::well_formed(&code), "{code:?}");
    Joined {
        token: key,
        label: between(&answer, "class=\"number ltr\">", "<").to_string(),
        code,
    }
}

/// The public status reply's `awaiting_arrival`.
fn awaiting_arrival(base: &str, token: &str) -> Option<bool> {
    let body = text(
        ureq::get(format!("{base}/api/v1/status/{token}"))
            .call()
            .expect("GET status"),
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    v["awaiting_arrival"].as_bool()
}

fn text(mut r: ureq::http::Response<ureq::Body>) -> String {
    r.body_mut().read_to_string().unwrap()
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

fn ui_api(h: &Harness) -> ui::Api<'_> {
    h.app.ui.global::<ui::Api>()
}

/// A fresh visitor in this language on the keypad.
fn open_keypad(h: &Harness, l: &Labels) {
    h.app.act(|f, now| f.wipe(now));
    if l.other_language != AR.other_language {
        h.tap(AR.other_language);
    }
    h.tap(l.take_number);
    assert_eq!(h.screen(), Screen::Services);
    h.tap(l.joined_from_phone);
    assert_eq!(h.screen(), Screen::CheckIn);
    assert_eq!(digits_on_screen(h), "", "the keypad opens empty");
}

/// The digits in the code's boxes, read from left to right on screen.
fn digits_on_screen(h: &Harness) -> String {
    h.render();
    let mut cells: Vec<(f32, String)> =
        ElementHandle::find_by_accessible_label(&h.app.ui, "check-in-digit")
            .map(|e| {
                let v = e.accessible_value().unwrap_or_default().to_string();
                (e.absolute_position().x, v)
            })
            .collect();
    assert_eq!(
        cells.len(),
        awn_core::check_in::CODE_DIGITS,
        "one box per digit"
    );
    cells.sort_by(|a, b| a.0.total_cmp(&b.0));
    cells.into_iter().map(|(_, d)| d).collect()
}

fn type_code(h: &Harness, code: &str) {
    h.type_keys(code, "unused: a code has no space");
}

/// In portrait 1080×1920 and landscape 1920×1080, both languages: the keys are large (the keypad
/// is the whole screen, not a field's helper), and the keys, the six boxes and the navigation lie
/// inside the window.
fn keypad_fits_both_orientations(h: &Harness) {
    for (w, hgt) in [(1920, 1080), (1080, 1920)] {
        h.resize(w, hgt);
        for l in [&AR, &EN] {
            let what = format!("{w}x{hgt} {}", l.take_number);
            open_keypad(h, l);
            type_code(h, "123456");
            assert_eq!(digits_on_screen(h), "123456", "{what}");
            let win = h.app.ui.window().size().to_logical(1.0);
            let keys = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
            let buttons = [
                l.clear,
                l.backspace,
                l.check_in_confirm,
                l.back,
                l.start_over,
            ];
            for label in keys.iter().chain(buttons.iter()) {
                let found = h.find(label);
                assert_eq!(found.len(), 1, "{what}: one {label:?}");
                let (p, s) = (found[0].absolute_position(), found[0].size());
                assert!(
                    p.x >= -0.5
                        && p.y >= -0.5
                        && p.x + s.width <= win.width + 0.5
                        && p.y + s.height <= win.height + 0.5,
                    "{what}: {label:?} at {p:?} {s:?} is not inside the window"
                );
                if keys.contains(label) {
                    assert!(
                        s.width >= 150.0 && s.height >= 120.0,
                        "{what}: key {label:?} is only {s:?}"
                    );
                }
            }
            for cell in ElementHandle::find_by_accessible_label(&h.app.ui, "check-in-digit") {
                let (p, s) = (cell.absolute_position(), cell.size());
                assert!(
                    p.x >= 0.0 && p.x + s.width <= win.width && p.y + s.height <= win.height,
                    "{what}: a digit box at {p:?} {s:?} is not inside the window"
                );
            }
        }
    }
}

/// Back, the idle wipe and a new visitor: the keypad is empty each time, and nothing was sent.
fn digits_are_not_kept_for_the_next_visitor(h: &Harness) {
    open_keypad(h, &AR);
    type_code(h, "418");
    assert_eq!(
        digits_on_screen(h),
        "418",
        "digits read left to right in Arabic too"
    );
    assert!(
        !ui_api(h).get_check_in_can_confirm(),
        "three digits are not a code"
    );
    h.tap(AR.back);
    assert_eq!(h.screen(), Screen::Services);
    h.tap(AR.joined_from_phone);
    assert_eq!(digits_on_screen(h), "", "back cleared the digits");

    type_code(h, "52");
    h.clock.advance(Duration::from_secs(60));
    h.app.tick(); // "still there?"
    h.clock.advance(Duration::from_secs(20));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Welcome, "the idle wipe after 60 + 20 s");
    assert_eq!(h.app.flow.borrow().check_in.digits, "");
    h.tap(AR.take_number);
    h.tap(AR.joined_from_phone);
    assert_eq!(
        digits_on_screen(h),
        "",
        "the next visitor finds the keypad empty"
    );
    assert!(
        h.app.flow.borrow().check_in.state == CheckInState::Typing,
        "nothing was sent"
    );
}

/// A code that is not today's: the server's words on the keypad (English here), the digits
/// cleared, still on the keypad; typing again takes the message away.
fn a_wrong_code_is_said_on_the_keypad(h: &Harness, code: &str, l: &Labels) {
    let wrong: String = code
        .chars()
        .enumerate()
        .map(|(i, d)| {
            if i == 5 {
                char::from(b'0' + (d as u8 - b'0' + 1) % 10)
            } else {
                d
            }
        })
        .collect();
    open_keypad(h, l);
    type_code(h, &wrong);
    assert_eq!(digits_on_screen(h), wrong);
    assert!(ui_api(h).get_check_in_can_confirm());
    h.tap(l.check_in_confirm);
    h.wait("refused", |a| {
        matches!(a.flow.borrow().check_in.state, CheckInState::Refused { .. })
    });
    h.render();
    assert!(matches!(
        h.app.flow.borrow().check_in.state,
        CheckInState::Refused {
            why: Refusal::WrongCode,
            ..
        }
    ));
    assert_eq!(h.screen(), Screen::CheckIn);
    let message = ui_api(h).get_check_in_message().to_string();
    assert_eq!(message, "The code is not right; check it on your phone");
    assert!(!h.texts(&message).is_empty(), "the message is on screen");
    assert_eq!(digits_on_screen(h), "", "the wrong digits are cleared");
    assert!(!ui_api(h).get_check_in_can_confirm());
    h.tap("7");
    assert_eq!(
        ui_api(h).get_check_in_message(),
        "",
        "typing again clears it"
    );
    assert_eq!(digits_on_screen(h), "7");
}

/// The right code: the checked-in screen with the place's label, the server's place callable,
/// and a slip of real ESC/POS bytes that is this place's, without a QR code.
fn checks_in_and_prints_a_slip(
    h: &Harness,
    server: &TestServer,
    fake: &FakePrinter,
    place: &Joined,
) {
    open_keypad(h, &AR);
    let bytes_before = fake.received().len();
    type_code(h, &place.code);
    assert_eq!(digits_on_screen(h), place.code);
    h.tap(AR.check_in_confirm);
    h.wait("checked in", |a| {
        a.flow.borrow().screen == Screen::CheckedIn
    });
    h.render();
    assert_eq!(ui_api(h).get_checked_in_label(), place.label.as_str());
    let shown = ElementHandle::find_by_accessible_label(&h.app.ui, "checked-in-label")
        .next()
        .expect("the label on the checked-in screen");
    let (p, s) = (shown.absolute_position(), shown.size());
    assert!(s.width > 0.0 && p.x >= 0.0 && p.y >= 0.0 && p.x + s.width <= 1080.5);
    assert!(!h.texts(AR.checked_in_title).is_empty());
    assert_eq!(
        awaiting_arrival(&server.base_url, &place.token),
        Some(false)
    );
    assert_eq!(h.app.flow.borrow().check_in.digits, "", "no digit kept");

    h.wait("slip printed", |a| {
        a.flow.borrow().check_in.slip == SlipState::Printed
    });
    let job = h.app.printer.jobs().pop().unwrap();
    assert!(
        matches!(job.paper, Paper::CheckInSlip(_)),
        "{:?}",
        job.paper
    );
    assert_eq!(job.content.label, place.label);
    assert_eq!(job.content.status_url, None, "no link, so no QR code");
    let bytes = fake.received()[bytes_before..].to_vec();
    assert_slip_bytes(&bytes, &job.content);

    // The result screen goes away by itself; the next visitor's keypad is empty.
    h.clock.advance(Duration::from_secs(31));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Welcome);
    assert_eq!(ui_api(h).get_checked_in_label(), "");
    h.tap(AR.take_number);
    h.tap(AR.joined_from_phone);
    assert_eq!(digits_on_screen(h), "");
}

/// The bytes the printer received are ESC/POS (`ESC @`, `GS v 0` bands, a cut) and their image is
/// exactly the slip of `content`: not the same place's ticket with its QR code, nor another label.
fn assert_slip_bytes(bytes: &[u8], content: &TicketContent) {
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&[0x1B, 0x40]), "ESC @");
    assert!(contains(&[0x1D, 0x56]), "GS V (cut)");
    assert!(
        !contains(&[0x1D, 0x28, 0x6B]),
        "no printer-drawn QR code (GS ( k)"
    );
    let slip = render_ticket(content, PaperWidth::Mm80).unwrap();
    assert!(
        contains(&gs_v0_bands(&slip)),
        "the slip's image, dot for dot"
    );
    let with_qr = TicketContent {
        status_url: Some("https://awn.example/t/x".into()),
        ..content.clone()
    };
    let with_qr = render_ticket(&with_qr, PaperWidth::Mm80).unwrap();
    assert!(
        slip.height() + 250 < with_qr.height(),
        "the QR code and its lines are not on the slip"
    );
    let other = TicketContent {
        label: "Z-999".into(),
        ..content.clone()
    };
    let other = render_ticket(&other, PaperWidth::Mm80).unwrap();
    assert!(
        !contains(&gs_v0_bands(&other)),
        "the label is in the printed image"
    );
}

/// The same code a second time: "checked in already" in the server's words, calm, digits cleared.
fn a_second_check_in_is_refused_calmly(h: &Harness, code: &str) {
    open_keypad(h, &AR);
    type_code(h, code);
    h.tap(AR.check_in_confirm);
    h.wait("refused", |a| {
        matches!(a.flow.borrow().check_in.state, CheckInState::Refused { .. })
    });
    h.render();
    assert!(matches!(
        h.app.flow.borrow().check_in.state,
        CheckInState::Refused {
            why: Refusal::AlreadyCheckedIn,
            ..
        }
    ));
    assert!(ui_api(h).get_check_in_message_calm());
    assert!(!ui_api(h).get_check_in_message().is_empty());
    assert_eq!(digits_on_screen(h), "");
    assert_eq!(h.screen(), Screen::CheckIn);
}
