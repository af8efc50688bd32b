//! The statements behind `crate::provision`: accounts and devices written straight to the
//! database file by the administration commands, the demo and tests, each in one short
//! `IMMEDIATE` transaction on a connection of its own (safe while the server runs: WAL plus a
//! busy timeout).

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, TransactionBehavior, params};

use super::{Context, Database, StoreError, migrate, open, time_str};

/// Runs `f` in one `IMMEDIATE` transaction on a fresh (migrated) connection, and commits.
pub fn with_tx<T>(
    db: &Database,
    f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut conn = open(db, false)?;
    migrate(&mut conn)?;
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .ctx("begin")?;
    let out = f(&tx)?;
    tx.commit().ctx("commit")?;
    Ok(out)
}

/// Sets the password hash of `username`; the number of accounts changed (0 or 1).
pub fn set_password_hash(
    tx: &Transaction<'_>,
    username: &str,
    hash: &str,
) -> Result<usize, StoreError> {
    tx.execute(
        "UPDATE staff SET password_hash = ?2 WHERE username = ?1",
        [username, hash],
    )
    .ctx("set password")
}

/// Disables `username`; the number of accounts changed (0 or 1).
pub fn disable_staff(tx: &Transaction<'_>, username: &str) -> Result<usize, StoreError> {
    tx.execute(
        "UPDATE staff SET disabled = 1 WHERE username = ?1",
        [username],
    )
    .ctx("disable staff")
}

/// Ends every open session of `username`.
pub fn end_sessions(tx: &Transaction<'_>, username: &str) -> Result<usize, StoreError> {
    tx.execute(
        "DELETE FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE username = ?1)",
        [username],
    )
    .ctx("end sessions")
}

pub use super::staff_admin::DeviceRow;

/// Every device, revoked ones included, in the order they were made.
pub fn list_devices(db: &Database) -> Result<Vec<DeviceRow>, StoreError> {
    super::staff_admin::list_devices(&open(db, true)?)
}

/// Revokes device `id` if it is active; the number of devices changed (0 or 1).
pub fn revoke_device(
    tx: &Transaction<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    tx.execute(
        "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![id, time_str(now)],
    )
    .ctx("revoke device")
}
