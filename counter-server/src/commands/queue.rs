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

/// The database's schema version (`PRAGMA user_version`), read by the writer thread: an answer
/// means the queue is live.
pub async fn schema_version(engine: &Engine) -> Result<i64, EngineError> {
    Ok(engine
        .read(|ctx| crate::store::schema_version(ctx.conn))
        .await??)
}

/// How many earlier calls the board lists under "Previous calls".
const RECENT_CALLS: u32 = 6;

/// The waiting-room board: label and desk only.
pub struct Board {
    /// Called right now, oldest call first.
    pub calls: Vec<(String, Option<DeskId>)>,
    /// Today's other called tickets, latest call first, at the desk of their last call.
    pub recent: Vec<(String, Option<DeskId>)>,
}

/// The board as every screen shows it now.
pub async fn board(
    engine: &Engine,
    reads: &crate::store::reads::ReadPool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Board, EngineError> {
    let calls = engine
        .read(|ctx| {
            let mut called: Vec<_> = ctx
                .queue
                .active_tickets()
                .filter(|t| t.state == crate::domain::TicketState::Called)
                .map(|t| (t.called_at, ctx.queue.label_of(t), t.desk))
                .collect();
            called.sort();
            called
                .into_iter()
                .map(|(_, label, desk)| (label, desk))
                .collect::<Vec<_>>()
        })
        .await?;
    let today = crate::domain::numbering::service_day(now);
    // A few more than shown, as those called right now are left out.
    let limit = RECENT_CALLS + calls.len() as u32;
    let recent: Vec<_> = reads
        .run(move |conn| crate::store::reads::recent_calls(conn, today, limit))
        .await?
        .into_iter()
        .filter(|(label, _)| !calls.iter().any(|(now, _)| now == label))
        .take(RECENT_CALLS as usize)
        .collect();
    Ok(Board { calls, recent })
}
