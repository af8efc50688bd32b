//! Erasure takes everything written at the desk about a visit with it: the details completed at
//! the desk, a document's number, the applicant's confirmation (the data confirmed and the
//! signature's strokes), the referral reason, a supervisor's registration override reason and the
//! closing note go with a visitor's deletion request and with the retention purge,
//! and no copy stays in the database file, its WAL or its shared-memory file (a raw-byte search of
//! an unencrypted database, with a control visit whose text must still be found).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::{Clock, ManualClock};
use counter_server::domain::{Gender, Role};
use counter_server::store::{open, retention};
use e2e::{Api, TestOptions, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

/// Signed in at the reception desk (1) and the research desk (4), a supervisor, and the
/// applicant tablet of desk 1.
struct Desks {
    reception: String,
    researcher: String,
    supervisor: String,
    tablet: String,
}

async fn sign_in(api: &Api, server: &TestServer) -> Desks {
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    server.add_staff("sup", Role::Supervisor, Gender::Female);
    let desks = Desks {
        reception: api.login("amal").await,
        researcher: api.login("huda").await,
        supervisor: api.login("sup").await,
        tablet: counter_server::provision::add_applicant_tablet(&server.db, "tablet", 1).unwrap(),
    };
    for (desk, token) in [(1, &desks.reception), (4, &desks.researcher)] {
        let r = api
            .post(&format!("/api/v1/desks/{desk}/sign-in"), token, None)
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    desks
}

/// The texts one visit's staff write, each a sentinel made from `tag`, and the last point of the
/// applicant's signature as it is stored (its time is the tag's number, so each visit's differs).
fn texts(tag: &str) -> [String; 6] {
    let [name, reference, reason, override_reason, note] =
        ["NAME", "REF", "REASON", "OVERRIDE", "NOTE"].map(|what| format!("{tag}-{what}"));
    let number: String = tag.chars().filter(char::is_ascii_digit).collect();
    let ink = format!("[321,123,{number}]");
    [name, reference, reason, override_reason, note, ink]
}

/// The applicant confirms the data on desk 1's tablet and signs; the last point is `ink`.
async fn signed_on_the_tablet(api: &Api, d: &Desks, id: i64, ink: &str) {
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/confirmation"),
            &d.reception,
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cookie = format!("awn_applicant={}", d.tablet);
    let headers = [("Cookie", cookie.as_str()), ("Origin", api.base.as_str())];
    let shown = api
        .send(
            reqwest::Method::GET,
            "/applicant/request",
            None,
            None,
            &headers,
        )
        .await;
    let last: serde_json::Value = serde_json::from_str(ink).unwrap();
    let signature = json!({ "width": 900, "height": 320,
        "strokes": [[[10, 10, 0], [200, 150, 20], last]] });
    let body = json!({ "fingerprint": shown.json["fingerprint"], "signature": signature });
    let path = format!("/applicant/request/{}/confirm", shown.json["request"]);
    let r = api
        .send(reqwest::Method::POST, &path, None, Some(&body), &headers)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

/// A whole visit: reception calls it, completes the visitor's name at the desk, records the case
/// report's number, has the applicant sign on the tablet and refers it; a supervisor allows its registration with a reason; the
/// researcher serves it and closes it with a note. The texts are `texts(tag)`. Returns the id.
async fn referred_visit(api: &Api, server: &TestServer, d: &Desks, tag: &str) -> i64 {
    let [name, reference, reason, override_reason, note, ink] = texts(tag);
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
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/intake"),
            &d.reception,
            Some(&json!({ "field": "name", "value": name, "consent_at_desk": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let document = json!({ "document": "case_report", "valid": true, "reference": reference });
    post(
        format!("/api/v1/tickets/{id}/documents"),
        &d.reception,
        Some(document),
    )
    .await;
    signed_on_the_tablet(api, d, id, &ink).await;
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/registration-override"),
            &d.supervisor,
            Some(&json!({ "reason": override_reason })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
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
async fn a_deletion_request_erases_everything_written_at_the_desk_from_every_file() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let desks = sign_in(&api, &server).await;
    let sup = desks.supervisor.clone();
    let id = referred_visit(&api, &server, &desks, "ERASE-5501").await;
    referred_visit(&api, &server, &desks, "KEPT-5503").await;
    let (erased, kept) = (texts("ERASE-5501"), texts("KEPT-5503"));
    let all: Vec<&str> = erased.iter().chain(&kept).map(String::as_str).collect();
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
        kept,
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
async fn the_retention_purge_erases_everything_written_at_the_desk_from_every_file() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 1, 10, 7, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let desks = sign_in(&api, &server).await;
    referred_visit(&api, &server, &desks, "PURGE-6601").await;
    let held = referred_visit(&api, &server, &desks, "HELD-6603").await;
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
    let (purged, held) = (texts("PURGE-6601"), texts("HELD-6603"));
    let all: Vec<&str> = purged.iter().chain(&held).map(String::as_str).collect();
    assert_eq!(
        found_in_files(&server.db_path, &all),
        held,
        "the purged visit's staff text is in no file; the held visit's stays"
    );
}
