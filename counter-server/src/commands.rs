//! What the API can ask of the queue: each function is one engine job that checks the rules
//! (`domain`), persists (`store::writes`) and only then applies the change to the live queue.
//! No HTTP types here; handlers translate requests into these calls. `visit`: the visit at a desk.

pub mod ratings;
pub mod rights;
pub mod visit;

use chrono::{DateTime, NaiveDate, Utc};

use crate::auth::tokens;
use crate::domain::*;
use crate::input::intake::Intake;
use crate::store::engine::{Alert, Engine, EngineError, WriteCtx};
use crate::store::{audit, reads, writes};

/// A kiosk's request for a ticket, already validated.
pub struct IssueCommand {
    pub device: i64,
    pub idempotency_key: String,
    /// SHA-256 of the request body, to tell a retry from a different request with the same key.
    pub request_hash: [u8; 32],
    pub request: IssueRequest,
    pub intake: Option<Intake>,
    /// "I do not feel safe right now" (with or without an intake): urgent, and a silent alert.
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

pub(crate) fn refused(status: u16, code: &'static str, ar: &str, en: &str) -> EngineError {
    EngineError::Refused {
        status,
        code,
        ar: ar.into(),
        en: en.into(),
    }
}

/// Persists, applies and announces a planned change (the tail of most jobs).
fn commit_change(
    ctx: &mut WriteCtx<'_>,
    change: Change,
    issued_meta: &[(String, [u8; 32], Option<i64>)],
) -> Result<Change, EngineError> {
    writes::persist_change(ctx.tx, &change, issued_meta)?;
    audit_overrides(ctx, &change)?;
    ctx.queue.apply(&change);
    for e in &change.events {
        ctx.publish(e.clone());
    }
    Ok(change)
}

/// One audit row for every rule a supervisor overrode (`Change::overrides`).
fn audit_overrides(ctx: &WriteCtx<'_>, change: &Change) -> Result<(), EngineError> {
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

pub async fn issue_ticket(engine: &Engine, cmd: IssueCommand) -> Result<IssuedTicket, EngineError> {
    engine
        .write(move |ctx| {
            if let Some(prev) = writes::find_idempotent(ctx.tx, cmd.device, &cmd.idempotency_key)? {
                if prev.request_hash != cmd.request_hash {
                    return Err(refused(
                        409,
                        "idempotency_key_reused",
                        "استُخدم مفتاح الطلب نفسه لطلب مختلف",
                        "this Idempotency-Key was already used for a different request",
                    ));
                }
                return replay(ctx, prev);
            }
            let mut request = cmd.request.clone();
            let unsafe_visitor = cmd.feels_unsafe;
            if unsafe_visitor {
                // Silent: the ticket looks like any other; only the order and the alert change.
                request.priority = Priority::Urgent;
            }
            let change = ctx.queue.plan_issue(&request, ctx.now)?;
            let ticket = change.issued[0].clone();
            let label = ctx.queue.label_of(&ticket);
            let people_ahead = ctx.queue.people_ahead_of(&ticket);
            let estimated_wait_minutes = ctx
                .queue
                .estimated_wait_minutes(&ticket.service, people_ahead);
            let token = tokens::status_token();
            writes::persist_change(
                ctx.tx,
                &change,
                &[(label.clone(), tokens::hash(&token), Some(cmd.device))],
            )?;
            if let Some(intake) = &cmd.intake {
                writes::save_intake(
                    ctx.tx,
                    ticket.id,
                    intake,
                    &ctx.config.intake_notice,
                    ctx.now,
                )?;
            }
            let alert = if unsafe_visitor {
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
                cmd.device,
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
                service: ticket.service,
                people_ahead,
                estimated_wait_minutes,
                status_token: token,
                issued_at: ticket.issued_at,
                service_day: ticket.service_day,
            })
        })
        .await
}

/// The reply an earlier request with the same key got, rebuilt from what was stored then.
fn replay(ctx: &mut WriteCtx<'_>, prev: writes::StoredIssue) -> Result<IssuedTicket, EngineError> {
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

pub async fn sign_in(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
    role: Role,
    gender: Gender,
) -> Result<(), EngineError> {
    engine
        .write(move |ctx| {
            let d = ctx.queue.desk(desk).ok_or(QueueError::UnknownDesk(desk))?;
            if !crate::auth::may_staff_desk(role, d.kind) {
                return Err(refused(
                    403,
                    "wrong_desk_kind",
                    "لا يمكن لدورك العمل على هذا المكتب",
                    "your role cannot work at this kind of desk",
                ));
            }
            let change = ctx.queue.plan_sign_in(desk, OnDuty { staff, gender })?;
            commit_change(ctx, change, &[])?;
            Ok(())
        })
        .await
}

pub async fn sign_out(engine: &Engine, desk: DeskId, staff: StaffId) -> Result<(), EngineError> {
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
) -> Result<(), EngineError> {
    engine
        .write(move |ctx| {
            let change = ctx.queue.plan_pause(desk, staff, paused)?;
            commit_change(ctx, change, &[]).map(drop)
        })
        .await
}

pub async fn call_next(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
) -> Result<TicketView, EngineError> {
    engine
        .write(move |ctx| {
            let change = ctx.queue.plan_call_next(desk, staff, ctx.now)?;
            let change = commit_change(ctx, change, &[])?;
            Ok(touched(ctx, &change).expect("a call updates its ticket"))
        })
        .await
}

/// The live queue holds only active tickets; one that left it (done, no-show, cancelled, expired)
/// still exists, and acting on it is an illegal transition (the state machine table), not 404.
pub(crate) fn closed_is_illegal(
    ctx: &WriteCtx<'_>,
    e: QueueError,
    action: ActionKind,
) -> EngineError {
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

/// A direct call; `how` says whether a supervisor calls, and overrides a same-gender request.
pub async fn call_ticket(
    engine: &Engine,
    desk: DeskId,
    staff: StaffId,
    ticket: TicketId,
    how: CallAs,
) -> Result<TicketView, EngineError> {
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

/// The desk a staff member acts from: the one they are signed in at. Only a supervisor may act
/// from no desk.
pub(crate) fn acting_desk(
    ctx: &WriteCtx<'_>,
    staff: StaffId,
    supervisor: bool,
) -> Result<Option<DeskId>, EngineError> {
    let desk = ctx.queue.desk_of_staff(staff).map(|d| d.id);
    if desk.is_none() && !supervisor {
        return Err(refused(
            409,
            "not_signed_in",
            "سجّل الدخول إلى مكتب أولاً",
            "sign in at a desk first",
        ));
    }
    Ok(desk)
}

/// Any other action on a ticket. Staff act from the desk they are signed in at; supervisors may
/// also act from no desk (`Action::Cancel`, `Action::Transfer`), and on any line (audited).
pub async fn act(
    engine: &Engine,
    ticket: TicketId,
    action: Action,
    staff: StaffId,
    supervisor: bool,
) -> Result<TicketView, EngineError> {
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
) -> Result<TicketView, EngineError> {
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
) -> Result<(), EngineError> {
    engine
        .write(move |ctx| {
            if !writes::mark_printed(ctx.tx, ticket, device, printed)? {
                return Err(refused(
                    404,
                    "ticket_not_found",
                    "التذكرة غير موجودة",
                    "no such ticket from this kiosk",
                ));
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
