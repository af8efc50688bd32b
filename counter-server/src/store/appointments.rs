//! Appointment slots and bookings (migration 0023). No personal data: a booking is a slot, a
//! code, and who booked it (a staff member, or the visitor's hashed address and device for the
//! caps, cleared by the purge once the day is over).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Context, StoreError, parse_time, time_str};
use crate::domain::TicketId;
use crate::domain::appointments::Slot;

/// Adds the slots of `service` at `starts` (or sets their capacity where they exist).
pub fn put_slots(
    tx: &Transaction<'_>,
    service: &str,
    day: NaiveDate,
    starts: &[DateTime<Utc>],
    capacity: u32,
) -> Result<(), StoreError> {
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO appointment_slots (service, service_day, starts_at, capacity)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (service, starts_at) DO UPDATE SET capacity = excluded.capacity",
        )
        .ctx("prepare put slot")?;
    for at in starts {
        stmt.execute(params![service, day.to_string(), time_str(*at), capacity])
            .ctx("put slot")?;
    }
    Ok(())
}

/// Deletes slot `id` if nobody booked it; false when it has bookings (or is not there).
pub fn delete_slot(tx: &Transaction<'_>, id: i64) -> Result<bool, StoreError> {
    let n = tx
        .execute(
            "DELETE FROM appointment_slots WHERE id = ?1
               AND NOT EXISTS (SELECT 1 FROM appointments WHERE slot_id = ?1 AND cancelled_at IS NULL)",
            [id],
        )
        .ctx("delete slot")?;
    Ok(n == 1)
}

const SLOT_COLUMNS: &str = "s.id, s.service, s.starts_at, s.capacity,
    (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.cancelled_at IS NULL)";

fn slot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Slot> {
    Ok(Slot {
        id: r.get(0)?,
        service: r.get(1)?,
        starts_at: parse_time(&r.get::<_, String>(2)?),
        capacity: r.get(3)?,
        booked: r.get(4)?,
    })
}

/// The slots of the days `from..=to`, by time then service.
pub fn slots(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Slot>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {SLOT_COLUMNS} FROM appointment_slots s
         WHERE s.service_day BETWEEN ?1 AND ?2 ORDER BY s.starts_at, s.service"
    ))
    .ctx("prepare slots")?
    .query_map(params![from.to_string(), to.to_string()], slot_from_row)
    .ctx("slots")?
    .collect::<Result<_, _>>()
    .ctx("slots")
}

pub fn slot(conn: &Connection, id: i64) -> Result<Option<Slot>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {SLOT_COLUMNS} FROM appointment_slots s WHERE s.id = ?1"
    ))
    .ctx("prepare slot")?
    .query_row([id], slot_from_row)
    .optional()
    .ctx("slot")
}

/// A new booking's row.
pub struct NewBooking<'a> {
    pub slot: &'a Slot,
    pub day: NaiveDate,
    pub code: &'a str,
    pub booked_by: Option<i64>,
    pub form_key_hash: Option<&'a [u8; 32]>,
    pub address_hash: Option<&'a [u8; 32]>,
    pub device_hash: Option<&'a [u8; 32]>,
    pub at: DateTime<Utc>,
}

pub fn book(tx: &Transaction<'_>, b: &NewBooking<'_>) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO appointments (slot_id, service_day, code, booked_by, form_key_hash, address_hash,
                                   device_hash, booked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .ctx("prepare booking")?
    .execute(params![
        b.slot.id,
        b.day.to_string(),
        b.code,
        b.booked_by,
        b.form_key_hash.map(|h| &h[..]),
        b.address_hash.map(|h| &h[..]),
        b.device_hash.map(|h| &h[..]),
        time_str(b.at),
    ])
    .ctx("insert booking")?;
    Ok(tx.last_insert_rowid())
}

/// A booking as check-in and the confirmation page need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Booking {
    pub id: i64,
    pub code: String,
    pub service: String,
    pub starts_at: DateTime<Utc>,
    pub ticket: Option<TicketId>,
    pub cancelled: bool,
}

const BOOKING_COLUMNS: &str =
    "a.id, a.code, s.service, s.starts_at, a.ticket_id, a.cancelled_at IS NOT NULL";

fn booking_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Booking> {
    Ok(Booking {
        id: r.get(0)?,
        code: r.get(1)?,
        service: r.get(2)?,
        starts_at: parse_time(&r.get::<_, String>(3)?),
        ticket: r.get(4)?,
        cancelled: r.get(5)?,
    })
}

/// The booking of `day` with this code.
pub fn by_code(
    conn: &Connection,
    day: NaiveDate,
    code: &str,
) -> Result<Option<Booking>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {BOOKING_COLUMNS} FROM appointments a JOIN appointment_slots s ON s.id = a.slot_id
         WHERE a.service_day = ?1 AND a.code = ?2"
    ))
    .ctx("prepare booking by code")?
    .query_row(params![day.to_string(), code], booking_from_row)
    .optional()
    .ctx("booking by code")
}

/// The booking a join page form made (sending it twice books once).
pub fn by_form_key(conn: &Connection, hash: &[u8; 32]) -> Result<Option<Booking>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {BOOKING_COLUMNS} FROM appointments a JOIN appointment_slots s ON s.id = a.slot_id
         WHERE a.form_key_hash = ?1"
    ))
    .ctx("prepare booking by form")?
    .query_row([&hash[..]], booking_from_row)
    .optional()
    .ctx("booking by form")
}

/// Cancels booking `id` (its place in the slot is free again); a second cancel changes nothing.
pub fn cancel(tx: &Transaction<'_>, id: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE appointments SET cancelled_at = ?2 WHERE id = ?1 AND cancelled_at IS NULL",
        params![id, time_str(at)],
    )
    .ctx("cancel booking")?;
    Ok(())
}

pub fn mark_arrived(tx: &Transaction<'_>, id: i64, ticket: TicketId) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE appointments SET ticket_id = ?2 WHERE id = ?1",
        params![id, ticket],
    )
    .ctx("booking arrived")?;
    Ok(())
}

/// Upcoming bookings the visitor made from this address or this device (the caps).
pub fn upcoming_from(
    tx: &Transaction<'_>,
    today: NaiveDate,
    address_hash: &[u8; 32],
    device_hash: &[u8; 32],
) -> Result<(u32, u32), StoreError> {
    tx.prepare_cached(
        "SELECT
            (SELECT count(*) FROM appointments WHERE service_day >= ?1 AND address_hash = ?2 AND cancelled_at IS NULL),
            (SELECT count(*) FROM appointments WHERE service_day >= ?1 AND device_hash = ?3 AND cancelled_at IS NULL)",
    )
    .ctx("prepare booking counts")?
    .query_row(params![today.to_string(), &address_hash[..], &device_hash[..]], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .ctx("booking counts")
}

/// One booking of the day, for the supervisor's board: when, which service, the ticket's label
/// once checked in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayBooking {
    pub starts_at: DateTime<Utc>,
    pub service: String,
    pub label: Option<String>,
    pub cancelled: bool,
}

pub fn day_bookings(conn: &Connection, day: NaiveDate) -> Result<Vec<DayBooking>, StoreError> {
    conn.prepare_cached(
        "SELECT s.starts_at, s.service, t.label, a.cancelled_at IS NOT NULL
         FROM appointments a JOIN appointment_slots s ON s.id = a.slot_id
         LEFT JOIN tickets t ON t.id = a.ticket_id
         WHERE a.service_day = ?1 ORDER BY s.starts_at, a.id",
    )
    .ctx("prepare day bookings")?
    .query_map([day.to_string()], |r| {
        Ok(DayBooking {
            starts_at: parse_time(&r.get::<_, String>(0)?),
            service: r.get(1)?,
            label: r.get(2)?,
            cancelled: r.get(3)?,
        })
    })
    .ctx("day bookings")?
    .collect::<Result<_, _>>()
    .ctx("day bookings")
}

/// Clears the hashed address and device of bookings whose day is over.
pub fn purge(conn: &Connection, today: NaiveDate) -> Result<usize, StoreError> {
    conn.execute(
        "UPDATE appointments SET address_hash = NULL, device_hash = NULL
         WHERE service_day < ?1 AND (address_hash IS NOT NULL OR device_hash IS NOT NULL)",
        [today.to_string()],
    )
    .ctx("purge booking hashes")
}

/// A booking's SMS reminder (migration 0025), as the notify worker needs it: the booking's code,
/// day and time, and whether it is over (cancelled or checked in).
#[derive(Clone, PartialEq, Eq)]
pub struct Reminder {
    pub appointment: i64,
    pub code: String,
    pub service_day: NaiveDate,
    pub starts_at: DateTime<Utc>,
    /// E.164.
    pub phone: String,
    /// `ar` or `en`: the language of the page that asked.
    pub lang: String,
    pub sent: bool,
    /// Cancelled or checked in: nothing to remind of.
    pub over: bool,
}

/// Never shows the number.
impl std::fmt::Debug for Reminder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reminder")
            .field("appointment", &self.appointment)
            .field("sent", &self.sent)
            .field("over", &self.over)
            .finish_non_exhaustive()
    }
}

/// Records (or replaces: a corrected number, another language) the reminder of booking `id`;
/// one already sent stays sent.
pub fn put_reminder(
    conn: &Connection,
    id: i64,
    phone: &str,
    lang: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO appointment_reminders (appointment_id, phone, lang, created_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (appointment_id) DO UPDATE SET phone = ?2, lang = ?3",
    )
    .ctx("prepare reminder upsert")?
    .execute(params![id, phone, lang, time_str(now)])
    .ctx("reminder upsert")?;
    Ok(())
}

/// Deletes the reminder of booking `id`; whether there was one (then the caller truncates the WAL).
pub fn delete_reminder(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM appointment_reminders WHERE appointment_id = ?1")
        .ctx("prepare reminder delete")?
        .execute([id])
        .ctx("reminder delete")?
        > 0)
}

/// Booking `id`'s reminder: `None` when there is none, else whether it was sent.
pub fn reminder_sent(conn: &Connection, id: i64) -> Result<Option<bool>, StoreError> {
    conn.prepare_cached("SELECT sent FROM appointment_reminders WHERE appointment_id = ?1")
        .ctx("prepare reminder state")?
        .query_row([id], |r| r.get(0))
        .optional()
        .ctx("reminder state")
}

/// Whether any reminder is held: the worker's cheap look.
pub fn any_reminder(conn: &Connection) -> Result<bool, StoreError> {
    super::exists(conn, "SELECT 1 FROM appointment_reminders", [])
}

/// Every reminder held, by booking.
pub fn reminders(conn: &Connection) -> Result<Vec<Reminder>, StoreError> {
    conn.prepare_cached(
        "SELECT a.id, a.code, a.service_day, s.starts_at, r.phone, r.lang, r.sent,
                a.cancelled_at IS NOT NULL OR a.ticket_id IS NOT NULL
         FROM appointment_reminders r JOIN appointments a ON a.id = r.appointment_id
         JOIN appointment_slots s ON s.id = a.slot_id ORDER BY a.id",
    )
    .ctx("prepare reminders")?
    .query_map([], |r| {
        Ok(Reminder {
            appointment: r.get(0)?,
            code: r.get(1)?,
            service_day: r.get::<_, String>(2)?.parse().unwrap_or(NaiveDate::MIN),
            starts_at: parse_time(&r.get::<_, String>(3)?),
            phone: r.get(4)?,
            lang: r.get(5)?,
            sent: r.get(6)?,
            over: r.get(7)?,
        })
    })
    .ctx("reminders")?
    .collect::<Result<_, _>>()
    .ctx("reminders")
}

/// Marks the reminder of booking `id` sent (before it goes out).
pub fn mark_reminder_sent(conn: &Connection, id: i64) -> Result<(), StoreError> {
    conn.prepare_cached("UPDATE appointment_reminders SET sent = 1 WHERE appointment_id = ?1")
        .ctx("prepare reminder mark")?
        .execute([id])
        .ctx("reminder mark")?;
    Ok(())
}

/// Deletes the reminders of bookings cancelled, checked in, or of a day before `today`; how many.
pub fn erase_reminders_over(conn: &Connection, today: NaiveDate) -> Result<usize, StoreError> {
    conn.prepare_cached(
        "DELETE FROM appointment_reminders WHERE appointment_id IN (
             SELECT id FROM appointments
             WHERE cancelled_at IS NOT NULL OR ticket_id IS NOT NULL OR service_day < ?1)",
    )
    .ctx("prepare reminder erase")?
    .execute([today.to_string()])
    .ctx("reminder erase")
}
