//! What the API and the pages can ask: each function is one use case, most of them one engine job
//! that checks the rules (`domain`), persists (`store`) and only then applies the change to the
//! live queue. No HTTP types and no status codes here: commands return domain and command errors,
//! and only `http::error` maps them to statuses. One file per family of jobs:
//! - `kiosk`: issuing tickets, print reports; `desks`: sign in/out, pause, calls;
//! - `tickets`: actions on a ticket, raising its class; `queue`: the staff overview, place in line;
//! - `visit`: the visit at a desk (intake, checklist, alerts); `confirmation`: the applicant
//!   confirms and signs (6.4); `committee`: the committee's requests; `rights`: visitors' rights;
//! - `board`: the supervisor's live board (desks, lines against their target, alerts, today);
//!   `line_alerts`: a supervisor alert when a line turns red;
//! - `reference`: the console's reference documents (search, read);
//! - `ratings`: rating a visit; `status`: the visitor's status page; `sessions`: staff login;
//!   `metrics`: computing the metrics of a period; `pairing`: pairing a device with a code;
//! - `webhooks`: an admin's webhook endpoints and dead deliveries (sending: `crate::webhooks`).

pub mod admin;
pub mod appointments;
pub mod board;
pub mod committee;
pub mod confirmation;
pub mod contact_requests;
pub mod daily_report;
pub mod desks;
pub mod error;
pub mod kiosk;
pub mod line_alerts;
pub mod metrics;
pub mod notify;
pub mod pairing;
pub mod queue;
pub mod ratings;
pub mod reference;
pub mod remote;
pub mod rights;
pub mod sessions;
pub mod settings;
pub mod status;
pub mod tickets;
pub mod visit;
pub mod webhooks;

pub use desks::*;
pub use error::{CommandError, Refusal};
pub use kiosk::*;
pub use queue::*;
pub use tickets::*;

use crate::domain::*;
use crate::store::engine::WriteCtx;
use crate::store::{audit, reads, writes};

/// Persists, applies and announces a planned change (the tail of most jobs).
fn commit_change(
    ctx: &mut WriteCtx<'_>,
    change: Change,
    issued_meta: &[(String, [u8; 32], writes::Issuer)],
) -> Result<Change, CommandError> {
    writes::persist_change(ctx.tx, &change, issued_meta)?;
    audit_overrides(ctx, &change)?;
    ctx.queue.apply(&change);
    for e in &change.events {
        ctx.publish(e.clone());
    }
    Ok(change)
}

/// One audit row for every rule a supervisor overrode (`Change::overrides`).
fn audit_overrides(ctx: &WriteCtx<'_>, change: &Change) -> Result<(), CommandError> {
    for o in &change.overrides {
        let entry = audit::AuditEntry {
            staff_id: o.staff,
            role: Some(crate::store::role_str(Role::Supervisor).to_string()),
            desk: o.desk,
            ticket_id: Some(o.ticket),
            action: o.rule.as_str().to_string(),
            reason: Some(o.action.to_string()),
            ..audit::AuditEntry::default()
        };
        audit::append(ctx.tx, &entry, ctx.now)?;
    }
    Ok(())
}

/// A ticket as staff see it in replies (no personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketView {
    pub ticket: Ticket,
    pub label: String,
}

pub(crate) fn view(queue: &Queue, t: &Ticket) -> TicketView {
    TicketView {
        ticket: t.clone(),
        label: queue.label_of(t),
    }
}

/// The ticket a change touched, as staff see it.
fn touched(ctx: &WriteCtx<'_>, change: &Change) -> Option<TicketView> {
    change.updated.first().map(|t| view(ctx.queue, t))
}

/// The live queue holds only active tickets; one that left it (done, no-show, cancelled, expired)
/// still exists, and acting on it is an illegal transition (the state machine table), not 404.
pub(crate) fn closed_is_illegal(
    ctx: &WriteCtx<'_>,
    e: QueueError,
    action: ActionKind,
) -> CommandError {
    if let QueueError::UnknownTicket(id) = e
        && let Ok(Some(t)) = reads::stored_ticket(ctx.tx, id)
    {
        return QueueError::IllegalTransition {
            from: t.state,
            action,
        }
        .into();
    }
    e.into()
}

/// The desk a staff member acts from: the one they are signed in at. Only a supervisor may act
/// from no desk.
pub(crate) fn acting_desk(
    ctx: &WriteCtx<'_>,
    staff: StaffId,
    supervisor: bool,
) -> Result<Option<DeskId>, CommandError> {
    let desk = ctx.queue.desk_of_staff(staff).map(|d| d.id);
    if desk.is_none() && !supervisor {
        return Err(Refusal::NotSignedIn.into());
    }
    Ok(desk)
}
