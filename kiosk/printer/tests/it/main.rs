//! Integration tests of kiosk-printer, in one binary (one link instead of one per file).
//!
//! - `fake`: print jobs against the fake TCP printer: ready, out of paper, cover open, silent, error.
//! - `local`: the virtual printer, the device-file driver and the print worker.
//! - `oracle`: the byte stream decoded by an independent ESC/POS decoder (npm `npos`), the QR read back by
//!   `zbarimg`, and no intake data anywhere.

mod common;
mod fake;
mod local;
mod oracle;
