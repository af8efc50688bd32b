//! The kiosk reaches a counter-server that speaks TLS with a certificate from the branch CA
//! (`counter-server make-ca`), once `ca_file` names that CA; without it the certificate is refused.

use counter_server::testing::{TestOptions, TestServer};
use kiosk::config::Config;
use kiosk::http::ClientError;
use kiosk::ticket::client::{HttpApi, TicketApi};
use std::time::Duration;

#[test]
fn the_kiosk_trusts_the_branch_ca_from_its_config() {
    let dir = tempfile_dir();
    let pki = dir.join("tls");
    counter_server::tls::make_branch_ca(&pki, &["127.0.0.1".to_string()], "test branch").unwrap();
    let mut config = counter_server::config::Config::demo();
    config.tls = Some(counter_server::config::TlsConfig {
        cert: pki.join("server.crt"),
        key: pki.join("server.key"),
    });
    let server = TestServer::start_with(TestOptions {
        config,
        ..TestOptions::default()
    });
    assert!(
        server.base_url.starts_with("https://"),
        "{}",
        server.base_url
    );

    // The configuration as a branch writes it (README step 4: ca.crt installed on the kiosk).
    let file = dir.join("kiosk.toml");
    std::fs::write(
        &file,
        format!(
            "server = \"{}\"\nca_file = \"{}\"\n",
            server.base_url,
            pki.join("ca.crt").display()
        ),
    )
    .unwrap();
    let cfg = Config::from_args(["--config".to_string(), file.display().to_string()]).unwrap();
    let trust = cfg.trust().unwrap();
    assert!(trust.is_some());
    let timeout = Duration::from_secs(5);
    let mut api = HttpApi::with_trust(&cfg.server, &server.kiosk_token, timeout, trust.as_ref());
    let services = api.services().expect("services over TLS");
    assert!(!services.services.is_empty());
    assert!(
        services.hours.open,
        "the test branch is open around the clock"
    );
    api.health().expect("health over TLS");

    // The public web roots alone do not know the branch CA.
    let mut untrusting = HttpApi::new(&server.base_url, &server.kiosk_token, timeout);
    match untrusting.services() {
        Err(ClientError::Unreachable(why)) => {
            assert!(why.to_lowercase().contains("cert"), "{why}")
        }
        other => panic!("a server outside the trusted roots was reached: {other:?}"),
    }

    // A file with no certificate stops the kiosk with a message naming it.
    let bad = dir.join("not-a-cert.pem");
    std::fs::write(&bad, "hello").unwrap();
    let err = kiosk::tls::Trust::load(&bad).unwrap_err();
    assert!(err.contains("not-a-cert.pem"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "kiosk-tls-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}
