//! Routes anyone may call: health, the API description, a visitor's status by token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::commands;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::ClientIp;
use crate::http::security::private;
use crate::http::views::state_name;

#[derive(Serialize, ToSchema)]
#[schema(as = Health)]
pub struct HealthDto {
    /// `ok`, or `degraded` while writes fail.
    pub status: &'static str,
    /// Why it is degraded: the error code writes answer (`storage_full`, `storage_readonly`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    pub version: &'static str,
    pub schema_version: i64,
}

/// `GET /api/v1/health`: the writer thread answers, so the queue is live; `degraded` while the
/// last write failed (until a later commit writes something).
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "public",
    summary = "Liveness: the writer thread answers",
    responses((status = 200, body = HealthDto)),
    security(())
)]
pub async fn health(State(s): State<AppState>) -> Result<Json<HealthDto>, ApiError> {
    let schema_version = commands::schema_version(&s.engine).await?;
    let reason = s.engine.write_fault().map(|f| ApiError::storage(f).code);
    Ok(Json(HealthDto {
        status: if reason.is_some() { "degraded" } else { "ok" },
        reason,
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
    }))
}

/// `GET /api/v1/openapi.json`: this document (`api::doc`).
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "public",
    summary = "This document (OpenAPI 3.1)",
    responses((status = 200, body = Object)),
    security(())
)]
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        super::openapi_json(),
    )
        .into_response()
}

#[derive(Serialize, ToSchema)]
#[schema(as = Status)]
pub struct StatusDto {
    pub label: String,
    pub state: &'static str,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub desk: Option<u32>,
    /// Waiting again, for the social researcher: the page tells the visitor so.
    pub referred: bool,
    /// Joined from the phone and not checked in yet (it is not called until then).
    pub awaiting_arrival: bool,
    /// The code to type at the kiosk on arrival, while `awaiting_arrival`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_in_code: Option<String>,
}

/// `GET /api/v1/status/{token}`: label, state, people ahead, desk. Nothing else. Unknown and
/// expired tokens get the same 404; limited by `limits::StatusLimits`.
#[utoipa::path(
    get,
    path = "/api/v1/status/{token}",
    tag = "public",
    summary = "A visitor's status by the token in the QR code. Public; limited to 60 lookups a \
               minute per token and 600 per source address, and 30 unknown tokens a minute per \
               address (then 429); unknown and expired tokens are the same 404. Cache-Control: \
               no-store, Referrer-Policy: no-referrer.",
    params(super::doc::TokenPath),
    responses(
        (status = 200, body = StatusDto),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn status(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    private(match lookup(&s, &token).await {
        Ok(Some(dto)) => Json(dto).into_response(),
        Ok(None) => not_found_or_throttled(&s, ip).into_response(),
        Err(e) => e.into_response(),
    })
}

/// The answer for an unknown token: 404, or 429 once the address has used its budget of misses.
pub(crate) fn not_found_or_throttled(s: &AppState, ip: Option<std::net::IpAddr>) -> ApiError {
    if s.status_limits.missed(ip) {
        ApiError::not_found()
    } else {
        ApiError::too_many_requests()
    }
}

/// The status of the ticket behind `token`, as the status page shows it (`commands::status`).
pub(crate) async fn lookup(s: &AppState, token: &str) -> Result<Option<StatusDto>, ApiError> {
    let found = commands::status::lookup(&s.reads, &s.engine, token).await?;
    Ok(found.map(|v| StatusDto {
        label: v.label,
        state: state_name(v.state),
        people_ahead: v.people_ahead,
        estimated_wait_minutes: v.estimated_wait_minutes,
        desk: v.desk,
        referred: v.referred,
        awaiting_arrival: v.awaiting_arrival,
        check_in_code: v.check_in_code,
    }))
}

pub async fn no_route() -> ApiError {
    ApiError::not_found()
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "طريقة الطلب غير مسموحة",
        "Method not allowed on this route",
    )
}
