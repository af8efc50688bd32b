//! Reception issues a ticket from the console (kiosk down, a visitor on the phone): the kiosk's
//! choices and rules (`kiosk::issue_request`, `commands::issue_ticket`), idempotent per staff
//! member, audited with who issued it; the answer carries the status link and its QR as SVG.

use awn_core::wire::{IssuedTicket, TicketRequest};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::kiosk::{idempotency_key, issue_request, issued_wire};
use crate::auth::Permission;
use crate::commands::{self, IssueCommand, KeyedIssuer};
use crate::domain::Channel;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller};
use crate::http::qr;
use crate::http::security::RequestId;

/// The ticket as the kiosk would have it, with what reception shows, prints or dictates.
#[derive(Serialize, ToSchema)]
pub struct ReceptionTicket {
    pub ticket: IssuedTicket,
    /// The status link in full (the branch's public address and `/t/{token}`), to dictate.
    pub status_url: String,
    /// The status link as an SVG QR code, to show on screen and print.
    pub status_qr_svg: String,
}

/// `POST /api/v1/reception/tickets`: reception issues a ticket with the kiosk's choices and rules.
#[utoipa::path(
    post,
    path = "/api/v1/reception/tickets",
    tag = "console",
    summary = "Issue a ticket at reception (reception, supervisor) with the kiosk's choices and \
               rules: an intake needs the consent notice read aloud (its version), recorded as \
               given to this staff member. A retry with the same Idempotency-Key returns the \
               same ticket; the same key with another body is 409 idempotency_key_reused.",
    params((
        "Idempotency-Key" = String,
        Header,
        description = "16-64 characters of A-Z, a-z, 0-9, - and _; one per visitor",
        min_length = 16,
        max_length = 64,
        pattern = "^[A-Za-z0-9_-]{16,64}$"
    )),
    request_body(
        content = TicketRequest,
        example = json!({"service": "inquiry", "priority": "normal"})
    ),
    responses(
        (status = 201, body = ReceptionTicket),
        (status = 409, description = "branch_closed: outside the opening hours or after the \
                                      evening cut-off, with opens_at; idempotency_key_reused",
         body = awn_core::wire::ErrorBody)
    )
)]
pub async fn issue(
    State(s): State<AppState>,
    caller: Caller,
    request_id: RequestId,
    headers: HeaderMap,
    body: AppJson<TicketRequest>,
) -> Result<(StatusCode, Json<ReceptionTicket>), ApiError> {
    let staff = caller.staff(Permission::IssueAtReception)?;
    let key = idempotency_key(&headers)?;
    let (request, intake, feels_unsafe) = issue_request(&s, body.value, Channel::Reception)?;
    let cmd = IssueCommand {
        issuer: KeyedIssuer::Reception(staff.id),
        audit: Some((staff.role, request_id.0)),
        idempotency_key: key,
        request_hash: Sha256::digest(&body.raw).into(),
        request,
        intake,
        feels_unsafe,
    };
    let ticket = issued_wire(commands::issue_ticket(&s.engine, cmd).await?);
    let status_url = format!(
        "{}{}",
        s.config().branch.public_base_url.trim_end_matches('/'),
        ticket.status_path
    );
    Ok((
        StatusCode::CREATED,
        Json(ReceptionTicket {
            status_qr_svg: qr::svg(&status_url),
            status_url,
            ticket,
        }),
    ))
}
