//! counter-server: owns the queue of one Awn branch.
//!
//! Layout, from the inside out:
//! - `domain`: the queue rules (state machine, routing, numbering). Pure: no I/O, no HTTP, no SQL.
//! - `input`: text hygiene and intake validation. Pure.
//! - `store`: SQLite. The writer thread (`store::engine`) owns the live `domain::Queue` and the
//!   only write connection; `store::reads` answers lookups on read-only connections.
//! - `event_log`: the published events, numbered, and the recent ones kept for reconnecting clients.
//! - `commands`: one function per thing the API can ask; each is one engine job.
//! - `api`: axum handlers, JSON in and out, errors in one shape; `auth`: tokens, passwords, roles.
//! - `web`: the browser pages (staff console, waiting-room display, visitor status page), their
//!   cookies, and the security headers and `Origin` check around every route.
//! - `server`: wiring and start-up; `connections`: accepting and serving them, with timeouts and a
//!   bound per address; `cli`: the binary's commands; `testing`: a real server for tests.
//! - `logging`: journal, text or JSON; `systemd`: readiness and the writer-driven watchdog.

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod connections;
pub mod domain;
pub mod event_log;
pub mod input;
pub mod limits;
pub mod logging;
pub mod maintenance;
pub mod metrics;
pub mod provision;
pub mod server;
pub mod store;
pub mod systemd;
pub mod testing;
pub mod tls;
pub mod web;

pub use server::{Server, app};
