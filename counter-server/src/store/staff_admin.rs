//! The statements behind administration in the browser: staff accounts, one-time password codes
//! and devices. Run inside engine jobs (`commands::admin`), so each change and its audit row
//! commit together.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Context, StoreError, gender_from, gender_str, parse_time, role_from, role_str, time_str,
};
use crate::domain::{Gender, Role, StaffId};

/// A staff account as the administration page lists it (never its password hash).
#[derive(Clone, Debug)]
pub struct StaffRow {
    pub id: StaffId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub gender: Gender,
    pub disabled: bool,
    /// A one-time code is waiting to be used, until then.
    pub code_expires_at: Option<DateTime<Utc>>,
}

const STAFF_COLUMNS: &str =
    "s.id, s.username, s.display_name, s.role, s.gender, s.disabled, c.expires_at
     FROM staff s LEFT JOIN password_codes c ON c.staff_id = s.id";

fn staff_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(3)?;
    let gender: String = r.get(4)?;
    Ok(StaffRow {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role: role_from(&role).unwrap_or(Role::Reception),
        gender: gender_from(&gender).unwrap_or(Gender::Female),
        disabled: r.get(5)?,
        code_expires_at: r.get::<_, Option<String>>(6)?.map(|t| parse_time(&t)),
    })
}

/// Every account, by username.
pub fn list_staff(conn: &Connection) -> Result<Vec<StaffRow>, StoreError> {
    let mut stmt = conn
        .prepare(&format!("SELECT {STAFF_COLUMNS} ORDER BY s.username"))
        .ctx("prepare staff list")?;
    let rows = stmt.query_map([], staff_row).ctx("staff list")?;
    rows.collect::<Result<_, _>>().ctx("staff row")
}

pub fn staff_by_id(conn: &Connection, id: StaffId) -> Result<Option<StaffRow>, StoreError> {
    conn.query_row(
        &format!("SELECT {STAFF_COLUMNS} WHERE s.id = ?1"),
        [id],
        staff_row,
    )
    .optional()
    .ctx("staff by id")
}

/// Accounts that can still administer the branch.
pub fn active_admins(conn: &Connection) -> Result<u32, StoreError> {
    conn.query_row(
        "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0",
        [],
        |r| r.get(0),
    )
    .ctx("count admins")
}

pub struct StaffChange<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub gender: Gender,
    pub disabled: bool,
}

pub fn update_staff(
    conn: &Connection,
    id: StaffId,
    c: &StaffChange<'_>,
) -> Result<usize, StoreError> {
    conn.execute(
        "UPDATE staff SET display_name = ?2, role = ?3, gender = ?4, disabled = ?5 WHERE id = ?1",
        params![
            id,
            c.display_name,
            role_str(c.role),
            gender_str(c.gender),
            c.disabled
        ],
    )
    .ctx("update staff")
}

pub fn set_password_hash(conn: &Connection, id: StaffId, hash: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE staff SET password_hash = ?2 WHERE id = ?1",
        params![id, hash],
    )
    .ctx("set password")
    .map(drop)
}

pub fn password_hash(conn: &Connection, id: StaffId) -> Result<Option<String>, StoreError> {
    conn.query_row(
        "SELECT password_hash FROM staff WHERE id = ?1 AND disabled = 0",
        [id],
        |r| r.get(0),
    )
    .optional()
    .ctx("password hash")
}

/// Ends the account's sessions, but for `keep` (the session that changed its own password).
pub fn end_sessions(
    conn: &Connection,
    id: StaffId,
    keep: Option<&[u8; 32]>,
) -> Result<Vec<Vec<u8>>, StoreError> {
    let keep: &[u8] = keep.map_or(&[], |k| &k[..]);
    let mut stmt = conn
        .prepare(
            "DELETE FROM sessions WHERE staff_id = ?1 AND token_hash != ?2 RETURNING token_hash",
        )
        .ctx("prepare end sessions")?;
    let rows = stmt
        .query_map(params![id, keep], |r| r.get::<_, Vec<u8>>(0))
        .ctx("end sessions")?;
    rows.collect::<Result<_, _>>().ctx("ended session")
}

/// Replaces the account's one-time code (one at a time: a new code voids the last).
pub fn put_code(
    conn: &Connection,
    id: StaffId,
    code_hash: &[u8; 32],
    expires_at: DateTime<Utc>,
    created_by: StaffId,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO password_codes (staff_id, code_hash, expires_at, created_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (staff_id) DO UPDATE SET code_hash = excluded.code_hash,
             expires_at = excluded.expires_at, created_by = excluded.created_by",
        params![id, &code_hash[..], time_str(expires_at), created_by],
    )
    .ctx("put password code")
    .map(drop)
}

/// Uses up `username`'s code if it is `code_hash` and not expired: the account, or `None`.
pub fn take_code(
    conn: &Connection,
    username: &str,
    code_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<StaffId>, StoreError> {
    conn.query_row(
        "DELETE FROM password_codes WHERE staff_id = (SELECT id FROM staff WHERE username = ?1 AND disabled = 0)
             AND code_hash = ?2 AND expires_at > ?3
         RETURNING staff_id",
        params![username, &code_hash[..], time_str(now)],
        |r| r.get(0),
    )
    .optional()
    .ctx("take password code")
}

/// A device as the administration page lists it (never its token).
#[derive(Clone, Debug)]
pub struct DeviceRow {
    pub id: i64,
    pub name: String,
    pub scope: String,
    /// The desk an applicant tablet faces.
    pub desk: Option<u32>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceRow>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT id, name, scope, desk, created_at, revoked_at FROM devices ORDER BY id")
        .ctx("prepare device list")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(DeviceRow {
                id: r.get(0)?,
                name: r.get(1)?,
                scope: r.get(2)?,
                desk: r.get(3)?,
                created_at: parse_time(&r.get::<_, String>(4)?),
                revoked_at: r.get::<_, Option<String>>(5)?.map(|t| parse_time(&t)),
            })
        })
        .ctx("device list")?;
    rows.collect::<Result<_, _>>().ctx("device row")
}

/// The token hash of device `id` (so the server forgets it at once when revoked).
pub fn device_token_hash(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>, StoreError> {
    conn.query_row("SELECT token_hash FROM devices WHERE id = ?1", [id], |r| {
        r.get(0)
    })
    .optional()
    .ctx("device token hash")
}
