//! The kiosk and the branch's opening hours, against a real counter-server whose clock the test
//! moves: closed before opening (the welcome screen says when it opens, in both languages, and
//! offers no number), open by itself at the opening on the kiosk's tick, and a visitor caught by
//! the evening cut-off in the middle of the flow gets the server's refusal. Screenshots (with
//! `UPDATE_SCREENSHOTS=1`): kiosk-closed-<ar|en>-<portrait|landscape>.png and
//! kiosk-closed-refused-<ar|en>-portrait.png. One test per file (the headless platform is
//! installed once per process).

mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use common::Harness;
use counter_server::clock::ManualClock;
use counter_server::config::{Config, Hours};
use counter_server::domain::numbering::riyadh;
use counter_server::testing::{TestOptions, TestServer};
use kiosk::shell::{Clock as _, ModeApp, ShellFlow};
use kiosk::text::{AR, EN};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;

/// Thursday 3 December 2026, Riyadh time.
fn thursday(hh: u32, mm: u32, ss: u32) -> DateTime<Utc> {
    riyadh()
        .with_ymd_and_hms(2026, 12, 3, hh, mm, ss)
        .unwrap()
        .with_timezone(&Utc)
}

/// Sunday to Thursday 08:00-16:00, no new tickets after 15:30.
fn branch() -> Config {
    let work = Some("08:00-16:00".to_string());
    let mut config = Config::demo();
    config.hours = Hours {
        sunday: work.clone(),
        monday: work.clone(),
        tuesday: work.clone(),
        wednesday: work.clone(),
        thursday: work,
        cutoff_minutes: 30,
        ..Hours::default()
    };
    config
}

#[test]
fn closed_before_opening_opens_on_the_tick_and_refuses_after_the_cutoff() {
    let clock = Arc::new(ManualClock::new(thursday(7, 59, 58)));
    let server = TestServer::start_with(TestOptions {
        config: branch(),
        clock: clock.clone(),
        ..TestOptions::default()
    });
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("services", |a| !a.flow.borrow().services.is_empty());

    // Closed: no number to take, and when it opens in both languages.
    let closed_ar = "مغلق الآن، نفتح يوم الخميس 3 ديسمبر الساعة 08:00";
    let closed_en = "Closed now: we open on Thursday 3 December at 08:00";
    for (orient, (w, hgt)) in [("portrait", (1080, 1920)), ("landscape", (1920, 1080))] {
        h.resize(w, hgt);
        h.app.act(|f, now| f.wipe(now));
        h.render();
        assert!(!h.has(AR.take_number), "no number while closed");
        assert_eq!(h.texts(closed_ar).len(), 1, "{orient}");
        assert_eq!(h.texts(closed_en).len(), 1, "the other language too");
        assert_eq!(h.texts(AR.closed_sub).len(), 1);
        h.shot(&format!("closed-ar-{orient}"));
        h.tap(AR.other_language);
        h.render();
        assert!(!h.has(EN.take_number));
        assert_eq!(h.texts(EN.closed_sub).len(), 1);
        assert_eq!(h.texts(closed_en).len(), 1);
        h.shot(&format!("closed-en-{orient}"));
    }
    h.resize(1080, 1920);
    h.app.act(|f, now| f.wipe(now));

    // The opening comes on the kiosk's own tick, with no tap; the kiosk then asks the server.
    clock.set(thursday(8, 0, 0));
    h.clock.advance(Duration::from_secs(5));
    h.app.tick();
    assert!(h.app.flow.borrow().hours.open, "opened by itself");
    h.render();
    assert!(h.has(AR.take_number));
    h.wait("the server's word after opening", |a| {
        a.flow.borrow().hours.opens_at.is_some() && a.flow.borrow().hours.open
    });

    // A visitor still choosing at the cut-off: the server refuses, the kiosk says why.
    h.tap(AR.take_number);
    let service = h.app.flow.borrow().services[0].name.ar.clone();
    h.tap(&service);
    assert_eq!(h.screen(), Screen::Notice);
    clock.set(thursday(15, 30, 0));
    h.tap(AR.skip_details);
    h.wait("the refusal", |a| {
        a.flow.borrow().fault_visible(h.clock.now())
    });
    h.render();
    let shell = h.app.ui.global::<ui::Shell>();
    let refused_ar = "مغلق الآن، نفتح يوم الأحد 6 ديسمبر الساعة 08:00";
    assert!(
        shell.get_fault_text().starts_with(refused_ar),
        "{}",
        shell.get_fault_text()
    );
    assert!(
        shell
            .get_fault_text_other()
            .contains("\nClosed now: we open on Sunday 6 December at 08:00"),
        "the other language under its title: {}",
        shell.get_fault_text_other()
    );
    h.shot("closed-refused-ar-portrait");
    assert!(h.app.printer.jobs().is_empty(), "nothing was issued");

    // Back at the start: closed, and it says when it opens next.
    h.app.act(|f, now| f.wipe(now));
    h.wait("closed again", |a| {
        let f = a.flow.borrow();
        !f.hours.open && f.hours.opens_at.as_deref() == Some("2026-12-06T08:00:00+03:00")
    });
    h.render();
    assert!(!h.has(AR.take_number));
    assert_eq!(h.texts(refused_ar).len(), 1);

    // Friday and Saturday pass; Sunday at 08:00 the kiosk opens on its tick again, and a visitor
    // reading in English meets the cut-off.
    clock.set(sunday(8, 0));
    h.clock.advance(Duration::from_secs(3 * 24 * 3600));
    h.app.tick();
    assert!(h.app.flow.borrow().hours.open);
    h.wait("the server's word on Sunday", |a| {
        a.flow.borrow().hours.opens_at.as_deref() == Some("2026-12-07T08:00:00+03:00")
    });
    h.tap(AR.other_language);
    h.tap(EN.take_number);
    let service = h.app.flow.borrow().services[0].name.en.clone();
    h.tap(&service);
    clock.set(sunday(15, 45));
    h.tap(EN.skip_details);
    h.wait("the refusal", |a| {
        a.flow.borrow().fault_visible(h.clock.now())
    });
    h.render();
    assert!(
        shell
            .get_fault_text()
            .starts_with("Closed now: we open on Monday 7 December at 08:00"),
        "{}",
        shell.get_fault_text()
    );
    h.shot("closed-refused-en-portrait");
    assert!(h.app.printer.jobs().is_empty());
}

fn sunday(hh: u32, mm: u32) -> DateTime<Utc> {
    riyadh()
        .with_ymd_and_hms(2026, 12, 6, hh, mm, 0)
        .unwrap()
        .with_timezone(&Utc)
}
