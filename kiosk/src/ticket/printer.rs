//! Printing: the kiosk side of the `kiosk-printer` crate.
//!
//! `Printer` owns a [`PrintWorker`] (one thread, one job at a time). `submit` returns at once; the
//! outcome comes back through a channel and the same waker the HTTP worker uses, so the UI thread
//! picks it up in `App::poll` and is never blocked by a printer that does not answer.
//!
//! Only ticket data goes to the printer ([`TicketContent`] has no field for a name, ID, mobile or
//! need), and it is built from what the server acknowledged (the issued ticket, or the place of a
//! visitor who checked in), never from what was typed.

use crate::api::{CheckedIn, Service, Ticket};
use crate::shell::Waker;
use crate::text::{AR, EN};
use kiosk_printer::{PrintFault, PrintReport, PrinterConfig, TicketContent, Timestamp};
use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

pub use kiosk_printer::{DriverConfig, PaperWidth};

/// What a print job is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// A ticket the server issued: its outcome is reported to the server.
    Ticket(i64),
    /// The slip of check-in `request`: nothing is reported, the check-in is done either way.
    CheckInSlip(u64),
}

/// One print request: what it is for, which attempt (a reprint is the next attempt of the same
/// ticket), and exactly what goes on paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrintJob {
    pub paper: Paper,
    pub attempt: u32,
    pub content: TicketContent,
}

/// What the print thread reports back.
#[derive(Clone, Debug)]
pub struct PrintOutcome {
    pub paper: Paper,
    pub attempt: u32,
    pub result: Result<PrintReport, PrintFault>,
}

/// How many past jobs `Printer::jobs` remembers (ticket data only; for tests and diagnostics).
const KEEP_JOBS: usize = 32;

/// The UI thread's handle on the print thread.
pub struct Printer {
    worker: kiosk_printer::PrintWorker,
    tx: Sender<PrintOutcome>,
    rx: Mutex<Receiver<PrintOutcome>>,
    waker: Waker,
    jobs: Arc<Mutex<VecDeque<PrintJob>>>,
    config: PrinterConfig,
}

impl Printer {
    /// Starts the print thread for this configuration.
    pub fn start(config: PrinterConfig, waker: Waker) -> Result<Printer, String> {
        let worker = kiosk_printer::PrintWorker::spawn(config.clone())
            .map_err(|e| format!("starting the print thread: {e}"))?;
        let (tx, rx) = mpsc::channel();
        Ok(Printer {
            worker,
            tx,
            rx: Mutex::new(rx),
            waker,
            jobs: Arc::default(),
            config,
        })
    }

    pub fn config(&self) -> &PrinterConfig {
        &self.config
    }

    /// Queues a job and returns at once.
    pub fn submit(&self, job: PrintJob) {
        {
            let mut jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
            if jobs.len() == KEEP_JOBS {
                jobs.pop_front();
            }
            jobs.push_back(job.clone());
        }
        let (tx, waker) = (self.tx.clone(), self.waker.clone());
        let (paper, attempt) = (job.paper, job.attempt);
        self.worker.submit(job.content, move |result| {
            if tx
                .send(PrintOutcome {
                    paper,
                    attempt,
                    result,
                })
                .is_ok()
            {
                waker();
            }
        });
    }

    /// Outcomes that arrived so far.
    pub fn drain(&self) -> Vec<PrintOutcome> {
        let rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        rx.try_iter().collect()
    }

    /// The last jobs submitted, oldest first.
    pub fn jobs(&self) -> Vec<PrintJob> {
        let jobs = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter().cloned().collect()
    }
}

/// What goes on paper for an acknowledged ticket: label, the service's public names, people
/// ahead, the issue time and the status link (`public base URL` + the server's `status_path`).
pub fn ticket_content(ticket: &Ticket, services: &[Service], status_url: &str) -> TicketContent {
    let service = services.iter().find(|s| s.code == ticket.service);
    TicketContent {
        association_name_ar: AR.association.into(),
        association_name_en: EN.association.into(),
        label: ticket.label.clone(),
        service_name_ar: service.map(|s| s.name.ar.clone()).unwrap_or_default(),
        service_name_en: service.map(|s| s.name.en.clone()).unwrap_or_default(),
        people_ahead: ticket.people_ahead,
        // RFC 3339 with an offset from the server; if it is unreadable, the print time is a
        // close stand-in (the ticket was issued a moment ago).
        issued_at: ticket
            .issued_at
            .parse::<Timestamp>()
            .unwrap_or_else(|_| Timestamp::now()),
        status_url: Some(status_url.into()),
    }
}

/// The slip of a visitor who checked in: label, the service's public names and people ahead, as
/// the server answered; the check-in time; no status link (the visitor has it on the phone).
pub fn slip_content(place: &CheckedIn, services: &[Service]) -> TicketContent {
    let service = services.iter().find(|s| s.code == place.service);
    TicketContent {
        association_name_ar: AR.association.into(),
        association_name_en: EN.association.into(),
        label: place.label.clone(),
        service_name_ar: service.map(|s| s.name.ar.clone()).unwrap_or_default(),
        service_name_en: service.map(|s| s.name.en.clone()).unwrap_or_default(),
        people_ahead: place.people_ahead,
        issued_at: Timestamp::now(),
        status_url: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::fake::sample_services;

    #[test]
    fn content_comes_from_the_server_ticket() {
        let t = Ticket {
            id: 9,
            label: "B-004".into(),
            service: "follow_up".into(),
            people_ahead: 3,
            estimated_wait_minutes: 7,
            status_path: "/t/abc".into(),
            issued_at: "2026-11-25T10:02:03+03:00".into(),
            ..Ticket::default()
        };
        let c = ticket_content(&t, &sample_services(), "https://q.example/t/abc");
        assert_eq!(c.label, "B-004");
        assert_eq!(
            (c.service_name_ar.as_str(), c.service_name_en.as_str()),
            ("متابعة طلب", "Follow-up")
        );
        assert_eq!(c.people_ahead, 3);
        assert_eq!(c.issued_at.to_string(), "2026-11-25T07:02:03Z");
        assert_eq!(c.status_url.as_deref(), Some("https://q.example/t/abc"));
    }

    #[test]
    fn a_check_in_slip_has_the_place_and_no_link() {
        let place = CheckedIn {
            label: "A-004".into(),
            service: "new_request".into(),
            people_ahead: 2,
            estimated_wait_minutes: 20,
        };
        let c = slip_content(&place, &sample_services());
        assert_eq!(c.label, "A-004");
        assert_eq!(c.service_name_en, "New request");
        assert_eq!(c.people_ahead, 2);
        assert_eq!(c.status_url, None);
    }

    #[test]
    fn virtual_printer_reports_back_without_blocking() {
        let dir = std::env::temp_dir().join(format!("kiosk-printer-unit-{}", std::process::id()));
        let woken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let w = woken.clone();
        let p = Printer::start(
            PrinterConfig::new(PaperWidth::Mm80, DriverConfig::Virtual { dir: dir.clone() }),
            Arc::new(move || {
                w.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        )
        .unwrap();
        let t = Ticket {
            id: 1,
            label: "A-001".into(),
            service: "new_request".into(),
            people_ahead: 0,
            estimated_wait_minutes: 0,
            status_path: "/t/x".into(),
            issued_at: String::new(),
            ..Ticket::default()
        };
        p.submit(PrintJob {
            paper: Paper::Ticket(1),
            attempt: 1,
            content: ticket_content(&t, &sample_services(), "http://k/t/x"),
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        let out = loop {
            let mut o = p.drain();
            if let Some(o) = o.pop() {
                break o;
            }
            assert!(std::time::Instant::now() < deadline, "no outcome");
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert_eq!((out.paper, out.attempt), (Paper::Ticket(1), 1));
        let files = out.result.unwrap().files.unwrap();
        assert!(files.preview.exists() && files.stream.exists());
        assert_eq!(woken.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(p.jobs().len(), 1);
        let _ = std::fs::remove_dir_all(dir);
    }
}
