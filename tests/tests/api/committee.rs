//! The research committee's work (policy 6.5) over HTTP, with the injected clock across 14 and
//! 30 days: a registered request gets a reference, appears in the researchers' open list with
//! its reminder (answer due from the 14th day, overdue from the 30th), takes a decision and the
//! applicant being told, then leaves the list; a returning visitor is found by the reference.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A new-request visitor served at desk 1 (their national ID given at the desk when `national_id`
/// is some) and registered; returns the request's reference.
async fn registered_request(
    api: &Api,
    server: &TestServer,
    desk: &str,
    national_id: Option<&str>,
) -> String {
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    let called = api.post("/api/v1/desks/1/call-next", desk, None).await;
    assert_eq!(called.json["id"], id, "{}", called.text);
    api.post(&format!("/api/v1/tickets/{id}/start"), desk, None)
        .await;
    if let Some(nid) = national_id {
        let body = json!({ "field": "national_id", "value": nid, "consent_at_desk": true });
        let r = api
            .post(&format!("/api/v1/tickets/{id}/intake"), desk, Some(&body))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    let reference = api.register_request(id, desk).await;
    assert!(reference.starts_with("R-2026-"), "{reference}");
    reference
}

fn open_list(list: &Value) -> Vec<(String, Value)> {
    list["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["reference"].as_str().unwrap().to_string(),
                r["reminder"].clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_is_reminded_decided_told_and_found_by_its_reference() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 12, 1, 6, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    let first = registered_request(&api, &server, &amal, Some("1234567897")).await;
    clock.advance(Duration::days(3));
    // Sessions last hours, not days: each day in this test starts with a login (the desk stays
    // the staff member's).
    let amal = api.login("amal").await;
    let second = registered_request(&api, &server, &amal, None).await;
    let huda = api.login("huda").await;
    assert_ne!(first, second);

    // Reception does not read the committee's list; the researcher does.
    assert_eq!(
        api.get("/api/v1/requests", Some(&amal)).await.status,
        StatusCode::FORBIDDEN
    );
    let list = |api: &Api, huda: &str| {
        let (api, huda) = (api.clone(), huda.to_string());
        async move { api.get("/api/v1/requests", Some(&huda)).await.json }
    };
    assert_eq!(
        open_list(&list(&api, &huda).await),
        [(first.clone(), Value::Null), (second.clone(), Value::Null)]
    );
    // Day 14 of the first: its answer is due; the second is not yet.
    clock.advance(Duration::days(11));
    let huda = api.login("huda").await;
    assert_eq!(
        open_list(&list(&api, &huda).await),
        [
            (first.clone(), json!("answer_due")),
            (second.clone(), Value::Null)
        ]
    );
    // Day 30 of the first: overdue ([committee] overdue_days = 30); the second is due.
    clock.advance(Duration::days(16));
    let (amal, huda) = (api.login("amal").await, api.login("huda").await);
    assert_eq!(
        open_list(&list(&api, &huda).await),
        [
            (first.clone(), json!("overdue")),
            (second.clone(), json!("answer_due"))
        ]
    );

    // Telling the applicant waits for a decision; dates must be real and not in the future.
    let told = |reference: &str, body: Value| {
        let (api, amal, path) = (
            api.clone(),
            amal.clone(),
            format!("/api/v1/requests/{reference}/informed"),
        );
        async move { api.post(&path, &amal, Some(&body)).await }
    };
    let r = told(
        &first,
        json!({ "channel": "phone", "informed_on": "2026-12-31" }),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "no_decision_yet")
    );
    let decide = |body: Value| {
        let (api, huda, path) = (
            api.clone(),
            huda.clone(),
            format!("/api/v1/requests/{first}/decision"),
        );
        async move { api.post(&path, &huda, Some(&body)).await }
    };
    let r = decide(json!({ "decision": "accepted", "decided_on": "2027-02-01" })).await;
    assert_eq!(
        (r.status, r.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("decided_on")),
        "a decision in the future: {}",
        r.text
    );
    let r = api
        .post(
            &format!("/api/v1/requests/{first}/decision"),
            &amal,
            Some(&json!({ "decision": "accepted", "decided_on": "2026-12-30" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "reception does not decide");
    let r = decide(json!({ "decision": "more_information", "decided_on": "2026-12-20" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json["reminder"], "overdue",
        "more information keeps it the committee's"
    );
    let r = decide(json!({ "decision": "accepted", "decided_on": "2026-12-30" })).await;
    assert_eq!(r.json["decision"]["decision"], "accepted");
    assert_eq!(r.json["reminder"], "tell_applicant");

    // A returning visitor gives the reference at the desk: the state at once.
    let found = api
        .get(&format!("/api/v1/requests/{first}"), Some(&amal))
        .await;
    assert_eq!(
        found.json["decision"]["decision"], "accepted",
        "{}",
        found.text
    );
    assert_eq!(found.json["label"], "A-001");
    // Or their national ID, in the body and audited by ticket, never by number.
    let search = |nid: &str| {
        let (api, amal, body) = (api.clone(), amal.clone(), json!({ "national_id": nid }));
        async move {
            api.post("/api/v1/requests/search", &amal, Some(&body))
                .await
        }
    };
    let r = search("1234567897").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let refs: Vec<_> = r.json["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["reference"].clone())
        .collect();
    assert_eq!(refs, [json!(first)]);
    assert_eq!(search("1000000008").await.json["requests"], json!([]));
    let bad = search("1234567890").await;
    assert_eq!(
        (bad.status, bad.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("national_id"))
    );
    let unknown = api.get("/api/v1/requests/R-1999-00001", Some(&amal)).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "unknown_request")
    );
    let r = told(
        &first,
        json!({ "channel": "visit", "informed_on": "2026-12-31" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json["informed"],
        json!({ "channel": "visit", "informed_on": "2026-12-31" })
    );
    assert_eq!(r.json["open"], false);
    assert_eq!(
        open_list(&list(&api, &huda).await),
        [(second.clone(), json!("answer_due"))],
        "answered and told: off the open list"
    );

    // Every step is in the audit log by its kind, with no personal data.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let actions: Vec<(String, String)> = conn
        .prepare(
            "SELECT action, COALESCE(reason, '') FROM audit_log WHERE action IN ('committee_decision', 'applicant_informed', 'find_request_by_national_id') ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        actions,
        [
            ("committee_decision".into(), "more_information".into()),
            ("committee_decision".into(), "accepted".into()),
            ("find_request_by_national_id".into(), String::new()),
            ("find_request_by_national_id".into(), String::new()),
            ("applicant_informed".into(), "visit".into()),
        ]
    );
    let searched: Vec<Option<i64>> = conn
        .prepare("SELECT ticket_id FROM audit_log WHERE action = 'find_request_by_national_id' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        searched,
        [Some(1), None],
        "the ticket found, then a search that found none"
    );
}

/// Policy 6.5 and the retention rule: a registered request's personal data follows the request's
/// own period, not the ticket's. It outlives the visit's 180 days while the committee has not
/// answered, and is destroyed `request_days` after the applicant was told of the final answer.
#[tokio::test(flavor = "multi_thread")]
async fn a_registered_requests_data_is_kept_while_open_and_for_its_own_period_after() {
    use counter_server::clock::Clock;
    use counter_server::store::{open, retention};

    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 10, 7, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    let reference = registered_request(&api, &server, &amal, Some("1234567897")).await;
    let policy = retention::RetentionPolicy {
        request_days: 400,
        ..retention::RetentionPolicy::default()
    };
    let purge = |days: i64| {
        clock.advance(Duration::days(days));
        let mut conn = open(&server.db, false).unwrap();
        retention::purge(&mut conn, &policy, clock.now())
            .unwrap()
            .visits
    };
    let still_found = || async {
        let amal = api.login("amal").await;
        let r = api
            .post(
                "/api/v1/requests/search",
                &amal,
                Some(&json!({ "national_id": "1234567897" })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json["requests"].as_array().unwrap().len() == 1
    };

    assert_eq!(
        purge(200),
        0,
        "past the visit's 180 days, the request is open"
    );
    assert!(still_found().await);
    let huda = api.login("huda").await;
    let decided = api
        .post(
            &format!("/api/v1/requests/{reference}/decision"),
            &huda,
            Some(&json!({ "decision": "rejected", "decided_on": "2026-07-20" })),
        )
        .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.text);
    assert_eq!(
        purge(1),
        0,
        "decided but the applicant not yet told: still open"
    );
    let huda = api.login("huda").await;
    let told = api
        .post(
            &format!("/api/v1/requests/{reference}/informed"),
            &huda,
            Some(&json!({ "channel": "letter", "informed_on": "2026-07-29" })),
        )
        .await;
    assert_eq!(told.status, StatusCode::OK, "{}", told.text);
    // Told on 29 July 2026: kept 400 days from that day, to 2 September 2027; now 1 September.
    assert_eq!(purge(398), 0, "inside the request's own period");
    assert!(still_found().await);
    assert_eq!(purge(2), 1, "the request's period is over");
    assert!(
        !still_found().await,
        "the national ID is gone with the intake"
    );
}
