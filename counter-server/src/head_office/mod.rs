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
//!
//! The head-office mode (`counter-server head-office serve`), which reads what branches shipped:
//! - `read`: its SQL: the figures of a period at every level, open requests, viewers, sessions.
//! - `figures`: the figures from those sums (pure), with the ≥ 10 ratings rule, and their CSV.
//! - `web`: sign-in, the page, CSV, JSON and `/metrics`; `page` draws the pages, `prometheus`
//!   the text format; `settings` is its configuration file.

pub mod figures;
pub mod ingest;
pub mod page;
pub mod pg;
pub mod prometheus;
pub mod read;
pub mod schema;
pub mod settings;
pub mod web;

pub use pg::{PgError, PgTarget, connect};
