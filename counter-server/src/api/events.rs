//! `GET /api/v1/events`: Server-Sent Events, so displays and consoles never poll.
//!
//! What a caller receives depends on who it is: the waiting-room display gets only calls, as
//! label and desk; staff get every ticket event (no personal data); supervisors also get alerts.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio_stream::wrappers::{BroadcastStream, WatchStream, errors::BroadcastStreamRecvError};

use super::AppState;
use super::error::ApiError;
use super::extract::Caller;
use super::views::{priority_name, state_name};
use crate::auth::{Permission, allows};
use crate::domain::{EventKind, QueueEvent};
use crate::store::engine::Published;

/// Who is watching, which decides what an event shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Display,
    Staff,
    Supervisor,
}

pub fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::Issued => "issued",
        EventKind::Called => "called",
        EventKind::Recalled => "recalled",
        EventKind::Started => "started",
        EventKind::Finished => "finished",
        EventKind::NoShow => "no_show",
        EventKind::Returned => "returned",
        EventKind::Referred => "referred",
        EventKind::Transferred => "transferred",
        EventKind::Cancelled => "cancelled",
        EventKind::Expired => "expired",
        EventKind::DeskChanged => "desk_changed",
    }
}

/// The event as `audience` may see it, or `None` when it is not for them.
pub fn project(event: &Published, audience: Audience) -> Option<Event> {
    match event {
        Published::Queue(e) => project_queue(e, audience),
        Published::Alert(a) if audience == Audience::Supervisor => Some(
            Event::default().event("alert").data(
                json!({ "type": "alert", "id": a.id, "kind": a.kind, "ticket": a.ticket, "label": a.label,
                        "raised_at": super::views::local_time(a.raised_at) })
                .to_string(),
            ),
        ),
        Published::Alert(_) => None,
        Published::AlertAcknowledged(id) if audience == Audience::Supervisor => Some(
            Event::default()
                .event("alert_acknowledged")
                .data(json!({ "type": "alert_acknowledged", "id": id }).to_string()),
        ),
        Published::AlertAcknowledged(_) => None,
    }
}

fn project_queue(e: &QueueEvent, audience: Audience) -> Option<Event> {
    let kind = kind_name(e.kind);
    if audience == Audience::Display {
        // Label and desk only, and only for calls: never a service, a state or a name.
        if !matches!(e.kind, EventKind::Called | EventKind::Recalled) {
            return None;
        }
        let label = &e.ticket.as_ref()?.label;
        return Some(
            Event::default()
                .event(kind)
                .data(json!({ "type": kind, "label": label, "desk": e.desk }).to_string()),
        );
    }
    let ticket = e.ticket.as_ref().map(|t| {
        json!({ "id": t.id, "label": t.label, "service": t.service, "state": state_name(t.state), "priority": priority_name(t.priority) })
    });
    Some(
        Event::default()
            .event(kind)
            .data(json!({ "type": kind, "ticket": ticket, "desk": e.desk }).to_string()),
    )
}

pub async fn stream(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let audience = if allows(&caller.0, Permission::Supervise) {
        Audience::Supervisor
    } else if allows(&caller.0, Permission::ReadQueue) {
        Audience::Staff
    } else {
        caller.require(Permission::WatchDisplay)?;
        Audience::Display
    };
    for_audience(&s, audience).await
}

/// The event stream as `audience` sees it (also served to the display page at `/display/events`).
pub async fn for_audience(
    s: &AppState,
    audience: Audience,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>> + use<>>, ApiError> {
    let events = BroadcastStream::new(s.engine.subscribe()).filter_map(move |item| async move {
        match item {
            Ok(ev) => project(&ev, audience).map(Ok),
            // A slow client missed events: tell it to reload its view.
            Err(BroadcastStreamRecvError::Lagged(n)) => Some(Ok(Event::default()
                .event("resync")
                .data(json!({ "type": "resync", "missed": n }).to_string()))),
        }
    });
    let hello = futures_util::stream::once(async {
        Ok(Event::default().event("hello").data(r#"{"type":"hello"}"#))
    });
    // A display that (re)connects first gets the visitors called right now, as label and desk.
    let current = if audience == Audience::Display {
        Some(Ok(display_snapshot(s).await?))
    } else {
        None
    };
    let hello = hello.chain(futures_util::stream::iter(current));
    // Ends every open stream when the server shuts down, so graceful shutdown does not wait on them.
    let shutdown = WatchStream::new(s.shutdown.clone()).filter(|down| std::future::ready(*down));
    let stream = hello.chain(events).take_until(shutdown.into_future());
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The tickets called right now, oldest call first: `{type: "snapshot", calls: [{label, desk}]}`.
async fn display_snapshot(s: &AppState) -> Result<Event, ApiError> {
    let calls = s
        .engine
        .read(|ctx| {
            let mut called: Vec<_> = ctx
                .queue
                .active_tickets()
                .filter(|t| t.state == crate::domain::TicketState::Called)
                .map(|t| (t.called_at, ctx.queue.label_of(t), t.desk))
                .collect();
            called.sort();
            called
                .into_iter()
                .map(|(_, label, desk)| json!({ "label": label, "desk": desk }))
                .collect::<Vec<_>>()
        })
        .await?;
    Ok(Event::default()
        .event("snapshot")
        .data(json!({ "type": "snapshot", "calls": calls }).to_string()))
}
