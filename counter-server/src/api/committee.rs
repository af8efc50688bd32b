//! Routes of the research committee's requests (policy 6.5): the open list for researchers and
//! supervisors, a request by its reference for every desk (a visitor back for "follow-up of a
//! request"), the committee's decision, and that the applicant was told.

use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::committee::{self as cmd, RequestView};
use crate::commands::visit::Asker;
use crate::domain::committee::{Channel, Decision};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller};
use crate::http::security::RequestId;
use crate::input::FieldError;

#[derive(Serialize, ToSchema)]
#[schema(as = CommitteeDecision)]
pub struct DecisionDto {
    /// accepted, rejected or more_information.
    pub decision: &'static str,
    pub decided_on: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ApplicantInformed)]
pub struct InformedDto {
    /// visit, phone or letter.
    pub channel: &'static str,
    pub informed_on: String,
}

/// A registered request: references, dates and states only, never personal data.
#[derive(Serialize, ToSchema)]
#[schema(as = SupportRequest)]
pub struct RequestDto {
    pub reference: String,
    /// The visit's ticket label.
    pub label: String,
    /// The service line the visit was served in.
    pub service: String,
    pub registered_on: String,
    /// The committee answers no sooner than this (policy 6.5).
    pub earliest_answer_date: String,
    /// The latest decision.
    pub decision: Option<DecisionDto>,
    /// How and when the applicant was told of the latest decision.
    pub informed: Option<InformedDto>,
    /// answer_due, overdue or tell_applicant; none when nothing is due.
    pub reminder: Option<&'static str>,
    /// Still to act on: not answered, or answered and the applicant not yet told.
    pub open: bool,
    /// The visit's ticket, for `/tickets/{id}/visit` and the request form.
    pub ticket: i64,
    /// The caller may open the finished visit: they registered the request, or supervise.
    pub may_open: bool,
}

fn dto(v: RequestView) -> RequestDto {
    let r = v.row;
    RequestDto {
        reference: r.reference,
        label: r.label,
        service: r.service,
        registered_on: r.registered.to_string(),
        earliest_answer_date: r.earliest_answer.to_string(),
        decision: r.decision.map(|(_, d, on)| DecisionDto {
            decision: d.as_str(),
            decided_on: on.to_string(),
        }),
        informed: r.informed.map(|(c, on)| InformedDto {
            channel: c.as_str(),
            informed_on: on.to_string(),
        }),
        reminder: v.reminder.map(|m| m.as_str()),
        open: v.open,
        ticket: r.ticket,
        may_open: v.may_open,
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = SupportRequests)]
pub struct RequestsDto {
    pub requests: Vec<RequestDto>,
}

fn asker(caller: &Caller, perm: Permission, request: RequestId) -> Result<Asker, ApiError> {
    let s = caller.staff(perm)?;
    Ok(Asker {
        staff: s.id,
        role: s.role,
        request_id: request.0,
    })
}

fn day(field: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        FieldError::new(
            field,
            "invalid_date",
            "اكتب التاريخ بالصيغة سنة-شهر-يوم (ميلادي)",
            "Give the date as YYYY-MM-DD (Gregorian)",
        )
        .into()
    })
}

/// `GET /api/v1/requests`: the requests still to act on, earliest answer date first.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    tag = "committee",
    summary = "Researchers and supervisors: the registered support requests still to act on \
               (not answered, or answered and the applicant not yet told), earliest answer date \
               first, each with its reminder (answer_due from the earliest answer date, overdue \
               after [committee] overdue_days, tell_applicant once answered)",
    responses((status = 200, body = RequestsDto))
)]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
) -> Result<Json<RequestsDto>, ApiError> {
    let who = asker(&caller, Permission::FollowRequests, request)?;
    let requests = cmd::open_requests(&s.engine, who).await?;
    Ok(Json(RequestsDto {
        requests: requests.into_iter().map(dto).collect(),
    }))
}

/// `GET /api/v1/requests/{reference}`: one request, for the desk serving a returning visitor.
#[utoipa::path(
    get,
    path = "/api/v1/requests/{reference}",
    tag = "committee",
    summary = "Every desk: a registered request by the reference the applicant gives (404 \
               unknown_request)",
    params(super::doc::ReferencePath),
    responses((status = 200, body = RequestDto))
)]
pub async fn find(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(reference): Path<String>,
) -> Result<Json<RequestDto>, ApiError> {
    let who = asker(&caller, Permission::WorkDesk, request)?;
    Ok(Json(dto(cmd::find(&s.engine, who, reference).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchBody {
    /// The visitor's national ID or iqama number (checked like at the kiosk).
    pub national_id: String,
}

/// `POST /api/v1/requests/search`: a returning visitor's requests by their national ID, in a
/// body (never in a URL), audited.
#[utoipa::path(
    post,
    path = "/api/v1/requests/search",
    tag = "committee",
    summary = "Every desk: the registered requests of a visitor who gives their national ID \
               instead of the reference. The number goes in the body, never the URL; every \
               search writes an audit row naming the tickets found, never the number.",
    request_body(content = SearchBody, example = json!({"national_id": "1234567897"})),
    responses((status = 200, body = RequestsDto))
)]
pub async fn search(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    body: AppJson<SearchBody>,
) -> Result<Json<RequestsDto>, ApiError> {
    let who = asker(&caller, Permission::WorkDesk, request)?;
    let national_id = awn_core::intake::strict::national_id(&body.value.national_id)
        .map_err(|p| FieldError::intake("national_id", p))?
        .ok_or_else(|| {
            FieldError::new(
                "national_id",
                "required",
                "اكتب رقم الهوية",
                "Give the national ID",
            )
        })?;
    let found = cmd::find_by_national_id(&s.engine, who, national_id).await?;
    Ok(Json(RequestsDto {
        requests: found.into_iter().map(dto).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// accepted, rejected or more_information.
    pub decision: String,
    /// The day the committee decided (YYYY-MM-DD): not before registration, not after today.
    pub decided_on: String,
}

/// `POST /api/v1/requests/{reference}/decision`
#[utoipa::path(
    post,
    path = "/api/v1/requests/{reference}/decision",
    tag = "committee",
    summary = "Researchers and supervisors: records the committee's decision (a later one \
               replaces it; more_information keeps the request open). Audited.",
    params(super::doc::ReferencePath),
    request_body(content = DecisionBody, example = json!({"decision": "accepted", "decided_on": "2026-12-17"})),
    responses((status = 200, body = RequestDto))
)]
pub async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(reference): Path<String>,
    body: AppJson<DecisionBody>,
) -> Result<Json<RequestDto>, ApiError> {
    let who = asker(&caller, Permission::FollowRequests, request)?;
    let decision = Decision::parse(&body.value.decision).ok_or_else(|| {
        ApiError::from(FieldError::new(
            "decision",
            "invalid_field",
            "القرار: مقبول أو مرفوض أو يلزم استكمال معلومات",
            "Decision: accepted, rejected or more_information",
        ))
    })?;
    let on = day("decided_on", &body.value.decided_on)?;
    cmd::decide(&s.engine, who.clone(), reference.clone(), decision, on).await?;
    Ok(Json(dto(cmd::find(&s.engine, who, reference).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InformedBody {
    /// visit, phone or letter.
    pub channel: String,
    /// The day the applicant was told (YYYY-MM-DD): not before the decision, not after today.
    pub informed_on: String,
}

/// `POST /api/v1/requests/{reference}/informed`
#[utoipa::path(
    post,
    path = "/api/v1/requests/{reference}/informed",
    tag = "committee",
    summary = "Every desk: records that the applicant was told of the latest decision, how \
               (visit, phone or letter) and when (409 no_decision_yet before a decision). \
               Audited.",
    params(super::doc::ReferencePath),
    request_body(content = InformedBody, example = json!({"channel": "phone", "informed_on": "2026-12-18"})),
    responses((status = 200, body = RequestDto))
)]
pub async fn informed(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(reference): Path<String>,
    body: AppJson<InformedBody>,
) -> Result<Json<RequestDto>, ApiError> {
    let who = asker(&caller, Permission::WorkDesk, request)?;
    let channel = Channel::parse(&body.value.channel).ok_or_else(|| {
        ApiError::from(FieldError::new(
            "channel",
            "invalid_field",
            "طريقة الإبلاغ: زيارة أو هاتف أو خطاب",
            "Channel: visit, phone or letter",
        ))
    })?;
    let on = day("informed_on", &body.value.informed_on)?;
    cmd::informed(&s.engine, who.clone(), reference.clone(), channel, on).await?;
    Ok(Json(dto(cmd::find(&s.engine, who, reference).await?)))
}
