//! Erasure takes the staff's free text about a visit with it: the referral reason and the closing
//! note go with a visitor's deletion request and with the retention purge, and no copy stays in
//! the database file, its WAL or its shared-memory file (a raw-byte search of an unencrypted
//! database, with a control visit whose text must still be found).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::{Clock, ManualClock};
use counter_server::domain::{Gender, Role};
use counter_server::store::{open, retention};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

/// Signed in at the reception desk (1) and the research desk (4).
struct Desks {
    reception: String,
    researcher: String,
}

async fn sign_in(api: &Api, server: &TestServer) -> Desks {
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let desks = Desks {
        reception: api.login("amal").await,
        researcher: api.login("huda").await,
    };
    for (desk, token) in [(1, &desks.reception), (4, &desks.researcher)] {
        let r = api
            .post(&format!("/api/v1/desks/{desk}/sign-in"), token, None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    desks
}

/// A whole visit: reception calls it and refers it with `reason`; the researcher serves it and
/// closes it with `note`. Returns the ticket id.
async fn referred_visit(
    api: &Api,
    server: &TestServer,
    d: &Desks,
    reason: &str,
    note: &str,
) -> i64 {
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    let id = t.json["id"].as_i64().unwrap();
    let post = |path: String, token: &String, body: Option<serde_json::Value>| {
        let (api, token) = (api.clone(), token.clone());
        async move {
            let r = api.post(&path, &token, body.as_ref()).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            r.json
        }
    };
    let called = post("/api/v1/desks/1/call-next".into(), &d.reception, None).await;
    assert_eq!(called["id"], id);
    post(format!("/api/v1/tickets/{id}/start"), &d.reception, None).await;
    let refer = json!({ "reason": reason });
    post(
        format!("/api/v1/tickets/{id}/refer"),
        &d.reception,
        Some(refer),
    )
    .await;
    let called = post("/api/v1/desks/4/call-next".into(), &d.researcher, None).await;
    assert_eq!(called["id"], id);
    post(format!("/api/v1/tickets/{id}/start"), &d.researcher, None).await;
    let finish = json!({ "outcome": "information_given", "note": note });
    post(
        format!("/api/v1/tickets/{id}/finish"),
        &d.researcher,
        Some(finish),
    )
    .await;
    id
}

/// Which of `needles` occur anywhere in the database file, its WAL or its shm file.
fn found_in_files(db: &Path, needles: &[&str]) -> Vec<String> {
    let files: Vec<Vec<u8>> = ["", "-wal", "-shm"]
        .iter()
        .map(|ext| PathBuf::from(format!("{}{ext}", db.display())))
        .filter(|p| p.exists())
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    needles
        .iter()
        .filter(|n| {
            files
                .iter()
                .any(|f| f.windows(n.len()).any(|w| w == n.as_bytes()))
        })
        .map(|n| n.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deletion_request_erases_the_referral_reason_and_note_from_every_file() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let desks = sign_in(&api, &server).await;
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let sup = api.login("sup").await;
    let (reason, note) = ("ERASE-REASON-5501", "ERASE-NOTE-5502");
    let (kept_reason, kept_note) = ("KEPT-REASON-5503", "KEPT-NOTE-5504");
    let id = referred_visit(&api, &server, &desks, reason, note).await;
    referred_visit(&api, &server, &desks, kept_reason, kept_note).await;
    let all = [reason, note, kept_reason, kept_note];
    assert_eq!(
        found_in_files(&server.db_path, &all),
        all,
        "the search works"
    );

    let r = api
        .post(
            &format!("/api/v1/visitors/{id}/destroy"),
            &sup,
            Some(&json!({ "reason": "the visitor asked" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    // While the server runs, straight after the answer.
    assert_eq!(
        found_in_files(&server.db_path, &all),
        [kept_reason, kept_note],
        "the erased visit's staff text is in no file; the other visit's is untouched"
    );
    let history: i64 = open(&server.db, true)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM ticket_events WHERE ticket_id = ?1 AND action = 'refer'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(history, 1, "the visit's path stays for the statistics");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_retention_purge_erases_the_referral_reason_and_note_from_every_file() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 10, 7, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let desks = sign_in(&api, &server).await;
    let (reason, note) = ("PURGE-REASON-6601", "PURGE-NOTE-6602");
    let (held_reason, held_note) = ("HELD-REASON-6603", "HELD-NOTE-6604");
    referred_visit(&api, &server, &desks, reason, note).await;
    let held = referred_visit(&api, &server, &desks, held_reason, held_note).await;
    let mut conn = open(&server.db, false).unwrap();
    retention::place_hold(&conn, held, "court order", None, clock.now()).unwrap();
    clock.advance(Duration::days(190));
    let report = retention::purge(
        &mut conn,
        &retention::RetentionPolicy::default(),
        clock.now(),
    )
    .unwrap();
    assert_eq!((report.visits, report.held), (1, 1));
    drop(conn);
    assert_eq!(
        found_in_files(&server.db_path, &[reason, note, held_reason, held_note]),
        [held_reason, held_note],
        "the purged visit's staff text is in no file; the held visit's stays"
    );
}
