//! Browser tests: the staff console, the waiting-room display and the visitor status page in a
//! real headless Chromium (Debian's `chromium` + `chromium-driver`), against the real server
//! binary with its log captured. Set `SCREENSHOT_DIR` to save the screenshots of `docs/screenshots`.

mod announce;
mod console;
mod display;
mod metrics;
mod status;
mod visit;
mod visit_case;

/// One browser at a time: the tests time the pages, and two Chromiums on a small machine make
/// them flaky.
pub static ONE_BROWSER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
