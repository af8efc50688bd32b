//! Routes for a staff member at a desk: sign in and out, breaks, calling visitors.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Permission, allows};
use crate::commands;
use crate::domain::{CallAs, DeskId};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::StaffTicket;

fn desk_id(raw: &str) -> Result<DeskId, ApiError> {
    parse_id(raw, "desk", 999)
}

/// `POST /api/v1/desks/{desk}/sign-in`
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/sign-in",
    tag = "desk",
    summary = "Take the desk (reception: beneficiary-relations desks; researcher: \
               social-research desks; supervisor: any)",
    params(super::doc::DeskPath),
    responses((status = 204, description = "Signed in"))
)]
pub async fn sign_in(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    commands::sign_in(
        &s.engine,
        desk_id(&desk)?,
        staff.id,
        staff.role,
        staff.gender,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/desks/{desk}/sign-out`
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/sign-out",
    tag = "desk",
    summary = "Leave the desk (refused while a visitor is called to it)",
    params(super::doc::DeskPath),
    responses((status = 204, description = "Signed out"))
)]
pub async fn sign_out(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    commands::sign_out(&s.engine, desk_id(&desk)?, staff.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/desks/{desk}/pause`: on a break; call-next is refused until resume.
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/pause",
    tag = "desk",
    summary = "On a break: call-next is refused",
    params(super::doc::DeskPath),
    responses((status = 204, description = "Paused"))
)]
pub async fn pause(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    commands::pause(&s.engine, desk_id(&desk)?, staff.id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/desks/{desk}/resume`
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/resume",
    tag = "desk",
    summary = "Back from a break",
    params(super::doc::DeskPath),
    responses((status = 204, description = "Resumed"))
)]
pub async fn resume(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<StatusCode, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    commands::pause(&s.engine, desk_id(&desk)?, staff.id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/desks/{desk}/call-next`: the routing rules choose; one atomic claim.
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/call-next",
    tag = "desk",
    summary = "Call the next visitor by the routing rules; one atomic claim. 404 \
               no_ticket_waiting, 409 desk_busy/desk_paused/not_signed_in",
    params(super::doc::DeskPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn call_next(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    let v = commands::call_next(&s.engine, desk_id(&desk)?, staff.id).await?;
    Ok(Json(StaffTicket::from(&v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallBody {
    pub ticket: i64,
    /// A supervisor calls against a same-gender request (audited); anyone else gets 403.
    #[serde(default)]
    pub override_gender: bool,
}

/// `POST /api/v1/desks/{desk}/call`: call one waiting ticket out of order, from a line this desk
/// serves (403 `not_your_line`), keeping a same-gender request (409 `gender_preference`).
/// Supervisors may call from any line and override the request; both are audited.
#[utoipa::path(
    post,
    path = "/api/v1/desks/{desk}/call",
    tag = "desk",
    summary = "Call one waiting ticket out of order. 403 not_your_line (not a line this desk \
               serves), 409 gender_preference (as call-next would skip it); a supervisor may call \
               from any line and send override_gender (both audited); override_gender from anyone \
               else is 403 forbidden",
    params(super::doc::DeskPath),
    request_body(content = CallBody, example = json!({"ticket": 2})),
    responses((status = 200, body = StaffTicket))
)]
pub async fn call_ticket(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    body: AppJson<CallBody>,
) -> Result<Json<StaffTicket>, ApiError> {
    let staff = caller.staff(Permission::WorkDesk)?;
    let supervisor = allows(&caller.0, Permission::Supervise);
    if body.value.override_gender && !supervisor {
        return Err(ApiError::forbidden());
    }
    let desk = desk_id(&desk)?;
    let ticket = parse_id(&body.value.ticket.to_string(), "ticket", i64::MAX)?;
    let how = CallAs {
        supervisor,
        override_gender: body.value.override_gender,
    };
    let v = commands::call_ticket(&s.engine, desk, staff.id, ticket, how).await?;
    Ok(Json(StaffTicket::from(&v)))
}
