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
        let thread = thread::Builder::new().name("kiosk-printer".into()).spawn(move || {
            for (ticket, done) in queue {
                done(print_ticket(&config, &ticket));
            }
        })?;
        Ok(Self { jobs: Some(jobs), thread: Some(thread) })
    }

    /// Queues a ticket and returns at once. `done` receives the outcome on the print thread.
    pub fn submit(
        &self,
        ticket: TicketContent,
        done: impl FnOnce(Result<PrintReport, PrintFault>) + Send + 'static,
    ) {
        let job = (ticket, Box::new(done) as Callback);
        if let Some(Err(mpsc::SendError((_, done)))) = self.jobs.as_ref().map(|tx| tx.send(job)) {
            // The thread died (a panic in a job): report it as the fault the kiosk handles anyway.
            done(Err(PrintFault::Io("the print thread has stopped".into())));
        }
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
