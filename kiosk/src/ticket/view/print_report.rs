//! What the server and the log hear about each print: the reason code of a failed print (or of a
//! nearly empty roll), and each ticket's outcome once per change.

use crate::ticket::printer::{Paper, PrintOutcome};
use awn_core::wire::PrinterTrouble;
use kiosk_printer::{PrintFault, PrintReport};
use std::collections::VecDeque;

/// How many tickets' last print report is remembered (to send each change once).
const KEEP_REPORTS: usize = 64;

/// `(ticket id, printed)` last sent to the server, newest last.
#[derive(Default)]
pub struct Reported(VecDeque<(i64, bool)>);

impl Reported {
    /// Records `printed` for the ticket; false when that is what the server was last told.
    pub fn changed(&mut self, ticket_id: i64, printed: bool) -> bool {
        let last = self
            .0
            .iter()
            .rev()
            .find(|(id, _)| *id == ticket_id)
            .map(|(_, p)| *p);
        if last == Some(printed) {
            return false;
        }
        self.0.retain(|(id, _)| *id != ticket_id);
        if self.0.len() == KEEP_REPORTS {
            self.0.pop_front();
        }
        self.0.push_back((ticket_id, printed));
        true
    }
}

/// A failed print, or a nearly used-up roll, goes to the log (the ticket's id, never its content).
pub fn log(o: &PrintOutcome) {
    let what = match o.paper {
        Paper::Ticket(id) => format!("ticket {id}"),
        Paper::CheckInSlip(_) => "a check-in slip".to_string(),
    };
    match &o.result {
        Err(fault) => eprintln!(
            "kiosk: {what} (attempt {}) did not print: {}",
            o.attempt,
            fault.message_en()
        ),
        Ok(report) if report.paper_near_end => {
            eprintln!("kiosk: the printer's paper roll is nearly used up")
        }
        Ok(_) => {}
    }
}

/// What a print outcome tells the supervisor (the server's reason codes): why a ticket did not
/// print, or that the roll is nearly used up while tickets still print.
pub fn printer_trouble(result: &Result<PrintReport, PrintFault>) -> Option<PrinterTrouble> {
    match result {
        Ok(report) => report
            .paper_near_end
            .then_some(PrinterTrouble::PaperNearEnd),
        Err(PrintFault::PaperEnd) => Some(PrinterTrouble::PaperOut),
        Err(PrintFault::CoverOpen) => Some(PrinterTrouble::CoverOpen),
        Err(PrintFault::Offline) => Some(PrinterTrouble::Offline),
        Err(PrintFault::NoAnswer) => Some(PrinterTrouble::NoAnswer),
        Err(PrintFault::Io(_)) => Some(PrinterTrouble::Io),
        Err(PrintFault::Config(_)) => Some(PrinterTrouble::Config),
        Err(PrintFault::Render(_)) => Some(PrinterTrouble::Render),
    }
}

#[cfg(test)]
mod tests {
    use kiosk_printer::{PrintFault, PrintReport};

    /// The reason code as sent to the server.
    fn printer_trouble(result: &Result<PrintReport, PrintFault>) -> Option<&'static str> {
        super::printer_trouble(result).map(awn_core::wire::PrinterTrouble::as_str)
    }

    fn printed(paper_near_end: bool) -> Result<PrintReport, PrintFault> {
        Ok(PrintReport {
            bytes: 1,
            width: 1,
            height: 1,
            paper_near_end,
            files: None,
        })
    }

    #[test]
    fn every_printer_fault_and_a_nearly_empty_roll_are_told_to_the_server() {
        assert_eq!(printer_trouble(&printed(false)), None);
        assert_eq!(printer_trouble(&printed(true)), Some("paper_near_end"));
        assert_eq!(
            printer_trouble(&Err(PrintFault::PaperEnd)),
            Some("paper_out")
        );
        assert_eq!(
            printer_trouble(&Err(PrintFault::CoverOpen)),
            Some("cover_open")
        );
        assert_eq!(printer_trouble(&Err(PrintFault::Offline)), Some("offline"));
        assert_eq!(
            printer_trouble(&Err(PrintFault::NoAnswer)),
            Some("no_answer")
        );
        assert_eq!(
            printer_trouble(&Err(PrintFault::Io("disk".into()))),
            Some("io")
        );
    }

    #[test]
    fn each_change_of_a_tickets_print_is_reported_once() {
        let mut r = super::Reported::default();
        assert!(r.changed(1, false));
        assert!(
            !r.changed(1, false),
            "a failed reprint raises no second alert"
        );
        assert!(r.changed(2, true));
        assert!(r.changed(1, true));
        assert!(!r.changed(1, true));
    }
}
