//! Which waiting ticket a desk calls next.
//!
//! Rules, in order:
//! 1. A desk only sees the lines it serves (`Desk::can_serve`); the same rule says who may touch a
//!    waiting ticket at all (`line_access`).
//! 2. Same-gender request: a ticket asking for a staff member of the other gender than this desk's is
//!    left for a desk that matches, while such a desk is open and the ticket has waited less than
//!    `gender_fallback_minutes`; after that, or when no matching desk is open, any desk calls it.
//! 3. Urgent, then priority, then appointments holding their slot, then normal (`Rank`); within a
//!    class, the place in line (issue time, join time, slot). A place is callable from its time,
//!    never before (an appointment checked in early waits for its slot), so when the first of a
//!    class is not callable yet none after it is; a remote place is
//!    callable once its visitor checked in (`arrival`, applied by `Queue::plan_call_next`).
//! 4. Anti-starvation: once a desk has called `max_priority_streak` non-normal tickets in a row, the
//!    oldest normal ticket that has waited at least `normal_max_wait_minutes` goes before the next
//!    *priority* or *appointment* ticket. Urgent tickets are never deferred.

use chrono::{DateTime, Utc};

use super::QueueError;
use super::model::{Desk, QueuePolicy, Rank, Ticket, TicketState};

/// Why an actor may touch a waiting ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineAccess {
    /// The actor's desk serves the line the ticket waits in.
    OwnLine,
    /// A supervisor acting outside their desk's lines: allowed, and audited.
    SupervisorOverride,
}

/// Who may call, transfer or cancel a *waiting* ticket: a desk that may serve the line it waits in
/// (its services; research desks also the referred line; a ticket transferred to a named desk only
/// that desk), or a supervisor anywhere. Everyone else is refused with `NotYourLine`.
pub fn line_access(
    desk: Option<&Desk>,
    supervisor: bool,
    ticket: &Ticket,
) -> Result<LineAccess, QueueError> {
    if desk.is_some_and(|d| d.can_serve(ticket)) {
        Ok(LineAccess::OwnLine)
    } else if supervisor {
        Ok(LineAccess::SupervisorOverride)
    } else {
        Err(QueueError::NotYourLine(ticket.id))
    }
}

/// Whether `desk` may call `ticket` now under the same-gender rule.
pub fn gender_allows(
    desk: &Desk,
    ticket: &Ticket,
    open_desks: &[&Desk],
    policy: &QueuePolicy,
    now: DateTime<Utc>,
) -> bool {
    let Some(wanted) = ticket.gender_preference else {
        return true;
    };
    if desk.on_duty.map(|d| d.gender) == Some(wanted) {
        return true;
    }
    if ticket.waited_minutes(now) >= policy.gender_fallback_minutes {
        return true;
    }
    let a_match_is_open = open_desks.iter().any(|d| {
        d.id != desk.id && d.on_duty.map(|o| o.gender) == Some(wanted) && d.can_serve(ticket)
    });
    !a_match_is_open
}

/// The ticket `desk` should call next among `tickets`, or `None` when nothing is waiting for it.
/// The queue passes only the heads of its line index (`lines::Lines::heads`); given every ticket
/// of the day it picks the same one (the definition, used by the property test).
pub fn choose_next<'a>(
    desk: &Desk,
    tickets: impl Iterator<Item = &'a Ticket>,
    open_desks: &[&Desk],
    policy: &QueuePolicy,
    now: DateTime<Utc>,
) -> Option<&'a Ticket> {
    let mut best: Option<&Ticket> = None;
    let mut oldest_normal: Option<&Ticket> = None;
    for t in tickets {
        if t.state != TicketState::Waiting
            || t.awaiting_arrival
            || t.place_at > now
            || !desk.can_serve(t)
            || !gender_allows(desk, t, open_desks, policy, now)
        {
            continue;
        }
        if best.is_none_or(|b| t.order_key() < b.order_key()) {
            best = Some(t);
        }
        if t.rank() == Rank::Normal && oldest_normal.is_none_or(|o| t.order_key() < o.order_key()) {
            oldest_normal = Some(t);
        }
    }
    let best = best?;
    let streak_full = desk.priority_streak >= policy.max_priority_streak;
    if matches!(best.rank(), Rank::Priority | Rank::Appointment)
        && streak_full
        && let Some(normal) =
            oldest_normal.filter(|n| n.waited_minutes(now) >= policy.normal_max_wait_minutes)
    {
        return Some(normal);
    }
    Some(best)
}

/// The desk's streak after it calls a ticket of class `called`.
pub fn next_streak(streak: u32, called: Rank) -> u32 {
    if called.counts_toward_streak() {
        streak.saturating_add(1)
    } else {
        0
    }
}
