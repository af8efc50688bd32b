//! Reception issues a number from the console with the kiosk's choices and rules: the same
//! refusals, the same line and class as a kiosk ticket of the same choices, one ticket per
//! Idempotency-Key, the consent recorded as read aloud by the staff member, and an audit entry
//! saying who issued it (with no personal data).

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::{Config, Hours};
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::{Api, Reply, TestOptions, TestServer, counts, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const NOTICE: &str = "2026-11-v1";

async fn issue_at_reception(api: &Api, staff: &str, k: &str, body: &Value) -> Reply {
    api.send(
        Method::POST,
        "/api/v1/reception/tickets",
        Some(staff),
        Some(body),
        &[("Idempotency-Key", k)],
    )
    .await
}

/// The class and line staff see for ticket `id` in the queue.
async fn class_and_line(api: &Api, staff: &str, id: &Value) -> (String, String) {
    let q = api.get("/api/v1/queue", Some(staff)).await;
    let t = q.json["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| &t["id"] == id)
        .unwrap_or_else(|| panic!("ticket {id} in {}", q.text))
        .clone();
    (
        t["priority"].as_str().unwrap().to_string(),
        t["service"].as_str().unwrap().to_string(),
    )
}

fn db(server: &TestServer) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        &server.db_path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reception_ticket_enters_the_line_and_class_of_a_kiosk_ticket_with_the_same_choices() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let choices = [
        json!({ "service": "inquiry" }),
        json!({ "service": "follow_up", "priority": "priority" }),
        json!({ "service": "inquiry", "feels_unsafe": true }),
        json!({ "service": "new_request", "intake": {
            "notice_version": NOTICE, "name": "سارة", "needs": { "elderly": true } } }),
    ];
    for body in &choices {
        let kiosk = api.issue(&server.kiosk_token, &key(), body).await;
        let desk = issue_at_reception(&api, &amal, &key(), body).await;
        assert_eq!(kiosk.status, StatusCode::CREATED, "{}", kiosk.text);
        assert_eq!(desk.status, StatusCode::CREATED, "{}", desk.text);
        let t = &desk.json["ticket"];
        assert_eq!(t["service"], kiosk.json["service"]);
        assert_eq!(
            class_and_line(&api, &amal, &t["id"]).await,
            class_and_line(&api, &amal, &kiosk.json["id"]).await,
            "{body}"
        );
        // The status link the console shows and prints, and its QR drawn by the server.
        let path = t["status_path"].as_str().unwrap();
        assert!(path.starts_with("/t/"), "{path}");
        let url = desk.json["status_url"].as_str().unwrap();
        assert!(url.starts_with("http") && url.ends_with(path), "{url}");
        let svg = desk.json["status_qr_svg"].as_str().unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("<path"),
            "{svg:.60}"
        );
        let status = api
            .get(
                &format!("/api/v1/status/{}", t["status_token"].as_str().unwrap()),
                None,
            )
            .await;
        assert_eq!(status.status, StatusCode::OK);
    }
    let unsafe_alerts: i64 = db(&server)
        .query_row(
            "SELECT COUNT(*) FROM alerts WHERE kind = 'not_safe'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        unsafe_alerts, 2,
        "reception's 'not safe' alerts a supervisor as the kiosk's does"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn consent_is_recorded_as_read_aloud_by_the_staff_member_and_the_issue_is_audited() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let with = issue_at_reception(
        &api,
        &amal,
        &key(),
        &json!({ "service": "new_request", "intake": { "notice_version": NOTICE, "name": "سارة الحربي", "mobile": "0512345678" } }),
    )
    .await;
    assert_eq!(with.status, StatusCode::CREATED, "{}", with.text);
    let without = issue_at_reception(&api, &amal, &key(), &json!({ "service": "inquiry" })).await;
    assert_eq!(without.status, StatusCode::CREATED, "{}", without.text);

    let conn = db(&server);
    let staff_id: i64 = conn
        .query_row("SELECT id FROM staff WHERE username = 'amal'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let (version, recorded_by): (String, Option<i64>) = conn
        .query_row(
            "SELECT notice_version, recorded_by FROM consents WHERE ticket_id = ?1",
            [with.json["ticket"]["id"].as_i64().unwrap()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((version.as_str(), recorded_by), (NOTICE, Some(staff_id)));
    let audit: Vec<(i64, String, i64, Option<String>)> = conn
        .prepare(
            "SELECT staff_id, role, ticket_id, reason FROM audit_log
             WHERE action = 'ticket_issued_at_reception' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let id = |r: &Reply| r.json["ticket"]["id"].as_i64().unwrap();
    assert_eq!(
        audit,
        vec![
            (
                staff_id,
                "reception".into(),
                id(&with),
                Some("consent_read_aloud".into())
            ),
            (staff_id, "reception".into(), id(&without), None),
        ]
    );
    let dump: String = conn
        .query_row(
            "SELECT group_concat(action || COALESCE(reason, ''), ' ') FROM audit_log",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !dump.contains("سارة") && !dump.contains("0512345678"),
        "{dump}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_is_refused_what_the_kiosk_is_refused_and_changes_nothing() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let cases = [
        (
            json!({ "service": "nope" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service",
        ),
        (
            json!({ "service": "inquiry", "intake": { "notice_version": "old" } }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stale_notice",
        ),
    ];
    let before = counts(&server.db_path);
    for (body, status, code) in cases {
        let kiosk = api.issue(&server.kiosk_token, &key(), &body).await;
        let desk = issue_at_reception(&api, &amal, &key(), &body).await;
        assert_eq!(
            (desk.status, desk.code()),
            (status, code),
            "{body}: {}",
            desk.text
        );
        assert_eq!(
            (kiosk.status, kiosk.code()),
            (status, code),
            "{body}: {}",
            kiosk.text
        );
    }
    // An intake without the notice's version (no consent) does not even parse, as at the kiosk.
    let no_consent = json!({ "service": "inquiry", "intake": { "name": "سارة" } });
    let desk = issue_at_reception(&api, &amal, &key(), &no_consent).await;
    let kiosk = api.issue(&server.kiosk_token, &key(), &no_consent).await;
    assert!(desk.status.is_client_error(), "{}", desk.text);
    assert_eq!((desk.status, desk.code()), (kiosk.status, kiosk.code()));
    let missing_key = api
        .send(
            Method::POST,
            "/api/v1/reception/tickets",
            Some(&amal),
            Some(&json!({ "service": "inquiry" })),
            &[],
        )
        .await;
    assert_eq!(missing_key.code(), "idempotency_key_required");
    assert_eq!(counts(&server.db_path), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_double_click_or_a_retry_gives_one_ticket_and_another_body_with_the_key_is_refused() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let sara = api.login("sara").await;
    let k = key();
    let body = json!({ "service": "follow_up" });
    let (a, b) = tokio::join!(
        issue_at_reception(&api, &amal, &k, &body),
        issue_at_reception(&api, &amal, &k, &body)
    );
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(
        (a.status, &a.text),
        (b.status, &b.text),
        "identical replies"
    );
    let retry = issue_at_reception(&api, &amal, &k, &body).await;
    assert_eq!(retry.text, a.text);
    assert_eq!(counts(&server.db_path).tickets, 1);
    let other = issue_at_reception(&api, &amal, &k, &json!({ "service": "inquiry" })).await;
    assert_eq!(
        (other.status, other.code()),
        (StatusCode::CONFLICT, "idempotency_key_reused")
    );
    // Keys belong to one staff member: a colleague's same key is another visitor.
    let colleague = issue_at_reception(&api, &sara, &k, &body).await;
    assert_eq!(colleague.status, StatusCode::CREATED);
    assert_ne!(colleague.json["ticket"]["id"], a.json["ticket"]["id"]);
    assert_eq!(counts(&server.db_path).tickets, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn reception_issues_only_when_the_kiosk_would() {
    // Thursday 3 December 2026 in Riyadh, 08:00-16:00 with a 30-minute cut-off.
    let at = |hh, mm| {
        riyadh()
            .with_ymd_and_hms(2026, 12, 3, hh, mm, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    let clock = Arc::new(ManualClock::new(at(7, 30)));
    let mut config = Config::demo();
    config.hours = Hours {
        thursday: Some("08:00-16:00".into()),
        cutoff_minutes: 30,
        ..Hours::default()
    };
    let server = TestServer::start_with(TestOptions {
        config,
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let body = json!({ "service": "inquiry" });
    for (hh, mm, open) in [(7, 30, false), (9, 0, true), (15, 45, false)] {
        clock.set(at(hh, mm));
        let kiosk = api.issue(&server.kiosk_token, &key(), &body).await;
        let desk = issue_at_reception(&api, &amal, &key(), &body).await;
        if open {
            assert_eq!(
                (kiosk.status, desk.status),
                (StatusCode::CREATED, StatusCode::CREATED)
            );
        } else {
            assert_eq!(
                (desk.status, desk.code()),
                (StatusCode::CONFLICT, "branch_closed"),
                "{}",
                desk.text
            );
            assert_eq!(desk.json["opens_at"], kiosk.json["opens_at"]);
            assert_eq!(kiosk.code(), "branch_closed");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_status_token_kept_for_retries_is_deleted_after_two_days_as_the_kiosks() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    let body = json!({ "service": "inquiry" });
    let first = issue_at_reception(&api, &amal, &key(), &body).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let kept = |table: &str| -> i64 {
        db(&server)
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(kept("reception_idempotency_keys"), 1);
    // Three days on, the first write of the new day runs the rollover and its purge.
    clock.advance(chrono::Duration::days(3));
    let amal = api.login("amal").await;
    let later = issue_at_reception(&api, &amal, &key(), &body).await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text);
    assert_eq!(
        kept("reception_idempotency_keys"),
        1,
        "only today's key is kept"
    );
    let token = first.json["ticket"]["status_token"].as_str().unwrap();
    let left: i64 = db(&server)
        .query_row(
            "SELECT COUNT(*) FROM reception_idempotency_keys WHERE status_token = ?1",
            [token],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}
