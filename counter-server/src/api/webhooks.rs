//! Webhook endpoints and dead deliveries for admins (`Permission::Administer`); rules in
//! `commands::webhooks`, sending in `crate::webhooks`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::webhooks::{self as cmd, NewEndpoint};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::local_time;
use crate::store::webhooks::{DeadRow, EndpointRow};

#[derive(Serialize, ToSchema)]
#[schema(as = WebhookEndpoint)]
pub struct EndpointDto {
    pub id: i64,
    pub url: String,
    /// `request.registered`, `committee.decided`, `rating.low`.
    pub events: Vec<&'static str>,
    /// `rating.low` is sent for a score at or below it.
    pub rating_threshold: Option<u8>,
    pub active: bool,
    pub created_at: String,
    /// Deliveries waiting to be sent.
    pub pending: i64,
    /// Deliveries that gave up (see the dead list).
    pub dead: i64,
}

impl From<&EndpointRow> for EndpointDto {
    fn from(r: &EndpointRow) -> Self {
        Self {
            id: r.id,
            url: r.url.clone(),
            events: r.events.iter().map(|e| e.as_str()).collect(),
            rating_threshold: r.rating_threshold,
            active: r.active,
            created_at: local_time(r.created_at),
            pending: r.pending,
            dead: r.dead,
        }
    }
}

/// `GET /api/v1/admin/webhooks`
#[utoipa::path(
    get,
    path = "/api/v1/admin/webhooks",
    tag = "admin",
    summary = "Every webhook endpoint, with its deliveries waiting and dead (never its secret)",
    responses((status = 200, body = Vec<EndpointDto>))
)]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<EndpointDto>>, ApiError> {
    caller.acting(Permission::Administer)?;
    let rows = cmd::list(&s.engine).await?;
    Ok(Json(rows.iter().map(EndpointDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewWebhookBody)]
pub struct NewEndpointBody {
    /// An `https://` URL.
    pub url: String,
    /// Any of `request.registered`, `committee.decided`, `rating.low`.
    pub events: Vec<String>,
    /// With `rating.low` (and only then): 1 to 5; a score at or below it is sent.
    pub rating_threshold: Option<i64>,
}

/// The endpoint just registered, and its signing secret, shown this once.
#[derive(Serialize, ToSchema)]
#[schema(as = RegisteredWebhook)]
pub struct RegisteredDto {
    pub endpoint: EndpointDto,
    /// `whsec_<base64 key>` (Standard Webhooks); give it to the receiver, it is not shown again.
    pub secret: String,
}

/// `POST /api/v1/admin/webhooks`
#[utoipa::path(
    post,
    path = "/api/v1/admin/webhooks",
    tag = "admin",
    summary = "Registers a webhook endpoint; answers its signing secret once; audited",
    request_body = NewEndpointBody,
    responses(
        (status = 201, body = RegisteredDto),
        (status = 422, description = "webhook_url_not_https, webhook_url_invalid, \
                                      unknown_event_type, bad_threshold",
         body = awn_core::wire::ErrorBody),
    )
)]
pub async fn register(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<NewEndpointBody>,
) -> Result<(StatusCode, Json<RegisteredDto>), ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let b = body.value;
    let new = NewEndpoint {
        url: b.url,
        events: b.events,
        rating_threshold: b.rating_threshold,
    };
    let done = cmd::register(&s.engine, by, new).await?;
    let dto = RegisteredDto {
        endpoint: EndpointDto::from(&done.endpoint),
        secret: done.secret,
    };
    Ok((StatusCode::CREATED, Json(dto)))
}

/// `POST /api/v1/admin/webhooks/{id}/deactivate`
#[utoipa::path(
    post,
    path = "/api/v1/admin/webhooks/{id}/deactivate",
    tag = "admin",
    summary = "Stops sending to a webhook endpoint (what waits for it is kept); audited",
    params(super::doc::IdPath),
    responses(
        (status = 204, description = "Deactivated"),
        (status = 404, description = "webhook_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "webhook_inactive", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn deactivate(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::deactivate(&s.engine, by, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/v1/admin/webhooks/{id}`
#[utoipa::path(
    delete,
    path = "/api/v1/admin/webhooks/{id}",
    tag = "admin",
    summary = "Deletes a webhook endpoint and all its deliveries; audited",
    params(super::doc::IdPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "webhook_not_found", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::delete(&s.engine, by, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
#[schema(as = DeadWebhookDelivery)]
pub struct DeadDto {
    pub id: i64,
    pub endpoint: i64,
    pub url: String,
    /// The `webhook-id` it was sent with.
    pub event_id: String,
    pub event_type: String,
    pub attempts: u32,
    /// The last attempt's outcome: an HTTP status or `connect`, `tls`, `timeout`, `http`.
    pub last_error: Option<String>,
    /// When it gave up (local time).
    pub failed_at: String,
}

impl From<&DeadRow> for DeadDto {
    fn from(r: &DeadRow) -> Self {
        Self {
            id: r.id,
            endpoint: r.endpoint,
            url: r.url.clone(),
            event_id: r.event_id.clone(),
            event_type: r.event_type.clone(),
            attempts: r.attempts,
            last_error: r.last_error.clone(),
            failed_at: local_time(r.failed_at),
        }
    }
}

/// `GET /api/v1/admin/webhook-deliveries/dead`
#[utoipa::path(
    get,
    path = "/api/v1/admin/webhook-deliveries/dead",
    tag = "admin",
    summary = "The webhook deliveries that gave up after every retry (no payload)",
    responses((status = 200, body = Vec<DeadDto>))
)]
pub async fn dead(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DeadDto>>, ApiError> {
    caller.acting(Permission::Administer)?;
    let rows = cmd::dead(&s.engine).await?;
    Ok(Json(rows.iter().map(DeadDto::from).collect()))
}

/// `POST /api/v1/admin/webhook-deliveries/{id}/replay`
#[utoipa::path(
    post,
    path = "/api/v1/admin/webhook-deliveries/{id}/replay",
    tag = "admin",
    summary = "Sends a dead delivery again, next for its endpoint, with the retries from the \
               start; audited",
    params(super::doc::IdPath),
    responses(
        (status = 204, description = "Pending again"),
        (status = 404, description = "dead_delivery_not_found", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn replay(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::replay(&s.engine, by, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
