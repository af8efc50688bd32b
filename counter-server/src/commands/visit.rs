//! The visit at a desk, as engine jobs: reading a visitor's details (audited), revealing the full
//! national ID (audited), ticking the policy checklist, finishing with an outcome (and a follow-up
//! for a registered support request), and acknowledging alerts. The rules come from
//! `domain::visit`; the statements from `store::visits`.

use super::{CommandError, Refusal};
use chrono::NaiveDate;

use super::{TicketView, view};
use crate::config::DocumentConfig;
use crate::domain::numbering::service_day;
use crate::domain::visit::{self, CheckItem, Viewer};
use crate::domain::*;
use crate::input::documents::{self as document_input, DocumentInput};
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{audit, rights, role_str, visits, writes};

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
    /// The service's documents (policy 6.2) with what the desk recorded of each.
    pub documents: Vec<DocumentState>,
    /// What registering a support request still waits for (policy 6.6), in the policy's order.
    pub registration_missing: Vec<CheckItem>,
    pub referral: Option<visits::ReferralRow>,
    pub follow_up: Option<visits::FollowUpRow>,
}

fn viewer_desk(ctx: &WriteCtx<'_>, staff: StaffId) -> Option<DeskId> {
    ctx.queue.desk_of_staff(staff).map(|d| d.id)
}

/// The ticket, live or finished, and the viewer, once the visibility rule allowed it (at the
/// desk it is called to, a supervisor, or the staff member who registered its request).
pub(super) fn visible_ticket(
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
    let reopened = || -> Result<bool, CommandError> {
        Ok(visits::follow_up_of(ctx.tx, id)?
            .is_some_and(|f| visit::may_reopen(who.staff, f.opened_by)))
    };
    if !visit::may_view_visitor(viewer, &ticket) && !reopened()? {
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
    audit_with(ctx, who, viewer, ticket, action, None)
}

/// An audit row with a reason that is never personal data: a field's or a document's name.
fn audit_with(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    viewer: Viewer,
    ticket: TicketId,
    action: &'static str,
    reason: Option<&str>,
) -> Result<(), CommandError> {
    let entry = audit::AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        desk: viewer.desk,
        ticket_id: Some(ticket),
        action: action.to_string(),
        reason: reason.map(str::to_string),
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

/// One document of the service's checklist and what the desk recorded of it, if anything.
#[derive(Clone, Debug)]
pub struct DocumentState {
    pub config: DocumentConfig,
    pub recorded: Option<visits::DocumentRow>,
}

/// The documents of the line the ticket is served in, each with its record.
pub(super) fn document_states(
    ctx: &WriteCtx<'_>,
    ticket: &Ticket,
) -> Result<Vec<DocumentState>, CommandError> {
    let mut recorded = visits::documents_of(ctx.tx, ticket.id)?;
    Ok(ctx
        .config
        .documents_of(&ticket.line)
        .iter()
        .map(|d| DocumentState {
            config: d.clone(),
            recorded: recorded
                .iter()
                .position(|r| r.document == d.code)
                .map(|i| recorded.swap_remove(i)),
        })
        .collect())
}

/// Every required document is recorded valid on the visit's day (policy 6.2).
fn documents_complete(ctx: &WriteCtx<'_>, documents: &[DocumentState]) -> bool {
    let seen: Vec<_> = documents
        .iter()
        .map(|d| d.recorded.as_ref().map(visits::DocumentRow::seen))
        .collect();
    visit::documents_complete(
        documents
            .iter()
            .zip(&seen)
            .map(|(d, s)| (d.config.rule(), s.as_ref())),
        service_day(ctx.now),
    )
}

/// What registration waits for (`domain::visit::registration_missing`).
fn missing_for_registration(
    ctx: &WriteCtx<'_>,
    ticket: &Ticket,
    checks: &[visits::CheckRow],
    documents: &[DocumentState],
) -> Result<Vec<CheckItem>, CommandError> {
    let done: Vec<CheckItem> = checks.iter().map(|c| c.item).collect();
    let still = visit::StillValid {
        documents: documents_complete(ctx, documents),
        confirmation: super::confirmation::confirmation_holds(ctx, ticket, documents)?,
    };
    Ok(visit::registration_missing(&done, still))
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
            let documents = document_states(ctx, &tv.ticket)?;
            let registration_missing =
                missing_for_registration(ctx, &tv.ticket, &checks, &documents)?;
            let referral = visits::referral_of(ctx.tx, ticket)?;
            let follow_up = visits::follow_up_of(ctx.tx, ticket)?;
            audit(ctx, &who, viewer, ticket, "view_visit")?;
            Ok(VisitView {
                ticket: tv,
                intake,
                checklist_complete: visit::checklist_complete(&done),
                checks,
                documents,
                registration_missing,
                referral,
                follow_up,
            })
        })
        .await
}

/// The ticket and the viewer when the visitor is at the viewer's desk and has arrived: what
/// ticking, completing details and recording documents need.
pub(super) fn served_here(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    ticket: TicketId,
) -> Result<(Ticket, Viewer), CommandError> {
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
    Ok((t.clone(), viewer))
}

/// Fills in or corrects one intake field at the desk serving the visitor (policy 6.2), with the
/// kiosk's rules (`input::intake::correction`). A visitor who gave no details at the kiosk needs
/// the consent the staff member records after reading them the notice (`consent_at_desk`). The
/// audit rows name the field, never its old or new value.
pub async fn complete_intake(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    field: &'static str,
    value: Option<String>,
    consent_at_desk: bool,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let (_, viewer) = served_here(ctx, &who, ticket)?;
            if visits::intake_of(ctx.tx, ticket)?.is_none() {
                if !consent_at_desk {
                    return Err(Refusal::ConsentRequired.into());
                }
                visits::open_intake_at_desk(
                    ctx.tx,
                    ticket,
                    &ctx.config.intake_notice,
                    who.staff,
                    ctx.now,
                )?;
                audit(ctx, &who, viewer, ticket, "consent_at_desk")?;
            }
            rights::correct(ctx.tx, ticket, field, value.as_deref())?;
            audit_with(ctx, &who, viewer, ticket, "intake_at_desk", Some(field))
        })
        .await
}

/// Records one document of the service's checklist as seen (valid or not) by the desk serving
/// the visitor; refused when the record breaks its rule (`domain::visit::check_document`).
pub async fn record_document(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    document: String,
    valid: bool,
    input: DocumentInput,
) -> Result<Vec<DocumentState>, CommandError> {
    engine
        .write(move |ctx| {
            let (t, viewer) = served_here(ctx, &who, ticket)?;
            let spec = ctx
                .config
                .documents_of(&t.line)
                .iter()
                .find(|d| d.code == document)
                .ok_or_else(document_input::unknown_document)?;
            let rule = spec.rule();
            // Only what the rule asks for is kept: no number for a document that has none.
            let expires_on = input.expires_on.filter(|_| rule.expiry);
            let reference = input.reference.filter(|_| rule.reference);
            let seen = visit::DocumentSeen {
                valid,
                expires_on,
                has_reference: reference.is_some(),
            };
            visit::check_document(rule, &seen, service_day(ctx.now))
                .map_err(document_input::problem)?;
            let record = visits::DocumentRecord {
                document: &spec.code,
                valid,
                expires_on,
                reference: reference.as_deref(),
                staff: who.staff,
                desk: viewer.desk,
            };
            visits::record_document(ctx.tx, ticket, &record, ctx.now)?;
            audit_with(
                ctx,
                &who,
                viewer,
                ticket,
                "record_document",
                Some(&spec.code),
            )?;
            document_states(ctx, &t)
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

/// Ticks one item of the checklist; only the desk the visitor is at may, "documents checked"
/// only once every required document of the service is recorded valid, and never "data
/// confirmed": only the applicant's confirmation ticks it (`commands::confirmation`).
pub async fn tick(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    item: CheckItem,
) -> Result<(Vec<visits::CheckRow>, bool), CommandError> {
    engine
        .write(move |ctx| {
            let (t, viewer) = served_here(ctx, &who, ticket)?;
            if item == CheckItem::DataConfirmed {
                return Err(Refusal::ApplicantMustConfirm.into());
            }
            if item == CheckItem::DocumentsChecked
                && !documents_complete(ctx, &document_states(ctx, &t)?)
            {
                return Err(Refusal::DocumentsIncomplete.into());
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
    /// Visit day, earliest committee answer, and the request's reference.
    pub follow_up: Option<(NaiveDate, NaiveDate, String)>,
}

fn not_arrived() -> CommandError {
    Refusal::NotArrived.into()
}

/// Finishes a visit. Registering a support request (policy 6.6) waits for the complete
/// checklist, unless a supervisor allowed it (`override_registration`).
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
            if visit::opens_follow_up(outcome) {
                let t = ctx
                    .queue
                    .ticket(ticket)
                    .ok_or(QueueError::UnknownTicket(ticket))?;
                let checks = visits::checks_of(ctx.tx, ticket)?;
                let documents = document_states(ctx, t)?;
                if !missing_for_registration(ctx, t, &checks, &documents)?.is_empty()
                    && !visits::registration_overridden(ctx.tx, ticket)?
                {
                    return Err(Refusal::RegistrationIncomplete.into());
                }
            }
            writes::persist_change(ctx.tx, &change, &[])?;
            if let Some(note) = &note {
                visits::save_note(ctx.tx, ticket, staff, ctx.now, note)?;
            }
            let follow_up = if visit::opens_follow_up(outcome) {
                let day = service_day(ctx.now);
                let earliest = visit::earliest_committee_answer(day);
                let id = visits::open_follow_up(ctx.tx, ticket, staff, ctx.now, day, earliest)?;
                let reference = crate::domain::committee::reference(day, id);
                crate::store::committee::set_reference(ctx.tx, id, ticket, &reference, ctx.now)?;
                Some((day, earliest, reference))
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

/// A supervisor allows registering this visit's support request with the checklist incomplete
/// (policy 6.6), saying why: the reason is kept with the visit (it may describe the visitor's
/// situation, so it is erased with it), the audit row only says that it happened.
pub async fn override_registration(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    reason: String,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let t = ctx
                .queue
                .ticket(ticket)
                .ok_or(QueueError::UnknownTicket(ticket))?;
            let viewer = Viewer {
                role: who.role,
                desk: t.desk,
            };
            visits::save_registration_override(ctx.tx, ticket, who.staff, ctx.now, &reason)?;
            audit(ctx, &who, viewer, ticket, "override_registration")
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
