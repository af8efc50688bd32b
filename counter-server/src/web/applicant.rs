//! The applicant tablet (policy 6.4): a browser facing the applicant at one desk. Paired like the
//! display (`/applicant#token=…`, traded once for the `awn_applicant` cookie, sent only under
//! `/applicant`), it asks every two seconds whether its desk wants a confirmation, shows the data
//! and the declaration, and answers "this is correct" with the signature's strokes or "something
//! is wrong". Only applicant tablets are accepted; each is bound to its desk by its token.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::pages::PairBody;
use crate::commands::confirmation::{self as cmd, Tablet};
use crate::commands::sessions;
use crate::domain::confirmation::{ConfirmedData, Signature};
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, parse_id};
use crate::http::security::private;

pub async fn page(headers: HeaderMap) -> Response {
    super::pages::page("applicant", &headers)
}

/// `POST /applicant/session`: trades the tablet's token (from the URL fragment) for the cookie.
pub async fn pair(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: AppJson<PairBody>,
) -> Result<Response, ApiError> {
    let token = body.value.token;
    if sessions::applicant_tablet(&s.reads, &token)
        .await?
        .is_none()
    {
        return Err(ApiError::unauthenticated());
    }
    Ok(super::pages::paired(
        &s,
        &headers,
        cookies::APPLICANT,
        &token,
    ))
}

/// The tablet behind the `awn_applicant` cookie (and only that cookie).
async fn tablet(s: &AppState, headers: &HeaderMap) -> Result<Tablet, ApiError> {
    let token = cookies::get(headers, cookies::APPLICANT).ok_or_else(ApiError::unauthenticated)?;
    sessions::applicant_tablet(&s.reads, token)
        .await?
        .ok_or_else(ApiError::unauthenticated)
}

/// `GET /applicant/session`: 204 when this browser is a paired tablet.
pub async fn check(State(s): State<AppState>, headers: HeaderMap) -> Result<StatusCode, ApiError> {
    tablet(&s, &headers).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub struct DeclarationDto {
    version: String,
    ar: String,
    en: String,
}

#[derive(Serialize)]
pub struct ToConfirmDto {
    request: i64,
    fingerprint: String,
    data: ConfirmedData,
    declaration: DeclarationDto,
}

/// `GET /applicant/request`: what the desk asks the applicant to confirm now, or 204.
pub async fn request(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let tablet = tablet(&s, &headers).await?;
    let Some(c) = cmd::for_tablet(&s.engine, tablet).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let d = &s.config().declaration;
    let dto = ToConfirmDto {
        request: c.request,
        fingerprint: c.fingerprint,
        data: c.data,
        declaration: DeclarationDto {
            version: d.version.clone(),
            ar: d.ar.clone(),
            en: d.en.clone(),
        },
    };
    Ok(private(Json(dto).into_response()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    fingerprint: String,
    signature: Signature,
}

/// `POST /applicant/request/{id}/confirm`: "this is correct", with the signature.
pub async fn confirm(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: AppJson<ConfirmBody>,
) -> Result<StatusCode, ApiError> {
    let tablet = tablet(&s, &headers).await?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let b = body.value;
    cmd::confirm(&s.engine, tablet, id, b.fingerprint, b.signature).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /applicant/request/{id}/decline`: "something is wrong".
pub async fn decline(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let tablet = tablet(&s, &headers).await?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::decline(&s.engine, tablet, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
