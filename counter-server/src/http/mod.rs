//! The HTTP base shared by `api` and `web`: what every route stands on, and nothing that serves a
//! route itself.
//!
//! - `state`: `AppState`, the handles a handler may use;
//! - `error`: `ApiError`, the one error shape, and the one mapping of every failure to a status;
//! - `extract`: JSON bodies, the caller behind a token, ids in paths, the client's address;
//! - `cookies`: the two browser cookies; `security`: headers, the `Origin` check, `RequestId`,
//!   and `guard`, the middleware around every route; `request_shape`: shapes refused first;
//! - `events`: the event streams, projected for each audience; `compression`: the replies made
//!   per request, compressed for the clients that ask;
//! - `views`: wire names, the staff view of a ticket, and the printable export handed to `web`.

pub mod compression;
pub mod cookies;
pub mod error;
pub mod events;
pub mod extract;
pub mod qr;
pub mod request_shape;
pub mod security;
pub mod state;
pub mod views;

pub use state::AppState;
