//! The visit at a desk, as engine jobs: reading a visitor's details (audited), revealing the full
//! national ID (audited), ticking the policy checklist, finishing with an outcome (and a follow-up
//! for a registered support request), and acknowledging alerts. The rules come from
//! `domain::visit`; the statements from `store::visits`.

use super::{CommandError, Refusal};
use chrono::NaiveDate;

use super::{TicketView, view};
use crate::domain::numbering::service_day;
use crate::domain::visit::{self, CheckItem, Viewer};
use crate::domain::*;
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{audit, role_str, visits, writes};

/// The staff member asking, and the request it is (for the audit trail).
#[derive(Clone, Debug)]
pub struct Asker {
    pub staff: StaffId,
    pub role: Role,
    pub request_id: String,
}

/// What the console shows of a visit.
#[derive(Clone, Debug)]
pub struct VisitView {
    pub ticket: TicketView,
    /// The national ID and mobile are masked here; `reveal` gives them in full.
    pub intake: Option<visits::IntakeRow>,
    pub checks: Vec<visits::CheckRow>,
    pub checklist_complete: bool,
    pub referral: Option<visits::ReferralRow>,
    pub follow_up: Option<visits::FollowUpRow>,
}

fn viewer_desk(ctx: &WriteCtx<'_>, staff: StaffId) -> Option<DeskId> {
    ctx.queue.desk_of_staff(staff).map(|d| d.id)
}

/// The ticket, live or finished, and the viewer, once the visibility rule allowed it.
fn visible_ticket(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    id: TicketId,
) -> Result<(TicketView, Viewer), CommandError> {
    let viewer = Viewer {
        role: who.role,
        desk: viewer_desk(ctx, who.staff),
    };
    let ticket = match ctx.queue.ticket(id) {
        Some(t) => Some(t.clone()),
        None => crate::store::reads::stored_ticket(ctx.tx, id)?,
    }
    .ok_or(QueueError::UnknownTicket(id))?;
    if !visit::may_view_visitor(viewer, &ticket) {
        return Err(Refusal::NotCalledToYourDesk.into());
    }
    Ok((view(ctx.queue, &ticket), viewer))
}

fn audit(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    viewer: Viewer,
    ticket: TicketId,
    action: &'static str,
) -> Result<(), CommandError> {
    let entry = audit::AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        desk: viewer.desk,
        ticket_id: Some(ticket),
        action: action.to_string(),
        request_id: Some(who.request_id.clone()),
        ..audit::AuditEntry::default()
    };
    audit::append(ctx.tx, &entry, ctx.now)?;
    Ok(())
}

fn masked(mut intake: visits::IntakeRow) -> visits::IntakeRow {
    intake.national_id = intake.national_id.as_deref().map(visit::mask_last4);
    intake.mobile = intake.mobile.as_deref().map(visit::mask_last4);
    intake
}

/// The visit as the console shows it; writes a `view_visit` audit row in the same transaction.
pub async fn view_visit(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
) -> Result<VisitView, CommandError> {
    engine
        .write(move |ctx| {
            let (tv, viewer) = visible_ticket(ctx, &who, ticket)?;
            let intake = visits::intake_of(ctx.tx, ticket)?.map(masked);
            let checks = visits::checks_of(ctx.tx, ticket)?;
            let done: Vec<CheckItem> = checks.iter().map(|c| c.item).collect();
            let referral = visits::referral_of(ctx.tx, ticket)?;
            let follow_up = visits::follow_up_of(ctx.tx, ticket)?;
            audit(ctx, &who, viewer, ticket, "view_visit")?;
            Ok(VisitView {
                ticket: tv,
                intake,
                checklist_complete: visit::checklist_complete(&done),
                checks,
                referral,
                follow_up,
            })
        })
        .await
}

/// The full national ID and mobile; writes a `reveal_national_id` audit row.
pub async fn reveal(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
) -> Result<(Option<String>, Option<String>), CommandError> {
    engine
        .write(move |ctx| {
            let (_, viewer) = visible_ticket(ctx, &who, ticket)?;
            let intake = visits::intake_of(ctx.tx, ticket)?;
            audit(ctx, &who, viewer, ticket, "reveal_national_id")?;
            Ok(intake.map_or((None, None), |i| (i.national_id, i.mobile)))
        })
        .await
}

/// Ticks one item of the checklist; only the desk the visitor is at may.
pub async fn tick(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    item: CheckItem,
) -> Result<(Vec<visits::CheckRow>, bool), CommandError> {
    engine
        .write(move |ctx| {
            let viewer = Viewer {
                role: who.role,
                desk: viewer_desk(ctx, who.staff),
            };
            let t = ctx
                .queue
                .ticket(ticket)
                .ok_or(QueueError::UnknownTicket(ticket))?;
            if !visit::may_tick(viewer, t) {
                return Err(Refusal::NotServedAtYourDesk.into());
            }
            if visit::awaiting_arrival(t) {
                return Err(not_arrived());
            }
            visits::tick(ctx.tx, ticket, item, who.staff, viewer.desk, ctx.now)?;
            let checks = visits::checks_of(ctx.tx, ticket)?;
            let done: Vec<CheckItem> = checks.iter().map(|c| c.item).collect();
            Ok((checks, visit::checklist_complete(&done)))
        })
        .await
}

/// The end of a visit: the `finish` transition, the optional note and, for a registered support
/// request, a follow-up whose earliest committee answer is the visit day + 14 days (policy 6.5).
pub struct Finished {
    pub ticket: TicketView,
    pub follow_up: Option<(NaiveDate, NaiveDate)>,
}

fn not_arrived() -> CommandError {
    Refusal::NotArrived.into()
}

pub async fn finish(
    engine: &Engine,
    ticket: TicketId,
    outcome: Outcome,
    note: Option<String>,
    staff: StaffId,
    supervisor: bool,
) -> Result<Finished, CommandError> {
    engine
        .write(move |ctx| {
            let desk = super::acting_desk(ctx, staff, supervisor)?;
            let called_here = ctx.queue.ticket(ticket).filter(|t| t.desk == desk);
            if called_here.is_some_and(visit::awaiting_arrival) {
                return Err(not_arrived());
            }
            let change = ctx
                .queue
                .plan_action(ticket, &Action::Finish(outcome), desk, Some(staff), ctx.now)
                .map_err(|e| super::closed_is_illegal(ctx, e, ActionKind::Finish))?;
            writes::persist_change(ctx.tx, &change, &[])?;
            if let Some(note) = &note {
                visits::save_note(ctx.tx, ticket, staff, ctx.now, note)?;
            }
            let follow_up = if visit::opens_follow_up(outcome) {
                let day = service_day(ctx.now);
                let earliest = visit::earliest_committee_answer(day);
                visits::open_follow_up(ctx.tx, ticket, staff, ctx.now, day, earliest)?;
                Some((day, earliest))
            } else {
                None
            };
            ctx.queue.apply(&change);
            for e in &change.events {
                ctx.publish(e.clone());
            }
            let t = change.updated.first().expect("a finish updates its ticket");
            Ok(Finished {
                ticket: view(ctx.queue, t),
                follow_up,
            })
        })
        .await
}

/// Acknowledges an alert; every supervisor console drops it.
pub async fn acknowledge_alert(
    engine: &Engine,
    id: i64,
    staff: StaffId,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !visits::acknowledge_alert(ctx.tx, id, staff, ctx.now)? {
                return Err(Refusal::AlertNotFound.into());
            }
            ctx.publish_acknowledged(id);
            Ok(())
        })
        .await
}

/// The desk a staff member is signed in at, and whether it is on a break.
pub async fn desk_of(
    engine: &Engine,
    staff: StaffId,
) -> Result<Option<(DeskId, bool)>, CommandError> {
    engine
        .read(move |ctx| ctx.queue.desk_of_staff(staff).map(|d| (d.id, d.paused)))
        .await
        .map_err(CommandError::from)
}

/// The alerts no supervisor has acknowledged yet, oldest first.
pub async fn open_alerts(
    reads: &crate::store::reads::ReadPool,
) -> Result<Vec<visits::AlertRow>, crate::store::StoreError> {
    reads.run(visits::open_alerts).await
}
