//! Load generator: drives a real counter-server process over HTTP and reports throughput,
//! latency, server CPU per operation, peak RSS and start-up time.
//!
//! Usage (release build, durable commits as in production):
//!   cargo build --release -p counter-server && cargo build --release -p e2e --bin loadgen
//!   (one command with both `-p` and `--bin loadgen` builds only loadgen)
//!   target/release/loadgen [--server-bin target/release/counter-server] [--requests 6000]
//!                          [--day N] [--concurrency 1,8,32] [--rollup]
//!
//! For each concurrency (1, 8, 32) it starts a fresh server on a fresh database with enough desks,
//! times the first 200 on /api/v1/health after spawn, then runs two phases:
//! - issue: `POST /api/v1/tickets` from `c` workers, each a kiosk with its own keys;
//! - call-next: `c` desks, each looping `call-next` then `no-show` (the desk must be freed before
//!   it can call again). Throughput counts call-next operations; their latency is measured alone.
//!
//! `--day N` first writes N tickets already waiting in today's lines (`e2e::seed::waiting_day`),
//! so both phases run against a day of N tickets or more; call-next then stops after `--requests`
//! calls instead of draining the day. Without it, call-next drains what the issue phase issued.
//!
//! `--rollup` starts a PostgreSQL for head office (`e2e::postgres::TestPostgres`) and gives the
//! server a `[rollup]` section, so it ships its outbox while under load. After both phases it
//! waits until head office has everything, and reports the server's whole CPU per ticket
//! (issue, call, no-show and shipping): run with and without it to see what shipping costs.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use counter_server::auth::DeviceScope;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TEST_PASSWORD, key};
use serde_json::json;

const USER_HZ: f64 = 100.0;

struct Phase {
    name: &'static str,
    concurrency: usize,
    ops: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
    cpu_seconds: f64,
    errors: usize,
}

impl Phase {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn config_toml(desks: usize, rollup: Option<&counter_server::head_office::PgTarget>) -> String {
    // Open around the clock: the load runs at any hour.
    let base = e2e::open_around_the_clock(counter_server::config::DEMO_TOML)
        .split("[[desks]]")
        .next()
        .expect("demo config")
        .to_string();
    let mut toml = base;
    for id in 1..=desks {
        toml.push_str(&format!(
            "[[desks]]\nid = {id}\nkind = \"beneficiary_relations\"\nservices = [\"new_request\", \"follow_up\", \"inquiry\", \"volunteering\"]\n\n"
        ));
    }
    if let Some(t) = rollup {
        toml.push_str(&format!(
            "[rollup]\nconninfo = {:?}\npassword_file = {:?}\nca_file = {:?}\n",
            t.conninfo,
            t.password_file
                .as_ref()
                .expect("the test PostgreSQL's password file"),
            t.ca_file.as_ref().expect("the test PostgreSQL's CA"),
        ));
    }
    toml
}

/// Facts the server has not shipped yet (`store::outbox::state`).
fn unshipped(db: &Path) -> i64 {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database read-only");
    counter_server::store::outbox::state(&conn)
        .expect("outbox state")
        .backlog
}

struct RunningServer {
    child: Child,
    api: Api,
    startup: Duration,
}

async fn start_server(
    bin: &Path,
    dir: &Path,
    desks: usize,
    rollup: Option<&counter_server::head_office::PgTarget>,
) -> RunningServer {
    let config = dir.join("branch.toml");
    std::fs::write(&config, config_toml(desks, rollup)).expect("write config");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let child = Command::new(bin)
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(dir.join("counter.db"))
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn counter-server");
    let api = Api::new(&format!("http://127.0.0.1:{port}"));
    loop {
        if let Ok(r) = api
            .http
            .get(format!("{}/api/v1/health", api.base))
            .send()
            .await
            && r.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    RunningServer {
        child,
        api,
        startup: started.elapsed(),
    }
}

async fn issue_phase(
    server: &RunningServer,
    kiosk: &str,
    concurrency: usize,
    total: usize,
) -> Phase {
    let pid = server.child.id();
    let per_worker = total / concurrency;
    let cpu_before = cpu_ticks(pid);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for w in 0..concurrency {
        let (api, kiosk) = (server.api.clone(), kiosk.to_string());
        workers.spawn(async move {
            let services = ["new_request", "follow_up", "inquiry", "volunteering"];
            let mut lat = Vec::with_capacity(per_worker);
            let mut errors = 0;
            for i in 0..per_worker {
                let body = json!({ "service": services[(w + i) % services.len()] });
                let t = Instant::now();
                let r = api.issue(&kiosk, &key(), &body).await;
                lat.push(t.elapsed().as_micros() as u64);
                if r.status.as_u16() != 201 {
                    errors += 1;
                }
            }
            (lat, errors)
        });
    }
    collect("issue", concurrency, workers, started, cpu_before, pid).await
}

async fn call_phase(
    server: &RunningServer,
    staff: &[String],
    concurrency: usize,
    limit: Option<usize>,
) -> Phase {
    let pid = server.child.id();
    let cpu_before = cpu_ticks(pid);
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for (d, token) in staff.iter().enumerate().take(concurrency) {
        let (api, token) = (server.api.clone(), token.clone());
        workers.spawn(async move {
            let desk = d + 1;
            let mut lat = Vec::new();
            let mut errors = 0;
            while limit.is_none_or(|l| lat.len() < l / concurrency) {
                let t = Instant::now();
                let r = api
                    .post(&format!("/api/v1/desks/{desk}/call-next"), &token, None)
                    .await;
                let elapsed = t.elapsed().as_micros() as u64;
                match r.status.as_u16() {
                    200 => lat.push(elapsed),
                    404 => break,
                    _ => {
                        errors += 1;
                        continue;
                    }
                }
                let id = r.json["id"].as_i64().unwrap_or(0);
                let done = api
                    .post(&format!("/api/v1/tickets/{id}/no-show"), &token, None)
                    .await;
                if done.status.as_u16() != 200 {
                    errors += 1;
                }
            }
            (lat, errors)
        });
    }
    collect("call-next", concurrency, workers, started, cpu_before, pid).await
}

async fn collect(
    name: &'static str,
    concurrency: usize,
    mut workers: tokio::task::JoinSet<(Vec<u64>, usize)>,
    started: Instant,
    cpu_before: u64,
    pid: u32,
) -> Phase {
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    while let Some(r) = workers.join_next().await {
        let (lat, e) = r.expect("worker");
        latencies_us.extend(lat);
        errors += e;
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies_us.sort_unstable();
    let cpu_seconds = (cpu_ticks(pid) - cpu_before) as f64 / USER_HZ;
    Phase {
        name,
        concurrency,
        ops: latencies_us.len(),
        seconds,
        latencies_us,
        cpu_seconds,
        errors,
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bin = arg("--server-bin").map(PathBuf::from).unwrap_or_else(|| {
        std::env::current_exe()
            .expect("own path")
            .parent()
            .expect("target dir")
            .join("counter-server")
    });
    assert!(
        bin.exists(),
        "{} not found: build it with cargo build --release -p counter-server",
        bin.display()
    );
    let total: usize = arg("--requests")
        .and_then(|v| v.parse().ok())
        .unwrap_or(6000);
    let day: usize = arg("--day").and_then(|v| v.parse().ok()).unwrap_or(0);
    let concurrencies: Vec<usize> = arg("--concurrency")
        .unwrap_or_else(|| "1,8,32".into())
        .split(',')
        .map(|c| {
            c.trim()
                .parse()
                .expect("--concurrency: numbers, e.g. 1,8,32")
        })
        .collect();
    let head_office = if std::env::args().any(|a| a == "--rollup") {
        let pg = e2e::postgres::TestPostgres::start();
        let mut client = pg.client().await;
        counter_server::head_office::schema::migrate(&mut client)
            .await
            .expect("head office schema");
        let target = pg.target();
        Some((pg, target))
    } else {
        None
    };
    let rollup = head_office.as_ref().map(|(_, t)| t);
    println!(
        "counter-server load: {} requests per phase, {} tickets already in the day, server {}{}",
        total,
        day,
        bin.display(),
        if rollup.is_some() {
            ", shipping to head office's PostgreSQL"
        } else {
            ""
        }
    );
    println!(
        "{:<10} {:>3} {:>8} {:>10} {:>9} {:>9} {:>12} {:>7}",
        "phase", "c", "ops", "ops/s", "p50 ms", "p99 ms", "cpu/op µs", "errors"
    );
    let mut rss = Vec::new();
    let mut startups = Vec::new();
    for concurrency in concurrencies {
        let dir = std::env::temp_dir().join(format!(
            "awn-load-{}",
            counter_server::auth::tokens::random_token(6)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let db = counter_server::store::Database::plain(dir.join("counter.db"));
        let kiosk =
            counter_server::provision::add_device(&db, "load kiosk", DeviceScope::Kiosk).unwrap();
        for d in 1..=concurrency {
            counter_server::provision::add_staff(
                &db,
                &format!("desk{d}"),
                "desk",
                Role::Reception,
                Gender::Female,
                TEST_PASSWORD,
            )
            .unwrap();
        }
        if day > 0 {
            let mut conn = counter_server::store::open(&db, false).expect("open db");
            let config = counter_server::config::Config::parse(&config_toml(concurrency, rollup))
                .expect("load configuration");
            counter_server::store::sync_config(&mut conn, &config).expect("services and desks");
            e2e::seed::waiting_day(&mut conn, chrono::Utc::now(), day);
        }
        let mut server = start_server(&bin, &dir, concurrency, rollup).await;
        let cpu_at_start = cpu_ticks(server.child.id());
        startups.push(server.startup);
        let mut staff = Vec::new();
        for d in 1..=concurrency {
            let token = server.api.login(&format!("desk{d}")).await;
            server
                .api
                .post(&format!("/api/v1/desks/{d}/sign-in"), &token, None)
                .await;
            staff.push(token);
        }
        let issue = issue_phase(&server, &kiosk, concurrency, total).await;
        let call = call_phase(&server, &staff, concurrency, (day > 0).then_some(total)).await;
        for p in [&issue, &call] {
            println!(
                "{:<10} {:>3} {:>8} {:>10.0} {:>9.2} {:>9.2} {:>12.0} {:>7}",
                p.name,
                p.concurrency,
                p.ops,
                p.ops as f64 / p.seconds,
                p.percentile(0.5),
                p.percentile(0.99),
                p.cpu_seconds * 1e6 / p.ops.max(1) as f64,
                p.errors
            );
        }
        if rollup.is_some() {
            let deadline = Instant::now() + Duration::from_secs(120);
            loop {
                let left = unshipped(&dir.join("counter.db"));
                if left == 0 {
                    break;
                }
                assert!(Instant::now() < deadline, "{left} facts not shipped");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        } else {
            // As long as the shipped run waits, so that idle ticks count alike.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let cpu = (cpu_ticks(server.child.id()) - cpu_at_start) as f64 / USER_HZ;
        println!(
            "c={concurrency}: server CPU for the whole run {:.0} µs per ticket ({} tickets, issue to no-show{})",
            cpu * 1e6 / issue.ops.max(1) as f64,
            issue.ops,
            if rollup.is_some() { ", shipped" } else { "" }
        );
        let wal = std::fs::metadata(dir.join("counter.db-wal"))
            .map(|m| m.len())
            .unwrap_or(0);
        rss.push((concurrency, peak_rss_kib(server.child.id()), wal));
        let _ = server.child.kill();
        let _ = server.child.wait();
        let _ = std::fs::remove_dir_all(&dir);
    }
    for (c, kib, wal) in rss {
        println!(
            "c={c}: server peak RSS {:.1} MiB, WAL at the end {:.1} MiB",
            kib as f64 / 1024.0,
            wal as f64 / 1048576.0
        );
    }
    let ms: Vec<String> = startups
        .iter()
        .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
        .collect();
    println!("spawn to first 200 on /api/v1/health: {} ms", ms.join(", "));
}
