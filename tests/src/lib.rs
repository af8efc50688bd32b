//! Helpers for the end-to-end tests: an HTTP client for the API, an SSE reader, and row counts
//! read straight from the database file.

pub mod postgres;
pub mod seed;
pub mod webdriver;

use std::path::Path;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

pub use counter_server::testing::{TEST_PASSWORD, TestOptions, TestServer};

/// A test server whose injected clock stands at 09:00 in Riyadh today, so that slots set for
/// later today are ahead whatever the hour of the run (from 22:30 Riyadh, "in 90 minutes" is
/// tomorrow); with that time and the clock.
pub fn at_nine_in_riyadh_today() -> (
    chrono::DateTime<chrono::FixedOffset>,
    std::sync::Arc<counter_server::clock::ManualClock>,
    TestServer,
) {
    at_nine_in_riyadh_today_with(counter_server::config::Config::demo())
}

/// `at_nine_in_riyadh_today` for the branch `config`.
pub fn at_nine_in_riyadh_today_with(
    config: counter_server::config::Config,
) -> (
    chrono::DateTime<chrono::FixedOffset>,
    std::sync::Arc<counter_server::clock::ManualClock>,
    TestServer,
) {
    let riyadh = chrono::FixedOffset::east_opt(3 * 3600).expect("UTC+3");
    let nine = chrono::Utc::now()
        .with_timezone(&riyadh)
        .date_naive()
        .and_hms_opt(9, 0, 0)
        .expect("09:00")
        .and_local_timezone(riyadh)
        .single()
        .expect("a fixed offset");
    let clock = std::sync::Arc::new(counter_server::clock::ManualClock::new(
        nine.with_timezone(&chrono::Utc),
    ));
    let server = TestServer::start_with(TestOptions {
        config,
        clock: clock.clone(),
        ..TestOptions::default()
    });
    (nine, clock, server)
}

/// A thin client over the real HTTP API.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: Client,
}

/// A reply: status and JSON body (`Value::Null` when empty), plus the raw text.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub json: Value,
    pub text: String,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or("")
    }
}

/// Every refusal any test meets carries both languages, and its English is a sentence: the kiosk,
/// the console and the phone pages show the server's own words.
fn assert_refusal_reads_on_a_screen(status: StatusCode, json: &Value) {
    if status.is_success() || json["code"].is_null() {
        return;
    }
    let (ar, en) = (&json["message"]["ar"], &json["message"]["en"]);
    let (ar, en) = (ar.as_str().unwrap_or(""), en.as_str().unwrap_or(""));
    assert!(
        !ar.trim().is_empty(),
        "{status} without Arabic words: {json}"
    );
    // A settings refusal may open with the section of the settings file it names (`[branch] …`).
    assert!(
        en.starts_with(|c: char| c.is_ascii_uppercase() || c == '['),
        "{status} whose English does not start a sentence: {json}"
    );
}

impl Api {
    pub fn new(base: &str) -> Self {
        let http = Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client");
        Self {
            base: base.to_string(),
            http,
        }
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.expect("the server answers");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        assert_refusal_reads_on_a_screen(status, &json);
        Reply { status, json, text }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Option<&Value>) -> Reply {
        self.send(Method::POST, path, Some(token), body, &[]).await
    }

    /// Issues a ticket with an idempotency key.
    pub async fn issue(&self, kiosk: &str, key: &str, body: &Value) -> Reply {
        self.send(
            Method::POST,
            "/api/v1/tickets",
            Some(kiosk),
            Some(body),
            &[("Idempotency-Key", key)],
        )
        .await
    }

    /// Logs in with `TEST_PASSWORD` and returns the session token.
    pub async fn login(&self, username: &str) -> String {
        self.login_as(username, TEST_PASSWORD).await
    }

    /// Logs in with `password` and returns the session token.
    pub async fn login_as(&self, username: &str, password: &str) -> String {
        let r = self
            .send(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(&serde_json::json!({"username": username, "password": password})),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text);
        r.json["token"].as_str().expect("token").to_string()
    }

    /// Logs in and signs in at `desk`; returns the session token.
    pub async fn login_at_desk(&self, username: &str, desk: u32) -> String {
        let token = self.login(username).await;
        let r = self
            .post(&format!("/api/v1/desks/{desk}/sign-in"), &token, None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::NO_CONTENT,
            "{username} at desk {desk}: {}",
            r.text
        );
        token
    }

    /// Everything registering a support request waits for (policy 6.2-6.6), done by the desk
    /// serving the visitor: each required document of the demo's `new_request` checklist recorded
    /// valid (a service without documents ignores them), then the three checklist items.
    pub async fn complete_checklist(&self, ticket: i64, token: &str) {
        let in_a_year = (chrono::Utc::now() + chrono::Duration::days(365))
            .date_naive()
            .to_string();
        let visit = self
            .get(&format!("/api/v1/tickets/{ticket}/visit"), Some(token))
            .await;
        for d in visit.json["documents"].as_array().into_iter().flatten() {
            if d["required"] != true {
                continue;
            }
            let body = serde_json::json!({
                "document": d["code"],
                "valid": true,
                "expires_on": in_a_year,
                "reference": "1448/1",
            });
            let r = self
                .post(
                    &format!("/api/v1/tickets/{ticket}/documents"),
                    token,
                    Some(&body),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::OK,
                "document {}: {}",
                d["code"],
                r.text
            );
        }
        self.tick(ticket, token, "documents_checked").await;
        self.confirm_on_paper(ticket, token).await;
        self.tick(ticket, token, "committee_told").await;
    }

    /// The desk serving `ticket` completes everything 6.6 waits for and finishes the visit with
    /// "support request registered"; returns the request's reference.
    pub async fn register_request(&self, ticket: i64, token: &str) -> String {
        self.complete_checklist(ticket, token).await;
        let done = self
            .post(
                &format!("/api/v1/tickets/{ticket}/finish"),
                token,
                Some(&serde_json::json!({ "outcome": "support_request_registered" })),
            )
            .await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        done.json["follow_up"]["reference"]
            .as_str()
            .expect("a registered request has a reference")
            .to_string()
    }

    /// Ticks one checklist item (200 expected).
    pub async fn tick(&self, ticket: i64, token: &str, item: &str) {
        let r = self
            .post(
                &format!("/api/v1/tickets/{ticket}/checklist"),
                token,
                Some(&serde_json::json!({ "item": item })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{item}: {}", r.text);
    }

    /// The applicant signed the printed form (policy 6.4): records it with the fingerprint of
    /// the data as it is now. A visitor who gave no details gives a name at the desk first.
    pub async fn confirm_on_paper(&self, ticket: i64, token: &str) {
        let standing_path = format!("/api/v1/tickets/{ticket}/confirmation");
        let mut standing = self.get(&standing_path, Some(token)).await;
        assert_eq!(standing.status, StatusCode::OK, "{}", standing.text);
        if standing.json["fingerprint"].is_null() {
            let name = serde_json::json!({
                "field": "name", "value": "متقدم تجريبي", "consent_at_desk": true
            });
            let r = self
                .post(
                    &format!("/api/v1/tickets/{ticket}/intake"),
                    token,
                    Some(&name),
                )
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "intake: {}", r.text);
            standing = self.get(&standing_path, Some(token)).await;
        }
        let body = serde_json::json!({ "fingerprint": standing.json["fingerprint"] });
        let r = self
            .post(
                &format!("/api/v1/tickets/{ticket}/signed-on-paper"),
                token,
                Some(&body),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::NO_CONTENT,
            "signed on paper: {}",
            r.text
        );
    }

    /// Opens the event stream and returns a channel of `(event, data)` pairs.
    pub async fn events(
        &self,
        token: &str,
    ) -> tokio::sync::mpsc::UnboundedReceiver<(String, String)> {
        let mut events = self.sse("/api/v1/events", Some(token), None).await;
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(e) = events.recv().await {
                if !e.data.is_empty() && tx.send((e.event, e.data)).is_err() {
                    return;
                }
            }
        });
        rx
    }

    /// Opens an event stream at `path` (200 expected), optionally resuming after
    /// `last_event_id`, and returns a channel of every event received (heartbeats included).
    pub async fn sse(
        &self,
        path: &str,
        token: Option<&str>,
        last_event_id: Option<&str>,
    ) -> tokio::sync::mpsc::UnboundedReceiver<SseEvent> {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let res = req.send().await.expect("event stream");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut body = res.bytes_stream();
            let mut buf = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    let mut e = SseEvent {
                        id: None,
                        event: String::from("message"),
                        data: String::new(),
                        retry: None,
                    };
                    for line in block.lines() {
                        let (field, value) = line.split_once(':').unwrap_or((line, ""));
                        let value = value.strip_prefix(' ').unwrap_or(value).to_string();
                        match field {
                            "id" => e.id = Some(value),
                            "event" => e.event = value,
                            "data" => e.data.push_str(&value),
                            "retry" => e.retry = value.parse().ok(),
                            _ => {}
                        }
                    }
                    let comment_only = e.id.is_none() && e.data.is_empty() && e.retry.is_none();
                    if !comment_only && tx.send(e).is_err() {
                        return;
                    }
                }
            }
        });
        rx
    }
}

/// One server-sent event as received (`event` is "message" when the server named none).
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
    /// The reconnection delay in milliseconds, when the event set one.
    pub retry: Option<u64>,
}

/// Waits for the next event of `kind` on a stream, skipping others.
pub async fn next_event(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
    kind: &str,
) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (e, d) = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("event in time")
            .expect("stream open");
        if e == kind {
            return serde_json::from_str(&d).expect("event data is JSON");
        }
    }
}

/// Row counts of the tables a rejected request must not change.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Counts {
    pub tickets: i64,
    pub ticket_events: i64,
    pub intakes: i64,
    pub consents: i64,
    pub idempotency_keys: i64,
    pub alerts: i64,
    pub sessions: i64,
}

pub fn counts(db: &Path) -> Counts {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open db");
    let n = |table: &str| {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .expect("count")
    };
    Counts {
        tickets: n("tickets"),
        ticket_events: n("ticket_events"),
        intakes: n("intakes"),
        consents: n("consents"),
        idempotency_keys: n("idempotency_keys"),
        alerts: n("alerts"),
        sessions: n("sessions"),
    }
}

/// A fresh idempotency key.
pub fn key() -> String {
    counter_server::auth::tokens::random_token(18)
}

/// `toml` (a branch configuration) with its `[hours]` section replaced: open every day, all day,
/// no cut-off. Tests run at any hour (CI at 03:00 Riyadh time); `TestServer` does the same to the
/// demo's hours, this is for tests that start the real binary with a file.
pub fn open_around_the_clock(toml: &str) -> String {
    let start = toml.find("[hours]").expect("an [hours] section");
    let end = toml[start..]
        .find("\n[")
        .map_or(toml.len(), |n| start + n + 1);
    let days = [
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
    ];
    let hours: String = days
        .iter()
        .map(|d| format!("{d} = \"00:00-24:00\"\n"))
        .collect();
    format!(
        "{}[hours]\n{hours}cutoff_minutes = 0\n\n{}",
        &toml[..start],
        &toml[end..]
    )
}

/// Writes the demo branch, open around the clock and reached at `public_base_url`, into `dir`
/// for `counter-server serve --config`.
pub fn always_open_config(dir: &Path, public_base_url: &str) -> std::path::PathBuf {
    let demo = counter_server::config::Config::demo();
    let toml = open_around_the_clock(counter_server::config::DEMO_TOML).replacen(
        &format!("public_base_url = {:?}", demo.branch.public_base_url),
        &format!("public_base_url = {public_base_url:?}"),
        1,
    );
    let path = dir.join("always-open.toml");
    std::fs::write(&path, toml).expect("write the test configuration");
    path
}

/// A configuration with `desks` beneficiary-relations desks serving every service.
pub fn config_with_desks(desks: u32) -> counter_server::config::Config {
    let mut toml = counter_server::config::DEMO_TOML
        .split("[[desks]]")
        .next()
        .expect("demo config")
        .to_string();
    for id in 1..=desks {
        toml.push_str(&format!(
            "[[desks]]\nid = {id}\nkind = \"beneficiary_relations\"\nservices = [\"new_request\", \"follow_up\", \"inquiry\", \"volunteering\"]\n\n"
        ));
    }
    toml.push_str(
        "[[desks]]\nid = 99\nkind = \"social_research\"\nservices = [\"social_research\"]\n",
    );
    counter_server::config::Config::parse(&toml).expect("test configuration")
}
