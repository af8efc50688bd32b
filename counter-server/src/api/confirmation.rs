//! The desk's side of the applicant's confirmation (policy 6.4): ask the tablet facing the
//! applicant, follow the answer, record a paper signature, and print the support request form
//! (section 5.4). The tablet's own routes are pages of `web::applicant`.

use axum::Json;
use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::console::asker;
use crate::commands::confirmation::{self as cmd, Standing};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::security::RequestId;
use crate::http::views::{FormCopy, RequestFormPage, local_time};

#[derive(Serialize, ToSchema)]
#[schema(as = ConfirmationAsked)]
pub struct AskedDto {
    /// SHA-256 of the data the tablet shows now.
    pub fingerprint: String,
}

/// `POST /api/v1/tickets/{id}/confirmation`: show the visit's data on the desk's tablet.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/confirmation",
    tag = "console",
    summary = "Asks the applicant tablet paired with the desk serving the visitor to show the \
               verified data and the declaration for the applicant to confirm and sign (policy \
               6.4); replaces what the desk asked before. Audited.",
    params(super::doc::IdPath),
    responses((status = 200, body = AskedDto))
)]
pub async fn ask(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<Json<AskedDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let fingerprint = cmd::ask(&s.engine, who, id).await?;
    Ok(Json(AskedDto { fingerprint }))
}

/// `DELETE /api/v1/tickets/{id}/confirmation`: the tablet goes blank.
#[utoipa::path(
    delete,
    path = "/api/v1/tickets/{id}/confirmation",
    tag = "console",
    summary = "Takes back the desk's request: the applicant tablet shows nothing",
    params(super::doc::IdPath),
    responses((status = 204, description = "Withdrawn"))
)]
pub async fn withdraw(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::withdraw(&s.engine, who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[schema(as = ConfirmationStanding)]
pub struct StandingDto {
    /// `none`, `waiting`, `declined` (the applicant said something is wrong) or `confirmed`.
    pub state: &'static str,
    /// Waiting: the tablet has shown the data.
    pub shown: bool,
    /// Confirmed on the printed form rather than the tablet.
    pub on_paper: bool,
    /// Confirmed, and the data has not changed since (otherwise ask again).
    pub holds: bool,
    /// When the applicant declined or confirmed (Riyadh time).
    pub at: Option<String>,
    /// SHA-256 of the visit's data as it is now (none without details): the form printed now
    /// carries it, and "signed on paper" sends it back.
    pub fingerprint: Option<String>,
}

/// `GET /api/v1/tickets/{id}/confirmation`: where the confirmation stands (no personal data).
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{id}/confirmation",
    tag = "console",
    summary = "Where the applicant's confirmation stands: nothing asked, waiting on the tablet, \
               declined, or confirmed (and whether it still matches the data)",
    params(super::doc::IdPath),
    responses((status = 200, body = StandingDto))
)]
pub async fn standing(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<Json<StandingDto>, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let (standing, fingerprint) = cmd::standing(&s.engine, who, id).await?;
    let dto = match standing {
        Standing::None => StandingDto {
            state: "none",
            shown: false,
            on_paper: false,
            holds: false,
            at: None,
            fingerprint: None,
        },
        Standing::Waiting { shown } => StandingDto {
            state: "waiting",
            shown,
            on_paper: false,
            holds: false,
            at: None,
            fingerprint: None,
        },
        Standing::Declined { at } => StandingDto {
            state: "declined",
            shown: true,
            on_paper: false,
            holds: false,
            at: Some(local_time(at)),
            fingerprint: None,
        },
        Standing::Confirmed {
            on_paper,
            at,
            holds,
        } => StandingDto {
            state: "confirmed",
            shown: false,
            on_paper,
            holds,
            at: Some(local_time(at)),
            fingerprint: None,
        },
    };
    Ok(Json(StandingDto { fingerprint, ..dto }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperBody {
    /// The fingerprint printed on the form the applicant signed.
    pub fingerprint: String,
}

/// `POST /api/v1/tickets/{id}/signed-on-paper`: the paper fallback of policy 6.4.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/signed-on-paper",
    tag = "console",
    summary = "Records that the applicant signed the printed request form (no tablet): the data \
               as printed, identified by the fingerprint on the form; refused when the data \
               changed since. Ticks \"data confirmed\". Audited.",
    params(super::doc::IdPath),
    request_body(content = PaperBody, example = json!({"fingerprint": "3f…"})),
    responses((status = 204, description = "Recorded"))
)]
pub async fn signed_on_paper(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<PaperBody>,
) -> Result<StatusCode, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::signed_on_paper(&s.engine, who, id, body.value.fingerprint).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/tickets/{id}/request-form`: the support request form, an A4 page to print.
#[utoipa::path(
    get,
    path = "/api/v1/tickets/{id}/request-form",
    tag = "console",
    summary = "The support request form (policy section 5.4) as a printable A4 page in Arabic: \
               reference, the data, the documents checked, the declaration and the signature. \
               Audited.",
    params(
        super::doc::IdPath,
        ("copy" = Option<String>, Query, description = "`applicant`: the applicant's copy (ID and \
         mobile masked, the committee's earliest answer); `file` (the default): for the paper file"),
    ),
    responses((status = 200, body = String, content_type = "text/html"))
)]
pub async fn request_form(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<RequestFormPage, ApiError> {
    let Query(q) = q.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "معاملات غير صالحة",
            "The query string is malformed",
        )
    })?;
    let copy = match q.get("copy").map(String::as_str) {
        None | Some("file") => FormCopy::File,
        Some("applicant") => FormCopy::Applicant,
        Some(_) => {
            return Err(ApiError::unprocessable(
                "invalid_copy",
                "copy",
                "النسخة غير معروفة",
                "Copy must be file or applicant",
            ));
        }
    };
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let form = cmd::request_form(&s.engine, who, id).await?;
    Ok(RequestFormPage { form, copy })
}
