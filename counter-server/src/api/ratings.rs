//! Ratings of a finished visit: the rating device at the counter (`/rating/recent`, `/ratings`)
//! and the visitor's own phone (`/status/{token}/rating`). Same checks on both paths.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::{Permission, tokens};
use crate::commands::ratings::{self as cmd, Target};
use crate::commands::{CommandError, Refusal};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::security::private;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRatingBody {
    pub label: String,
    pub score: i64,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub contact_requested: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRatingBody {
    pub score: i64,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub contact_requested: bool,
}

#[derive(Serialize)]
pub struct RatedDto {
    pub id: i64,
}

#[derive(Serialize)]
pub struct RecentVisit {
    pub label: String,
}

#[derive(Serialize)]
pub struct RecentDto {
    pub visits: Vec<RecentVisit>,
}

/// `GET /api/v1/rating/recent`: labels of today's visits finished in the last 10 minutes and not
/// rated yet; nothing else.
pub async fn recent(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<RecentDto>, ApiError> {
    caller.device(Permission::Rate)?;
    let labels = cmd::recent(&s.engine).await?;
    Ok(Json(RecentDto {
        visits: labels
            .into_iter()
            .map(|label| RecentVisit { label })
            .collect(),
    }))
}

/// `POST /api/v1/ratings`: the rating device rates today's visit `label`.
pub async fn rate(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<DeviceRatingBody>,
) -> Result<Response, ApiError> {
    caller.device(Permission::Rate)?;
    let b = body.value;
    let input = cmd::check(b.score, b.reasons, b.comment, b.contact_requested)?;
    let id = cmd::rate(&s.engine, Target::Label(b.label), input).await?;
    Ok((StatusCode::CREATED, Json(RatedDto { id })).into_response())
}

/// `POST /api/v1/status/{token}/rating`: the visitor rates from the status page; rate-limited like
/// the status lookup; an unknown token gets the same 404 as there.
pub async fn rate_by_status(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    body: AppJson<StatusRatingBody>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    let result = async {
        let b = body.value;
        let input = cmd::check(b.score, b.reasons, b.comment, b.contact_requested)?;
        if !tokens::well_formed(&token) {
            return Err(ApiError::not_found());
        }
        let id = cmd::rate(&s.engine, Target::Token(tokens::hash(&token)), input)
            .await
            .map_err(|e| match e {
                // An unknown token: the same 404 as the status lookup's.
                CommandError::Refused(Refusal::VisitNotFound) => ApiError::not_found(),
                e => e.into(),
            })?;
        Ok::<_, ApiError>((StatusCode::CREATED, Json(RatedDto { id })).into_response())
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}
