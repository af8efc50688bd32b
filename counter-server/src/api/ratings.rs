//! Ratings of a finished visit: the rating device at the counter (`/rating/recent`, `/ratings`)
//! and the visitor's own phone (`/status/{token}/rating`). Same checks on both paths.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::auth::{Permission, tokens};
use crate::commands::ratings::{self as cmd, RatingInput, Target};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::security::private;
use crate::input::text;
use crate::metrics::REASONS;

/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 500;

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

/// Checks what every rating path receives.
pub fn checked(
    score: i64,
    reasons: Vec<String>,
    comment: Option<String>,
    contact: bool,
) -> Result<RatingInput, ApiError> {
    let score = u8::try_from(score)
        .ok()
        .filter(|s| (1..=5).contains(s))
        .ok_or_else(|| {
            ApiError::unprocessable(
                "invalid_score",
                "score",
                "التقييم من ١ إلى ٥",
                "score must be a whole number from 1 to 5",
            )
        })?;
    let mut chosen: Vec<String> = Vec::new();
    for r in reasons {
        if !REASONS.contains(&r.as_str()) {
            return Err(ApiError::unprocessable(
                "invalid_reason",
                "reasons",
                "سبب غير معروف",
                format!("reasons are among: {}", REASONS.join(", ")),
            ));
        }
        if !chosen.contains(&r) {
            chosen.push(r);
        }
    }
    // The form's order, whatever order they were sent in.
    chosen.sort_by_key(|r| REASONS.iter().position(|x| x == r));
    let comment = match comment {
        Some(c) => Some(text::clean("comment", &c, COMMENT_MAX, true)?).filter(|c| !c.is_empty()),
        None => None,
    };
    Ok(RatingInput {
        score,
        reasons: chosen,
        comment,
        contact,
    })
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
    let input = checked(b.score, b.reasons, b.comment, b.contact_requested)?;
    let label = b.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 20 {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "visit_not_found",
            "لا توجد زيارة اليوم بهذا الرقم",
            "no visit of today has this number",
        ));
    }
    let id = cmd::rate(&s.engine, Target::Label(label), input).await?;
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
        let input = checked(b.score, b.reasons, b.comment, b.contact_requested)?;
        if !tokens::well_formed(&token) {
            return Err(ApiError::not_found());
        }
        let id = cmd::rate(&s.engine, Target::Token(tokens::hash(&token)), input)
            .await
            .map_err(|e| {
                let e = ApiError::from(e);
                if e.code == "visit_not_found" {
                    ApiError::not_found()
                } else {
                    e
                }
            })?;
        Ok::<_, ApiError>((StatusCode::CREATED, Json(RatedDto { id })).into_response())
    }
    .await;
    private(result.unwrap_or_else(IntoResponse::into_response))
}
