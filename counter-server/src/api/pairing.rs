//! Pairing a device with a short code: `POST /api/v1/pairing` (a device asks, no token),
//! `POST /api/v1/pairing/poll` (the device polls with its secret, in the body: never in a URL),
//! `POST /api/v1/pairing/claim` (an admin types the code). `commands::pairing` does the work.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::pairing::{self, Claim, Claimant, Polled};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::qr;
use crate::http::security::RequestId;
use crate::http::views::local_time;

/// A code for the device's screen and the secret it keeps to collect its token.
#[derive(Serialize, ToSchema)]
pub struct PairingCode {
    /// Six digits, to show (and as a QR code) for an admin to type in the console.
    #[schema(example = "042917", pattern = "^[0-9]{6}$")]
    pub code: String,
    /// Kept by the device, never shown: `POST /api/v1/pairing/poll` with it.
    pub secret: String,
    /// When the code stops working (local time).
    pub expires_at: String,
    /// How often to poll.
    pub poll_seconds: u64,
    /// The console's pairing form with this code filled in (`/console#pair=<code>`), for an
    /// admin's phone.
    pub console_link: String,
    /// `console_link` as an SVG QR code, for a browser device to show (the kiosk draws its own).
    pub qr_svg: String,
}

/// `POST /api/v1/pairing`: a device without a token asks for a code.
#[utoipa::path(
    post,
    path = "/api/v1/pairing",
    tag = "pairing",
    summary = "A new device asks for a one-time six-digit code (valid 10 minutes) and a secret \
               it keeps. No token needed. At most 4 pending codes per source address and 64 in \
               all: 429 pairing_busy with Retry-After",
    responses(
        (status = 201, body = PairingCode),
        (status = 429, description = "pairing_busy, with Retry-After", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn open(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
) -> Result<(StatusCode, Json<PairingCode>), ApiError> {
    let opened = pairing::open(&s.pairings, ip, s.clock.now())?;
    let console_link = format!(
        "{}/console#pair={}",
        s.config().branch.public_base_url.trim_end_matches('/'),
        opened.code
    );
    Ok((
        StatusCode::CREATED,
        Json(PairingCode {
            code: opened.code,
            secret: opened.secret,
            expires_at: local_time(opened.expires_at),
            poll_seconds: crate::pairing::POLL_SECONDS,
            qr_svg: qr::svg(&console_link),
            console_link,
        }),
    ))
}

/// The device's secret.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PollBody {
    #[schema(max_length = 64)]
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairingState {
    /// Nobody typed the code yet.
    Waiting,
    /// Claimed: `token` is this device's token, given this once.
    Paired,
}

/// What the device finds.
#[derive(Serialize, ToSchema)]
pub struct PairingPoll {
    pub state: PairingState,
    /// While waiting: when the code stops working (local time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// Once paired: the device token (keep it in a private file; it is not given again).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Once paired: the device's scope (kiosk, display, rating, applicant).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `POST /api/v1/pairing/poll`: the device asks whether its code was claimed.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/poll",
    tag = "pairing",
    summary = "The device polls with its secret: waiting, or paired with its device token (given \
               once; the pairing is then gone). 404 unknown_pairing: expired, collected, or never \
               made: ask for a new code",
    request_body = PollBody,
    responses(
        (status = 200, body = PairingPoll),
        (status = 404, description = "unknown_pairing", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn poll(
    State(s): State<AppState>,
    body: AppJson<PollBody>,
) -> Result<Json<PairingPoll>, ApiError> {
    let reply = match pairing::poll(&s.pairings, &body.value.secret, s.clock.now())? {
        Polled::Paired { token, scope } => PairingPoll {
            state: PairingState::Paired,
            expires_at: None,
            token: Some(token),
            scope: Some(scope),
        },
        Polled::Waiting { expires_at } => PairingPoll {
            state: PairingState::Waiting,
            expires_at: Some(local_time(expires_at)),
            token: None,
            scope: None,
        },
    };
    Ok(Json(reply))
}

/// What the admin typed.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimBody {
    /// The six digits the device shows.
    #[schema(example = "042917")]
    pub code: String,
    /// kiosk, display, rating or applicant.
    #[schema(example = "kiosk")]
    pub scope: String,
    /// The device's name in the device list.
    #[schema(example = "Entrance kiosk")]
    pub name: String,
    /// The desk an applicant tablet faces (only for that scope).
    #[schema(minimum = 1, maximum = 999)]
    pub desk: Option<u32>,
}

/// The device just made.
#[derive(Serialize, ToSchema)]
pub struct PairedDevice {
    pub device_id: i64,
    pub name: String,
    pub scope: String,
}

/// `POST /api/v1/pairing/claim`: an admin pairs the device showing `code`.
#[utoipa::path(
    post,
    path = "/api/v1/pairing/claim",
    tag = "pairing",
    summary = "An admin pairs the device showing this code: the device is made with its scope, \
               name and (applicant tablet) desk, audited, and its token goes to the device at its \
               next poll. 422 pairing_code_invalid: wrong, expired or used; after 20 wrong codes \
               from one address (50 from all) within 15 minutes, 429 pairing_throttled with \
               Retry-After, even for the right code",
    request_body = ClaimBody,
    responses(
        (status = 201, body = PairedDevice),
        (status = 429, description = "pairing_throttled, with Retry-After", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn claim(
    State(s): State<AppState>,
    caller: Caller,
    ClientIp(ip): ClientIp,
    request_id: RequestId,
    body: AppJson<ClaimBody>,
) -> Result<(StatusCode, Json<PairedDevice>), ApiError> {
    let staff = caller.staff(Permission::Administer)?;
    let body = body.value;
    let claimed = pairing::claim(
        &s.engine,
        &s.pairings,
        &s.pairing_throttle,
        s.clock.as_ref(),
        Claimant {
            staff: staff.id,
            role: staff.role,
            ip,
            request_id: request_id.0,
        },
        Claim {
            code: body.code,
            scope: body.scope,
            name: body.name,
            desk: body.desk,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(PairedDevice {
            device_id: claimed.device_id,
            name: claimed.name,
            scope: claimed.scope.as_str().into(),
        }),
    ))
}
