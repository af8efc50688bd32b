//! The ticket state machine: which action is allowed in which state, and where it leads.
//!
//! This table is the one copy of the rule; ARCHITECTURE.md reproduces it for readers.

use super::model::{DeskId, Outcome, TicketState};

/// Where a transfer sends a ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferTarget {
    Service(String),
    Desk(DeskId),
}

/// Everything that can happen to an existing ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Call,
    Recall,
    Start,
    Finish(Outcome),
    NoShow,
    ReturnToQueue,
    Refer {
        reason: String,
    },
    Transfer(TransferTarget),
    Cancel,
    /// Day rollover: tickets of a past service day that were never served.
    Expire,
}

/// The action's name, for errors and events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    Call,
    Recall,
    Start,
    Finish,
    NoShow,
    ReturnToQueue,
    Refer,
    Transfer,
    Cancel,
    Expire,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Call => ActionKind::Call,
            Self::Recall => ActionKind::Recall,
            Self::Start => ActionKind::Start,
            Self::Finish(_) => ActionKind::Finish,
            Self::NoShow => ActionKind::NoShow,
            Self::ReturnToQueue => ActionKind::ReturnToQueue,
            Self::Refer { .. } => ActionKind::Refer,
            Self::Transfer(_) => ActionKind::Transfer,
            Self::Cancel => ActionKind::Cancel,
            Self::Expire => ActionKind::Expire,
        }
    }
}

impl ActionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Call => "call",
            Self::Recall => "recall",
            Self::Start => "start",
            Self::Finish => "finish",
            Self::NoShow => "no_show",
            Self::ReturnToQueue => "return_to_queue",
            Self::Refer => "refer",
            Self::Transfer => "transfer",
            Self::Cancel => "cancel",
            Self::Expire => "expire",
        }
    }
}

/// The state an action leads to from `from`, or `None` when the table forbids it.
pub fn next_state(from: TicketState, action: ActionKind) -> Option<TicketState> {
    use ActionKind as A;
    use TicketState as S;
    match (from, action) {
        (S::Waiting, A::Call) => Some(S::Called),
        (S::Called, A::Recall) => Some(S::Called),
        (S::Called, A::Start) => Some(S::Serving),
        (S::Serving, A::Finish) => Some(S::Done),
        (S::Called, A::NoShow) => Some(S::NoShow),
        (S::Called | S::Serving, A::ReturnToQueue) => Some(S::Waiting),
        (S::Called | S::Serving, A::Refer) => Some(S::Waiting),
        (S::Waiting | S::Called | S::Serving, A::Transfer) => Some(S::Waiting),
        (S::Waiting | S::Called, A::Cancel) => Some(S::Cancelled),
        (S::Waiting | S::Called, A::Expire) => Some(S::Expired),
        _ => None,
    }
}

/// Whether the action is taken by the desk the ticket is called to (and so needs that desk).
pub fn needs_owning_desk(action: ActionKind) -> bool {
    use ActionKind as A;
    matches!(
        action,
        A::Recall | A::Start | A::Finish | A::NoShow | A::ReturnToQueue | A::Refer
    )
}

pub const ALL_STATES: [TicketState; 7] = [
    TicketState::Waiting,
    TicketState::Called,
    TicketState::Serving,
    TicketState::Done,
    TicketState::NoShow,
    TicketState::Cancelled,
    TicketState::Expired,
];

pub const ALL_ACTIONS: [ActionKind; 10] = [
    ActionKind::Call,
    ActionKind::Recall,
    ActionKind::Start,
    ActionKind::Finish,
    ActionKind::NoShow,
    ActionKind::ReturnToQueue,
    ActionKind::Refer,
    ActionKind::Transfer,
    ActionKind::Cancel,
    ActionKind::Expire,
];
