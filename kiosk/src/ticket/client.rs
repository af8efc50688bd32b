//! The ticket mode's talk with the counter-server, off the UI thread.
//!
//! `TicketApi` is one blocking HTTP call per method (`HttpApi` over the shared `Http`; the
//! in-memory `FakeApi` of `ticket::fake` for tests). `Client` runs a `TicketApi` on a worker
//! thread: it takes `Command`s, sends `ClientEvent`s back and calls a waker so the UI thread
//! drains them. The worker retries a ticket request with the *same* idempotency key until it
//! succeeds, is refused (4xx) or is cancelled, and polls `/api/v1/health` while the server is
//! unreachable, refetching the services when it comes back. Print reports (`printed:
//! true|false`) queue up and are retried the same way until the server takes them or refuses
//! them (4xx). A check-in with the code from the phone is sent once and never retried (a retry
//! after a lost answer would be told "already checked in"). A plain thread is enough: every call is blocking and bounded by the timeout, so
//! no async runtime is needed.

use crate::api::{self, CheckInRequest, CheckedIn, Notice, ServiceList, Ticket, TicketRequest};
use crate::http::{ClientError, Http};
use crate::shell::Waker;
use awn_core::wire::{PrintReport, PrinterTrouble};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// One blocking call per method. Implementations must bound each call (the HTTP one: 2 s).
pub trait TicketApi: Send + 'static {
    /// The services and whether the branch issues tickets now.
    fn services(&mut self) -> Result<ServiceList, ClientError>;
    fn notice(&mut self) -> Result<Notice, ClientError>;
    fn issue(
        &mut self,
        idempotency_key: &str,
        request: &TicketRequest,
    ) -> Result<Ticket, ClientError>;
    fn health(&mut self) -> Result<(), ClientError>;
    /// `POST /api/v1/kiosk/check-in`: the visitor who joined from the phone has arrived.
    fn check_in(&mut self, code: &str) -> Result<CheckedIn, ClientError>;
    /// `POST /api/v1/tickets/{id}/print-report`: whether the ticket came out of the printer
    /// (false raises a `not_printed` alert for supervisors) and what the printer said
    /// (`trouble`, the server's reason code: `paper_out`, `paper_near_end`, ...).
    fn report_print(
        &mut self,
        ticket_id: i64,
        printed: bool,
        trouble: Option<PrinterTrouble>,
    ) -> Result<(), ClientError>;
}

/// The real server over HTTP(S).
pub struct HttpApi(Http);

impl HttpApi {
    pub fn new(base_url: &str, token: &str, timeout: Duration) -> Self {
        HttpApi(Http::new(base_url, token, timeout))
    }

    /// Trusting only `trust`'s CAs for `https://` when given (`ca_file`).
    pub fn with_trust(
        base_url: &str,
        token: &str,
        timeout: Duration,
        trust: Option<&crate::tls::Trust>,
    ) -> Self {
        HttpApi(Http::with_trust(base_url, token, timeout, trust))
    }
}

impl From<Http> for HttpApi {
    fn from(http: Http) -> Self {
        HttpApi(http)
    }
}

impl TicketApi for HttpApi {
    fn services(&mut self) -> Result<ServiceList, ClientError> {
        api::parse_services(&self.0.get("/api/v1/services")?).map_err(ClientError::BadData)
    }
    fn notice(&mut self) -> Result<Notice, ClientError> {
        api::parse_notice(&self.0.get("/api/v1/intake-notice")?).map_err(ClientError::BadData)
    }
    fn issue(&mut self, key: &str, request: &TicketRequest) -> Result<Ticket, ClientError> {
        let body =
            serde_json::to_string(request).map_err(|e| ClientError::BadData(e.to_string()))?;
        let answer = self
            .0
            .post_json("/api/v1/tickets", &body, &[("Idempotency-Key", key)])?;
        api::parse_ticket(&answer).map_err(ClientError::BadData)
    }
    fn health(&mut self) -> Result<(), ClientError> {
        self.0.get_public("/api/v1/health").map(drop)
    }
    fn check_in(&mut self, code: &str) -> Result<CheckedIn, ClientError> {
        let body = serde_json::to_string(&CheckInRequest { code: code.into() })
            .map_err(|e| ClientError::BadData(e.to_string()))?;
        let answer = self.0.post_json("/api/v1/kiosk/check-in", &body, &[])?;
        api::parse_checked_in(&answer).map_err(ClientError::BadData)
    }
    fn report_print(
        &mut self,
        ticket_id: i64,
        printed: bool,
        trouble: Option<PrinterTrouble>,
    ) -> Result<(), ClientError> {
        let body = serde_json::to_string(&PrintReport { printed, trouble })
            .map_err(|e| ClientError::BadData(e.to_string()))?;
        self.0
            .post_json(
                &format!("/api/v1/tickets/{ticket_id}/print-report"),
                &body,
                &[],
            )
            .map(drop)
    }
}

/// What the UI asks of the worker. (A few messages per visitor: the size difference between
/// variants does not matter.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Command {
    RefreshServices,
    Submit {
        key: String,
        request: TicketRequest,
    },
    CancelSubmit,
    /// Check in with this code, once.
    CheckIn {
        request: u64,
        code: String,
    },
    /// Tell the server whether a ticket printed (retried until it is taken or refused).
    ReportPrint {
        ticket_id: i64,
        printed: bool,
        trouble: Option<PrinterTrouble>,
    },
}

/// What the worker reports back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientEvent {
    Services(Result<ServiceList, ClientError>),
    Notice(Result<Notice, ClientError>),
    Issued {
        key: String,
        ticket: Ticket,
    },
    Failed {
        key: String,
        error: ClientError,
    },
    Online(bool),
    /// The answer to check-in `request`.
    CheckedIn {
        request: u64,
        result: Result<CheckedIn, ClientError>,
    },
    /// The server took a print report (`Err`: it refused it, and it is not retried).
    PrintReported {
        ticket_id: i64,
        printed: bool,
        result: Result<(), ClientError>,
    },
}

/// Retry and reconnect timing of the worker.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    pub first_retry: Duration,
    pub max_retry: Duration,
    pub health_every: Duration,
    pub refresh_every: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            first_retry: Duration::from_millis(500),
            max_retry: Duration::from_secs(3),
            health_every: Duration::from_secs(2),
            refresh_every: Duration::from_secs(30),
        }
    }
}

/// The UI thread's handle on the worker.
pub struct Client {
    tx: Sender<Command>,
    rx: Mutex<Receiver<ClientEvent>>,
}

impl Client {
    /// Starts the worker thread; it fetches the services and the notice at once.
    pub fn start(api: impl TicketApi, policy: RetryPolicy, waker: Waker) -> Client {
        let (tx, cmd_rx) = mpsc::channel();
        let (ev_tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("kiosk-client".into())
            .spawn(move || Worker::new(api, policy, ev_tx, waker).run(cmd_rx))
            .expect("spawning the client thread");
        Client {
            tx,
            rx: Mutex::new(rx),
        }
    }

    pub fn send(&self, cmd: Command) {
        // The worker only stops when this handle is dropped, so a send cannot fail while we live.
        let _ = self.tx.send(cmd);
    }

    /// All events that arrived so far.
    pub fn drain(&self) -> Vec<ClientEvent> {
        let rx = self.rx.lock().unwrap_or_else(|p| p.into_inner());
        rx.try_iter().collect()
    }
}

struct Pending {
    key: String,
    request: TicketRequest,
    next_try: Instant,
    delay: Duration,
}

struct Report {
    ticket_id: i64,
    printed: bool,
    trouble: Option<PrinterTrouble>,
    next_try: Instant,
    delay: Duration,
}

struct Worker<A> {
    api: A,
    policy: RetryPolicy,
    tx: Sender<ClientEvent>,
    waker: Waker,
    online: bool,
    pending: Option<Pending>,
    reports: Vec<Report>,
    next_health: Instant,
    next_refresh: Instant,
    have_notice: bool,
}

impl<A: TicketApi> Worker<A> {
    fn new(api: A, policy: RetryPolicy, tx: Sender<ClientEvent>, waker: Waker) -> Self {
        let now = Instant::now();
        Worker {
            api,
            policy,
            tx,
            waker,
            online: true,
            pending: None,
            reports: Vec::new(),
            next_health: now,
            next_refresh: now,
            have_notice: false,
        }
    }

    fn emit(&self, ev: ClientEvent) {
        if self.tx.send(ev).is_ok() {
            (self.waker)();
        }
    }

    fn set_online(&mut self, online: bool) {
        if self.online != online {
            self.online = online;
            self.emit(ClientEvent::Online(online));
        }
        if !online {
            self.next_health = Instant::now() + self.policy.health_every;
        }
    }

    fn note(&mut self, e: &ClientError) {
        if matches!(e, ClientError::Unreachable(_)) {
            self.set_online(false);
        } else {
            self.set_online(true);
        }
    }

    fn refresh(&mut self) {
        self.next_refresh = Instant::now() + self.policy.refresh_every;
        let s = self.api.services();
        if let Err(e) = &s {
            self.note(e);
        } else {
            self.set_online(true);
        }
        let ok = s.is_ok();
        self.emit(ClientEvent::Services(s));
        if ok || !self.have_notice {
            let n = self.api.notice();
            self.have_notice |= n.is_ok();
            self.emit(ClientEvent::Notice(n));
        }
    }

    fn try_issue(&mut self) {
        let Some(p) = self.pending.as_mut() else {
            return;
        };
        let (key, request) = (p.key.clone(), p.request.clone());
        match self.api.issue(&key, &request) {
            Ok(ticket) => {
                self.pending = None;
                self.set_online(true);
                self.emit(ClientEvent::Issued { key, ticket });
            }
            Err(error) => {
                let retry = error.retryable();
                if let Some(p) = self.pending.as_mut()
                    && retry
                {
                    p.next_try = Instant::now() + p.delay;
                    p.delay = (p.delay * 2).min(self.policy.max_retry);
                }
                if !retry {
                    self.pending = None;
                }
                self.note(&error);
                self.emit(ClientEvent::Failed { key, error });
            }
        }
    }

    fn check_in(&mut self, request: u64, code: &str) {
        let result = self.api.check_in(code);
        match &result {
            Ok(_) => self.set_online(true),
            Err(e) => self.note(e),
        }
        self.emit(ClientEvent::CheckedIn { request, result });
    }

    /// Sends the print reports that are due; keeps the retryable failures for later.
    fn try_reports(&mut self) {
        let now = Instant::now();
        let due: Vec<usize> = (0..self.reports.len())
            .filter(|&i| self.reports[i].next_try <= now)
            .collect();
        let mut done = Vec::new();
        for i in due {
            let Report {
                ticket_id,
                printed,
                trouble,
                ..
            } = self.reports[i];
            match self.api.report_print(ticket_id, printed, trouble) {
                Ok(()) => {
                    done.push(i);
                    self.set_online(true);
                    self.emit(ClientEvent::PrintReported {
                        ticket_id,
                        printed,
                        result: Ok(()),
                    });
                }
                // A print report waits for the disk too: the alert must reach supervisors.
                Err(error) if error.retryable() || error.needs_staff() => {
                    let r = &mut self.reports[i];
                    r.next_try = Instant::now() + r.delay;
                    r.delay = (r.delay * 2).min(self.policy.max_retry);
                    self.note(&error);
                }
                Err(error) => {
                    done.push(i);
                    self.note(&error);
                    self.emit(ClientEvent::PrintReported {
                        ticket_id,
                        printed,
                        result: Err(error),
                    });
                }
            }
        }
        for i in done.into_iter().rev() {
            self.reports.remove(i);
        }
    }

    fn run(mut self, rx: Receiver<Command>) {
        self.refresh();
        loop {
            let now = Instant::now();
            let mut wake = self.next_refresh;
            if !self.online {
                wake = wake.min(self.next_health);
            }
            if let Some(p) = &self.pending {
                wake = wake.min(p.next_try);
            }
            for r in &self.reports {
                wake = wake.min(r.next_try);
            }
            match rx.recv_timeout(wake.saturating_duration_since(now)) {
                Ok(Command::RefreshServices) => self.refresh(),
                Ok(Command::Submit { key, request }) => {
                    self.pending = Some(Pending {
                        key,
                        request,
                        next_try: Instant::now(),
                        delay: self.policy.first_retry,
                    });
                }
                Ok(Command::CancelSubmit) => self.pending = None,
                Ok(Command::CheckIn { request, code }) => self.check_in(request, &code),
                Ok(Command::ReportPrint {
                    ticket_id,
                    printed,
                    trouble,
                }) => {
                    // A newer report for the same ticket replaces one still waiting.
                    self.reports.retain(|r| r.ticket_id != ticket_id);
                    self.reports.push(Report {
                        ticket_id,
                        printed,
                        trouble,
                        next_try: Instant::now(),
                        delay: self.policy.first_retry,
                    });
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            let now = Instant::now();
            if self.pending.as_ref().is_some_and(|p| p.next_try <= now) {
                self.try_issue();
            }
            if self.reports.iter().any(|r| r.next_try <= now) {
                self.try_reports();
            }
            if !self.online && self.next_health <= now {
                match self.api.health() {
                    Ok(()) => {
                        self.set_online(true);
                        self.refresh();
                    }
                    Err(_) => self.next_health = Instant::now() + self.policy.health_every,
                }
            } else if self.online && self.next_refresh <= now {
                self.refresh();
            }
        }
    }
}
