//! Where head office's PostgreSQL is, and connecting to it.
//!
//! TLS is rustls (ring), verified against the association's CA (`ca_file`) alone: the system's
//! roots are never trusted for the roll-up, and the host name in `conninfo` must be in the
//! server's certificate. Without `ca_file` there is no TLS at all, so `sslmode=require` then
//! refuses to connect rather than send facts in plain text. The password is read from
//! `password_file` at each connection and never written in `conninfo` (which may be logged or
//! shown by `ps`-like tools).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use tokio_postgres::{Client, NoTls};

/// Head office's PostgreSQL, as a TOML table gives it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PgTarget {
    /// libpq `key=value` pairs or a `postgresql://` URL, without the password:
    /// `host=ho.awn.example port=5432 dbname=rollup user=riyadh-1 sslmode=require`.
    pub conninfo: String,
    /// A file holding the password (trailing newline ignored); readable by the service only.
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// The association's CA certificate (PEM): TLS is verified against it, and only it.
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
}

/// Why talking to head office failed. Never carries a fact's content.
#[derive(Debug)]
pub enum PgError {
    /// The target is wrong: its connection string, its password or CA file.
    Config(String),
    /// PostgreSQL refused, or the connection failed; `context` names what we were doing.
    Postgres {
        context: &'static str,
        err: tokio_postgres::Error,
    },
    /// The head-office schema is newer than this binary (`schema::migrate` refuses it).
    TooNew { found: i64, supported: i64 },
}

impl fmt::Display for PgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(m) => write!(f, "head office: {m}"),
            Self::Postgres { context, err } => match err.as_db_error() {
                Some(db) => write!(
                    f,
                    "head office: {context}: {} ({})",
                    db.message(),
                    db.code().code()
                ),
                None => write!(f, "head office: {context}: {err}"),
            },
            Self::TooNew { found, supported } => write!(
                f,
                "head office: the database is at schema version {found}, this binary knows up to \
                 {supported}: upgrade it"
            ),
        }
    }
}

impl std::error::Error for PgError {}

/// Names what failed, as `store::Context` does for SQLite.
pub(crate) trait Context<T> {
    fn ctx(self, context: &'static str) -> Result<T, PgError>;
}

impl<T> Context<T> for Result<T, tokio_postgres::Error> {
    fn ctx(self, context: &'static str) -> Result<T, PgError> {
        self.map_err(|err| PgError::Postgres { context, err })
    }
}

/// How long a connection attempt may take, unless `conninfo` says (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A silent peer (a cut cable, a dead router) is noticed within about a minute, and data not
/// acknowledged for a minute fails the connection, so a shipper reconnects instead of hanging.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);
const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(10);
const KEEPALIVE_RETRIES: u32 = 3;
const TCP_USER_TIMEOUT: Duration = Duration::from_secs(60);

/// Connects to `target` and spawns the connection's task (it ends when the client is dropped or
/// the connection fails; the client's next call then fails).
pub async fn connect(target: &PgTarget) -> Result<Client, PgError> {
    let mut config: tokio_postgres::Config = target
        .conninfo
        .parse()
        .map_err(|e| PgError::Config(format!("conninfo: {e}")))?;
    if config.get_password().is_some() {
        return Err(PgError::Config(
            "conninfo holds a password: put it in password_file instead".into(),
        ));
    }
    if let Some(path) = &target.password_file {
        let password = std::fs::read_to_string(path)
            .map_err(|e| PgError::Config(format!("password_file {}: {e}", path.display())))?;
        config.password(password.trim_end_matches(['\r', '\n']));
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_tcp_user_timeout().is_none() {
        config.tcp_user_timeout(TCP_USER_TIMEOUT);
    }
    config
        .keepalives_idle(KEEPALIVE_IDLE)
        .keepalives_interval(KEEPALIVE_INTERVAL)
        .keepalives_retries(KEEPALIVE_RETRIES);
    if config.get_application_name().is_none() {
        config.application_name("awn-counter-server");
    }
    match &target.ca_file {
        Some(ca) => {
            let tls = tokio_postgres_rustls::MakeRustlsConnect::new(client_tls(ca)?);
            let (client, connection) = config.connect(tls).await.ctx("connect")?;
            tokio::spawn(drive(connection));
            Ok(client)
        }
        None => {
            let (client, connection) = config.connect(NoTls).await.ctx("connect")?;
            tokio::spawn(drive(connection));
            Ok(client)
        }
    }
}

async fn drive<F: std::future::Future<Output = Result<(), tokio_postgres::Error>>>(connection: F) {
    if let Err(e) = connection.await {
        tracing::debug!(error = %e, "head office connection ended");
    }
}

/// rustls trusting the certificates in `ca` and nothing else.
fn client_tls(ca: &std::path::Path) -> Result<tokio_rustls::rustls::ClientConfig, PgError> {
    let mut roots = tokio_rustls::rustls::RootCertStore::empty();
    for cert in crate::tls::certificates("ca_file", ca).map_err(PgError::Config)? {
        roots
            .add(cert)
            .map_err(|e| PgError::Config(format!("ca_file {}: {e}", ca.display())))?;
    }
    crate::tls::client_config(roots).map_err(PgError::Config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(conninfo: &str) -> PgTarget {
        PgTarget {
            conninfo: conninfo.into(),
            password_file: None,
            ca_file: None,
        }
    }

    #[tokio::test]
    async fn a_password_in_the_connection_string_is_refused_before_connecting() {
        for conninfo in [
            "host=127.0.0.1 port=1 user=riyadh-1 password=secret",
            "postgresql://riyadh-1:secret@127.0.0.1:1/rollup",
        ] {
            let err = connect(&target(conninfo)).await.unwrap_err();
            assert!(matches!(err, PgError::Config(_)), "{err}");
            assert!(!err.to_string().contains("secret"), "{err}");
        }
    }

    #[tokio::test]
    async fn sslmode_require_without_a_ca_refuses_plain_text() {
        let err = connect(&target("host=127.0.0.1 port=1 sslmode=require"))
            .await
            .unwrap_err();
        assert!(matches!(err, PgError::Postgres { .. }), "{err}");
    }

    #[test]
    fn a_target_reads_from_toml_and_refuses_unknown_keys() {
        let t: PgTarget = toml::from_str(
            "conninfo = \"host=ho dbname=rollup\"\nca_file = \"/etc/awn/ho-ca.crt\"",
        )
        .unwrap();
        assert_eq!(t.ca_file, Some(PathBuf::from("/etc/awn/ho-ca.crt")));
        assert!(toml::from_str::<PgTarget>("conninfo = \"x\"\npassword = \"y\"").is_err());
    }
}
