//! Connections cannot be held for free: idle and slow-header clients are closed within the
//! configured timeouts, plain and after a TLS handshake, and one source address holds at most
//! its bound while staff from elsewhere are still served.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use counter_server::config::{Config, ConnectionSettings, TlsConfig};
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer};
use reqwest::StatusCode;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

fn server_with(
    settings: impl FnOnce(&mut ConnectionSettings),
    tls: Option<TlsConfig>,
) -> TestServer {
    let mut config = Config::demo();
    settings(&mut config.connections);
    config.tls = tls;
    TestServer::start_with(TestOptions {
        config,
        ..Default::default()
    })
}

/// A TCP connection from a chosen loopback address (127.0.0.x are all local on Linux).
pub async fn connect_from(ip: &str, to: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(ip.parse().unwrap(), 0))
        .unwrap();
    socket.connect(to).await.unwrap()
}

/// Reads (and discards) until the server closes; how long that took, or `None` past `limit`.
async fn closed_after(io: &mut (impl AsyncRead + Unpin), limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match io.read(&mut buf).await {
                Ok(0) | Err(_) => return start.elapsed(),
                Ok(_) => {}
            }
        }
    })
    .await
    .ok()
}

/// Sends one keep-alive request and reads its whole reply (health has a small JSON body).
async fn one_request(io: &mut (impl AsyncRead + tokio::io::AsyncWrite + Unpin)) -> String {
    io.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n")
        .await
        .unwrap();
    let mut reply = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&reply).contains("\"status\"") {
        let n = io.read(&mut buf).await.unwrap();
        assert!(n > 0, "closed before the reply");
        reply.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&reply).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_header_and_idle_connections_are_closed_within_the_timeouts() {
    let server = server_with(
        |c| {
            c.header_read_timeout_seconds = 1;
            c.idle_timeout_seconds = 3;
        },
        None,
    );
    let addr = server.addr;
    let silent = async {
        let mut s = connect_from("127.0.0.1", addr).await;
        closed_after(&mut s, Duration::from_secs(10)).await
    };
    let slow = async {
        let mut s = connect_from("127.0.0.1", addr).await;
        s.write_all(b"GET /api/v1/health HTTP/1.1\r\n")
            .await
            .unwrap();
        let (mut r, mut w) = s.into_split();
        // One header line every 200 ms, never the blank line that ends them.
        let trickle = tokio::spawn(async move {
            for i in 0..100 {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if w.write_all(format!("X-{i}: a\r\n").as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
        let closed = closed_after(&mut r, Duration::from_secs(10)).await;
        trickle.abort();
        closed
    };
    let kept_alive = async {
        let mut s = connect_from("127.0.0.1", addr).await;
        let reply = one_request(&mut s).await;
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        closed_after(&mut s, Duration::from_secs(10)).await
    };
    let (silent, slow, kept_alive) = tokio::join!(silent, slow, kept_alive);
    let slow = slow.expect("a slow-header client is closed");
    assert!(
        slow < Duration::from_millis(2500),
        "closed by the 1 s header timeout, not the idle one: {slow:?}"
    );
    for (what, closed) in [
        ("a silent connection", silent),
        ("an idle keep-alive", kept_alive),
    ] {
        let closed = closed.unwrap_or_else(|| panic!("{what} is closed"));
        assert!(
            closed >= Duration::from_millis(2500) && closed < Duration::from_secs(6),
            "{what} is closed by the 3 s idle timeout: {closed:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn one_address_holds_at_most_its_bound_and_staff_elsewhere_are_served() {
    let server = server_with(|c| c.per_address = 4, None);
    server.add_staff("rana", Role::Reception, Gender::Female);
    let addr = server.addr;
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = connect_from("127.0.0.1", addr).await;
        assert!(one_request(&mut s).await.starts_with("HTTP/1.1 200"));
        held.push(s);
    }
    let mut extra = connect_from("127.0.0.1", addr).await;
    let _ = extra
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\n\r\n")
        .await;
    let mut got = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), extra.read_to_end(&mut got)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "the fifth connection is closed unanswered: {:?}",
        String::from_utf8_lossy(&got)
    );

    // Staff from another address: log in and read the queue over a fresh connection.
    let http = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let elsewhere = Api {
        base: server.base_url.clone(),
        http,
    };
    let token = elsewhere.login("rana").await;
    assert_eq!(
        elsewhere.get("/api/v1/queue", Some(&token)).await.status,
        StatusCode::OK
    );

    // A held connection closed frees its place.
    drop(held.pop());
    let mut again = None;
    for _ in 0..50 {
        let mut s = connect_from("127.0.0.1", addr).await;
        if s.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .is_ok()
        {
            let mut out = String::new();
            let _ = s.read_to_string(&mut out).await;
            if out.starts_with("HTTP/1.1 200") {
                again = Some(out);
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        again.is_some(),
        "a place freed is given to the next connection"
    );
}

fn tls_connector(ca: &std::path::Path) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_file_iter(ca).unwrap() {
        roots.add(c.unwrap()).unwrap();
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

#[tokio::test(flavor = "multi_thread")]
async fn tls_connections_silent_after_or_during_the_handshake_are_closed_and_bounded() {
    let dir = tempfile::tempdir().unwrap();
    counter_server::tls::make_branch_ca(dir.path(), &["127.0.0.1".to_string()], "test").unwrap();
    let tls = TlsConfig {
        cert: dir.path().join("server.crt"),
        key: dir.path().join("server.key"),
    };
    let server = server_with(
        |c| {
            c.idle_timeout_seconds = 2;
            c.tls_handshake_timeout_seconds = 1;
            c.per_address = 3;
        },
        Some(tls),
    );
    let (addr, connector) = (server.addr, tls_connector(&dir.path().join("ca.crt")));
    let name = ServerName::try_from("127.0.0.1").unwrap();

    let tcp = connect_from("127.0.0.1", addr).await;
    let mut quiet = connector
        .connect(name.clone(), tcp)
        .await
        .expect("handshake");
    let tcp = connect_from("127.0.0.1", addr).await;
    let mut used = connector
        .connect(name.clone(), tcp)
        .await
        .expect("handshake");
    assert!(one_request(&mut used).await.starts_with("HTTP/1.1 200"));
    // A third holds its place without ever starting the handshake.
    let mut no_handshake = connect_from("127.0.0.1", addr).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    // Over the bound: closed before the handshake can finish.
    let tcp = connect_from("127.0.0.1", addr).await;
    assert!(
        connector.connect(name.clone(), tcp).await.is_err(),
        "a fourth connection from the address is refused"
    );

    let (quiet, used, no_handshake) = tokio::join!(
        closed_after(&mut quiet, Duration::from_secs(10)),
        closed_after(&mut used, Duration::from_secs(10)),
        closed_after(&mut no_handshake, Duration::from_secs(10)),
    );
    let no_handshake = no_handshake.expect("a client that never shakes hands is closed");
    assert!(
        no_handshake < Duration::from_millis(2500),
        "{no_handshake:?}"
    );
    for (what, closed) in [
        ("silent after the handshake", quiet),
        ("idle after a reply", used),
    ] {
        let closed = closed.unwrap_or_else(|| panic!("{what}: closed"));
        assert!(closed < Duration::from_secs(4), "{what}: {closed:?}");
    }
    // Their places are free again.
    let tcp = connect_from("127.0.0.1", addr).await;
    let mut after = connector.connect(name, tcp).await.expect("a place is free");
    assert!(one_request(&mut after).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_stream_is_not_an_idle_connection() {
    let server = server_with(|c| c.idle_timeout_seconds = 1, None);
    let mut s = connect_from("127.0.0.1", server.addr).await;
    s.write_all(
        format!(
            "GET /api/v1/events HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\r\n",
            server.display_token
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let mut head = [0u8; 512];
    let n = s.read(&mut head).await.unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));
    // Nothing is sent for longer than the idle timeout (keep-alive comments come every 15 s).
    assert_eq!(
        closed_after(&mut s, Duration::from_secs(3)).await,
        None,
        "the stream stays open while its reply is in progress"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn held_connections_do_not_delay_a_graceful_stop() {
    let mut server = server_with(|_| {}, None);
    let mut idle = connect_from("127.0.0.1", server.addr).await;
    assert!(one_request(&mut idle).await.starts_with("HTTP/1.1 200"));
    let mut slow = connect_from("127.0.0.1", server.addr).await;
    slow.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: te")
        .await
        .unwrap();
    let _silent = connect_from("127.0.0.1", server.addr).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    tokio::task::spawn_blocking(move || server.stop())
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "stopped in {:?}",
        started.elapsed()
    );
}
