//! SQL of the research committee's requests (policy 6.5): the registered requests with their
//! latest decision and whether the applicant was told. The rules are `domain::committee`.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, parse_day, time_str};
use crate::domain::committee::{Channel, Decision};
use crate::domain::{StaffId, TicketId};

/// A registered request as the committee's list shows it. No personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub follow_up: i64,
    pub reference: String,
    pub ticket: TicketId,
    pub label: String,
    /// The line the visit was served in.
    pub service: String,
    pub registered: NaiveDate,
    pub earliest_answer: NaiveDate,
    /// The latest decision: its row, what, and the day the committee decided.
    pub decision: Option<(i64, Decision, NaiveDate)>,
    /// How and when the applicant was told of the latest decision.
    pub informed: Option<(Channel, NaiveDate)>,
    /// The staff member who registered it.
    pub registered_by: StaffId,
}

const SELECT: &str = "SELECT f.id, f.reference, f.ticket_id, t.label, t.line, f.visit_date, f.earliest_answer_date,
        d.id, d.decision, d.decided_on, i.channel, i.informed_on, f.opened_by
     FROM follow_ups f JOIN tickets t ON t.id = f.ticket_id
     LEFT JOIN committee_decisions d ON d.id = (SELECT max(id) FROM committee_decisions WHERE follow_up_id = f.id)
     LEFT JOIN applicant_informed i ON i.id = (SELECT max(id) FROM applicant_informed WHERE decision_id = d.id)";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    let decision = match (
        r.get::<_, Option<i64>>(7)?,
        r.get::<_, Option<String>>(8)?
            .as_deref()
            .and_then(Decision::parse),
        r.get::<_, Option<String>>(9)?,
    ) {
        (Some(id), Some(d), Some(on)) => Some((id, d, parse_day(&on))),
        _ => None,
    };
    let informed = match (
        r.get::<_, Option<String>>(10)?
            .as_deref()
            .and_then(Channel::parse),
        r.get::<_, Option<String>>(11)?,
    ) {
        (Some(c), Some(on)) => Some((c, parse_day(&on))),
        _ => None,
    };
    Ok(RequestRow {
        follow_up: r.get(0)?,
        reference: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
        ticket: r.get(2)?,
        label: r.get(3)?,
        service: r.get(4)?,
        registered: parse_day(&r.get::<_, String>(5)?),
        earliest_answer: parse_day(&r.get::<_, String>(6)?),
        decision,
        informed,
        registered_by: r.get(12)?,
    })
}

/// Every registered request, earliest answer date first.
pub fn requests(conn: &Connection) -> Result<Vec<RequestRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!("{SELECT} ORDER BY f.earliest_answer_date, f.id"))
        .ctx("prepare requests")?;
    let rows = stmt.query_map([], row).ctx("requests")?;
    rows.collect::<Result<_, _>>().ctx("request row")
}

pub fn request_by_reference(
    conn: &Connection,
    reference: &str,
) -> Result<Option<RequestRow>, StoreError> {
    conn.prepare_cached(&format!("{SELECT} WHERE f.reference = ?1"))
        .ctx("prepare request by reference")?
        .query_row([reference], row)
        .optional()
        .ctx("request by reference")
}

/// The requests of the visits whose intake holds this national ID (still held: not yet erased).
pub fn requests_by_national_id(
    conn: &Connection,
    national_id: &str,
) -> Result<Vec<RequestRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(&format!(
            "{SELECT} JOIN intakes n ON n.ticket_id = f.ticket_id WHERE n.national_id = ?1 ORDER BY f.id"
        ))
        .ctx("prepare requests by national id")?;
    let rows = stmt
        .query_map([national_id], row)
        .ctx("requests by national id")?;
    rows.collect::<Result<_, _>>().ctx("request row")
}

/// Gives a newly opened request its reference: the request is registered (a roll-up fact, by
/// reference and visit only).
pub fn set_reference(
    conn: &Connection,
    follow_up: i64,
    ticket: TicketId,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE follow_ups SET reference = ?2 WHERE id = ?1")
        .ctx("prepare reference")?
        .execute(params![follow_up, reference])
        .ctx("set reference")?;
    let fact = crate::domain::rollup::request_registered(ticket, reference, now);
    super::outbox::append(conn, &[fact])?;
    super::webhooks::request_registered(conn, follow_up, reference, now)?;
    Ok(())
}

pub fn record_decision(
    conn: &Connection,
    follow_up: i64,
    reference: &str,
    decision: Decision,
    decided_on: NaiveDate,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO committee_decisions (follow_up_id, decision, decided_on, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("prepare decision")?
    .execute(params![
        follow_up,
        decision.as_str(),
        decided_on.to_string(),
        time_str(now),
        staff
    ])
    .ctx("record decision")?;
    let fact = crate::domain::rollup::committee_decision(reference, decision, decided_on, now);
    super::outbox::append(conn, &[fact])?;
    super::webhooks::enqueue(conn, now, |branch| {
        Ok(crate::domain::webhook::committee_decided(
            branch, reference, decision, decided_on, now,
        ))
    })?;
    Ok(())
}

pub fn record_informed(
    conn: &Connection,
    decision: i64,
    channel: Channel,
    informed_on: NaiveDate,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO applicant_informed (decision_id, channel, informed_on, recorded_at, recorded_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("prepare informed")?
    .execute(params![
        decision,
        channel.as_str(),
        informed_on.to_string(),
        time_str(now),
        staff
    ])
    .ctx("record informed")?;
    Ok(())
}
