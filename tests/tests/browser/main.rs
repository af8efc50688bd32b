//! Browser tests: the staff console, the waiting-room display, the visitor status page, the metrics
//! page and the printable rights export in a real headless Chromium (Debian's `chromium` +
//! `chromium-driver`), against the real server binary with its log captured. Set `SCREENSHOT_DIR` to save the screenshots of `docs/screenshots`.

mod admin;
mod announce;
mod applicant;
mod appointments;
mod arrive;
mod board;
mod committee;
mod console;
mod console_steps;
mod daily_report;
mod display;
mod head_office;
mod join;
mod metrics;
mod pairing;
mod reception;
mod reference;
mod rights;
mod status;
mod visit;
mod visit_case;

/// One browser at a time: the tests time the pages, and two Chromiums on a small machine make
/// them flaky.
pub static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub use e2e::at_nine_in_riyadh_today;
