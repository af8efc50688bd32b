//! The queue rules. Pure: no HTTP, no SQL, no async, no clock of its own (time is an argument).
//!
//! - `model`: the nouns (tickets, desks, services, priority classes).
//! - `transitions`: the ticket state machine table.
//! - `routing`: which ticket a desk calls next, and who may touch a waiting ticket.
//! - `active`: the active tickets by id, packed (a big day is mostly waiting tickets).
//! - `lines`: the waiting tickets indexed by line and place, so no request walks the whole day.
//! - `numbering`: service day (Asia/Riyadh) and labels.
//! - `queue`: `Queue`, the live queue, with plan/apply operations.
//! - `needs`: which needs give the `priority` class.
//! - `committee`: the research committee's work on a registered request (6.5): reference,
//!   decision, telling the applicant, reminders.
//! - `contact_request`: who sees, takes and handles a rating's "please contact me".
//! - `confirmation`: what the applicant confirms and signs (6.4), its fingerprint, the signature.
//! - `hours`: opening hours: when tickets are issued (weekdays, holidays, the evening cut-off).
//! - `appointments`: slots and bookings (who may book which slot).
//! - `arrival`: remote places and appointments: checking in, moving back, the slot's grace.
//! - `rollup`: the de-identified facts kept for head office (the outbox's format).
//! - `visit`: the rules of a visit at a desk (who sees a visitor's details, checklist, committee date).

pub mod active;
pub mod appointments;
pub mod arrival;
pub mod committee;
pub mod confirmation;
pub mod contact_request;
pub mod hours;
pub mod lines;
pub mod model;
pub mod needs;
pub mod numbering;
pub mod queue;
pub mod rights;
pub mod rollup;
pub mod routing;
pub mod transitions;
pub mod visit;
pub mod wait_level;
pub mod webhook;

#[cfg(test)]
mod tests;

pub use model::*;
pub use queue::{
    CallAs, Change, DeskPlan, EventKind, HistoryEntry, IssueRequest, Override, OverrideRule, Queue,
    QueueEvent, ReconfigureRefusal, TicketRef,
};
pub use transitions::{Action, ActionKind, TransferTarget};

use std::fmt;

/// A rule refused the operation. Each variant is one specific reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueueError {
    UnknownService(String),
    UnknownDesk(DeskId),
    UnknownTicket(TicketId),
    IllegalTransition {
        from: TicketState,
        action: ActionKind,
    },
    /// The desk already has a visitor called or being served.
    DeskBusy(TicketId),
    DeskPaused(DeskId),
    DeskOccupied(DeskId),
    StaffAtOtherDesk(DeskId),
    NotSignedIn(DeskId),
    NotYourDesk(TicketId),
    /// The ticket waits in a line the actor's desk does not serve.
    NotYourLine(TicketId),
    /// A direct call would break the visitor's same-gender request (as call-next would not).
    GenderPreference(TicketId),
    NoTicketWaiting,
    AlreadyReferred(TicketId),
    /// A social-research desk is where referrals go; it does not refer onwards.
    ReferAtResearchDesk(DeskId),
    ReasonRequired,
    SameLine(TicketId),
    UseCallEndpoint,
    /// Only a waiting ticket changes class.
    NotWaiting(TicketId),
    /// A class change may only raise the class (normal → priority → urgent).
    PriorityNotRaised(TicketId),
    /// A remote place whose visitor has not checked in is not called.
    NotArrived(TicketId),
    /// Check-in is for a remote place still waiting for its visitor.
    NotAwaitingArrival(TicketId),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownService(s) => write!(f, "Unknown service {s:?}"),
            Self::UnknownDesk(d) => write!(f, "Unknown desk {d}"),
            Self::UnknownTicket(t) => write!(f, "No active ticket {t}"),
            Self::IllegalTransition { from, action } => {
                write!(f, "Cannot {} a ticket that is {from:?}", action.as_str())
            }
            Self::DeskBusy(t) => write!(f, "The desk already has ticket {t} called or in service"),
            Self::DeskPaused(d) => write!(f, "Desk {d} is on a break"),
            Self::DeskOccupied(d) => write!(f, "Another staff member is signed in at desk {d}"),
            Self::StaffAtOtherDesk(d) => write!(f, "Already signed in at desk {d}"),
            Self::NotSignedIn(d) => write!(f, "Not signed in at desk {d}"),
            Self::NotYourDesk(t) => write!(f, "Ticket {t} is called to another desk"),
            Self::NotYourLine(t) => {
                write!(f, "Ticket {t} waits in a line this desk does not serve")
            }
            Self::GenderPreference(t) => write!(
                f,
                "Ticket {t} asked for a staff member of the same gender, and a matching desk is open"
            ),
            Self::NoTicketWaiting => write!(f, "No ticket is waiting for this desk"),
            Self::AlreadyReferred(t) => {
                write!(f, "Ticket {t} is already with the social researchers")
            }
            Self::ReferAtResearchDesk(d) => {
                write!(f, "Desk {d} is a social-research desk: it does not refer")
            }
            Self::ReasonRequired => write!(f, "A referral needs a reason"),
            Self::SameLine(t) => write!(f, "Ticket {t} is already in that line"),
            Self::UseCallEndpoint => write!(f, "Calls go through call-next or call-ticket"),
            Self::NotWaiting(t) => write!(f, "Ticket {t} is not waiting"),
            Self::PriorityNotRaised(t) => write!(
                f,
                "Ticket {t} already has that class or a higher one: a class is only raised"
            ),
            Self::NotArrived(t) => {
                write!(
                    f,
                    "Ticket {t} was joined from a phone and its visitor has not checked in"
                )
            }
            Self::NotAwaitingArrival(t) => {
                write!(
                    f,
                    "Ticket {t} is not a remote place waiting for its visitor"
                )
            }
        }
    }
}

impl std::error::Error for QueueError {}
