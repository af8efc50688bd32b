//! Statements that change the database. Called by the engine inside its transaction, and by the
//! administration paths (accounts, devices) with their own.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{
    Context, StoreError, gender_str, outcome_str, priority_str, route_parts, state_str, time_str,
};
use crate::config::IntakeNotice;
use crate::domain::rollup::FactKind;
use crate::domain::*;
use crate::input::intake::Intake;

/// Writes a planned change: new tickets, new ticket values, desks and history, and its facts in
/// the roll-up outbox. `issued_meta` gives each issued ticket's label, token hash and issuer.
pub fn persist_change(
    tx: &Transaction<'_>,
    change: &Change,
    issued_meta: &[(String, [u8; 32], Issuer)],
) -> Result<(), StoreError> {
    for (t, (label, token_hash, issuer)) in change.issued.iter().zip(issued_meta) {
        let (route, route_desk) = route_parts(t.route);
        let device = match issuer {
            Issuer::Kiosk(device) => Some(*device),
            Issuer::Reception(_) | Issuer::Remote => None,
        };
        tx.prepare_cached(
            "INSERT INTO tickets (id, service, service_day, number, label, priority, gender_preference, state, route, route_desk,
                                  desk, issued_at, recalls, status_token_hash, issued_by_device, line,
                                  channel, place_at, slot, awaiting_arrival, moved_back)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )
        .ctx("prepare insert ticket")?
        .execute(params![
            t.id,
            t.service.as_str(),
            t.service_day.to_string(),
            t.number,
            label,
            priority_str(t.priority),
            t.gender_preference.map(gender_str),
            state_str(t.state),
            route,
            route_desk,
            t.desk,
            time_str(t.issued_at),
            t.recalls,
            &token_hash[..],
            device,
            t.line.as_str(),
            t.channel.as_str(),
            time_str(t.place_at),
            t.slot.map(time_str),
            t.awaiting_arrival,
            t.moved_back,
        ])
        .ctx("insert ticket")?;
    }
    // The issuing service, number and label are never updated: a ticket keeps its label for life
    // (a raised class changes only `priority`).
    for t in &change.updated {
        let (route, route_desk) = route_parts(t.route);
        tx.prepare_cached(
            "UPDATE tickets SET line = ?2, state = ?3, route = ?4, route_desk = ?5, desk = ?6, called_at = ?7, recalls = ?8,
                                priority = ?9, place_at = ?10, awaiting_arrival = ?11, moved_back = ?12,
                                checked_in_at = ?13
             WHERE id = ?1",
        )
        .ctx("prepare update ticket")?
        .execute(params![
            t.id,
            t.line.as_str(),
            state_str(t.state),
            route,
            route_desk,
            t.desk,
            t.called_at.map(time_str),
            t.recalls,
            priority_str(t.priority),
            time_str(t.place_at),
            t.awaiting_arrival,
            t.moved_back,
            t.checked_in_at.map(time_str),
        ])
        .ctx("update ticket")?;
    }
    for h in &change.history {
        let at = time_str(h.at);
        match h.action {
            "start" => {
                tx.prepare_cached("UPDATE tickets SET started_at = ?2 WHERE id = ?1")
                    .ctx("prepare started_at")?
                    .execute(params![h.ticket, at])
                    .ctx("started_at")?;
            }
            "finish" | "no_show" | "cancel" | "expire" | "lapse" => {
                tx.prepare_cached(
                    "UPDATE tickets SET finished_at = ?2, outcome = ?3 WHERE id = ?1",
                )
                .ctx("prepare finished_at")?
                .execute(params![h.ticket, at, h.outcome.map(outcome_str)])
                .ctx("finished_at")?;
            }
            _ => {}
        }
        tx.prepare_cached("INSERT INTO ticket_events (ticket_id, action, desk, staff_id, at, detail, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .ctx("prepare history")?
            .execute(params![h.ticket, h.action, h.desk, h.staff, at, h.detail, h.outcome.map(outcome_str)])
            .ctx("insert history")?;
    }
    for d in &change.desks {
        tx.prepare_cached("UPDATE desks SET staff_id = ?2, paused = ?3, since = ?4 WHERE id = ?1")
            .ctx("prepare update desk")?
            .execute(params![
                d.id,
                d.on_duty.map(|o| o.staff),
                d.paused,
                d.since.map(time_str)
            ])
            .ctx("update desk")?;
    }
    let mut facts = crate::domain::rollup::of_change(change);
    for f in &mut facts {
        if f.kind == FactKind::Finished {
            let started = started_at(tx, f.body.ticket)?;
            f.body.service_seconds = started.map(|s| (f.at - s).num_seconds().max(0));
        }
    }
    super::outbox::append(tx, &facts)
}

fn started_at(
    tx: &Transaction<'_>,
    ticket: Option<TicketId>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let at: Option<String> = tx
        .prepare_cached("SELECT started_at FROM tickets WHERE id = ?1")
        .ctx("prepare started_at read")?
        .query_row([ticket], |r| r.get(0))
        .optional()
        .ctx("started_at read")?
        .flatten();
    Ok(at.and_then(|s| DateTime::parse_from_rfc3339(&s).ok().map(|t| t.to_utc())))
}

/// What an earlier request with the same idempotency key produced.
pub struct StoredIssue {
    pub request_hash: Vec<u8>,
    pub ticket_id: TicketId,
    pub status_token: String,
    pub people_ahead: u32,
    pub estimated_wait: u32,
}

/// Who asked for a ticket: a kiosk, a staff member at reception, or a visitor on the join page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Issuer {
    Kiosk(i64),
    Reception(StaffId),
    /// The public join page (`web::join`): its own replay guard (`store::remote`).
    Remote,
}

/// An issuer that retries with an idempotency key: a kiosk or reception.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyedIssuer {
    Kiosk(i64),
    Reception(StaffId),
}

impl From<KeyedIssuer> for Issuer {
    fn from(issuer: KeyedIssuer) -> Issuer {
        match issuer {
            KeyedIssuer::Kiosk(device) => Issuer::Kiosk(device),
            KeyedIssuer::Reception(staff) => Issuer::Reception(staff),
        }
    }
}

impl KeyedIssuer {
    /// The issuer's idempotency table, its owner column and the owner's id (the two tables
    /// differ only by owner).
    fn keys(self) -> (&'static str, &'static str, i64) {
        match self {
            KeyedIssuer::Kiosk(device) => ("idempotency_keys", "device_id", device),
            KeyedIssuer::Reception(staff) => ("reception_idempotency_keys", "staff_id", staff),
        }
    }
}

pub fn find_idempotent(
    tx: &Transaction<'_>,
    issuer: KeyedIssuer,
    key: &str,
) -> Result<Option<StoredIssue>, StoreError> {
    let (table, owner_column, owner) = issuer.keys();
    let sql = format!(
        "SELECT request_hash, ticket_id, status_token, people_ahead, estimated_wait FROM {table} WHERE {owner_column} = ?1 AND key = ?2"
    );
    tx.prepare_cached(&sql)
        .ctx("prepare idempotency lookup")?
        .query_row(params![owner, key], |r| {
            Ok(StoredIssue {
                request_hash: r.get(0)?,
                ticket_id: r.get(1)?,
                status_token: r.get(2)?,
                people_ahead: r.get(3)?,
                estimated_wait: r.get(4)?,
            })
        })
        .optional()
        .ctx("idempotency lookup")
}

pub fn save_idempotent(
    tx: &Transaction<'_>,
    issuer: KeyedIssuer,
    key: &str,
    request_hash: &[u8; 32],
    stored: &StoredIssue,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (table, owner_column, owner) = issuer.keys();
    let sql = format!(
        "INSERT INTO {table} ({owner_column}, key, request_hash, ticket_id, status_token, people_ahead, estimated_wait, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    );
    tx.prepare_cached(&sql)
        .ctx("prepare save idempotency")?
        .execute(params![
            owner,
            key,
            &request_hash[..],
            stored.ticket_id,
            stored.status_token,
            stored.people_ahead,
            stored.estimated_wait,
            time_str(now)
        ])
        .ctx("save idempotency")?;
    Ok(())
}

/// Deletes idempotency rows (and so the plaintext tokens they keep) older than two days.
pub fn purge_idempotency(conn: &Connection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let cutoff = time_str(now - chrono::Duration::days(2));
    let kiosk = conn
        .execute(
            "DELETE FROM idempotency_keys WHERE created_at < ?1",
            [&cutoff],
        )
        .ctx("purge idempotency")?;
    let reception = conn
        .execute(
            "DELETE FROM reception_idempotency_keys WHERE created_at < ?1",
            [&cutoff],
        )
        .ctx("purge reception idempotency")?;
    Ok(kiosk + reception)
}

/// Stores the consent (with the notice text the visitor saw or had read to them) and the intake
/// of a ticket. `recorded_by`: None at the kiosk, else the staff member who read the notice.
pub fn save_intake(
    tx: &Transaction<'_>,
    ticket: TicketId,
    intake: &Intake,
    notice: &IntakeNotice,
    recorded_by: Option<StaffId>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.prepare_cached("INSERT INTO consents (ticket_id, notice_version, notice_text_ar, notice_text_en, given_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
        .ctx("prepare consent")?
        .execute(params![ticket, notice.version, notice.ar, notice.en, time_str(now), recorded_by])
        .ctx("insert consent")?;
    let consent = tx.last_insert_rowid();
    tx.prepare_cached(
        "INSERT INTO intakes (ticket_id, consent_id, name, national_id, mobile, wheelchair, hearing, interpreter_language, companion, feels_unsafe)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .ctx("prepare intake")?
    .execute(params![
        ticket,
        consent,
        intake.name,
        intake.national_id,
        intake.mobile,
        intake.wheelchair,
        intake.hearing,
        intake.interpreter_language,
        intake.companion,
        intake.feels_unsafe,
    ])
    .ctx("insert intake")?;
    Ok(())
}

pub fn raise_alert(
    tx: &Transaction<'_>,
    kind: &str,
    reason: Option<&str>,
    ticket: TicketId,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    tx.prepare_cached(
        "INSERT INTO alerts (kind, reason, ticket_id, raised_at) VALUES (?1, ?2, ?3, ?4)",
    )
    .ctx("prepare alert")?
    .execute(params![kind, reason, ticket, time_str(now)])
    .ctx("insert alert")?;
    Ok(tx.last_insert_rowid())
}

/// Whether an alert of this kind and reason is still waiting for a supervisor.
pub fn open_alert_exists(
    tx: &Transaction<'_>,
    kind: &str,
    reason: &str,
) -> Result<bool, StoreError> {
    tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM alerts WHERE kind = ?1 AND reason = ?2 AND acknowledged_at IS NULL)",
    )
    .ctx("prepare open alert")?
    .query_row(params![kind, reason], |r| r.get(0))
    .ctx("open alert")
}

/// Whether a red-line alert about a ticket of `service` is still waiting for a supervisor.
pub fn open_line_alert_exists(tx: &Transaction<'_>, service: &str) -> Result<bool, StoreError> {
    tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM alerts a JOIN tickets t ON t.id = a.ticket_id
         WHERE a.kind = 'line_red' AND a.acknowledged_at IS NULL AND t.service = ?1)",
    )
    .ctx("prepare open line alert")?
    .query_row(params![service], |r| r.get(0))
    .ctx("open line alert")
}

/// Records the printer's verdict on a ticket. Returns false when the device did not issue it.
pub fn mark_printed(
    tx: &Transaction<'_>,
    ticket: TicketId,
    device: i64,
    printed: bool,
) -> Result<bool, StoreError> {
    let n = tx
        .prepare_cached("UPDATE tickets SET printed = ?3 WHERE id = ?1 AND issued_by_device = ?2")
        .ctx("prepare mark printed")?
        .execute(params![ticket, device, printed])
        .ctx("mark printed")?;
    Ok(n == 1)
}

// ----- accounts and devices -----

pub fn create_staff(
    conn: &Connection,
    username: &str,
    display_name: &str,
    role: Role,
    gender: Gender,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<StaffId, StoreError> {
    conn.execute(
        "INSERT INTO staff (username, display_name, role, gender, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![username, display_name, super::role_str(role), gender_str(gender), password_hash, time_str(now)],
    )
    .ctx("create staff")?;
    Ok(conn.last_insert_rowid())
}

pub fn create_device(
    conn: &Connection,
    name: &str,
    scope: &str,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO devices (name, scope, token_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![name, scope, &token_hash[..], time_str(now)],
    )
    .ctx("create device")?;
    Ok(conn.last_insert_rowid())
}

pub fn create_session(
    conn: &Connection,
    token_hash: &[u8; 32],
    staff: StaffId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![&token_hash[..], staff, time_str(now), time_str(expires)],
    )
    .ctx("create session")?;
    Ok(())
}

/// A browser session: like `create_session`, and it also dies after `idle_seconds` without
/// anything a person did.
pub fn create_browser_session(
    conn: &Connection,
    token_hash: &[u8; 32],
    staff: StaffId,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
    idle_seconds: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sessions (token_hash, staff_id, created_at, expires_at, last_seen_at, idle_seconds) VALUES (?1, ?2, ?3, ?4, ?3, ?5)",
        params![&token_hash[..], staff, time_str(now), time_str(expires), idle_seconds],
    )
    .ctx("create browser session")?;
    Ok(())
}

/// Records that a person used a browser session now (its idle timer starts again).
pub fn touch_session(
    conn: &Connection,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
        params![&token_hash[..], time_str(now)],
    )
    .ctx("touch session")?;
    Ok(())
}

pub fn delete_session(conn: &Connection, token_hash: &[u8; 32]) -> Result<(), StoreError> {
    conn.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        [&token_hash[..]],
    )
    .ctx("delete session")?;
    Ok(())
}
