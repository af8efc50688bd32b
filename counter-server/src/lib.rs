//! counter-server: owns the queue of one Awn branch.
//!
//! Layout, from the inside out:
//! - `domain`: the queue rules (state machine, routing, numbering). Pure: no I/O, no HTTP, no SQL.
//! - `input`: text hygiene and intake validation. Pure.
//! - `metrics`, `daily_report`: the metrics of a period and the printed end-of-day report. Pure.
//! - `reference`: the branch's reference documents (import, the Arabic search form, snippets). Pure.
//! - `store`: SQLite. The writer thread (`store::engine`) owns the live `domain::Queue` and the
//!   only write connection; `store::reads` answers lookups on read-only connections.
//! - `event_log`: the published events, numbered, and the recent ones kept for reconnecting clients.
//! - `commands`: the use cases, one file per family; each write is one engine job. Errors are
//!   typed (`QueueError`, `commands::Refusal`), never an HTTP status.
//! - `http`: the HTTP base under `api` and `web`: `AppState`, `ApiError` (the one mapping of
//!   failures to statuses), extractors, cookies, event streams, the security guard.
//! - `api`: the JSON handlers (`/api/v1`); `web`: the browser pages (staff console, waiting-room
//!   display, visitor status page). Neither imports the other; `router` joins them.
//! - `auth`: tokens, passwords, roles; `limits`: in-memory rate limits and throttles; `pairing`:
//!   devices waiting, in memory, for an admin to type the code they show.
//! - `server`: wiring and start-up; `connections`: accepting and serving them, with timeouts and a
//!   bound per address; `cli`: the binary's commands; `testing` (feature
//!   `test-support`): a real server for tests.
//! - `head_office`: head office's PostgreSQL (the only PostgreSQL SQL); `shipper`: the task that
//!   sends the roll-up outbox there.
//! - `logging`: journal, text or JSON; `systemd`: readiness and the writer-driven watchdog.
//! - `webhooks`: the delivery worker: signs and sends the webhook deliveries `store::webhooks`
//!   queued in the transaction of each change they announce.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connections;
pub mod daily_report;
pub mod domain;
pub mod entrance;
pub mod event_log;
pub mod head_office;
pub mod http;
pub mod input;
pub mod limits;
pub mod logging;
pub mod maintenance;
pub mod metrics;
pub mod notify;
pub mod pairing;
pub mod provision;
pub mod reference;
pub mod router;
pub mod server;
pub mod shipper;
pub mod store;
pub mod systemd;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod tls;
pub mod web;
pub mod webhooks;

pub use server::{Server, app};
