//! `kiosk --fullscreen` on an X display with no window manager (a common bare kiosk set-up):
//! the window must cover the whole screen at 0,0, in portrait and in landscape. Runs the real
//! windowed binary against a real counter-server with the demo configuration, on Xvfb, and reads
//! the window's geometry with xwininfo.
//!
//! Needs the `window` build and Xvfb + xwininfo (Debian `xvfb`, `x11-utils`):
//!     cargo test -p kiosk --features window --test fullscreen_x11
//! Without the `window` feature this file is empty (the default build has no display backend).
#![cfg(feature = "window")]

use counter_server::testing::TestServer;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process that is killed when the test lets go of it (also on a failed assertion).
struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a display number no one uses, with one screen of this size.
fn xvfb(w: u32, h: u32) -> (Killed, String) {
    for n in 90 + std::process::id() % 100.. {
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
            || std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()
        {
            continue;
        }
        let display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([
                &display,
                "-screen",
                "0",
                &format!("{w}x{h}x24"),
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (Debian package xvfb) is installed");
        let x = Killed(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
            assert!(Instant::now() < deadline, "Xvfb {display} did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        return (x, display);
    }
    unreachable!()
}

/// The kiosk window's geometry and map state, as xwininfo reports it.
fn geometry(display: &str) -> Option<(i64, i64, i64, i64, bool)> {
    let out = Command::new("xwininfo")
        .args(["-display", display, "-name", "Awn kiosk"])
        .output()
        .expect("xwininfo (Debian package x11-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Option<i64> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
    };
    Some((
        field("Absolute upper-left X:")?,
        field("Absolute upper-left Y:")?,
        field("Width:")?,
        field("Height:")?,
        text.contains("Map State: IsViewable"),
    ))
}

#[test]
fn fullscreen_covers_the_screen_without_a_window_manager() {
    let mut server = TestServer::start();
    let token = std::env::temp_dir().join(format!("kiosk-fullscreen-{}.token", std::process::id()));
    std::fs::write(&token, &server.kiosk_token).unwrap();

    for (w, h) in [(1080, 1920), (1920, 1080)] {
        let (_x, display) = xvfb(w, h);
        let _kiosk = Killed(
            Command::new(env!("CARGO_BIN_EXE_kiosk"))
                .env("DISPLAY", &display)
                .env_remove("WAYLAND_DISPLAY")
                .arg("--server")
                .arg(&server.base_url)
                .arg("--token-file")
                .arg(&token)
                .arg("--fullscreen")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("the kiosk binary"),
        );
        let want = (0, 0, i64::from(w), i64::from(h), true);
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = None;
        while Instant::now() < deadline {
            seen = geometry(&display);
            if seen == Some(want) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(
            seen,
            Some(want),
            "{w}x{h}: the kiosk window (x, y, width, height, viewable) must cover the screen"
        );
    }
    let _ = std::fs::remove_file(&token);
    server.stop();
}
