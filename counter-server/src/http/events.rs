//! The event streams (Server-Sent Events, so displays and consoles never poll), shared by
//! `GET /api/v1/events` and the display page's `/display/events`.
//!
//! What a caller receives depends on who it is: the waiting-room display gets only calls, as
//! label and desk; staff (and integration devices) get every ticket event (no personal data);
//! supervisors also get alerts. Ids and replay for reconnecting clients: see `for_audience`.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures_util::{Stream, StreamExt};
use serde_json::json;
use tokio_stream::wrappers::{BroadcastStream, WatchStream, errors::BroadcastStreamRecvError};

use crate::domain::{EventKind, QueueEvent};
use crate::event_log::{ResetReason, Resume};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::views::{priority_name, state_name};
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
        EventKind::Reclassed => "reclassed",
        EventKind::CheckedIn => "checked_in",
        EventKind::MovedBack => "moved_back",
    }
}

/// The event as `audience` may see it, or `None` when it is not for them.
pub fn project(event: &Published, audience: Audience) -> Option<Event> {
    match event {
        Published::Queue(e) => project_queue(e, audience),
        Published::Alert(a) if audience == Audience::Supervisor => Some(
            Event::default().event("alert").data(
                json!({ "type": "alert", "id": a.id, "kind": a.kind, "reason": a.reason, "ticket": a.ticket, "label": a.label,
                        "raised_at": crate::http::views::local_time(a.raised_at) })
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
        // Staff screens reload the services, desks and names they show; a display gets only the
        // desks' names it shows under their numbers.
        Published::SettingsChanged(names) if audience == Audience::Display => Some(
            Event::default()
                .event("desk_names")
                .data(json!({ "type": "desk_names", "desks": names_json(names) }).to_string()),
        ),
        Published::SettingsChanged(_) => Some(
            Event::default()
                .event("settings_changed")
                .data(json!({ "type": "settings_changed" }).to_string()),
        ),
        // The waiting-room display shows no appointments.
        Published::AppointmentsChanged if audience == Audience::Display => None,
        Published::AppointmentsChanged => Some(
            Event::default()
                .event("appointments_changed")
                .data(json!({ "type": "appointments_changed" }).to_string()),
        ),
    }
}

fn project_queue(e: &QueueEvent, audience: Audience) -> Option<Event> {
    let kind = kind_name(e.kind);
    if audience == Audience::Display {
        // Label and desk only: never a service, a state or a name.
        let label = &e.ticket.as_ref()?.label;
        return match e.kind {
            EventKind::Called | EventKind::Recalled => Some(
                Event::default()
                    .event(kind)
                    .data(json!({ "type": kind, "label": label, "desk": e.desk }).to_string()),
            ),
            // No longer being called (served, gone, or waiting again elsewhere): it leaves
            // "Now calling", without saying why.
            EventKind::Started
            | EventKind::Finished
            | EventKind::NoShow
            | EventKind::Referred
            | EventKind::Transferred
            | EventKind::Cancelled
            | EventKind::Expired => Some(
                Event::default()
                    .event("left")
                    .data(json!({ "type": "left", "label": label }).to_string()),
            ),
            _ => None,
        };
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

/// The `Last-Event-ID` a reconnecting client sends (browsers do it themselves); one that is not
/// readable text counts as an id this server never gave.
pub fn last_event_id(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get("last-event-id")?;
    Some(value.to_str().unwrap_or("unreadable")).filter(|v| !v.is_empty())
}

/// How long a browser waits before reconnecting (sent as `retry:`).
const RETRY: Duration = Duration::from_secs(2);
/// How often an idle stream sends its position (an `id:` with no data): it keeps the connection
/// alive, and a display that sees few of the events still resumes from a recent id.
const HEARTBEAT: Duration = Duration::from_secs(15);

fn reset(reason: ResetReason) -> Event {
    Event::default()
        .event("reset")
        .data(json!({ "type": "reset", "reason": reason.as_str() }).to_string())
}

/// The event stream as `audience` sees it (also served to the display page at `/display/events`).
///
/// Every event carries an id; a client resuming after one (`last_event_id`) first gets the events
/// it missed, projected as live ones are, or a `reset` telling it to reload its view. A display
/// starting afresh gets the calls shown right now.
pub async fn for_audience(
    s: &AppState,
    audience: Audience,
    last_event_id: Option<&str>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>> + use<>>, ApiError> {
    let log = s.engine.events().clone();
    let sub = log.subscribe(last_event_id);
    let hello = Event::default()
        .event("hello")
        .retry(RETRY)
        .data(r#"{"type":"hello"}"#);
    // The position goes on the first event after which the client's view is complete.
    let position = log.id(sub.position);
    let (mut start, missed) = match sub.resume {
        Resume::Fresh => (vec![hello.id(&position)], Vec::new()),
        Resume::Replay(missed) => (vec![hello], missed),
        Resume::Reset(why) => (vec![hello, reset(why).id(&position)], Vec::new()),
    };
    if audience == Audience::Display && last_event_id.is_none() {
        start.push(display_snapshot(s).await?.id(&position));
    }
    // The last event this stream has passed (shown or not), for the heartbeat.
    let seen = Arc::new(AtomicU64::new(sub.position));
    let passed = seen.clone();
    let named = log.clone();
    let events = futures_util::stream::iter(missed.into_iter().map(Ok))
        .chain(BroadcastStream::new(sub.receiver))
        .filter_map(move |item| {
            let shown = match item {
                Ok(logged) => {
                    passed.store(logged.seq, Ordering::Relaxed);
                    project(&logged.event, audience).map(|e| e.id(named.id(logged.seq)))
                }
                // A slow client missed events: it must reload its view.
                Err(BroadcastStreamRecvError::Lagged(_)) => Some(reset(ResetReason::Lagged)),
            };
            std::future::ready(shown.map(Ok))
        });
    let heartbeat = futures_util::stream::unfold((log, seen), |(log, seen)| async move {
        tokio::time::sleep(HEARTBEAT).await;
        let beat = Event::default().id(log.id(seen.load(Ordering::Relaxed)));
        Some((Ok(beat), (log, seen)))
    });
    // Ends every open stream when the server shuts down, so graceful shutdown does not wait on them.
    let shutdown = WatchStream::new(s.shutdown.clone()).filter(|down| std::future::ready(*down));
    let stream = futures_util::stream::select(
        futures_util::stream::iter(start.into_iter().map(Ok)).chain(events),
        heartbeat,
    )
    .take_until(shutdown.into_future());
    Ok(Sse::new(stream))
}

/// The desks' names for the display: `[{desk, ar, en}]`.
fn names_json(names: &[(u32, String, String)]) -> serde_json::Value {
    names
        .iter()
        .map(|(desk, ar, en)| json!({ "desk": desk, "ar": ar, "en": en }))
        .collect()
}

/// The board as it is now, the same on every screen: `{type: "snapshot", calls: [{label, desk}],
/// recent: [{label, desk}], desks: [{desk, ar, en}]}`: the tickets called right now (oldest call
/// first), today's other called tickets (latest call first, at the desk of their last call), and
/// the desks' names.
async fn display_snapshot(s: &AppState) -> Result<Event, ApiError> {
    let board = crate::commands::queue::board(&s.engine, &s.reads, s.clock.now()).await?;
    let recent: Vec<_> = board
        .recent
        .into_iter()
        .map(|(label, desk)| json!({ "label": label, "desk": desk }))
        .collect();
    let calls = board.calls;
    let calls: Vec<_> = calls
        .into_iter()
        .map(|(label, desk)| json!({ "label": label, "desk": desk }))
        .collect();
    Ok(Event::default().event("snapshot").data(
        json!({ "type": "snapshot", "calls": calls, "recent": recent,
                      "desks": names_json(&s.config().desk_names()) })
        .to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The board and the staff console list the events they redraw on; a kind left out of a list
    /// leaves that screen stale (the board missed check-ins until this test).
    #[test]
    fn staff_pages_redraw_on_every_queue_event() {
        let pages = [
            ("board.js", include_str!("../../../ui/web/board.js")),
            ("console.js", include_str!("../../../ui/web/console.js")),
        ];
        for (page, js) in pages {
            for kind in EventKind::ALL {
                let name = kind_name(kind);
                assert!(js.contains(&format!("\"{name}\"")), "{page} ignores {name}");
            }
        }
        let board = pages[0].1;
        assert!(
            board.contains("\"appointments_changed\""),
            "the board's appointments"
        );
    }
}
