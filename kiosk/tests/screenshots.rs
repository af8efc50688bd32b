//! Every screen (with the check-in keypad and "you are checked in") in Arabic and English, portrait 1080×1920 and landscape 1920×1080, driven by
//! taps against the in-memory fake server, saved (with `UPDATE_SCREENSHOTS=1`) as docs/screenshots/kiosk-<screen>-<ar|en>-<portrait|landscape>.png.
//! One test per file: the headless platform can be installed once per process.

mod common;

use common::Harness;
use kiosk::api::CheckedIn;
use kiosk::shell::{Clock, ModeApp, ShellFlow};
use kiosk::text::{AR, EN, Labels};
use kiosk::ticket::fake::{FakeApi, FakeState};
use kiosk::ticket::flow::{CheckInState, Screen, SlipState};
use std::sync::atomic::Ordering;
use std::time::Duration;

#[test]
fn every_screen_in_both_languages_and_orientations() {
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let state = FakeState::default();
    let h = Harness::new(win, FakeApi::new(state.clone()), "https://awn.example");
    h.wait("services", |a| {
        !a.flow.borrow().services.is_empty() && a.flow.borrow().notice.is_some()
    });

    for (orient, (w, hgt)) in [("portrait", (1080, 1920)), ("landscape", (1920, 1080))] {
        h.resize(w, hgt);
        for (lang, l, other) in [("ar", &AR, &EN), ("en", &EN, &AR)] {
            let name = |screen: &str| format!("{screen}-{lang}-{orient}");
            h.app.act(|f, now| f.wipe(now));
            if lang == "en" {
                h.tap(other.other_language); // the welcome screen's language switch
            }
            h.shot(&name("welcome"));

            h.tap(l.take_number);
            assert_eq!(h.screen(), Screen::Services);
            h.shot(&name("services"));

            h.tap(if lang == "ar" {
                "طلب جديد"
            } else {
                "New request"
            });
            assert_eq!(h.screen(), Screen::Notice);
            h.shot(&name("notice"));

            h.tap(l.give_details);
            assert_eq!(h.screen(), Screen::Details);
            type_details(&h, l, lang);
            h.shot(&name("details"));
            fix_details(&h, l);

            h.tap(l.next);
            assert_eq!(h.screen(), Screen::Needs);
            h.tap(l.gender_female);
            h.tap(l.wheelchair);
            h.tap(if lang == "ar" {
                "الأردية"
            } else {
                "Urdu"
            });
            h.shot(&name("needs"));

            h.tap(l.next);
            assert_eq!(h.screen(), Screen::Review);
            h.shot(&name("review"));

            h.tap(l.confirm);
            h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
            h.wait("printed", |a| {
                a.flow.borrow().print == kiosk::ticket::flow::PrintState::Printed
            });
            h.shot(&name("ticket"));

            // "Still there?" over the services screen after 60 s without a touch.
            h.tap(l.done);
            if lang == "en" {
                h.tap(other.other_language);
            }
            h.tap(l.take_number);
            h.clock.advance(Duration::from_secs(61));
            h.app.tick();
            assert!(h.app.flow.borrow().idle_prompt(h.clock.now()).is_some());
            h.shot(&name("still-there"));
            h.tap(l.continue_);

            // Server down: the bilingual "please see reception" message, no ticket.
            h.tap(if lang == "ar" {
                "متابعة طلب"
            } else {
                "Follow-up"
            });
            state.down.store(true, Ordering::SeqCst);
            h.tap(l.skip_details);
            h.wait("fault", |a| a.flow.borrow().fault_visible(h.clock.now()));
            h.shot(&name("fault"));
            state.down.store(false, Ordering::SeqCst);
            h.wait("recovery", |a| a.flow.borrow().screen == Screen::Ticket);

            check_in(&h, &state, l, &name);
        }
    }
    assert_eq!(
        h.app.printer.jobs().len(),
        8 + 4,
        "8 tickets and 4 check-in slips"
    );
}

/// A visitor who joined from the phone: the keypad half typed, a wrong code said on it, then
/// "you are checked in" with the slip printed.
fn check_in(h: &Harness, state: &FakeState, l: &Labels, name: &dyn Fn(&str) -> String) {
    let code = format!("04291{}", h.app.printer.jobs().len() % 10);
    state.join(
        &code,
        CheckedIn {
            label: "B-012".into(),
            service: "follow_up".into(),
            people_ahead: 2,
            estimated_wait_minutes: 14,
        },
    );
    h.tap(l.done);
    let lang_is_en = l.other_language != AR.other_language;
    if lang_is_en {
        h.tap(AR.other_language);
    }
    h.tap(l.take_number);
    h.tap(l.joined_from_phone);
    assert_eq!(h.screen(), Screen::CheckIn);
    h.type_keys("0429", l.space);
    h.shot(&name("check-in"));
    h.type_keys("99", l.space);
    h.tap(l.check_in_confirm);
    h.wait("refused", |a| {
        matches!(a.flow.borrow().check_in.state, CheckInState::Refused { .. })
    });
    h.shot(&name("check-in-wrong"));
    h.type_keys(&code, l.space);
    h.tap(l.check_in_confirm);
    h.wait("checked in", |a| {
        a.flow.borrow().screen == Screen::CheckedIn
    });
    h.wait("slip", |a| {
        a.flow.borrow().check_in.slip == SlipState::Printed
    });
    h.shot(&name("checked-in"));
}

fn type_details(h: &Harness, l: &Labels, lang: &str) {
    h.type_keys(
        if lang == "ar" {
            "نورة العتيبي"
        } else {
            "SARA AHMED"
        },
        l.space,
    );
    h.tap(l.id_label);
    h.type_keys("1234567890", l.space); // wrong check digit: the error shows
    h.tap(l.name_label);
}

fn fix_details(h: &Harness, l: &Labels) {
    h.tap(l.id_label);
    h.tap(l.backspace);
    h.tap("7");
    h.tap(l.mobile_label);
    h.type_keys("0512345678", l.space);
}
