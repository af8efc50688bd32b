//! Metrics benchmark: one year of history (≈ 100,000 visits, ≈ 56,000 ratings) in a real server's
//! database, then the time of the metrics summary (API), the metrics page (HTML + SVG) and the CSV
//! export over the whole year, each measured over real HTTP on loopback. Run in release:
//!
//! ```text
//! cargo run --release -p e2e --bin metrics_bench [-- VISITS_PER_DAY ROUNDS]
//! ```

use std::time::{Duration, Instant};

use chrono::Utc;
use counter_server::domain::numbering::service_day;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer};

/// The goal from issue 7: the page and the export over a year in at most 200 ms.
const BUDGET: Duration = Duration::from_millis(200);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let per_day: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(274);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let server = TestServer::start();
    for name in ["amal", "noura", "huda"] {
        server.add_staff(name, Role::Reception, Gender::Female);
    }
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let mut conn = rusqlite::Connection::open(&server.db_path).expect("open");
    conn.busy_timeout(Duration::from_secs(5))
        .expect("busy timeout");
    let today = service_day(Utc::now());
    let last = today - chrono::Duration::days(1);
    let from = last - chrono::Duration::days(364);
    let seeding = Instant::now();
    let seeded = e2e::seed::history(&mut conn, last, 365, per_day, [2, 3, 4], 2026);
    println!(
        "seeded {} visits and {} ratings over 365 days in {:.1} s",
        seeded.visits,
        seeded.ratings,
        seeding.elapsed().as_secs_f64()
    );
    // The raw statements alone (rows stepped, nothing built).
    for (what, sql) in [
        (
            "tickets scan",
            "SELECT id, service, service_day, desk, state, outcome, issued_at, called_at, started_at, finished_at FROM tickets WHERE id BETWEEN 1 AND 1000000000 AND +service_day BETWEEN ?1 AND ?2",
        ),
        (
            "ratings by day",
            "SELECT r.id, r.ticket_id, r.staff_id, r.score, r.reasons, r.comment FROM ratings r WHERE r.service_day BETWEEN ?1 AND ?2",
        ),
    ] {
        let t = Instant::now();
        let mut st = conn.prepare(sql).expect("prepare");
        let mut rows = st
            .query(rusqlite::params![from.to_string(), last.to_string()])
            .expect("query");
        let mut n = 0;
        while let Some(_r) = rows.next().expect("row") {
            n += 1;
        }
        println!(
            "sql {what}: {n} rows in {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
    // In process: loading the rows, computing the summary, writing the CSV.
    for _ in 0..3 {
        let t = Instant::now();
        let rows = counter_server::store::metrics::load(&conn, from, last).expect("load");
        let loaded = t.elapsed();
        let input = counter_server::metrics::Input {
            from,
            to: last,
            today,
            target_wait_s: 900,
            visits: &rows.visits,
            ratings: &rows.ratings,
            committee_dates: &rows.committee_dates,
            staff_names: &rows.staff_names,
        };
        let t = Instant::now();
        let summary = counter_server::metrics::summary(&input);
        let computed = t.elapsed();
        let t = Instant::now();
        let csv = counter_server::metrics::to_csv(&summary);
        println!(
            "in process: load rows {:.1} ms, summary {:.1} ms, CSV {:.1} ms ({} bytes)",
            loaded.as_secs_f64() * 1000.0,
            computed.as_secs_f64() * 1000.0,
            t.elapsed().as_secs_f64() * 1000.0,
            csv.len()
        );
    }
    let api = Api::new(&server.base_url);
    let sup = api.login("sup").await;
    let q = format!("from={from}&to={last}");
    for (what, path) in [
        ("summary (JSON)", format!("/api/v1/metrics/summary?{q}")),
        ("metrics page (HTML+SVG)", format!("/console/metrics?{q}")),
        ("CSV export", format!("/api/v1/metrics/export.csv?{q}")),
    ] {
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let r = api.get(&path, Some(&sup)).await;
            times.push(t.elapsed());
            assert_eq!(r.status, reqwest::StatusCode::OK, "{path}: {}", r.text);
            bytes = r.text.len();
        }
        times.sort();
        let median = times[times.len() / 2];
        let max = *times.last().expect("rounds");
        println!(
            "{what:<26} median {:>6.1} ms  max {:>6.1} ms  ({bytes} bytes)  {}",
            median.as_secs_f64() * 1000.0,
            max.as_secs_f64() * 1000.0,
            if max <= BUDGET {
                "within 200 ms"
            } else {
                "OVER 200 ms"
            }
        );
    }
}
