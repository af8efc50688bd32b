//! The paper ticket as the visitor sees it: printing, printed, or failed with "print again".

use super::{Effect, Flow, Screen};
use crate::shell::ShellFlow;
use kiosk_printer::PrintFault;
use std::time::Instant;

/// The paper ticket, as the visitor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintState {
    /// No ticket.
    None,
    /// The first attempt is on the print thread: "your ticket is printing".
    Printing { attempt: u32 },
    /// The printer confirmed the ticket.
    Printed,
    /// The printer failed: the number and QR stay large on screen with "please show this screen
    /// at reception" and a "print again" button.
    Failed { fault: PrintFault, attempt: u32 },
    /// "Print again" was tapped after a fault: the same large view while it prints.
    Reprinting { fault: PrintFault, attempt: u32 },
}

impl PrintState {
    /// The attempt whose outcome is awaited.
    pub fn awaiting(&self) -> Option<u32> {
        match self {
            PrintState::Printing { attempt } | PrintState::Reprinting { attempt, .. } => {
                Some(*attempt)
            }
            _ => None,
        }
    }

    /// The fault being shown (failed, or reprinting after a failure).
    pub fn fault(&self) -> Option<&PrintFault> {
        match self {
            PrintState::Failed { fault, .. } | PrintState::Reprinting { fault, .. } => Some(fault),
            _ => None,
        }
    }
}

impl Flow {
    /// The print thread's answer for `ticket_id`'s `attempt`. Answers for another ticket or an
    /// older attempt are ignored (the server is told by the view either way).
    pub fn on_printed(
        &mut self,
        ticket_id: i64,
        attempt: u32,
        result: Result<(), PrintFault>,
        now: Instant,
    ) {
        if self.ticket.as_ref().map(|t| t.id) != Some(ticket_id)
            || self.print.awaiting() != Some(attempt)
        {
            return;
        }
        self.wipe_from = now;
        match result {
            Ok(()) => {
                self.print = PrintState::Printed;
                self.wipe_after = self.config().ticket_wipe;
            }
            Err(fault) => {
                self.print = PrintState::Failed { fault, attempt };
                self.wipe_after = self.config().print_fault_wipe;
            }
        }
    }

    /// "Print again" on the fault view: the same ticket, the next attempt; no new request.
    pub fn print_again(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Ticket || !self.settled(now) {
            return;
        }
        let (PrintState::Failed { fault, attempt }, Some(ticket)) = (&self.print, &self.ticket)
        else {
            return;
        };
        let attempt = attempt + 1;
        self.effects.push(Effect::Print {
            ticket: ticket.clone(),
            attempt,
        });
        self.print = PrintState::Reprinting {
            fault: fault.clone(),
            attempt,
        };
        self.wipe_from = now;
        self.wipe_after = self.config().print_fault_wipe;
        self.session.screen_changed(now); // debounce a double tap on "print again"
    }
}
