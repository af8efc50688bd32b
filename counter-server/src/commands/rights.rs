//! Visitors' rights, as engine jobs for supervisors: export everything held about one visit,
//! correct an intake field, destroy the record (unless a legal hold stands), place a legal hold,
//! and keep the request register. Each writes one audit row (no personal data in it).

use serde_json::Value;

use super::visit::Asker;
use super::{CommandError, Refusal};
use crate::domain::rights::is_overdue;
use crate::input::FieldError;
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{audit, parse_time, retention, rights, role_str, time_str};

fn record(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    ticket: Option<i64>,
    action: &str,
    reason: Option<String>,
) -> Result<(), CommandError> {
    let entry = audit::AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        ticket_id: ticket,
        action: action.to_string(),
        reason,
        request_id: Some(who.request_id.clone()),
        ..audit::AuditEntry::default()
    };
    audit::append(ctx.tx, &entry, ctx.now)?;
    Ok(())
}

fn no_ticket() -> CommandError {
    Refusal::NoSuchTicket.into()
}

/// Everything held about one visit (JSON; the printable page is made from it).
pub async fn export(engine: &Engine, who: Asker, ticket: i64) -> Result<Value, CommandError> {
    engine
        .write(move |ctx| {
            let data = rights::export(ctx.tx, ticket)?.ok_or_else(no_ticket)?;
            record(ctx, &who, Some(ticket), "export_visitor", None)?;
            Ok(data)
        })
        .await
}

/// Corrects one intake field; `value` was checked by `input::intake::correction` (`None` clears it).
pub async fn correct(
    engine: &Engine,
    who: Asker,
    ticket: i64,
    field: &'static str,
    value: Option<String>,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !rights::correct(ctx.tx, ticket, field, value.as_deref())? {
                return Err(Refusal::NoIntake.into());
            }
            // The field's name is recorded, never its old or new value.
            record(
                ctx,
                &who,
                Some(ticket),
                "correct_visitor",
                Some(field.to_string()),
            )
        })
        .await
}

/// Destroys the personal data of one visit at the visitor's request; refused under a legal hold.
pub async fn destroy(
    engine: &Engine,
    who: Asker,
    ticket: i64,
    reason: String,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !crate::store::reads::ticket_exists(ctx.tx, ticket)? {
                return Err(no_ticket());
            }
            if retention::is_held(ctx.tx, ticket)? {
                return Err(Refusal::LegalHold.into());
            }
            retention::destroy_personal_data(ctx.tx, ticket, ctx.now)?;
            // As after the purge: no old copy of the erased rows may stay in the WAL file.
            ctx.truncate_wal_after_commit();
            record(ctx, &who, Some(ticket), "destroy_visitor", Some(reason))
        })
        .await
}

pub async fn hold(
    engine: &Engine,
    who: Asker,
    ticket: i64,
    reason: String,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !crate::store::reads::ticket_exists(ctx.tx, ticket)? {
                return Err(no_ticket());
            }
            retention::place_hold(ctx.tx, ticket, &reason, Some(who.staff), ctx.now)?;
            record(ctx, &who, Some(ticket), "legal_hold", Some(reason))
        })
        .await
}

/// A request in the register, with whether it is overdue.
pub struct RequestView {
    pub row: rights::RequestRow,
    pub overdue: bool,
}

pub async fn open_request(
    engine: &Engine,
    who: Asker,
    kind: &'static str,
    ticket: Option<i64>,
) -> Result<i64, CommandError> {
    engine
        .write(move |ctx| {
            if let Some(t) = ticket
                && !crate::store::reads::ticket_exists(ctx.tx, t)?
            {
                return Err(FieldError::new(
                    "ticket",
                    "unknown_ticket",
                    "لا توجد تذكرة بهذا الرقم",
                    "No ticket has this id",
                )
                .into());
            }
            let id = rights::open_request(ctx.tx, kind, ticket, &time_str(ctx.now))?;
            record(ctx, &who, ticket, "rights_request", Some(kind.to_string()))?;
            Ok(id)
        })
        .await
}

pub async fn request_step(
    engine: &Engine,
    who: Asker,
    id: i64,
    step: &'static str,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !rights::request_step(ctx.tx, id, step, who.staff, &time_str(ctx.now))? {
                return Err(Refusal::RequestStepDone.into());
            }
            record(ctx, &who, None, step, Some(format!("request {id}")))
        })
        .await
}

pub async fn list_requests(engine: &Engine) -> Result<Vec<RequestView>, CommandError> {
    engine
        .read(|ctx| {
            let rows = rights::list_requests(ctx.conn)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let overdue = is_overdue(
                        parse_time(&row.received_at),
                        row.answered_at.is_some(),
                        ctx.now,
                    );
                    RequestView { row, overdue }
                })
                .collect())
        })
        .await?
}
