//! Day rollover with an injected clock: yesterday's unserved tickets expire, numbers restart,
//! history stays.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn waiting_and_called_tickets_expire_at_riyadh_midnight_and_numbers_restart() {
    // 23:50 in Riyadh (20:50 UTC).
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 25, 20, 50, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    let api = Api::new(&server.base_url);
    let mut tokens = vec![];
    for _ in 0..3 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        assert_eq!(t.json["service_day"], "2026-11-25");
        tokens.push(t.json["status_token"].as_str().unwrap().to_string());
    }
    let (amal, badr) = (api.login("amal").await, api.login("badr").await);
    api.post("/api/v1/desks/1/sign-in", &amal, None).await;
    api.post("/api/v1/desks/2/sign-in", &badr, None).await;
    let serving = api
        .post("/api/v1/desks/1/call-next", &amal, None)
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    api.post(&format!("/api/v1/tickets/{serving}/start"), &amal, None)
        .await;
    let called = api
        .post("/api/v1/desks/2/call-next", &badr, None)
        .await
        .json["id"]
        .as_i64()
        .unwrap();

    clock.advance(Duration::minutes(15)); // 00:05 the next day in Riyadh, still the 25th in UTC
    let today = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(
        (
            today.json["label"].as_str(),
            today.json["service_day"].as_str()
        ),
        (Some("C-001"), Some("2026-11-26"))
    );
    assert_eq!(today.json["people_ahead"], 0, "yesterday's line is gone");

    // Expired tokens look exactly like unknown ones.
    let expired = api
        .get(&format!("/api/v1/status/{}", tokens[2]), None)
        .await;
    let unknown = api.get("/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA", None).await;
    assert_eq!(
        (expired.status, &expired.text),
        (unknown.status, &unknown.text)
    );
    assert_eq!(expired.status, StatusCode::NOT_FOUND);
    assert_eq!(expired.json["code"], "not_found");

    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let state = |id: i64| {
        conn.query_row("SELECT state FROM tickets WHERE id = ?1", [id], |r| {
            r.get::<_, String>(0)
        })
        .unwrap()
    };
    assert_eq!(state(called), "expired");
    assert_eq!(
        state(serving),
        "serving",
        "a visitor being served is left to the desk"
    );
    let history: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM tickets WHERE service_day = '2026-11-25'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(history, 3, "the reset deletes nothing");
    // The desk that had the expired call is free again.
    let next = api.post("/api/v1/desks/2/call-next", &badr, None).await;
    assert_eq!(next.json["label"], "C-001", "{}", next.text);
}
