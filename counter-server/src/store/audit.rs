//! The audit log: who looked at or changed a visitor's record, append-only and hash-chained.
//!
//! Rows are only ever inserted through `append` (there is no update or delete in the code, and
//! triggers abort any UPDATE or DELETE). Each row stores `row_hash = SHA-256(prev_hash ‖ canonical
//! row)`, so altering or removing a row breaks the chain at that row, which `verify` names. Rows
//! hold no personal data: the visitor is the ticket id, a pseudonymous number.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Context, StoreError, time_str};

/// One access or change, as recorded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditEntry {
    pub staff_id: Option<i64>,
    pub role: Option<String>,
    pub device_id: Option<i64>,
    pub desk: Option<u32>,
    /// The visitor's record, by ticket id (pseudonymous).
    pub ticket_id: Option<i64>,
    pub action: String,
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

/// A stored row, with its place in the chain.
struct Row {
    id: i64,
    at: String,
    entry: AuditEntry,
    prev_hash: Vec<u8>,
    row_hash: Vec<u8>,
}

const GENESIS: [u8; 32] = [0; 32];

/// The canonical form that is hashed: a JSON array of every column in a fixed order, so that no
/// two different rows can serialise alike.
fn canonical(id: i64, at: &str, e: &AuditEntry) -> String {
    serde_json::json!([
        id,
        at,
        e.staff_id,
        e.role,
        e.device_id,
        e.desk,
        e.ticket_id,
        e.action,
        e.reason,
        e.request_id
    ])
    .to_string()
}

fn chain_hash(prev: &[u8], id: i64, at: &str, e: &AuditEntry) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical(id, at, e).as_bytes());
    h.finalize().into()
}

/// Appends one row at the end of the chain. Call inside the writer's transaction, so rows are
/// chained in commit order.
pub fn append(
    conn: &Connection,
    entry: &AuditEntry,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT id, row_hash FROM audit_log ORDER BY id DESC LIMIT 1")
        .ctx("prepare audit tail")?
        .query_row([], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<Vec<u8>>>(1)?.unwrap_or_default(),
            ))
        })
        .optional()
        .ctx("audit tail")?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_vec()),
    };
    let at = time_str(now);
    let hash = chain_hash(&prev, id, &at, entry);
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, staff_id, role, device_id, desk, ticket_id, action, reason, request_id, prev_hash, row_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )
    .ctx("prepare audit append")?
    .execute(params![
        id,
        at,
        entry.staff_id,
        entry.role,
        entry.device_id,
        entry.desk,
        entry.ticket_id,
        entry.action,
        entry.reason,
        entry.request_id,
        prev,
        &hash[..]
    ])
    .ctx("audit append")?;
    Ok(id)
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// Row `id` was changed after it was written.
    Altered { id: i64 },
    /// The row(s) before `next` were removed (ids are consecutive from 1).
    Removed { missing_from: i64, next: i64 },
    /// The last rows were removed: the chain ends before the count the caller expected.
    Truncated { last: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Altered { id } => write!(f, "audit row {id} was altered"),
            Self::Removed { missing_from, next } => {
                write!(
                    f,
                    "audit rows {missing_from}..{} were removed (the chain resumes at {next})",
                    next - 1
                )
            }
            Self::Truncated { last } => write!(
                f,
                "the audit log ends at row {last}: later rows were removed"
            ),
        }
    }
}

fn rows(conn: &Connection) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT id, at, staff_id, role, device_id, desk, ticket_id, action, reason, request_id, prev_hash, row_hash
             FROM audit_log ORDER BY id",
        )
        .ctx("prepare audit scan")?;
    let mapped = stmt
        .query_map([], |r| {
            Ok(Row {
                id: r.get(0)?,
                at: r.get(1)?,
                entry: AuditEntry {
                    staff_id: r.get(2)?,
                    role: r.get(3)?,
                    device_id: r.get(4)?,
                    desk: r.get(5)?,
                    ticket_id: r.get(6)?,
                    action: r.get(7)?,
                    reason: r.get(8)?,
                    request_id: r.get(9)?,
                },
                prev_hash: r.get::<_, Option<Vec<u8>>>(10)?.unwrap_or_default(),
                row_hash: r.get::<_, Option<Vec<u8>>>(11)?.unwrap_or_default(),
            })
        })
        .ctx("audit scan")?;
    mapped.map(|r| r.ctx("audit row")).collect()
}

/// Checks the whole chain; `Ok(n)` is the number of rows, all intact. `expected_rows`, when known
/// (from a backup's record, say), also catches rows cut off the end.
pub fn verify(
    conn: &Connection,
    expected_rows: Option<i64>,
) -> Result<Result<i64, ChainBreak>, StoreError> {
    let mut prev = GENESIS.to_vec();
    let mut count = 0;
    for (expected_id, row) in (1..).zip(rows(conn)?) {
        if row.id != expected_id {
            return Ok(Err(ChainBreak::Removed {
                missing_from: expected_id,
                next: row.id,
            }));
        }
        // A removed row also shows as a prev_hash that does not match the row before.
        if row.prev_hash != prev
            || chain_hash(&prev, row.id, &row.at, &row.entry)[..] != row.row_hash[..]
        {
            return Ok(Err(ChainBreak::Altered { id: row.id }));
        }
        prev = row.row_hash;
        count += 1;
    }
    if expected_rows.is_some_and(|n| n > count) {
        return Ok(Err(ChainBreak::Truncated { last: count }));
    }
    Ok(Ok(count))
}

/// The breach drill: the visitor records (ticket ids) a staff account touched in a time window.
pub fn accessed_by(
    conn: &Connection,
    staff_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut stmt = conn
        .prepare(
            "SELECT ticket_id, COUNT(*) FROM audit_log
             WHERE staff_id = ?1 AND at >= ?2 AND at < ?3 AND ticket_id IS NOT NULL
             GROUP BY ticket_id ORDER BY ticket_id",
        )
        .ctx("prepare breach drill")?;
    let rows = stmt
        .query_map(params![staff_id, time_str(from), time_str(to)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .ctx("breach drill")?;
    rows.map(|r| r.ctx("breach drill row")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Database, migrate, open};

    fn db() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&Database::plain(dir.path().join("a.db")), false).unwrap();
        migrate(&mut conn).unwrap();
        (dir, conn)
    }

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            staff_id: None,
            role: Some("reception".into()),
            desk: Some(1),
            action: action.into(),
            ..AuditEntry::default()
        }
    }

    #[test]
    fn an_intact_chain_verifies_and_updates_and_deletes_are_refused() {
        let (_d, conn) = db();
        for a in ["view_intake", "reveal_national_id", "view_intake"] {
            append(&conn, &entry(a), Utc::now()).unwrap();
        }
        assert_eq!(verify(&conn, None).unwrap(), Ok(3));
        assert!(
            conn.execute("UPDATE audit_log SET action = 'x' WHERE id = 2", [])
                .unwrap_err()
                .to_string()
                .contains("append-only")
        );
        assert!(
            conn.execute("DELETE FROM audit_log WHERE id = 2", [])
                .unwrap_err()
                .to_string()
                .contains("append-only")
        );
        assert_eq!(
            verify(&conn, Some(4)).unwrap(),
            Err(ChainBreak::Truncated { last: 3 })
        );
    }

    #[test]
    fn an_altered_or_removed_row_is_named() {
        let (_d, conn) = db();
        for a in ["a", "b", "c", "d"] {
            append(&conn, &entry(a), Utc::now()).unwrap();
        }
        // Someone with the file and SQLite drops the triggers and edits the log.
        conn.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
            .unwrap();
        conn.execute("UPDATE audit_log SET action = 'z' WHERE id = 3", [])
            .unwrap();
        assert_eq!(
            verify(&conn, None).unwrap(),
            Err(ChainBreak::Altered { id: 3 })
        );
        conn.execute("UPDATE audit_log SET action = 'c' WHERE id = 3", [])
            .unwrap();
        assert_eq!(verify(&conn, None).unwrap(), Ok(4));
        conn.execute("DELETE FROM audit_log WHERE id = 2", [])
            .unwrap();
        assert_eq!(
            verify(&conn, None).unwrap(),
            Err(ChainBreak::Removed {
                missing_from: 2,
                next: 3
            })
        );
    }
}
