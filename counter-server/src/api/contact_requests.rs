//! Routes of the ratings' "please contact me" requests, for supervisors (the quality officer):
//! the list of a period with owner and handled state, taking one, marking one handled with a
//! note. Never the requests about visits the caller served (they answer 404).

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::contact_requests as cmd;
use crate::commands::visit::Asker;
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id, period};
use crate::http::security::RequestId;
use crate::http::views::local_time;
use crate::input::text;
use crate::store::contact_requests::{ContactRow, StaffMark};

/// How long a handled note may be.
pub const NOTE_MAX_CHARS: usize = 500;

#[derive(Serialize, ToSchema)]
#[schema(as = ContactRequestMark)]
pub struct MarkDto {
    pub staff_id: i64,
    /// The staff member's display name.
    pub name: String,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ContactRequestItem)]
pub struct ContactDto {
    pub id: i64,
    /// The visit's ticket label.
    pub label: String,
    pub service: String,
    pub day: NaiveDate,
    pub score: u8,
    /// The visitor's comment on the rating.
    pub comment: Option<String>,
    pub requested_at: String,
    /// The supervisor who took it.
    pub owner: Option<MarkDto>,
    /// Who marked it handled, and when.
    pub handled: Option<MarkDto>,
    /// The handler's note (each read is audited).
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = ContactRequestList)]
pub struct ContactsDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub requests: Vec<ContactDto>,
}

fn mark(m: StaffMark) -> MarkDto {
    MarkDto {
        staff_id: m.id,
        name: m.name,
        at: local_time(m.at),
    }
}

fn dto(r: ContactRow) -> ContactDto {
    ContactDto {
        id: r.id,
        label: r.label,
        service: r.service,
        day: r.day,
        score: r.score,
        comment: r.comment,
        requested_at: local_time(r.requested_at),
        owner: r.owner.map(mark),
        handled: r.handled.map(mark),
        note: r.note,
    }
}

fn asker(caller: &Caller, request: RequestId) -> Result<Asker, ApiError> {
    let s = caller.staff(Permission::Supervise)?;
    Ok(Asker {
        staff: s.id,
        role: s.role,
        request_id: request.0,
    })
}

/// `GET /api/v1/contact-requests?from&to`
#[utoipa::path(
    get,
    path = "/api/v1/contact-requests",
    tag = "metrics",
    summary = "Supervisors: the ratings' contact requests of a period (default: the last 30 \
               days) with their owner and handled state; never those of visits the caller \
               served. Each handled note shown writes an audit row.",
    params(
        ("from" = Option<NaiveDate>, Query, description = "First service day (YYYY-MM-DD)"),
        ("to" = Option<NaiveDate>, Query, description = "Last service day (YYYY-MM-DD), today by default"),
    ),
    responses((status = 200, body = ContactsDto))
)]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<ContactsDto>, ApiError> {
    let who = asker(&caller, request)?;
    let (from, to, _) = period(q, service_day(s.clock.now()))?;
    let rows = cmd::list(&s.engine, who, from, to).await?;
    Ok(Json(ContactsDto {
        from,
        to,
        requests: rows.into_iter().map(dto).collect(),
    }))
}

/// `POST /api/v1/contact-requests/{id}/take`
#[utoipa::path(
    post,
    path = "/api/v1/contact-requests/{id}/take",
    tag = "metrics",
    summary = "Supervisors: take a contact request (its owner again: nothing changes). 404 \
               contact_request_not_found (also for the staff member who served the visit), 409 \
               contact_request_taken (another supervisor's) or contact_request_handled.",
    params(super::doc::IdPath),
    responses((status = 204, description = "Taken"))
)]
pub async fn take(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::take(&s.engine, who, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ContactRequestHandle)]
pub struct HandleBody {
    /// What was done (at most 500 characters); staff only, erased with the visit's personal data.
    #[schema(min_length = 1, max_length = 500)]
    pub note: String,
}

/// `POST /api/v1/contact-requests/{id}/handle`
#[utoipa::path(
    post,
    path = "/api/v1/contact-requests/{id}/handle",
    tag = "metrics",
    summary = "Supervisors: mark a contact request handled, with a note (the caller becomes its \
               owner if nobody took it). Once only: 409 contact_request_handled; 409 \
               contact_request_taken when another supervisor took it; 404 as for take.",
    params(super::doc::IdPath),
    request_body(content = HandleBody, example = json!({"note": "Called back; answered."})),
    responses((status = 204, description = "Marked handled"))
)]
pub async fn handle(
    State(s): State<AppState>,
    caller: Caller,
    request: RequestId,
    Path(id): Path<String>,
    body: AppJson<HandleBody>,
) -> Result<StatusCode, ApiError> {
    let who = asker(&caller, request)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let note = text::required("note", &body.value.note, NOTE_MAX_CHARS)?;
    cmd::handle(&s.engine, who, id, note).await?;
    Ok(StatusCode::NO_CONTENT)
}
