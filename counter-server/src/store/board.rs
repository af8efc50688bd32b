//! Today's figures for the supervisor's board: counts and the average wait, no personal data.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::{Context, StoreError, parse_time};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TodayFigures {
    pub issued: u32,
    pub served: u32,
    pub no_shows: u32,
    /// Issue to first call, over today's called tickets; None before the first call.
    pub average_wait_minutes: Option<i64>,
}

pub fn today_figures(conn: &Connection, today: NaiveDate) -> Result<TodayFigures, StoreError> {
    let mut st = conn
        .prepare_cached("SELECT state, issued_at, called_at FROM tickets WHERE service_day = ?1")
        .ctx("prepare today's figures")?;
    let rows = st
        .query_map([today.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })
        .ctx("today's figures")?;
    let mut f = TodayFigures::default();
    let (mut wait_s, mut called) = (0_i64, 0_i64);
    for row in rows {
        let (state, issued, called_at) = row.ctx("today's row")?;
        f.issued += 1;
        match state.as_str() {
            "done" => f.served += 1,
            "no_show" => f.no_shows += 1,
            _ => {}
        }
        if let Some(c) = called_at {
            wait_s += (parse_time(&c) - parse_time(&issued)).num_seconds().max(0);
            called += 1;
        }
    }
    if called > 0 {
        f.average_wait_minutes = Some(wait_s / called / 60);
    }
    Ok(f)
}
