//! The administration jobs the command line runs on a database file, one function per job, each
//! opening its own connection (safe beside a running server: WAL plus a busy timeout).

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde_json::Value;

use super::key::DbKey;
use super::retention::PurgeReport;
use super::{Context, Database, StoreError, audit, open, retention, rights};

/// Records an administration action in the audit chain (role `cli`, no personal data).
pub fn record_action(
    db: &Database,
    action: &str,
    ticket: Option<i64>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let conn = open(db, false)?;
    let entry = audit::AuditEntry {
        role: Some("cli".into()),
        ticket_id: ticket,
        action: action.into(),
        reason: reason.map(str::to_string),
        ..audit::AuditEntry::default()
    };
    conn.execute_batch("BEGIN IMMEDIATE").ctx("begin audit")?;
    audit::append(&conn, &entry, now)?;
    conn.execute_batch("COMMIT").ctx("commit audit")?;
    Ok(())
}

/// Re-encrypts the file with `new`, then proves the new key opens it. The caller holds the
/// database lock (no server runs beside a rotation).
pub fn rotate_key(db: &Database, new: DbKey) -> Result<(), StoreError> {
    let conn = open(db, false)?;
    conn.execute_batch(&new.rekey_pragma()).ctx("rekey")?;
    drop(conn);
    open(
        &Database {
            path: db.path.clone(),
            key: Some(new),
        },
        true,
    )?;
    Ok(())
}

/// The retention purge, now.
/// The retention purge from the command line, with each service's period as administration set
/// it (the settings stored in the database, over the file's).
pub fn purge(
    db: &Database,
    file: &crate::config::Config,
    now: DateTime<Utc>,
) -> Result<PurgeReport, StoreError> {
    let mut conn = open(db, false)?;
    super::migrate(&mut conn)?;
    let config = super::settings::in_force(&conn, &std::sync::Arc::new(file.clone()), now)?;
    retention::purge(&mut conn, &config.retention_policy(), now)
}

/// A legal hold placed from the command line (no staff account), then audited.
pub fn place_hold(
    db: &Database,
    ticket: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let conn = open(db, false)?;
    retention::place_hold(&conn, ticket, reason, None, now)?;
    drop(conn);
    record_action(db, "legal_hold", Some(ticket), Some(reason), now)
}

/// The whole audit chain: `Ok(rows)` when intact, else where it breaks.
pub fn verify_audit(db: &Database) -> Result<Result<i64, audit::ChainBreak>, StoreError> {
    audit::verify(&open(db, true)?, None)
}

/// The breach drill for one account: `None` when no such account exists, else (ticket, accesses)
/// for every visitor record it touched in `[from, to)`.
pub fn breach_report(
    db: &Database,
    username: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Option<Vec<(i64, i64)>>, StoreError> {
    let conn = open(db, true)?;
    let staff: Option<i64> = conn
        .query_row(
            "SELECT id FROM staff WHERE username = ?1",
            [username],
            |r| r.get(0),
        )
        .optional()
        .ctx("find staff")?;
    staff
        .map(|id| audit::accessed_by(&conn, id, from, to))
        .transpose()
}

/// Everything held about one visit (`None`: no such ticket); the export itself is audited.
pub fn export_visitor(
    db: &Database,
    ticket: i64,
    now: DateTime<Utc>,
) -> Result<Option<Value>, StoreError> {
    let export = rights::export(&open(db, true)?, ticket)?;
    if export.is_some() {
        record_action(db, "export_visitor", Some(ticket), None, now)?;
    }
    Ok(export)
}
