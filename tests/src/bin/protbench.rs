//! Data-protection benchmark: the cost of a durable commit encrypted (SQLCipher) against plain,
//! and the time of a backup and of the retention purge over one year of history (100,000 visits).
//!
//!   cargo build --release -p e2e --bin protbench && target/release/protbench [--visits 100000]

use std::time::Instant;

use chrono::{Duration, TimeZone, Utc};
use counter_server::store::key::DbKey;
use counter_server::store::{Database, backup, migrate, open, retention, sync_config, time_str};

const COMMITS: usize = 2000;

fn fresh(dir: &std::path::Path, name: &str, key: Option<DbKey>) -> Database {
    let db = Database {
        path: dir.join(name),
        key,
    };
    let mut conn = open(&db, false).unwrap();
    migrate(&mut conn).unwrap();
    sync_config(&mut conn, &counter_server::config::Config::demo()).unwrap();
    db
}

/// Mean microseconds per single-ticket transaction (BEGIN IMMEDIATE … COMMIT, synchronous=FULL).
fn commit_cost(db: &Database) -> f64 {
    let conn = open(db, false).unwrap();
    let started = Instant::now();
    for i in 0..COMMITS {
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        conn.execute(
            "INSERT INTO tickets (service, service_day, number, label, priority, state, route, issued_at, status_token_hash)
             VALUES ('inquiry', '2026-11-25', ?1, 'C-001', 'normal', 'waiting', 'service', '2026-11-25T06:00:00Z', randomblob(32))",
            [i as i64 + 1],
        )
        .unwrap();
        conn.execute_batch("COMMIT").unwrap();
    }
    started.elapsed().as_secs_f64() * 1e6 / COMMITS as f64
}

/// One year of visits: a ticket, its history and (for half of them) an intake, all closed.
fn year_of_history(db: &Database, visits: usize) {
    let mut conn = open(db, false).unwrap();
    let tx = conn.transaction().unwrap();
    let start = Utc.with_ymd_and_hms(2025, 11, 25, 6, 0, 0).unwrap();
    let per_day = visits.div_ceil(365);
    for i in 0..visits {
        let day = (i / per_day) as i64;
        let at = start + Duration::days(day) + Duration::minutes((i % per_day) as i64 * 2);
        let service_day = (at + Duration::hours(3)).date_naive().to_string();
        let id = i as i64 + 1;
        tx.execute(
            "INSERT INTO tickets (id, service, service_day, number, label, priority, state, route, desk, issued_at, called_at,
                                  started_at, finished_at, outcome, status_token_hash)
             VALUES (?1, 'inquiry', ?2, ?3, 'C-001', 'normal', 'done', 'service', 1, ?4, ?4, ?4, ?4, 'information_given', randomblob(32))",
            rusqlite::params![id, service_day, (i % per_day) as i64 + 1, time_str(at)],
        )
        .unwrap();
        for action in ["issue", "call", "start", "finish"] {
            tx.execute(
                "INSERT INTO ticket_events (ticket_id, action, desk, at) VALUES (?1, ?2, 1, ?3)",
                rusqlite::params![id, action, time_str(at)],
            )
            .unwrap();
        }
        if i % 2 == 0 {
            tx.execute(
                "INSERT INTO consents (ticket_id, notice_version, notice_text_ar, notice_text_en, given_at) VALUES (?1, 'v1', 'نص', 'text', ?2)",
                rusqlite::params![id, time_str(at)],
            )
            .unwrap();
            let consent = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO intakes (ticket_id, consent_id, name, national_id, mobile, wheelchair, hearing, companion, feels_unsafe)
                 VALUES (?1, ?2, 'اسم الزائر للاختبار', '1234567897', '+966512345678', 0, 0, 0, 0)",
                rusqlite::params![id, consent],
            )
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let visits: usize = args
        .iter()
        .position(|a| a == "--visits")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = std::env::temp_dir().join(format!(
        "awn-protbench-{}",
        counter_server::auth::tokens::random_token(6)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let key = DbKey::generate();

    let plain = commit_cost(&fresh(&dir, "plain.db", None));
    let encrypted = commit_cost(&fresh(&dir, "enc.db", Some(key.clone())));
    println!(
        "durable commit, one ticket: plain {plain:.0} µs, encrypted {encrypted:.0} µs ({:+.0} %)",
        (encrypted / plain - 1.0) * 100.0
    );

    let db = fresh(&dir, "year.db", Some(key));
    let t = Instant::now();
    year_of_history(&db, visits);
    let size = std::fs::metadata(&db.path).map(|m| m.len()).unwrap_or(0);
    println!(
        "{visits} visits written in {:.1} s ({:.1} MiB, encrypted)",
        t.elapsed().as_secs_f64(),
        size as f64 / 1048576.0
    );

    let t = Instant::now();
    let file = backup::backup(&db, &dir.join("backups"), 3, Utc::now()).unwrap();
    println!(
        "backup: {:.2} s ({})",
        t.elapsed().as_secs_f64(),
        file.display()
    );

    // Everything older than 180 days goes: about half the year.
    let mut conn = open(&db, false).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 6, 0, 0).unwrap();
    let t = Instant::now();
    let report = retention::purge(&mut conn, &retention::RetentionPolicy::default(), now).unwrap();
    println!(
        "purge: {:.2} s ({} visits, {} intakes destroyed)",
        t.elapsed().as_secs_f64(),
        report.visits,
        report.intakes
    );
    let t = Instant::now();
    let again = retention::purge(&mut conn, &retention::RetentionPolicy::default(), now).unwrap();
    println!(
        "purge again (nothing to do): {:.2} s ({} visits)",
        t.elapsed().as_secs_f64(),
        again.visits
    );
    let _ = std::fs::remove_dir_all(&dir);
}
