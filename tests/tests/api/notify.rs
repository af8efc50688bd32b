//! "Your turn is near" (issue 16 item 2) against independent implementations on loopback:
//! - a fake push service in Python holds its own P-256 key pair and auth secret (as a browser
//!   does), checks the VAPID token of every request (RFC 8292) with `cryptography`, decrypts the
//!   `aes128gcm` body (RFC 8291) with `http_ece` (PyPI, both pinned in `.ci/run`), and logs the
//!   plaintext;
//! - a fake SMS gateway in Python logs each message's JSON and bearer token.
//!
//! What the visitor receives holds only the label, the desk and the branch's name.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use counter_server::notify::message::Kind;
use counter_server::notify::{push, sms};
use serde_json::Value;

/// The versions `.ci/run` installs.
const HTTP_ECE_VERSION: &str = "1.2.1";
const CRYPTOGRAPHY_HINT: &str = "cryptography (a dependency of http_ece)";

pub const SUBJECT: &str = "mailto:it@awn.example";

/// The push service: plain HTTP on 127.0.0.1 (the server allows it to loopback only). Prints its
/// subscription keys as one JSON line, then logs one JSON line per request: the VAPID check's
/// outcome and claims, the headers that matter, and the decrypted plaintext. Answers 201, or the
/// status in `status_file`.
const PUSH_SERVICE: &str = r#"
import base64, http.server, json, os, sys, time
import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

port, log_file, status_file = sys.argv[1:]
origin = "http://127.0.0.1:" + port

def b64d(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))

def b64e(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()

private = ec.generate_private_key(ec.SECP256R1())
public = private.public_key().public_bytes(
    serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
auth = os.urandom(16)

last_key = [None]

def check_vapid(value):
    # "vapid t=<jwt>, k=<key>" (RFC 8292 section 3)
    scheme, _, params = value.partition(" ")
    if scheme.lower() != "vapid":
        return False, "scheme", None
    fields = dict(p.strip().split("=", 1) for p in params.split(","))
    jwt, k = fields["t"], fields["k"]
    last_key[0] = k
    head, claims, sig = jwt.split(".")
    if json.loads(b64d(head)) != {"typ": "JWT", "alg": "ES256"}:
        return False, "header", None
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(k))
    raw = b64d(sig)
    if len(raw) != 64:
        return False, "signature length", None
    der = utils.encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, (head + "." + claims).encode(), ec.ECDSA(hashes.SHA256()))
    except Exception:
        return False, "signature", None
    c = json.loads(b64d(claims))
    now = time.time()
    if c.get("aud") != origin:
        return False, "aud", c
    if not (now < c.get("exp", 0) <= now + 24 * 3600):
        return False, "exp", c
    if not (c.get("sub", "").startswith("mailto:") or c.get("sub", "").startswith("https:")):
        return False, "sub", c
    return True, "ok", c

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        entry = {"path": self.path, "encoding": self.headers.get("content-encoding"),
                 "ttl": self.headers.get("ttl"), "urgency": self.headers.get("urgency")}
        try:
            ok, why, claims = check_vapid(self.headers.get("authorization", ""))
        except Exception as e:
            ok, why, claims = False, "malformed: " + type(e).__name__, None
        entry.update({"vapid": ok, "vapid_why": why, "claims": claims, "key": last_key[0]})
        try:
            plain = http_ece.decrypt(body, private_key=private, auth_secret=auth, version="aes128gcm")
            entry["plaintext"] = plain.decode()
        except Exception as e:
            entry["plaintext"] = None
            entry["decrypt_error"] = type(e).__name__
        try:
            status = int(open(status_file).read().strip())
        except Exception:
            status = 201
        with open(log_file, "a") as f:
            f.write(json.dumps(entry) + "\n")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
print(json.dumps({"p256dh": b64e(public), "auth": b64e(auth)}), flush=True)
server.serve_forever()
"#;

/// The SMS gateway: plain HTTP on 127.0.0.1; logs each request's bearer token and JSON body.
const SMS_GATEWAY: &str = r#"
import http.server, json, sys

port, log_file = sys.argv[1:]

class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0"))).decode()
        with open(log_file, "a") as f:
            f.write(json.dumps({"path": self.path, "authorization": self.headers.get("authorization"),
                                "content_type": self.headers.get("content-type"),
                                "body": json.loads(body)}) + "\n")
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
print("ready", flush=True)
server.serve_forever()
"#;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Python fake on a loopback port, with its log of one JSON line per request.
pub struct Fake {
    dir: tempfile::TempDir,
    pub port: u16,
    child: Child,
    /// The first line it printed.
    pub hello: String,
}

impl Fake {
    fn start(script: &str, extra: &[&str], hint: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fake.py"), script).unwrap();
        let port = free_port();
        let mut child = Command::new("python3")
            .arg(dir.path().join("fake.py"))
            .arg(port.to_string())
            .arg(dir.path().join("log.jsonl"))
            .args(extra.iter().map(|e| dir.path().join(e)))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut hello = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut hello)
            .unwrap();
        assert!(!hello.trim().is_empty(), "the fake needs {hint}");
        Self {
            dir,
            port,
            child,
            hello: hello.trim().to_string(),
        }
    }

    /// The push service, with its own key pair and auth secret.
    pub fn push_service() -> Self {
        Self::start(
            PUSH_SERVICE,
            &["status"],
            &format!(
                "`pip install http_ece=={HTTP_ECE_VERSION}` and {CRYPTOGRAPHY_HINT} (as .ci/run does)"
            ),
        )
    }

    pub fn sms_gateway() -> Self {
        Self::start(SMS_GATEWAY, &[], "python3")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A subscription to this push service, as a browser's `PushSubscription.toJSON()` gives it
    /// (flattened).
    pub fn subscription(&self, path: &str) -> push::Subscription {
        let keys: Value = serde_json::from_str(&self.hello).unwrap();
        push::Subscription {
            endpoint: format!("http://127.0.0.1:{}{path}", self.port),
            p256dh: keys["p256dh"].as_str().unwrap().into(),
            auth: keys["auth"].as_str().unwrap().into(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn answer(&self, status: u16) {
        std::fs::write(self.path("status"), status.to_string()).unwrap();
    }

    pub fn received(&self) -> Vec<Value> {
        std::fs::read_to_string(self.path("log.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Waits (real time, 20 s at most) until `n` requests were received.
    pub async fn wait_for(&self, n: usize) -> Vec<Value> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "waiting for {n} requests; got {got:#?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A pushed notice, checked: the VAPID token verified for this service's origin, the body
/// `aes128gcm` and decrypted; its plaintext as JSON, which must have exactly `title`, `body`,
/// `tag`.
pub fn opened(entry: &Value) -> Value {
    assert_eq!(entry["vapid"], true, "VAPID check: {entry:#}");
    assert_eq!(entry["claims"]["sub"], SUBJECT, "{entry:#}");
    assert_eq!(entry["encoding"], "aes128gcm", "{entry:#}");
    assert_eq!(entry["urgency"], "high", "{entry:#}");
    assert!(entry["ttl"].as_str().is_some(), "{entry:#}");
    let plain = entry["plaintext"]
        .as_str()
        .unwrap_or_else(|| panic!("decrypted: {entry:#}"));
    let payload: Value = serde_json::from_str(plain).unwrap();
    let mut keys: Vec<&str> = payload
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["body", "tag", "title"], "{payload:#}");
    payload
}

/// The senders alone, against the independent implementations: what `http_ece` decrypts is the
/// branch's name, the notice with the label (and the desk when called), and the label as tag;
/// a push service's 410 is `Gone`; the SMS gateway gets the number in E.164, the text, the token.
#[tokio::test]
async fn the_push_and_sms_senders_pass_independent_checks() {
    let service = Fake::push_service();
    let client = counter_server::webhooks::client::Client::trusting("push.ca_file", None).unwrap();
    let key = push::VapidKey::generate().unwrap();
    let sub = service.subscription("/push/abc");
    let near = push::payload(Kind::Near, awn_core::Lang::En, "B-017", None, "Awn");
    push::send(&client, &sub, &near, &key, SUBJECT, 600)
        .await
        .unwrap();
    let called = push::payload(
        Kind::Called,
        awn_core::Lang::Ar,
        "B-017",
        Some("المكتب 3"),
        "جمعية عون",
    );
    push::send(&client, &sub, &called, &key, SUBJECT, 600)
        .await
        .unwrap();
    let got = service.wait_for(2).await;
    assert_eq!(got[0]["path"], "/push/abc");
    assert_eq!(got[0]["ttl"], "600");
    let first = opened(&got[0]);
    assert_eq!(first["title"], "Awn");
    assert_eq!(
        first["body"],
        "Your turn is near, ticket B-017. Please come to the branch."
    );
    assert_eq!(first["tag"], "B-017");
    let second = opened(&got[1]);
    assert_eq!(second["title"], "جمعية عون");
    assert_eq!(second["body"], "حان دورك، التذكرة B-017، المكتب 3.");

    // A subscription the push service no longer knows.
    service.answer(410);
    assert_eq!(
        push::send(&client, &sub, &near, &key, SUBJECT, 600).await,
        Err(push::PushError::Gone)
    );
    // Another key's token does not verify as this one's (the check can fail).
    let mut wrong = sub.clone();
    wrong.auth = "AAAAAAAAAAAAAAAAAAAAAA".into();
    service.answer(201);
    push::send(&client, &wrong, &near, &key, SUBJECT, 600)
        .await
        .unwrap();
    let got = service.wait_for(4).await;
    assert!(
        got[3]["plaintext"].is_null(),
        "a body for another auth secret does not decrypt: {:#}",
        got[3]
    );

    let gateway = Fake::sms_gateway();
    let g = sms::SmsGateway {
        url: gateway.url("/send"),
        token: "gw-token-1".into(),
        sender: Some("Awn".into()),
    };
    let text = counter_server::notify::message::text(
        Kind::Called,
        awn_core::Lang::En,
        "B-017",
        Some("desk 3"),
        "Awn",
    );
    sms::send(&client, &g, "0512345678", &text).await.unwrap();
    let got = gateway.wait_for(1).await;
    assert_eq!(got[0]["authorization"], "Bearer gw-token-1");
    assert_eq!(got[0]["content_type"], "application/json");
    assert_eq!(
        got[0]["body"],
        serde_json::json!({"to": "+966512345678", "text": "Awn: It is your turn, ticket B-017, desk 3.", "from": "Awn"})
    );
}

/// The database file, its WAL and shared memory, as raw bytes: whether `needle` is in any.
pub(crate) fn in_raw_files(db: &std::path::Path, needle: &str) -> bool {
    ["", "-wal", "-shm"].iter().any(|ext| {
        std::fs::read(format!("{}{ext}", db.display()))
            .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

struct Branch {
    server: e2e::TestServer,
    api: e2e::Api,
    push: Fake,
    gateway: Fake,
    _dir: tempfile::TempDir,
}

/// A branch with `[push]` taking the fake push service's loopback endpoints and `[sms]` to the
/// fake gateway.
fn branch(db_path: Option<PathBuf>, fakes: Option<(Fake, Fake)>) -> Branch {
    branch_with(db_path, fakes, true)
}

/// As `branch`; `loopback`: `[push] allow_loopback_endpoints` (the fake push service is plain
/// HTTP on 127.0.0.1).
fn branch_with(db_path: Option<PathBuf>, fakes: Option<(Fake, Fake)>, loopback: bool) -> Branch {
    use counter_server::config::{Config, PushConfig, SmsConfig};
    use counter_server::domain::{Gender, Role};
    let (push, gateway) = fakes.unwrap_or_else(|| (Fake::push_service(), Fake::sms_gateway()));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sms-token"), "gw-token-2\n").unwrap();
    let mut config = Config::demo();
    config.push = Some(PushConfig {
        subject: SUBJECT.into(),
        ca_file: None,
        allow_loopback_endpoints: loopback,
    });
    config.sms = Some(SmsConfig {
        url: gateway.url("/send"),
        token_file: dir.path().join("sms-token"),
        sender: None,
    });
    let restart = db_path.is_some();
    let server = e2e::TestServer::start_with(e2e::TestOptions {
        config,
        db_path,
        ..e2e::TestOptions::default()
    });
    if !restart {
        server.add_staff("amal", Role::Reception, Gender::Female);
    }
    let api = e2e::Api::new(&server.base_url);
    Branch {
        server,
        api,
        push,
        gateway,
        _dir: dir,
    }
}

/// Nothing more arrives within a second (the worker looks 100 ms after each commit).
async fn quiet(fake: &Fake, n: usize) {
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(fake.received().len(), n, "{:#?}", fake.received());
}

const NUMBER: &str = "0598765431";
const NUMBER_E164: &str = "+966598765431";

/// A visitor five places back asks from the status page for both: "your turn is near" arrives
/// once, at 3 people ahead (not at 4, not again at 2, 1, 0, nor after a restart), "it is your
/// turn" with the desk once called, and the number and subscription are gone from the
/// database's bytes as soon as the visit ends.
#[tokio::test(flavor = "multi_thread")]
async fn near_once_at_the_threshold_called_with_the_desk_and_the_number_erased_after() {
    use serde_json::json;
    let b = branch(None, None);
    let (api, server) = (&b.api, &b.server);
    let mut tickets = Vec::new();
    for _ in 0..6 {
        let t = api
            .issue(
                &server.kiosk_token,
                &e2e::key(),
                &json!({"service": "inquiry"}),
            )
            .await;
        assert!(t.status.is_success(), "{}", t.text);
        tickets.push(t.json);
    }
    let me = tickets[5].clone();
    let token = me["status_token"].as_str().unwrap().to_string();
    let label = me["label"].as_str().unwrap().to_string();
    assert_eq!(me["people_ahead"], 5);

    let path = format!("/api/v1/status/{token}/notify");
    let options = api.get(&path, None).await;
    assert_eq!(options.status, reqwest::StatusCode::OK, "{}", options.text);
    let public_key = options.json["push_public_key"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(options.json["sms"], true);
    assert_eq!(options.json["asked"], json!([]));
    let sub = b.push.subscription("/push/visitor-7f3a");
    let r = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(
                &json!({"push": {"endpoint": sub.endpoint, "expirationTime": null,
                                  "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}, "lang": "en"}),
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{}", r.text);
    let r = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(&json!({"sms": NUMBER})),
            &[],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{}", r.text);
    // Refused: a plain-HTTP endpoint across the network; not a number.
    let bad = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(&json!({"push": {"endpoint": "http://push.example.net/x",
                                  "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}})),
            &[],
        )
        .await;
    assert_eq!(bad.code(), "invalid_subscription", "{}", bad.text);
    let bad = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(&json!({"sms": "12"})),
            &[],
        )
        .await;
    assert_eq!(bad.code(), "invalid_mobile", "{}", bad.text);
    let options = api.get(&path, None).await;
    assert_eq!(options.json["asked"], json!(["push", "sms"]));

    // Each call moves the visitor up one; at 4 ahead nothing is sent.
    let amal = api.login_at_desk("amal", 1).await;
    let call_and_close = |i: usize| {
        let (api, amal, id) = (api, amal.clone(), tickets[i]["id"].clone());
        async move {
            let c = api.post("/api/v1/desks/1/call-next", &amal, None).await;
            assert_eq!(c.json["id"], id, "{}", c.text);
            let r = api
                .post(&format!("/api/v1/tickets/{id}/no-show"), &amal, None)
                .await;
            assert!(r.status.is_success(), "{}", r.text);
        }
    };
    call_and_close(0).await;
    quiet(&b.push, 0).await;
    quiet(&b.gateway, 0).await;
    call_and_close(1).await;
    let got = b.push.wait_for(1).await;
    let near = opened(&got[0]);
    assert_eq!(got[0]["path"], "/push/visitor-7f3a");
    assert_eq!(got[0]["ttl"], "600");
    assert_eq!(
        near,
        json!({"title": counter_server::config::Config::demo().branch.name_en, "tag": label,
               "body": format!("Your turn is near, ticket {label}. Please come to the branch.")})
    );
    // Signed for this push service's origin, by the key the page was given to subscribe with.
    assert_eq!(
        got[0]["claims"]["aud"],
        format!("http://127.0.0.1:{}", b.push.port)
    );
    assert_eq!(got[0]["key"], public_key.as_str());
    let sms = b.gateway.wait_for(1).await;
    assert_eq!(sms[0]["authorization"], "Bearer gw-token-2");
    let name_ar = counter_server::config::Config::demo().branch.name_ar;
    assert_eq!(
        sms[0]["body"],
        json!({"to": NUMBER_E164,
               "text": format!("{name_ar}: اقترب دورك، التذكرة {label}. يرجى الحضور إلى الفرع.")})
    );

    // Further moves send nothing more, and neither does a restart.
    call_and_close(2).await;
    let Branch {
        server,
        push,
        gateway,
        ..
    } = b;
    let (db_path, _kept) = server.stop_keep_files();
    let b = branch(Some(db_path), Some((push, gateway)));
    let (api, server) = (&b.api, &b.server);
    let amal = api.login_at_desk("amal", 1).await;
    for t in &tickets[3..5] {
        let c = api.post("/api/v1/desks/1/call-next", &amal, None).await;
        assert_eq!(c.json["id"], t["id"], "{}", c.text);
        api.post(&format!("/api/v1/tickets/{}/no-show", t["id"]), &amal, None)
            .await;
    }
    quiet(&b.push, 1).await;
    quiet(&b.gateway, 1).await;

    // Called: "it is your turn" with the desk, once.
    let c = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(c.json["id"], me["id"], "{}", c.text);
    let got = b.push.wait_for(2).await;
    let called = opened(&got[1]);
    assert_eq!(
        got[1]["key"],
        public_key.as_str(),
        "the VAPID key outlives the restart"
    );
    let desk = counter_server::config::Config::demo()
        .desks
        .iter()
        .find(|d| d.id == 1)
        .and_then(|d| d.name_en.clone())
        .unwrap_or_else(|| "desk 1".into());
    assert_eq!(
        called["body"],
        format!("It is your turn, ticket {label}, {desk}.")
    );
    let sms = b.gateway.wait_for(2).await;
    let desk_ar = counter_server::config::Config::demo()
        .desks
        .iter()
        .find(|d| d.id == 1)
        .and_then(|d| d.name_ar.clone())
        .unwrap_or_else(|| "المكتب 1".into());
    assert_eq!(
        sms[1]["body"]["text"],
        format!("{name_ar}: حان دورك، التذكرة {label}، {desk_ar}.")
    );
    assert!(
        in_raw_files(&server.db_path, NUMBER_E164),
        "held while the visit lasts"
    );
    quiet(&b.push, 2).await;

    // The visit ends: the number and the subscription leave the files.
    let r = api
        .post(
            &format!("/api/v1/tickets/{}/no-show", me["id"]),
            &amal,
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let start = Instant::now();
    while in_raw_files(&server.db_path, NUMBER_E164)
        || in_raw_files(&server.db_path, "visitor-7f3a")
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the number is still in the database's files after the visit"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!in_raw_files(&server.db_path, "598765431"));
    assert_eq!(api.get(&path, None).await.json["asked"], json!([]));
    quiet(&b.push, 2).await;
    quiet(&b.gateway, 2).await;
}

/// The status page carries the "notify me" section hidden (its script shows it when the branch
/// offers a channel), its service worker is served from the root, and a branch without `[push]`
/// or `[sms]` offers neither and refuses both.
#[tokio::test(flavor = "multi_thread")]
async fn notices_are_offered_only_when_configured_and_the_service_worker_is_at_the_root() {
    use serde_json::json;
    let server = e2e::TestServer::start();
    let api = e2e::Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &e2e::key(),
            &json!({"service": "inquiry"}),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap();
    let path = format!("/api/v1/status/{token}/notify");
    let o = api.get(&path, None).await;
    assert_eq!(o.json, json!({"sms": false, "asked": []}), "{}", o.text);
    for body in [
        json!({"sms": NUMBER}),
        json!({"push": {"endpoint": "https://push.example/x",
                 "keys": {"p256dh": "x", "auth": "y"}}}),
    ] {
        let r = api
            .send(reqwest::Method::POST, &path, None, Some(&body), &[])
            .await;
        assert_eq!(r.code(), "not_offered", "{}", r.text);
    }
    let unknown = api
        .get("/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/notify", None)
        .await;
    assert_eq!(unknown.status, reqwest::StatusCode::NOT_FOUND);

    let http = reqwest::Client::new();
    let page = http
        .get(format!("{}/t/{token}", server.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(r#"<section id="notify" class="notify hidden""#),
        "{page}"
    );
    let sw = http
        .get(format!("{}/sw.js", server.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(sw.status(), reqwest::StatusCode::OK);
    assert!(
        sw.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(sw.text().await.unwrap().contains("showNotification"));
}

/// A visitor who withdraws their number has it deleted at once, from the file and the WAL, and
/// is sent nothing when their turn comes.
#[tokio::test(flavor = "multi_thread")]
async fn a_withdrawn_number_is_gone_at_once_and_gets_nothing() {
    use serde_json::json;
    let b = branch(None, None);
    let (api, server) = (&b.api, &b.server);
    let t = api
        .issue(
            &server.kiosk_token,
            &e2e::key(),
            &json!({"service": "inquiry"}),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap();
    let path = format!("/api/v1/status/{token}/notify");
    let r = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(&json!({"sms": NUMBER})),
            &[],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{}", r.text);
    // Already near (nobody ahead): the notice goes out at once.
    assert_eq!(b.gateway.wait_for(1).await.len(), 1);
    let r = api
        .send(
            reqwest::Method::DELETE,
            &format!("{path}/sms"),
            None,
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{}", r.text);
    assert!(!in_raw_files(&server.db_path, NUMBER_E164));
    assert_eq!(api.get(&path, None).await.json["asked"], json!([]));
    let amal = api.login_at_desk("amal", 1).await;
    let c = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(c.json["id"], t.json["id"], "{}", c.text);
    quiet(&b.gateway, 1).await;
    assert_eq!(
        api.send(
            reqwest::Method::DELETE,
            &format!("{path}/email"),
            None,
            None,
            &[]
        )
        .await
        .status,
        reqwest::StatusCode::NOT_FOUND
    );
}

/// Without `[push] allow_loopback_endpoints`, a subscription to a local port is refused: a
/// ticket is no way to make the server post inside the branch's machine.
#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_endpoint_is_refused_unless_allowed() {
    use serde_json::json;
    let b = branch_with(None, None, false);
    let (api, server) = (&b.api, &b.server);
    let t = api
        .issue(
            &server.kiosk_token,
            &e2e::key(),
            &json!({"service": "inquiry"}),
        )
        .await;
    let path = format!(
        "/api/v1/status/{}/notify",
        t.json["status_token"].as_str().unwrap()
    );
    let sub = b.push.subscription("/push/x");
    let r = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            Some(&json!({"push": {"endpoint": sub.endpoint,
                                  "keys": {"p256dh": sub.p256dh, "auth": sub.auth}}})),
            &[],
        )
        .await;
    assert_eq!(r.code(), "invalid_subscription", "{}", r.text);
    assert_eq!(api.get(&path, None).await.json["asked"], json!([]));
}
