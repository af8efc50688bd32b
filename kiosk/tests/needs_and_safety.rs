//! Priority for those who need it, and "I do not feel safe right now" without giving details:
//! tapped through against a real counter-server with the demo configuration, in Arabic and
//! English, portrait 1080×1920 and landscape 1920×1080 (the smallest sizes the kiosk supports).
//! What the server stored is read back from its database: the ticket's class, no intake row for
//! the visitor who gave no details, the silent `not_safe` alert. Nothing on the kiosk's ticket
//! screen or paper ticket says why.
//! Screenshots (with `UPDATE_SCREENSHOTS=1`):
//! docs/screenshots/kiosk-<notice-not-safe|notice-priority|needs-priority|review-priority|review-all-needs>-<ar|en>-<orientation>.png.
//! One test per file: the headless platform can be installed once per process.

mod common;

use common::Harness;
use counter_server::testing::TestServer;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use kiosk::shell::{ModeApp, ShellFlow};
use kiosk::text::{AR, EN, Labels};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;
use std::time::Duration;

const SIZES: [(&str, (u32, u32)); 2] = [("portrait", (1080, 1920)), ("landscape", (1920, 1080))];

#[test]
fn priority_needs_and_not_feeling_safe_reach_the_server_in_both_languages_and_orientations() {
    let mut server = TestServer::start();
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("the demo's services and notice", |a| {
        a.flow.borrow().services.len() == 5 && a.flow.borrow().notice.is_some()
    });
    let db = counter_server::store::open(&server.db, true).expect("the server's database");
    let class = |id: i64| -> String {
        db.query_row("SELECT priority FROM tickets WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .expect("the ticket row")
    };
    let count =
        |sql: &str, id: i64| -> i64 { db.query_row(sql, [id], |r| r.get(0)).expect("a count") };

    for (orient, (w, hgt)) in SIZES {
        h.resize(w, hgt);
        for (lang, l) in [("ar", &AR), ("en", &EN)] {
            let what = format!("{lang} {orient}");

            // "I do not feel safe right now" on the notice screen, then no details.
            open_notice(&h, l);
            assert_inside(
                &h,
                &[
                    l.priority_asked,
                    l.not_safe,
                    l.skip_details,
                    l.give_details,
                    l.back,
                    l.start_over,
                ],
                &what,
            );
            h.tap(l.not_safe);
            assert!(
                ui_api(&h).get_not_safe(),
                "{what}: the option shows it is ticked"
            );
            h.shot(&format!("notice-not-safe-{lang}-{orient}"));
            let request = h.app.flow.borrow().request().unwrap();
            assert!(request.feels_unsafe && request.intake.is_none(), "{what}");
            h.tap(l.skip_details);
            let id = ticket_id(&h);
            assert_eq!(class(id), "urgent", "{what}");
            assert_eq!(
                count("SELECT COUNT(*) FROM intakes WHERE ticket_id = ?1", id),
                0,
                "{what}: no intake, no personal data"
            );
            assert_eq!(
                count(
                    "SELECT COUNT(*) FROM alerts WHERE ticket_id = ?1 AND kind = 'not_safe'",
                    id
                ),
                1,
                "{what}: the supervisor's silent alert"
            );
            nothing_says_why(&h, l, &what);
            h.tap(l.done);

            // "I need priority" on the notice screen, then no details: the class and nothing
            // else reaches the server.
            open_notice(&h, l);
            h.tap(l.priority_asked);
            assert!(
                ui_api(&h).get_priority_asked(),
                "{what}: the option shows it is ticked"
            );
            h.shot(&format!("notice-priority-{lang}-{orient}"));
            h.tap(l.skip_details);
            let id = ticket_id(&h);
            assert_eq!(class(id), "priority", "{what}");
            assert_eq!(
                count("SELECT COUNT(*) FROM intakes WHERE ticket_id = ?1", id),
                0,
                "{what}: no intake, no personal data"
            );
            assert_eq!(
                count("SELECT COUNT(*) FROM alerts WHERE ticket_id = ?1", id),
                0,
                "{what}: no alert"
            );
            nothing_says_why(&h, l, &what);
            h.tap(l.done);

            // Each need that gives priority, chosen on the needs screen after empty details.
            for need in [l.elderly, l.pregnancy, l.other_disability] {
                open_notice(&h, l);
                h.tap(l.give_details);
                h.tap(l.next);
                assert_eq!(h.screen(), Screen::Needs, "{what}");
                assert_inside(
                    &h,
                    &[
                        l.wheelchair,
                        l.hearing,
                        l.other_disability,
                        l.elderly,
                        l.pregnancy,
                        l.companion,
                        l.not_safe,
                        l.next,
                        l.back,
                        l.start_over,
                    ],
                    &what,
                );
                h.tap(need);
                let request = h.app.flow.borrow().request().unwrap();
                let needs = request.intake.as_ref().unwrap().needs.clone();
                assert_eq!(
                    (needs.elderly, needs.pregnancy, needs.named_disability),
                    (
                        need == l.elderly,
                        need == l.pregnancy,
                        need == l.other_disability
                    ),
                    "{what}: {need}"
                );
                assert!(!request.feels_unsafe, "{what}");
                if need == l.elderly {
                    h.shot(&format!("needs-priority-{lang}-{orient}"));
                }
                h.tap(l.next);
                assert_eq!(h.screen(), Screen::Review, "{what}");
                let rows: Vec<String> = slint::Model::iter(&ui_api(&h).get_review_rows())
                    .map(|r| r.value.to_string())
                    .collect();
                assert!(
                    rows.iter().any(|v| v.contains(need)),
                    "{what}: the review lists {need}: {rows:?}"
                );
                assert_inside(&h, &[l.confirm, l.back, l.start_over], &what);
                if need == l.elderly {
                    h.shot(&format!("review-priority-{lang}-{orient}"));
                }
                h.tap(l.confirm);
                let id = ticket_id(&h);
                assert_eq!(class(id), "priority", "{what}: {need}");
                nothing_says_why(&h, l, &what);
                h.tap(l.done);
            }

            // Every need ticked: the review still shows them all and its buttons stay on screen.
            open_notice(&h, l);
            h.tap(l.give_details);
            h.tap(l.next);
            let all = [
                l.wheelchair,
                l.hearing,
                l.other_disability,
                l.elderly,
                l.pregnancy,
                l.companion,
                l.not_safe,
            ];
            for need in all {
                h.tap(need);
            }
            h.tap(l.next);
            assert_eq!(h.screen(), Screen::Review, "{what}");
            let rows: Vec<String> = slint::Model::iter(&ui_api(&h).get_review_rows())
                .map(|r| r.value.to_string())
                .collect();
            for need in all {
                assert!(rows.iter().any(|v| v.contains(need)), "{what}: {need}");
            }
            assert_inside(&h, &[l.confirm, l.back, l.start_over], &what);
            h.shot(&format!("review-all-needs-{lang}-{orient}"));
            h.tap(l.start_over);
        }
    }
    drop(db);
    drop(h);
    server.stop();
}

fn ui_api(h: &Harness) -> ui::Api<'_> {
    h.app.ui.global::<ui::Api>()
}

/// A fresh visitor in this language on the notice screen of the demo's first service.
fn open_notice(h: &Harness, l: &Labels) {
    h.app.act(|f, now| f.wipe(now));
    if l.other_language != AR.other_language {
        h.tap(AR.other_language);
    }
    h.tap(l.take_number);
    let service = h.app.flow.borrow().services[0].name.clone();
    h.tap(if l.other_language == AR.other_language {
        &service.ar
    } else {
        &service.en
    });
    assert_eq!(h.screen(), Screen::Notice);
}

/// Waits for the ticket screen and returns the id the server gave.
fn ticket_id(h: &Harness) -> i64 {
    h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
    h.render();
    h.app.flow.borrow().ticket.as_ref().unwrap().id
}

/// The ticket screen and the paper ticket look like any other's.
fn nothing_says_why(h: &Harness, l: &Labels, what: &str) {
    for label in [
        l.not_safe,
        l.priority_asked,
        l.elderly,
        l.pregnancy,
        l.other_disability,
    ] {
        assert!(
            h.texts(label).is_empty(),
            "{what}: {label:?} on the ticket screen"
        );
    }
    h.wait("printed", |a| {
        a.flow.borrow().print == kiosk::ticket::flow::PrintState::Printed
    });
    let job = format!("{:?}", h.app.printer.jobs().last().unwrap().content);
    for word in [l.not_safe, "urgent", "priority", l.elderly, l.pregnancy] {
        assert!(
            !job.contains(word),
            "{what}: {word:?} on the paper ticket: {job}"
        );
    }
}

/// Each of these buttons or toggles is on screen once, at least a touch target, fully inside
/// the window.
fn assert_inside(h: &Harness, labels: &[&str], what: &str) {
    h.render();
    let win = h.app.ui.window().size().to_logical(1.0);
    for label in labels {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&h.app.ui, label)
            .filter(|e| {
                matches!(
                    e.accessible_role(),
                    Some(AccessibleRole::Button | AccessibleRole::Checkbox)
                )
            })
            .collect();
        assert_eq!(found.len(), 1, "{what}: one button {label:?}");
        let (p, s) = (found[0].absolute_position(), found[0].size());
        assert!(
            s.width >= 64.0 && s.height >= 64.0,
            "{what}: {label:?} is smaller than a touch target: {s:?}"
        );
        assert!(
            p.x >= -0.5
                && p.y >= -0.5
                && p.x + s.width <= win.width + 0.5
                && p.y + s.height <= win.height + 0.5,
            "{what}: {label:?} at {p:?} {s:?} is not fully inside the {win:?} window"
        );
    }
}
