//! One print job, start to finish: draw, encode, check the printer, send, check again.
//!
//! **A ticket counts as printed only when the printer said it was ready before and still had paper after.**
//! Anything else is a [`PrintFault`]. When the fault is found before printing, no ticket byte is sent.
//!
//! The kiosk calls this only after the server acknowledged the ticket, and a reprint calls it again with the
//! same [`TicketContent`]: nothing here numbers or issues tickets.

use crate::config::{DriverConfig, PrinterConfig};
use crate::content::TicketContent;
use crate::encode::encode_escpos;
use crate::fault::PrintFault;
use crate::layout::render_ticket;
use crate::{status, transport, virtual_printer};

/// What happened when a ticket printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintReport {
    /// Bytes of the ticket's ESC/POS stream.
    pub bytes: usize,
    /// Image size in dots.
    pub width: u32,
    /// Image height in dots (about 8 dots per millimetre of paper).
    pub height: u32,
    /// The printer reports its paper roll nearly used up: worth a staff alert before it runs out.
    pub paper_near_end: bool,
    /// For the virtual printer, the files written.
    pub files: Option<virtual_printer::VirtualOutput>,
}

/// Prints one ticket and waits for the printer to confirm it. Blocking: the kiosk runs it off the UI thread
/// (see [`crate::PrintWorker`]).
pub fn print_ticket(
    config: &PrinterConfig,
    ticket: &TicketContent,
) -> Result<PrintReport, PrintFault> {
    let raster = render_ticket(ticket, config.width)?;
    let bytes = encode_escpos(&raster, config);
    let mut report = PrintReport {
        bytes: bytes.len(),
        width: raster.width(),
        height: raster.height(),
        paper_near_end: false,
        files: None,
    };

    if let DriverConfig::Virtual { dir } = &config.driver {
        let files = virtual_printer::write_ticket(dir, &ticket.label, &bytes, &raster)
            .map_err(|e| PrintFault::Io(format!("{}: {e}", dir.display())))?;
        report.files = Some(files);
        return Ok(report);
    }

    let printer = transport::open(config)?;
    let before = status::query(&*printer, config.status_timeout)?;
    if let Some(fault) = before.fault() {
        return Err(fault);
    }
    printer
        .write(&bytes)
        .and_then(|()| printer.flush())
        .map_err(|e| PrintFault::Io(e.to_string()))?;
    let after = status::query_after_print(&*printer, config.status_timeout, config.print_timeout)?;
    if let Some(fault) = after.fault() {
        // The paper may have run out halfway: the person may hold half a ticket, or none.
        return Err(fault);
    }
    report.paper_near_end = before.paper_near_end || after.paper_near_end;
    Ok(report)
}
