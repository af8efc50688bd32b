//! Reading the live queue: a ticket's place in line, the staff's overview.

use super::{TicketView, view};
use crate::domain::*;
use crate::store::engine::{Engine, EngineError};

/// A ticket's place for the public status page: people ahead and the estimated wait.
pub async fn place_in_line(
    engine: &Engine,
    ticket: TicketId,
) -> Result<Option<(u32, u32)>, EngineError> {
    engine
        .read(move |ctx| {
            let t = ctx.queue.ticket(ticket)?;
            let ahead = ctx.queue.people_ahead(ticket)?;
            Some((ahead, ctx.queue.estimated_wait_minutes(&t.line, ahead)))
        })
        .await
}

/// One service line as staff see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineSummary {
    pub service: String,
    pub waiting: u32,
    pub longest_wait_minutes: i64,
    pub urgent: u32,
}

/// The queue for staff: every line, the referred visitors, every active ticket, every desk.
#[derive(Clone, Debug)]
pub struct QueueSnapshot {
    pub lines: Vec<LineSummary>,
    pub tickets: Vec<TicketView>,
    pub desks: Vec<Desk>,
}

pub async fn snapshot(engine: &Engine) -> Result<QueueSnapshot, EngineError> {
    engine
        .read(|ctx| {
            let lines = ctx
                .queue
                .waiting_by_service(ctx.now)
                .into_iter()
                .map(|(service, (waiting, longest, urgent))| LineSummary {
                    service,
                    waiting,
                    longest_wait_minutes: longest,
                    urgent,
                })
                .collect();
            let mut tickets: Vec<TicketView> = ctx
                .queue
                .active_tickets()
                .map(|t| view(ctx.queue, t))
                .collect();
            tickets.sort_by_key(|v| v.ticket.order_key());
            QueueSnapshot {
                lines,
                tickets,
                desks: ctx.queue.desks().cloned().collect(),
            }
        })
        .await
}
