//! Webhook endpoints and their deliveries (issue 17 item 4). `enqueue` is called in the
//! transaction of the change an event announces (a request registered, a committee decision, a
//! rating), like the roll-up outbox, so a delivery exists exactly when its change committed, in
//! commit order. The delivery worker (`crate::webhooks`) reads the head of each endpoint's line
//! (`due`) and records each attempt's outcome in an engine job (`delivered`, `failed`).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, parse_day, parse_time, time_str};
use crate::domain::webhook::{self, Event, EventType};

/// An endpoint as the administration page lists it (never its secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointRow {
    pub id: i64,
    pub url: String,
    pub events: Vec<EventType>,
    pub rating_threshold: Option<u8>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub pending: i64,
    pub dead: i64,
}

fn events_str(events: &[EventType]) -> String {
    events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn events_from(s: &str) -> Vec<EventType> {
    s.split(',').filter_map(EventType::parse).collect()
}

pub fn insert_endpoint(
    conn: &Connection,
    url: &str,
    events: &[EventType],
    rating_threshold: Option<u8>,
    secret: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO webhook_endpoints (url, events, rating_threshold, secret, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .ctx("prepare webhook endpoint insert")?
    .execute(params![
        url,
        events_str(events),
        rating_threshold,
        secret,
        time_str(now)
    ])
    .ctx("webhook endpoint insert")?;
    Ok(conn.last_insert_rowid())
}

pub fn list_endpoints(conn: &Connection) -> Result<Vec<EndpointRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT e.id, e.url, e.events, e.rating_threshold, e.active, e.created_at,
                (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'pending'),
                (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.state = 'dead')
             FROM webhook_endpoints e ORDER BY e.id",
        )
        .ctx("prepare webhook endpoints")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(EndpointRow {
                id: r.get(0)?,
                url: r.get(1)?,
                events: events_from(&r.get::<_, String>(2)?),
                rating_threshold: r.get(3)?,
                active: r.get(4)?,
                created_at: parse_time(&r.get::<_, String>(5)?),
                pending: r.get(6)?,
                dead: r.get(7)?,
            })
        })
        .ctx("webhook endpoints")?;
    rows.collect::<Result<_, _>>().ctx("webhook endpoint row")
}

/// Stops sending to an endpoint (its waiting deliveries stay, unsent). Returns the rows changed.
pub fn deactivate_endpoint(conn: &Connection, id: i64) -> Result<usize, StoreError> {
    conn.execute(
        "UPDATE webhook_endpoints SET active = 0 WHERE id = ?1 AND active = 1",
        [id],
    )
    .ctx("webhook endpoint deactivate")
}

pub fn endpoint_exists(conn: &Connection, id: i64) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )
    .ctx("webhook endpoint exists")
}

/// Deletes an endpoint and (`ON DELETE CASCADE`) every delivery of it. Returns the endpoints
/// deleted (0 or 1).
pub fn delete_endpoint(conn: &Connection, id: i64) -> Result<usize, StoreError> {
    conn.execute("DELETE FROM webhook_endpoints WHERE id = ?1", [id])
        .ctx("webhook endpoint delete")
}

/// Queues the event `make` builds (given the branch id) for every active endpoint that wants
/// it, within the caller's transaction. Builds nothing when no endpoint is active. Returns the
/// deliveries queued.
pub fn enqueue(
    conn: &Connection,
    now: DateTime<Utc>,
    make: impl FnOnce(&str) -> Result<Event, StoreError>,
) -> Result<usize, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, events, rating_threshold FROM webhook_endpoints WHERE active = 1 ORDER BY id",
        )
        .ctx("prepare webhook targets")?;
    let endpoints: Vec<(i64, String, Option<u8>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .ctx("webhook targets")?
        .collect::<Result<_, _>>()
        .ctx("webhook target row")?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    let event = make(&super::outbox::branch(conn)?)?;
    let (event_id, payload, at) = (message_id(), event.to_json(), time_str(now));
    let mut queued = 0;
    for (id, events, threshold) in endpoints {
        if !event.is_for(&events_from(&events), threshold) {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO webhook_deliveries
                 (endpoint_id, event_id, event_type, payload, next_attempt_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?5)",
        )
        .ctx("prepare webhook delivery insert")?
        .execute(params![id, event_id, event.event_type.as_str(), payload, at])
        .ctx("webhook delivery insert")?;
        queued += 1;
    }
    Ok(queued)
}

/// A Standard Webhooks message id (`msg_` and 32 hex digits): one per event, the same for every
/// endpoint and every attempt, so a receiver keeps each event once.
fn message_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("msg_{hex}")
}

/// A support request got its reference (`store::committee::set_reference`).
pub fn request_registered(
    conn: &Connection,
    follow_up: i64,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    enqueue(conn, now, |branch| {
        let (service, earliest): (String, String) = conn
            .query_row(
                "SELECT t.service, f.earliest_answer_date FROM follow_ups f
                 JOIN tickets t ON t.id = f.ticket_id WHERE f.id = ?1",
                [follow_up],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .ctx("webhook request service")?;
        Ok(webhook::request_registered(
            branch,
            reference,
            &service,
            parse_day(&earliest),
            now,
        ))
    })
}

/// A visitor's rating: queued for the endpoints whose threshold the score is at or below.
pub fn rated(
    conn: &Connection,
    ticket: i64,
    score: u8,
    reasons: &[String],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    enqueue(conn, now, |branch| {
        let service: String = conn
            .query_row("SELECT service FROM tickets WHERE id = ?1", [ticket], |r| {
                r.get(0)
            })
            .ctx("webhook rating service")?;
        Ok(webhook::rating(branch, &service, score, reasons, now))
    })
}

/// The oldest pending delivery of an active endpoint, when it is due.
#[derive(Clone, Debug)]
pub struct Due {
    pub id: i64,
    pub endpoint: i64,
    pub url: String,
    pub secret: Vec<u8>,
    pub event_id: String,
    pub payload: String,
    pub attempts: u32,
}

/// For each active endpoint, its oldest pending delivery if it is due at `now`: a later one is
/// never tried before it (order per endpoint).
pub fn due(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Due>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT d.id, e.id, e.url, e.secret, d.event_id, d.payload, d.attempts
             FROM webhook_endpoints e
             JOIN webhook_deliveries d ON d.id = (SELECT min(x.id) FROM webhook_deliveries x
                 WHERE x.endpoint_id = e.id AND x.state = 'pending')
             WHERE e.active = 1 AND d.next_attempt_at <= ?1
             ORDER BY d.id",
        )
        .ctx("prepare webhooks due")?;
    let rows = stmt
        .query_map([time_str(now)], |r| {
            Ok(Due {
                id: r.get(0)?,
                endpoint: r.get(1)?,
                url: r.get(2)?,
                secret: r.get(3)?,
                event_id: r.get(4)?,
                payload: r.get(5)?,
                attempts: r.get(6)?,
            })
        })
        .ctx("webhooks due")?;
    rows.collect::<Result<_, _>>().ctx("webhook due row")
}

/// The delivery reached its endpoint (a 2xx).
pub fn delivered(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET state = 'delivered', attempts = attempts + 1,
             last_error = NULL, updated_at = ?2
         WHERE id = ?1 AND state = 'pending'",
    )
    .ctx("prepare webhook delivered")?
    .execute(params![id, time_str(now)])
    .ctx("webhook delivered")?;
    Ok(())
}

/// An attempt failed with `error` (a short code or an HTTP status): tried again after the
/// backoff (`domain::webhook::next_attempt`), or dead. Returns whether it is dead now.
pub fn failed(
    conn: &Connection,
    id: i64,
    error: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let attempts: Option<u32> = conn
        .query_row(
            "SELECT attempts FROM webhook_deliveries WHERE id = ?1 AND state = 'pending'",
            [id],
            |r| r.get(0),
        )
        .optional()
        .ctx("webhook attempts")?;
    let Some(attempts) = attempts.map(|a| a + 1) else {
        return Ok(false);
    };
    let next = webhook::next_attempt(attempts, now);
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET attempts = ?2, last_error = ?3, updated_at = ?4,
             state = CASE WHEN ?5 IS NULL THEN 'dead' ELSE 'pending' END,
             next_attempt_at = coalesce(?5, next_attempt_at)
         WHERE id = ?1",
    )
    .ctx("prepare webhook failed")?
    .execute(params![
        id,
        attempts,
        error,
        time_str(now),
        next.map(time_str)
    ])
    .ctx("webhook failed")?;
    Ok(next.is_none())
}

/// A delivery that gave up, for the administration page (no payload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadRow {
    pub id: i64,
    pub endpoint: i64,
    pub url: String,
    pub event_id: String,
    pub event_type: String,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub failed_at: DateTime<Utc>,
}

pub fn dead(conn: &Connection) -> Result<Vec<DeadRow>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT d.id, e.id, e.url, d.event_id, d.event_type, d.attempts, d.last_error, d.updated_at
             FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
             WHERE d.state = 'dead' ORDER BY d.id",
        )
        .ctx("prepare webhooks dead")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(DeadRow {
                id: r.get(0)?,
                endpoint: r.get(1)?,
                url: r.get(2)?,
                event_id: r.get(3)?,
                event_type: r.get(4)?,
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                failed_at: parse_time(&r.get::<_, String>(7)?),
            })
        })
        .ctx("webhooks dead")?;
    rows.collect::<Result<_, _>>().ctx("webhook dead row")
}

/// A dead delivery back to pending with its attempts reset: being older than what waits behind
/// it, it is its endpoint's next. Returns the rows changed (0: no dead delivery has this id).
pub fn replay(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<usize, StoreError> {
    conn.prepare_cached(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, last_error = NULL,
             next_attempt_at = ?2, updated_at = ?2
         WHERE id = ?1 AND state = 'dead'",
    )
    .ctx("prepare webhook replay")?
    .execute(params![id, time_str(now)])
    .ctx("webhook replay")
}

/// Deliveries waiting (for an active endpoint: a stopped one's are not waiting to be sent) and
/// dead, for `/metrics`.
pub fn counts(conn: &Connection) -> Result<(i64, i64), StoreError> {
    conn.prepare_cached(
        "SELECT (SELECT count(*) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                 WHERE d.state = 'pending' AND e.active = 1),
                (SELECT count(*) FROM webhook_deliveries WHERE state = 'dead')",
    )
    .ctx("prepare webhook counts")?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
    .ctx("webhook counts")
}

/// Days a delivered delivery is kept (for an admin asking "was it sent?"), then forgotten by the
/// retention purge. Dead ones stay until an admin replays them.
pub const DELIVERED_KEPT_DAYS: i64 = 30;

/// Forgets deliveries delivered more than `DELIVERED_KEPT_DAYS` before `now`; returns how many.
pub fn forget_delivered(conn: &Connection, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let before = now - chrono::Duration::days(DELIVERED_KEPT_DAYS);
    conn.prepare_cached(
        "DELETE FROM webhook_deliveries WHERE state = 'delivered' AND updated_at < ?1",
    )
    .ctx("prepare forget delivered webhooks")?
    .execute([time_str(before)])
    .ctx("forget delivered webhooks")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::committee::Decision;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate(&mut conn).unwrap();
        crate::store::outbox::bind_branch(&conn, "riyadh-1").unwrap();
        conn
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn decided(conn: &Connection, reference: &str, now: DateTime<Utc>) -> usize {
        enqueue(conn, now, |b| {
            Ok(webhook::committee_decided(
                b,
                reference,
                Decision::Accepted,
                now.date_naive(),
                now,
            ))
        })
        .unwrap()
    }

    #[test]
    fn each_endpoint_gets_its_events_in_order_and_a_failing_head_holds_the_rest_back() {
        let conn = db();
        let now = t("2026-12-01T06:00:00Z");
        assert_eq!(decided(&conn, "R-0", now), 0, "no endpoint: nothing queued");
        let a = insert_endpoint(
            &conn,
            "https://a.test/hook",
            &EventType::ALL,
            None,
            b"k",
            now,
        )
        .unwrap();
        let b = insert_endpoint(
            &conn,
            "https://b.test/hook",
            &[EventType::RequestRegistered],
            None,
            b"k",
            now,
        )
        .unwrap();
        assert_eq!(
            decided(&conn, "R-1", now),
            1,
            "only the endpoint that wants it"
        );
        decided(&conn, "R-2", now);
        let due1 = due(&conn, now).unwrap();
        assert_eq!(due1.len(), 1);
        assert_eq!(due1[0].endpoint, a);
        assert!(due1[0].payload.contains("R-1"), "the oldest first");
        assert!(due1[0].event_id.starts_with("msg_"));

        // The head fails: nothing of that endpoint is due until its backoff has passed.
        assert!(!failed(&conn, due1[0].id, "connect", now).unwrap());
        assert!(due(&conn, now).unwrap().is_empty());
        let later = now + chrono::Duration::seconds(5);
        assert_eq!(due(&conn, later).unwrap()[0].id, due1[0].id);
        delivered(&conn, due1[0].id, later).unwrap();
        let next = due(&conn, later).unwrap();
        assert!(next[0].payload.contains("R-2"), "then the next, at once");
        assert_eq!(counts(&conn).unwrap(), (1, 0));

        // Dead after the whole schedule; replayed, it is its endpoint's next again.
        let mut at = later;
        let mut attempts = 0;
        while !failed(&conn, next[0].id, "503", at).unwrap() {
            attempts += 1;
            at += chrono::Duration::hours(9);
        }
        assert_eq!(attempts, webhook::BACKOFF_SECONDS.len());
        let dead_rows = dead(&conn).unwrap();
        assert_eq!(dead_rows.len(), 1);
        assert_eq!(dead_rows[0].last_error.as_deref(), Some("503"));
        assert_eq!(dead_rows[0].attempts, 11);
        assert_eq!(counts(&conn).unwrap(), (0, 1));

        // R-1, delivered at `later`, is forgotten 30 days on; the dead one is not.
        let month = later + chrono::Duration::days(DELIVERED_KEPT_DAYS);
        assert_eq!(forget_delivered(&conn, month).unwrap(), 0, "not yet");
        let after = month + chrono::Duration::seconds(1);
        assert_eq!(forget_delivered(&conn, after).unwrap(), 1);
        assert_eq!(dead(&conn).unwrap().len(), 1, "the dead one stays");
        decided(&conn, "R-3", at);
        assert_eq!(replay(&conn, dead_rows[0].id, at).unwrap(), 1);
        assert_eq!(
            replay(&conn, dead_rows[0].id, at).unwrap(),
            0,
            "not dead now"
        );
        assert!(due(&conn, at).unwrap()[0].payload.contains("R-2"));

        // An inactive endpoint is not tried; a deleted one takes its deliveries with it.
        assert_eq!(counts(&conn).unwrap(), (2, 0));
        assert_eq!(deactivate_endpoint(&conn, a).unwrap(), 1);
        assert!(due(&conn, at).unwrap().is_empty());
        assert_eq!(
            counts(&conn).unwrap(),
            (0, 0),
            "a stopped endpoint's are not waiting"
        );
        assert_eq!(decided(&conn, "R-4", at), 0);
        assert_eq!(delete_endpoint(&conn, a).unwrap(), 1);
        assert_eq!(counts(&conn).unwrap(), (0, 0));
        let left: i64 = conn
            .query_row(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?1",
                [a],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0, "its deliveries went with it");
        let listed = list_endpoints(&conn).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].id, listed[0].events.as_slice()),
            (b, &[EventType::RequestRegistered][..])
        );
    }
}
