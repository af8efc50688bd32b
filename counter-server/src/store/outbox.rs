//! The roll-up outbox: de-identified facts (`domain::rollup`) appended in the transaction of the
//! change they describe, numbered by `seq`, for a shipper to send to head office in `seq` order.
//!
//! Bounded: at most `MAX_ROWS` unshipped facts. When a new fact would pass it, the oldest are
//! deleted and counted in `outbox_state.dropped` (head office sees the gap in `seq`): the queue's
//! write never waits for, or fails because of, a shipper that is away.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::{Context, StoreError, time_str};
use crate::domain::rollup::Fact;

/// Unshipped facts kept at most: a busy branch (1,000 visits, about 6,000 facts a day) holds
/// more than 80 days of them, some 100 MB.
pub const MAX_ROWS: i64 = 500_000;

/// Appends facts in order, within the caller's transaction.
pub fn append(conn: &Connection, facts: &[Fact]) -> Result<(), StoreError> {
    append_bounded(conn, facts, MAX_ROWS)
}

fn append_bounded(conn: &Connection, facts: &[Fact], max_rows: i64) -> Result<(), StoreError> {
    for f in facts {
        conn.prepare_cached("INSERT INTO outbox (at, kind, fact) VALUES (?1, ?2, ?3)")
            .ctx("prepare outbox insert")?
            .execute(params![time_str(f.at), f.kind.as_str(), f.to_json()])
            .ctx("outbox insert")?;
        let seq = conn.last_insert_rowid();
        // Rows leave only from the front (shipped or dropped), so the kept ones are contiguous.
        let dropped = conn
            .prepare_cached("DELETE FROM outbox WHERE seq <= ?1")
            .ctx("prepare outbox bound")?
            .execute([seq - max_rows])
            .ctx("outbox bound")?;
        if dropped > 0 {
            conn.prepare_cached("UPDATE outbox_state SET dropped = dropped + ?1 WHERE id = 1")
                .ctx("prepare outbox dropped")?
                .execute([dropped as i64])
                .ctx("outbox dropped")?;
        }
    }
    Ok(())
}

/// Binds the database to its branch at start-up: the first start records `[branch] id`, a later
/// one with another id is refused (head office keys every fact by (branch, seq), so a renamed
/// branch would ship its sequence again under a new name, or collide with another branch's).
pub fn bind_branch(conn: &Connection, id: &str) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox_state SET branch = ?1 WHERE id = 1 AND branch IS NULL",
        [id],
    )
    .ctx("outbox bind branch")?;
    let stored = branch(conn)?;
    if stored != id {
        return Err(StoreError::OtherBranch {
            stored,
            configured: id.to_string(),
        });
    }
    Ok(())
}

/// The branch this database is bound to (`bind_branch` ran at start-up).
pub fn branch(conn: &Connection) -> Result<String, StoreError> {
    conn.prepare_cached("SELECT branch FROM outbox_state WHERE id = 1")
        .ctx("prepare outbox branch")?
        .query_row([], |r| r.get(0))
        .ctx("outbox branch")
}

/// One stored fact, as a shipper sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub seq: i64,
    pub at: String,
    pub kind: String,
    /// The JSON object (`domain::rollup` documents its keys).
    pub fact: String,
}

/// The next batch to ship: the oldest `limit` facts after `shipped_up_to`, in `seq` order.
pub fn batch(conn: &Connection, limit: usize) -> Result<Vec<Row>, StoreError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, kind, fact FROM outbox
             WHERE seq > (SELECT shipped_up_to FROM outbox_state WHERE id = 1)
             ORDER BY seq LIMIT ?1",
        )
        .ctx("prepare outbox batch")?;
    let rows = stmt
        .query_map([limit as i64], |r| {
            Ok(Row {
                seq: r.get(0)?,
                at: r.get(1)?,
                kind: r.get(2)?,
                fact: r.get(3)?,
            })
        })
        .ctx("outbox batch")?;
    rows.collect::<Result<_, _>>().ctx("outbox row")
}

/// Head office has kept every fact up to `seq`: they are deleted and the marker moves (never back).
pub fn mark_shipped(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE outbox_state SET shipped_up_to = max(shipped_up_to, ?1) WHERE id = 1",
        [seq],
    )
    .ctx("outbox shipped marker")?;
    conn.execute("DELETE FROM outbox WHERE seq <= ?1", [seq])
        .ctx("outbox delete shipped")?;
    Ok(())
}

/// The outbox's state for `/metrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// Facts waiting to be shipped.
    pub backlog: i64,
    /// Facts dropped by the bound before they were shipped, since the outbox began.
    pub dropped: i64,
    /// When the oldest waiting fact happened, if any.
    pub oldest: Option<DateTime<Utc>>,
}

pub fn state(conn: &Connection) -> Result<State, StoreError> {
    // MIN and MAX of the primary key are index look-ups, not a count of the rows.
    let (first, last, dropped): (Option<i64>, Option<i64>, i64) = conn
        .prepare_cached(
            "SELECT (SELECT min(seq) FROM outbox), (SELECT max(seq) FROM outbox), dropped
             FROM outbox_state WHERE id = 1",
        )
        .ctx("prepare outbox state")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .ctx("outbox state")?;
    let oldest: Option<String> = match first {
        Some(seq) => conn
            .prepare_cached("SELECT at FROM outbox WHERE seq = ?1")
            .ctx("prepare outbox oldest")?
            .query_row([seq], |r| r.get(0))
            .ctx("outbox oldest")?,
        None => None,
    };
    Ok(State {
        backlog: match (first, last) {
            (Some(a), Some(b)) => b - a + 1,
            _ => 0,
        },
        dropped,
        oldest: oldest.and_then(|s| DateTime::parse_from_rfc3339(&s).ok().map(|t| t.to_utc())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollup;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrate(&mut conn).unwrap();
        conn
    }

    fn fact(ticket: i64) -> Fact {
        rollup::rated(ticket, 5, &[], "2026-12-03T06:00:00Z".parse().unwrap())
    }

    #[test]
    fn facts_are_numbered_in_order_and_shipped_ones_leave_without_reusing_numbers() {
        let conn = db();
        append(&conn, &[fact(1), fact(2), fact(3)]).unwrap();
        let rows = batch(&conn, 2).unwrap();
        assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(rows[0].kind, "rated");
        assert_eq!(rows[0].fact, r#"{"ticket":1,"score":5,"reason_codes":[]}"#);
        mark_shipped(&conn, 2).unwrap();
        assert_eq!(state(&conn).unwrap().backlog, 1);
        mark_shipped(&conn, 3).unwrap();
        mark_shipped(&conn, 1).unwrap();
        assert_eq!(
            state(&conn).unwrap(),
            State::default(),
            "the marker never goes back"
        );
        append(&conn, &[fact(4)]).unwrap();
        let rows = batch(&conn, 10).unwrap();
        assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), [4]);
    }

    #[test]
    fn a_full_outbox_drops_its_oldest_facts_counts_them_and_keeps_writing() {
        let conn = db();
        for t in 1..=5 {
            append_bounded(&conn, &[fact(t)], 3).unwrap();
        }
        let rows = batch(&conn, 10).unwrap();
        assert_eq!(rows.iter().map(|r| r.seq).collect::<Vec<_>>(), [3, 4, 5]);
        let s = state(&conn).unwrap();
        assert_eq!((s.backlog, s.dropped), (3, 2));
        assert_eq!(s.oldest, Some("2026-12-03T06:00:00Z".parse().unwrap()));
    }

    #[test]
    fn a_database_keeps_the_branch_it_started_with() {
        let conn = db();
        bind_branch(&conn, "riyadh-1").unwrap();
        bind_branch(&conn, "riyadh-1").unwrap();
        let err = bind_branch(&conn, "jeddah-1").unwrap_err();
        assert!(
            err.to_string().contains("\"riyadh-1\"") && err.to_string().contains("\"jeddah-1\""),
            "{err}"
        );
    }

    /// A fact is written in the job's own savepoint: a job refused after persisting its change
    /// leaves no fact, and the next fact takes the next number.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_job_refused_after_its_change_leaves_no_fact() {
        use std::sync::Arc;

        use crate::config::{Config, LiveConfig};
        use crate::domain::{IssueRequest, Priority, QueueError};
        use crate::store::engine::{Engine, EngineError};
        use crate::store::writes::{Issuer, persist_change};

        let dir = tempfile::tempdir().unwrap();
        let db = crate::store::Database::plain(dir.path().join("counter.db"));
        let live = Arc::new(LiveConfig::new(Arc::new(Config::demo())));
        let clock = Arc::new(crate::clock::ManualClock::new(
            "2026-12-01T06:00:00Z".parse().unwrap(),
        ));
        let (engine, _thread) = Engine::start(&db, live, clock).unwrap();
        let issue = |refuse: bool| {
            engine.write(move |ctx| -> Result<(), EngineError> {
                let request = IssueRequest {
                    service: "inquiry".into(),
                    priority: Priority::Normal,
                    gender_preference: None,
                    channel: crate::domain::Channel::Reception,
                    slot: None,
                };
                let change = ctx.queue.plan_issue(&request, ctx.now)?;
                let label = ctx.queue.label_of(&change.issued[0]);
                persist_change(ctx.tx, &change, &[(label, [0; 32], Issuer::Reception(1))])?;
                if refuse {
                    return Err(QueueError::UnknownService("after the change".into()).into());
                }
                ctx.queue.apply(&change);
                Ok(())
            })
        };
        assert!(issue(true).await.is_err());
        issue(false).await.unwrap();
        let conn = crate::store::open(&db, true).unwrap();
        let rows = batch(&conn, 10).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0].seq, rows[0].kind.as_str()), (1, "issued"));
        assert!(rows[0].fact.contains(r#""channel":"reception""#));
        drop(engine);
        drop(_thread);

        // The same file started as another branch is refused, before anything is written.
        let mut other = Config::demo();
        other.branch.id = "jeddah-1".into();
        let clock = Arc::new(crate::clock::SystemClock);
        let refused = Engine::start(&db, Arc::new(LiveConfig::new(Arc::new(other))), clock);
        assert!(matches!(
            refused,
            Err(crate::store::StoreError::OtherBranch { .. })
        ));
    }
}
