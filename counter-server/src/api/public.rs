//! Routes anyone may call: health, the API description, a visitor's status by token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::tokens;
use crate::commands;
use crate::domain::TicketState;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::ClientIp;
use crate::http::views::state_name;
use crate::store::{self, reads};

pub const OPENAPI_JSON: &str = include_str!("../../openapi.json");

#[derive(Serialize)]
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
pub async fn health(State(s): State<AppState>) -> Result<Json<HealthDto>, ApiError> {
    let schema_version = s
        .engine
        .read(|ctx| store::schema_version(ctx.conn))
        .await??;
    let reason = s.engine.write_fault().map(|f| ApiError::storage(f).code);
    Ok(Json(HealthDto {
        status: if reason.is_some() { "degraded" } else { "ok" },
        reason,
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
    }))
}

/// `GET /api/v1/openapi.json`
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON).into_response()
}

#[derive(Serialize)]
pub struct StatusDto {
    pub label: String,
    pub state: &'static str,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub desk: Option<u32>,
    /// Waiting again, for the social researcher: the page tells the visitor so.
    pub referred: bool,
}

/// Status replies must not be cached or leak the token through a Referer.
pub(crate) fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

/// `GET /api/v1/status/{token}`: label, state, people ahead, desk. Nothing else. Unknown and
/// expired tokens get the same 404; limited by `limits::StatusLimits`.
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

pub(crate) async fn lookup(s: &AppState, token: &str) -> Result<Option<StatusDto>, ApiError> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    let Some(found) = s
        .reads
        .run(move |conn| reads::status_by_token(conn, &hash))
        .await?
    else {
        return Ok(None);
    };
    if found.state == TicketState::Expired {
        return Ok(None);
    }
    let (people_ahead, estimated_wait_minutes) = if found.state == TicketState::Waiting {
        commands::place_in_line(&s.engine, found.id)
            .await?
            .unwrap_or((0, 0))
    } else {
        (0, 0)
    };
    let desk = if matches!(found.state, TicketState::Called | TicketState::Serving) {
        found.desk
    } else {
        None
    };
    Ok(Some(StatusDto {
        label: found.label,
        state: state_name(found.state),
        people_ahead,
        estimated_wait_minutes,
        desk,
        referred: found.referred && found.state == TicketState::Waiting,
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
        "method not allowed on this route",
    )
}
