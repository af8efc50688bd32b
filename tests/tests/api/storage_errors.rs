//! Errors that say what happened: a full disk is `507 storage_full` (not "busy, retry"), `/health`
//! says `degraded` while writes fail, nothing acknowledged is lost once space returns, and a
//! reference to a ticket that does not exist is a 422 naming the field.

use counter_server::domain::{Gender, Role};
use counter_server::testing::SmallDisk;
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_full_disk_is_storage_full_health_degraded_and_nothing_acknowledged_is_lost() {
    let disk = match SmallDisk::mount(3 * 1024) {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED: needs a small tmpfs to fill ({why}); run as root");
            return;
        }
    };
    let mut server = TestServer::start_with(TestOptions {
        db_path: Some(disk.path().join("counter.db")),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let body = json!({ "service": "inquiry" });
    // (id, label) of every ticket the server acknowledged.
    let mut acknowledged = Vec::new();
    let mut issue = async |k: &str| {
        let r = api.issue(&server.kiosk_token, k, &body).await;
        if r.status == StatusCode::CREATED {
            acknowledged.push((
                r.json["id"].as_i64().unwrap(),
                r.json["label"].as_str().unwrap().to_string(),
            ));
        }
        r
    };
    for _ in 0..3 {
        assert_eq!(issue(&key()).await.status, StatusCode::CREATED);
    }
    let health = api.get("/api/v1/health", None).await;
    assert_eq!(health.json["status"], "ok", "{}", health.text);

    disk.fill();
    // The WAL may still have room for a few commits; the disk runs out within a few hundred.
    let mut refused = None;
    for _ in 0..2000 {
        let k = key();
        let r = issue(&k).await;
        match r.status {
            StatusCode::CREATED => continue,
            StatusCode::INSUFFICIENT_STORAGE => {
                refused = Some((k, r));
                break;
            }
            other => panic!("a full disk answered {other}: {}", r.text),
        }
    }
    let (refused_key, r) = refused.expect("the full disk refuses a ticket");
    assert_eq!(r.code(), "storage_full", "{}", r.text);
    assert!(
        r.json["message"]["ar"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    let health = api.get("/api/v1/health", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(
        (&health.json["status"], &health.json["reason"]),
        (&json!("degraded"), &json!("storage_full")),
        "{}",
        health.text
    );
    // Still full: the probe write fails again, so it stays degraded.
    let health = api.get("/api/v1/health", None).await;
    assert_eq!(health.json["status"], "degraded");

    disk.free();
    // The kiosk's retry with the same key now succeeds, and health recovers.
    assert_eq!(issue(&refused_key).await.status, StatusCode::CREATED);
    let health = api.get("/api/v1/health", None).await;
    assert_eq!(health.json["status"], "ok", "{}", health.text);
    assert!(health.json.get("reason").is_none());

    server.stop();
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    for (id, label) in &acknowledged {
        let stored: String = conn
            .query_row("SELECT label FROM tickets WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap_or_else(|e| panic!("acknowledged ticket {label} lost: {e}"));
        assert_eq!(&stored, label);
    }
    let labels: std::collections::HashSet<_> = acknowledged.iter().map(|(_, l)| l).collect();
    assert_eq!(labels.len(), acknowledged.len(), "labels are unique");
    drop(conn);
    drop(server);
    drop(disk);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rights_request_for_a_ticket_that_does_not_exist_is_422_unknown_ticket() {
    let server = TestServer::start();
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let sup = api.login("sup").await;
    let r = api
        .post(
            "/api/v1/rights-requests",
            &sup,
            Some(&json!({ "kind": "copy", "ticket": 987654 })),
        )
        .await;
    assert_eq!(
        (r.status, r.code(), r.json["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_ticket",
            Some("ticket")
        ),
        "{}",
        r.text
    );
    let health = api.get("/api/v1/health", None).await;
    assert_eq!(
        health.json["status"], "ok",
        "a refused request is no storage trouble"
    );
}
