//! The rating mode's HTTP calls on a worker thread (the same pattern as the ticket mode's
//! client, fewer calls): `GET /api/v1/rating/recent` and `POST /api/v1/ratings` with the rating device token.
//! A rating is sent once per tap on "send"; a network fault shows the fault message and the
//! visitor may send again (the server keeps one rating per visit, so nothing is counted twice).

use crate::http::{ClientError, Http};
use crate::rating::flow::{RatingBody, RatingEvent};
use crate::shell::Waker;
use awn_core::label::LABEL_MAX_CHARS;
use awn_core::wire::RecentVisit;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

/// One blocking call per method, bounded by a timeout.
pub trait RatingApi: Send + 'static {
    fn recent(&mut self) -> Result<Vec<String>, ClientError>;
    fn rate(&mut self, body: &RatingBody) -> Result<(), ClientError>;
}

/// The rating calls over the same HTTP connection type as the ticket mode's.
pub struct HttpRatingApi(Http);

impl HttpRatingApi {
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Self {
        HttpRatingApi(Http::new(base_url, token, timeout))
    }

    /// Trusting only `trust`'s CAs for `https://` when given (`ca_file`).
    pub fn with_trust(
        base_url: &str,
        token: &str,
        timeout: Duration,
        trust: Option<&crate::tls::Trust>,
    ) -> Self {
        HttpRatingApi(Http::with_trust(base_url, token, timeout, trust))
    }
}

impl From<Http> for HttpRatingApi {
    fn from(http: Http) -> Self {
        HttpRatingApi(http)
    }
}

/// `{"visits":[{"label":"A-017"}]}` → labels (at most 12, each at most 20 characters).
pub fn parse_recent(body: &str) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let visits = v
        .get("visits")
        .and_then(|x| x.as_array())
        .ok_or("no visits")?;
    Ok(visits
        .iter()
        .filter_map(|x| serde_json::from_value::<RecentVisit>(x.clone()).ok())
        .map(|v| v.label)
        .filter(|l| !l.is_empty() && l.chars().count() <= LABEL_MAX_CHARS)
        .take(12)
        .collect())
}

impl RatingApi for HttpRatingApi {
    fn recent(&mut self) -> Result<Vec<String>, ClientError> {
        parse_recent(&self.0.get("/api/v1/rating/recent")?).map_err(ClientError::BadData)
    }

    fn rate(&mut self, body: &RatingBody) -> Result<(), ClientError> {
        let body = serde_json::to_string(body).map_err(|e| ClientError::BadData(e.to_string()))?;
        self.0.post_json("/api/v1/ratings", &body, &[]).map(drop)
    }
}

pub enum RatingCommand {
    FetchRecent,
    Submit { seq: u64, body: RatingBody },
}

/// The UI thread's handle on the rating worker.
pub struct RatingClient {
    tx: Sender<RatingCommand>,
    rx: Mutex<Receiver<RatingEvent>>,
}

impl RatingClient {
    pub fn start(mut api: impl RatingApi, waker: Waker) -> RatingClient {
        let (tx, cmd_rx) = mpsc::channel::<RatingCommand>();
        let (ev_tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("kiosk-rating-client".into())
            .spawn(move || {
                for cmd in cmd_rx {
                    let ev = match cmd {
                        RatingCommand::FetchRecent => RatingEvent::Recent(api.recent()),
                        RatingCommand::Submit { seq, body } => RatingEvent::Rated {
                            seq,
                            result: api.rate(&body),
                        },
                    };
                    if ev_tx.send(ev).is_err() {
                        return;
                    }
                    waker();
                }
            })
            .expect("spawning the rating client thread");
        RatingClient {
            tx,
            rx: Mutex::new(rx),
        }
    }

    pub fn send(&self, cmd: RatingCommand) {
        let _ = self.tx.send(cmd);
    }

    pub fn drain(&self) -> Vec<RatingEvent> {
        let rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        rx.try_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn recent_is_read_leniently() {
        assert_eq!(
            super::parse_recent(r#"{"visits":[{"label":"A-017"},{"x":1},{"label":""}]}"#).unwrap(),
            vec!["A-017".to_string()]
        );
        assert!(super::parse_recent("{}").is_err());
    }
}
