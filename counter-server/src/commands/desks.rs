//! A desk's jobs: sign in and out, pause, call the next visitor or a given ticket.

use super::{CommandError, Refusal};
use super::{TicketView, closed_is_illegal, commit_change, touched};
use crate::domain::*;
use crate::store::engine::Engine;

pub async fn sign_in(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
    role: Role,
    gender: Gender,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let d = ctx.queue.desk(desk).ok_or(QueueError::UnknownDesk(desk))?;
            if !crate::auth::may_staff_desk(role, d.kind) {
                return Err(Refusal::WrongDeskKind.into());
            }
            let change = ctx
                .queue
                .plan_sign_in(desk, OnDuty { staff, gender }, ctx.now)?;
            commit_change(ctx, change, &[])?;
            Ok(())
        })
        .await
}

pub async fn sign_out(engine: &Engine, desk: DeskId, staff: StaffId) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let change = ctx.queue.plan_sign_out(desk, staff)?;
            commit_change(ctx, change, &[]).map(drop)
        })
        .await
}

pub async fn pause(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
    paused: bool,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let change = ctx.queue.plan_pause(desk, staff, paused, ctx.now)?;
            commit_change(ctx, change, &[]).map(drop)
        })
        .await
}

pub async fn call_next(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
) -> Result<TicketView, CommandError> {
    engine
        .write(move |ctx| {
            let change = ctx.queue.plan_call_next(desk, staff, ctx.now)?;
            let change = commit_change(ctx, change, &[])?;
            Ok(touched(ctx, &change).expect("a call updates its ticket"))
        })
        .await
}

/// A direct call; `how` says whether a supervisor calls, and overrides a same-gender request.
pub async fn call_ticket(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
    ticket: TicketId,
    how: CallAs,
) -> Result<TicketView, CommandError> {
    engine
        .write(move |ctx| {
            let change = ctx
                .queue
                .plan_call_ticket(desk, staff, ticket, how, ctx.now)
                .map_err(|e| closed_is_illegal(ctx, e, ActionKind::Call))?;
            let change = commit_change(ctx, change, &[])?;
            Ok(touched(ctx, &change).expect("a call updates its ticket"))
        })
        .await
}
