//! One HTTPS POST to an endpoint, on its own connection (webhooks are few: a connection per
//! attempt keeps no state between them). rustls with ring; trusted: the public web roots and the
//! association's CA (`[webhooks] ca_file`). The outcome is a 2xx or a short code: nothing of the
//! reply's body is read or kept.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::Request;
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls_pki_types::ServerName;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::RootCertStore;

/// The whole attempt (connection, TLS, request and reply head) must be done within this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Where a URL points, once checked to be HTTPS with a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    /// Path and query (`/` when empty).
    pub path: String,
}

/// Why a URL cannot be an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlProblem {
    /// Not `https://` (plain HTTP would send the signature and references in clear).
    NotHttps,
    /// Not a URL with a host, or with a user name or password in it.
    Malformed,
}

/// Checks and splits an endpoint's URL.
pub fn target(url: &str) -> Result<Target, UrlProblem> {
    let uri: hyper::Uri = url.parse().map_err(|_| UrlProblem::Malformed)?;
    match uri.scheme_str() {
        Some("https") => {}
        Some(_) => return Err(UrlProblem::NotHttps),
        None => return Err(UrlProblem::Malformed),
    }
    let authority = uri.authority().ok_or(UrlProblem::Malformed)?;
    if authority.as_str().contains('@') || url.len() > 2000 {
        return Err(UrlProblem::Malformed);
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']');
    if host.is_empty() {
        return Err(UrlProblem::Malformed);
    }
    Ok(Target {
        host: host.to_string(),
        port: authority.port_u16().unwrap_or(443),
        path: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
    })
}

/// The HTTPS client of the delivery worker.
#[derive(Clone)]
pub struct Client {
    tls: TlsConnector,
}

/// What one attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx.
    Delivered,
    /// Anything else, as a short code: `connect`, `tls`, `timeout`, `http`, `bad_url` or the
    /// HTTP status (`503`).
    Failed(String),
}

impl Client {
    /// Trusts the public web roots and, if given, the CAs in the PEM file `ca_file`.
    pub fn new(ca_file: Option<&Path>) -> Result<Self, String> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = ca_file {
            for c in crate::tls::certificates("webhooks.ca_file", path)? {
                roots
                    .add(c)
                    .map_err(|e| format!("webhooks.ca_file {}: {e}", path.display()))?;
            }
        }
        let config = crate::tls::client_config(roots)?;
        Ok(Self {
            tls: TlsConnector::from(Arc::new(config)),
        })
    }

    /// POSTs `body` (JSON) with `headers` to `url`, within `TIMEOUT`.
    pub async fn post(&self, url: &str, headers: &[(&str, String)], body: String) -> Outcome {
        let Ok(target) = target(url) else {
            return Outcome::Failed("bad_url".into());
        };
        match tokio::time::timeout(TIMEOUT, self.attempt(&target, headers, body)).await {
            Ok(Ok(status)) if (200..300).contains(&status) => Outcome::Delivered,
            Ok(Ok(status)) => Outcome::Failed(status.to_string()),
            Ok(Err(code)) => Outcome::Failed(code.into()),
            Err(_) => Outcome::Failed("timeout".into()),
        }
    }

    async fn attempt(
        &self,
        target: &Target,
        headers: &[(&str, String)],
        body: String,
    ) -> Result<u16, &'static str> {
        let tcp = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
            .await
            .map_err(|_| "connect")?;
        let name = ServerName::try_from(target.host.clone()).map_err(|_| "bad_url")?;
        let tls = self.tls.connect(name, tcp).await.map_err(|_| "tls")?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|_| "http")?;
        // Drives the connection until the reply's head is in; dropped with this attempt.
        let driver = tokio::spawn(connection);
        let host = if target.port == 443 {
            target.host.clone()
        } else {
            format!("{}:{}", target.host, target.port)
        };
        let mut req = Request::post(target.path.as_str())
            .header("host", host)
            .header("content-type", "application/json")
            .header("user-agent", "awn-counter-server");
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let req = req.body(Full::new(Bytes::from(body))).map_err(|_| "http")?;
        let reply = sender.send_request(req).await.map_err(|_| "http");
        driver.abort();
        Ok(reply?.status().as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_urls_with_a_host_are_endpoints() {
        assert_eq!(
            target("https://hooks.example.org/awn?x=1"),
            Ok(Target {
                host: "hooks.example.org".into(),
                port: 443,
                path: "/awn?x=1".into()
            })
        );
        assert_eq!(target("https://127.0.0.1:8443").unwrap().path, "/");
        assert_eq!(target("https://127.0.0.1:8443").unwrap().port, 8443);
        assert_eq!(
            target("http://hooks.example.org/"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(
            target("ftp://hooks.example.org/"),
            Err(UrlProblem::NotHttps)
        );
        assert_eq!(target("hooks.example.org/x"), Err(UrlProblem::Malformed));
        assert_eq!(
            target("https://user:pw@hooks.example.org/"),
            Err(UrlProblem::Malformed)
        );
        assert_eq!(target("not a url"), Err(UrlProblem::Malformed));
    }
}
