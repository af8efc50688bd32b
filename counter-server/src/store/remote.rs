//! Places joined from the phone (migration 0023): the check-in code, and the hashed address and
//! device behind the day's caps. A day's rows are deleted once the day is over (`purge`).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Context, StoreError, time_str};
use crate::domain::TicketId;

/// A new remote place's row.
pub struct NewPlace<'a> {
    pub ticket: TicketId,
    pub day: NaiveDate,
    pub code: &'a str,
    pub address_hash: &'a [u8; 32],
    pub device_hash: &'a [u8; 32],
    pub at: DateTime<Utc>,
}

pub fn insert(tx: &Transaction<'_>, p: &NewPlace<'_>) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO remote_places (ticket_id, service_day, code, address_hash, device_hash, joined_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .ctx("prepare remote place")?
    .execute(params![
        p.ticket,
        p.day.to_string(),
        p.code,
        &p.address_hash[..],
        &p.device_hash[..],
        time_str(p.at),
    ])
    .ctx("insert remote place")?;
    Ok(())
}

/// Whether `code` is taken on `day`: one code names one place or one booking of the day, since
/// the kiosk takes both.
pub fn code_taken(tx: &Transaction<'_>, day: NaiveDate, code: &str) -> Result<bool, StoreError> {
    super::exists(
        tx,
        "SELECT 1 FROM remote_places WHERE service_day = ?1 AND code = ?2
         UNION ALL SELECT 1 FROM appointments WHERE service_day = ?1 AND code = ?2",
        params![day.to_string(), code],
    )
}

/// The places joined on `day`: for `service`, from the address, from the device.
pub struct DayCounts {
    pub service: u32,
    pub address: u32,
    pub device: u32,
}

pub fn counts(
    tx: &Transaction<'_>,
    day: NaiveDate,
    service: &str,
    address_hash: &[u8; 32],
    device_hash: &[u8; 32],
) -> Result<DayCounts, StoreError> {
    tx.prepare_cached(
        "SELECT
            (SELECT count(*) FROM remote_places r JOIN tickets t ON t.id = r.ticket_id
              WHERE r.service_day = ?1 AND t.service = ?2),
            (SELECT count(*) FROM remote_places WHERE service_day = ?1 AND address_hash = ?3),
            (SELECT count(*) FROM remote_places WHERE service_day = ?1 AND device_hash = ?4)",
    )
    .ctx("prepare remote counts")?
    .query_row(
        params![
            day.to_string(),
            service,
            &address_hash[..],
            &device_hash[..]
        ],
        |r| {
            Ok(DayCounts {
                service: r.get(0)?,
                address: r.get(1)?,
                device: r.get(2)?,
            })
        },
    )
    .ctx("remote counts")
}

/// The ticket whose check-in code on `day` is `code`.
pub fn by_code(
    tx: &Transaction<'_>,
    day: NaiveDate,
    code: &str,
) -> Result<Option<TicketId>, StoreError> {
    tx.prepare_cached("SELECT ticket_id FROM remote_places WHERE service_day = ?1 AND code = ?2")
        .ctx("prepare check-in lookup")?
        .query_row(params![day.to_string(), code], |r| r.get(0))
        .optional()
        .ctx("check-in lookup")
}

/// Deletes the rows of days before `today`: the code and the hashes served only that day.
pub fn purge(conn: &Connection, today: NaiveDate) -> Result<usize, StoreError> {
    conn.execute(
        "DELETE FROM remote_places WHERE service_day < ?1",
        [today.to_string()],
    )
    .ctx("purge remote places")
}
