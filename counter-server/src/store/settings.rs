//! The branch's settings edited in the browser (`config::Catalog`), one JSON row.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, time_str};
use crate::config::Catalog;
use crate::domain::StaffId;

/// The stored settings; `None` on a branch that has never started with this table.
pub fn load(conn: &Connection) -> Result<Option<Result<Catalog, String>>, StoreError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT document FROM branch_settings WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()
        .ctx("load settings")?;
    Ok(text.map(|t| serde_json::from_str(&t).map_err(|e| e.to_string())))
}

pub fn save(
    conn: &Connection,
    catalog: &Catalog,
    now: DateTime<Utc>,
    by: Option<StaffId>,
) -> Result<(), StoreError> {
    let text = serde_json::to_string(catalog).expect("the settings serialise");
    conn.execute(
        "INSERT INTO branch_settings (id, document, updated_at, updated_by) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET document = excluded.document,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        params![text, time_str(now), by],
    )
    .ctx("save settings")
    .map(drop)
}
