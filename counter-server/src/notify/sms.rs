//! SMS through the association's HTTP gateway: one JSON POST per message, `{"to", "text",
//! "from"}` with a bearer token, on the HTTPS client of the webhooks (10 s; `http://` only to a
//! gateway on this machine). The gateway's API differs between providers; a small relay in front
//! of one speaks this shape.
//!
//! Neither the number nor the text is ever logged: only the outcome's code.

use std::fmt;

use serde::Serialize;

use crate::webhooks::client::{self, Client, UrlProblem};

/// Where and how to send: from `[sms]` (`config::SmsConfig::gateway` reads the token's file).
#[derive(Clone)]
pub struct SmsGateway {
    /// `https://`, or `http://` to `127.0.0.1`, `[::1]` or `localhost`.
    pub url: String,
    pub token: String,
    /// The sender name or number the gateway shows, if it lets us choose.
    pub sender: Option<String>,
}

impl fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &self.url)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

/// Why a message was not sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsError {
    /// Not a number `normalise_number` takes.
    BadNumber,
    Url(UrlProblem),
    /// Anything else, as a short code: the gateway's HTTP status (`500`), `connect`, `tls`,
    /// `timeout`, `http`.
    Failed(String),
}

impl fmt::Display for SmsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SmsError::BadNumber => f.write_str("bad_number"),
            SmsError::Url(p) => write!(f, "bad_url: {p:?}"),
            SmsError::Failed(code) => f.write_str(code),
        }
    }
}

impl std::error::Error for SmsError {}

/// A mobile number as the gateway takes it, E.164: `+` and 8 to 15 digits, the first not 0.
/// A Saudi mobile written locally (`05xxxxxxxx`) becomes `+9665xxxxxxxx`; spaces are dropped.
/// (The kiosk's intake already stores a Saudi mobile as `+9665…`, `awn_core::intake`.)
pub fn normalise_number(raw: &str) -> Result<String, SmsError> {
    let n: String = raw.chars().filter(|c| *c != ' ').collect();
    if n.len() == 10 && n.starts_with("05") && n.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("+966{}", &n[1..]));
    }
    let digits = n.strip_prefix('+').ok_or(SmsError::BadNumber)?;
    if (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        Ok(n)
    } else {
        Err(SmsError::BadNumber)
    }
}

#[derive(Serialize)]
struct Message<'a> {
    to: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
}

/// Sends `text` (`super::message::text`) to `to` through the gateway; a 2xx is sent.
pub async fn send(
    client: &Client,
    gateway: &SmsGateway,
    to: &str,
    text: &str,
) -> Result<(), SmsError> {
    let to = normalise_number(to)?;
    let target = client::local_or_https_target(&gateway.url).map_err(SmsError::Url)?;
    let body = serde_json::to_vec(&Message {
        to: &to,
        text,
        from: gateway.sender.as_deref(),
    })
    .expect("strings serialize");
    let headers = [("authorization", format!("Bearer {}", gateway.token))];
    let result = match client
        .request(&target, "application/json", &headers, body)
        .await
    {
        Ok(status) if (200..300).contains(&status) => Ok(()),
        Ok(status) => Err(SmsError::Failed(status.to_string())),
        Err(code) => Err(SmsError::Failed(code.into())),
    };
    match &result {
        Ok(()) => tracing::info!("sms sent"),
        Err(e) => tracing::warn!(outcome = %e, "sms not sent"),
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_normalised_to_e164() {
        let cases: [(&str, Option<&str>); 14] = [
            ("0512345678", Some("+966512345678")),
            ("05 1234 5678", Some("+966512345678")),
            ("+966512345678", Some("+966512345678")),
            ("+44 7700 900123", Some("+447700900123")),
            ("+12345678", Some("+12345678")),
            ("+123456789012345", Some("+123456789012345")),
            ("+1234567", None),
            ("+1234567890123456", None),
            ("+0512345678", None),
            ("966512345678", None),
            ("051234567", None),
            ("05123456789", None),
            ("+96651234567x", None),
            ("", None),
        ];
        for (raw, want) in cases {
            assert_eq!(normalise_number(raw).ok().as_deref(), want, "{raw:?}");
        }
        assert_eq!(normalise_number("٠٥١٢٣٤٥٦٧٨"), Err(SmsError::BadNumber));
    }

    #[test]
    fn the_token_is_not_in_debug() {
        let g = SmsGateway {
            url: "https://sms.example/send".into(),
            token: "secret-token".into(),
            sender: None,
        };
        assert!(!format!("{g:?}").contains("secret-token"));
    }
}
