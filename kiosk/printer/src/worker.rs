//! A print thread, so that printing never blocks the UI thread.
//!
//! Jobs run one at a time in submission order (two tickets must not interleave on one printer). Each job's
//! result goes to the callback given with it, on the worker thread; the kiosk forwards it to the UI with
//! slint's `upgrade_in_event_loop`.

use std::sync::mpsc::{self, Sender};
use std::thread::{self, JoinHandle};

use crate::config::PrinterConfig;
use crate::content::TicketContent;
use crate::fault::PrintFault;
use crate::layout::render_ticket;
use crate::print::{PrintReport, print_ticket};

type Callback = Box<dyn FnOnce(Result<PrintReport, PrintFault>) + Send>;

/// A handle to the print thread. Dropping it lets queued jobs finish, then the thread ends.
pub struct PrintWorker {
    jobs: Option<Sender<(TicketContent, Callback)>>,
    thread: Option<JoinHandle<()>>,
}

impl PrintWorker {
    /// Starts the thread. The config is fixed for the worker's life; restart the worker to change it.
    pub fn spawn(config: PrinterConfig) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<(TicketContent, Callback)>();
        let thread = thread::Builder::new()
            .name("kiosk-printer".into())
            .spawn(move || {
                // Load the fonts and fill the glyph cache before the first person waits for a ticket
                // (first ticket ≈ 14 ms, the next ones ≈ 1.6 ms).
                let _ = render_ticket(&warm_up_ticket(), config.width);
                for (ticket, done) in queue {
                    done(print_ticket(&config, &ticket));
                }
            })?;
        Ok(Self {
            jobs: Some(jobs),
            thread: Some(thread),
        })
    }

    /// Queues a ticket and returns at once. `done` receives the outcome on the print thread.
    pub fn submit(
        &self,
        ticket: TicketContent,
        done: impl FnOnce(Result<PrintReport, PrintFault>) + Send + 'static,
    ) {
        let job = (ticket, Box::new(done) as Callback);
        let Some(jobs) = self.jobs.as_ref() else {
            return;
        };
        if let Err(mpsc::SendError((_, done))) = jobs.send(job) {
            // The thread died (a panic in a job): report it as the fault the kiosk handles anyway.
            done(Err(PrintFault::Io("the print thread has stopped".into())));
        }
    }
}

/// A ticket with the glyphs of a real one (Arabic, Latin, digits), never printed.
fn warm_up_ticket() -> TicketContent {
    TicketContent {
        association_name_ar: "جمعية عون لرعاية ضحايا الجريمة".into(),
        association_name_en: "Awn Association for the Care of Crime Victims".into(),
        label: "A-000".into(),
        service_name_ar: "طلب دعم جديد".into(),
        service_name_en: "New support request".into(),
        people_ahead: 4,
        issued_at: crate::Timestamp::UNIX_EPOCH,
        status_url: Some("http://0.0.0.0/t/warm-up".into()),
    }
}

impl Drop for PrintWorker {
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
