//! SSE fan-out benchmark: with N event clients connected (default 500, waiting-room displays on
//! `/api/v1/events`), how long from a desk's "call next" until every client has the call, and how
//! much memory the server holds. Runs the real server binary (`test-counter-server`, next to this
//! one) so its RSS is its own.
//!
//! Usage: sse-fanout [CLIENTS] [CALLS]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use counter_server::auth::DeviceScope;
use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::{Api, TEST_PASSWORD, key};
use futures_util::StreamExt;
use serde_json::json;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let clients: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(500);
    let calls: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(40);
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = dir.path().join("counter.db");
    let kiosk = provision::add_device(
        &counter_server::store::Database::plain(&db),
        "kiosk",
        DeviceScope::Kiosk,
    )
    .expect("kiosk");
    let display = provision::add_device(
        &counter_server::store::Database::plain(&db),
        "tv",
        DeviceScope::Display,
    )
    .expect("display");
    provision::add_staff(
        &counter_server::store::Database::plain(&db),
        "amal",
        "amal",
        Role::Reception,
        Gender::Female,
        TEST_PASSWORD,
    )
    .expect("staff");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let bin: PathBuf = std::env::current_exe()
        .expect("this binary")
        .with_file_name("test-counter-server");
    // The demo branch open around the clock: the benchmark runs at any hour.
    let config = e2e::always_open_config(
        db.parent().expect("the database's folder"),
        &format!("http://127.0.0.1:{port}"),
    );
    let mut server = Command::new(&bin)
        .args(["serve", "--config"])
        .arg(config)
        .arg("--db")
        .arg(&db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let base = format!("http://127.0.0.1:{port}");
    let api = Api::new(&base);
    while api
        .http
        .get(format!("{base}/api/v1/health"))
        .send()
        .await
        .is_err()
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_idle = rss_kib(server.id());

    // The clients: each reports (call label, arrival time) for every `called` event.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, Instant)>();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    // Spread over loopback addresses: one address may hold only `connections.per_address`.
    let http: Vec<_> = (1..=8u8)
        .map(|n| {
            reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .local_address(std::net::IpAddr::from([127, 0, 2, n]))
                .build()
                .expect("client")
        })
        .collect();
    for i in 0..clients {
        let (http, url, token, tx, ready) = (
            http[i % http.len()].clone(),
            format!("{base}/api/v1/events"),
            display.clone(),
            tx.clone(),
            ready_tx.clone(),
        );
        tokio::spawn(async move {
            let res = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("stream");
            let mut body = res.bytes_stream();
            let mut buf = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                let now = Instant::now();
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    if block.contains("event: hello") || block.contains("event:hello") {
                        let _ = ready.send(());
                    } else if block.contains("\"called\"") {
                        let v: serde_json::Value = block
                            .lines()
                            .find_map(|l| l.strip_prefix("data:"))
                            .and_then(|d| serde_json::from_str(d.trim()).ok())
                            .unwrap_or_default();
                        let _ = tx.send((v["label"].as_str().unwrap_or("").into(), now));
                    }
                }
            }
        });
    }
    for _ in 0..clients {
        ready_rx.recv().await.expect("client connected");
    }
    let rss_connected = rss_kib(server.id());

    for _ in 0..calls {
        api.issue(&kiosk, &key(), &json!({ "service": "inquiry" }))
            .await;
    }
    let staff = api.login("amal").await;
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    let mut from_click = Vec::new();
    let mut from_reply = Vec::new();
    let started = Instant::now();
    for _ in 0..calls {
        let t0 = Instant::now();
        let r = api.post("/api/v1/desks/1/call-next", &staff, None).await;
        let t_reply = Instant::now();
        let label = r.json["label"].as_str().expect("called").to_string();
        let mut got = 0;
        while got < clients {
            let (l, at) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .expect("every client gets the call")
                .expect("open");
            if l == label {
                got += 1;
                from_click.push(at.duration_since(t0).as_secs_f64() * 1000.0);
                from_reply.push(at.saturating_duration_since(t_reply).as_secs_f64() * 1000.0);
            }
        }
        let id = r.json["id"].as_i64().unwrap();
        api.post(&format!("/api/v1/tickets/{id}/no-show"), &staff, None)
            .await;
    }
    let elapsed = started.elapsed();
    let rss_after = rss_kib(server.id());
    from_click.sort_by(f64::total_cmp);
    from_reply.sort_by(f64::total_cmp);
    println!(
        "SSE fan-out: {clients} clients, {calls} calls, {} deliveries in {:.1} s",
        from_click.len(),
        elapsed.as_secs_f64()
    );
    println!(
        "  call-next request sent -> delivered: p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
        percentile(&from_click, 0.5),
        percentile(&from_click, 0.99),
        from_click.last().unwrap()
    );
    println!(
        "  call-next reply received -> delivered: p50 {:.1} ms  p99 {:.1} ms",
        percentile(&from_reply, 0.5),
        percentile(&from_reply, 0.99)
    );
    println!(
        "  server RSS: {} MiB idle, {} MiB with {clients} clients, {} MiB after the calls",
        rss_idle / 1024,
        rss_connected / 1024,
        rss_after / 1024
    );
    let target = 50.0;
    let p99 = percentile(&from_click, 0.99);
    println!(
        "  target p99 <= {target} ms: {}",
        if p99 <= target { "met" } else { "NOT met" }
    );
    let _ = server.kill();
    let _ = server.wait();
}
