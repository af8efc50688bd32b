//! The rows `crate::metrics` computes from: the visits of a period, their ratings, the committee
//! dates of registered support requests, staff names; and the live figures for `GET /metrics`.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Timelike};
use rusqlite::{Connection, params};

use super::{Context, StoreError, parse_day, parse_time};
use crate::domain::numbering::riyadh;
use crate::metrics::{Rating, Visit};

/// Everything `metrics::summary` needs for `from..=to`.
pub struct Rows {
    pub visits: Vec<Visit>,
    pub ratings: Vec<Rating>,
    pub committee_dates: Vec<NaiveDate>,
    pub staff_names: HashMap<i64, String>,
}

fn seconds(a: Option<String>, b: Option<String>) -> Option<i64> {
    let (a, b) = (parse_time(&a?), parse_time(&b?));
    Some((b - a).num_seconds().max(0))
}

pub fn load(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Rows, StoreError> {
    let (from, to) = (from.to_string(), to.to_string());
    let referred: HashSet<i64> = {
        let mut st = conn
            .prepare_cached(
                "SELECT DISTINCT e.ticket_id FROM ticket_events e
                 WHERE e.action = 'refer' AND e.ticket_id IN (SELECT id FROM tickets WHERE service_day BETWEEN ?1 AND ?2)",
            )
            .ctx("prepare referred")?;
        st.query_map(params![from, to], |r| r.get(0))
            .ctx("referred")?
            .collect::<Result<_, _>>()
            .ctx("referred rows")?
    };
    let mut st = conn
        .prepare_cached(
            "SELECT id, label, service, service_day, desk, state, outcome, issued_at, called_at, started_at, finished_at
             FROM tickets WHERE service_day BETWEEN ?1 AND ?2",
        )
        .ctx("prepare visits")?;
    let visits = st
        .query_map(params![from, to], |r| {
            let id: i64 = r.get(0)?;
            let state: String = r.get(5)?;
            let outcome: Option<String> = r.get(6)?;
            let issued: String = r.get(7)?;
            let called: Option<String> = r.get(8)?;
            let started: Option<String> = r.get(9)?;
            let finished: Option<String> = r.get(10)?;
            let done = state == "done";
            Ok(Visit {
                id,
                label: r.get(1)?,
                service: r.get(2)?,
                day: parse_day(&r.get::<_, String>(3)?),
                hour: parse_time(&issued).with_timezone(&riyadh()).hour() as u8,
                desk: r.get(4)?,
                done,
                no_show: state == "no_show",
                support_request: outcome.as_deref() == Some("support_request_registered"),
                referred: referred.contains(&id),
                wait_s: seconds(Some(issued), called),
                service_s: if done {
                    seconds(started, finished)
                } else {
                    None
                },
            })
        })
        .ctx("visits")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("visit rows")?;
    let mut st = conn
        .prepare_cached(
            "SELECT r.id, r.ticket_id, r.staff_id, r.score, r.reasons, r.comment, c.id IS NOT NULL
             FROM ratings r LEFT JOIN contact_requests c ON c.rating_id = r.id
             WHERE r.service_day BETWEEN ?1 AND ?2 ORDER BY r.id",
        )
        .ctx("prepare ratings")?;
    let ratings = st
        .query_map(params![from, to], |r| {
            let reasons: String = r.get(4)?;
            Ok(Rating {
                id: r.get(0)?,
                ticket: r.get(1)?,
                staff: r.get(2)?,
                score: r.get(3)?,
                reasons: reasons
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                comment: r.get(5)?,
                contact: r.get(6)?,
            })
        })
        .ctx("ratings")?
        .collect::<Result<Vec<_>, _>>()
        .ctx("rating rows")?;
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

/// Totals that only grow (Prometheus counters): tickets issued and calls per service, ratings per
/// score.
pub struct Counters {
    pub issued: Vec<(String, i64)>,
    pub calls: Vec<(String, i64)>,
    pub ratings: Vec<(i64, i64)>,
    /// Today's waits (issue to first call) in seconds, per service.
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
            "SELECT service, issued_at, called_at FROM tickets WHERE service_day = ?1 AND called_at IS NOT NULL",
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
        calls,
        ratings,
        waits_today,
    })
}
