//! Lookups that need no queue rule, on a small pool of read-only connections, always off the async
//! executor (`spawn_blocking`).

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, Database, StoreError, gender_from, open, role_from, state_from, time_str};
use crate::auth::cache::Idle;
use crate::auth::{DeviceScope, Principal};
use crate::domain::{DeskId, Gender, Role, StaffId, TicketId, TicketState};

/// Read connections kept open between requests.
const MAX_IDLE: usize = 4;

#[derive(Clone)]
pub struct ReadPool {
    db: Arc<Database>,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl ReadPool {
    pub fn new(db: &Database) -> Self {
        Self {
            db: Arc::new(db.clone()),
            idle: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.idle.lock().expect("pool lock").pop();
            let conn = match conn {
                Some(c) => c,
                None => open(&pool.db, true)?,
            };
            let out = f(&conn);
            let mut idle = pool.idle.lock().expect("pool lock");
            // Keep a few for the next requests; a burst's extra connections are closed.
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
            drop(idle);
            out
        })
        .await
        .map_err(|_| StoreError::Busy)?
    }
}

/// The caller behind a token hash: a device that is not revoked, or a live staff session.
pub fn principal(
    conn: &Connection,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<Principal>, StoreError> {
    Ok(principal_at(conn, token_hash, now)?.map(|(p, _)| p))
}

/// Like `principal`, and for a browser session also its idle timer (`last_seen_at` is the last
/// request a person caused). A browser session idle longer than its limit (`idle_seconds`, or
/// `idle_minutes` for sessions made before 0009) is dead, like one past its absolute expiry.
pub fn principal_at(
    conn: &Connection,
    token_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<(Principal, Option<Idle>)>, StoreError> {
    let device = conn
        .prepare_cached(
            "SELECT id, scope FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL",
        )
        .ctx("prepare device lookup")?
        .query_row([&token_hash[..]], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })
        .optional()
        .ctx("device lookup")?;
    if let Some((id, scope)) = device {
        return Ok(DeviceScope::parse(&scope).map(|scope| (Principal::Device { id, scope }, None)));
    }
    let staff = conn
        .prepare_cached(
            "SELECT s.id, s.role, s.gender, COALESCE(x.idle_seconds, x.idle_minutes * 60),
                    COALESCE(x.last_seen_at, x.created_at)
             FROM sessions x JOIN staff s ON s.id = x.staff_id
             WHERE x.token_hash = ?1 AND x.expires_at > ?2 AND s.disabled = 0",
        )
        .ctx("prepare session lookup")?
        .query_row(params![&token_hash[..], time_str(now)], |r| {
            Ok((
                r.get::<_, StaffId>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })
        .optional()
        .ctx("session lookup")?;
    Ok(staff.and_then(|(id, role, gender, idle, seen)| {
        let idle = idle.map(|secs| Idle {
            last_active: super::parse_time(&seen),
            limit: chrono::Duration::seconds(secs),
        });
        if idle.is_some_and(|i| i.expired(now)) {
            return None;
        }
        Some((
            Principal::Staff {
                id,
                role: role_from(&role)?,
                gender: gender_from(&gender)?,
                session: *token_hash,
            },
            idle,
        ))
    }))
}

/// A staff member's name as the console greets them.
pub fn staff_display_name(conn: &Connection, id: StaffId) -> Result<Option<String>, StoreError> {
    conn.prepare_cached("SELECT display_name FROM staff WHERE id = ?1")
        .ctx("prepare staff name")?
        .query_row([id], |r| r.get(0))
        .optional()
        .ctx("staff name")
}

pub struct StaffLogin {
    pub id: StaffId,
    pub display_name: String,
    pub role: Role,
    pub gender: Gender,
    pub password_hash: String,
    pub disabled: bool,
}

pub fn staff_by_username(
    conn: &Connection,
    username: &str,
) -> Result<Option<StaffLogin>, StoreError> {
    conn.prepare_cached("SELECT id, display_name, role, gender, password_hash, disabled FROM staff WHERE username = ?1")
        .ctx("prepare staff lookup")?
        .query_row([username], |r| {
            Ok((r.get::<_, StaffId>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?))
        })
        .optional()
        .ctx("staff lookup")
        .map(|o| {
            o.and_then(|(id, display_name, role, gender, password_hash, disabled)| {
                Some(StaffLogin { id, display_name, role: role_from(&role)?, gender: gender_from(&gender)?, password_hash, disabled })
            })
        })
}

/// What the public status page may know of a ticket.
pub struct PublicStatus {
    pub id: TicketId,
    pub label: String,
    pub state: TicketState,
    pub desk: Option<DeskId>,
    /// Waiting for the social researcher after a referral (route `research`).
    pub referred: bool,
    /// A place joined from the phone whose visitor has not checked in yet.
    pub awaiting_arrival: bool,
    /// Its check-in code (remote places of today only).
    pub check_in_code: Option<String>,
}

pub fn status_by_token(
    conn: &Connection,
    token_hash: &[u8; 32],
) -> Result<Option<PublicStatus>, StoreError> {
    conn.prepare_cached(
        "SELECT t.id, t.label, t.state, t.desk, t.route = 'research', t.awaiting_arrival, r.code
         FROM tickets t LEFT JOIN remote_places r ON r.ticket_id = t.id
         WHERE t.status_token_hash = ?1",
    )
    .ctx("prepare status lookup")?
    .query_row([&token_hash[..]], |r| {
        Ok(PublicStatus {
            id: r.get(0)?,
            label: r.get(1)?,
            state: state_from(&r.get::<_, String>(2)?),
            desk: r.get(3)?,
            referred: r.get(4)?,
            awaiting_arrival: r.get(5)?,
            check_in_code: r.get(6)?,
        })
    })
    .optional()
    .ctx("status lookup")
}

/// The ticket whose status token has this hash, if any.
pub fn ticket_by_token_hash(
    conn: &Connection,
    token_hash: &[u8; 32],
) -> Result<Option<TicketId>, StoreError> {
    conn.prepare_cached("SELECT id FROM tickets WHERE status_token_hash = ?1")
        .ctx("prepare token lookup")?
        .query_row([&token_hash[..]], |r| r.get(0))
        .optional()
        .ctx("token lookup")
}

/// A stored ticket, finished or not (the live queue holds only active ones).
pub fn stored_ticket(
    conn: &Connection,
    id: TicketId,
) -> Result<Option<crate::domain::Ticket>, StoreError> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM tickets WHERE id = ?1",
        super::TICKET_COLUMNS
    ))
    .ctx("prepare stored ticket")?
    .query_row([id], super::ticket_from_row)
    .optional()
    .ctx("stored ticket")
}

/// Whether a ticket with this id was ever issued.
pub fn ticket_exists(conn: &Connection, id: TicketId) -> Result<bool, StoreError> {
    super::exists(conn, "SELECT 1 FROM tickets WHERE id = ?1", [id])
}

/// A ticket's label.
pub fn ticket_label(conn: &Connection, id: TicketId) -> Result<String, StoreError> {
    conn.query_row("SELECT label FROM tickets WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .ctx("ticket label")
}

/// What an issued ticket's reply was built from: label, service, issue time, service day.
pub fn issued_facts(
    conn: &Connection,
    id: TicketId,
) -> Result<(String, String, DateTime<Utc>, chrono::NaiveDate), StoreError> {
    conn.query_row(
        "SELECT label, service, issued_at, service_day FROM tickets WHERE id = ?1",
        [id],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                super::parse_time(&r.get::<_, String>(2)?),
                super::parse_day(&r.get::<_, String>(3)?),
            ))
        },
    )
    .ctx("issued ticket")
}

/// The tickets called on `day`, most recently called first, one row per ticket with the desk of
/// its last call: the waiting-room board's "previous calls", the same on every screen.
pub fn recent_calls(
    conn: &Connection,
    day: chrono::NaiveDate,
    limit: u32,
) -> Result<Vec<(String, Option<DeskId>)>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT t.label, e.desk FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
             WHERE t.service_day = ?1 AND e.action IN ('call', 'recall')
               AND e.id = (SELECT max(l.id) FROM ticket_events l
                           WHERE l.ticket_id = e.ticket_id AND l.action IN ('call', 'recall'))
             ORDER BY e.id DESC LIMIT ?2",
        )
        .ctx("prepare recent calls")?;
    let rows = stmt
        .query_map(params![day.to_string(), limit], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ctx("recent calls")?;
    rows.collect::<Result<_, _>>().ctx("recent calls")
}
