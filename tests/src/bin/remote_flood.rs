//! Flood benchmark of joining from the phone (issue 16): a real counter-server process takes a
//! flood of `POST /join` forms while two kiosks issue tickets at a steady pace, and reports the
//! kiosks' issue latency (p50, p99, max) with and without the flood, the flood's outcomes by
//! refusal code, the places the database holds at the end, and the server's CPU.
//!
//! Usage (release build, as in production):
//!   cargo build --release -p counter-server && cargo build --release -p e2e --bin remote-flood
//!   target/release/remote-flood [--server-bin target/release/counter-server] [--seconds 20]
//!                               [--flood 32] [--addresses 200] [--kiosk-rate 10]
//!
//! Three phases, each on a fresh server and database (the day's caps start at zero):
//! - `none`: the kiosks alone;
//! - `one address`: `--flood` workers send join forms as fast as the server answers, all from
//!   127.0.0.2, each form with a fresh key and a fresh device cookie (the strongest flooder from
//!   one address: a new "device" every time);
//! - `many addresses`: the same from `--addresses` loopback addresses (127.0.1.1 …), each worker
//!   moving to the next address at every form (all of 127/8 is loopback on Linux, and the server
//!   takes the client address from the socket: no trusted proxy is configured).
//!
//! The kiosks connect from 127.0.0.1 and each issues `--kiosk-rate` tickets a second (paced, not
//! as fast as possible), so their latency is a visitor's wait at the kiosk, not a throughput.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use counter_server::auth::{DeviceScope, tokens};
use e2e::{Api, key};
use serde_json::json;

const USER_HZ: f64 = 100.0;
const SERVICES: [&str; 3] = ["new_request", "follow_up", "inquiry"];

fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn number(name: &str, default: usize) -> usize {
    arg(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn client_from(source: IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(source)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("http client")
}

struct RunningServer {
    child: Child,
    base: String,
    db: PathBuf,
    kiosks: Vec<String>,
    _dir: tempfile::TempDir,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_server(bin: &Path) -> RunningServer {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db_path = dir.path().join("counter.db");
    let db = counter_server::store::Database::plain(db_path.clone());
    let kiosks = (1..=2)
        .map(|k| {
            counter_server::provision::add_device(&db, &format!("kiosk {k}"), DeviceScope::Kiosk)
                .expect("kiosk device")
        })
        .collect();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    // The demo branch (its [remote] caps), open around the clock, reached at this address (the
    // join form's Origin check compares with it).
    let config = e2e::always_open_config(dir.path(), &base);
    let child = Command::new(bin)
        .args(["serve", "--config"])
        .arg(&config)
        .arg("--db")
        .arg(&db_path)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn counter-server");
    let http = reqwest::Client::new();
    let started = Instant::now();
    while !http
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    RunningServer {
        child,
        base,
        db: db_path,
        kiosks,
        _dir: dir,
    }
}

/// One kiosk issuing `rate` tickets a second until `stop`; the latency of each, in µs.
async fn kiosk(
    base: String,
    token: String,
    rate: usize,
    stop: Arc<AtomicBool>,
) -> (Vec<u64>, usize) {
    let api = Api::new(&base);
    let period = Duration::from_secs_f64(1.0 / rate as f64);
    let mut next = Instant::now();
    let (mut lat, mut errors) = (Vec::new(), 0);
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let body = json!({ "service": SERVICES[i % SERVICES.len()] });
        i += 1;
        let t = Instant::now();
        let r = api.issue(&token, &key(), &body).await;
        lat.push(t.elapsed().as_micros() as u64);
        if r.status.as_u16() != 201 {
            errors += 1;
        }
        next += period;
        tokio::time::sleep_until(next.into()).await;
    }
    (lat, errors)
}

/// One flooder sending join forms back to back from `sources` (the next one each time) until
/// `stop`; how each ended: `200 joined`, or the status and the page's refusal code.
async fn flooder(
    base: String,
    clients: Arc<Vec<reqwest::Client>>,
    first: usize,
    stop: Arc<AtomicBool>,
) -> BTreeMap<String, usize> {
    let mut outcomes = BTreeMap::new();
    let mut n = first;
    while !stop.load(Ordering::Relaxed) {
        let client = &clients[n % clients.len()];
        let service = SERVICES[n % SERVICES.len()];
        n += 1;
        let cookie = format!("awn_join={}", tokens::status_token());
        let r = client
            .post(format!("{base}/join"))
            .header("Origin", &base)
            .header("Cookie", cookie)
            .form(&[
                ("service", service),
                ("key", &tokens::status_token()),
                ("lang", "ar"),
            ])
            .send()
            .await;
        let outcome = match r {
            Ok(r) => {
                let status = r.status().as_u16();
                let html = r.text().await.unwrap_or_default();
                let code = html
                    .split_once("data-code=\"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map_or("joined", |(code, _)| code)
                    .to_string();
                format!("{status} {code}")
            }
            Err(e) => format!("error {}", e.without_url()),
        };
        *outcomes.entry(outcome).or_default() += 1;
    }
    outcomes
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

/// The remote places the database holds, per service, and from how many address hashes.
fn places(db: &Path) -> (BTreeMap<String, i64>, i64, i64) {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database read-only");
    let mut per_service = BTreeMap::new();
    let mut stmt = conn
        .prepare(
            "SELECT t.service, count(*) FROM remote_places r JOIN tickets t ON t.id = r.ticket_id
             GROUP BY t.service",
        )
        .expect("places per service");
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .expect("places")
    {
        let (s, n) = row.expect("row");
        per_service.insert(s, n);
    }
    let (addresses, most): (i64, i64) = conn
        .query_row(
            "SELECT count(*), coalesce(max(n), 0) FROM
               (SELECT count(*) AS n FROM remote_places GROUP BY address_hash)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("places per address");
    (per_service, addresses, most)
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
    let seconds = number("--seconds", 20);
    let flood = number("--flood", 32);
    let addresses = number("--addresses", 200).clamp(1, 250 * 250);
    let rate = number("--kiosk-rate", 10);
    let caps = counter_server::config::Config::demo().remote;
    println!(
        "remote-join flood: {seconds} s per phase, {flood} flood workers, 2 kiosks at {rate} tickets/s each, \
         caps {} per service a day, {} per address, {} per device, {} forms per address a minute",
        caps.daily_cap_per_service,
        caps.per_address_per_day,
        caps.per_device_per_day,
        counter_server::limits::JOINS_PER_ADDRESS_PER_MINUTE,
    );
    let phases: [(&str, Vec<IpAddr>); 3] = [
        ("none", vec![]),
        ("one address", vec!["127.0.0.2".parse().unwrap()]),
        (
            "many addresses",
            (0..addresses)
                .map(|i| {
                    format!("127.0.{}.{}", 1 + i / 250, 1 + i % 250)
                        .parse()
                        .unwrap()
                })
                .collect(),
        ),
    ];
    for (name, sources) in phases {
        let server = start_server(&bin).await;
        let pid = server.child.id();
        let stop = Arc::new(AtomicBool::new(false));
        let cpu_before = cpu_ticks(pid);
        let started = Instant::now();
        let mut kiosks = tokio::task::JoinSet::new();
        for token in &server.kiosks {
            kiosks.spawn(kiosk(
                server.base.clone(),
                token.clone(),
                rate,
                stop.clone(),
            ));
        }
        let clients = Arc::new(sources.iter().map(|s| client_from(*s)).collect::<Vec<_>>());
        let mut flooders = tokio::task::JoinSet::new();
        if !clients.is_empty() {
            for w in 0..flood {
                flooders.spawn(flooder(
                    server.base.clone(),
                    clients.clone(),
                    w,
                    stop.clone(),
                ));
            }
        }
        tokio::time::sleep(Duration::from_secs(seconds as u64)).await;
        stop.store(true, Ordering::Relaxed);
        let (mut lat, mut errors) = (Vec::new(), 0);
        while let Some(r) = kiosks.join_next().await {
            let (l, e) = r.expect("kiosk");
            lat.extend(l);
            errors += e;
        }
        let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
        while let Some(r) = flooders.join_next().await {
            for (k, n) in r.expect("flooder") {
                *outcomes.entry(k).or_default() += n;
            }
        }
        let elapsed = started.elapsed().as_secs_f64();
        let cpu = (cpu_ticks(pid) - cpu_before) as f64 / USER_HZ;
        lat.sort_unstable();
        let forms: usize = outcomes.values().sum();
        println!(
            "\n== flood from {name} ({} source addresses)",
            sources.len()
        );
        println!(
            "kiosk issue: {} tickets, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {errors} errors",
            lat.len(),
            percentile(&lat, 0.5),
            percentile(&lat, 0.99),
            percentile(&lat, 1.0),
        );
        println!(
            "join forms: {forms} in {elapsed:.1} s ({:.0}/s); server CPU {:.0}% of one core",
            forms as f64 / elapsed,
            cpu / elapsed * 100.0
        );
        for (outcome, n) in &outcomes {
            println!("  {outcome}: {n}");
        }
        let (per_service, hashes, most) = places(&server.db);
        println!(
            "remote places held: {per_service:?}, from {hashes} addresses, at most {most} from one"
        );
        let joined = outcomes.get("200 joined").copied().unwrap_or(0) as i64;
        let held: i64 = per_service.values().sum();
        assert_eq!(
            joined, held,
            "every accepted form is one place, and only those"
        );
        assert!(
            per_service
                .values()
                .all(|n| *n <= i64::from(caps.daily_cap_per_service)),
            "the daily cap per service holds"
        );
        assert!(
            most <= i64::from(caps.per_address_per_day),
            "the cap per address holds"
        );
        assert_eq!(errors, 0, "every kiosk ticket was issued");
    }
}
