//! Staff raise a waiting ticket's class at the desk (issue 12, item 7), over real HTTP on the demo
//! branch: desks 1–2 serve new_request, follow_up, inquiry, volunteering; desk 3 follow_up and
//! inquiry. The ticket keeps its label and issue time, moves up its line, and the raise is audited.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, counts, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn issue(api: &Api, kiosk: &str, service: &str) -> Value {
    let r = api
        .issue(kiosk, &key(), &json!({ "service": service }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json
}

/// (action, reason, staff, desk) of one audit row.
type AuditRow = (String, Option<String>, Option<i64>, Option<i64>);

/// The audit rows about a ticket, in order.
fn audit_rows(server: &TestServer, ticket: i64) -> Vec<AuditRow> {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT action, reason, staff_id, desk FROM audit_log WHERE ticket_id = ?1 ORDER BY id",
        )
        .unwrap();
    stmt.query_map([ticket], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn staff_id(server: &TestServer, user: &str) -> i64 {
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    conn.query_row("SELECT id FROM staff WHERE username = ?1", [user], |r| {
        r.get(0)
    })
    .unwrap()
}

async fn raise(api: &Api, token: &str, id: i64, class: &str) -> e2e::Reply {
    api.post(
        &format!("/api/v1/tickets/{id}/priority"),
        token,
        Some(&json!({ "priority": class })),
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_raises_a_waiting_ticket_to_priority_and_it_is_called_before_earlier_normal_ones() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let first = issue(&api, &kiosk, "inquiry").await;
    let second = issue(&api, &kiosk, "inquiry").await;
    let id = second["id"].as_i64().unwrap();
    let amal = api.login_at_desk("amal", 1).await;
    let stored = |id: i64| -> (String, String) {
        let conn = rusqlite::Connection::open(server.db_path()).unwrap();
        conn.query_row(
            "SELECT priority, issued_at FROM tickets WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let (_, issued_at) = stored(id);

    let raised = raise(&api, &amal, id, "priority").await;
    assert_eq!(raised.status, StatusCode::OK, "{}", raised.text);
    assert_eq!(
        (
            raised.json["label"].as_str(),
            raised.json["priority"].as_str(),
            raised.json["state"].as_str()
        ),
        (second["label"].as_str(), Some("priority"), Some("waiting")),
        "same label, higher class, still waiting"
    );
    assert_eq!(
        stored(id),
        ("priority".to_string(), issued_at),
        "stored, and the issue time stays"
    );
    assert_eq!(
        audit_rows(&server, id),
        vec![(
            "raise_to_priority".to_string(),
            None,
            Some(staff_id(&server, "amal")),
            Some(1)
        )],
        "one row: who, at which desk, to what class; no reason"
    );

    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(
        called.json["id"].as_i64(),
        Some(id),
        "the raised ticket goes before the earlier normal one: {}",
        called.text
    );
    assert_eq!(called.json["label"], second["label"]);
    let done = api
        .post(&format!("/api/v1/tickets/{id}/cancel"), &amal, None)
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let next = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(next.json["id"], first["id"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_class_is_only_raised_and_only_by_a_desk_of_the_tickets_line() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let new_request = issue(&api, &kiosk, "new_request").await["id"]
        .as_i64()
        .unwrap();
    let amal = api.login_at_desk("amal", 1).await;
    let badr = api.login_at_desk("badr", 3).await;

    let before = counts(server.db_path());
    // Desk 3 does not serve new_request.
    let other_line = raise(&api, &badr, new_request, "urgent").await;
    assert_eq!(
        (other_line.status, other_line.code()),
        (StatusCode::FORBIDDEN, "not_your_line"),
        "{}",
        other_line.text
    );
    // Normal is not a class one raises to, and a body without a class is refused.
    let to_normal = raise(&api, &amal, new_request, "normal").await;
    assert_eq!(to_normal.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(counts(server.db_path()), before, "nothing was written");

    let urgent = raise(&api, &amal, new_request, "urgent").await;
    assert_eq!(urgent.json["priority"], "urgent", "{}", urgent.text);
    for class in ["priority", "urgent"] {
        let r = raise(&api, &amal, new_request, class).await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "priority_not_raised"),
            "{class}: {}",
            r.text
        );
    }
    assert_eq!(
        audit_rows(&server, new_request).len(),
        1,
        "one raise, one row"
    );

    // Once called, the class no longer changes.
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.json["id"].as_i64(), Some(new_request));
    let late = raise(&api, &amal, new_request, "urgent").await;
    assert_eq!(
        (late.status, late.code()),
        (StatusCode::CONFLICT, "ticket_not_waiting")
    );
}

/// The data events of a stream up to and including the first `called`, without the greeting
/// (`hello`, and the display's opening `snapshot`).
async fn until_called(rx: &mut tokio::sync::mpsc::UnboundedReceiver<e2e::SseEvent>) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let e = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("an event in time")
            .expect("the stream is open");
        if e.data.is_empty() || e.event == "hello" || e.event == "snapshot" {
            continue;
        }
        let called = e.event == "called";
        seen.push(
            json!({ "event": e.event, "data": serde_json::from_str::<Value>(&e.data).unwrap() }),
        );
        if called {
            return seen;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_raises_from_any_line_audited_and_the_display_never_hears_of_it() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    issue(&api, &kiosk, "inquiry").await;
    let raised = issue(&api, &kiosk, "inquiry").await;
    let id = raised["id"].as_i64().unwrap();
    let sara = api.login("sara").await;
    let mut display = api
        .sse("/api/v1/events", Some(&server.display_token), None)
        .await;
    let mut staff = api.sse("/api/v1/events", Some(&sara), None).await;

    // From no desk at all: allowed for a supervisor, and audited as an override too.
    let r = raise(&api, &sara, id, "urgent").await;
    assert_eq!(r.json["priority"], "urgent", "{}", r.text);
    let rows: Vec<String> = audit_rows(&server, id).into_iter().map(|r| r.0).collect();
    assert_eq!(rows, ["raise_to_urgent", "override_line"]);

    let amal = api.login_at_desk("amal", 1).await;
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.json["id"].as_i64(), Some(id), "{}", called.text);

    let shown = until_called(&mut display).await;
    assert_eq!(
        shown,
        [
            json!({ "event": "called", "data": { "type": "called", "label": raised["label"], "desk": 1 } })
        ],
        "the display sees the call only: no class, no raise"
    );
    let heard = until_called(&mut staff).await;
    let reclassed = heard
        .iter()
        .find(|e| e["event"] == "reclassed")
        .expect("staff hear of the raise");
    assert_eq!(reclassed["data"]["ticket"]["priority"], "urgent");
    assert_eq!(
        reclassed["data"]["ticket"]["label"], raised["label"],
        "the label stays"
    );
}
