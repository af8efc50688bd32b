//! Computing the metrics of a period: the rows are read on the blocking pool and handed to a
//! function of `crate::metrics` (the API's JSON and CSV and the console's page share it).

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::tokens;
use crate::domain::numbering::service_day;
use crate::metrics::Input;
use crate::store::StoreError;
use crate::store::metrics as rows;
use crate::store::ratings;
use crate::store::reads::ReadPool;

/// A visitor called within this wait counts as served within the target: the branch-wide
/// figure is the default target (`config::DEFAULT_TARGET_WAIT_MINUTES`).
pub const TARGET_WAIT_MINUTES: i64 = crate::config::DEFAULT_TARGET_WAIT_MINUTES as i64;

/// Loads the rows and computes, off the async executor.
pub async fn compute<T: Send + 'static>(
    reads: &ReadPool,
    now: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
    f: impl FnOnce(&Input<'_>) -> T + Send + 'static,
) -> Result<T, StoreError> {
    let today = service_day(now);
    reads
        .run(move |conn| {
            let r = rows::load(conn, from, to)?;
            Ok(f(&Input {
                from,
                to,
                today,
                target_wait_s: TARGET_WAIT_MINUTES * 60,
                visits: &r.visits,
                ratings: &r.ratings,
                committee_dates: &r.committee_dates,
                staff_names: &r.staff_names,
            }))
        })
        .await
}

/// Whether `token` is a live scraper token of `GET /metrics` (made with `add-metrics-token`).
pub async fn scraper_allowed(reads: &ReadPool, token: &str) -> Result<bool, StoreError> {
    if !tokens::well_formed(token) {
        return Ok(false);
    }
    let hash = tokens::hash(token);
    reads
        .run(move |conn| ratings::metrics_token_valid(conn, &hash))
        .await
}

/// The roll-up outbox's backlog and dropped facts, for the Prometheus text.
pub async fn outbox_state(reads: &ReadPool) -> Result<crate::store::outbox::State, StoreError> {
    reads.run(crate::store::outbox::state).await
}

/// Webhook deliveries waiting and dead, for the Prometheus text.
pub async fn webhook_counts(reads: &ReadPool) -> Result<(i64, i64), StoreError> {
    reads.run(crate::store::webhooks::counts).await
}

/// Today's counters for the Prometheus text.
pub async fn counters(reads: &ReadPool, today: NaiveDate) -> Result<rows::Counters, StoreError> {
    reads.run(move |conn| rows::counters(conn, today)).await
}
