//! The boundary between the kiosk and counter-server, written once.
//!
//! Layout:
//! - `bilingual`: `Lang` and `Bi`, a text in Arabic and English.
//! - `check_in`: the six-digit code a visitor who joined from the phone types at the kiosk.
//! - `text`: hygiene for every free-text field (NFC, trimming, forbidden characters, length).
//! - `intake`: the optional intake fields (name, national ID / iqama, mobile): an as-you-type form
//!   (`check_*`, giving `Check`) for the kiosk and a strict form (`strict::*`) for the server,
//!   built on the same rules.
//! - `label`: ticket labels (`A-017`), formatted by the server and parsed from what a visitor types.
//! - `opening`: "closed now, we open on …" in both languages (kiosk screen, server refusal).
//! - `rating`: scores, reasons (with their wording) and limits of a visit rating.
//! - `wire`: the serde structs of every request and reply the kiosk uses.
//!
//! **Invariant:** no I/O, no clock, no HTTP, no SQL, no UI: only `serde` and
//! `unicode-normalization`, so the kiosk links it without linking the server. (The `openapi`
//! feature, for counter-server only, adds `utoipa::ToSchema` to the wire types.)

pub mod bilingual;
pub mod check_in;
pub mod intake;
pub mod label;
pub mod opening;
pub mod rating;
pub mod text;
pub mod wire;

pub use bilingual::{Bi, Lang};
