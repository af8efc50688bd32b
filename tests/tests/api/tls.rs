//! TLS on the branch network: `make-ca` makes a branch CA and server certificate, and the real
//! binary serves HTTPS with them; a client that does not trust the branch CA is refused.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};

const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");

fn client(trusted: Option<&std::path::Path>) -> TlsConnector {
    let mut roots = RootCertStore::empty();
    if let Some(ca) = trusted {
        for c in CertificateDer::pem_file_iter(ca).unwrap() {
            roots.add(c.unwrap()).unwrap();
        }
    }
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

async fn get_health(port: u16, connector: TlsConnector) -> std::io::Result<String> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut tls = connector
        .connect(ServerName::try_from("127.0.0.1").unwrap(), tcp)
        .await?;
    tls.write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .await?;
    let mut out = String::new();
    tls.read_to_string(&mut out).await?;
    Ok(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_speaks_tls_with_a_branch_ca() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("tls");
    let made = Command::new(BIN)
        .args([
            "make-ca",
            "--dir",
            pki.to_str().unwrap(),
            "--host",
            "127.0.0.1",
            "--host",
            "counter.branch.local",
        ])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(pki.join("server.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the private key is private");
    }
    let again = Command::new(BIN)
        .args([
            "make-ca",
            "--dir",
            pki.to_str().unwrap(),
            "--host",
            "127.0.0.1",
        ])
        .output()
        .unwrap();
    assert!(!again.status.success(), "never overwrites keys");

    let config = counter_server::config::DEMO_TOML.replace(
        "[hours]",
        &format!(
            "[tls]\ncert = {:?}\nkey = {:?}\n\n[hours]",
            pki.join("server.crt"),
            pki.join("server.key")
        ),
    );
    let config_path = dir.path().join("branch.toml");
    std::fs::write(&config_path, config).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--config",
            config_path.to_str().unwrap(),
            "--db",
            dir.path().join("c.db").to_str().unwrap(),
        ])
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reply = Err(std::io::Error::other("not tried"));
    for _ in 0..100 {
        reply = get_health(port, client(Some(&pki.join("ca.crt")))).await;
        if reply.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reply = reply.expect("an HTTPS answer");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"status\":\"ok\""));
    let untrusted = get_health(port, client(None)).await;
    assert!(
        untrusted.is_err(),
        "a client without the branch CA refuses the server"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}
