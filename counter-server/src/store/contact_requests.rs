//! The ratings' "please contact me" requests: the list of a period with their owner and handled
//! state, one by id, taking one, marking one handled, and the count still open. The handled note
//! is erased with the rating's comment by `retention::destroy_personal_data`.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Context, StoreError, parse_day, parse_time, time_str};
use crate::domain::StaffId;
use crate::domain::contact_request::ContactFacts;

/// A staff member as the list names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMark {
    pub id: StaffId,
    pub name: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContactRow {
    pub id: i64,
    pub ticket: i64,
    pub label: String,
    pub service: String,
    pub day: NaiveDate,
    pub score: u8,
    pub comment: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub served_by: Option<StaffId>,
    /// Who took it, and when.
    pub owner: Option<StaffMark>,
    /// Who marked it handled, and when.
    pub handled: Option<StaffMark>,
    /// The handler's note (personal-ish: its reads are audited; erased by retention).
    pub note: Option<String>,
}

impl ContactRow {
    pub fn facts(&self) -> ContactFacts {
        ContactFacts {
            served_by: self.served_by,
            owner: self.owner.as_ref().map(|o| o.id),
            handled: self.handled.is_some(),
        }
    }
}

const SELECT: &str = "SELECT c.id, t.id, t.label, r.service, r.service_day, r.score, r.comment,
        c.requested_at, r.staff_id, c.owner_id, o.display_name, c.taken_at, c.handled_by,
        h.display_name, c.handled_at, c.handled_note
    FROM contact_requests c JOIN ratings r ON r.id = c.rating_id JOIN tickets t ON t.id = r.ticket_id
    LEFT JOIN staff o ON o.id = c.owner_id LEFT JOIN staff h ON h.id = c.handled_by";

fn mark(r: &Row<'_>, id: usize, name: usize, at: usize) -> rusqlite::Result<Option<StaffMark>> {
    let id: Option<StaffId> = r.get(id)?;
    let at: Option<String> = r.get(at)?;
    Ok(match (id, at) {
        (Some(id), Some(at)) => Some(StaffMark {
            id,
            name: r.get::<_, Option<String>>(name)?.unwrap_or_default(),
            at: parse_time(&at),
        }),
        _ => None,
    })
}

fn row(r: &Row<'_>) -> rusqlite::Result<ContactRow> {
    Ok(ContactRow {
        id: r.get(0)?,
        ticket: r.get(1)?,
        label: r.get(2)?,
        service: r.get(3)?,
        day: parse_day(&r.get::<_, String>(4)?),
        score: r.get(5)?,
        comment: r.get(6)?,
        requested_at: parse_time(&r.get::<_, String>(7)?),
        served_by: r.get(8)?,
        owner: mark(r, 9, 10, 11)?,
        handled: mark(r, 12, 13, 14)?,
        note: r.get(15)?,
    })
}

/// The requests of ratings of `from..=to`, oldest first.
pub fn in_period(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ContactRow>, StoreError> {
    conn.prepare_cached(&format!(
        "{SELECT} WHERE r.service_day BETWEEN ?1 AND ?2 ORDER BY c.id"
    ))
    .ctx("prepare contact requests")?
    .query_map(params![from.to_string(), to.to_string()], row)
    .ctx("contact requests")?
    .collect::<Result<_, _>>()
    .ctx("contact request rows")
}

pub fn by_id(conn: &Connection, id: i64) -> Result<Option<ContactRow>, StoreError> {
    conn.prepare_cached(&format!("{SELECT} WHERE c.id = ?1"))
        .ctx("prepare contact request")?
        .query_row([id], row)
        .optional()
        .ctx("contact request")
}

pub fn take(
    conn: &Connection,
    id: i64,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE contact_requests SET owner_id = ?2, taken_at = ?3 WHERE id = ?1",
        params![id, staff, time_str(now)],
    )
    .ctx("take contact request")?;
    Ok(())
}

/// Marks it handled by `staff` with `note`; `staff` becomes its owner if nobody was.
pub fn handle(
    conn: &Connection,
    id: i64,
    staff: StaffId,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE contact_requests SET owner_id = COALESCE(owner_id, ?2),
            taken_at = COALESCE(taken_at, ?3), handled_by = ?2, handled_at = ?3, handled_note = ?4
         WHERE id = ?1",
        params![id, staff, time_str(now), note],
    )
    .ctx("handle contact request")?;
    Ok(())
}

/// Requests not yet handled, of any day, leaving out those of visits `hidden_from` served (the
/// board of the staff member who served a visit does not count its request).
pub fn open_count(conn: &Connection, hidden_from: Option<StaffId>) -> Result<u32, StoreError> {
    conn.prepare_cached(
        "SELECT count(*) FROM contact_requests c JOIN ratings r ON r.id = c.rating_id
         WHERE c.handled_at IS NULL AND (?1 IS NULL OR r.staff_id IS NOT ?1)",
    )
    .ctx("prepare open contact requests")?
    .query_row([hidden_from], |r| r.get(0))
    .ctx("open contact requests")
}
