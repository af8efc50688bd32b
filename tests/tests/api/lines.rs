//! A ticket's label is fixed for life, and only a desk of the line a ticket waits in may touch it
//! (issue 11, items 1 and 2), over real HTTP on the demo branch: desks 1–2 serve new_request,
//! follow_up, inquiry, volunteering; desk 3 follow_up and inquiry; desk 4 is the researchers'.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, counts, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn issue(api: &Api, kiosk: &str, body: Value) -> Value {
    let r = api.issue(kiosk, &key(), &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json
}

/// (action, reason, staff) of the audit rows about a ticket, in order.
fn audit_rows(server: &TestServer, ticket: i64) -> Vec<(String, Option<String>, Option<i64>)> {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let mut stmt = conn
        .prepare("SELECT action, reason, staff_id FROM audit_log WHERE ticket_id = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([ticket], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_transferred_ticket_keeps_its_label_and_the_target_line_keeps_issuing_after_a_restart() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let b1 = issue(&api, &kiosk, json!({ "service": "follow_up" })).await;
    assert_eq!(b1["label"], "B-001");
    let b1_token = b1["status_token"].as_str().unwrap().to_string();
    let amal = api.login_at_desk("amal", 1).await;
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.json["label"], "B-001");
    let id = called.json["id"].as_i64().unwrap();

    let moved = api
        .post(
            &format!("/api/v1/tickets/{id}/transfer"),
            &amal,
            Some(&json!({ "service": "social_research" })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(
        (
            moved.json["label"].as_str(),
            moved.json["service"].as_str(),
            moved.json["line"].as_str()
        ),
        (Some("B-001"), Some("follow_up"), Some("social_research")),
        "the label and issuing service stay; only the line changes"
    );
    // The social-research line still issues its own numbers, with no collision.
    for expected in ["D-001", "D-002"] {
        let d = issue(&api, &kiosk, json!({ "service": "social_research" })).await;
        assert_eq!(d["label"], expected);
    }
    let huda = api.login_at_desk("huda", 4).await;
    let at_research = api.post("/api/v1/desks/4/call-next", &huda, None).await;
    assert_eq!(
        (
            at_research.json["id"].as_i64(),
            at_research.json["label"].as_str()
        ),
        (Some(id), Some("B-001")),
        "called first (issued first), and announced as the visitor's paper says"
    );
    let status = api.get(&format!("/api/v1/status/{b1_token}"), None).await;
    assert_eq!(status.json["label"], "B-001");

    let (db, dir) = server.stop_keep_files();
    let server = TestServer::start_with(TestOptions {
        db_path: Some(db),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let b2 = issue(&api, &kiosk, json!({ "service": "follow_up" })).await;
    assert_eq!(b2["label"], "B-002", "no second B-001 the same day");
    let d3 = issue(&api, &kiosk, json!({ "service": "social_research" })).await;
    assert_eq!(d3["label"], "D-003");
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let (service, line, label): (String, String, String) = conn
        .query_row(
            "SELECT service, line, label FROM tickets WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (service.as_str(), line.as_str(), label.as_str()),
        ("follow_up", "social_research", "B-001")
    );
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_may_not_pull_cancel_or_call_a_ticket_of_a_line_it_does_not_serve() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let research = issue(&api, &kiosk, json!({ "service": "social_research" })).await["id"]
        .as_i64()
        .unwrap();
    let new_request = issue(&api, &kiosk, json!({ "service": "new_request" })).await["id"]
        .as_i64()
        .unwrap();
    let amal = api.login_at_desk("amal", 1).await;
    let badr = api.login_at_desk("badr", 3).await;
    let before = counts(server.db_path());

    // Desk 1 does not serve social research: no transfer to itself, no call, no cancel, no intake.
    let pull = api
        .post(
            &format!("/api/v1/tickets/{research}/transfer"),
            &amal,
            Some(&json!({ "desk": 1 })),
        )
        .await;
    assert_eq!(
        (pull.status, pull.code()),
        (StatusCode::FORBIDDEN, "not_your_line"),
        "{}",
        pull.text
    );
    let call = api
        .post(
            "/api/v1/desks/1/call",
            &amal,
            Some(&json!({ "ticket": research })),
        )
        .await;
    assert_eq!(
        (call.status, call.code()),
        (StatusCode::FORBIDDEN, "not_your_line")
    );
    let visit = api
        .get(&format!("/api/v1/tickets/{research}/visit"), Some(&amal))
        .await;
    assert_eq!(visit.status, StatusCode::FORBIDDEN);
    // Desk 3 (follow_up, inquiry) may not cancel a new_request ticket.
    let cancel = api
        .post(
            &format!("/api/v1/tickets/{new_request}/cancel"),
            &badr,
            None,
        )
        .await;
    assert_eq!(
        (cancel.status, cancel.code()),
        (StatusCode::FORBIDDEN, "not_your_line")
    );
    let move_away = api
        .post(
            &format!("/api/v1/tickets/{new_request}/transfer"),
            &badr,
            Some(&json!({ "service": "inquiry" })),
        )
        .await;
    assert_eq!(move_away.code(), "not_your_line");
    assert_eq!(counts(server.db_path()), before, "nothing was written");

    // A desk of the line may.
    let cancelled = api
        .post(
            &format!("/api/v1/tickets/{new_request}/cancel"),
            &amal,
            None,
        )
        .await;
    assert_eq!(cancelled.json["state"], "cancelled", "{}", cancelled.text);
    assert!(audit_rows(&server, new_request).is_empty(), "no override");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_direct_call_keeps_the_same_gender_request_and_only_a_supervisor_overrides_it() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    server.add_staff("sami", Role::Supervisor, Gender::Male);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let wants_female = issue(
        &api,
        &kiosk,
        json!({ "service": "follow_up", "gender_preference": "female" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let _amal = api.login_at_desk("amal", 1).await;
    let badr = api.login_at_desk("badr", 2).await;
    let sami = api.login_at_desk("sami", 3).await;

    // A female desk is open and the visitor has just arrived: the male desks may not call her.
    let call = |token: String, desk: u32, body: Value| {
        let api = api.clone();
        async move {
            api.post(&format!("/api/v1/desks/{desk}/call"), &token, Some(&body))
                .await
        }
    };
    let r = call(badr.clone(), 2, json!({ "ticket": wants_female })).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "gender_preference"),
        "{}",
        r.text
    );
    assert_eq!(
        api.post("/api/v1/desks/2/call-next", &badr, None)
            .await
            .code(),
        "no_ticket_waiting",
        "call-next skips her the same way"
    );
    let r = call(
        badr.clone(),
        2,
        json!({ "ticket": wants_female, "override_gender": true }),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::FORBIDDEN, "forbidden"),
        "only a supervisor may override"
    );
    let r = call(sami.clone(), 3, json!({ "ticket": wants_female })).await;
    assert_eq!(r.code(), "gender_preference", "a supervisor too must ask");
    assert!(audit_rows(&server, wants_female).is_empty());

    let r = call(
        sami.clone(),
        3,
        json!({ "ticket": wants_female, "override_gender": true }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["desk"], 3);
    let rows = audit_rows(&server, wants_female);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_str(), rows[0].1.as_deref()),
        ("override_gender", Some("call"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_acts_on_any_line_and_every_override_is_audited() {
    let server = TestServer::start();
    server.add_staff("sami", Role::Supervisor, Gender::Male);
    server.add_staff("nora", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let first = issue(&api, &kiosk, json!({ "service": "new_request" })).await["id"]
        .as_i64()
        .unwrap();
    let second = issue(&api, &kiosk, json!({ "service": "social_research" })).await["id"]
        .as_i64()
        .unwrap();
    let third = issue(&api, &kiosk, json!({ "service": "new_request" })).await["id"]
        .as_i64()
        .unwrap();
    // At desk 3 (follow_up, inquiry), calling a new_request ticket is an override.
    let sami = api.login_at_desk("sami", 3).await;
    let r = api
        .post(
            "/api/v1/desks/3/call",
            &sami,
            Some(&json!({ "ticket": first })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // From no desk at all: cancelling and transferring waiting tickets are overrides.
    let nora = api.login("nora").await;
    let r = api
        .post(&format!("/api/v1/tickets/{second}/cancel"), &nora, None)
        .await;
    assert_eq!(r.json["state"], "cancelled", "{}", r.text);
    let r = api
        .post(
            &format!("/api/v1/tickets/{third}/transfer"),
            &nora,
            Some(&json!({ "desk": 2 })),
        )
        .await;
    assert_eq!(r.json["route_desk"], 2, "{}", r.text);

    let action = |t: i64| {
        audit_rows(&server, t)
            .into_iter()
            .map(|(a, reason, _)| format!("{a}:{}", reason.unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    assert_eq!(action(first), ["override_line:call"]);
    assert_eq!(action(second), ["override_line:cancel"]);
    assert_eq!(action(third), ["override_line:transfer"]);
    assert!(audit_rows(&server, first)[0].2.is_some(), "who overrode");
}
