//! The supervisor's live board (issue 15 item 4) with an injected clock: a line turns amber at its
//! service's target wait and red at 1.5 times it, the board says when the next change is due, and
//! a desk shows who is there, a break and the visitor's label; labels and names only.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::config::{Config, Hours};
use counter_server::domain::numbering::riyadh;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn open_all_day() -> Config {
    let all = Some("00:00-24:00".to_string());
    let mut config = Config::demo();
    config.hours = Hours {
        sunday: all.clone(),
        monday: all.clone(),
        tuesday: all.clone(),
        wednesday: all.clone(),
        thursday: all.clone(),
        friday: all.clone(),
        saturday: all,
        cutoff_minutes: 0,
        ..Hours::default()
    };
    config
}

fn line<'a>(board: &'a Value, service: &str) -> &'a Value {
    board["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["service"] == service)
        .unwrap()
}

fn at(s: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_line_turns_amber_at_its_target_and_red_at_one_and_a_half_times_it() {
    let start = riyadh()
        .with_ymd_and_hms(2026, 12, 3, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let clock = Arc::new(ManualClock::new(start));
    let server = TestServer::start_with(TestOptions {
        config: open_all_day(),
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let sara = api.login("sara").await;
    let board = || async { api.get("/api/v1/board", Some(&sara)).await };

    // The inquiry line aims for 10 minutes (demo configuration); new requests for the default 15.
    let issued = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
    let b = board().await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.text);
    let inquiry = line(&b.json, "inquiry");
    assert_eq!(
        (
            &inquiry["waiting"],
            &inquiry["target_wait_minutes"],
            &inquiry["level"]
        ),
        (&json!(1), &json!(10), &json!("ok"))
    );
    assert_eq!(line(&b.json, "new_request")["target_wait_minutes"], 15);
    assert_eq!(b.json["red_percent_of_target"], 150);
    assert_eq!(at(&b.json["next_change_at"]), start + Duration::minutes(10));
    assert_eq!(b.json["today"]["issued"], 1);

    for (minutes, level, next) in [
        (9, "ok", Some(10)),
        (10, "amber", Some(15)),
        (14, "amber", Some(15)),
        (15, "red", None),
        (40, "red", None),
    ] {
        clock.set(start + Duration::minutes(minutes));
        let b = board().await;
        let inquiry = line(&b.json, "inquiry");
        assert_eq!(inquiry["level"], level, "after {minutes} min");
        assert_eq!(inquiry["longest_wait_minutes"], minutes);
        assert_eq!(
            b.json["next_change_at"]
                .as_str()
                .map(|_| at(&b.json["next_change_at"])),
            next.map(|m| start + Duration::minutes(m)),
            "after {minutes} min"
        );
    }

    // Red raises one supervisor alert (checked every few seconds), about the ticket waiting
    // longest; acknowledged, the line still red raises no other.
    let alerts = || async {
        let r = api.get("/api/v1/alerts", Some(&sara)).await;
        r.json["alerts"].as_array().unwrap().clone()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let raised = loop {
        let open = alerts().await;
        if !open.is_empty() || std::time::Instant::now() > deadline {
            break open;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_eq!(raised.len(), 1, "{raised:?}");
    assert_eq!(
        (&raised[0]["kind"], &raised[0]["label"]),
        (&json!("line_red"), &json!("C-001"))
    );
    let b = board().await;
    assert_eq!(b.json["alerts"][0]["kind"], "line_red", "on the board too");
    let id = raised[0]["id"].as_i64().unwrap();
    let ack = api
        .post(&format!("/api/v1/alerts/{id}/acknowledge"), &sara, None)
        .await;
    assert_eq!(ack.status, StatusCode::NO_CONTENT, "{}", ack.text);
    tokio::time::sleep(counter_server::server::RED_LINE_CHECK_EVERY * 2).await;
    assert!(alerts().await.is_empty(), "once per crossing");

    // Called to desk 1: the line is empty again (ok), the desk shows who and which label.
    let amal = api.login_at_desk("amal", 1).await;
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.text);
    clock.set(start + Duration::minutes(43));
    let b = board().await;
    assert_eq!(line(&b.json, "inquiry")["level"], "ok");
    let desk1 = &b.json["desks"][0];
    assert_eq!(desk1["id"], 1);
    assert_eq!(desk1["visitor"], "C-001");
    assert_eq!(desk1["paused"], false);
    assert_eq!(
        at(&desk1["since"]),
        start + Duration::minutes(40),
        "signed in at 40 min"
    );
    assert!(desk1["staff"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(
        at(&desk1["visitor_called_at"]),
        start + Duration::minutes(40)
    );
    assert_eq!(b.json["today"]["average_wait_minutes"], 40);
    assert!(b.json["next_change_at"].is_null());
    // No visitor's data on the board: only labels, staff names and desks.
    assert!(!b.text.contains("national_id") && !b.text.contains("mobile"));

    // After a restart the desk still says since when amal is there.
    let (db, _dir) = server.stop_keep_files();
    let server = TestServer::start_with(TestOptions {
        config: open_all_day(),
        clock: clock.clone(),
        db_path: Some(db),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let sara = api.login("sara").await;
    let b = api.get("/api/v1/board", Some(&sara)).await;
    assert_eq!(
        at(&b.json["desks"][0]["since"]),
        start + Duration::minutes(40),
        "since outlives the restart"
    );
}
