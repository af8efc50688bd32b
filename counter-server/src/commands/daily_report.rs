//! The end-of-day report of one service day: the figures of `metrics::report_groups` against each
//! service's target (`ServiceConfig::target_wait_minutes`, the one source), and the follow-ups
//! open now (contact requests, registered requests and how many are overdue).

use chrono::{DateTime, NaiveDate, Utc};

use super::committee::facts;
use crate::config::{Config, DEFAULT_TARGET_WAIT_MINUTES};
use crate::daily_report::{self, DailyReport, FollowUps};
use crate::domain::StaffId;
use crate::domain::committee::{self, Reminder};
use crate::domain::numbering::service_day;
use crate::store::StoreError;
use crate::store::reads::ReadPool;
use crate::store::{committee as requests, contact_requests};

/// The report of `day`; `viewer` is a supervisor, whose count of open contact requests leaves out
/// those of visits they served.
pub async fn daily_report(
    reads: &ReadPool,
    config: &Config,
    now: DateTime<Utc>,
    day: NaiveDate,
    viewer: Option<StaffId>,
) -> Result<DailyReport, StoreError> {
    let services: Vec<(String, u32)> = config
        .services
        .iter()
        .map(|s| (s.code.clone(), s.target_wait_minutes()))
        .collect();
    let overdue_days = config.committee.overdue_days;
    let today = service_day(now);
    let follow_ups = reads
        .run(move |conn| {
            let mut f = FollowUps {
                open_contact_requests: contact_requests::open_count(conn, viewer)?,
                ..FollowUps::default()
            };
            for r in requests::requests(conn)? {
                let facts = facts(&r);
                if committee::is_open(facts) {
                    f.open_committee_requests += 1;
                    let overdue = committee::reminder(facts, today, overdue_days);
                    f.overdue_committee_requests += usize::from(overdue == Some(Reminder::Overdue));
                }
            }
            Ok(f)
        })
        .await?;
    super::metrics::compute(reads, now, day, day, move |input| {
        daily_report::build(input, &services, DEFAULT_TARGET_WAIT_MINUTES, follow_ups)
    })
    .await
}
