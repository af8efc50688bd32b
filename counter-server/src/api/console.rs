//! Routes of the staff console beyond the queue itself: who am I, a visitor's details (audited,
//! masked, with an audited reveal), the policy checklist, and the supervisors' alerts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Permission, allows, may_staff_desk};
use crate::commands::visit::{self as cmd, Asker};
use crate::domain::visit::CheckItem;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, StaffCaller, parse_id};
use crate::http::security::RequestId;
use crate::http::views::{StaffTicket, local_time};
use crate::input::{documents as documents_input, intake};
use crate::store::{role_str, visits};
use awn_core::Bi;

#[derive(Serialize, ToSchema)]
#[schema(as = Me)]
pub struct MeDto {
    pub id: i64,
    pub display_name: String,
    pub role: &'static str,
    pub supervisor: bool,
    /// The desk this staff member is signed in at, if any.
    pub desk: Option<u32>,
    pub paused: bool,
    /// The desks this staff member's role may sign in at, in the branch's order.
    pub desks: Vec<u32>,
    /// A console session ends after this long without a click or key press (`[console]`).
    pub idle_seconds: u32,
}

/// `GET /api/v1/me`: the console's start-up question.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "console",
    summary = "The staff member behind the session, and the desk they are signed in at",
    responses((status = 200, body = MeDto))
)]
pub async fn me(State(s): State<AppState>, caller: Caller) -> Result<Json<MeDto>, ApiError> {
    let staff = caller.staff(Permission::ReadQueue)?;
    let id = staff.id;
    let name = crate::commands::sessions::display_name(&s.reads, id).await?;
    let desk = cmd::desk_of(&s.engine, id).await?;
    Ok(Json(MeDto {
        id,
        display_name: name,
        role: role_str(staff.role),
        supervisor: allows(&caller.0, Permission::Supervise),
        desk: desk.map(|d| d.0),
        paused: desk.is_some_and(|d| d.1),
        desks: s
            .config()
            .desks
            .iter()
            .filter(|d| may_staff_desk(staff.role, d.kind.into()))
            .map(|d| d.id)
            .collect(),
        idle_seconds: s.config().console.idle_seconds,
    }))
}

/// Desk staff and supervisors; the visibility rule decides further (`domain::visit`).
pub(super) fn asker(caller: &Caller, request: RequestId) -> Result<Asker, ApiError> {
    let (StaffCaller { id, role, .. }, _) = caller.desk_or_supervisor()?;
    Ok(Asker {
        staff: id,
        role,
        request_id: request.0,
    })
}

#[derive(Serialize, ToSchema)]
#[schema(as = IntakeNeeds)]
pub struct NeedsDto {
    pub wheelchair: bool,
    pub hearing: bool,
    pub interpreter_language: Option<String>,
    pub companion: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Intake)]
pub struct IntakeDto {
    /// Shown as text, never as HTML, by the console.
    pub name: Option<String>,
    /// Masked to the last four digits; `POST .../reveal` gives it in full (audited).
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub needs: NeedsDto,
    pub consent_version: String,
    pub consent_given_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Check)]
pub struct CheckDto {
    pub item: &'static str,
    pub policy_step: &'static str,
    pub done_at: String,
    pub staff: String,
    pub desk: Option<u32>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Checklist)]
pub struct ChecklistDto {
    pub items: Vec<CheckDto>,
    /// Every item of 6.2, 6.4 and 6.5 is done.
    pub complete: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Referral)]
pub struct ReferralDto {
    pub reason: String,
    pub at: String,
    pub from_desk: Option<u32>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = FollowUp)]
pub struct FollowUpDto {
    pub visit_date: String,
    pub earliest_answer_date: String,
    /// The request's reference, which the applicant keeps for a follow-up visit.
    pub reference: Option<String>,
}

/// One document of the service's checklist (policy 6.2) and what the desk recorded of it.
#[derive(Serialize, ToSchema)]
#[schema(as = Document)]
pub struct DocumentDto {
    pub code: String,
    pub name: Bi,
    pub required: bool,
    /// The desk records its expiry date.
    pub expiry: bool,
    /// The desk records its number.
    pub reference: bool,
    pub recorded: Option<DocumentRecordDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = DocumentRecord)]
pub struct DocumentRecordDto {
    pub valid: bool,
    pub expires_on: Option<String>,
    /// Shown only where the intake is shown (the visitor is at this desk, or to supervisors).
    pub reference: Option<String>,
    pub checked_at: String,
    pub staff: String,
    pub desk: Option<u32>,
}

fn documents(states: Vec<cmd::DocumentState>) -> Vec<DocumentDto> {
    states
        .into_iter()
        .map(|d| DocumentDto {
            name: Bi::new(d.config.name_ar, d.config.name_en),
            code: d.config.code,
            required: d.config.required,
            expiry: d.config.expiry,
            reference: d.config.reference,
            recorded: d.recorded.map(|r| DocumentRecordDto {
                valid: r.valid,
                expires_on: r.expires_on.map(|d| d.to_string()),
                reference: r.reference,
                checked_at: local_time(r.checked_at),
                staff: r.staff_name,
                desk: r.desk,
            }),
        })
        .collect()
}

#[derive(Serialize, ToSchema)]
#[schema(as = Visit)]
pub struct VisitDto {
    pub ticket: StaffTicket,
    pub intake: Option<IntakeDto>,
    pub checklist: ChecklistDto,
    pub documents: Vec<DocumentDto>,
    /// What registering a support request still waits for (policy 6.6): checklist items.
    pub registration_missing: Vec<&'static str>,
    /// The data notice the staff member reads to a visitor who gave no details at the kiosk,
    /// before recording their consent (only while the visit has no intake).
    pub intake_notice: Option<Bi>,
    pub referral: Option<ReferralDto>,
    pub follow_up: Option<FollowUpDto>,
}

fn checklist(items: Vec<visits::CheckRow>, complete: bool) -> ChecklistDto {
    ChecklistDto {
        items: items
            .into_iter()
            .map(|c| CheckDto {
                item: c.item.as_str(),
                policy_step: c.item.policy_step(),
                done_at: local_time(c.done_at),
                staff: c.staff_name,
                desk: c.desk,
            })
            .collect(),
        complete,
    }
}

/// `GET /api/v1/tickets/{id}/visit`: the visitor's intake (masked), the checklist so far, the
/// referral and the follow-up. Only while the visitor is at the caller's desk (supervisors:
/// always); every read writes an audit row.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{id}/visit",
    tag = "console",
    summary = "A visitor's intake (national ID and mobile masked to the last 4 digits), the \
               policy checklist, the referral and the follow-up. Only while the visitor is called \
               to or served at the caller's desk; supervisors always. Every read writes an audit \
               row.",
    params(super::doc::IdPath),
    responses((status = 200, body = VisitDto))
)]
pub async fn visit(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<Json<VisitDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let v = cmd::view_visit(&s.engine, who, id).await?;
    let no_intake = v.intake.is_none();
    Ok(Json(VisitDto {
        ticket: StaffTicket::from(&v.ticket),
        intake: v.intake.map(|i| IntakeDto {
            name: i.name,
            national_id: i.national_id,
            mobile: i.mobile,
            needs: NeedsDto {
                wheelchair: i.wheelchair,
                hearing: i.hearing,
                interpreter_language: i.interpreter_language,
                companion: i.companion,
            },
            consent_version: i.consent_version,
            consent_given_at: local_time(i.consent_given_at),
        }),
        checklist: checklist(v.checks, v.checklist_complete),
        documents: documents(v.documents),
        registration_missing: v.registration_missing.iter().map(|i| i.as_str()).collect(),
        intake_notice: no_intake.then(|| {
            let n = &s.config().intake_notice;
            Bi::new(n.ar.clone(), n.en.clone())
        }),
        referral: v.referral.map(|r| ReferralDto {
            reason: r.reason,
            at: local_time(r.at),
            from_desk: r.from_desk,
        }),
        follow_up: v.follow_up.map(|f| FollowUpDto {
            visit_date: f.visit_date.to_string(),
            earliest_answer_date: f.earliest_answer_date.to_string(),
            reference: f.reference,
        }),
    }))
}

#[derive(Serialize, ToSchema)]
#[schema(as = Revealed)]
pub struct RevealDto {
    pub national_id: Option<String>,
    pub mobile: Option<String>,
}

/// `POST /api/v1/tickets/{id}/reveal`: the full national ID and mobile, recorded in the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/reveal",
    tag = "console",
    summary = "The full national ID and mobile; recorded in the audit log. Same visibility rule \
               as /visit.",
    params(super::doc::IdPath),
    responses((status = 200, body = RevealDto))
)]
pub async fn reveal(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<Json<RevealDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let (national_id, mobile) = cmd::reveal(&s.engine, who, id).await?;
    Ok(Json(RevealDto {
        national_id,
        mobile,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    pub item: String,
}

/// `POST /api/v1/tickets/{id}/checklist`: ticks one item (6.2, 6.4 or 6.5) with the time, the
/// staff member and the desk.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/checklist",
    tag = "console",
    summary = "Ticks one checklist item (6.2 documents_checked, 6.4 data_confirmed, 6.5 \
               committee_told) with the time, staff member and desk; only at the desk the visitor \
               is at. The first tick stands. Before the visitor arrived (start): 409 not_arrived.",
    params(super::doc::IdPath),
    request_body(content = CheckBody, example = json!({"item": "documents_checked"})),
    responses((status = 200, body = ChecklistDto))
)]
pub async fn check(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<CheckBody>,
) -> Result<Json<ChecklistDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let item = CheckItem::parse(&body.value.item).ok_or_else(|| {
        ApiError::unprocessable(
            "invalid_field",
            "item",
            "بند غير معروف",
            "Item: documents_checked, data_confirmed or committee_told",
        )
    })?;
    let (items, complete) = cmd::tick(&s.engine, who, id, item).await?;
    Ok(Json(checklist(items, complete)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeFieldBody {
    /// name, national_id, mobile or interpreter_language.
    pub field: String,
    /// Checked by the kiosk's rule for the field; blank clears it.
    pub value: String,
    /// The visitor gave no details at the kiosk: the staff member read them the data notice and
    /// they agreed (needed for the first field of such a visitor).
    #[serde(default)]
    pub consent_at_desk: bool,
}

/// `POST /api/v1/tickets/{id}/intake`: the desk serving the visitor fills in or corrects one
/// field of their details (policy 6.2); audited by field name, never by value.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/intake",
    tag = "console",
    summary = "Fills in or corrects one field of the visitor's details at the desk serving them \
               (policy 6.2), with the kiosk's rules (422 names the field). A visitor who gave no \
               details at the kiosk needs consent_at_desk on the first field (else 409 \
               consent_required). Audited by field name, never by value.",
    params(super::doc::IdPath),
    request_body(content = IntakeFieldBody, example = json!({"field": "name", "value": "نورة", "consent_at_desk": true})),
    responses((status = 204, description = "Saved"))
)]
pub async fn intake_field(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<IntakeFieldBody>,
) -> Result<StatusCode, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let body = body.value;
    let (field, value) = intake::correction(&body.field, &body.value)?;
    cmd::complete_intake(&s.engine, who, id, field, value, body.consent_at_desk).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// A document code of the service's checklist (`documents` in the visit).
    pub document: String,
    /// Seen and valid; false records that it was shown but is not valid.
    pub valid: bool,
    /// YYYY-MM-DD, for a document whose expiry the checklist asks for.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// Its number, for a document whose number the checklist asks for.
    #[serde(default)]
    pub reference: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Documents)]
pub struct DocumentsDto {
    pub documents: Vec<DocumentDto>,
}

/// `POST /api/v1/tickets/{id}/documents`: the desk serving the visitor records one document as
/// seen against the original (policy 6.2), with its expiry date or number where asked.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/documents",
    tag = "console",
    summary = "Records one document of the service's checklist as seen against the original \
               (policy 6.2), valid or not, with its expiry date (not passed) or number where the \
               checklist asks; only at the desk serving the visitor. Audited by document code.",
    params(super::doc::IdPath),
    request_body(content = DocumentBody, example = json!({"document": "identity", "valid": true, "expires_on": "2030-01-31"})),
    responses((status = 200, body = DocumentsDto))
)]
pub async fn record_document(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<DocumentBody>,
) -> Result<Json<DocumentsDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let body = body.value;
    let input = documents_input::parse(body.expires_on.as_deref(), body.reference.as_deref())?;
    let states = cmd::record_document(&s.engine, who, id, body.document, body.valid, input).await?;
    Ok(Json(DocumentsDto {
        documents: documents(states),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideBody {
    pub reason: String,
}

/// `POST /api/v1/tickets/{id}/registration-override`: a supervisor allows the desk to register
/// this visit's support request with the checklist incomplete (policy 6.6), with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/registration-override",
    tag = "console",
    summary = "Supervisor: allows the desk to register this visit's support request before the \
               checklist is complete (policy 6.6). The reason is kept with the visit and erased \
               with it; the audit row records only the override.",
    params(super::doc::IdPath),
    request_body(content = OverrideBody, example = json!({"reason": "the documents are held by the police"})),
    responses((status = 204, description = "Allowed"))
)]
pub async fn override_registration(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<OverrideBody>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::Supervise)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let reason = crate::input::text::required("reason", &body.value.reason, 500)?;
    let who = Asker {
        staff: staff.id,
        role: staff.role,
        request_id: request.0,
    };
    cmd::override_registration(&s.engine, who, id, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[schema(as = Alert)]
pub struct AlertDto {
    pub id: i64,
    pub kind: String,
    pub reason: Option<String>,
    pub ticket: i64,
    pub label: String,
    pub raised_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Alerts)]
pub struct AlertsDto {
    pub alerts: Vec<AlertDto>,
}

/// `GET /api/v1/alerts`: alerts not yet acknowledged; supervisors only.
#[utoipa::path(
    get,
    path = "/api/v1/alerts",
    tag = "console",
    summary = "Alerts not yet acknowledged (a visitor who does not feel safe, a ticket not \
               printed); supervisors only",
    responses((status = 200, body = AlertsDto))
)]
pub async fn alerts(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<AlertsDto>, ApiError> {
    caller.require(Permission::Supervise)?;
    let rows = cmd::open_alerts(&s.reads).await?;
    Ok(Json(AlertsDto {
        alerts: rows
            .into_iter()
            .map(|a| AlertDto {
                id: a.id,
                kind: a.kind,
                reason: a.reason,
                ticket: a.ticket,
                label: a.label,
                raised_at: local_time(a.raised_at),
            })
            .collect(),
    }))
}

/// `POST /api/v1/alerts/{id}/acknowledge`: a supervisor took charge; it leaves every console.
#[utoipa::path(
    post,
    path = "/api/v1/alerts/{id}/acknowledge",
    tag = "console",
    summary = "Acknowledges an alert; it leaves every supervisor console (event \
               alert_acknowledged)",
    params(super::doc::IdPath),
    responses((status = 204, description = "Acknowledged"))
)]
pub async fn acknowledge(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::Supervise)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::acknowledge_alert(&s.engine, id, staff.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
