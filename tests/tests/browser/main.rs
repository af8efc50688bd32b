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

/// A test server whose injected clock stands at 09:00 in Riyadh today, so that slots set for
/// later today are ahead whatever the hour of the run; with that time and the clock.
pub fn at_nine_in_riyadh_today() -> (
    chrono::DateTime<chrono::FixedOffset>,
    std::sync::Arc<counter_server::clock::ManualClock>,
    e2e::TestServer,
) {
    let riyadh = chrono::FixedOffset::east_opt(3 * 3600).unwrap();
    let nine = chrono::Utc::now()
        .with_timezone(&riyadh)
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        .and_local_timezone(riyadh)
        .unwrap();
    let clock = std::sync::Arc::new(counter_server::clock::ManualClock::new(
        nine.with_timezone(&chrono::Utc),
    ));
    let server = e2e::TestServer::start_with(e2e::TestOptions {
        clock: clock.clone(),
        ..e2e::TestOptions::default()
    });
    (nine, clock, server)
}
