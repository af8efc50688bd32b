//! Asking the printer whether it can print, before and after each ticket.
//!
//! Before: `DLE EOT 1/2/4` (real-time status) are answered at once, even while the printer is offline, so a
//! ticket is never sent into an empty printer. After: `GS r 1` is answered only once the printer has worked
//! through the data before it, so it tells whether the paper ran out *during* the ticket; the `DLE EOT`
//! queries then follow. Reply bits follow Epson's ESC/POS reference.
//!
//! We send the standard three-byte `DLE EOT n` ourselves (escpos 0.20 appends a NUL to it).

use std::time::{Duration, Instant};

use escpos::driver::Driver;

use crate::fault::PrintFault;

/// `DLE EOT n` requests.
const DLE_EOT: [u8; 2] = [0x10, 0x04];
/// Printer status.
pub const REQ_PRINTER: u8 = 1;
/// Offline cause.
pub const REQ_OFFLINE_CAUSE: u8 = 2;
/// Roll paper sensor.
pub const REQ_PAPER: u8 = 4;
/// `GS r 1`: paper sensor status, answered in order after the data before it.
const GS_R_PAPER: [u8; 3] = [0x1D, b'r', 1];

/// What the printer said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrinterStatus {
    /// Not offline (`DLE EOT 1` bit 3 clear).
    pub online: bool,
    /// Cover open (`DLE EOT 2` bit 2).
    pub cover_open: bool,
    /// Out of paper (`DLE EOT 2` bit 5, `DLE EOT 4` bits 5–6, or `GS r 1` bits 2–3).
    pub paper_end: bool,
    /// Paper roll nearly used up (`DLE EOT 4` bits 2–3, `GS r 1` bits 0–1): worth a staff alert, still prints.
    pub paper_near_end: bool,
    /// An error stopped the printer (`DLE EOT 2` bit 6), e.g. a cutter jam.
    pub error: bool,
}

impl PrinterStatus {
    /// The fault that stops printing, if any. A cover open is reported first because closing it is the
    /// first thing staff must do; then paper end; then any other offline state.
    pub fn fault(&self) -> Option<PrintFault> {
        if self.cover_open {
            Some(PrintFault::CoverOpen)
        } else if self.paper_end {
            Some(PrintFault::PaperEnd)
        } else if !self.online || self.error {
            Some(PrintFault::Offline)
        } else {
            None
        }
    }

    /// Adds one `DLE EOT n` reply. Replies must have Epson's fixed bits `0xx1xx10`.
    pub fn apply_dle_eot(&mut self, request: u8, reply: u8) -> Result<(), BadReply> {
        if reply & 0b1001_0011 != 0b0001_0010 {
            return Err(BadReply { request, reply });
        }
        let bit = |n: u8| reply & (1 << n) != 0;
        match request {
            REQ_PRINTER => self.online = !bit(3),
            REQ_OFFLINE_CAUSE => {
                self.cover_open = bit(2);
                self.paper_end |= bit(5);
                self.error = bit(6);
            }
            REQ_PAPER => {
                self.paper_near_end |= bit(2) || bit(3);
                self.paper_end |= bit(5) || bit(6);
            }
            _ => {}
        }
        Ok(())
    }

    /// Adds a `GS r 1` reply (bits 4 and 7 are always 0).
    pub fn apply_gs_r_paper(&mut self, reply: u8) -> Result<(), BadReply> {
        if reply & 0b1001_0000 != 0 {
            return Err(BadReply {
                request: 0x72,
                reply,
            });
        }
        self.paper_near_end |= reply & 0b0000_0011 != 0;
        self.paper_end |= reply & 0b0000_1100 != 0;
        Ok(())
    }
}

/// A status byte that does not have the shape the request's reply must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadReply {
    /// `n` of `DLE EOT n`, or `b'r'` for `GS r 1`.
    pub request: u8,
    /// The byte received.
    pub reply: u8,
}

/// Queries `DLE EOT 1, 2, 4`. A missing reply within `timeout` each is [`PrintFault::NoAnswer`].
pub(crate) fn query(driver: &dyn Driver, timeout: Duration) -> Result<PrinterStatus, PrintFault> {
    let mut status = PrinterStatus::default();
    for request in [REQ_PRINTER, REQ_OFFLINE_CAUSE, REQ_PAPER] {
        send(driver, &[DLE_EOT[0], DLE_EOT[1], request])?;
        let deadline = Instant::now() + timeout;
        // Skip stray bytes (e.g. a late reply) until one has the shape of this reply.
        loop {
            let byte = read_byte(driver, deadline).ok_or(PrintFault::NoAnswer)?;
            if status.apply_dle_eot(request, byte).is_ok() {
                break;
            }
        }
    }
    Ok(status)
}

/// After the ticket's bytes: `GS r 1` (waits up to `print_timeout` for the printer to get through the
/// ticket), then the real-time queries.
pub(crate) fn query_after_print(
    driver: &dyn Driver,
    status_timeout: Duration,
    print_timeout: Duration,
) -> Result<PrinterStatus, PrintFault> {
    send(driver, &GS_R_PAPER)?;
    let deadline = Instant::now() + print_timeout;
    let mut paper = PrinterStatus::default();
    loop {
        let byte = read_byte(driver, deadline).ok_or(PrintFault::NoAnswer)?;
        if paper.apply_gs_r_paper(byte).is_ok() {
            break;
        }
    }
    let mut status = query(driver, status_timeout)?;
    status.paper_end |= paper.paper_end;
    status.paper_near_end |= paper.paper_near_end;
    Ok(status)
}

fn send(driver: &dyn Driver, bytes: &[u8]) -> Result<(), PrintFault> {
    driver
        .write(bytes)
        .and_then(|()| driver.flush())
        .map_err(|e| PrintFault::Io(e.to_string()))
}

/// Reads one byte, retrying until `deadline`. Drivers read with their own timeout; a failed or empty read
/// only means "not yet".
fn read_byte(driver: &dyn Driver, deadline: Instant) -> Option<u8> {
    let mut buf = [0u8; 1];
    while Instant::now() < deadline {
        let started = Instant::now();
        match driver.read(&mut buf) {
            Ok(1) => return Some(buf[0]),
            // A closed socket or an empty file answers at once: do not spin.
            _ if started.elapsed() < Duration::from_millis(5) => {
                std::thread::sleep(Duration::from_millis(10))
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(replies: &[(u8, u8)]) -> PrinterStatus {
        let mut s = PrinterStatus::default();
        for &(req, reply) in replies {
            s.apply_dle_eot(req, reply).unwrap();
        }
        s
    }

    #[test]
    fn ready_printer() {
        let s = status(&[(1, 0x12), (2, 0x12), (4, 0x12)]);
        assert!(s.online && !s.cover_open && !s.paper_end && !s.paper_near_end);
        assert_eq!(s.fault(), None);
    }

    #[test]
    fn paper_end_and_near_end() {
        let s = status(&[(1, 0x1A), (2, 0x32), (4, 0x72)]);
        assert!(!s.online && s.paper_end);
        assert_eq!(s.fault(), Some(PrintFault::PaperEnd));
        let s = status(&[(1, 0x12), (2, 0x12), (4, 0x1E)]);
        assert!(s.paper_near_end && !s.paper_end);
        assert_eq!(s.fault(), None);
    }

    #[test]
    fn cover_open_wins_over_paper_end() {
        let s = status(&[(1, 0x1A), (2, 0x36), (4, 0x72)]);
        assert_eq!(s.fault(), Some(PrintFault::CoverOpen));
    }

    #[test]
    fn offline_without_a_known_cause() {
        assert_eq!(
            status(&[(1, 0x1A), (2, 0x12), (4, 0x12)]).fault(),
            Some(PrintFault::Offline)
        );
        assert_eq!(
            status(&[(1, 0x12), (2, 0x52), (4, 0x12)]).fault(),
            Some(PrintFault::Offline)
        );
    }

    #[test]
    fn malformed_replies_are_rejected() {
        let mut s = PrinterStatus::default();
        assert_eq!(
            s.apply_dle_eot(1, 0x00),
            Err(BadReply {
                request: 1,
                reply: 0
            })
        );
        assert!(s.apply_dle_eot(1, 0x92).is_err()); // bit 7 set
        assert!(s.apply_gs_r_paper(0x10).is_err());
    }

    #[test]
    fn gs_r_paper_sensor() {
        let mut s = PrinterStatus::default();
        s.apply_gs_r_paper(0x0F).unwrap();
        assert!(s.paper_end && s.paper_near_end);
        let mut s = PrinterStatus::default();
        s.apply_gs_r_paper(0x03).unwrap();
        assert!(!s.paper_end && s.paper_near_end);
    }
}
