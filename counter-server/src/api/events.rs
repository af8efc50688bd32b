//! `GET /api/v1/events`: the event stream, as the caller may see it (`http::events`).

use std::convert::Infallible;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;

use crate::auth::{Permission, allows};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::events::{Audience, for_audience, last_event_id};
use crate::http::extract::Caller;

#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "desk",
    summary = "Server-Sent Events. Display devices: called/recalled with label and desk only. \
               Staff and integration devices (scope integration, for this stream only): every \
               ticket event with id, label, service, state, priority and desk, never personal \
               data. Supervisors: also alerts. Every event has an id '<boot>-<seq>'; the stream \
               starts with 'retry: 2000' and a 'hello' event; an idle stream sends its current id \
               (no data) every 15 s. A client reconnecting with Last-Event-ID first gets the \
               events it missed, projected as live ones, or a 'reset' event {type, reason: \
               too_old | restarted | unknown_id | lagged} (also sent when a slow client lagged): \
               reload your view. A display starting without Last-Event-ID first gets a 'snapshot' \
               of the calls shown now.",
    params((
        "Last-Event-ID" = Option<String>,
        Header,
        description = "The id of the last event received, to resume after it"
    )),
    responses((
        status = 200,
        body = super::doc::ServerSentEvent,
        content_type = "text/event-stream"
    ))
)]
pub async fn stream(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let audience = if allows(&caller.0, Permission::Supervise) {
        Audience::Supervisor
    } else if allows(&caller.0, Permission::WatchQueue) {
        Audience::Staff
    } else {
        caller.require(Permission::WatchDisplay)?;
        Audience::Display
    };
    for_audience(&s, audience, last_event_id(&headers)).await
}
