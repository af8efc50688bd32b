//! Visitors' rights, for supervisors: export (JSON or a printable Arabic page), correct a field,
//! destroy the record, place a legal hold, and the request register. Each action is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::auth::Permission;
use crate::commands::rights as cmd;
use crate::commands::visit::Asker;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::security::RequestId;
use crate::http::views::PrintableExport;
use crate::input::{intake, text};

fn supervisor(caller: &Caller, request: RequestId) -> Result<Asker, ApiError> {
    let s = caller.staff(Permission::Supervise)?;
    Ok(Asker {
        staff: s.id,
        role: s.role,
        request_id: request.0,
    })
}

fn ticket_id(raw: &str) -> Result<i64, ApiError> {
    parse_id(raw, "id", i64::MAX)
}

/// `GET /api/v1/visitors/{id}/export`: everything held about one visit.
#[utoipa::path(
    get,
    path = "/api/v1/visitors/{id}/export",
    tag = "rights",
    summary = "Supervisor: everything held about one visit, by table (audited)",
    params(super::doc::IdPath),
    responses((status = 200, body = Object))
)]
pub async fn export(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let who = supervisor(&caller, request)?;
    Ok(Json(cmd::export(&s.engine, who, ticket_id(&id)?).await?))
}

/// `GET /api/v1/visitors/{id}/printable`: the same, as a printable Arabic page (drawn by `web`).
#[utoipa::path(
    get,
    path = "/api/v1/visitors/{id}/printable",
    tag = "rights",
    summary = "Supervisor: the same as a printable Arabic page (audited)",
    params(super::doc::IdPath),
    responses((status = 200, body = String, content_type = "text/html"))
)]
pub async fn printable(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<PrintableExport, ApiError> {
    let who = supervisor(&caller, request)?;
    let export = cmd::export(&s.engine, who, ticket_id(&id)?).await?;
    Ok(PrintableExport(export))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectBody {
    pub field: String,
    pub value: String,
}

/// `POST /api/v1/visitors/{id}/correct`: one intake field, checked like at the kiosk.
#[utoipa::path(
    post,
    path = "/api/v1/visitors/{id}/correct",
    tag = "rights",
    summary = "Supervisor: correct one intake field (name, national_id, mobile, \
               interpreter_language), checked like at the kiosk; blank clears it (audited, field \
               name only)",
    params(super::doc::IdPath),
    request_body(content = CorrectBody, example = json!({"field": "interpreter_language", "value": "Urdu"})),
    responses((status = 204, description = "Corrected"))
)]
pub async fn correct(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<CorrectBody>,
) -> Result<StatusCode, ApiError> {
    let who = supervisor(&caller, request)?;
    let id = ticket_id(&id)?;
    let (field, value) = intake::correction(&body.value.field, &body.value.value)?;
    cmd::correct(&s.engine, who, id, field, value).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

/// `POST /api/v1/visitors/{id}/destroy`: the visitor asked for deletion; refused under a legal hold.
#[utoipa::path(
    post,
    path = "/api/v1/visitors/{id}/destroy",
    tag = "rights",
    summary = "Supervisor: destroy the visit's personal data at the visitor's request; 409 \
               legal_hold when held (audited)",
    params(super::doc::IdPath),
    request_body(content = ReasonBody, example = json!({"reason": "the visitor asked in writing"})),
    responses((status = 204, description = "Destroyed"))
)]
pub async fn destroy(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<ReasonBody>,
) -> Result<StatusCode, ApiError> {
    let who = supervisor(&caller, request)?;
    let id = ticket_id(&id)?;
    let reason = text::required("reason", &body.value.reason, 500)?;
    cmd::destroy(&s.engine, who, id, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/visitors/{id}/hold`: a legal hold; the retention purge skips the record.
#[utoipa::path(
    post,
    path = "/api/v1/visitors/{id}/hold",
    tag = "rights",
    summary = "Supervisor: legal hold; the retention purge skips the record (audited)",
    params(super::doc::IdPath),
    request_body(content = ReasonBody, example = json!({"reason": "the visitor asked in writing"})),
    responses((status = 204, description = "Held"))
)]
pub async fn hold(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<ReasonBody>,
) -> Result<StatusCode, ApiError> {
    let who = supervisor(&caller, request)?;
    let id = ticket_id(&id)?;
    let reason = text::required("reason", &body.value.reason, 500)?;
    cmd::hold(&s.engine, who, id, reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[schema(as = RightsRequestKind)]
pub enum RequestKind {
    Copy,
    Correction,
    Deletion,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = RightsRequestBody)]
pub struct RequestBody {
    pub kind: RequestKind,
    #[serde(default)]
    pub ticket: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = RightsRequest)]
pub struct RequestDto {
    pub id: i64,
    pub kind: String,
    pub ticket: Option<i64>,
    pub received_at: String,
    pub identity_checked_at: Option<String>,
    pub answered_at: Option<String>,
    /// Open for more than 20 days.
    pub overdue: bool,
}

/// `GET /api/v1/rights-requests`: the register, with overdue requests flagged.
#[utoipa::path(
    get,
    path = "/api/v1/rights-requests",
    tag = "rights",
    summary = "Supervisor: the rights request register; overdue = open for more than 20 days",
    responses((status = 200, body = Vec<RequestDto>))
)]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RequestDto>>, ApiError> {
    caller.require(Permission::Supervise)?;
    let rows = cmd::list_requests(&s.engine).await?;
    Ok(Json(
        rows.into_iter()
            .map(|v| RequestDto {
                id: v.row.id,
                kind: v.row.kind,
                ticket: v.row.ticket_id,
                received_at: v.row.received_at,
                identity_checked_at: v.row.identity_checked_at,
                answered_at: v.row.answered_at,
                overdue: v.overdue,
            })
            .collect(),
    ))
}

/// `POST /api/v1/rights-requests`: registers a request as received.
#[utoipa::path(
    post,
    path = "/api/v1/rights-requests",
    tag = "rights",
    summary = "Supervisor: register a request (copy, correction, deletion) as received",
    request_body(content = RequestBody, example = json!({"kind": "copy", "ticket": 1})),
    responses((status = 201, body = super::doc::Created))
)]
pub async fn open(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    body: AppJson<RequestBody>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let who = supervisor(&caller, request)?;
    let kind = match body.value.kind {
        RequestKind::Copy => "copy",
        RequestKind::Correction => "correction",
        RequestKind::Deletion => "deletion",
    };
    let ticket = match body.value.ticket {
        Some(t) => Some(ticket_id(&t.to_string())?),
        None => None,
    };
    let id = cmd::open_request(&s.engine, who, kind, ticket).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// `POST /api/v1/rights-requests/{id}/identity-checked`
#[utoipa::path(
    post,
    path = "/api/v1/rights-requests/{id}/identity-checked",
    tag = "rights",
    summary = "Supervisor: the requester's identity was checked",
    params(super::doc::IdPath),
    responses((status = 204, description = "Recorded"))
)]
pub async fn identity_checked(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = supervisor(&caller, request)?;
    cmd::request_step(
        &s.engine,
        who,
        parse_id(&id, "id", i64::MAX)?,
        "identity_checked",
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/rights-requests/{id}/answered`
#[utoipa::path(
    post,
    path = "/api/v1/rights-requests/{id}/answered",
    tag = "rights",
    summary = "Supervisor: the request was answered",
    params(super::doc::IdPath),
    responses((status = 204, description = "Recorded"))
)]
pub async fn answered(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = supervisor(&caller, request)?;
    cmd::request_step(&s.engine, who, parse_id(&id, "id", i64::MAX)?, "answered").await?;
    Ok(StatusCode::NO_CONTENT)
}
