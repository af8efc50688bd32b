//! Roll-up ingest benchmark (not a test): simulated branches each ship a year of facts at once
//! into a real PostgreSQL (`e2e::postgres::TestPostgres`, fsync on, TLS on loopback) through
//! `head_office::ingest`, in batches, one connection per branch. Prints facts per second.
//!
//! ```sh
//! cargo run --release -p e2e --bin rollup-bench            # 10 branches x 100,000 visits
//! AWN_BENCH_BRANCHES=4 AWN_BENCH_VISITS=20000 AWN_BENCH_BATCH=500 cargo run --release -p e2e --bin rollup-bench
//! ```
//!
//! Each visit is issued, called, started and finished (with wait, service time and outcome), and
//! one in three is rated: the shapes of `domain::rollup`, built with its own types.

use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use counter_server::domain::Channel;
use counter_server::domain::rollup::{self, Body, Fact, FactKind};
use counter_server::head_office::{ingest::ingest, schema};
use counter_server::store::outbox::Row;
use e2e::postgres::TestPostgres;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const SERVICES: [&str; 4] = ["new_request", "follow_up", "inquiry", "volunteering"];
/// Working days in the simulated year.
const DAYS: i64 = 250;

/// The facts of visit `n` of a branch with `visits` in the year.
fn visit_facts(n: usize, visits: usize) -> Vec<Fact> {
    let per_day = visits.div_ceil(DAYS as usize).max(1);
    let day = (n / per_day) as i64;
    let start: DateTime<Utc> = "2026-01-04T05:00:00Z".parse().expect("a date");
    let issued = start + Duration::days(day * 7 / 5) + Duration::seconds((n % per_day) as i64 * 60);
    let service_day: NaiveDate = (issued + Duration::hours(3)).date_naive();
    let service = SERVICES[n % SERVICES.len()];
    let desk = (n % 4) as u32 + 1;
    let wait = 60 + (n as i64 * 37) % 1800;
    let served = 120 + (n as i64 * 53) % 1500;
    let base = Body {
        ticket: Some(n as i64 + 1),
        service_day: Some(service_day),
        service: Some(service.into()),
        line: Some(service.into()),
        ..Body::default()
    };
    let fact = |kind, at, extra: Body| Fact {
        kind,
        at,
        body: Body {
            desk: extra.desk,
            channel: extra.channel,
            wait_seconds: extra.wait_seconds,
            service_seconds: extra.service_seconds,
            outcome: extra.outcome,
            ..base.clone()
        },
    };
    let called = issued + Duration::seconds(wait);
    let started = called + Duration::seconds(30);
    let finished = started + Duration::seconds(served);
    let mut facts = vec![
        fact(
            FactKind::Issued,
            issued,
            Body {
                channel: Some(if n.is_multiple_of(5) {
                    Channel::Reception
                } else {
                    Channel::Kiosk
                }),
                ..Body::default()
            },
        ),
        fact(
            FactKind::Called,
            called,
            Body {
                desk: Some(desk),
                wait_seconds: Some(wait),
                ..Body::default()
            },
        ),
        fact(
            FactKind::Started,
            started,
            Body {
                desk: Some(desk),
                ..Body::default()
            },
        ),
        fact(
            FactKind::Finished,
            finished,
            Body {
                desk: Some(desk),
                service_seconds: Some(served),
                outcome: Some("information_given"),
                ..Body::default()
            },
        ),
    ];
    if n.is_multiple_of(3) {
        let reasons = ["waiting_time".to_string()];
        let score = (n % 5) as u8 + 1;
        let at = finished + Duration::seconds(90);
        facts.push(rollup::rated(n as i64 + 1, score, &reasons[..n % 2], at));
    }
    facts
}

fn row(seq: i64, f: &Fact) -> Row {
    Row {
        seq,
        at: f.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        kind: f.kind.as_str().into(),
        fact: f.to_json(),
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let branches = env("AWN_BENCH_BRANCHES", 10);
    let visits = env("AWN_BENCH_VISITS", 100_000);
    let batch = env("AWN_BENCH_BATCH", 1000);
    let pg = TestPostgres::start();
    let mut client = pg.client().await;
    schema::migrate(&mut client).await.expect("migrate");
    println!(
        "{branches} branches x {visits} visits, batches of {batch}, PostgreSQL on loopback (TLS, fsync on)"
    );
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for b in 0..branches {
        let target = pg.target();
        tasks.spawn(async move {
            let branch = format!("bench-{}", b + 1);
            let mut client = counter_server::head_office::connect(&target)
                .await
                .expect("connect");
            let (mut seq, mut rows, mut sent) = (0i64, Vec::with_capacity(batch), 0usize);
            let mut send_time = std::time::Duration::ZERO;
            for n in 0..visits {
                for f in visit_facts(n, visits) {
                    seq += 1;
                    rows.push(row(seq, &f));
                    if rows.len() == batch {
                        let t = Instant::now();
                        ingest(&mut client, &branch, &rows, 0)
                            .await
                            .expect("ingest");
                        send_time += t.elapsed();
                        sent += rows.len();
                        rows.clear();
                    }
                }
            }
            if !rows.is_empty() {
                let t = Instant::now();
                ingest(&mut client, &branch, &rows, 0)
                    .await
                    .expect("ingest");
                send_time += t.elapsed();
                sent += rows.len();
            }
            (sent, send_time)
        });
    }
    let (mut facts, mut busy) = (0usize, std::time::Duration::ZERO);
    while let Some(done) = tasks.join_next().await {
        let (n, t) = done.expect("a branch task");
        facts += n;
        busy += t;
    }
    let elapsed = started.elapsed();
    let kept: i64 = client
        .query_one("SELECT count(*) FROM facts", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(kept as usize, facts, "every fact kept once");
    let size: String = client
        .query_one(
            "SELECT pg_size_pretty(pg_total_relation_size('facts'))",
            &[],
        )
        .await
        .expect("size")
        .get(0);
    println!(
        "{facts} facts ({} visits) in {:.1} s: {:.0} facts/s ({:.0} visits/s) overall; \
         {:.1} ms per batch of {batch} on average; facts table {size}",
        branches * visits,
        elapsed.as_secs_f64(),
        facts as f64 / elapsed.as_secs_f64(),
        (branches * visits) as f64 / elapsed.as_secs_f64(),
        busy.as_secs_f64() * 1000.0 / (facts as f64 / batch as f64),
    );

    // What a viewer waits for: the year's figures at every level, as the head-office page asks.
    client
        .batch_execute("VACUUM ANALYZE")
        .await
        .expect("analyze");
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"),
        NaiveDate::from_ymd_opt(2026, 12, 31).expect("a date"),
    );
    let mut times = Vec::new();
    let mut levels = 0;
    for _ in 0..5 {
        let t = Instant::now();
        levels = counter_server::head_office::read::figures(&client, from, to)
            .await
            .expect("figures")
            .len();
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "the year's figures ({levels} rows: association, months, branches, services and their crossings): \
         median {:.2} s of 5 (min {:.2}, max {:.2})",
        times[2], times[0], times[4]
    );
}
