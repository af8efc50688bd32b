//! Acting on a ticket from a desk (or as a supervisor): recall, start, finish, transfer, …, and
//! raising its class.

use super::CommandError;
use super::{TicketView, acting_desk, closed_is_illegal, commit_change, touched};
use crate::domain::*;
use crate::store::engine::Engine;
use crate::store::{audit, reads};

/// Any other action on a ticket. Staff act from the desk they are signed in at; supervisors may
/// also act from no desk (`Action::Cancel`, `Action::Transfer`), and on any line (audited).
pub async fn act(
    engine: &Engine,
    ticket: TicketId,
    action: Action,
    staff: StaffId,
    supervisor: bool,
) -> Result<TicketView, CommandError> {
    engine
        .write(move |ctx| {
            let desk = acting_desk(ctx, staff, supervisor)?;
            // A supervisor acts on a visitor at another desk as from no desk (transfer, cancel).
            let elsewhere = |t: &Ticket| t.desk.is_some() && t.desk != desk;
            let desk = if supervisor && ctx.queue.ticket(ticket).is_some_and(elsewhere) {
                None
            } else {
                desk
            };
            let actor = Actor {
                desk,
                staff: Some(staff),
                supervisor,
            };
            let kind = action.kind();
            let change = ctx
                .queue
                .plan_action_as(ticket, &action, actor, ctx.now)
                .map_err(|e| closed_is_illegal(ctx, e, kind))?;
            let change = commit_change(ctx, change, &[])?;
            Ok(touched(ctx, &change).expect("an action updates its ticket"))
        })
        .await
}

/// Raises a waiting ticket's class at the desk (`Queue::plan_raise_priority`). One audit row says
/// who raised it and to what; no reason is asked for or kept.
pub async fn raise_priority(
    engine: &Engine,
    ticket: TicketId,
    to: Priority,
    staff: StaffId,
    role: Role,
    supervisor: bool,
) -> Result<TicketView, CommandError> {
    engine
        .write(move |ctx| {
            let desk = acting_desk(ctx, staff, supervisor)?;
            let actor = Actor {
                desk,
                staff: Some(staff),
                supervisor,
            };
            let change = ctx
                .queue
                .plan_raise_priority(ticket, to, actor, ctx.now)
                .map_err(|e| match e {
                    QueueError::UnknownTicket(id)
                        if reads::stored_ticket(ctx.tx, id).ok().flatten().is_some() =>
                    {
                        QueueError::NotWaiting(id)
                    }
                    e => e,
                })?;
            let entry = audit::AuditEntry {
                staff_id: Some(staff),
                role: Some(crate::store::role_str(role).to_string()),
                desk,
                ticket_id: Some(ticket),
                action: format!("raise_to_{}", crate::store::priority_str(to)),
                ..audit::AuditEntry::default()
            };
            audit::append(ctx.tx, &entry, ctx.now)?;
            let change = commit_change(ctx, change, &[])?;
            Ok(touched(ctx, &change).expect("a raise updates its ticket"))
        })
        .await
}
