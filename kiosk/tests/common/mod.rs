//! Shared by the headless UI tests of both modes: a window on the software renderer, driven by
//! taps at the centre of elements found by accessible label (needs the ui crate's `debug-info`
//! feature, which kiosk's dev-dependency turns on). `Harness<App>` is the ticket mode (with its
//! printer), `Harness<RatingApp>` the rating mode.
#![allow(dead_code)]

use i_slint_backend_testing::{AccessibleRole, ElementHandle};
use kiosk::headless;
use kiosk::shell::{Clock, FlowConfig, ManualClock, ModeApp};
use kiosk::ticket::client::{Client, RetryPolicy, TicketApi};
use kiosk::ticket::flow::Flow;
use kiosk::ticket::printer::{DriverConfig, PaperWidth, Printer};
use kiosk::ticket::view::App;
use kiosk_printer::PrinterConfig;
use slint::ComponentHandle;
use slint::platform::software_renderer::MinimalSoftwareWindow;
use std::rc::Rc;
use std::time::{Duration, Instant};

pub struct Harness<A: ModeApp = App> {
    pub win: Rc<MinimalSoftwareWindow>,
    pub app: Rc<A>,
    pub clock: Rc<ManualClock>,
    /// The virtual printer's folder (`Harness::new`), removed when the harness is dropped.
    pub printed_dir: Option<std::path::PathBuf>,
}

impl<A: ModeApp> Drop for Harness<A> {
    fn drop(&mut self) {
        if let Some(d) = &self.printed_dir {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(400),
        health_every: Duration::from_millis(200),
        refresh_every: Duration::from_secs(30),
    }
}

impl Harness {
    /// The kiosk with a virtual printer writing into a fresh temporary folder.
    pub fn new(win: Rc<MinimalSoftwareWindow>, api: impl TicketApi, public_base: &str) -> Harness {
        let dir = std::env::temp_dir().join(format!(
            "kiosk-test-printed-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let cfg = PrinterConfig::new(PaperWidth::Mm80, DriverConfig::Virtual { dir: dir.clone() });
        let mut h = Harness::with_printer(win, api, public_base, cfg);
        h.printed_dir = Some(dir);
        h
    }

    /// The kiosk with a virtual printer, asking for the services every `every` (30 s otherwise).
    pub fn refreshing_every(
        win: Rc<MinimalSoftwareWindow>,
        api: impl TicketApi,
        public_base: &str,
        every: Duration,
    ) -> Harness {
        let dir = std::env::temp_dir().join(format!("kiosk-test-refresh-{}", std::process::id()));
        let cfg = PrinterConfig::new(PaperWidth::Mm80, DriverConfig::Virtual { dir: dir.clone() });
        let policy = RetryPolicy {
            refresh_every: every,
            ..fast_retries()
        };
        let mut h = Harness::with_policy(win, api, public_base, cfg, policy);
        h.printed_dir = Some(dir);
        h
    }

    /// The kiosk with this printer (e.g. `kiosk_printer::fake_printer`'s network printer).
    pub fn with_printer(
        win: Rc<MinimalSoftwareWindow>,
        api: impl TicketApi,
        public_base: &str,
        printer: PrinterConfig,
    ) -> Harness {
        Harness::with_policy(win, api, public_base, printer, fast_retries())
    }

    fn with_policy(
        win: Rc<MinimalSoftwareWindow>,
        api: impl TicketApi,
        public_base: &str,
        printer: PrinterConfig,
        policy: RetryPolicy,
    ) -> Harness {
        let clock = Rc::new(ManualClock::new());
        let client = Client::start(api, policy, std::sync::Arc::new(|| {}));
        let flow = Flow::new(FlowConfig::default(), clock.now());
        let ui = ui::Kiosk::new().expect("kiosk UI");
        let printer = Printer::start(printer, std::sync::Arc::new(|| {})).expect("print thread");
        let app = App::new(ui, flow, client, printer, clock.clone(), public_base);
        app.ui.show().expect("show");
        Harness {
            win,
            app,
            clock,
            printed_dir: None,
        }
    }

    pub fn screen(&self) -> kiosk::ticket::flow::Screen {
        self.app.flow.borrow().screen
    }

    /// Renders a frame; with `UPDATE_SCREENSHOTS=1` also saves it as
    /// docs/screenshots/kiosk-<name>.png.
    pub fn shot(&self, name: &str) {
        let (w, h, px) = headless::frame(&self.win);
        save_screenshot(&format!("kiosk-{name}.png"), w, h, &px);
    }
}

impl<A: ModeApp> Harness<A> {
    /// Texts on screen with exactly this accessible label (Text elements carry their text).
    pub fn texts(&self, label: &str) -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(self.app.ui(), label).collect()
    }

    /// Polls the worker's events until `cond` holds (real time, at most 10 s).
    pub fn wait(&self, what: &str, cond: impl Fn(&A) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            self.app.poll();
            if cond(&self.app) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Elements with this accessible label that can be tapped, in tree order.
    pub fn find(&self, label: &str) -> Vec<ElementHandle> {
        ElementHandle::find_by_accessible_label(self.app.ui(), label)
            .filter(|e| {
                matches!(
                    e.accessible_role(),
                    Some(
                        AccessibleRole::Button
                            | AccessibleRole::Checkbox
                            | AccessibleRole::TextInput
                    )
                )
            })
            .collect()
    }

    pub fn has(&self, label: &str) -> bool {
        !self.find(label).is_empty()
    }

    /// A finger tap at the centre of the topmost element with this label, at a human pace
    /// (the injected clock moves on by `pause` first).
    pub fn tap_after(&self, label: &str, pause: Duration) {
        self.clock.advance(pause);
        let e = self
            .find(label)
            .pop()
            .unwrap_or_else(|| panic!("no tappable element {label:?} on screen"));
        let (p, s) = (e.absolute_position(), e.size());
        assert!(
            s.width >= 64.0 && s.height >= 64.0,
            "{label:?} is smaller than a 64 px touch target: {s:?}"
        );
        let w = self.app.ui().window().size().to_logical(1.0);
        assert!(
            p.x >= 0.0
                && p.y >= 0.0
                && p.x + s.width <= w.width + 0.5
                && p.y + s.height <= w.height + 0.5,
            "{label:?} is (partly) off screen at {p:?} {s:?}"
        );
        headless::tap(
            self.app.ui().window(),
            p.x + s.width / 2.0,
            p.y + s.height / 2.0,
        );
    }

    pub fn tap(&self, label: &str) {
        self.tap_after(label, Duration::from_secs(1));
    }

    /// Types on the on-screen keyboard, one tap per key.
    pub fn type_keys(&self, text: &str, space_label: &str) {
        for ch in text.chars() {
            let label = if ch == ' ' {
                space_label.to_string()
            } else {
                ch.to_string()
            };
            self.tap_after(&label, Duration::from_millis(300));
        }
    }

    pub fn resize(&self, w: u32, h: u32) {
        self.win.set_size(slint::PhysicalSize::new(w, h));
    }

    /// Renders a frame without saving it (every test frame is rendered, so a layout that panics
    /// or loops is caught).
    pub fn render(&self) {
        let _ = headless::frame(&self.win);
    }
}

/// Writes a rendered frame into docs/screenshots/ only when asked (`UPDATE_SCREENSHOTS=1`, as for
/// the printed tickets), so an ordinary test run leaves the committed screenshots alone.
/// `SCREENSHOTS_DIR` writes them elsewhere instead (to look at them without touching the
/// committed ones).
pub fn save_screenshot(file_name: &str, w: u32, h: u32, px: &[slint::Rgb8Pixel]) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let dir = match std::env::var_os("SCREENSHOTS_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots"),
    };
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    headless::save_png(&dir.join(file_name), w, h, px).expect("write png");
}
