//! The head-office schema: `migrations/head-office/NNNN_*.sql`, embedded, applied in order in one
//! transaction and versioned in `schema_version` (one row per applied file), as `store::migrate`
//! does for a branch's SQLite. A database newer than this binary is refused.

use tokio_postgres::Client;

use super::pg::{Context, PgError};

/// Every head-office migration, in order: append a `(name, sql)` line to add one.
pub const MIGRATIONS: &[(&str, &str)] = &[(
    "0001_facts",
    include_str!("../../../migrations/head-office/0001_facts.sql"),
)];

/// The schema version this binary knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Any constant, the same in every process: concurrent migrations (two shippers, the head-office
/// service) take turns on it.
const MIGRATION_LOCK: i64 = 0x6177_6e5f_686f;

/// Brings the database up to `latest_version`.
pub async fn migrate(client: &mut Client) -> Result<(), PgError> {
    let tx = client.transaction().await.ctx("begin migration")?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .ctx("migration lock")?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
             version integer PRIMARY KEY,
             name text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await
    .ctx("schema_version table")?;
    let found: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0)::bigint FROM schema_version",
            &[],
        )
        .await
        .ctx("read schema_version")?
        .get(0);
    let latest = latest_version();
    if found > latest {
        return Err(PgError::TooNew {
            found,
            supported: latest,
        });
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.batch_execute(sql).await.ctx("apply migration")?;
        let version = i as i32 + 1;
        tx.execute(
            "INSERT INTO schema_version (version, name) VALUES ($1, $2)",
            &[&version, name],
        )
        .await
        .ctx("record migration")?;
    }
    tx.commit().await.ctx("commit migration")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            assert!(name.starts_with(&format!("{:04}_", i + 1)), "{name}");
            assert!(!sql.trim().is_empty(), "{name}");
        }
    }
}
