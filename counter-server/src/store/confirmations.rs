//! SQL of the applicant's confirmation (policy 6.4): a desk's request that its applicant tablet
//! show the visit's data (one per desk), and the confirmations, immutable once written (a trigger refuses any
//! UPDATE; retention deletes them with the visit). The rules are in `domain::confirmation`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, parse_time, time_str};
use crate::domain::{DeskId, StaffId, TicketId};

/// A desk's request that its tablet show the visit's data for confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    pub desk: DeskId,
    pub ticket: TicketId,
    pub asked_at: DateTime<Utc>,
    pub asked_by: StaffId,
    pub shown_at: Option<DateTime<Utc>>,
    pub declined_at: Option<DateTime<Utc>>,
}

/// Asks for a confirmation of `ticket` on the desk's tablet, replacing what the desk asked before.
pub fn ask(
    conn: &Connection,
    desk: DeskId,
    ticket: TicketId,
    staff: StaffId,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    withdraw_at_desk(conn, desk)?;
    conn.prepare_cached(
        "INSERT INTO confirmation_requests (desk, ticket_id, asked_at, asked_by)
         VALUES (?1, ?2, ?3, ?4)",
    )
    .ctx("prepare ask confirmation")?
    .execute(params![desk, ticket, time_str(now), staff])
    .ctx("ask confirmation")?;
    Ok(conn.last_insert_rowid())
}

fn request_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    Ok(RequestRow {
        id: r.get(0)?,
        desk: r.get(1)?,
        ticket: r.get(2)?,
        asked_at: parse_time(&r.get::<_, String>(3)?),
        asked_by: r.get(4)?,
        shown_at: r.get::<_, Option<String>>(5)?.as_deref().map(parse_time),
        declined_at: r.get::<_, Option<String>>(6)?.as_deref().map(parse_time),
    })
}

const REQUEST_COLUMNS: &str = "id, desk, ticket_id, asked_at, asked_by, shown_at, declined_at";

/// The request open at a desk, if any.
pub fn request_at_desk(conn: &Connection, desk: DeskId) -> Result<Option<RequestRow>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM confirmation_requests WHERE desk = ?1"
    ))
    .ctx("prepare confirmation request")?
    .query_row([desk], request_row)
    .optional()
    .ctx("confirmation request")
}

/// The request about one visit, if any.
pub fn request_for_ticket(
    conn: &Connection,
    ticket: TicketId,
) -> Result<Option<RequestRow>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {REQUEST_COLUMNS} FROM confirmation_requests WHERE ticket_id = ?1"
    ))
    .ctx("prepare confirmation request of ticket")?
    .query_row([ticket], request_row)
    .optional()
    .ctx("confirmation request of ticket")
}

/// The first time the tablet fetched the request (the moment the data was shown).
pub fn mark_shown(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE confirmation_requests SET shown_at = ?2 WHERE id = ?1 AND shown_at IS NULL",
        params![id, time_str(now)],
    )
    .ctx("mark confirmation shown")?;
    Ok(())
}

/// "Something is wrong": the desk sees when it was said.
pub fn decline(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE confirmation_requests SET declined_at = ?2 WHERE id = ?1",
        params![id, time_str(now)],
    )
    .ctx("decline confirmation")?;
    Ok(())
}

pub fn withdraw_at_desk(conn: &Connection, desk: DeskId) -> Result<(), StoreError> {
    conn.execute("DELETE FROM confirmation_requests WHERE desk = ?1", [desk])
        .ctx("withdraw confirmation request")?;
    Ok(())
}

/// How the applicant confirmed: signed on the tablet, or on paper as a staff member recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    Screen { strokes: String, device: i64 },
    Paper { recorded_by: StaffId },
}

/// A confirmation as written (immutable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfirmationRow {
    pub id: i64,
    pub ticket: TicketId,
    pub data: String,
    pub fingerprint: String,
    pub declaration_version: String,
    pub method: Method,
    pub desk: Option<DeskId>,
    pub confirmed_at: DateTime<Utc>,
}

/// What a new confirmation holds.
pub struct NewConfirmation<'a> {
    pub ticket: TicketId,
    pub data: &'a str,
    pub fingerprint: &'a str,
    pub declaration_version: &'a str,
    pub method: &'a Method,
    pub desk: Option<DeskId>,
}

pub fn record(
    conn: &Connection,
    c: &NewConfirmation<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let (method, strokes, device, recorded_by) = match c.method {
        Method::Screen { strokes, device } => {
            ("screen", Some(strokes.as_str()), Some(*device), None)
        }
        Method::Paper { recorded_by } => ("paper", None, None, Some(*recorded_by)),
    };
    conn.prepare_cached(
        "INSERT INTO confirmations (ticket_id, data, data_sha256, declaration_version, method,
             strokes, device_id, recorded_by, desk, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .ctx("prepare record confirmation")?
    .execute(params![
        c.ticket,
        c.data,
        c.fingerprint,
        c.declaration_version,
        method,
        strokes,
        device,
        recorded_by,
        c.desk,
        time_str(now)
    ])
    .ctx("record confirmation")?;
    Ok(conn.last_insert_rowid())
}

/// The visit's newest confirmation: the one that counts.
pub fn latest(conn: &Connection, ticket: TicketId) -> Result<Option<ConfirmationRow>, StoreError> {
    conn.prepare_cached(
        "SELECT id, ticket_id, data, data_sha256, declaration_version, method, strokes, device_id,
                recorded_by, desk, confirmed_at
         FROM confirmations WHERE ticket_id = ?1 ORDER BY id DESC LIMIT 1",
    )
    .ctx("prepare latest confirmation")?
    .query_row([ticket], |r| {
        let method = match r.get::<_, String>(5)?.as_str() {
            "screen" => Method::Screen {
                strokes: r.get(6)?,
                device: r.get(7)?,
            },
            _ => Method::Paper {
                recorded_by: r.get(8)?,
            },
        };
        Ok(ConfirmationRow {
            id: r.get(0)?,
            ticket: r.get(1)?,
            data: r.get(2)?,
            fingerprint: r.get(3)?,
            declaration_version: r.get(4)?,
            method,
            desk: r.get(9)?,
            confirmed_at: parse_time(&r.get::<_, String>(10)?),
        })
    })
    .optional()
    .ctx("latest confirmation")
}

/// The desk an applicant tablet faces, by the hash of its token (revoked tablets face none).
pub fn tablet_desk(
    conn: &Connection,
    token_hash: &[u8; 32],
) -> Result<Option<(i64, DeskId)>, StoreError> {
    conn.prepare_cached(
        "SELECT id, desk FROM devices
         WHERE token_hash = ?1 AND scope = 'applicant' AND revoked_at IS NULL",
    )
    .ctx("prepare tablet lookup")?
    .query_row([&token_hash[..]], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
    .ctx("tablet lookup")
}

/// Pairs a new applicant tablet with a desk.
pub fn create_tablet(
    conn: &Connection,
    name: &str,
    desk: DeskId,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO devices (name, scope, token_hash, created_at, desk)
         VALUES (?1, 'applicant', ?2, ?3, ?4)",
        params![name, &token_hash[..], time_str(now), desk],
    )
    .ctx("create applicant tablet")?;
    Ok(conn.last_insert_rowid())
}
