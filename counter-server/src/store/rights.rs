//! Visitors' rights: everything held about one visit, to hand over as JSON (drawn as a printable
//! page by `web::rights_page`). Every query is keyed by that one ticket, so no other visitor's data
//! can come along.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value, json};

use super::{Context, StoreError};

/// The tables that hold something about a visit, in the order a reader meets them, with the
/// column naming the ticket. Tables a database does not have yet are skipped.
pub const VISIT_TABLES: &[(&str, &str)] = &[
    ("tickets", "id"),
    ("ticket_events", "ticket_id"),
    ("consents", "ticket_id"),
    ("intakes", "ticket_id"),
    ("visit_checks", "ticket_id"),
    ("visit_documents", "ticket_id"),
    ("registration_overrides", "ticket_id"),
    ("confirmation_requests", "ticket_id"),
    ("confirmations", "ticket_id"),
    ("visit_notes", "ticket_id"),
    ("follow_ups", "ticket_id"),
    ("alerts", "ticket_id"),
    ("legal_holds", "ticket_id"),
    // While the visit lasts: the number or push subscription for "your turn is near".
    ("notify_requests", "ticket_id"),
    // An appointment's SMS reminder number, by the booking the visit checked in with (deleted
    // at check-in, so only one a crash left behind can show here).
    (
        "appointment_reminders",
        "(SELECT a.ticket_id FROM appointments a WHERE a.id = appointment_reminders.appointment_id)",
    ),
    ("audit_log", "ticket_id"),
];

fn table_exists(conn: &Connection, table: &str) -> Result<bool, StoreError> {
    super::exists(
        conn,
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
    )
}

fn rows_of(
    conn: &Connection,
    table: &str,
    column: &str,
    ticket: i64,
) -> Result<Vec<Value>, StoreError> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT * FROM {table} WHERE {column} = ?1 ORDER BY rowid"
        ))
        .ctx("prepare export")?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = stmt.query([ticket]).ctx("export")?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().ctx("export row")? {
        let mut obj = Map::new();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i).ctx("export value")? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(x) => json!(x),
                ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                // Hashes (token, audit chain) mean nothing to the visitor and are left out.
                ValueRef::Blob(_) => continue,
            };
            obj.insert(name.clone(), v);
        }
        out.push(Value::Object(obj));
    }
    Ok(out)
}

/// Everything held about ticket `ticket`, `{ticket, data: {table: [row, …]}}` (a row maps column
/// to value); `None` when there is no such ticket.
pub fn export(conn: &Connection, ticket: i64) -> Result<Option<Value>, StoreError> {
    if !super::exists(conn, "SELECT 1 FROM tickets WHERE id = ?1", [ticket])? {
        return Ok(None);
    }
    let mut sections = Map::new();
    for (table, column) in VISIT_TABLES {
        if table_exists(conn, table)? {
            sections.insert(
                table.to_string(),
                Value::Array(rows_of(conn, table, column, ticket)?),
            );
        }
    }
    Ok(Some(json!({ "ticket": ticket, "data": sections })))
}

/// The intake fields a supervisor may correct, and their columns.
pub const CORRECTABLE: &[&str] = &["name", "national_id", "mobile", "interpreter_language"];

/// Sets one intake field (already validated). False when the visit has no intake.
pub fn correct(
    conn: &Connection,
    ticket: i64,
    field: &str,
    value: Option<&str>,
) -> Result<bool, StoreError> {
    assert!(
        CORRECTABLE.contains(&field),
        "only listed fields are corrected"
    );
    let n = conn
        .execute(
            &format!("UPDATE intakes SET {field} = ?2 WHERE ticket_id = ?1"),
            rusqlite::params![ticket, value],
        )
        .ctx("correct intake")?;
    Ok(n == 1)
}

/// One entry of the request register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRow {
    pub id: i64,
    pub kind: String,
    pub ticket_id: Option<i64>,
    pub received_at: String,
    pub identity_checked_at: Option<String>,
    pub answered_at: Option<String>,
}

pub fn open_request(
    conn: &Connection,
    kind: &str,
    ticket: Option<i64>,
    now: &str,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO rights_requests (kind, ticket_id, received_at) VALUES (?1, ?2, ?3)",
        rusqlite::params![kind, ticket, now],
    )
    .ctx("open request")?;
    Ok(conn.last_insert_rowid())
}

/// Records a step of a request (`identity_checked` or `answered`). False when there is no such
/// request or the step was already recorded.
pub fn request_step(
    conn: &Connection,
    id: i64,
    step: &str,
    staff: i64,
    now: &str,
) -> Result<bool, StoreError> {
    let sql = match step {
        "identity_checked" => {
            "UPDATE rights_requests SET identity_checked_at = ?3, identity_checked_by = ?2 WHERE id = ?1 AND identity_checked_at IS NULL"
        }
        _ => {
            "UPDATE rights_requests SET answered_at = ?3, answered_by = ?2 WHERE id = ?1 AND answered_at IS NULL"
        }
    };
    Ok(conn
        .execute(sql, rusqlite::params![id, staff, now])
        .ctx("request step")?
        == 1)
}

pub fn list_requests(conn: &Connection) -> Result<Vec<RequestRow>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT id, kind, ticket_id, received_at, identity_checked_at, answered_at FROM rights_requests ORDER BY id")
        .ctx("prepare requests")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(RequestRow {
                id: r.get(0)?,
                kind: r.get(1)?,
                ticket_id: r.get(2)?,
                received_at: r.get(3)?,
                identity_checked_at: r.get(4)?,
                answered_at: r.get(5)?,
            })
        })
        .ctx("requests")?;
    rows.map(|r| r.ctx("request row")).collect()
}
