//! Queue tickets for ESC/POS thermal printers, in Arabic first and English second.
//!
//! Thermal printers cannot shape Arabic: sent as text, the association's name comes out as disconnected letters
//! in the wrong order. So the whole ticket is shaped and laid out on the host and sent as one 1-bit image.
//!
//! # Layout
//! - `content`: [`TicketContent`], what a ticket says. It has no field for personal data, by design.
//! - `layout`: [`render_ticket`], the ticket drawn for 80 mm or 58 mm paper (using `text` for shaping and
//!   `canvas` for ink, then thresholded into a [`Raster`]).
//! - `encode`: [`encode_escpos`], the image as `GS v 0` bands between `ESC @` and the cut.
//! - `config`: [`PrinterConfig`], the `[printer]` table of the kiosk config, validated.
//! - `transport`: opening network, USB (`usb` feature), serial (`serial` feature) and device-file printers.
//! - `status`: `DLE EOT` / `GS r` queries and their replies ([`PrinterStatus`]).
//! - `print`: [`print_ticket`], one job: draw, encode, check, send, check again.
//! - `virtual_printer`: writes `<label>-<n>.bin` and `.png` instead of printing (demo, tests).
//! - `worker`: [`PrintWorker`], the print thread, so printing never blocks the UI.
//! - `time`: [`Timestamp`], when a ticket was issued, and Riyadh's clock.
//! - `fault`: [`PrintFault`], why a ticket did not print, in Arabic and English.
//! - `fake_printer` (feature `test-support`): a loopback TCP printer with settable faults, for tests.
//!
//! # Invariants
//! - **No personal data reaches the printer**: only the fields of [`TicketContent`] are printed.
//! - **A ticket is printed only when the printer reported ready before and still had paper after**; otherwise
//!   [`print_ticket`] returns a [`PrintFault`], and no ticket byte is sent when the fault was found first.

mod canvas;
mod config;
mod content;
mod encode;
mod fault;
mod layout;
mod print;
mod raster;
mod status;
mod text;
mod time;
mod transport;
mod virtual_printer;
mod worker;

#[cfg(any(test, feature = "test-support"))]
pub mod fake_printer;

pub use config::{
    ConfigError, CutMode, DEFAULT_NETWORK_PORT, Density, Dots, DriverConfig, PaperWidth,
    PrinterConfig,
};
pub use content::{PRIVACY_AR, PRIVACY_EN, SCAN_AR, SCAN_EN, TicketContent};
pub use encode::{BAND_ROWS, density_command, encode_escpos, gs_v0_bands};
pub use fault::PrintFault;
pub use layout::{RenderError, render_ticket};
pub use print::{PrintReport, print_ticket};
pub use raster::Raster;
pub use status::{BadReply, PrinterStatus};
pub use virtual_printer::VirtualOutput;
pub use worker::PrintWorker;

pub use time::Timestamp;
