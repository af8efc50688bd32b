//! The printing seam. The `kiosk-printer` crate (next issue) will provide a real
//! `TicketPrinter`; until then the kiosk uses `VirtualPrinter`, which records the jobs.
//! Only ticket data goes to the printer: never the visitor's name, ID, mobile or needs.

use std::sync::{Arc, Mutex};

/// What goes on the paper ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintJob {
    pub label: String,
    pub service_name_ar: String,
    pub service_name_en: String,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    /// The status link the QR encodes: `<public base URL>/t/<token>`.
    pub status_url: String,
    pub issued_at: String,
    /// The visitor's language when the ticket was taken (print that language first).
    pub arabic_first: bool,
}

#[derive(Debug)]
pub struct PrintError(pub String);

/// Prints one ticket. Called on the UI thread right after the ticket is issued, so an
/// implementation must return quickly (queue the job and print on its own thread).
pub trait TicketPrinter {
    fn print(&mut self, job: &PrintJob) -> Result<(), PrintError>;
}

/// No hardware: keeps the jobs (tests look at them) and prints nothing.
#[derive(Clone, Default)]
pub struct VirtualPrinter {
    pub jobs: Arc<Mutex<Vec<PrintJob>>>,
}

impl TicketPrinter for VirtualPrinter {
    fn print(&mut self, job: &PrintJob) -> Result<(), PrintError> {
        self.jobs
            .lock()
            .map_err(|e| PrintError(e.to_string()))?
            .push(job.clone());
        Ok(())
    }
}
