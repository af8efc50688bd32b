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
