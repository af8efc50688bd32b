//! Staff sessions and the queue overview.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Permission, Principal};
use crate::commands;
use crate::commands::sessions::{self, Credentials};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::views::{StaffDto, StaffTicket, local_time};
use crate::store::desk_kind_str;

#[derive(Serialize, ToSchema)]
#[schema(as = Login)]
pub struct LoginDto {
    pub token: String,
    pub expires_at: String,
    pub staff: StaffDto,
}

/// `POST /api/v1/auth/login`: Argon2id check, throttled per (account, address) and address.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "console",
    summary = "Staff login (Argon2id). Failed attempts slow down the (account, source address) \
               pair after 5 and the address after 20: 429 login_throttled with Retry-After; never \
               the account from elsewhere. The reply is Cache-Control: no-store",
    request_body = Credentials,
    responses(
        (status = 200, body = LoginDto),
        (status = 401, description = "invalid_credentials", body = awn_core::wire::ErrorBody),
        (status = 429, description = "login_throttled, with Retry-After", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    body: AppJson<Credentials>,
) -> Result<Json<LoginDto>, ApiError> {
    let session = sessions::login(
        &s.reads,
        &s.engine,
        &s.login_throttle,
        s.clock.as_ref(),
        ip,
        body.value,
        None,
    )
    .await?;
    Ok(Json(LoginDto {
        token: session.token,
        expires_at: local_time(session.expires_at),
        staff: StaffDto::from(&session.staff),
    }))
}

/// `POST /api/v1/auth/logout`: ends this session.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "console",
    summary = "Ends the caller's session",
    responses((status = 204, description = "Done"))
)]
pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    let Principal::Staff { session, .. } = caller.0 else {
        return Err(ApiError::forbidden());
    };
    s.principals.remove(&session);
    sessions::logout(&s.engine, session).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[schema(as = Line)]
pub struct LineDto {
    pub service: String,
    pub waiting: u32,
    pub longest_wait_minutes: i64,
    pub urgent: u32,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Desk)]
pub struct DeskDto {
    pub id: u32,
    pub kind: &'static str,
    pub services: Vec<String>,
    pub staffed: bool,
    pub paused: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Queue)]
pub struct QueueDto {
    pub lines: Vec<LineDto>,
    pub tickets: Vec<StaffTicket>,
    pub desks: Vec<DeskDto>,
}

/// `GET /api/v1/queue`: every line, every active ticket, every desk; for staff.
#[utoipa::path(
    get,
    path = "/api/v1/queue",
    tag = "desk",
    summary = "Every line, active ticket and desk (staff)",
    responses((status = 200, body = QueueDto))
)]
pub async fn queue(State(s): State<AppState>, caller: Caller) -> Result<Json<QueueDto>, ApiError> {
    caller.require(Permission::ReadQueue)?;
    let snap = commands::snapshot(&s.engine).await?;
    Ok(Json(QueueDto {
        lines: snap
            .lines
            .into_iter()
            .map(|l| LineDto {
                service: l.service,
                waiting: l.waiting,
                longest_wait_minutes: l.longest_wait_minutes,
                urgent: l.urgent,
            })
            .collect(),
        tickets: snap.tickets.iter().map(StaffTicket::from).collect(),
        desks: snap
            .desks
            .into_iter()
            .map(|d| DeskDto {
                id: d.id,
                kind: desk_kind_str(d.kind),
                services: d.services.into_iter().map(String::from).collect(),
                staffed: d.on_duty.is_some(),
                paused: d.paused,
            })
            .collect(),
    }))
}
