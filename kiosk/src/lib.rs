//! The walk-in kiosk: ticket mode.
//!
//! Layout:
//! - `flow`: the visitor's screens, what they typed, the idle wipe; plain Rust, clock injected.
//! - `api`: the counter-server's JSON (`awn_core::wire`), read leniently. The intake rules, labels
//!   and rating reasons are `awn_core`'s, shared with the server.
//! - `client`: HTTP on a worker thread: retries with the same idempotency key, reconnects.
//! - `adapters`: the `ui` crate's globals ↔ the flow (`App`).
//! - `text`: every string in Arabic and English.
//! - `printer`: the print thread (`kiosk-printer`'s `PrintWorker`) and what goes on paper.
//! - `headless`: software rendering into a pixel buffer (tests, screenshots, bench).
//! - `config`: TOML file + command line.
//! - `fullscreen`: `--fullscreen` that also works with no window manager.
//! - `rating_flow`, `rating_client`, `rating_adapters`: the rating mode (`--mode rating`), the
//!   touchscreen at the exit where a visitor rates a finished visit.
//!
//! Nothing the visitor types is written to disk.

pub mod adapters;
pub mod api;
pub mod client;
pub mod config;
pub mod flow;
pub mod fullscreen;
pub mod headless;
pub mod printer;
pub mod rating_adapters;
pub mod rating_client;
pub mod rating_flow;
pub mod text;
pub mod tls;

use adapters::App;
use client::{Client, HttpApi, RetryPolicy, Waker};
use config::Config;
use flow::{Flow, SystemClock};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

thread_local! {
    /// The running app, so the worker's waker can reach it on the UI thread.
    static APP: RefCell<Option<Rc<App>>> = const { RefCell::new(None) };
}

/// Builds the kiosk (UI, flow, client, printer) in the current platform.
pub fn init(cfg: &Config, waker: Waker) -> Result<Rc<App>, String> {
    let token = cfg.token()?;
    let api = HttpApi::with_trust(
        &cfg.server,
        &token,
        Duration::from_millis(cfg.request_timeout_ms),
        cfg.trust()?.as_ref(),
    );
    let client = Client::start(api, RetryPolicy::default(), waker.clone());
    let printer = printer::Printer::start(cfg.printer(), waker)?;
    let clock = Rc::new(SystemClock);
    let flow = Flow::new(cfg.flow(), std::time::Instant::now());
    let ui = ui::Kiosk::new().map_err(|e| e.to_string())?;
    Ok(App::new(
        ui,
        flow,
        client,
        printer,
        clock,
        cfg.public_base(),
    ))
}

/// The program: parse the configuration, open the window (or KMS screen), run the event loop.
pub fn run() -> Result<(), String> {
    let cfg = Config::from_command_line()?;
    if let Some(out) = cfg.headless_frame.clone() {
        return headless_frame(&cfg, &out);
    }
    if !cfg!(any(feature = "window", feature = "kms")) {
        return Err("this build has no display backend: build with `--features window` (X11/Wayland) or `--features kms` (bare Linux box)".into());
    }
    let waker: Waker = std::sync::Arc::new(|| {
        let _ = slint::invoke_from_event_loop(|| {
            APP.with(|a| {
                if let Some(app) = a.borrow().as_ref() {
                    app.poll();
                }
            })
        });
    });
    if cfg.mode == config::Mode::Rating {
        return run_rating(&cfg);
    }
    let app = init(&cfg, waker)?;
    APP.with(|a| *a.borrow_mut() = Some(app.clone()));
    let timer = slint::Timer::default();
    let weak = Rc::downgrade(&app);
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(250),
        move || {
            if let Some(app) = weak.upgrade() {
                app.tick();
            }
        },
    );
    if cfg.fullscreen {
        fullscreen::fill_screen(&app.ui);
    }
    app.ui.run().map_err(|e| e.to_string())?;
    APP.with(|a| a.borrow_mut().take());
    Ok(())
}

thread_local! {
    static RATING_APP: RefCell<Option<Rc<rating_adapters::RatingApp>>> = const { RefCell::new(None) };
}

/// Builds the rating mode (UI, flow, worker) in the current platform.
pub fn init_rating(cfg: &Config, waker: Waker) -> Result<Rc<rating_adapters::RatingApp>, String> {
    let token = cfg.token()?;
    let api = rating_client::HttpRatingApi::with_trust(
        &cfg.server,
        &token,
        Duration::from_millis(cfg.request_timeout_ms),
        cfg.trust()?.as_ref(),
    );
    let client = rating_client::RatingClient::start(api, waker);
    let flow = rating_flow::RatingFlow::new(cfg.flow(), std::time::Instant::now());
    let ui = ui::RatingKiosk::new().map_err(|e| e.to_string())?;
    Ok(rating_adapters::RatingApp::new(
        ui,
        flow,
        client,
        Rc::new(SystemClock),
    ))
}

/// `--mode rating`: the touchscreen at the exit.
fn run_rating(cfg: &Config) -> Result<(), String> {
    let waker: Waker = std::sync::Arc::new(|| {
        let _ = slint::invoke_from_event_loop(|| {
            RATING_APP.with(|a| {
                if let Some(app) = a.borrow().as_ref() {
                    app.poll();
                }
            })
        });
    });
    let app = init_rating(cfg, waker)?;
    RATING_APP.with(|a| *a.borrow_mut() = Some(app.clone()));
    let timer = slint::Timer::default();
    let weak = Rc::downgrade(&app);
    timer.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(250),
        move || {
            if let Some(app) = weak.upgrade() {
                app.tick();
            }
        },
    );
    if cfg.fullscreen {
        fullscreen::fill_screen(&app.ui);
    }
    app.ui.run().map_err(|e| e.to_string())?;
    RATING_APP.with(|a| a.borrow_mut().take());
    Ok(())
}

/// Renders the welcome screen once without any display and writes it as PNG; prints
/// `first-frame <ms>` (time since `main` started is measured by the caller: see the bench).
fn headless_frame(cfg: &Config, out: &std::path::Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    let win = headless::install(1080, 1920).map_err(|e| e.to_string())?;
    let app = init(cfg, std::sync::Arc::new(|| {}))?;
    app.ui.show().map_err(|e| e.to_string())?;
    let (w, h, px) = headless::frame(&win);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    println!("first-frame {ms:.1}");
    println!("peak-rss-kb {}", peak_rss_kb());
    headless::save_png(out, w, h, &px).map_err(|e| e.to_string())
}

/// Peak resident set size of this process (Linux `VmHWM`), 0 where unknown.
pub fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}
