//! Printing, status and faults: the kiosk against a real counter-server (loopback) and
//! `kiosk-printer`'s fake ESC/POS network printer (loopback TCP, answers `DLE EOT` as ready, paper
//! out, cover open or not at all). Real bytes, real HTTP, real SQLite rows; the headless window.
//! One test per file (the headless platform is installed once per process); the scenarios run in
//! sequence and also render (with `UPDATE_SCREENSHOTS=1`) `docs/screenshots/kiosk-print-fault-<ar|en>-<portrait|landscape>.png`.

mod common;

use common::Harness;
use counter_server::testing::TestServer;
use kiosk::shell::ModeApp;
use kiosk::text::{self, AR, Labels, Lang};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::{PrintState, Screen};
use kiosk::ticket::printer::Paper;
use kiosk_printer::fake_printer::{FakePrinter, FakeState};
use kiosk_printer::{PaperWidth, PrintFault};
use slint::ComponentHandle;
use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Typed on the on-screen keyboard; must never reach the printer.
const SENTINEL_NAME: &str = "زمرد القحطاني";
const SENTINEL_ID: &str = "1234567897";
const SENTINEL_MOBILE: &str = "0512345678";

#[test]
fn printing_status_and_faults() {
    let mut server = TestServer::start();
    let fake = FakePrinter::start(FakeState::Ok).expect("fake printer");
    let mut printer = fake.config(PaperWidth::Mm80);
    // The production value: "no answer in 2 s" is a fault.
    printer.status_timeout = Duration::from_secs(2);
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::with_printer(win, api, &server.base_url, printer);
    h.wait("services and notice", |a| {
        !a.flow.borrow().services.is_empty() && a.flow.borrow().notice.is_some()
    });
    let service = h.app.flow.borrow().services[0].name.clone();

    ok_printer_prints_only_the_ticket(&h, &server, &fake, &service.ar);
    paper_out_shows_the_ticket_on_screen(&h, &server, &fake, &service.ar, Lang::Ar);
    paper_out_shows_the_ticket_on_screen(&h, &server, &fake, &service.en, Lang::En);
    cover_open_then_print_again(&h, &server, &fake, &service.ar);
    silent_printer_does_not_block_the_ui(&h, &server, &fake, &service.ar);
    server.stop();
}

fn ui_api(h: &Harness) -> ui::Api<'_> {
    h.app.ui.global::<ui::Api>()
}

// --- the server's rows, read through a read-only connection ---

fn printed_flag(server: &TestServer, ticket: i64) -> Option<i64> {
    let conn = counter_server::store::open(&server.db, true).expect("open the database");
    conn.query_row("SELECT printed FROM tickets WHERE id = ?1", [ticket], |r| {
        r.get::<_, Option<i64>>(0)
    })
    .expect("ticket row")
}

fn not_printed_alerts(server: &TestServer, ticket: i64) -> i64 {
    let conn = counter_server::store::open(&server.db, true).expect("open the database");
    conn.query_row(
        "SELECT count(*) FROM alerts WHERE ticket_id = ?1 AND kind = 'not_printed'",
        [ticket],
        |r| r.get(0),
    )
    .expect("alerts")
}

fn ticket_count(server: &TestServer) -> i64 {
    let conn = counter_server::store::open(&server.db, true).expect("open the database");
    conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
        .expect("tickets")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn labels(lang: Lang) -> &'static Labels {
    text::labels(lang)
}

/// welcome → service → without details → the ticket screen; returns the ticket id.
fn take_ticket(h: &Harness, lang: Lang, service: &str) -> i64 {
    let l = labels(lang);
    if lang == Lang::En {
        h.tap(AR.other_language);
    }
    h.tap(l.take_number);
    h.tap(service);
    h.tap(l.skip_details);
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    h.app.flow.borrow().ticket.as_ref().unwrap().id
}

fn wait_fault(h: &Harness) -> PrintFault {
    h.wait("print fault", |a| a.flow.borrow().print.fault().is_some());
    h.app.flow.borrow().print.fault().cloned().unwrap()
}

/// A visible element with exactly this text / accessible label.
fn shown(h: &Harness, text: &str) -> bool {
    let w = h.app.ui.window().size().to_logical(1.0);
    h.texts(text).iter().any(|e| {
        let (p, s) = (e.absolute_position(), e.size());
        s.width > 0.0
            && s.height > 0.0
            && p.x >= 0.0
            && p.y >= 0.0
            && p.x + s.width <= w.width + 0.5
            && p.y + s.height <= w.height + 0.5
    })
}

/// Ready printer: the ticket goes out as a `GS v 0` raster, nothing typed is in the bytes, and
/// the server's row says printed.
fn ok_printer_prints_only_the_ticket(
    h: &Harness,
    server: &TestServer,
    fake: &FakePrinter,
    service: &str,
) {
    h.tap(AR.take_number);
    h.tap(service);
    h.tap(AR.give_details);
    h.type_keys(SENTINEL_NAME, AR.space);
    h.tap(AR.id_label);
    h.type_keys(SENTINEL_ID, AR.space);
    h.tap(AR.mobile_label);
    h.type_keys(SENTINEL_MOBILE, AR.space);
    h.tap(AR.next);
    assert_eq!(h.screen(), Screen::Needs);
    h.tap(AR.next);
    assert_eq!(h.screen(), Screen::Review);
    h.tap(AR.confirm);
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    let id = h.app.flow.borrow().ticket.as_ref().unwrap().id;
    h.wait("printed", |a| a.flow.borrow().print == PrintState::Printed);
    h.render();
    assert_eq!(ui_api(h).get_ticket_print_state(), ui::PrintState::Printed);
    assert!(shown(h, AR.ticket_printed));

    let bytes = fake.received();
    assert!(
        contains(&bytes, &[0x1D, 0x76, 0x30, 0x00]),
        "the ticket is a GS v 0 raster"
    );
    assert!(fake.images_received() > 0);
    let mut secrets: Vec<String> = vec![
        SENTINEL_NAME.into(),
        SENTINEL_ID.into(),
        SENTINEL_MOBILE.into(),
        "+966512345678".into(),
    ];
    secrets.extend(SENTINEL_NAME.split(' ').map(String::from));
    for s in &secrets {
        assert!(!contains(&bytes, s.as_bytes()), "{s:?} reached the printer");
    }
    let job = h.app.printer.jobs().pop().unwrap();
    assert_eq!(job.paper, Paper::Ticket(id));
    assert!(
        job.content
            .status_url
            .as_deref()
            .is_some_and(|u| u.starts_with(&server.base_url))
    );

    h.wait("printed = 1 on the server", |_| {
        printed_flag(server, id) == Some(1)
    });
    assert_eq!(not_printed_alerts(server, id), 0);
    h.tap(AR.done);
    assert_eq!(h.screen(), Screen::Welcome);
}

/// Out of paper: no ticket byte is sent, the ticket stays on screen large with its QR code and
/// "please show this screen at reception", the server marks it not printed and raises an alert;
/// one ticket only. Renders the fault screenshots.
fn paper_out_shows_the_ticket_on_screen(
    h: &Harness,
    server: &TestServer,
    fake: &FakePrinter,
    service: &str,
    lang: Lang,
) {
    let l = labels(lang);
    fake.set_state(FakeState::PaperOut);
    let tickets_before = ticket_count(server);
    let images_before = fake.images_received();
    let id = take_ticket(h, lang, service);
    assert_eq!(wait_fault(h), PrintFault::PaperEnd);
    h.render();
    assert_eq!(ui_api(h).get_ticket_print_state(), ui::PrintState::Failed);
    assert!(
        shown(h, l.print_reception),
        "the reception message is on screen"
    );
    assert!(shown(h, text::print_fault(lang, &PrintFault::PaperEnd)));
    let other = ui_api(h).get_print_fault_other().to_string();
    assert!(
        other.contains(labels(lang.other()).print_reception),
        "the message is bilingual: {other}"
    );
    assert!(h.has(l.print_again), "a print-again button");
    assert!(h.has(l.done));
    assert!(!ui_api(h).get_ticket_label().is_empty());
    assert!(ui_api(h).get_ticket_qr().size().width > 0, "the QR code");
    // The QR code is large enough to photograph.
    let qr = h.texts("ticket-qr");
    assert!(
        qr.iter().any(|e| e.size().width >= 500.0),
        "{:?}",
        qr.iter().map(|e| e.size()).collect::<Vec<_>>()
    );
    assert_eq!(
        fake.images_received(),
        images_before,
        "nothing printed when the printer reported the fault first"
    );

    h.wait("printed = 0 on the server", |_| {
        printed_flag(server, id) == Some(0)
    });
    assert_eq!(not_printed_alerts(server, id), 1);
    assert_eq!(ticket_count(server), tickets_before + 1, "issued once");

    let name = if lang == Lang::Ar { "ar" } else { "en" };
    h.shot(&format!("print-fault-{name}-portrait"));
    h.resize(1920, 1080);
    h.render();
    assert!(shown(h, l.print_reception));
    assert!(h.has(l.print_again));
    h.shot(&format!("print-fault-{name}-landscape"));
    h.resize(1080, 1920);

    // The fault view outlasts the normal ticket time (time to photograph it).
    h.clock
        .advance(h.app.flow.borrow().config().ticket_wipe + Duration::from_secs(5));
    h.app.tick();
    assert_eq!(h.screen(), Screen::Ticket);
    h.tap(l.done);
    assert_eq!(h.screen(), Screen::Welcome);
}

/// Cover open → fault; the cover is closed and "print again" prints the same ticket (same label,
/// same QR link, no new server ticket), and the server row turns printed.
fn cover_open_then_print_again(
    h: &Harness,
    server: &TestServer,
    fake: &FakePrinter,
    service: &str,
) {
    fake.set_state(FakeState::CoverOpen);
    let id = take_ticket(h, Lang::Ar, service);
    assert_eq!(wait_fault(h), PrintFault::CoverOpen);
    h.render();
    assert!(shown(
        h,
        text::print_fault(Lang::Ar, &PrintFault::CoverOpen)
    ));
    h.wait("printed = 0 on the server", |_| {
        printed_flag(server, id) == Some(0)
    });
    assert_eq!(not_printed_alerts(server, id), 1);
    let tickets = ticket_count(server);
    let images = fake.images_received();
    let label = ui_api(h).get_ticket_label().to_string();

    fake.set_state(FakeState::Ok);
    h.tap(AR.print_again);
    assert!(matches!(
        h.app.flow.borrow().print,
        PrintState::Reprinting { attempt: 2, .. }
    ));
    h.render();
    assert_eq!(
        ui_api(h).get_ticket_print_state(),
        ui::PrintState::Reprinting
    );
    h.wait("reprinted", |a| {
        a.flow.borrow().print == PrintState::Printed
    });
    assert!(fake.images_received() > images, "the ticket came out");
    let jobs = h.app.printer.jobs();
    let (first, again) = (&jobs[jobs.len() - 2], &jobs[jobs.len() - 1]);
    assert_eq!((first.paper, first.attempt), (Paper::Ticket(id), 1));
    assert_eq!((again.paper, again.attempt), (Paper::Ticket(id), 2));
    assert_eq!(
        again.content, first.content,
        "the same ticket, same QR link"
    );
    assert_eq!(again.content.label, label);
    assert_eq!(ui_api(h).get_ticket_label(), label.as_str());

    h.wait("printed = 1 on the server", |_| {
        printed_flag(server, id) == Some(1)
    });
    assert_eq!(ticket_count(server), tickets, "no new ticket for a reprint");
    assert_eq!(not_printed_alerts(server, id), 1);
    h.tap(AR.done);
}

/// A printer that never answers: the UI thread keeps polling, rendering and running timers
/// while the print thread waits out the 2 s status timeout; then the fault view.
fn silent_printer_does_not_block_the_ui(
    h: &Harness,
    server: &TestServer,
    fake: &FakePrinter,
    service: &str,
) {
    fake.set_state(FakeState::Silent);
    h.tap(AR.take_number);
    h.tap(service);
    h.tap(AR.skip_details);
    // Every poll returns at once, including the one that hands the ticket to the printer.
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.screen() != Screen::Ticket {
        let t = Instant::now();
        h.app.poll();
        assert!(
            t.elapsed() < Duration::from_millis(500),
            "poll blocked {:?}",
            t.elapsed()
        );
        assert!(Instant::now() < deadline, "no ticket");
        std::thread::sleep(Duration::from_millis(5));
    }
    let submitted = Instant::now();
    let id = h.app.flow.borrow().ticket.as_ref().unwrap().id;

    // "Your ticket is printing", a frame rendered, a Slint timer fired, all while the printer
    // has not answered.
    let fired = Rc::new(Cell::new(false));
    let f = fired.clone();
    slint::Timer::single_shot(Duration::from_millis(1), move || f.set(true));
    std::thread::sleep(Duration::from_millis(5));
    let t = Instant::now();
    h.render();
    h.app.tick();
    assert!(
        t.elapsed() < Duration::from_millis(1500),
        "{:?}",
        t.elapsed()
    );
    assert!(
        fired.get(),
        "the UI's timers run while the printer is silent"
    );
    assert_eq!(ui_api(h).get_ticket_print_state(), ui::PrintState::Printing);
    assert!(shown(h, AR.ticket_printing));
    assert!(
        matches!(h.app.flow.borrow().print, PrintState::Printing { .. }),
        "no answer yet"
    );
    assert!(submitted.elapsed() < Duration::from_secs(2));

    assert_eq!(wait_fault(h), PrintFault::NoAnswer);
    assert!(
        submitted.elapsed() >= Duration::from_millis(1500),
        "the fault came from the 2 s status timeout, on the print thread"
    );
    h.render();
    assert!(shown(h, AR.print_reception));
    h.wait("printed = 0 on the server", |_| {
        printed_flag(server, id) == Some(0)
    });
    assert_eq!(not_printed_alerts(server, id), 1);
    h.tap(AR.done);
}
