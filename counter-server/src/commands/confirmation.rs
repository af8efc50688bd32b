//! The applicant confirms the verified data and signs it (policy 6.4), as engine jobs. The desk
//! serving the visitor asks; the applicant tablet paired with that desk shows the exact data and
//! the declaration; "this is correct" with a signature writes an immutable confirmation (and ticks
//! "data confirmed"), "something is wrong" stores nothing and tells the desk. A paper
//! fallback records "signed on paper". Rules: `domain::confirmation`; SQL: `store::confirmations`.

use super::visit::{Asker, DocumentState};
use super::{CommandError, Refusal};
use crate::domain::confirmation::{self as rule, ConfirmedData, ConfirmedDocument, Signature};
use crate::domain::visit::{self, CheckItem, Viewer};
use crate::domain::*;
use crate::store::audit::{self, AuditEntry};
use crate::store::confirmations::{self as store, Method};
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{role_str, visits};

/// An applicant tablet, as its token identified it: the device and the desk it faces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tablet {
    pub device: i64,
    pub desk: DeskId,
}

/// The visit's data as the applicant would confirm it now, or `None` without an intake.
pub(super) fn current_data(
    ctx: &WriteCtx<'_>,
    ticket: &Ticket,
    documents: &[DocumentState],
) -> Result<Option<ConfirmedData>, CommandError> {
    let Some(intake) = visits::intake_of(ctx.tx, ticket.id)? else {
        return Ok(None);
    };
    let service = ctx.config.services.iter().find(|s| ticket.line == s.code);
    let documents = documents
        .iter()
        .filter_map(|d| {
            let r = d.recorded.as_ref()?;
            Some(ConfirmedDocument {
                name_ar: d.config.name_ar.clone(),
                name_en: d.config.name_en.clone(),
                valid: r.valid,
                expires_on: r.expires_on.map(|day| day.to_string()),
                reference: r.reference.clone(),
            })
        })
        .collect();
    Ok(Some(ConfirmedData {
        service_ar: service.map_or_else(String::new, |s| s.name_ar.clone()),
        service_en: service.map_or_else(String::new, |s| s.name_en.clone()),
        name: intake.name,
        national_id: intake.national_id,
        mobile: intake.mobile,
        documents,
        declaration_version: ctx.config.declaration.version.clone(),
    }))
}

/// Whether the visit's newest confirmation confirms its data as it is now.
pub(super) fn confirmation_holds(
    ctx: &WriteCtx<'_>,
    ticket: &Ticket,
    documents: &[DocumentState],
) -> Result<bool, CommandError> {
    let latest = store::latest(ctx.tx, ticket.id)?;
    Ok(match current_data(ctx, ticket, documents)? {
        Some(data) => rule::still_confirms(latest.as_ref().map(|c| c.fingerprint.as_str()), &data),
        None => false,
    })
}

fn audit_row(
    ctx: &WriteCtx<'_>,
    entry: AuditEntry,
    action: &'static str,
) -> Result<(), CommandError> {
    let entry = AuditEntry {
        action: action.to_string(),
        ..entry
    };
    audit::append(ctx.tx, &entry, ctx.now)?;
    Ok(())
}

fn by_staff(who: &Asker, desk: Option<DeskId>, ticket: TicketId) -> AuditEntry {
    AuditEntry {
        staff_id: Some(who.staff),
        role: Some(role_str(who.role).to_string()),
        desk,
        ticket_id: Some(ticket),
        request_id: Some(who.request_id.clone()),
        ..AuditEntry::default()
    }
}

fn by_tablet(tablet: Tablet, ticket: TicketId) -> AuditEntry {
    AuditEntry {
        device_id: Some(tablet.device),
        desk: Some(tablet.desk),
        ticket_id: Some(ticket),
        ..AuditEntry::default()
    }
}

/// The visit served at the asker's desk, its desk, and its data as it would be confirmed now.
fn served_data(
    ctx: &WriteCtx<'_>,
    who: &Asker,
    ticket: TicketId,
) -> Result<(Ticket, DeskId, ConfirmedData), CommandError> {
    let (t, viewer) = super::visit::served_here(ctx, who, ticket)?;
    let desk = viewer.desk.ok_or(Refusal::NotServedAtYourDesk)?;
    let documents = super::visit::document_states(ctx, &t)?;
    let data = current_data(ctx, &t, &documents)?.ok_or(Refusal::NoIntake)?;
    Ok((t, desk, data))
}

/// The desk asks its applicant tablet to show the visit's data for confirmation; replaces what
/// the desk asked before. Returns the data's fingerprint.
pub async fn ask(engine: &Engine, who: Asker, ticket: TicketId) -> Result<String, CommandError> {
    engine
        .write(move |ctx| {
            let (_, desk, data) = served_data(ctx, &who, ticket)?;
            let fingerprint = data.fingerprint();
            store::ask(ctx.tx, desk, ticket, who.staff, ctx.now)?;
            audit_row(ctx, by_staff(&who, Some(desk), ticket), "ask_confirmation")?;
            Ok(fingerprint)
        })
        .await
}

/// The desk takes the request back (the tablet goes blank).
pub async fn withdraw(engine: &Engine, who: Asker, ticket: TicketId) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let (_, viewer) = super::visit::served_here(ctx, &who, ticket)?;
            let desk = viewer.desk.ok_or(Refusal::NotServedAtYourDesk)?;
            store::withdraw_at_desk(ctx.tx, desk)?;
            Ok(())
        })
        .await
}

/// The applicant signed the printed form; the staff member records it with the data as it is
/// now (the same data the form printed).
pub async fn signed_on_paper(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
    fingerprint: String,
) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let (_, desk, data) = served_data(ctx, &who, ticket)?;
            if data.fingerprint() != fingerprint {
                return Err(Refusal::ConfirmationOutdated.into());
            }
            let method = Method::Paper {
                recorded_by: who.staff,
            };
            confirm_data(ctx, ticket, &data, &method, desk, who.staff)?;
            audit_row(ctx, by_staff(&who, Some(desk), ticket), "signed_on_paper")
        })
        .await
}

/// Writes the confirmation, ticks "data confirmed" and clears the desk's request.
fn confirm_data(
    ctx: &WriteCtx<'_>,
    ticket: TicketId,
    data: &ConfirmedData,
    method: &Method,
    desk: DeskId,
    staff: StaffId,
) -> Result<(), CommandError> {
    let record = store::NewConfirmation {
        ticket,
        data: &data.canonical(),
        fingerprint: &data.fingerprint(),
        declaration_version: &data.declaration_version,
        method,
        desk: Some(desk),
    };
    store::record(ctx.tx, &record, ctx.now)?;
    visits::tick(
        ctx.tx,
        ticket,
        CheckItem::DataConfirmed,
        staff,
        Some(desk),
        ctx.now,
    )?;
    store::withdraw_at_desk(ctx.tx, desk)?;
    Ok(())
}

/// Where a visit's confirmation stands, for the desk (no personal data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Nothing asked, nothing confirmed.
    None,
    /// On the tablet, waiting; `shown` once the tablet fetched it.
    Waiting { shown: bool },
    /// The applicant said something is wrong.
    Declined { at: chrono::DateTime<chrono::Utc> },
    /// Confirmed; `holds` is false once the data changed after it.
    Confirmed {
        on_paper: bool,
        at: chrono::DateTime<chrono::Utc>,
        holds: bool,
    },
}

/// The visit's confirmation standing (the request, if one is open, counts before an older
/// confirmation), and the fingerprint of the data as it is now (what a form printed now carries).
pub async fn standing(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
) -> Result<(Standing, Option<String>), CommandError> {
    engine
        .write(move |ctx| {
            let (t, _) = super::visit::visible_ticket(ctx, &who, ticket)?;
            let documents = super::visit::document_states(ctx, &t.ticket)?;
            let fingerprint = current_data(ctx, &t.ticket, &documents)?.map(|d| d.fingerprint());
            let standing = match store::request_for_ticket(ctx.tx, ticket)? {
                Some(r) => match r.declined_at {
                    Some(at) => Standing::Declined { at },
                    None => Standing::Waiting {
                        shown: r.shown_at.is_some(),
                    },
                },
                None => match store::latest(ctx.tx, ticket)? {
                    None => Standing::None,
                    Some(c) => Standing::Confirmed {
                        on_paper: matches!(c.method, Method::Paper { .. }),
                        at: c.confirmed_at,
                        holds: fingerprint.as_deref() == Some(c.fingerprint.as_str()),
                    },
                },
            };
            Ok((standing, fingerprint))
        })
        .await
}

/// What the applicant tablet shows: the visit's data as it is now and its fingerprint (the
/// tablet sends it back with the answer), under the desk's request.
#[derive(Clone, Debug)]
pub struct ToConfirm {
    pub request: i64,
    pub data: ConfirmedData,
    pub fingerprint: String,
}

/// The request open at the tablet's desk, while its visitor is still served there, with the
/// visit's data as it is now (a correction at the desk shows at once). A request whose visitor
/// has left the desk is dropped. The first fetch is audited: the data was shown.
pub async fn for_tablet(
    engine: &Engine,
    tablet: Tablet,
) -> Result<Option<ToConfirm>, CommandError> {
    // Most polls find nothing asked: answer those from a read, leaving the one writer alone.
    let asked = engine
        .read(move |ctx| store::request_at_desk(ctx.conn, tablet.desk))
        .await??;
    if asked.is_none() {
        return Ok(None);
    }
    engine
        .write(move |ctx| {
            let Some((r, data)) = open_request(ctx, tablet)? else {
                return Ok(None);
            };
            if r.declined_at.is_some() {
                return Ok(None);
            }
            if r.shown_at.is_none() {
                store::mark_shown(ctx.tx, r.id, ctx.now)?;
                audit_row(ctx, by_tablet(tablet, r.ticket), "shown_to_applicant")?;
            }
            Ok(Some(ToConfirm {
                request: r.id,
                fingerprint: data.fingerprint(),
                data,
            }))
        })
        .await
}

/// The desk's request and the visit's data now, while its visitor is still served at the desk
/// with details to confirm; otherwise the request is dropped.
fn open_request(
    ctx: &WriteCtx<'_>,
    tablet: Tablet,
) -> Result<Option<(store::RequestRow, ConfirmedData)>, CommandError> {
    let Some(r) = store::request_at_desk(ctx.tx, tablet.desk)? else {
        return Ok(None);
    };
    let at_desk = Viewer {
        role: Role::Reception,
        desk: Some(tablet.desk),
    };
    let served = ctx
        .queue
        .ticket(r.ticket)
        .filter(|t| visit::may_tick(at_desk, t) && !visit::awaiting_arrival(t))
        .cloned();
    let data = match served {
        Some(t) => current_data(ctx, &t, &super::visit::document_states(ctx, &t)?)?,
        None => None,
    };
    match data {
        Some(data) => Ok(Some((r, data))),
        None => {
            store::withdraw_at_desk(ctx.tx, tablet.desk)?;
            Ok(None)
        }
    }
}

/// The request the tablet answers: the one open (and not declined) at its desk, with the id it
/// showed, and the visit's data now.
fn answered_request(
    ctx: &WriteCtx<'_>,
    tablet: Tablet,
    request: i64,
) -> Result<(store::RequestRow, ConfirmedData), CommandError> {
    open_request(ctx, tablet)?
        .filter(|(r, _)| r.id == request && r.declined_at.is_none())
        .ok_or_else(|| Refusal::NoConfirmationRequest.into())
}

/// "This is correct", signed: refused when the data changed after the tablet showed it (the
/// tablet fetches it again and the applicant reads the new data).
pub async fn confirm(
    engine: &Engine,
    tablet: Tablet,
    request: i64,
    fingerprint: String,
    signature: Signature,
) -> Result<(), CommandError> {
    rule::check_signature(&signature).map_err(|p| match p {
        rule::SignatureProblem::Empty => Refusal::SignatureEmpty,
        rule::SignatureProblem::Malformed => Refusal::SignatureMalformed,
    })?;
    engine
        .write(move |ctx| {
            let (r, data) = answered_request(ctx, tablet, request)?;
            if fingerprint != data.fingerprint() {
                return Err(Refusal::ConfirmationOutdated.into());
            }
            let method = Method::Screen {
                strokes: serde_json::to_string(&signature).expect("numbers serialize"),
                device: tablet.device,
            };
            confirm_data(ctx, r.ticket, &data, &method, tablet.desk, r.asked_by)?;
            audit_row(ctx, by_tablet(tablet, r.ticket), "applicant_confirmed")
        })
        .await
}

/// "Something is wrong": nothing is stored as confirmed; the desk sees that the applicant
/// disagreed, and the tablet goes blank until the desk asks again.
pub async fn decline(engine: &Engine, tablet: Tablet, request: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            let (r, _) = answered_request(ctx, tablet, request)?;
            store::decline(ctx.tx, r.id, ctx.now)?;
            audit_row(ctx, by_tablet(tablet, r.ticket), "applicant_declined")
        })
        .await
}

/// The support request form (policy section 5.4), as printed for the paper file or the
/// applicant's copy: the data (as confirmed, or as it stands for signing on paper), the
/// declaration, the signature and, once registered, the reference and the earliest answer.
#[derive(Clone, Debug)]
pub struct RequestForm {
    pub label: String,
    pub visit_day: chrono::NaiveDate,
    pub data: ConfirmedData,
    pub fingerprint: String,
    pub declaration: crate::config::Declaration,
    /// How the data was confirmed, while the confirmation still holds.
    pub confirmed: Option<FormConfirmation>,
    /// The registered request's reference and the committee's earliest answer.
    pub registered: Option<(String, chrono::NaiveDate)>,
    /// The earliest answer if the request is registered on the visit's day (not registered yet).
    pub earliest_if_registered: chrono::NaiveDate,
}

#[derive(Clone, Debug)]
pub struct FormConfirmation {
    pub at: chrono::DateTime<chrono::Utc>,
    /// Signed on the tablet; `None` when signed on paper.
    pub signature: Option<Signature>,
}

/// The form of a visit the asker may see (audited: it prints the visitor's details).
pub async fn request_form(
    engine: &Engine,
    who: Asker,
    ticket: TicketId,
) -> Result<RequestForm, CommandError> {
    engine
        .write(move |ctx| {
            let (tv, viewer) = super::visit::visible_ticket(ctx, &who, ticket)?;
            let t = &tv.ticket;
            let documents = super::visit::document_states(ctx, t)?;
            let data = current_data(ctx, t, &documents)?.ok_or(Refusal::NoIntake)?;
            let fingerprint = data.fingerprint();
            let confirmed = store::latest(ctx.tx, ticket)?
                .filter(|c| c.fingerprint == fingerprint)
                .map(|c| FormConfirmation {
                    at: c.confirmed_at,
                    signature: match c.method {
                        Method::Screen { strokes, .. } => serde_json::from_str(&strokes).ok(),
                        Method::Paper { .. } => None,
                    },
                });
            let registered = visits::follow_up_of(ctx.tx, ticket)?
                .and_then(|f| Some((f.reference?, f.earliest_answer_date)));
            audit_row(
                ctx,
                by_staff(&who, viewer.desk, ticket),
                "print_request_form",
            )?;
            Ok(RequestForm {
                label: tv.label.clone(),
                visit_day: t.service_day,
                earliest_if_registered: visit::earliest_committee_answer(t.service_day),
                data,
                fingerprint,
                declaration: ctx.config.declaration.clone(),
                confirmed,
                registered,
            })
        })
        .await
}
