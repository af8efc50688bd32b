//! The branch's settings edited in the browser (`config::Catalog`), one JSON row.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, time_str};
use crate::config::{Catalog, Config};
use crate::domain::StaffId;

/// The settings a branch runs with: those administration stored, over the file's; on a new
/// branch the file's, stored. Stored settings the file's other parts no longer accept (a file
/// edited by hand) are logged and the file's used, rather than not starting the branch.
pub fn in_force(
    conn: &Connection,
    file: &Arc<Config>,
    now: DateTime<Utc>,
) -> Result<Arc<Config>, StoreError> {
    match load(conn)? {
        None => {
            save(conn, &file.catalog(), now, None)?;
            Ok(file.clone())
        }
        Some(stored) => match stored.and_then(|c| file.with_catalog(c)) {
            Ok(config) => Ok(Arc::new(config)),
            Err(e) => {
                tracing::error!(error = %e, "the stored settings are not usable; running with the file's services and desks until an admin saves them again");
                Ok(file.clone())
            }
        },
    }
}

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
