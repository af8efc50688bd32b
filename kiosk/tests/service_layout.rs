//! The service screen for any branch: the real demo configuration (five services, from a real
//! counter-server) and 1- and 10-service lists, in portrait 1080×1920 and landscape 1920×1080.
//! Every service card and the Back / Start over / "I joined from my phone" buttons must lie fully
//! inside the window.
//! Screenshots (with `UPDATE_SCREENSHOTS=1`): docs/screenshots/kiosk-services-<demo|10>-<ar|en>-<orientation>.png.
//! One test per file: the headless platform can be installed once per process.

mod common;

use common::Harness;
use counter_server::testing::TestServer;
use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use kiosk::api::{Bi, Service};
use kiosk::shell::{ModeApp, ShellFlow};
use kiosk::text::{AR, EN, Labels};
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use slint::ComponentHandle;
use std::time::Duration;

const SIZES: [(&str, (u32, u32)); 2] = [("portrait", (1080, 1920)), ("landscape", (1920, 1080))];

#[test]
fn service_screen_fits_every_list_in_both_orientations() {
    let mut server = TestServer::start();
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("services", |a| a.flow.borrow().services.len() == 5);
    let demo = h.app.flow.borrow().services.clone();

    for (orient, (w, hgt)) in SIZES {
        h.resize(w, hgt);
        for (lang, l) in [("ar", &AR), ("en", &EN)] {
            open_services(&h, l);
            assert_fits(&h, l, &demo, &format!("demo {lang} {orient}"));
            h.shot(&format!("services-demo-{lang}-{orient}"));
        }
    }

    for n in [1, 10] {
        let list = many_services(&demo, n);
        for (orient, (w, hgt)) in SIZES {
            h.resize(w, hgt);
            open_services(&h, &AR);
            h.app.act(|f, _| f.services = list.clone());
            assert_fits(&h, &AR, &list, &format!("{n} services ar {orient}"));
            if n == 10 {
                h.shot(&format!("services-10-ar-{orient}"));
            }
        }
    }
    drop(h);
    server.stop();
}

/// A fresh visitor in this language on the service screen.
fn open_services(h: &Harness, l: &Labels) {
    h.app.act(|f, now| f.wipe(now));
    if l.other_language != AR.other_language {
        h.tap(AR.other_language);
    }
    h.tap(l.take_number);
    assert_eq!(h.screen(), Screen::Services);
}

fn assert_fits(h: &Harness, l: &Labels, services: &[Service], what: &str) {
    h.render();
    let win = h.app.ui.window().size().to_logical(1.0);
    let inside = |label: &str| {
        let found: Vec<ElementHandle> = ElementHandle::find_by_accessible_label(&h.app.ui, label)
            .filter(|e| e.accessible_role() == Some(AccessibleRole::Button))
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
        (label.to_string(), p, s)
    };
    let mut buttons: Vec<_> = services
        .iter()
        .map(|s| {
            inside(if l.other_language == AR.other_language {
                &s.name.ar
            } else {
                &s.name.en
            })
        })
        .collect();
    buttons.push(inside(l.back));
    buttons.push(inside(l.start_over));
    // The way in for a visitor who joined from the phone covers no card and no other button.
    let (_, p, s) = inside(l.joined_from_phone);
    for (other, q, t) in &buttons {
        let apart = p.x + s.width <= q.x + 0.5
            || q.x + t.width <= p.x + 0.5
            || p.y + s.height <= q.y + 0.5
            || q.y + t.height <= p.y + 0.5;
        assert!(
            apart,
            "{what}: {:?} at {p:?} {s:?} overlaps {other:?} at {q:?} {t:?}",
            l.joined_from_phone
        );
    }
}

/// `n` services with the demo's names and hints (numbered past the fifth), distinct codes.
fn many_services(demo: &[Service], n: usize) -> Vec<Service> {
    (0..n)
        .map(|i| {
            let base = &demo[i % demo.len()];
            let round = i / demo.len();
            let suffix = |s: &str| {
                if round == 0 {
                    s.to_string()
                } else {
                    format!("{s} {}", round + 1)
                }
            };
            Service {
                code: format!("service_{i}"),
                prefix: ((b'A' + i as u8) as char).to_string(),
                name: Bi {
                    ar: suffix(&base.name.ar),
                    en: suffix(&base.name.en),
                },
                hint: base.hint.clone(),
                waiting: base.waiting,
                estimated_wait_minutes: base.estimated_wait_minutes,
                hidden: false,
            }
        })
        .collect()
}
