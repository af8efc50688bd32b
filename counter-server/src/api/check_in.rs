//! `POST /api/v1/kiosk/check-in`: a visitor who joined from the phone types the code at the kiosk.

use awn_core::wire::{CheckInRequest, CheckedIn};
use axum::Json;
use axum::extract::State;

use crate::auth::Permission;
use crate::commands::{CommandError, Refusal, remote};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller};

#[utoipa::path(
    post,
    path = "/api/v1/kiosk/check-in",
    tag = "kiosk",
    summary = "Checks in today's place joined from the phone with this code: it becomes callable \
               in the place it holds. 404 check_in_code_unknown; 409 not_awaiting_arrival (checked \
               in already, lapsed or served); 429 too_many_attempts after 10 wrong codes in 10 \
               minutes from this kiosk",
    request_body(content = CheckInRequest, example = json!({"code": "042917"})),
    responses(
        (status = 200, body = CheckedIn),
        (status = 404, description = "check_in_code_unknown", body = awn_core::wire::ErrorBody),
        (status = 409, description = "not_awaiting_arrival", body = awn_core::wire::ErrorBody),
        (status = 429, description = "too_many_attempts", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn check_in(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<CheckInRequest>,
) -> Result<Json<CheckedIn>, ApiError> {
    let device = caller.device(Permission::Kiosk)?;
    if !s.remote_limits.may_check_in(device) {
        return Err(ApiError::too_many_attempts());
    }
    match remote::check_in(&s.engine, body.value.code).await {
        Ok(arrived) => Ok(Json(arrived.shown)),
        Err(e) => {
            if matches!(e, CommandError::Refused(Refusal::CheckInCodeUnknown)) {
                s.remote_limits.wrong_code(device);
            }
            Err(e.into())
        }
    }
}
