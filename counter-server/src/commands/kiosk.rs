//! The kiosk's jobs: issuing a ticket (idempotent per key) and its print report. Reception issues
//! through the same `issue_ticket` (`KeyedIssuer::Reception`): one rule set for both.

use chrono::{DateTime, NaiveDate, Utc};

use super::{CommandError, Refusal};
use crate::auth::tokens;
use crate::domain::hours::OpeningHours;
use crate::domain::*;
use crate::input::intake::Intake;
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::{Alert, Engine, WriteCtx};
use crate::store::{reads, role_str, writes};

pub use crate::store::writes::KeyedIssuer;

/// A request for a ticket from a kiosk or from reception, already validated (one rule set).
pub struct IssueCommand {
    pub issuer: KeyedIssuer,
    /// The reception staff member's role and request id, for the audit entry.
    pub audit: Option<(Role, String)>,
    pub idempotency_key: String,
    /// SHA-256 of the request body, to tell a retry from a different request with the same key.
    pub request_hash: [u8; 32],
    pub request: IssueRequest,
    pub intake: Option<Intake>,
    /// "I do not feel safe right now" (with or without an intake): the class is already urgent
    /// (`domain::needs::class_for`); here it raises the supervisor's silent alert.
    pub feels_unsafe: bool,
}

/// The answer to a kiosk; identical for every retry with the same key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedTicket {
    pub id: TicketId,
    pub label: String,
    pub service: String,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub status_token: String,
    pub issued_at: DateTime<Utc>,
    pub service_day: NaiveDate,
}

pub async fn issue_ticket(
    engine: &Engine,
    cmd: IssueCommand,
) -> Result<IssuedTicket, CommandError> {
    engine
        .write(move |ctx| {
            if let Some(prev) = writes::find_idempotent(ctx.tx, cmd.issuer, &cmd.idempotency_key)? {
                if prev.request_hash != cmd.request_hash {
                    return Err(Refusal::IdempotencyKeyReused.into());
                }
                return replay(ctx, prev);
            }
            refuse_when_closed(ctx.hours, ctx.now)?;
            let change = ctx.queue.plan_issue(&cmd.request, ctx.now)?;
            let ticket = change.issued[0].clone();
            let label = ctx.queue.label_of(&ticket);
            let people_ahead = ctx.queue.people_ahead_of(&ticket);
            let estimated_wait_minutes = ctx
                .queue
                .estimated_wait_minutes(&ticket.service, people_ahead);
            let token = tokens::status_token();
            let staff = match cmd.issuer {
                KeyedIssuer::Kiosk(_) => None,
                KeyedIssuer::Reception(staff) => Some(staff),
            };
            writes::persist_change(
                ctx.tx,
                &change,
                &[(label.clone(), tokens::hash(&token), cmd.issuer.into())],
            )?;
            if let Some(intake) = &cmd.intake {
                writes::save_intake(
                    ctx.tx,
                    ticket.id,
                    intake,
                    &ctx.config.intake_notice,
                    staff,
                    ctx.now,
                )?;
            }
            if let (Some(staff), Some((role, request_id))) = (staff, &cmd.audit) {
                // Who issued it, by ticket id: no personal data in the audit text.
                let entry = AuditEntry {
                    staff_id: Some(staff),
                    role: Some(role_str(*role).to_string()),
                    ticket_id: Some(ticket.id),
                    action: "ticket_issued_at_reception".into(),
                    reason: cmd.intake.as_ref().map(|_| "consent_read_aloud".into()),
                    request_id: Some(request_id.clone()),
                    ..AuditEntry::default()
                };
                audit::append(ctx.tx, &entry, ctx.now)?;
            }
            let alert = if cmd.feels_unsafe {
                Some(writes::raise_alert(
                    ctx.tx, "not_safe", None, ticket.id, ctx.now,
                )?)
            } else {
                None
            };
            let stored = writes::StoredIssue {
                request_hash: cmd.request_hash.to_vec(),
                ticket_id: ticket.id,
                status_token: token.clone(),
                people_ahead,
                estimated_wait: estimated_wait_minutes,
            };
            writes::save_idempotent(
                ctx.tx,
                cmd.issuer,
                &cmd.idempotency_key,
                &cmd.request_hash,
                &stored,
                ctx.now,
            )?;
            ctx.queue.apply(&change);
            for e in change.events {
                ctx.publish(e);
            }
            if let Some(id) = alert {
                ctx.publish_alert(Alert {
                    id,
                    kind: "not_safe",
                    reason: None,
                    ticket: ticket.id,
                    label: label.clone(),
                    raised_at: ctx.now,
                });
            }
            Ok(IssuedTicket {
                id: ticket.id,
                label,
                service: ticket.service.into(),
                people_ahead,
                estimated_wait_minutes,
                status_token: token,
                issued_at: ticket.issued_at,
                service_day: ticket.service_day,
            })
        })
        .await
}

/// New tickets only within the opening hours and before the evening cut-off. (A retry of a ticket
/// already issued is answered whatever the hour; staff work the queue after closing.)
pub(crate) fn refuse_when_closed(hours: &OpeningHours, now: DateTime<Utc>) -> Result<(), Refusal> {
    let opening = hours.at(now);
    if opening.issues_tickets() {
        Ok(())
    } else {
        Err(Refusal::BranchClosed {
            opens_at: opening.opens_at(),
        })
    }
}

/// The reply an earlier request with the same key got, rebuilt from what was stored then.
fn replay(ctx: &mut WriteCtx<'_>, prev: writes::StoredIssue) -> Result<IssuedTicket, CommandError> {
    let (label, service, issued_at, service_day) = reads::issued_facts(ctx.tx, prev.ticket_id)?;
    Ok(IssuedTicket {
        id: prev.ticket_id,
        label,
        service,
        people_ahead: prev.people_ahead,
        estimated_wait_minutes: prev.estimated_wait,
        status_token: prev.status_token,
        issued_at,
        service_day,
    })
}

/// What the kiosk's printer said, in a print report (the wire names are the alert's reason).
pub use awn_core::wire::PrinterTrouble;

/// The kiosk reports whether the printer printed a ticket, and what the printer said. A failure
/// raises a `not_printed` alert with its reason; "paper nearly out" on a printed ticket raises one
/// `printer` alert, and no other while a supervisor has not acknowledged it (every ticket of the
/// rest of the roll says the same).
pub async fn report_print(
    engine: &Engine,
    device: i64,
    ticket: TicketId,
    printed: bool,
    trouble: Option<PrinterTrouble>,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !writes::mark_printed(ctx.tx, ticket, device, printed)? {
                return Err(Refusal::NotFromThisKiosk.into());
            }
            let kind = if !printed {
                "not_printed"
            } else if trouble == Some(PrinterTrouble::PaperNearEnd)
                && !writes::open_alert_exists(ctx.tx, "printer", "paper_near_end")?
            {
                "printer"
            } else {
                return Ok(());
            };
            let reason = trouble.map(PrinterTrouble::as_str);
            let label = reads::ticket_label(ctx.tx, ticket)?;
            let id = writes::raise_alert(ctx.tx, kind, reason, ticket, ctx.now)?;
            ctx.publish_alert(Alert {
                id,
                kind,
                reason,
                ticket,
                label,
                raised_at: ctx.now,
            });
            Ok(())
        })
        .await
}
