//! Ratings of a finished visit: the rating device at the counter (`/rating/recent`, `/ratings`)
//! and the visitor's own phone (`/status/{token}/rating`). Same checks on both paths.

use awn_core::wire::{Rated, RatingRequest, RecentVisit, RecentVisits};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{Permission, tokens};
use crate::commands::ratings::{self as cmd, Target};
use crate::commands::{CommandError, Refusal};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::security::private;

/// The status page's body: the rating kiosk's `RatingRequest` without the label (the token in
/// the path names the visit).
#[derive(Deserialize, utoipa::ToSchema)]
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

/// `GET /api/v1/rating/recent`: labels of today's visits finished in the last 10 minutes and not
/// rated yet; nothing else.
#[utoipa::path(
    get,
    path = "/api/v1/rating/recent",
    tag = "ratings",
    summary = "Labels of today's visits finished in the last 10 minutes and not rated yet; \
               labels only. Rating devices.",
    responses((status = 200, body = RecentVisits))
)]
pub async fn recent(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<RecentVisits>, ApiError> {
    caller.device(Permission::Rate)?;
    let labels = cmd::recent(&s.engine).await?;
    Ok(Json(RecentVisits {
        visits: labels
            .into_iter()
            .map(|label| RecentVisit { label })
            .collect(),
    }))
}

/// `POST /api/v1/ratings`: the rating device rates today's visit `label`.
#[utoipa::path(
    post,
    path = "/api/v1/ratings",
    tag = "ratings",
    summary = "Rate today's finished visit by its label (rating device). 404 visit_not_found, \
               409 visit_not_finished or already_rated, 422 invalid_score, invalid_reason, \
               too_long, invalid_characters. Ratings are never edited.",
    request_body(content = RatingRequest, example = json!({"label": "A-001", "score": 5, "reasons": []})),
    responses((status = 201, body = Rated))
)]
pub async fn rate(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<RatingRequest>,
) -> Result<Response, ApiError> {
    caller.device(Permission::Rate)?;
    let b = body.value;
    let input = cmd::check(b.score, b.reasons, b.comment, b.contact_requested)?;
    let id = cmd::rate(&s.engine, Target::Label(b.label), input).await?;
    Ok((StatusCode::CREATED, Json(Rated { id })).into_response())
}

/// `POST /api/v1/status/{token}/rating`: the visitor rates from the status page; rate-limited like
/// the status lookup; an unknown token gets the same 404 as there.
#[utoipa::path(
    post,
    path = "/api/v1/status/{token}/rating",
    tag = "ratings",
    summary = "The visitor rates their finished visit from the status page (public, by the \
               status token; rate-limited like the status lookup; same rules as POST /ratings; \
               unknown tokens 404 not_found).",
    params(super::doc::TokenPath),
    request_body(content = StatusRatingBody, example = json!({"score": 4, "comment": "quick and kind"})),
    responses(
        (status = 201, body = Rated),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
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
        Ok::<_, ApiError>((StatusCode::CREATED, Json(Rated { id })).into_response())
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}
