//! The research committee's requests (policy 6.5) as use cases: the list with reminders, finding
//! a request by its reference (a visitor back for "follow-up of a request"), recording the
//! committee's decision and that the applicant was told. The rules are `domain::committee`.

use chrono::NaiveDate;

use super::visit::Asker;
use super::{CommandError, Refusal};
use crate::domain::committee::{self, Channel, Decision, Reminder, RequestFacts};
use crate::domain::numbering::service_day;
use crate::domain::visit;
use crate::input::FieldError;
use crate::store::committee::{self as rows, RequestRow};
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{audit, role_str};

/// A request with what the console should remind staff of today.
#[derive(Clone, Debug)]
pub struct RequestView {
    pub row: RequestRow,
    pub reminder: Option<Reminder>,
    pub open: bool,
    /// The one asking may open its finished visit (`domain::visit::may_open_request_visit`).
    pub may_open: bool,
}

pub(crate) fn facts(row: &RequestRow) -> RequestFacts {
    RequestFacts {
        registered: row.registered,
        earliest_answer: row.earliest_answer,
        decision: row.decision.map(|(_, d, _)| d),
        informed: row.informed.is_some(),
    }
}

fn view(row: RequestRow, who: &Asker, today: NaiveDate, overdue_days: u32) -> RequestView {
    let f = facts(&row);
    RequestView {
        reminder: committee::reminder(f, today, overdue_days),
        open: committee::is_open(f),
        may_open: visit::may_open_request_visit(who.role, who.staff, row.registered_by),
        row,
    }
}

/// The registered requests still to act on, earliest answer first.
pub async fn open_requests(engine: &Engine, who: Asker) -> Result<Vec<RequestView>, CommandError> {
    engine
        .read(move |ctx| -> Result<Vec<RequestView>, CommandError> {
            let today = service_day(ctx.now);
            let overdue_days = ctx.config.committee.overdue_days;
            Ok(rows::requests(ctx.conn)?
                .into_iter()
                .map(|r| view(r, &who, today, overdue_days))
                .filter(|v| v.open)
                .collect())
        })
        .await?
}

/// One request by its reference.
pub async fn find(
    engine: &Engine,
    who: Asker,
    reference: String,
) -> Result<RequestView, CommandError> {
    engine
        .read(move |ctx| -> Result<RequestView, CommandError> {
            let row =
                rows::request_by_reference(ctx.conn, &reference)?.ok_or(Refusal::UnknownRequest)?;
            let overdue_days = ctx.config.committee.overdue_days;
            Ok(view(row, &who, service_day(ctx.now), overdue_days))
        })
        .await?
}

/// The requests of a visitor who gives their national ID instead of the reference. Personal data
/// is searched, so every search writes an audit row (one per request found, or one saying none
/// was), naming the tickets and never the number.
pub async fn find_by_national_id(
    engine: &Engine,
    who: Asker,
    national_id: String,
) -> Result<Vec<RequestView>, CommandError> {
    engine
        .write(move |ctx| {
            let found = rows::requests_by_national_id(ctx.tx, &national_id)?;
            let entry = |ticket| audit::AuditEntry {
                staff_id: Some(who.staff),
                role: Some(role_str(who.role).to_string()),
                ticket_id: ticket,
                action: "find_request_by_national_id".to_string(),
                request_id: Some(who.request_id.clone()),
                ..audit::AuditEntry::default()
            };
            if found.is_empty() {
                audit::append(ctx.tx, &entry(None), ctx.now)?;
            }
            for r in &found {
                audit::append(ctx.tx, &entry(Some(r.ticket)), ctx.now)?;
            }
            let today = service_day(ctx.now);
            let overdue_days = ctx.config.committee.overdue_days;
            Ok(found
                .into_iter()
                .map(|r| view(r, &who, today, overdue_days))
                .collect())
        })
        .await
}

/// A day a staff member gives for something that happened: not before `from`, not after today.
fn past_day(
    ctx: &WriteCtx<'_>,
    field: &str,
    day: NaiveDate,
    from: NaiveDate,
) -> Result<(), CommandError> {
    if day < from || day > service_day(ctx.now) {
        return Err(FieldError::new(
            field,
            "invalid_date",
            "التاريخ قبل تسجيل الطلب أو بعد اليوم",
            "The date is before the request was registered or after today",
        )
        .into());
    }
    Ok(())
}

fn record(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    row: &RequestRow,
    action: &str,
    reason: &str,
) -> Result<(), CommandError> {
    let entry = audit::AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        ticket_id: Some(row.ticket),
        action: action.to_string(),
        reason: Some(reason.to_string()),
        request_id: Some(who.request_id.clone()),
        ..audit::AuditEntry::default()
    };
    audit::append(ctx.tx, &entry, ctx.now)?;
    Ok(())
}

/// Records the committee's decision on `decided_on`.
pub async fn decide(
    engine: &Engine,
    who: Asker,
    reference: String,
    decision: Decision,
    decided_on: NaiveDate,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let row =
                rows::request_by_reference(ctx.tx, &reference)?.ok_or(Refusal::UnknownRequest)?;
            past_day(ctx, "decided_on", decided_on, row.registered)?;
            rows::record_decision(
                ctx.tx,
                row.follow_up,
                &reference,
                decision,
                decided_on,
                who.staff,
                ctx.now,
            )?;
            record(ctx, &who, &row, "committee_decision", decision.as_str())
        })
        .await
}

/// Records that the applicant was told of the latest decision, how and when.
pub async fn informed(
    engine: &Engine,
    who: Asker,
    reference: String,
    channel: Channel,
    informed_on: NaiveDate,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let row =
                rows::request_by_reference(ctx.tx, &reference)?.ok_or(Refusal::UnknownRequest)?;
            let Some((decision, _, decided_on)) = row.decision else {
                return Err(Refusal::NoDecisionYet.into());
            };
            past_day(ctx, "informed_on", informed_on, decided_on)?;
            rows::record_informed(ctx.tx, decision, channel, informed_on, who.staff, ctx.now)?;
            record(ctx, &who, &row, "applicant_informed", channel.as_str())
        })
        .await
}
