//! Kiosk benchmark (not a test): `cargo bench -p kiosk`.
//! - process start → first frame (the `kiosk --headless-frame` binary, spawned 10 times);
//! - full-screen frame render time of each screen (software renderer, 1080×1920 and 1920×1080);
//! - tap → ticket on screen against a real counter-server on loopback (200 tickets, p50/p99);
//! - peak RSS of the kiosk process and of this bench process (which also hosts the server).
//!
//! Targets: first frame ≤ 300 ms, render ≤ 16 ms, tap-to-ticket p99 ≤ 150 ms, RSS ≤ 80 MB.

#[path = "../tests/common/mod.rs"]
mod common;

use common::Harness;
use counter_server::testing::TestServer;
use kiosk::shell::{ModeApp, ShellFlow};
use kiosk::text::AR;
use kiosk::ticket::client::HttpApi;
use kiosk::ticket::flow::Screen;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * p).round() as usize]
}

fn first_frame() -> (Vec<f64>, u64) {
    let out = std::env::temp_dir().join("kiosk-bench-first-frame.png");
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..10 {
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_kiosk"))
            .args([
                "--headless-frame",
                out.to_str().unwrap(),
                "--server",
                "http://127.0.0.1:9",
            ])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn kiosk");
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.starts_with("first-frame"), "{first}");
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if let Some(Ok(l)) = lines.next() {
            rss = rss.max(l.trim_start_matches("peak-rss-kb ").parse().unwrap_or(0));
        }
        child.wait().unwrap();
    }
    (times, rss)
}

fn main() {
    let (mut ff, child_rss) = first_frame();
    println!(
        "start→first frame (process spawn to frame rendered), 10 runs: median {:.1} ms, max {:.1} ms",
        pct(&mut ff, 0.5),
        pct(&mut ff, 1.0)
    );
    println!(
        "kiosk process peak RSS at first frame: {:.1} MB",
        child_rss as f64 / 1024.0
    );

    let mut server = TestServer::start();
    let win = kiosk::headless::install(1080, 1920).unwrap();
    let api = HttpApi::new(
        &server.base_url,
        &server.kiosk_token,
        Duration::from_secs(2),
    );
    let h = Harness::new(win, api, &server.base_url);
    h.wait("services", |a| {
        !a.flow.borrow().services.is_empty() && a.flow.borrow().notice.is_some()
    });
    let service = h.app.flow.borrow().services[0].name.ar.clone();

    // Tap → ticket on screen.
    let mut tap_to_ticket = Vec::new();
    for _ in 0..200 {
        h.app.act(|f, now| f.wipe(now));
        h.tap(AR.take_number);
        h.tap(&service);
        let t = Instant::now();
        h.tap(AR.skip_details);
        while h.app.flow.borrow().screen != Screen::Ticket {
            h.app.poll();
            std::thread::yield_now();
        }
        h.render();
        tap_to_ticket.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "tap→ticket shown (real server, loopback), 200 tickets: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&mut tap_to_ticket, 0.5),
        pct(&mut tap_to_ticket, 0.99),
        pct(&mut tap_to_ticket, 1.0)
    );

    // Render time of each screen.
    for (orient, (w, hh)) in [
        ("portrait 1080×1920", (1080, 1920)),
        ("landscape 1920×1080", (1920, 1080)),
    ] {
        h.resize(w, hh);
        type Step<'a> = (&'a str, &'a dyn Fn(&Harness));
        let screens: [Step; 7] = [
            ("welcome", &|h| h.app.act(|f, now| f.wipe(now))),
            ("services", &|h| h.tap(AR.take_number)),
            ("notice", &|h| h.tap(&service)),
            ("details", &|h| {
                h.tap(AR.give_details);
                h.type_keys("نورة", AR.space);
            }),
            ("needs", &|h| h.tap(AR.next)),
            ("review", &|h| h.tap(AR.next)),
            ("ticket", &|h| {
                h.tap(AR.confirm);
                h.wait("ticket", |a| a.flow.borrow().screen == Screen::Ticket);
            }),
        ];
        let mut line = format!("render {orient}:");
        for (name, go) in screens {
            go(&h);
            h.render(); // warm-up (glyph cache)
            let mut v: Vec<f64> = (0..30)
                .map(|_| {
                    let t = Instant::now();
                    h.render();
                    t.elapsed().as_secs_f64() * 1000.0
                })
                .collect();
            line += &format!(" {name} {:.1}/{:.1}", pct(&mut v, 0.5), pct(&mut v, 1.0));
        }
        println!("{line} ms (median/max of 30 full repaints incl. a fresh buffer)");
    }
    println!(
        "bench process peak RSS (kiosk UI + counter-server in one process): {:.1} MB",
        kiosk::peak_rss_kb() as f64 / 1024.0
    );
    server.stop();
}
