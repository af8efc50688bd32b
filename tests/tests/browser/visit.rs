//! One whole day at a desk, seen through the browser: wrong-password throttling, log in, call
//! next (the display shows it within a second, the status page follows), recall, the visitor's
//! details (masked, reveal audited), the checklist, referral to a researcher who then sees the
//! visitor, "support request registered" with the committee date, a supervisor's "not safe"
//! alert, the display reconnecting after a restart — and a planted sentinel name that never
//! reaches the display, its event stream, the status page or the server log.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{FixedOffset, Utc};
use counter_server::auth::DeviceScope;
use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::webdriver::{self, Browser};
use e2e::{Api, TEST_PASSWORD, key};
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SENTINEL: &str = "SENTINEL-NAME-7719";
const BIN: &str = env!("CARGO_BIN_EXE_test-counter-server");

/// The real server binary on a loopback port, its stdout and stderr in `log`.
struct Served {
    child: Child,
    base: String,
    port: u16,
    db: PathBuf,
    log: PathBuf,
}

impl Served {
    fn start(db: &Path, log: &Path, port: u16) -> Self {
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .expect("log file");
        // The demo branch open around the clock: the test runs at any hour.
        let base = format!("http://127.0.0.1:{port}");
        let config = e2e::always_open_config(db.parent().expect("the database's folder"), &base);
        let child = Command::new(BIN)
            .args(["serve", "--config"])
            .arg(config)
            .arg("--db")
            .arg(db)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("RUST_LOG", "debug")
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("start the server");
        Self {
            child,
            base,
            port,
            db: db.to_path_buf(),
            log: log.to_path_buf(),
        }
    }

    async fn wait_healthy(&self) {
        let api = Api::new(&self.base);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(r) = api
                .http
                .get(format!("{}/api/v1/health", self.base))
                .send()
                .await
                && r.status() == StatusCode::OK
            {
                return;
            }
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, and wait for the graceful shutdown.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

/// Everything the display's own event stream (`/display/events`, display cookie) carries.
fn record_display_stream(
    base: &str,
    display_token: &str,
) -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let url = format!("{base}/display/events");
    let cookie = format!("awn_display={display_token}");
    tokio::spawn(async move {
        // Reconnects across the restart, like the page does.
        loop {
            let res = reqwest::Client::new()
                .get(&url)
                .header("Cookie", &cookie)
                .send()
                .await;
            if let Ok(res) = res {
                let mut body = res.bytes_stream();
                while let Some(Ok(chunk)) = body.next().await {
                    if tx
                        .send(String::from_utf8_lossy(&chunk).into_owned())
                        .is_err()
                    {
                        return;
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    rx
}

fn riyadh_today_plus_14() -> String {
    let riyadh = FixedOffset::east_opt(3 * 3600).unwrap();
    (Utc::now().with_timezone(&riyadh).date_naive() + chrono::Days::new(14)).to_string()
}

async fn login(b: &Browser, user: &str, password: &str) {
    b.type_into("#login-user", user).await;
    b.type_into("#login-pass", password).await;
    b.click("#login-btn").await;
}

async fn logout(b: &Browser) {
    b.click("#logout-btn").await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the login form after logout",
        Duration::from_secs(10),
    )
    .await;
}

async fn sign_in_at(b: &Browser, desk: u32) {
    b.wait(
        "document.querySelectorAll('#desk-select option').length > 0",
        "desks listed",
        Duration::from_secs(10),
    )
    .await;
    b.click(&format!("#desk-select option[value='{desk}']"))
        .await;
    b.click("#sign-in-btn").await;
    b.wait_text("#desk-id", &desk.to_string()).await;
}

/// Clicks "call next" and returns the browser's clock at the click (ms since the epoch).
async fn call_next(b: &Browser) -> i64 {
    b.wait(
        "!document.getElementById('call-next-btn').disabled",
        "call next enabled",
        Duration::from_secs(10),
    )
    .await;
    b.js(
        "const t = Date.now(); document.getElementById('call-next-btn').click(); return t;",
        json!([]),
    )
    .await
    .as_i64()
    .expect("time")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_at_the_desk_through_the_browser() {
    if !webdriver::available("a_day_at_the_desk_through_the_browser") {
        return;
    }
    let _one = crate::ONE_BROWSER.lock().await;
    let shots = std::env::var_os("SCREENSHOT_DIR").map(PathBuf::from);
    let shots = shots.as_deref();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("counter.db");
    let log = dir.path().join("server.log");
    let kiosk = provision::add_device(
        &counter_server::store::Database::plain(&db),
        "kiosk",
        DeviceScope::Kiosk,
    )
    .unwrap();
    let display_token = provision::add_device(
        &counter_server::store::Database::plain(&db),
        "tv",
        DeviceScope::Display,
    )
    .unwrap();
    for (user, name, role, gender) in [
        ("amal", "أمل", Role::Reception, Gender::Female),
        ("badr", "بدر", Role::Reception, Gender::Male),
        ("huda", "هدى", Role::Researcher, Gender::Female),
        ("sara", "سارة", Role::Supervisor, Gender::Female),
    ] {
        provision::add_staff(
            &counter_server::store::Database::plain(&db),
            user,
            name,
            role,
            gender,
            TEST_PASSWORD,
        )
        .unwrap();
    }
    let mut server = Served::start(&db, &log, free_port());
    server.wait_healthy().await;
    let base = server.base.clone();
    let api = Api::new(&base);
    let mut display_stream = record_display_stream(&base, &display_token);

    // A visitor who gave their details (the sentinel name), and one more behind them.
    let first = api
        .issue(
            &kiosk,
            &key(),
            &json!({ "service": "new_request", "intake": {
                "notice_version": "2026-11-v1", "name": SENTINEL, "national_id": "1234567897",
                "mobile": "0512345678", "needs": { "wheelchair": true } } }),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let first_id = first.json["id"].as_i64().unwrap();
    let first_label = first.json["label"].as_str().unwrap().to_string();
    let status_token = first.json["status_token"].as_str().unwrap().to_string();
    api.issue(&kiosk, &key(), &json!({ "service": "inquiry" }))
        .await;

    let b = Browser::start().await;
    // ----- the waiting-room display, paired through the URL fragment -----
    let display_tab = b.current_window().await;
    b.size(1280, 720).await;
    b.goto(&format!("{base}/display#token={display_token}"))
        .await;
    b.wait(
        "location.hash === '' && document.querySelector('#not-paired').classList.contains('hidden')",
        "the display paired and the token gone from the address bar",
        Duration::from_secs(10),
    )
    .await;

    // ----- the visitor's status page -----
    let status_tab = b.new_window().await;
    b.switch_to(&status_tab).await;
    b.goto(&format!("{base}/t/{status_token}")).await;
    b.wait(
        "document.body.dataset.state === 'waiting'",
        "status page: waiting",
        Duration::from_secs(10),
    )
    .await;
    assert_eq!(b.text("#label").await, first_label);
    b.size(400, 820).await;
    b.screenshot(shots, "status-waiting-ar.png").await;
    b.size(1280, 900).await;

    // ----- the console: a wrong password is throttled after five tries -----
    let console_tab = b.new_window().await;
    b.switch_to(&console_tab).await;
    b.goto(&format!("{base}/console")).await;
    b.wait(
        "!document.getElementById('login').classList.contains('hidden')",
        "the login form",
        Duration::from_secs(10),
    )
    .await;
    b.screenshot(shots, "console-login-ar.png").await;
    for attempt in 1..=5 {
        login(&b, "badr", &format!("wrong-{attempt}")).await;
        b.wait_text("#login-error", "غير صحيحة").await;
        b.js(
            "document.getElementById('login-error').textContent = '';",
            json!([]),
        )
        .await;
    }
    login(&b, "badr", TEST_PASSWORD).await;
    b.wait_text("#login-error", "محاولات دخول خاطئة كثيرة").await;
    b.screenshot(shots, "console-throttled-ar.png").await;

    // ----- reception: log in, sign in at desk 1, call next -----
    login(&b, "amal", TEST_PASSWORD).await;
    b.wait_text("#who", "أمل").await;
    sign_in_at(&b, 1).await;
    b.wait_text("#waiting-list", &first_label).await;
    let clicked_at = call_next(&b).await;
    b.wait_text("#current-label", &first_label).await;

    // The display shows the call within a second of the click (same browser, same clock).
    b.switch_to(&display_tab).await;
    b.wait_text("#current", &first_label).await;
    let shown_at: i64 = b
        .js(
            "return Number(document.body.dataset.lastCallAt);",
            json!([]),
        )
        .await
        .as_i64()
        .unwrap();
    assert!(
        shown_at - clicked_at < 1000,
        "the display showed the call {} ms after the click",
        shown_at - clicked_at
    );
    assert!(b.text("#current").await.contains('1'), "desk 1 is shown");

    // The status page follows: called, go to desk 1.
    b.switch_to(&status_tab).await;
    b.wait(
        "document.body.dataset.state === 'called' && document.getElementById('desk').textContent === '1'",
        "status page: called to desk 1",
        Duration::from_secs(10),
    )
    .await;
    b.size(400, 820).await;
    b.screenshot(shots, "status-called-ar.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#state", "It is your turn").await;
    b.screenshot(shots, "status-called-en.png").await;
    b.click("#lang-btn").await;
    b.size(1280, 900).await;

    // ----- the visitor's details: masked, reveal recorded -----
    b.switch_to(&console_tab).await;
    b.wait_text("#intake-name", SENTINEL).await;
    assert_eq!(
        b.js(
            "return document.getElementById('intake-name').getAttribute('dir');",
            json!([])
        )
        .await,
        json!("auto")
    );
    assert_eq!(b.text("#intake-nid").await, "••••••7897");
    b.click("#reveal-btn").await;
    b.wait_text("#intake-nid", "1234567897").await;

    // Recall: announced again, queued behind the first announcement.
    b.click("#recall-btn").await;
    b.switch_to(&display_tab).await;
    b.wait(
        "document.querySelectorAll('#announce-log li').length === 2",
        "two announcements queued",
        Duration::from_secs(5),
    )
    .await;
    let announced = b.text("#announce-log").await;
    let log_html: String = b
        .js(
            "return Array.from(document.querySelectorAll('#announce-log li')).map(l => l.textContent).join('\\n');",
            json!([]),
        )
        .await
        .as_str()
        .unwrap()
        .to_string();
    let _ = announced;
    assert!(
        log_html.starts_with(&format!(
            "{first_label}@1:chime/chime,ar/ticket,ar/A,ar/n1,ar/desk,ar/n1,en/ticket,en/A,en/n1,en/desk,en/n1"
        )),
        "announcement: chime, then Arabic, then English, label and desk only: {log_html}"
    );
    b.screenshot(shots, "display-calls.png").await;

    // ----- the visitor arrives: checklist 6.2, then refer to the social researcher (6.3) -----
    b.switch_to(&console_tab).await;
    b.click("#start-btn").await;
    b.wait_text("#current-state", "قيد الخدمة").await;
    // 6.2: the documents against the originals. The ID's expiry is asked for; without it the
    // refusal says so next to the list, in the staff member's words.
    b.click("#doc-valid-identity").await;
    b.wait_text("#documents-error", "تاريخ انتهاء").await;
    b.js(
        "document.getElementById('doc-expiry-identity').value = arguments[0];",
        json!([riyadh_today_plus_14()]),
    )
    .await;
    b.click("#doc-valid-identity").await;
    b.wait_text("#doc-done-identity", "أمل").await;
    b.type_into("#doc-reference-case_report", "1448/77").await;
    b.click("#doc-valid-case_report").await;
    b.wait_text("#doc-done-case_report", "أمل").await;
    b.click("#check-documents_checked").await;
    b.wait_text("#done-documents_checked", "أمل").await;
    b.js("window.scrollTo(0, 0);", json!([])).await;
    b.screenshot(shots, "console-visit-ar.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#current-h", "Current visitor").await;
    b.screenshot(shots, "console-visit-en.png").await;
    b.click("#lang-btn").await;
    b.type_into("#refer-reason", "يحتاج شرح الإجراءات").await;
    b.click("#refer-btn").await;
    b.wait(
        "document.getElementById('current').classList.contains('hidden')",
        "the desk is free after the referral",
        Duration::from_secs(10),
    )
    .await;
    logout(&b).await;

    // ----- the researcher calls the referred visitor and sees the intake and checklist -----
    login(&b, "huda", TEST_PASSWORD).await;
    b.wait_text("#who", "هدى").await;
    sign_in_at(&b, 4).await;
    b.wait_text("#waiting-list", &first_label).await;
    call_next(&b).await;
    b.wait_text("#current-label", &first_label).await;
    b.wait_text("#intake-name", SENTINEL).await;
    b.wait_text("#referral-reason", "يحتاج شرح الإجراءات").await;
    assert!(
        b.js(
            "return document.getElementById('check-documents_checked').checked;",
            json!([])
        )
        .await
            == json!(true),
        "the researcher sees the checklist so far"
    );
    assert!(b.text("#done-documents_checked").await.contains("أمل"));
    b.click("#start-btn").await;
    b.wait_text("#current-state", "قيد الخدمة").await;
    // 6.4: the applicant signed the printed form (no tablet at this desk).
    b.click("#confirm-paper").await;
    b.wait_text("#done-data_confirmed", "هدى").await;
    b.wait_text("#confirm-state", "وقّع المتقدم على الورق").await;
    b.click("#check-committee_told").await;
    b.wait_text("#done-committee_told", "هدى").await;
    b.click("#outcome-select option[value='support_request_registered']")
        .await;
    b.type_into("#finish-note", "ملاحظة للمتابعة").await;
    b.click("#finish-btn").await;
    b.wait_text("#follow-up-date", &riyadh_today_plus_14())
        .await;
    // The request she registered is in her committee list at once, and she may open it again.
    let reference = b.text("#follow-up-reference").await;
    b.wait(
        &format!("!!document.getElementById('open-visit-{reference}')"),
        "the registered request in the researcher's open list",
        Duration::from_secs(10),
    )
    .await;
    b.screenshot(shots, "console-finished-ar.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#follow-up", "Earliest research committee answer")
        .await;
    b.screenshot(shots, "console-finished-en.png").await;
    b.click("#lang-btn").await;
    logout(&b).await;

    // ----- a supervisor sees a "not safe" alert live, with ticket and time, until acknowledged -----
    login(&b, "sara", TEST_PASSWORD).await;
    b.wait(
        "!document.getElementById('alerts').classList.contains('hidden') && !document.getElementById('no-alerts').classList.contains('hidden')",
        "the supervisor's empty alert panel",
        Duration::from_secs(10),
    )
    .await;
    let unsafe_ticket = api
        .issue(
            &kiosk,
            &key(),
            &json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1",
                "name": SENTINEL, "feels_unsafe": true } }),
        )
        .await;
    assert_eq!(
        unsafe_ticket.status,
        StatusCode::CREATED,
        "{}",
        unsafe_ticket.text
    );
    let unsafe_label = unsafe_ticket.json["label"].as_str().unwrap().to_string();
    b.wait_text("#alert-list", &unsafe_label).await;
    b.wait_text("#alert-list", "لا يشعر بالأمان").await;
    b.screenshot(shots, "console-alert-ar.png").await;
    b.click("#lang-btn").await;
    b.wait_text("#alert-list", "does not feel safe").await;
    b.screenshot(shots, "console-alert-en.png").await;
    b.click("#lang-btn").await;
    b.click(".ack-btn").await;
    b.wait(
        "document.querySelectorAll('.alert-item').length === 0",
        "the alert is gone once acknowledged",
        Duration::from_secs(10),
    )
    .await;

    // ----- the display reconnects by itself after the server restarts -----
    b.switch_to(&display_tab).await;
    const ENTRANCE_QR: &str =
        "document.querySelector('#entrance:not(.hidden) .entrance-qr').innerHTML";
    let qr_before = b.js(&format!("return {ENTRANCE_QR};"), json!([])).await;
    assert!(
        qr_before.as_str().unwrap().contains("<svg"),
        "the entrance QR is shown"
    );
    server.stop();
    let mut server = Served::start(&db, &log, server.port);
    server.wait_healthy().await;
    let reception = api.login("badr").await;
    let _ = api.post("/api/v1/desks/2/sign-in", &reception, None).await;
    let called = api
        .post("/api/v1/desks/2/call-next", &reception, None)
        .await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.text);
    let second_label = called.json["label"].as_str().unwrap().to_string();
    b.switch_to(&display_tab).await;
    b.wait_text("#current", &second_label).await;
    // Its Last-Event-ID was from before the restart: told so by a reset, it started a fresh stream.
    b.wait(
        "document.body.dataset.resets === '1'",
        "the display reloaded after a reset",
        Duration::from_secs(10),
    )
    .await;
    // The restarted server has a new entrance key: the display shows the new code's QR.
    b.wait(
        &format!("{ENTRANCE_QR} !== {qr_before}"),
        "the entrance QR renewed after the restart",
        Duration::from_secs(10),
    )
    .await;

    // ----- the sentinel never reached a public path or the log -----
    let display_html = b.source().await;
    assert!(!display_html.contains(SENTINEL));
    for service in ["new_request", "inquiry", "طلب دعم", "استفسار"] {
        assert!(
            !display_html.contains(service),
            "the display shows no service"
        );
    }
    b.switch_to(&status_tab).await;
    assert!(!b.source().await.contains(SENTINEL));
    let status_json = api
        .get(&format!("/api/v1/status/{status_token}"), None)
        .await;
    assert!(!status_json.text.contains(SENTINEL));
    let mut seen = String::new();
    while let Ok(chunk) = display_stream.try_recv() {
        seen.push_str(&chunk);
    }
    assert!(
        seen.contains(&first_label),
        "the stream was recorded: {seen}"
    );
    assert!(!seen.contains(SENTINEL), "display stream: {seen}");
    for line in seen.lines().filter_map(|l| l.strip_prefix("data:")) {
        let v: Value = serde_json::from_str(line.trim()).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert!(
            keys.iter()
                // `desks`: the desks' names set in administration (no visitor's data).
                .all(
                    |k| ["type", "label", "desk", "calls", "recent", "desks"].contains(&k.as_str())
                ),
            "display event with more than label and desk: {v}"
        );
    }
    b.quit().await;
    server.stop();
    let log_text = std::fs::read_to_string(&server.log).unwrap();
    assert!(!log_text.is_empty(), "the server logged something");
    assert!(!log_text.contains(SENTINEL), "server log: {log_text}");
    assert!(
        !log_text.contains(&display_token),
        "the device token is never logged"
    );

    // The audit trail: each view and the reveal, with who, where and what — and no personal data.
    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let rows: Vec<(String, Option<i64>, String)> = conn
        .prepare(
            "SELECT a.action, a.desk, s.username FROM audit_log a JOIN staff s ON s.id = a.staff_id WHERE a.ticket_id = ?1 ORDER BY a.id",
        )
        .unwrap()
        .query_map([first_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(rows.contains(&("reveal_national_id".into(), Some(1), "amal".into())));
    assert!(rows.contains(&("view_visit".into(), Some(1), "amal".into())));
    assert!(rows.contains(&("view_visit".into(), Some(4), "huda".into())));
    let dump: String = conn
        .prepare("SELECT group_concat(coalesce(role,'') || coalesce(action,'') || coalesce(request_id,''), '|') FROM audit_log")
        .unwrap()
        .query_row([], |r| r.get(0))
        .unwrap();
    assert!(!dump.contains(SENTINEL) && !dump.contains("1234567897"));
    let (earliest, outcome): (String, String) = conn
        .query_row(
            "SELECT f.earliest_answer_date, t.outcome FROM follow_ups f JOIN tickets t ON t.id = f.ticket_id WHERE f.ticket_id = ?1",
            [first_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(earliest, riyadh_today_plus_14());
    assert_eq!(outcome, "support_request_registered");
}
