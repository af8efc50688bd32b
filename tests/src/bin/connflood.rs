//! Connection-flood benchmark: against the real server binary (`test-counter-server`, next to this
//! one) on TLS with the demo `[connections]` defaults, hold IDLE keep-alive connections (one
//! request, then silence), SLOW connections that send header lines one every second and never
//! finish, and SILENT connections that complete the TLS handshake and send nothing, spread over
//! loopback addresses within the per-address bound. Meanwhile a staff client on its own address
//! reads the queue every 20 ms. Reports the staff request's latency, when each held connection
//! was closed (against the configured timeouts), and the server's peak RSS.
//!
//! Usage: connflood [IDLE] [SLOW] [SILENT]   (defaults 2000 500 500; raise `ulimit -n` first)

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use counter_server::config::ConnectionSettings;
use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::TEST_PASSWORD;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpSocket;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

/// Flood connections per loopback address: under the default bound of 256.
const PER_ADDRESS: usize = 200;

fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn connector(ca: &std::path::Path) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).expect("ca.crt") {
        roots.add(c.expect("certificate")).expect("root");
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn tls_from(
    tls: &TlsConnector,
    from: IpAddr,
    to: SocketAddr,
) -> std::io::Result<TlsStream<tokio::net::TcpStream>> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    let tcp = socket.connect(to).await?;
    tls.connect(ServerName::try_from("127.0.0.1").expect("name"), tcp)
        .await
}

/// One keep-alive request; returns the reply's body.
async fn request(io: &mut (impl AsyncRead + AsyncWrite + Unpin), head: &str) -> String {
    io.write_all(head.as_bytes()).await.expect("send");
    let mut reply = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        let text = String::from_utf8_lossy(&reply).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let len: usize = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            if reply.len() >= end + 4 + len {
                return text[end + 4..].to_string();
            }
        }
        let n = io.read(&mut buf).await.expect("reply");
        assert!(n > 0, "closed before the reply");
        reply.extend_from_slice(&buf[..n]);
    }
}

/// Waits until the server closes `io`; how long after `since` that was.
async fn closed(mut io: impl AsyncRead + Unpin, since: Instant) -> Duration {
    let mut buf = [0u8; 1024];
    loop {
        match io.read(&mut buf).await {
            Ok(0) | Err(_) => return since.elapsed(),
            Ok(_) => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Idle,
    Slow,
    Silent,
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (idle, slow, silent) = (
        args.first().copied().unwrap_or(2000),
        args.get(1).copied().unwrap_or(500),
        args.get(2).copied().unwrap_or(500),
    );
    let settings = ConnectionSettings::default();
    let dir = tempfile::tempdir().expect("temporary directory");
    let pki = dir.path().join("tls");
    counter_server::tls::make_branch_ca(&pki, &["127.0.0.1".to_string()], "bench").expect("CA");
    let db = dir.path().join("counter.db");
    provision::add_staff(
        &counter_server::store::Database::plain(&db),
        "amal",
        "amal",
        Role::Reception,
        Gender::Female,
        TEST_PASSWORD,
    )
    .expect("staff");
    let config = counter_server::config::DEMO_TOML.replace(
        "[hours]",
        &format!(
            "[tls]\ncert = {:?}\nkey = {:?}\n\n[hours]",
            pki.join("server.crt"),
            pki.join("server.key")
        ),
    );
    let config_path = dir.path().join("branch.toml");
    std::fs::write(&config_path, config).expect("config");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let bin: PathBuf = std::env::current_exe()
        .expect("this binary")
        .with_file_name("test-counter-server");
    let mut server = Command::new(&bin)
        .args(["serve", "--config"])
        .arg(&config_path)
        .arg("--db")
        .arg(&db)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("address");
    let tls = connector(&pki.join("ca.crt"));
    let staff_ip: IpAddr = "127.0.0.2".parse().expect("ip");
    let mut staff = loop {
        if let Ok(s) = tls_from(&tls, staff_ip, addr).await {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let body = format!(r#"{{"username":"amal","password":"{TEST_PASSWORD}"}}"#);
    let login = request(
        &mut staff,
        &format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    let token: String = serde_json::from_str::<serde_json::Value>(&login).expect("login")["token"]
        .as_str()
        .expect("token")
        .to_string();
    let queue =
        format!("GET /api/v1/queue HTTP/1.1\r\nHost: b\r\nAuthorization: Bearer {token}\r\n\r\n");
    let rss_before = status_kib(server.id(), "VmRSS:");

    // The flood: each task reports (kind, time from its phase start to the server's close).
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<(Kind, Option<Duration>)>();
    let kinds = std::iter::repeat_n(Kind::Idle, idle)
        .chain(std::iter::repeat_n(Kind::Slow, slow))
        .chain(std::iter::repeat_n(Kind::Silent, silent));
    let flood_started = Instant::now();
    let (opened_tx, mut opened_rx) = tokio::sync::mpsc::unbounded_channel::<bool>();
    for (i, kind) in kinds.enumerate() {
        let from = IpAddr::from([127, 0, 3, (1 + i / PER_ADDRESS) as u8]);
        let (tls, done, opened) = (tls.clone(), done_tx.clone(), opened_tx.clone());
        tokio::spawn(async move {
            let Ok(mut s) = tls_from(&tls, from, addr).await else {
                let _ = opened.send(false);
                let _ = done.send((kind, None));
                return;
            };
            let since = match kind {
                Kind::Idle => {
                    request(&mut s, "GET /api/v1/health HTTP/1.1\r\nHost: b\r\n\r\n").await;
                    Instant::now()
                }
                Kind::Slow => {
                    s.write_all(b"GET /api/v1/health HTTP/1.1\r\n").await.ok();
                    Instant::now()
                }
                Kind::Silent => Instant::now(),
            };
            let _ = opened.send(true);
            let (r, mut w) = tokio::io::split(s);
            let trickle = tokio::spawn(async move {
                if kind == Kind::Slow {
                    for n in 0.. {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        if w.write_all(format!("X-{n}: a\r\n").as_bytes())
                            .await
                            .is_err()
                        {
                            return w;
                        }
                    }
                }
                w
            });
            let took = closed(r, since).await;
            trickle.abort();
            let _ = done.send((kind, Some(took)));
        });
        // Pace the handshakes a little so the staff client measures holding, not connecting.
        if i % 100 == 99 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop((done_tx, opened_tx));
    let total = idle + slow + silent;
    let mut opened_ok = 0;
    for _ in 0..total {
        if opened_rx.recv().await == Some(true) {
            opened_ok += 1;
        }
    }
    let all_open = flood_started.elapsed();
    let rss_held = status_kib(server.id(), "VmRSS:");

    // Staff requests while the flood is held, until every held connection has been closed.
    let mut latencies = Vec::new();
    let mut closes: Vec<(Kind, Option<Duration>)> = Vec::new();
    let deadline = Instant::now()
        + Duration::from_secs(
            settings.idle_timeout_seconds + settings.header_read_timeout_seconds + 30,
        );
    while closes.len() < total && Instant::now() < deadline {
        let t = Instant::now();
        let reply = request(&mut staff, &queue).await;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(reply.contains("\"lines\""), "{reply}");
        while let Ok(c) = done_rx.try_recv() {
            closes.push(c);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let peak = status_kib(server.id(), "VmHWM:");
    latencies.sort_by(|a, b| a.partial_cmp(b).expect("number"));
    println!(
        "held {opened_ok} of {total} connections (opened in {:.1} s); staff GET /api/v1/queue over \
         keep-alive TLS, {} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all_open.as_secs_f64(),
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(0.0)
    );
    for (kind, limit) in [
        (Kind::Idle, settings.idle_timeout_seconds),
        (Kind::Slow, settings.header_read_timeout_seconds),
        (Kind::Silent, settings.idle_timeout_seconds),
    ] {
        let mut times: Vec<f64> = closes
            .iter()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(_, t)| t.map(|t| t.as_secs_f64()))
            .collect();
        times.sort_by(|a, b| a.partial_cmp(b).expect("number"));
        let late = times.iter().filter(|t| **t > limit as f64 + 1.0).count();
        if times.is_empty() {
            continue;
        }
        println!(
            "{kind:?}: {} closed by the server, first at {:.1} s, last at {:.1} s (timeout {limit} s), {late} later than timeout + 1 s",
            times.len(),
            times[0],
            times[times.len() - 1]
        );
    }
    println!(
        "server RSS: {} MiB before, {} MiB holding the flood, peak {} MiB",
        rss_before / 1024,
        rss_held / 1024,
        peak / 1024
    );
    let _ = server.kill();
    let _ = server.wait();
}
