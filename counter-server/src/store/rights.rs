//! Visitors' rights: everything held about one visit, to hand over as JSON or a printable page.
//! Every query is keyed by that one ticket, so no other visitor's data can come along.

use rusqlite::Connection;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value, json};

use super::{Context, StoreError};

/// The tables that hold something about a visit, with the column naming the ticket, and the
/// Arabic heading of the printable page. Tables a database does not have yet are skipped.
const VISIT_TABLES: &[(&str, &str, &str)] = &[
    ("tickets", "id", "التذكرة"),
    ("ticket_events", "ticket_id", "مسار الزيارة"),
    ("consents", "ticket_id", "الموافقة"),
    ("intakes", "ticket_id", "البيانات المقدمة"),
    ("visit_checks", "ticket_id", "قائمة التحقق"),
    ("visit_notes", "ticket_id", "الملاحظات"),
    ("follow_ups", "ticket_id", "المتابعة"),
    ("alerts", "ticket_id", "التنبيهات"),
    ("legal_holds", "ticket_id", "الحفظ القانوني"),
    ("audit_log", "ticket_id", "سجل الاطلاع"),
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

/// Everything held about ticket `ticket`, by table; `None` when there is no such ticket.
pub fn export(conn: &Connection, ticket: i64) -> Result<Option<Value>, StoreError> {
    if !super::exists(conn, "SELECT 1 FROM tickets WHERE id = ?1", [ticket])? {
        return Ok(None);
    }
    let mut sections = Map::new();
    for (table, column, _) in VISIT_TABLES {
        if table_exists(conn, table)? {
            sections.insert(
                table.to_string(),
                Value::Array(rows_of(conn, table, column, ticket)?),
            );
        }
    }
    Ok(Some(json!({ "ticket": ticket, "data": sections })))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A printable Arabic page of an export (right to left, every value as text).
pub fn printable_page(export: &Value) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\"><title>البيانات المحفوظة</title>\
         <style>body{font-family:'Noto Naskh Arabic',serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}\
         td,th{border:1px solid #999;padding:4px 8px;text-align:start}</style></head><body>",
    );
    html.push_str(&format!(
        "<h1>البيانات المحفوظة عن الزيارة رقم <bdi>{}</bdi></h1><p>جمعية عون لرعاية ضحايا الجريمة</p>",
        export["ticket"]
    ));
    for (table, _, heading) in VISIT_TABLES {
        let Some(rows) = export["data"][table].as_array() else {
            continue;
        };
        html.push_str(&format!("<h2>{heading}</h2>"));
        if rows.is_empty() {
            html.push_str("<p>لا شيء</p>");
            continue;
        }
        for row in rows {
            html.push_str("<table>");
            for (k, v) in row.as_object().into_iter().flatten() {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => "—".into(),
                    other => other.to_string(),
                };
                html.push_str(&format!(
                    "<tr><th><bdi>{}</bdi></th><td dir=\"auto\">{}</td></tr>",
                    escape(k),
                    escape(&text)
                ));
            }
            html.push_str("</table>");
        }
    }
    html.push_str("</body></html>\n");
    html
}
