//! Ratings of finished visits: the statements behind `commands::ratings`, and the tokens of
//! Prometheus scrapers. A rating is inserted once and never updated (a trigger refuses it).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, time_str};

/// A ticket a rating may be about.
pub struct Rateable {
    pub id: i64,
    pub state: String,
    pub rated: bool,
}

const RATEABLE: &str = "SELECT t.id, t.state, EXISTS (SELECT 1 FROM ratings r WHERE r.ticket_id = t.id) FROM tickets t";

fn rateable(r: &rusqlite::Row<'_>) -> rusqlite::Result<Rateable> {
    Ok(Rateable {
        id: r.get(0)?,
        state: r.get(1)?,
        rated: r.get(2)?,
    })
}

/// Today's ticket with this label.
pub fn by_label(
    conn: &Connection,
    day: NaiveDate,
    label: &str,
) -> Result<Option<Rateable>, StoreError> {
    conn.prepare_cached(&format!(
        "{RATEABLE} WHERE t.service_day = ?1 AND t.label = ?2"
    ))
    .ctx("prepare rateable by label")?
    .query_row(params![day.to_string(), label], rateable)
    .optional()
    .ctx("rateable by label")
}

/// The ticket behind a status token's hash.
pub fn by_token(conn: &Connection, hash: &[u8; 32]) -> Result<Option<Rateable>, StoreError> {
    conn.prepare_cached(&format!("{RATEABLE} WHERE t.status_token_hash = ?1"))
        .ctx("prepare rateable by token")?
        .query_row([&hash[..]], rateable)
        .optional()
        .ctx("rateable by token")
}

/// What a visitor sent.
pub struct NewRating<'a> {
    pub ticket: i64,
    pub score: u8,
    pub reasons: &'a [String],
    pub comment: Option<&'a str>,
    pub contact: bool,
    pub channel: &'static str,
}

/// Inserts the rating with a copy of its visit's service, desk, staff member and times, and the
/// contact request if asked. Returns the rating's id.
pub fn insert(conn: &Connection, r: &NewRating<'_>, now: DateTime<Utc>) -> Result<i64, StoreError> {
    let at = time_str(now);
    conn.prepare_cached(
        "INSERT INTO ratings (ticket_id, service, service_day, desk, staff_id, issued_at, called_at,
             started_at, finished_at, score, reasons, comment, channel, rated_at)
         SELECT t.id, t.service, t.service_day, t.desk,
             (SELECT e.staff_id FROM ticket_events e WHERE e.ticket_id = t.id AND e.action = 'finish' ORDER BY e.id DESC LIMIT 1),
             t.issued_at, t.called_at, t.started_at, t.finished_at, ?2, ?3, ?4, ?5, ?6
         FROM tickets t WHERE t.id = ?1",
    )
    .ctx("prepare insert rating")?
    .execute(params![r.ticket, r.score, r.reasons.join(","), r.comment, r.channel, at])
    .ctx("insert rating")?;
    let id = conn.last_insert_rowid();
    let fact = crate::domain::rollup::rated(r.ticket, r.score, r.reasons, now);
    super::outbox::append(conn, &[fact])?;
    super::webhooks::rated(conn, r.ticket, r.score, r.reasons, now)?;
    if r.contact {
        conn.prepare_cached(
            "INSERT INTO contact_requests (rating_id, requested_at) VALUES (?1, ?2)",
        )
        .ctx("prepare contact request")?
        .execute(params![id, at])
        .ctx("insert contact request")?;
    }
    Ok(id)
}

/// Labels of today's visits finished since `since` and not rated yet, newest first.
pub fn recent_unrated(
    conn: &Connection,
    day: NaiveDate,
    since: DateTime<Utc>,
) -> Result<Vec<String>, StoreError> {
    let mut st = conn
        .prepare_cached(
            "SELECT t.label FROM tickets t
             WHERE t.service_day = ?1 AND t.state = 'done' AND t.finished_at >= ?2
               AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.ticket_id = t.id)
             ORDER BY t.finished_at DESC",
        )
        .ctx("prepare recent")?;
    let rows = st
        .query_map(params![day.to_string(), time_str(since)], |r| r.get(0))
        .ctx("recent")?;
    rows.collect::<Result<Vec<String>, _>>().ctx("recent rows")
}

/// A new scraper token's hash.
pub fn create_metrics_token(
    conn: &Connection,
    name: &str,
    hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO metrics_tokens (name, token_hash, created_at) VALUES (?1, ?2, ?3)",
        params![name, &hash[..], time_str(now)],
    )
    .ctx("insert metrics token")?;
    Ok(conn.last_insert_rowid())
}

/// Whether a hash belongs to a scraper token that is not revoked.
pub fn metrics_token_valid(conn: &Connection, hash: &[u8; 32]) -> Result<bool, StoreError> {
    super::exists(
        conn,
        "SELECT 1 FROM metrics_tokens WHERE token_hash = ?1 AND revoked_at IS NULL",
        [&hash[..]],
    )
}
