//! The pairing worker: asks the server for a code (`POST /api/v1/pairing`, no token), then polls
//! with the secret (in the body) until an admin claims the code; a new code when the old one
//! expires; retries while the server is unreachable. Runs on its own thread; the window reads
//! its events.

use crate::http::{ClientError, Http};
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PairingEvent {
    /// Show this code; nobody typed it yet.
    Code(String),
    /// The server cannot be reached (the last code, if any, may still work).
    Offline,
    /// Claimed with a scope this mode cannot use: a new code follows.
    WrongScope(String),
    /// Claimed: this device's token (given once by the server).
    Paired(String),
}

#[derive(Deserialize)]
struct Opened {
    code: String,
    secret: String,
    poll_seconds: u64,
}

#[derive(Deserialize)]
struct Polled {
    state: String,
    token: Option<String>,
    scope: Option<String>,
}

pub struct PairingClient {
    events: mpsc::Receiver<PairingEvent>,
    stop: Arc<AtomicBool>,
}

impl Drop for PairingClient {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl PairingClient {
    /// Starts the worker; `scope` is the device scope this mode needs (`kiosk` or `rating`);
    /// `retry` the pause after a failed call.
    pub fn start(http: Http, scope: &'static str, retry: Duration) -> Self {
        let (tx, events) = mpsc::channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new()
            .name("pairing".into())
            .spawn(move || work(&http, scope, retry, &tx, &stopped))
            .expect("the pairing thread starts");
        Self { events, stop }
    }

    /// The events since the last call.
    pub fn events(&self) -> Vec<PairingEvent> {
        self.events.try_iter().collect()
    }
}

fn work(
    http: &Http,
    scope: &str,
    retry: Duration,
    tx: &mpsc::Sender<PairingEvent>,
    stop: &AtomicBool,
) {
    let send = |e| tx.send(e).is_ok() && !stop.load(Ordering::Relaxed);
    loop {
        let opened = match http
            .post_public("/api/v1/pairing", None)
            .and_then(|b| serde_json::from_str::<Opened>(&b).map_err(|e| bad(&e)))
        {
            Ok(o) => o,
            Err(_) => {
                if !send(PairingEvent::Offline) {
                    return;
                }
                std::thread::sleep(retry);
                continue;
            }
        };
        if !send(PairingEvent::Code(opened.code.clone())) {
            return;
        }
        let mut offline = false;
        let every = Duration::from_secs(opened.poll_seconds.clamp(1, 10));
        let body = serde_json::json!({ "secret": opened.secret }).to_string();
        loop {
            std::thread::sleep(every);
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match http
                .post_public("/api/v1/pairing/poll", Some(&body))
                .and_then(|b| serde_json::from_str::<Polled>(&b).map_err(|e| bad(&e)))
            {
                Ok(p) if p.state == "paired" => {
                    let (token, got) = (p.token.unwrap_or_default(), p.scope.unwrap_or_default());
                    if got == scope && !token.is_empty() {
                        send(PairingEvent::Paired(token));
                        return;
                    }
                    if !send(PairingEvent::WrongScope(got)) {
                        return;
                    }
                    break;
                }
                Ok(_) => {
                    if std::mem::take(&mut offline)
                        && !send(PairingEvent::Code(opened.code.clone()))
                    {
                        return;
                    }
                }
                // Expired (or collected): ask for a new code.
                Err(ClientError::Refused(e)) if e.status == 404 => break,
                Err(_) => {
                    offline = true;
                    if !send(PairingEvent::Offline) {
                        return;
                    }
                }
            }
        }
    }
}

fn bad(e: &serde_json::Error) -> ClientError {
    ClientError::BadData(e.to_string())
}
