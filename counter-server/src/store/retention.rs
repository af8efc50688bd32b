//! The retention purge: destroys the personal data of visits closed long enough ago, keeping the
//! de-identified statistics (service, day, times, outcome, desk, ratings).
//!
//! Idempotent: a purged visit is marked (`tickets.purged_at`) and never touched again. Visits under
//! a legal hold are skipped. With `secure_delete` on (every write connection) the deleted rows are
//! overwritten, and a TRUNCATE checkpoint afterwards leaves no old copy in the WAL. It reports
//! counts only, never what it destroyed.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

use super::{Context, StoreError, time_str};
use crate::domain::committee;

/// How long personal data is kept after a visit closes, per service (its purpose), and after a
/// support request registered in the visit closes (the request's own purpose, policy 6.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetentionPolicy {
    pub default_days: u32,
    pub by_service: BTreeMap<String, u32>,
    pub request_days: u32,
}

/// The documented default: 180 days after the visit closed.
pub const DEFAULT_RETENTION_DAYS: u32 = 180;
/// The documented default for a registered request: two years after the applicant was told of
/// the committee's final answer (the paper file's reference must still find the data).
pub const DEFAULT_REQUEST_RETENTION_DAYS: u32 = 730;

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            default_days: DEFAULT_RETENTION_DAYS,
            by_service: BTreeMap::new(),
            request_days: DEFAULT_REQUEST_RETENTION_DAYS,
        }
    }
}

/// A visit's support request, as far as retention goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// No request was registered in the visit.
    None,
    /// Registered and not yet closed (`domain::committee::closed_on`).
    Open,
    /// Closed on this day.
    Closed(NaiveDate),
}

impl RetentionPolicy {
    pub fn days_for(&self, service: &str) -> u32 {
        self.by_service
            .get(service)
            .copied()
            .unwrap_or(self.default_days)
    }

    /// Whether a visit closed at `closed_at` is past its time at `now`: its service's period, and
    /// for a registered request also the request's own, which does not start while it is open.
    pub fn expired(
        &self,
        service: &str,
        closed_at: DateTime<Utc>,
        request: Request,
        now: DateTime<Utc>,
    ) -> bool {
        let visit_expired = closed_at < now - Duration::days(i64::from(self.days_for(service)));
        let request_expired = match request {
            Request::None => true,
            Request::Open => false,
            Request::Closed(on) => {
                on.and_time(NaiveTime::MIN).and_utc()
                    < now - Duration::days(i64::from(self.request_days))
            }
        };
        visit_expired && request_expired
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Visits whose personal data was destroyed in this run.
    pub visits: usize,
    /// Of those, how many had an intake.
    pub intakes: usize,
    /// Closed visits past their window left alone because of a legal hold.
    pub held: usize,
}

/// Tables keyed by ticket that hold personal data (intake, the plaintext token kept for retries,
/// staff notes, which may name people), emptied for a purged visit.
const PERSONAL_TABLES: &[&str] = &[
    "intakes",
    "idempotency_keys",
    "reception_idempotency_keys",
    "visit_notes",
    "visit_documents",
    "registration_overrides",
    "confirmation_requests",
    "confirmations",
    "notify_requests",
];

/// Runs the purge in one IMMEDIATE transaction, then checkpoints the WAL.
pub fn purge(
    conn: &mut Connection,
    policy: &RetentionPolicy,
    now: DateTime<Utc>,
) -> Result<PurgeReport, StoreError> {
    let mut report = PurgeReport::default();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("begin purge")?;
    let candidates: Vec<(i64, String, String, bool)> = {
        let mut stmt = tx
            .prepare(
                "SELECT t.id, t.service, COALESCE(t.finished_at, t.issued_at), h.ticket_id IS NOT NULL
                 FROM tickets t LEFT JOIN legal_holds h ON h.ticket_id = t.id
                 WHERE t.purged_at IS NULL AND t.state IN ('done', 'no_show', 'cancelled', 'expired')",
            )
            .ctx("prepare purge candidates")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .ctx("purge candidates")?;
        rows.collect::<Result<_, _>>().ctx("purge candidate")?
    };
    let requests: BTreeMap<i64, Request> = super::committee::requests(&tx)?
        .into_iter()
        .map(|r| {
            let closed = committee::closed_on(r.decision.map(|d| d.1), r.informed.map(|i| i.1));
            (r.ticket, closed.map_or(Request::Open, Request::Closed))
        })
        .collect();
    for (id, service, closed_at, held) in candidates {
        let request = requests.get(&id).copied().unwrap_or(Request::None);
        if !policy.expired(&service, super::parse_time(&closed_at), request, now) {
            continue;
        }
        if held {
            report.held += 1;
            continue;
        }
        if destroy_personal_data(&tx, id, now)? {
            report.intakes += 1;
        }
        report.visits += 1;
    }
    // Webhook deliveries carry no personal data, but nothing is kept for ever.
    super::webhooks::forget_delivered(&tx, now)?;
    // A remote place's check-in code and hashed address serve only its day.
    let today = crate::domain::numbering::service_day(now);
    super::remote::purge(&tx, today)?;
    super::appointments::purge(&tx, today)?;
    // A number or subscription for "your turn is near" is held only while its visit lasts (the
    // notify worker erases it as the visit ends; this catches one missed by a crash).
    super::notify::erase_ended(&tx)?;
    // Likewise an appointment's reminder number, until its booking is checked in, cancelled or
    // its day has passed.
    super::appointments::erase_reminders_over(&tx, today)?;
    tx.commit().ctx("commit purge")?;
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .ctx("checkpoint after purge")?;
    tracing::info!(
        visits = report.visits,
        intakes = report.intakes,
        held = report.held,
        "retention purge"
    );
    Ok(report)
}

/// Destroys what a visit holds about the person: the tables in `PERSONAL_TABLES` (with the staff
/// member's closing note, the documents checked and a registration override's reason), the details of its events (the referral reason), the comment of its
/// rating and the note on its contact request, and the status
/// token's hash (replaced by random bytes, so the QR link can never find it again). Returns whether
/// the visit had an intake. Used by the purge and by a visitor's deletion request.
pub fn destroy_personal_data(
    conn: &Connection,
    ticket: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut had_intake = false;
    for table in PERSONAL_TABLES {
        let n = conn
            .execute(
                &format!("DELETE FROM {table} WHERE ticket_id = ?1"),
                [ticket],
            )
            .ctx("destroy personal rows")?;
        had_intake |= *table == "intakes" && n > 0;
    }
    // Keyed by the booking the visit checked in with, not by ticket (like `PERSONAL_TABLES`).
    conn.execute(
        "DELETE FROM appointment_reminders WHERE appointment_id IN
             (SELECT id FROM appointments WHERE ticket_id = ?1)",
        [ticket],
    )
    .ctx("destroy reminder number")?;
    // The visit's path stays for the statistics (action, desk, time), but its details are staff
    // free text (a referral's reason may name people).
    conn.execute(
        "UPDATE ticket_events SET detail = NULL WHERE ticket_id = ?1 AND detail IS NOT NULL",
        [ticket],
    )
    .ctx("erase event details")?;
    // A rating stays for the statistics, but its comment is the visitor's free text.
    conn.execute(
        "UPDATE ratings SET comment = NULL WHERE ticket_id = ?1 AND comment IS NOT NULL",
        [ticket],
    )
    .ctx("erase rating comment")?;
    // So is the note of the supervisor who handled its contact request.
    conn.execute(
        "UPDATE contact_requests SET handled_note = NULL
         WHERE handled_note IS NOT NULL AND rating_id IN (SELECT id FROM ratings WHERE ticket_id = ?1)",
        [ticket],
    )
    .ctx("erase contact request note")?;
    conn.execute(
        "UPDATE tickets SET status_token_hash = randomblob(32), purged_at = ?2 WHERE id = ?1",
        params![ticket, time_str(now)],
    )
    .ctx("destroy token")?;
    Ok(had_intake)
}

/// Whether a visit is under a legal hold.
pub fn is_held(conn: &Connection, ticket: i64) -> Result<bool, StoreError> {
    super::exists(
        conn,
        "SELECT 1 FROM legal_holds WHERE ticket_id = ?1",
        [ticket],
    )
}

/// Places a legal hold on a visit: the purge will skip it until the hold is lifted.
pub fn place_hold(
    conn: &Connection,
    ticket: i64,
    reason: &str,
    staff: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO legal_holds (ticket_id, reason, placed_by, placed_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (ticket_id) DO UPDATE SET reason = excluded.reason, placed_by = excluded.placed_by, placed_at = excluded.placed_at",
        params![ticket, reason, staff, time_str(now)],
    )
    .ctx("place hold")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_time(NaiveTime::MIN)
            .and_utc()
            + Duration::days(i64::from(day))
    }

    #[test]
    fn a_registered_request_keeps_its_visit_until_its_own_period_ends() {
        let policy = RetentionPolicy {
            default_days: 30,
            by_service: BTreeMap::new(),
            request_days: 100,
        };
        let closed = at(0);
        let expired = |request, now| policy.expired("any", closed, request, at(now));
        assert!(!expired(Request::None, 30));
        assert!(expired(Request::None, 31));
        // Open: kept however long it takes, and the request's period starts when it closes.
        assert!(!expired(Request::Open, 1000));
        let told = at(40).date_naive();
        assert!(!expired(Request::Closed(told), 140));
        assert!(expired(Request::Closed(told), 141));
        // A request closed at once never shortens the visit's own period.
        assert!(!expired(Request::Closed(closed.date_naive()), 30));
    }
}
