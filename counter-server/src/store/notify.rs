//! What a visitor asked to be told (migration 0024): a Web Push subscription or an SMS number per
//! ticket, with what was sent; and the branch's VAPID key. The notify worker
//! (`crate::notify::worker`) reads `all` and marks, in the same engine job, what it is about to
//! send; `erase_ended` deletes the rows of tickets whose visit is over (then the worker asks the
//! engine to truncate the WAL, so the number's bytes leave the files too: `secure_delete` is on).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, time_str};

/// The channel and its address.
#[derive(Clone, PartialEq, Eq)]
pub enum Address {
    Push {
        endpoint: String,
        p256dh: String,
        auth: String,
    },
    /// E.164.
    Sms(String),
}

impl Address {
    pub fn channel(&self) -> &'static str {
        match self {
            Address::Push { .. } => "push",
            Address::Sms(_) => "sms",
        }
    }
}

/// Never shows the address.
impl std::fmt::Debug for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.channel())
    }
}

/// One ticket's request on one channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub ticket: i64,
    pub address: Address,
    /// `ar` or `en`: the language of the page that asked.
    pub lang: String,
    pub near_sent: bool,
    pub called_sent: bool,
}

/// Records (or replaces: a new subscription of the same browser, a corrected number) the
/// request of `ticket` on its channel; what was sent already stays sent.
pub fn upsert(
    conn: &Connection,
    ticket: i64,
    address: &Address,
    lang: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (endpoint, p256dh, auth, phone) = match address {
        Address::Push {
            endpoint,
            p256dh,
            auth,
        } => (Some(endpoint), Some(p256dh), Some(auth), None),
        Address::Sms(phone) => (None, None, None, Some(phone)),
    };
    conn.prepare_cached(
        "INSERT INTO notify_requests (ticket_id, channel, endpoint, p256dh, auth, phone, lang, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (ticket_id, channel) DO UPDATE SET endpoint = ?3, p256dh = ?4, auth = ?5,
             phone = ?6, lang = ?7",
    )
    .ctx("prepare notify request upsert")?
    .execute(params![
        ticket,
        address.channel(),
        endpoint,
        p256dh,
        auth,
        phone,
        lang,
        time_str(now)
    ])
    .ctx("notify request upsert")?;
    Ok(())
}

/// Withdraws the request of `ticket` on `channel` (`push` or `sms`); whether there was one.
pub fn withdraw(conn: &Connection, ticket: i64, channel: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("DELETE FROM notify_requests WHERE ticket_id = ?1 AND channel = ?2")
        .ctx("prepare notify withdraw")?
        .execute(params![ticket, channel])
        .ctx("notify withdraw")?
        > 0)
}

/// The channels `ticket` has asked for.
pub fn channels(conn: &Connection, ticket: i64) -> Result<Vec<String>, StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT channel FROM notify_requests WHERE ticket_id = ?1 ORDER BY channel")
        .ctx("prepare notify channels")?;
    let rows = stmt
        .query_map([ticket], |r| r.get(0))
        .ctx("notify channels")?;
    rows.collect::<Result<_, _>>().ctx("notify channel")
}

/// Whether anyone asked for anything: the worker's cheap look after a commit.
pub fn any(conn: &Connection) -> Result<bool, StoreError> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM notify_requests)")
        .ctx("prepare notify any")?
        .query_row([], |r| r.get(0))
        .ctx("notify any")
}

/// Every request.
pub fn all(conn: &Connection) -> Result<Vec<Request>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT ticket_id, channel, endpoint, p256dh, auth, phone, lang, near_sent, called_sent
             FROM notify_requests ORDER BY ticket_id, channel",
        )
        .ctx("prepare notify requests")?;
    let rows = stmt
        .query_map([], |r| {
            let channel: String = r.get(1)?;
            let address = if channel == "push" {
                Address::Push {
                    endpoint: r.get(2)?,
                    p256dh: r.get(3)?,
                    auth: r.get(4)?,
                }
            } else {
                Address::Sms(r.get(5)?)
            };
            Ok(Request {
                ticket: r.get(0)?,
                address,
                lang: r.get(6)?,
                near_sent: r.get(7)?,
                called_sent: r.get(8)?,
            })
        })
        .ctx("notify requests")?;
    rows.collect::<Result<_, _>>().ctx("notify request")
}

/// Marks what is about to be sent on `channel` for `ticket`.
pub fn mark_sent(
    conn: &Connection,
    ticket: i64,
    channel: &str,
    near: bool,
    called: bool,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE notify_requests SET near_sent = MAX(near_sent, ?3), called_sent = MAX(called_sent, ?4)
         WHERE ticket_id = ?1 AND channel = ?2",
    )
    .ctx("prepare notify mark")?
    .execute(params![ticket, channel, near, called])
    .ctx("notify mark")?;
    Ok(())
}

/// Deletes the requests of tickets whose visit is over (no longer waiting, called or being
/// served); how many.
pub fn erase_ended(conn: &Connection) -> Result<usize, StoreError> {
    conn.prepare_cached(
        "DELETE FROM notify_requests WHERE ticket_id IN (
             SELECT n.ticket_id FROM notify_requests n JOIN tickets t ON t.id = n.ticket_id
             WHERE t.state NOT IN ('waiting', 'called', 'serving'))",
    )
    .ctx("prepare notify erase")?
    .execute([])
    .ctx("notify erase")
}

/// The branch's VAPID key (PKCS#8), if made.
pub fn vapid_key(conn: &Connection) -> Result<Option<Vec<u8>>, StoreError> {
    conn.prepare_cached("SELECT pkcs8 FROM notify_vapid_key WHERE id = 1")
        .ctx("prepare vapid key")?
        .query_row([], |r| r.get(0))
        .optional()
        .ctx("vapid key")
}

/// Keeps `pkcs8` as the branch's VAPID key unless one is kept already.
pub fn insert_vapid_key(
    conn: &Connection,
    pkcs8: &[u8],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO notify_vapid_key (id, pkcs8, created_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO NOTHING",
    )
    .ctx("prepare vapid key insert")?
    .execute(params![pkcs8, time_str(now)])
    .ctx("vapid key insert")?;
    Ok(())
}
