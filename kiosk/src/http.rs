//! The HTTP connection both modes' clients use (ureq, this device's token, the branch CA), and
//! what can go wrong with a call. One blocking call per request, bounded by the timeout: the
//! clients run them on their worker threads.

use crate::api::{self, ApiError};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// Connection refused, DNS, reset, timeout: the kiosk is offline.
    Unreachable(String),
    /// The server answered with an error body.
    Refused(ApiError),
    /// The server answered 2xx with something the kiosk cannot read.
    BadData(String),
}

impl ClientError {
    /// The server can save nothing until someone acts (its disk is full or read-only): the
    /// visitor is sent to reception at once instead of waiting on retries.
    pub fn needs_staff(&self) -> bool {
        matches!(self, ClientError::Refused(e) if e.code == "storage_full" || e.code == "storage_readonly")
    }

    /// Worth retrying with the same idempotency key (network faults, 5xx, storage_busy, 429),
    /// but not what `needs_staff`.
    pub fn retryable(&self) -> bool {
        if self.needs_staff() {
            return false;
        }
        match self {
            ClientError::Unreachable(_) | ClientError::BadData(_) => true,
            ClientError::Refused(e) => {
                e.status >= 500 || e.status == 429 || e.status == 408 || e.code == "storage_busy"
            }
        }
    }
}

/// An HTTP(S) connection to the counter-server with this device's token: one blocking call per
/// request, bounded by the timeout. Shared by the ticket and the rating modes.
pub struct Http {
    agent: ureq::Agent,
    base: String,
    auth: String,
}

impl Http {
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Self {
        Self::with_trust(base_url, token, timeout, None)
    }

    /// As `new`, trusting only `trust`'s CAs for `https://` when given (the branch CA).
    pub fn with_trust(
        base_url: &str,
        token: &str,
        timeout: Duration,
        trust: Option<&crate::tls::Trust>,
    ) -> Self {
        let mut config = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0);
        if let Some(t) = trust {
            config = config.tls_config(t.tls_config());
        }
        let config = config.build();
        Http {
            agent: config.into(),
            base: base_url.trim_end_matches('/').to_string(),
            auth: format!("Bearer {}", token.trim()),
        }
    }

    /// The body of a 2xx answer; any other status is the server's refusal.
    fn read(
        resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<String, ClientError> {
        let mut resp = resp.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        let status = resp.status().as_u16();
        let body = resp
            .body_mut()
            .with_config()
            .limit(256 * 1024)
            .read_to_string()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(ClientError::Refused(api::parse_error(status, &body)))
        }
    }

    /// `GET path` with the device token.
    pub fn get(&self, path: &str) -> Result<String, ClientError> {
        Self::read(
            self.agent
                .get(format!("{}{}", self.base, path))
                .header("Authorization", &self.auth)
                .call(),
        )
    }

    /// `GET path` without credentials (the health check).
    pub fn get_public(&self, path: &str) -> Result<String, ClientError> {
        Self::read(self.agent.get(format!("{}{}", self.base, path)).call())
    }

    /// `POST path` with a JSON body (or none) and no credentials (pairing: the device has no
    /// token yet).
    pub fn post_public(&self, path: &str, body: Option<&str>) -> Result<String, ClientError> {
        let req = self.agent.post(format!("{}{}", self.base, path));
        Self::read(match body {
            Some(b) => req
                .header("Content-Type", "application/json")
                .send(b.as_bytes()),
            None => req.send_empty(),
        })
    }

    /// `POST path` with a JSON body, the device token and any extra headers.
    pub fn post_json(
        &self,
        path: &str,
        body: &str,
        headers: &[(&str, &str)],
    ) -> Result<String, ClientError> {
        let mut req = self
            .agent
            .post(format!("{}{}", self.base, path))
            .header("Authorization", &self.auth)
            .header("Content-Type", "application/json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        Self::read(req.send(body.as_bytes()))
    }
}
