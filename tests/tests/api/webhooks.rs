//! Webhooks (issue 17 item 4) against a loopback HTTPS receiver written in Python, which checks
//! every request with the independent `standardwebhooks` package (PyPI, pinned in `.ci/run`)
//! and logs it. Its certificate comes from a CA the server trusts through `[webhooks] ca_file`.
//! Events of a full visit arrive signed and verified, with no personal data; a rating above the
//! threshold sends nothing; a receiver down for ten (manual-clock) minutes gets every event
//! afterwards, in order, once; a receiver that never answers 2xx ends in the dead list, and the
//! admin's replay delivers it.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::Config;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Pinned like schemathesis: the version `.ci/run` installs.
const STANDARDWEBHOOKS_VERSION: &str = "1.3.0";

const SENTINEL: &str = "SENTINEL-7c41";
const NATIONAL_ID: &str = "1234567897";
const MOBILE: &str = "0598765432";

/// The receiver: HTTPS on 127.0.0.1, verifies with `standardwebhooks`, answers the status in
/// `status_file` (200 when absent; 401 when the signature is wrong) and logs one JSON line per
/// request: its `webhook-id`, whether it verified, the status answered, the body.
const RECEIVER: &str = r#"
import http.server, json, ssl, sys
from standardwebhooks.webhooks import Webhook

port, cert, key, secret_file, log_file, status_file = sys.argv[1:]

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            Webhook(open(secret_file).read().strip()).verify(body, headers)
            verified = True
        except Exception:
            verified = False
        try:
            status = int(open(status_file).read().strip())
        except Exception:
            status = 200
        if not verified:
            status = 401
        with open(log_file, "a") as f:
            f.write(json.dumps({"id": headers.get("webhook-id"), "verified": verified,
                                "status": status, "body": body}) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
server.socket = context.wrap_socket(server.socket, server_side=True)
print("ready", flush=True)
server.serve_forever()
"#;

/// One logged request.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    verified: bool,
    status: u16,
    body: String,
    json: Value,
}

struct Receiver {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Receiver {
    /// Makes the CA and the receiver's certificate, and starts it.
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        counter_server::tls::make_branch_ca(&dir.path().join("pki"), &["127.0.0.1".into()], "t")
            .unwrap();
        std::fs::write(dir.path().join("receiver.py"), RECEIVER).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut r = Self {
            dir,
            port,
            child: None,
        };
        r.up();
        r
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn ca_file(&self) -> PathBuf {
        self.path("pki/ca.crt")
    }

    fn url(&self) -> String {
        format!("https://127.0.0.1:{}/hooks/awn", self.port)
    }

    fn up(&mut self) {
        let mut child = Command::new("python3")
            .arg(self.path("receiver.py"))
            .arg(self.port.to_string())
            .arg(self.path("pki/server.crt"))
            .arg(self.path("pki/server.key"))
            .arg(self.path("secret"))
            .arg(self.path("log.jsonl"))
            .arg(self.path("status"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the receiver needs `pip install standardwebhooks=={STANDARDWEBHOOKS_VERSION}` (as .ci/run does)"
        );
        self.child = Some(child);
    }

    /// Stops the receiver (its port refuses connections until `up`).
    fn down(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
    }

    fn set_secret(&self, secret: &str) {
        std::fs::write(self.path("secret"), secret).unwrap();
    }

    fn answer(&self, status: u16) {
        std::fs::write(self.path("status"), status.to_string()).unwrap();
    }

    fn received(&self) -> Vec<Received> {
        let Ok(text) = std::fs::read_to_string(self.path("log.jsonl")) else {
            return Vec::new();
        };
        text.lines()
            .map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                let body = v["body"].as_str().unwrap().to_string();
                Received {
                    id: v["id"].as_str().unwrap_or_default().to_string(),
                    verified: v["verified"].as_bool().unwrap(),
                    status: v["status"].as_u64().unwrap() as u16,
                    json: serde_json::from_str(&body).unwrap_or(Value::Null),
                    body,
                }
            })
            .collect()
    }

    /// The verified requests answered 2xx: what the receiver kept.
    fn kept(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| r.verified && r.status == 200)
            .collect()
    }

    /// Waits (real time) until `done` holds of what was received.
    async fn wait_for(&self, what: &str, done: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if done(&got) {
                return got;
            }
            assert!(
                start.elapsed() < StdDuration::from_secs(30),
                "waiting for {what}; received {got:#?}"
            );
            tokio::time::sleep(StdDuration::from_millis(100)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.down();
    }
}

fn start_server(clock: Arc<ManualClock>, ca_file: &Path) -> TestServer {
    let mut config = Config::demo();
    config.webhooks.ca_file = Some(ca_file.to_path_buf());
    let server = TestServer::start_with(TestOptions {
        config,
        clock,
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    server.add_staff("admin", Role::Admin, Gender::Male);
    server
}

fn nine_o_clock() -> Arc<ManualClock> {
    // 09:00 in Riyadh. The signed timestamp is the wall clock; attempts are due by this one.
    Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap(),
    ))
}

async fn ok(api: &Api, path: &str, token: &str, body: Option<Value>) -> Value {
    let r = api.post(path, token, body.as_ref()).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.json
}

/// Registers an endpoint for the receiver and gives it the secret; returns the endpoint's id.
async fn register(api: &Api, admin: &str, receiver: &Receiver, body: Value) -> i64 {
    let r = api.post("/api/v1/admin/webhooks", admin, Some(&body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let secret = r.json["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() >= 6 + 32,
        "{secret}"
    );
    receiver.set_secret(secret);
    r.json["endpoint"]["id"].as_i64().unwrap()
}

/// A visit from the kiosk to its end at desk 1, then rated; returns its ticket id.
async fn rated_visit(api: &Api, server: &TestServer, amal: &str, score: u8) -> i64 {
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let id = t.json["id"].as_i64().unwrap();
    let label = t.json["label"].as_str().unwrap().to_string();
    ok(api, "/api/v1/desks/1/call-next", amal, None).await;
    ok(api, &format!("/api/v1/tickets/{id}/start"), amal, None).await;
    let finish = json!({ "outcome": "information_given", "note": format!("{SENTINEL} note") });
    ok(
        api,
        &format!("/api/v1/tickets/{id}/finish"),
        amal,
        Some(finish),
    )
    .await;
    let rating = json!({ "label": label, "score": score, "reasons": ["waiting_time"],
        "comment": format!("{SENTINEL} comment") });
    let r = api
        .post("/api/v1/ratings", &server.rating_token, Some(&rating))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visits_events_arrive_signed_and_verified_with_no_personal_data() {
    let receiver = Receiver::start();
    let clock = nine_o_clock();
    let server = start_server(clock.clone(), &receiver.ca_file());
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;

    // Refused with their own codes.
    for (body, code) in [
        (
            json!({ "url": "http://127.0.0.1/x", "events": ["committee.decided"] }),
            "webhook_url_not_https",
        ),
        (
            json!({ "url": "https://127.0.0.1/x", "events": ["ticket.issued"] }),
            "unknown_event_type",
        ),
        (
            json!({ "url": "https://127.0.0.1/x", "events": ["rating.low"], "rating_threshold": 7 }),
            "bad_threshold",
        ),
    ] {
        let r = api
            .post("/api/v1/admin/webhooks", &admin, Some(&body))
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{}",
            r.text
        );
    }
    let all = json!({ "url": receiver.url(),
        "events": ["request.registered", "committee.decided", "rating.low"], "rating_threshold": 2 });
    let endpoint = register(&api, &admin, &receiver, all).await;
    let listed = api.get("/api/v1/admin/webhooks", Some(&admin)).await;
    assert_eq!(listed.json[0]["id"], endpoint);
    assert_eq!(listed.json[0]["rating_threshold"], 2);
    assert!(!listed.text.contains("whsec_"), "the secret is shown once");

    // A visit with a sentinel in every personal field: registered, rated low, decided.
    let amal = api.login_at_desk("amal", 1).await;
    let body = json!({ "service": "new_request", "intake": {
        "notice_version": "2026-11-v1", "name": SENTINEL, "national_id": NATIONAL_ID,
        "mobile": MOBILE, "needs": { "disability": SENTINEL } } });
    let t = api.issue(&server.kiosk_token, &key(), &body).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let v1 = t.json["id"].as_i64().unwrap();
    let label = t.json["label"].as_str().unwrap().to_string();
    ok(&api, "/api/v1/desks/1/call-next", &amal, None).await;
    ok(&api, &format!("/api/v1/tickets/{v1}/start"), &amal, None).await;
    let reference = api.register_request(v1, &amal).await;
    let rating = json!({ "label": label, "score": 2, "reasons": ["waiting_time", "clarity"],
        "comment": format!("{SENTINEL} comment") });
    let r = api
        .post("/api/v1/ratings", &server.rating_token, Some(&rating))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let huda = api.login("huda").await;
    let decide = json!({ "decision": "accepted", "decided_on": "2026-12-01" });
    ok(
        &api,
        &format!("/api/v1/requests/{reference}/decision"),
        &huda,
        Some(decide),
    )
    .await;

    let got = receiver
        .wait_for("three events", |r| {
            r.iter().filter(|r| r.verified).count() >= 3
        })
        .await;
    assert!(
        got.iter().all(|r| r.verified && r.status == 200),
        "{got:#?}"
    );
    let types: Vec<&str> = got
        .iter()
        .map(|r| r.json["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["request.registered", "rating.low", "committee.decided"],
        "in commit order"
    );
    let data: Vec<&Value> = got.iter().map(|r| &r.json["data"]).collect();
    assert_eq!(data[0]["branch"], "riyadh-1");
    assert_eq!(data[0]["reference"], reference.as_str());
    assert_eq!(data[0]["service"], "new_request");
    assert!(data[0]["earliest_answer"].is_string(), "{}", data[0]);
    assert_eq!(
        *data[1],
        json!({ "branch": "riyadh-1", "service": "new_request", "score": 2,
            "reason_codes": ["waiting_time", "clarity"], "rated_at": "2026-12-01T06:00:00Z" })
    );
    assert_eq!(
        *data[2],
        json!({ "branch": "riyadh-1", "reference": reference, "decision": "accepted",
            "decided_on": "2026-12-01" })
    );
    for r in &got {
        assert!(r.id.starts_with("msg_"), "{}", r.id);
        for needle in [SENTINEL, NATIONAL_ID, MOBILE, "amal", "huda", "ticket"] {
            assert!(!r.body.contains(needle), "{needle} in {}", r.body);
        }
    }

    // A rating above the threshold sends nothing (3 > 2); a later low one still goes.
    rated_visit(&api, &server, &amal, 3).await;
    rated_visit(&api, &server, &amal, 1).await;
    let got = receiver.wait_for("the low rating", |r| r.len() >= 4).await;
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    let got_later = receiver.received();
    assert_eq!(got_later.len(), 4, "{got_later:#?}");
    assert_eq!(got[3].json["data"]["score"], 1);

    // Every change was audited, by endpoint id.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let reason: String = conn
        .query_row(
            "SELECT reason FROM audit_log WHERE action = 'webhook_registered'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        reason,
        format!("endpoint {endpoint}: request.registered,committee.decided,rating.low")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_down_for_ten_minutes_gets_every_event_afterwards_in_order_once() {
    let mut receiver = Receiver::start();
    let clock = nine_o_clock();
    let server = start_server(clock.clone(), &receiver.ca_file());
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let body = json!({ "url": receiver.url(), "events": ["rating.low"], "rating_threshold": 5 });
    register(&api, &admin, &receiver, body).await;
    let amal = api.login_at_desk("amal", 1).await;

    receiver.down();
    // Ten minutes with the receiver down: a rating every three minutes, the worker trying.
    let mut scores = Vec::new();
    for minute in 0..10 {
        if minute % 3 == 0 {
            let score = [1, 2, 3, 4][minute / 3];
            rated_visit(&api, &server, &amal, score).await;
            scores.push(score);
        }
        tokio::time::sleep(StdDuration::from_millis(1500)).await;
        clock.advance(Duration::minutes(1));
    }
    assert!(receiver.received().is_empty());
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let attempts: i64 = conn
        .query_row("SELECT max(attempts) FROM webhook_deliveries", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(attempts >= 3, "the worker kept trying: {attempts}");
    let (tried_later,): (i64,) = conn
        .query_row(
            "SELECT count(*) FROM webhook_deliveries WHERE attempts > 0 AND id > (SELECT min(id) FROM webhook_deliveries)",
            [],
            |r| Ok((r.get(0)?,)),
        )
        .unwrap();
    assert_eq!(tried_later, 0, "the later events wait behind the first");

    receiver.up();
    // The next retry is at most 15 minutes away; step the clock until everything is in.
    let start = Instant::now();
    while receiver.kept().len() < scores.len() {
        assert!(
            start.elapsed() < StdDuration::from_secs(60),
            "{:#?}",
            receiver.received()
        );
        clock.advance(Duration::minutes(1));
        tokio::time::sleep(StdDuration::from_millis(300)).await;
    }
    // Nothing more comes, however long we wait.
    for _ in 0..5 {
        clock.advance(Duration::hours(1));
        tokio::time::sleep(StdDuration::from_millis(300)).await;
    }
    let kept = receiver.kept();
    let got: Vec<u64> = kept
        .iter()
        .map(|r| r.json["data"]["score"].as_u64().unwrap())
        .collect();
    assert_eq!(
        got,
        scores.iter().map(|s| u64::from(*s)).collect::<Vec<_>>(),
        "in order"
    );
    let mut ids: Vec<&str> = kept.iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), scores.len(), "each once: {kept:#?}");
    assert_eq!(receiver.received().len(), scores.len(), "no request twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_never_answers_2xx_ends_in_the_dead_list_and_replay_delivers_it() {
    let receiver = Receiver::start();
    receiver.answer(503);
    let clock = nine_o_clock();
    let server = start_server(clock.clone(), &receiver.ca_file());
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let body = json!({ "url": receiver.url(), "events": ["rating.low"], "rating_threshold": 2 });
    let endpoint = register(&api, &admin, &receiver, body).await;
    let amal = api.login_at_desk("amal", 1).await;
    rated_visit(&api, &server, &amal, 1).await;

    // Eleven attempts: the first, then one after each wait of the schedule (the longest 8 h).
    // The clock moves once the attempt is recorded (its retry is timed from the record).
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let recorded = || -> usize {
        conn.query_row("SELECT attempts FROM webhook_deliveries", [], |r| r.get(0))
            .unwrap()
    };
    for n in 1..=11 {
        receiver
            .wait_for(&format!("attempt {n}"), |r| r.len() >= n)
            .await;
        let start = Instant::now();
        while recorded() < n {
            assert!(
                start.elapsed() < StdDuration::from_secs(30),
                "attempt {n} recorded"
            );
            tokio::time::sleep(StdDuration::from_millis(50)).await;
        }
        clock.advance(Duration::hours(9));
    }
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    let got = receiver.received();
    assert_eq!(got.len(), 11, "then no more: {got:#?}");
    assert!(got.iter().all(|r| r.verified && r.status == 503));
    assert!(got.iter().all(|r| r.id == got[0].id), "one event, one id");

    // The session timed out with the days the clock moved: sign in again.
    let admin = api.login("admin").await;
    let dead = api
        .get("/api/v1/admin/webhook-deliveries/dead", Some(&admin))
        .await;
    assert_eq!(dead.status, StatusCode::OK, "{}", dead.text);
    let dead = dead.json.as_array().unwrap().clone();
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert_eq!(dead[0]["endpoint"], endpoint);
    assert_eq!(dead[0]["event_type"], "rating.low");
    assert_eq!(dead[0]["event_id"], got[0].id.as_str());
    assert_eq!(dead[0]["attempts"], 11);
    assert_eq!(dead[0]["last_error"], "503");
    assert!(dead[0].get("payload").is_none());

    let token = counter_server::provision::add_metrics_token(&server.db, "prometheus").unwrap();
    let metrics = api.get("/metrics", Some(&token)).await;
    for line in [
        "awn_webhook_deliveries_pending{branch=\"riyadh-1\"} 0",
        "awn_webhook_deliveries_dead{branch=\"riyadh-1\"} 1",
    ] {
        assert!(
            metrics.text.lines().any(|l| l == line),
            "{line} in\n{}",
            metrics.text
        );
    }

    receiver.answer(200);
    let id = dead[0]["id"].as_i64().unwrap();
    let path = format!("/api/v1/admin/webhook-deliveries/{id}/replay");
    let r = api.send(Method::POST, &path, Some(&admin), None, &[]).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let got = receiver.wait_for("the replay", |r| r.len() >= 12).await;
    assert_eq!(
        (got[11].id.as_str(), got[11].status),
        (got[0].id.as_str(), 200)
    );
    let r = api.send(Method::POST, &path, Some(&admin), None, &[]).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::NOT_FOUND, "dead_delivery_not_found")
    );
    let dead = api
        .get("/api/v1/admin/webhook-deliveries/dead", Some(&admin))
        .await;
    assert_eq!(dead.json, json!([]));
    let metrics = api.get("/metrics", Some(&token)).await;
    assert!(
        metrics
            .text
            .lines()
            .any(|l| l == "awn_webhook_deliveries_dead{branch=\"riyadh-1\"} 0")
    );
}
