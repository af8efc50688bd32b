//! What head office asks PostgreSQL (migration `head-office/0002`): the figures of a period at
//! every level in one query, the committee's open requests, each branch's last batch, and the
//! viewers' accounts, sessions and scrape tokens. The only SQL of the head-office mode.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tokio_postgres::Client;

use super::figures::{Figure, Key, OpenRequests, Report, Sums};
use crate::metrics::MIN_STAFF_RATINGS;

pub type PgResult<T> = Result<T, tokio_postgres::Error>;

/// Each group's sums over `from..=to` (days of the visits), for every level at once. The visits
/// are summed per (branch, service, month, channel) first, then the small result per level: one
/// pass over the period's visits (a year of ten branches in about 0.6 s, docs/benchmarks.md). A
/// visit whose issue fact did not say its channel counts as `unknown`, so a `NULL` channel in the
/// result always means "every channel".
const FIGURES: &str = "
WITH m AS (
    SELECT branch, service, date_trunc('month', day)::date AS month,
           coalesce(channel, 'unknown') AS channel,
           count(*) AS visits,
           count(*) FILTER (WHERE done) AS done,
           count(*) FILTER (WHERE no_show) AS no_shows,
           count(*) FILTER (WHERE referred) AS referrals,
           count(*) FILTER (WHERE support_request) AS support_requests,
           count(wait_s) AS waited, coalesce(sum(wait_s), 0) AS wait_s,
           count(service_s) FILTER (WHERE done) AS timed,
           coalesce(sum(service_s) FILTER (WHERE done), 0) AS service_s,
           count(score) AS ratings,
           count(*) FILTER (WHERE score >= 4) AS satisfied,
           coalesce(sum(score), 0) AS score_sum
    FROM visits WHERE day BETWEEN $1 AND $2
    GROUP BY 1, 2, 3, 4)
SELECT branch, service, month, channel,
       sum(visits)::bigint, sum(done)::bigint, sum(no_shows)::bigint, sum(referrals)::bigint,
       sum(support_requests)::bigint, sum(waited)::bigint, sum(wait_s)::bigint,
       sum(timed)::bigint, sum(service_s)::bigint, sum(ratings)::bigint,
       sum(satisfied)::bigint, sum(score_sum)::bigint
FROM m
GROUP BY GROUPING SETS ((), (month), (branch), (service), (branch, service), (branch, month),
                        (service, month), (branch, service, month),
                        (channel), (branch, channel), (service, channel), (channel, month))
ORDER BY branch NULLS FIRST, service NULLS FIRST, month NULLS FIRST, channel NULLS FIRST";

pub async fn figures(client: &Client, from: NaiveDate, to: NaiveDate) -> PgResult<Vec<Figure>> {
    let rows = client.query(FIGURES, &[&from, &to]).await?;
    Ok(rows
        .iter()
        .map(|r| {
            let key = Key {
                branch: r.get(0),
                service: r.get(1),
                month: r.get(2),
                channel: r.get(3),
            };
            let n = |i: usize| -> i64 { r.get::<_, Option<i64>>(i).unwrap_or(0) };
            let sums = Sums {
                visits: n(4),
                done: n(5),
                no_shows: n(6),
                referrals: n(7),
                support_requests: n(8),
                waited: n(9),
                wait_s: n(10),
                timed: n(11),
                service_s: n(12),
                ratings: n(13),
                satisfied: n(14),
                score_sum: n(15),
            };
            Figure::of(key, sums)
        })
        .collect())
}

/// Requests the committee has not decided, per branch by age on `today` (Riyadh's day).
pub async fn open_requests(client: &Client, today: NaiveDate) -> PgResult<Vec<OpenRequests>> {
    let rows = client
        .query(
            "SELECT branch, ($1::date - (registered_at AT TIME ZONE 'Asia/Riyadh')::date)::bigint
             FROM requests WHERE decision IS NULL ORDER BY branch",
            &[&today],
        )
        .await?;
    let mut out: Vec<OpenRequests> = Vec::new();
    for r in rows {
        let branch: String = r.get(0);
        if out.last().is_none_or(|o| o.branch != branch) {
            out.push(OpenRequests {
                branch,
                ..OpenRequests::default()
            });
        }
        out.last_mut().expect("pushed").count(r.get(1));
    }
    Ok(out)
}

pub async fn report(
    client: &Client,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
) -> PgResult<Report> {
    Ok(Report {
        from,
        to,
        min_ratings: MIN_STAFF_RATINGS,
        figures: figures(client, from, to).await?,
        open_requests: open_requests(client, today).await?,
    })
}

/// What head office last heard from a branch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchState {
    pub id: String,
    pub last_seq: i64,
    pub dropped: i64,
    pub last_batch_at: Option<DateTime<Utc>>,
}

pub async fn branches(client: &Client) -> PgResult<Vec<BranchState>> {
    let rows = client
        .query(
            "SELECT id, last_seq, dropped, last_batch_at FROM branches ORDER BY id",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| BranchState {
            id: r.get(0),
            last_seq: r.get(1),
            dropped: r.get(2),
            last_batch_at: r.get(3),
        })
        .collect())
}

/// A viewer's password hash, when the account exists and is not disabled.
pub async fn viewer_password(client: &Client, name: &str) -> PgResult<Option<String>> {
    let row = client
        .query_opt(
            "SELECT password_hash FROM viewers WHERE name = $1 AND NOT disabled",
            &[&name],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Adds a viewer, or sets a new password (and ends their sessions) if the name exists.
pub async fn put_viewer(client: &mut Client, name: &str, password_hash: &str) -> PgResult<()> {
    let tx = client.transaction().await?;
    tx.execute(
        "INSERT INTO viewers (name, password_hash) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, disabled = false",
        &[&name, &password_hash],
    )
    .await?;
    tx.execute("DELETE FROM viewer_sessions WHERE viewer = $1", &[&name])
        .await?;
    tx.commit().await
}

pub async fn add_session(
    client: &Client,
    token_hash: &[u8],
    viewer: &str,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> PgResult<()> {
    client
        .execute(
            "INSERT INTO viewer_sessions (token_hash, viewer, last_seen, expires_at)
             VALUES ($1, $2, $3, $4)",
            &[&token_hash, &viewer, &now, &(now + lifetime)],
        )
        .await?;
    Ok(())
}

/// The viewer of a live session, which is seen now: a session idle for `idle` or past its end
/// is deleted instead (as are the branch's, a console left open ends).
pub async fn session_viewer(
    client: &Client,
    token_hash: &[u8],
    now: DateTime<Utc>,
    idle: Duration,
) -> PgResult<Option<String>> {
    client
        .execute(
            "DELETE FROM viewer_sessions WHERE expires_at <= $1 OR last_seen <= $2",
            &[&now, &(now - idle)],
        )
        .await?;
    let row = client
        .query_opt(
            "UPDATE viewer_sessions s SET last_seen = $2 FROM viewers v
             WHERE s.token_hash = $1 AND v.name = s.viewer AND NOT v.disabled
             RETURNING s.viewer",
            &[&token_hash, &now],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn end_session(client: &Client, token_hash: &[u8]) -> PgResult<()> {
    client
        .execute(
            "DELETE FROM viewer_sessions WHERE token_hash = $1",
            &[&token_hash],
        )
        .await?;
    Ok(())
}

pub async fn add_scrape_token(client: &Client, name: &str, token_hash: &[u8]) -> PgResult<()> {
    client
        .execute(
            "INSERT INTO scrape_tokens (token_hash, name) VALUES ($1, $2)",
            &[&token_hash, &name],
        )
        .await?;
    Ok(())
}

pub async fn scrape_token_known(client: &Client, token_hash: &[u8]) -> PgResult<bool> {
    Ok(client
        .query_opt(
            "SELECT 1 FROM scrape_tokens WHERE token_hash = $1",
            &[&token_hash],
        )
        .await?
        .is_some())
}

/// Records who read what (`what` names the view and period, never more).
pub async fn record_access(client: &Client, viewer: &str, what: &str) -> PgResult<()> {
    client
        .execute(
            "INSERT INTO viewer_access (viewer, what) VALUES ($1, $2)",
            &[&viewer, &what],
        )
        .await?;
    Ok(())
}
