//! The rows `crate::metrics` computes from: the visits of a period, their ratings, the committee
//! dates of registered support requests, staff names; and the live figures for `GET /metrics`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Context, StoreError, parse_day, parse_time};
use crate::domain::model::Channel;
use crate::metrics::{Rating, Visit};

/// Everything `metrics::summary` needs for `from..=to`.
pub struct Rows {
    pub visits: Vec<Visit>,
    pub ratings: Vec<Rating>,
    pub committee_dates: Vec<NaiveDate>,
    pub staff_names: HashMap<i64, String>,
}

/// Seconds since the epoch of a stored time. The server writes one fixed form
/// (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), read here without a general parser (the metrics read a few
/// hundred thousand of them); anything else goes through `parse_time`.
pub fn epoch_seconds(s: &str) -> i64 {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0i64, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0'))
        })
    };
    let fixed = (|| {
        if b.len() < 20 || b[4] != b'-' || b[10] != b'T' || *b.last()? != b'Z' {
            return None;
        }
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let (hh, mm, ss) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
        // Days from the civil date (Howard Hinnant's algorithm).
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
    })();
    fixed.unwrap_or_else(|| parse_time(s).timestamp())
}

fn seconds(a: Option<String>, b: Option<String>) -> Option<i64> {
    Some((epoch_seconds(&b?) - epoch_seconds(&a?)).max(0))
}

pub fn load(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Rows, StoreError> {
    let (from, to) = (from.to_string(), to.to_string());
    // Ticket ids grow with the days, so the period is one range of rowids: scanning it beats an
    // index lookup per row when the period is long (a year is most of the table).
    let edge = |sql: &str| -> Result<Option<i64>, StoreError> {
        conn.prepare_cached(sql)
            .ctx("prepare id range")?
            .query_row(params![from, to], |r| r.get(0))
            .optional()
            .ctx("id range")
    };
    // The index on service_day ends with the rowid: both ends are one seek.
    let lo = edge(
        "SELECT id FROM tickets WHERE service_day BETWEEN ?1 AND ?2 ORDER BY service_day, id LIMIT 1",
    )?;
    let hi = edge(
        "SELECT id FROM tickets WHERE service_day BETWEEN ?1 AND ?2 ORDER BY service_day DESC, id DESC LIMIT 1",
    )?;
    let (lo, hi) = (lo.unwrap_or(1), hi.unwrap_or(0));
    let referred: HashSet<i64> = {
        let mut st = conn
            .prepare_cached(
                "SELECT DISTINCT ticket_id FROM ticket_events WHERE action = 'refer' AND ticket_id BETWEEN ?1 AND ?2",
            )
            .ctx("prepare referred")?;
        st.query_map(params![lo, hi], |r| r.get(0))
            .ctx("referred")?
            .collect::<Result<_, _>>()
            .ctx("referred rows")?
    };
    let contacts: HashSet<i64> = conn
        .prepare_cached("SELECT rating_id FROM contact_requests")
        .ctx("prepare contacts")?
        .query_map([], |r| r.get(0))
        .ctx("contacts")?
        .collect::<Result<_, _>>()
        .ctx("contact rows")?;
    // Rows are read borrowed (no string per column); services are interned.
    let mut services: Vec<std::sync::Arc<str>> = Vec::new();
    let mut visits = Vec::new();
    let mut st = conn
        .prepare_cached(
            "SELECT id, service, service_day, desk, state, outcome, issued_at, called_at, started_at, finished_at,
                    channel, checked_in_at
             FROM tickets WHERE id BETWEEN ?3 AND ?4 AND +service_day BETWEEN ?1 AND ?2",
        )
        .ctx("prepare visits")?;
    let mut q = st.query(params![from, to, lo, hi]).ctx("visits")?;
    // Rows come day after day: parse a day once (chrono's parser is the slow part of a row).
    let mut day_cache: (String, NaiveDate) = (String::new(), NaiveDate::default());
    while let Some(r) = q.next().ctx("visit row")? {
        let s = |i: usize| -> Result<Option<&str>, StoreError> {
            r.get_ref(i)
                .and_then(|v| v.as_str_or_null().map_err(Into::into))
                .ctx("visit column")
        };
        let id: i64 = r.get(0).ctx("visit id")?;
        let service = s(1)?.unwrap_or("");
        let service = match services.iter().find(|x| &***x == service) {
            Some(x) => x.clone(),
            None => {
                let x: std::sync::Arc<str> = service.into();
                services.push(x.clone());
                x
            }
        };
        let state = s(4)?.unwrap_or("");
        let done = state == "done";
        let issued = s(6)?.map(epoch_seconds);
        let called = s(7)?.map(epoch_seconds);
        let started = s(8)?.map(epoch_seconds);
        let finished = s(9)?.map(epoch_seconds);
        let span = |a: Option<i64>, b: Option<i64>| Some((b? - a?).max(0));
        // The wait in the room: a place joined by phone or booked waits from its check-in.
        let arrived = s(11)?.map(epoch_seconds).or(issued);
        visits.push(Visit {
            id,
            label: String::new(),
            service,
            day: {
                let d = s(2)?.unwrap_or("");
                if d != day_cache.0 {
                    day_cache = (d.to_string(), parse_day(d));
                }
                day_cache.1
            },
            hour: issued.map_or(0, |t| ((t + 3 * 3600).rem_euclid(86_400) / 3600) as u8),
            desk: r.get(3).ctx("visit desk")?,
            channel: s(10)?.and_then(Channel::parse).unwrap_or(Channel::Kiosk),
            done,
            no_show: state == "no_show",
            support_request: s(5)? == Some("support_request_registered"),
            referred: referred.contains(&id),
            wait_s: span(arrived, called),
            service_s: if done { span(started, finished) } else { None },
        });
    }
    drop(q);
    let mut st = conn
        .prepare_cached(
            "SELECT r.id, r.ticket_id, r.staff_id, r.score, r.reasons, r.comment
             FROM ratings r WHERE r.service_day BETWEEN ?1 AND ?2",
        )
        .ctx("prepare ratings")?;
    let ratings = st
        .query_map(params![from, to], |r| {
            let reasons: String = r.get(4)?;
            let id: i64 = r.get(0)?;
            Ok(Rating {
                id,
                ticket: r.get(1)?,
                staff: r.get(2)?,
                score: r.get(3)?,
                reasons: reasons
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                comment: r.get(5)?,
                contact: contacts.contains(&id),
            })
        })
        .ctx("ratings")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("rating rows")?;
    // Labels only where the quality officer needs them: visits with a contact request.
    let mut labels: HashMap<i64, String> = conn
        .prepare_cached(
            "SELECT t.id, t.label FROM contact_requests c JOIN ratings r ON r.id = c.rating_id
             JOIN tickets t ON t.id = r.ticket_id WHERE r.service_day BETWEEN ?1 AND ?2",
        )
        .ctx("prepare labels")?
        .query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("labels")?
        .collect::<Result<_, _>>()
        .ctx("label rows")?;
    for v in &mut visits {
        if let Some(l) = labels.remove(&v.id) {
            v.label = l;
        }
    }
    let committee_dates = conn
        .prepare_cached("SELECT earliest_answer_date FROM follow_ups")
        .ctx("prepare follow-ups")?
        .query_map([], |r| r.get::<_, String>(0))
        .ctx("follow-ups")?
        .map(|d| d.map(|d| parse_day(&d)))
        .collect::<Result<Vec<_>, _>>()
        .ctx("follow-up rows")?;
    let staff_names = conn
        .prepare_cached("SELECT id, display_name FROM staff")
        .ctx("prepare staff names")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("staff names")?
        .collect::<Result<HashMap<_, _>, _>>()
        .ctx("staff name rows")?;
    Ok(Rows {
        visits,
        ratings,
        committee_dates,
        staff_names,
    })
}

/// Totals that only grow (Prometheus counters): tickets issued per service and per channel, calls
/// per service, ratings per score.
pub struct Counters {
    pub issued: Vec<(String, i64)>,
    pub issued_by_channel: Vec<(String, i64)>,
    pub calls: Vec<(String, i64)>,
    pub ratings: Vec<(i64, i64)>,
    /// Today's waits (arrival in the room to first call) in seconds, per service.
    pub waits_today: Vec<(String, Vec<i64>)>,
}

pub fn counters(conn: &Connection, today: NaiveDate) -> Result<Counters, StoreError> {
    let pairs = |sql: &str| -> Result<Vec<(String, i64)>, StoreError> {
        conn.prepare_cached(sql)
            .ctx("prepare counter")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .ctx("counter")?
            .collect::<Result<Vec<_>, _>>()
            .ctx("counter rows")
    };
    let issued = pairs("SELECT service, count(*) FROM tickets GROUP BY service ORDER BY service")?;
    let issued_by_channel =
        pairs("SELECT channel, count(*) FROM tickets GROUP BY channel ORDER BY channel")?;
    let calls = pairs(
        "SELECT t.service, count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.action IN ('call', 'recall') GROUP BY t.service ORDER BY t.service",
    )?;
    let ratings = conn
        .prepare_cached("SELECT score, count(*) FROM ratings GROUP BY score ORDER BY score")
        .ctx("prepare rating counts")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .ctx("rating counts")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("rating count rows")?;
    let mut waits: HashMap<String, Vec<i64>> = HashMap::new();
    let mut st = conn
        .prepare_cached(
            "SELECT service, coalesce(checked_in_at, issued_at), called_at FROM tickets
             WHERE service_day = ?1 AND called_at IS NOT NULL",
        )
        .ctx("prepare waits today")?;
    let rows = st
        .query_map([today.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })
        .ctx("waits today")?;
    for row in rows {
        let (service, issued, called) = row.ctx("wait row")?;
        if let Some(s) = seconds(Some(issued), Some(called)) {
            waits.entry(service).or_default().push(s);
        }
    }
    let mut waits_today: Vec<_> = waits.into_iter().collect();
    waits_today.sort();
    Ok(Counters {
        issued,
        issued_by_channel,
        calls,
        ratings,
        waits_today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_seconds_match_the_general_parser() {
        for s in [
            "2026-11-26T06:00:00.000000Z",
            "2024-02-29T23:59:59.999999Z",
            "1999-12-31T00:00:01.5Z",
            "2026-01-01T00:00:00+03:00",
        ] {
            assert_eq!(epoch_seconds(s), parse_time(s).timestamp(), "{s}");
        }
    }
}
