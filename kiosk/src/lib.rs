//! The walk-in kiosk: one program, two modes on one shell.
//!
//! Layout:
//! - `shell`: what both modes share: the clock, the visitor's session (language, idle timer and
//!   wipe, debounce), the typing rules, the frame around every screen (the `Shell` global:
//!   direction, shared labels, keyboard, overlays) and the window's start-up.
//! - `ticket`: the ticket mode at the entrance: its flow, view (`App`), HTTP client and printer.
//! - `rating`: the rating mode (`--mode rating`) at the exit: its flow, view and client.
//! - `api`: the counter-server's JSON (`awn_core::wire`), read leniently. The intake rules, labels
//!   and rating reasons are `awn_core`'s, shared with the server.
//! - `http`: the HTTP connection both clients use, and `ClientError`.
//! - `text`: every string in Arabic and English.
//! - `headless`: software rendering into a pixel buffer (tests, screenshots, bench).
//! - `config`: TOML file + command line. `tls`: the branch CA.
//! - `pairing`: with no token yet, the pairing screen (a six-digit code an admin types in the
//!   console), then the token file, before either mode starts.
//! - `fullscreen`: `--fullscreen` that also works with no window manager.
//!
//! Nothing the visitor types is written to disk.

pub mod api;
pub mod config;
pub mod fullscreen;
pub mod headless;
pub mod http;
pub mod pairing;
pub mod rating;
pub mod shell;
pub mod text;
pub mod ticket;
pub mod tls;

use config::{Config, Mode};
use slint::ComponentHandle;

/// The program: parse the configuration, open the window (or KMS screen), run the event loop.
pub fn run() -> Result<(), String> {
    let cfg = Config::from_command_line()?;
    if let Some(out) = cfg.headless_frame.clone() {
        return headless_frame(&cfg, &out);
    }
    if !cfg!(any(feature = "window", feature = "kms")) {
        return Err("this build has no display backend: build with `--features window` (X11/Wayland) or `--features kms` (bare Linux box)".into());
    }
    if cfg.needs_pairing() {
        pairing::run(&cfg)?;
    }
    match cfg.mode {
        Mode::Ticket => shell::window::run(|waker| ticket::init(&cfg, waker), cfg.fullscreen),
        Mode::Rating => shell::window::run(|waker| rating::init(&cfg, waker), cfg.fullscreen),
    }
}

/// Renders the welcome screen once without any display and writes it as PNG; prints
/// `first-frame <ms>` (time since `main` started is measured by the caller: see the bench).
fn headless_frame(cfg: &Config, out: &std::path::Path) -> Result<(), String> {
    let started = std::time::Instant::now();
    let win = headless::install(1080, 1920).map_err(|e| e.to_string())?;
    let app = ticket::init(cfg, std::sync::Arc::new(|| {}))?;
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
