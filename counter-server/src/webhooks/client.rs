//! One HTTPS POST to an endpoint, on its own connection (webhooks are few: a connection per
//! attempt keeps no state between them). rustls with ring; trusted: the public web roots and the
//! association's CA (`[webhooks] ca_file`). The outcome is a 2xx or a short code: nothing of the
//! reply's body is read or kept. The notices (`crate::notify`: Web Push, the SMS gateway) send
//! through the same client (`Client::request`); only an SMS gateway on this machine may be plain
//! HTTP (`local_or_https_target`).

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
    /// HTTPS; plain HTTP only for a loopback host (`local_or_https_target`).
    pub tls: bool,
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
    split(url, false)
}

/// As `target`, but also plain `http://` to `127.0.0.1`, `[::1]` or `localhost`: a gateway on
/// this machine (what leaves it is the gateway's business), never one across the network.
pub fn local_or_https_target(url: &str) -> Result<Target, UrlProblem> {
    split(url, true)
}

fn split(url: &str, local_http: bool) -> Result<Target, UrlProblem> {
    let uri: hyper::Uri = url.parse().map_err(|_| UrlProblem::Malformed)?;
    let tls = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if local_http => false,
        Some(_) => return Err(UrlProblem::NotHttps),
        None => return Err(UrlProblem::Malformed),
    };
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
    if !tls && !matches!(host, "127.0.0.1" | "::1" | "localhost") {
        return Err(UrlProblem::NotHttps);
    }
    Ok(Target {
        host: host.to_string(),
        port: authority.port_u16().unwrap_or(if tls { 443 } else { 80 }),
        path: uri
            .path_and_query()
            .map_or("/".to_string(), |p| p.as_str().to_string()),
        tls,
    })
}

impl Target {
    /// `https://host[:port]`: the origin a Web Push VAPID token names as its audience.
    pub fn origin(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == if self.tls { 443 } else { 80 } {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }
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
    /// Trusts the public web roots and, if given, the CAs in the PEM file `[webhooks] ca_file`.
    pub fn new(ca_file: Option<&Path>) -> Result<Self, String> {
        Self::trusting("webhooks.ca_file", ca_file)
    }

    /// As `new`, for the setting `setting` (named in errors) holding the CA file.
    pub fn trusting(setting: &str, ca_file: Option<&Path>) -> Result<Self, String> {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        if let Some(path) = ca_file {
            for c in crate::tls::certificates(setting, path)? {
                roots
                    .add(c)
                    .map_err(|e| format!("{setting} {}: {e}", path.display()))?;
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
        match self
            .request(&target, "application/json", headers, body.into_bytes())
            .await
        {
            Ok(status) if (200..300).contains(&status) => Outcome::Delivered,
            Ok(status) => Outcome::Failed(status.to_string()),
            Err(code) => Outcome::Failed(code.into()),
        }
    }

    /// POSTs `body` of `content_type` with `headers` to `target`, within `TIMEOUT`: the reply's
    /// status, or a short code (`connect`, `tls`, `timeout`, `http`, `bad_url`).
    pub async fn request(
        &self,
        target: &Target,
        content_type: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<u16, &'static str> {
        let attempt = async {
            let tcp = tokio::net::TcpStream::connect((target.host.as_str(), target.port))
                .await
                .map_err(|_| "connect")?;
            if !target.tls {
                return exchange(TokioIo::new(tcp), target, content_type, headers, body).await;
            }
            let name = ServerName::try_from(target.host.clone()).map_err(|_| "bad_url")?;
            let tls = self.tls.connect(name, tcp).await.map_err(|_| "tls")?;
            exchange(TokioIo::new(tls), target, content_type, headers, body).await
        };
        tokio::time::timeout(TIMEOUT, attempt)
            .await
            .unwrap_or(Err("timeout"))
    }
}

/// One request on a fresh connection `io`; the reply's status once its head is in.
async fn exchange<I>(
    io: I,
    target: &Target,
    content_type: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Result<u16, &'static str>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|_| "http")?;
    // Drives the connection until the reply's head is in; dropped with this attempt.
    let driver = tokio::spawn(connection);
    let default_port = if target.tls { 443 } else { 80 };
    let host = if target.port == default_port {
        target.host.clone()
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let mut req = Request::post(target.path.as_str())
        .header("host", host)
        .header("content-type", content_type)
        .header("user-agent", "awn-counter-server");
    for (name, value) in headers {
        req = req.header(*name, value.as_str());
    }
    let req = req.body(Full::new(Bytes::from(body))).map_err(|_| "http")?;
    let reply = sender.send_request(req).await.map_err(|_| "http");
    driver.abort();
    Ok(reply?.status().as_u16())
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
                path: "/awn?x=1".into(),
                tls: true,
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
        assert_eq!(target("http://127.0.0.1:8080/"), Err(UrlProblem::NotHttps));
    }

    #[test]
    fn plain_http_only_to_this_machine() {
        let local = local_or_https_target("http://127.0.0.1:9000/sms").unwrap();
        assert_eq!(
            (local.tls, local.port, local.path.as_str()),
            (false, 9000, "/sms")
        );
        assert_eq!(local_or_https_target("http://localhost/").unwrap().port, 80);
        assert!(!local_or_https_target("http://[::1]:1/").unwrap().tls);
        assert!(
            local_or_https_target("https://sms.example.org/")
                .unwrap()
                .tls
        );
        for url in [
            "http://sms.example.org/",
            "http://10.0.0.5/",
            "http://127.0.0.2/",
        ] {
            assert_eq!(
                local_or_https_target(url),
                Err(UrlProblem::NotHttps),
                "{url}"
            );
        }
    }

    #[test]
    fn an_origin_has_no_path_and_no_default_port() {
        let origin = |url: &str| target(url).unwrap().origin();
        assert_eq!(
            origin("https://fcm.googleapis.com/fcm/send/abc"),
            "https://fcm.googleapis.com"
        );
        assert_eq!(
            origin("https://127.0.0.1:8443/push/1"),
            "https://127.0.0.1:8443"
        );
        assert_eq!(origin("https://[::1]:8443/"), "https://[::1]:8443");
    }
}
