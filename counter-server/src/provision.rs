//! Accounts and devices, written straight to the database file (used by the CLI, the demo and
//! tests). Safe while the server runs: WAL plus a busy timeout, one short IMMEDIATE transaction.

use std::path::Path;

use rusqlite::TransactionBehavior;

use crate::auth::{DeviceScope, password, tokens};
use crate::domain::{Gender, Role, StaffId};
use crate::input::text;
use crate::store::{Context, StoreError, migrate, open, writes};

pub fn add_staff(
    db: &Path,
    username: &str,
    display_name: &str,
    role: Role,
    gender: Gender,
    pw: &str,
) -> Result<StaffId, String> {
    let username = text::required("username", username, 64)
        .map_err(|e| e.en)?
        .to_lowercase();
    let display_name = text::required("name", display_name, 100).map_err(|e| e.en)?;
    if pw.chars().count() < 10 {
        return Err("a staff password needs at least 10 characters".into());
    }
    let hash = password::hash_password(pw);
    with_tx(db, |tx| {
        writes::create_staff(
            tx,
            &username,
            &display_name,
            role,
            gender,
            &hash,
            chrono::Utc::now(),
        )
    })
    .map_err(|e| {
        if e.to_string().contains("UNIQUE") {
            format!("a staff account {username:?} already exists")
        } else {
            e.to_string()
        }
    })
}

/// Sets a new password (used by the demo, which prints fresh passwords at each start).
pub fn set_password(db: &Path, username: &str, pw: &str) -> Result<(), String> {
    let hash = password::hash_password(pw);
    let n = with_tx(db, |tx| {
        tx.execute(
            "UPDATE staff SET password_hash = ?2 WHERE username = ?1",
            [username, &hash],
        )
        .ctx("set password")
    })
    .map_err(|e| e.to_string())?;
    if n == 1 {
        Ok(())
    } else {
        Err(format!("no staff account {username:?}"))
    }
}

/// Creates a device and returns its token, which is stored only as a hash: show it once.
pub fn add_device(db: &Path, name: &str, scope: DeviceScope) -> Result<String, String> {
    let name = text::required("name", name, 100).map_err(|e| e.en)?;
    let token = tokens::secret_token();
    let hash = tokens::hash(&token);
    with_tx(db, |tx| {
        writes::create_device(tx, &name, scope.as_str(), &hash, chrono::Utc::now())
    })
    .map_err(|e| e.to_string())?;
    Ok(token)
}

fn with_tx<T>(
    db: &Path,
    f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, StoreError>,
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
