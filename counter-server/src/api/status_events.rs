//! `GET /api/v1/status/{token}/events`: the visitor's status page follows its ticket live. The
//! first event is the status now; after that a new one whenever it changes (people ahead, called,
//! desk). Same fields as `GET /api/v1/status/{token}`, same rate limit, same 404 for unknown and
//! expired tokens, `no-store` and `no-referrer`. Events carry ids like the other streams, but a
//! reconnecting page needs no replay: its first event is always the whole status now.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use super::public::{StatusDto, lookup, not_found_or_throttled};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::ClientIp;
use crate::http::security::private;
use crate::store::engine::Published;

fn status_event(dto: &StatusDto) -> Event {
    Event::default()
        .event("status")
        .data(serde_json::to_string(dto).unwrap_or_default())
}

#[utoipa::path(
    get,
    path = "/api/v1/status/{token}/events",
    tag = "public",
    summary = "The visitor's status as Server-Sent Events: `status` events with the fields of \
               GET /api/v1/status/{token}, first the current one, then each change. Events carry \
               ids and the stream starts with 'retry: 2000'; Last-Event-ID needs no replay here, \
               since the first event is always the whole status. Public; rate-limited; same 404; \
               no-store, no-referrer.",
    params(super::doc::TokenPath),
    responses(
        (status = 200, body = super::doc::ServerSentEvent, content_type = "text/event-stream"),
        (status = 429, description = "too_many_requests: the limit above", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn stream(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
) -> Response {
    if !s.status_limits.admit(ip, &token) {
        return private(ApiError::too_many_requests().into_response());
    }
    // Subscribed before the first lookup, so that no change falls between the two.
    let log = s.engine.events().clone();
    let sub = log.subscribe(None);
    let first = match lookup(&s, &token).await {
        Ok(Some(dto)) => dto,
        Ok(None) => return private(not_found_or_throttled(&s, ip).into_response()),
        Err(e) => return private(e.into_response()),
    };
    let last = serde_json::to_string(&first).unwrap_or_default();
    let state = s.clone();
    let first = status_event(&first)
        .id(log.id(sub.position))
        .retry(Duration::from_secs(2));
    let updates = BroadcastStream::new(sub.receiver)
        .filter(|ev| {
            std::future::ready(!matches!(
                ev.as_deref().map(|l| &l.event),
                Ok(Published::Alert(_)
                    | Published::AlertAcknowledged(_)
                    | Published::AppointmentsChanged)
            ))
        })
        .then(move |ev| {
            let (s, token) = (state.clone(), token.clone());
            // The status carries the id of the event that changed it.
            let id = ev.ok().map(|l| log.id(l.seq));
            async move { (id, lookup(&s, &token).await) }
        })
        // Only changes go out; an unknown (expired) ticket ends the stream.
        .scan(last, |last, (id, found)| {
            let next = match found {
                Ok(Some(dto)) => {
                    let json = serde_json::to_string(&dto).unwrap_or_default();
                    if json == *last {
                        Some(None)
                    } else {
                        *last = json;
                        let event = status_event(&dto);
                        Some(Some(match id {
                            Some(id) => event.id(id),
                            None => event,
                        }))
                    }
                }
                Ok(None) => None,
                Err(_) => Some(None),
            };
            std::future::ready(next)
        })
        .filter_map(|e| std::future::ready(e.map(Ok::<_, Infallible>)));
    let shutdown = WatchStream::new(s.shutdown.clone()).filter(|down| std::future::ready(*down));
    let stream = futures_util::stream::once(async move { Ok(first) })
        .chain(updates)
        .take_until(shutdown.into_future());
    private(
        Sse::new(stream)
            // An event the page can see (a comment would not reach its script): it tells a
            // silent link from a quiet queue.
            .keep_alive(
                KeepAlive::new()
                    .interval(Duration::from_secs(15))
                    .event(Event::default().event("alive").data(r#"{"type":"alive"}"#)),
            )
            .into_response(),
    )
}
