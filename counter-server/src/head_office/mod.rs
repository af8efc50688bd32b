//! Head office's PostgreSQL (issue 17): **the only place with PostgreSQL SQL**, as `store` is for
//! SQLite.
//!
//! - `pg`: where head office is (`PgTarget`, read from TOML) and `connect`: TLS verified against
//!   the association's CA, the password from a file, never in the connection string.
//! - `schema`: `migrate`, the embedded `migrations/head-office/NNNN_*.sql` in order, versioned
//!   in `schema_version`, refusing a newer database.
//! - `ingest`: one branch's batch of outbox rows in one transaction, kept once by (branch, seq).
//!
//! The branch side that calls `ingest` is `crate::shipper`; what a fact holds is
//! `domain::rollup` (de-identified by construction: no free text ever leaves the branch).

pub mod ingest;
pub mod pg;
pub mod schema;

pub use pg::{PgError, PgTarget, connect};
