//! Browser tests: the staff console, the waiting-room display and the visitor status page in a
//! real headless Chromium (Debian's `chromium` + `chromium-driver`), against the real server
//! binary with its log captured. Set `SCREENSHOT_DIR` to save the screenshots of `docs/screenshots`.

mod metrics;
mod visit;
