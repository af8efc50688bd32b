//! Opening hours with an injected clock: the kiosk learns whether the branch is open from the
//! services it reads, new tickets are refused outside the hours and after the evening cut-off
//! (`409 branch_closed` with the next opening), and staff serve the remaining queue after closing.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::{Config, Hours};
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

/// Riyadh local time.
fn riyadh_at(d: u32, hh: u32, mm: u32) -> DateTime<Utc> {
    riyadh()
        .with_ymd_and_hms(2026, 12, d, hh, mm, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Sunday to Thursday 08:00-16:00, no tickets after 15:30; Sunday 6 December is a holiday.
fn branch() -> Config {
    let work = Some("08:00-16:00".to_string());
    let mut config = Config::demo();
    config.hours = Hours {
        sunday: work.clone(),
        monday: work.clone(),
        tuesday: work.clone(),
        wednesday: work.clone(),
        thursday: work,
        cutoff_minutes: 30,
        holidays: vec!["2026-12-06".into()],
        ..Hours::default()
    };
    config
}

#[tokio::test(flavor = "multi_thread")]
async fn tickets_only_within_opening_hours_and_the_queue_is_served_after_closing() {
    // Thursday 3 December 2026, 07:30 in Riyadh.
    let clock = Arc::new(ManualClock::new(riyadh_at(3, 7, 30)));
    let server = TestServer::start_with(TestOptions {
        config: branch(),
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.as_str();
    let issue = |k: String| {
        let api = api.clone();
        async move { api.issue(kiosk, &k, &json!({ "service": "inquiry" })).await }
    };

    // Before opening: the kiosk reads "closed" before anyone taps, and issuing is refused.
    let services = api.get("/api/v1/services", Some(kiosk)).await;
    assert_eq!(services.status, StatusCode::OK);
    assert_eq!(services.json["open"], false, "{}", services.text);
    assert_eq!(services.json["opens_at"], "2026-12-03T08:00:00+03:00");
    assert_eq!(services.json["changes_in_seconds"], 30 * 60);
    assert!(services.json["services"].as_array().unwrap().len() >= 3);
    let early = issue(key()).await;
    assert_eq!(
        (early.status, early.code()),
        (StatusCode::CONFLICT, "branch_closed"),
        "{}",
        early.text
    );
    assert_eq!(early.json["opens_at"], "2026-12-03T08:00:00+03:00");
    assert!(
        early.json["message"]["en"]
            .as_str()
            .unwrap()
            .starts_with("Closed now: we open on Thursday 3 December at 08:00"),
        "{}",
        early.text
    );
    assert!(
        early.json["message"]["ar"]
            .as_str()
            .unwrap()
            .starts_with("مغلق الآن، نفتح يوم الخميس 3 ديسمبر الساعة 08:00")
    );

    // Open: tickets are issued; the kiosk already knows the next opening after today's cut-off
    // (Sunday the 6th is a holiday).
    clock.set(riyadh_at(3, 8, 0));
    let services = api.get("/api/v1/services", Some(kiosk)).await;
    assert_eq!(services.json["open"], true);
    assert_eq!(services.json["opens_at"], "2026-12-07T08:00:00+03:00");
    assert_eq!(services.json["changes_in_seconds"], (7 * 60 + 30) * 60);
    let first_key = key();
    let first = issue(first_key.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let second = issue(key()).await;
    assert_eq!(second.status, StatusCode::CREATED);

    // At the cut-off: no new ticket, but a kiosk's retry of one already issued gets it again.
    clock.set(riyadh_at(3, 15, 30));
    let late = issue(key()).await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "branch_closed")
    );
    assert_eq!(late.json["opens_at"], "2026-12-07T08:00:00+03:00");
    assert!(
        late.json["message"]["en"]
            .as_str()
            .unwrap()
            .contains("Monday 7 December at 08:00")
    );
    let retry = issue(first_key).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.text);
    assert_eq!(retry.json["id"], first.json["id"]);
    let services = api.get("/api/v1/services", Some(kiosk)).await;
    assert_eq!(services.json["open"], false);

    // After closing: staff call, serve and finish the queue that remains; the visitor's status
    // page keeps working.
    clock.set(riyadh_at(3, 16, 40));
    let amal = api.login_at_desk("amal", 1).await;
    for expected in [&first, &second] {
        let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
        assert_eq!(called.json["id"], expected.json["id"], "{}", called.text);
        let id = called.json["id"].as_i64().unwrap();
        let started = api
            .post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
            .await;
        assert_eq!(started.status, StatusCode::OK, "{}", started.text);
        let done = api
            .post(
                &format!("/api/v1/tickets/{id}/finish"),
                &amal,
                Some(&json!({ "outcome": "information_given" })),
            )
            .await;
        assert_eq!(done.json["state"], "done", "{}", done.text);
    }
    let token = first.json["status_token"].as_str().unwrap();
    let status = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(
        (status.status, status.json["state"].as_str()),
        (StatusCode::OK, Some("done"))
    );

    // Friday and the Sunday holiday stay closed; Monday at 08:00 opens again.
    for closed in [riyadh_at(4, 10, 0), riyadh_at(6, 10, 0)] {
        clock.set(closed);
        assert_eq!(issue(key()).await.code(), "branch_closed", "{closed}");
    }
    clock.set(riyadh_at(7, 8, 0) - Duration::seconds(1));
    assert_eq!(issue(key()).await.code(), "branch_closed");
    clock.advance(Duration::seconds(1));
    let monday = issue(key()).await;
    assert_eq!(monday.status, StatusCode::CREATED, "{}", monday.text);
    assert_eq!(monday.json["service_day"], "2026-12-07");
}
