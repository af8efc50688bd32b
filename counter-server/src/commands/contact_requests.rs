//! The ratings' "please contact me" requests for supervisors (the quality officer): the list of a
//! period, taking one, marking one handled with a note. The rules are
//! `domain::contact_request`; every change, and every read of a handled note, writes an audit row.

use chrono::NaiveDate;

use super::visit::Asker;
use super::{CommandError, Refusal};
use crate::domain::contact_request::{self as rules, ContactRefusal, Take};
use crate::store::contact_requests::{self as rows, ContactRow};
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{audit, role_str};

impl From<ContactRefusal> for CommandError {
    fn from(r: ContactRefusal) -> Self {
        match r {
            // For the staff member who served the visit the request does not exist.
            ContactRefusal::Hidden => Refusal::ContactRequestNotFound,
            ContactRefusal::Handled => Refusal::ContactRequestHandled,
            ContactRefusal::TakenByAnother => Refusal::ContactRequestTaken,
        }
        .into()
    }
}

fn record(ctx: &WriteCtx<'_>, who: &Asker, ticket: i64, action: &str) -> Result<(), CommandError> {
    let entry = audit::AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        ticket_id: Some(ticket),
        action: action.to_string(),
        request_id: Some(who.request_id.clone()),
        ..audit::AuditEntry::default()
    };
    audit::append(ctx.tx, &entry, ctx.now)?;
    Ok(())
}

/// The requests of ratings of `from..=to` that `who` may see; a note read is audited.
pub async fn list(
    engine: &Engine,
    who: Asker,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ContactRow>, CommandError> {
    engine
        .write(move |ctx| {
            let seen: Vec<ContactRow> = rows::in_period(ctx.tx, from, to)?
                .into_iter()
                .filter(|r| rules::visible_to(r.facts(), who.staff))
                .collect();
            for r in seen.iter().filter(|r| r.note.is_some()) {
                record(ctx, &who, r.ticket, "read_contact_note")?;
            }
            Ok(seen)
        })
        .await
}

fn visible(ctx: &WriteCtx<'_>, who: &Asker, id: i64) -> Result<ContactRow, CommandError> {
    rows::by_id(ctx.tx, id)?
        .filter(|r| rules::visible_to(r.facts(), who.staff))
        .ok_or_else(|| Refusal::ContactRequestNotFound.into())
}

/// `who` takes the request (again by its owner: nothing changes).
pub async fn take(engine: &Engine, who: Asker, id: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let row = visible(ctx, &who, id)?;
            if rules::take(row.facts(), who.staff)? == Take::Now {
                rows::take(ctx.tx, id, who.staff, ctx.now)?;
                record(ctx, &who, row.ticket, "take_contact_request")?;
            }
            Ok(())
        })
        .await
}

/// `who` marks the request handled, with `note` (already cleaned).
pub async fn handle(
    engine: &Engine,
    who: Asker,
    id: i64,
    note: String,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let row = visible(ctx, &who, id)?;
            rules::handle(row.facts(), who.staff)?;
            rows::handle(ctx.tx, id, who.staff, &note, ctx.now)?;
            record(ctx, &who, row.ticket, "handle_contact_request")
        })
        .await
}
