//! The roll-up outbox (issue 17, branch side): visits through the real server leave exactly their
//! de-identified facts, numbered in order, in the transaction of each change; the outbox's columns
//! and keys are held to an allow-list; a sentinel intake, note, referral reason and rating comment
//! are found in no outbox row; `/metrics` says the backlog with the branch, and the alert rules
//! pass promtool.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::rollup::ALLOWED_KEYS;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const SENTINEL: &str = "SENTINEL-9f3a";
const NATIONAL_ID: &str = "1234567897";
const MOBILE: &str = "0598765432";

/// Every column the outbox tables hold. A column added to either fails here until it is added
/// to this list, which is reviewed against `PERSONAL_WORDS`.
const ALLOWED_COLUMNS: [(&str, &[&str]); 2] = [
    ("outbox", &["seq", "at", "kind", "fact"]),
    (
        "outbox_state",
        &["id", "branch", "shipped_up_to", "dropped"],
    ),
];

/// What no outbox column or fact key may ever be about.
const PERSONAL_WORDS: [&str; 13] = [
    "name",
    "national",
    "iqama",
    "mobile",
    "phone",
    "note",
    "comment",
    "text",
    "detail",
    "intake",
    "need",
    "gender",
    "signature",
];

fn columns(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every outbox row: (seq, at, kind, fact).
fn outbox(conn: &rusqlite::Connection) -> Vec<(i64, String, String, Value)> {
    let mut stmt = conn
        .prepare("SELECT seq, at, kind, fact FROM outbox ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| {
        let fact: String = r.get(3)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            serde_json::from_str(&fact).unwrap(),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

async fn ok(api: &Api, path: String, token: &str, body: Option<Value>) -> Value {
    let r = api.post(&path, token, body.as_ref()).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.json
}

#[tokio::test(flavor = "multi_thread")]
async fn visits_leave_exactly_their_de_identified_facts_in_sequence() {
    // 09:00 in Riyadh.
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;

    // Visit 1, at the kiosk, with a sentinel in every personal field: served, registered, decided.
    let body = json!({ "service": "new_request", "intake": {
        "notice_version": "2026-11-v1", "name": SENTINEL, "national_id": NATIONAL_ID,
        "mobile": MOBILE, "needs": { "disability": SENTINEL } } });
    let t = api.issue(&server.kiosk_token, &key(), &body).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let v1 = t.json["id"].as_i64().unwrap();
    // Visit 2, at reception.
    let r = api
        .send(
            Method::POST,
            "/api/v1/reception/tickets",
            Some(&amal),
            Some(&json!({ "service": "inquiry" })),
            &[("Idempotency-Key", &key())],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v2 = r.json["ticket"]["id"].as_i64().unwrap();

    clock.advance(Duration::seconds(330));
    let called = ok(&api, "/api/v1/desks/1/call-next".into(), &amal, None).await;
    assert_eq!(called["id"], v1);
    ok(&api, format!("/api/v1/tickets/{v1}/start"), &amal, None).await;
    clock.advance(Duration::seconds(600));
    let reference = api.register_request(v1, &amal).await;

    // Visit 2: called, did not come.
    let called = ok(&api, "/api/v1/desks/1/call-next".into(), &amal, None).await;
    assert_eq!(called["id"], v2);
    clock.advance(Duration::seconds(120));
    ok(&api, format!("/api/v1/tickets/{v2}/no-show"), &amal, None).await;

    // Visit 3: referred with a reason in free text (kept at the branch, not in the roll-up).
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let v3 = t.json["id"].as_i64().unwrap();
    ok(&api, "/api/v1/desks/1/call-next".into(), &amal, None).await;
    let reason = json!({ "reason": format!("{SENTINEL} reason") });
    ok(
        &api,
        format!("/api/v1/tickets/{v3}/refer"),
        &amal,
        Some(reason),
    )
    .await;

    // Visit 4: finished with a note, then rated with a comment.
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let v4 = t.json["id"].as_i64().unwrap();
    let label4 = t.json["label"].as_str().unwrap().to_string();
    clock.advance(Duration::seconds(60));
    ok(&api, "/api/v1/desks/1/call-next".into(), &amal, None).await;
    ok(&api, format!("/api/v1/tickets/{v4}/start"), &amal, None).await;
    clock.advance(Duration::seconds(45));
    let finish = json!({ "outcome": "information_given", "note": format!("{SENTINEL} note") });
    ok(
        &api,
        format!("/api/v1/tickets/{v4}/finish"),
        &amal,
        Some(finish),
    )
    .await;
    let rating = json!({ "label": label4, "score": 2, "reasons": ["waiting_time", "clarity"],
        "comment": format!("{SENTINEL} comment") });
    let r = api
        .post("/api/v1/ratings", &server.rating_token, Some(&rating))
        .await;
    assert!(r.status.is_success(), "{}", r.text);

    // The committee decides on visit 1's request.
    let huda = api.login("huda").await;
    let decide = json!({ "decision": "accepted", "decided_on": "2026-12-01" });
    ok(
        &api,
        format!("/api/v1/requests/{reference}/decision"),
        &huda,
        Some(decide),
    )
    .await;

    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let rows = outbox(&conn);
    let seqs: Vec<i64> = rows.iter().map(|r| r.0).collect();
    assert_eq!(
        seqs,
        (1..=rows.len() as i64).collect::<Vec<_>>(),
        "gap-free, in order"
    );
    let facts: Vec<(&str, &Value)> = rows.iter().map(|r| (r.2.as_str(), &r.3)).collect();
    let day = "2026-12-01";
    let ticket = |id: i64, service: &str, line: &str| json!({ "ticket": id, "service_day": day, "service": service, "line": line });
    let with = |mut base: Value, extra: Value| {
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    };
    let v1_fact = ticket(v1, "new_request", "new_request");
    let inquiry = |id| ticket(id, "inquiry", "inquiry");
    let expected = vec![
        (
            "issued",
            with(v1_fact.clone(), json!({ "channel": "kiosk" })),
        ),
        (
            "issued",
            with(inquiry(v2), json!({ "channel": "reception" })),
        ),
        (
            "called",
            with(v1_fact.clone(), json!({ "desk": 1, "wait_seconds": 330 })),
        ),
        ("started", with(v1_fact.clone(), json!({ "desk": 1 }))),
        (
            "finished",
            with(
                v1_fact.clone(),
                json!({ "desk": 1, "outcome": "support_request_registered", "service_seconds": 600 }),
            ),
        ),
        (
            "request_registered",
            json!({ "ticket": v1, "reference": reference }),
        ),
        (
            "called",
            with(inquiry(v2), json!({ "desk": 1, "wait_seconds": 930 })),
        ),
        ("no_show", with(inquiry(v2), json!({ "desk": 1 }))),
        ("issued", with(inquiry(v3), json!({ "channel": "kiosk" }))),
        (
            "called",
            with(inquiry(v3), json!({ "desk": 1, "wait_seconds": 0 })),
        ),
        (
            "referred",
            with(ticket(v3, "inquiry", "inquiry"), json!({ "desk": 1 })),
        ),
        ("issued", with(inquiry(v4), json!({ "channel": "kiosk" }))),
        (
            "called",
            with(inquiry(v4), json!({ "desk": 1, "wait_seconds": 60 })),
        ),
        ("started", with(inquiry(v4), json!({ "desk": 1 }))),
        (
            "finished",
            with(
                inquiry(v4),
                json!({ "desk": 1, "outcome": "information_given", "service_seconds": 45 }),
            ),
        ),
        (
            "rated",
            json!({ "ticket": v4, "score": 2, "reason_codes": ["waiting_time", "clarity"] }),
        ),
        (
            "committee_decision",
            json!({ "reference": reference, "decision": "accepted", "decided_on": day }),
        ),
    ];
    let expected: Vec<(&str, &Value)> = expected.iter().map(|(k, v)| (*k, v)).collect();
    assert_eq!(facts, expected);
    assert_eq!(
        rows[0].1, "2026-12-01T06:00:00.000000Z",
        "at: the change's instant"
    );

    // Allow-list: every column and every key, and none about a person.
    for (table, allowed) in ALLOWED_COLUMNS {
        assert_eq!(columns(&conn, table), allowed, "{table}'s columns");
    }
    for (_, _, _, fact) in &rows {
        for k in fact.as_object().unwrap().keys() {
            assert!(ALLOWED_KEYS.contains(&k.as_str()), "key {k} not allowed");
        }
    }
    let names = ALLOWED_COLUMNS
        .iter()
        .flat_map(|(_, c)| c.iter())
        .chain(ALLOWED_KEYS.iter());
    for name in names {
        for word in PERSONAL_WORDS {
            assert!(!name.contains(word), "{name} looks personal ({word})");
        }
    }

    // Sentinel: the personal data is at the branch, and in no outbox row's bytes.
    let held: String = conn
        .query_row("SELECT name FROM intakes WHERE ticket_id = ?1", [v1], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        held, SENTINEL,
        "the intake is stored (the check below is not vacuous)"
    );
    let mut stmt = conn
        .prepare("SELECT CAST(seq || at || kind || fact AS BLOB) FROM outbox")
        .unwrap();
    let raw: Vec<Vec<u8>> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let raw = raw.concat();
    for needle in [SENTINEL, NATIONAL_ID, MOBILE] {
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} in the outbox"
        );
    }

    // /metrics: the backlog, with the branch.
    let token = counter_server::provision::add_metrics_token(&server.db, "prometheus").unwrap();
    let r = api.get("/metrics", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    for line in [
        format!("awn_outbox_backlog{{branch=\"riyadh-1\"}} {}", rows.len()),
        "awn_outbox_dropped_total{branch=\"riyadh-1\"} 0".to_string(),
        format!(
            "awn_outbox_oldest_fact_timestamp_seconds{{branch=\"riyadh-1\"}} {}",
            start.timestamp()
        ),
    ] {
        assert!(r.text.lines().any(|l| l == line), "{line} in\n{}", r.text);
    }
}

/// The alert rules in the repository are valid for Prometheus and watch the outbox's metrics.
#[test]
fn the_alert_rules_pass_promtool_and_watch_the_outbox() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../counter-server/deploy/prometheus-alerts.yml"
    );
    let out = std::process::Command::new("promtool")
        .args(["check", "rules", path])
        .output()
        .expect("promtool runs (Debian package prometheus; .ci/run installs it)");
    assert!(
        out.status.success(),
        "promtool check rules failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let rules = std::fs::read_to_string(path).unwrap();
    for metric in [
        "awn_outbox_backlog",
        "awn_outbox_dropped_total",
        "awn_rollup_ship_failures_total",
    ] {
        assert!(rules.contains(metric), "{metric} has an alert");
    }
}
