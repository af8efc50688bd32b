//! A ticket that has left the live queue (done, no-show, cancelled, expired) still exists: every
//! action on it is `409 illegal_transition`, as the state machine table says, never "not found".

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn every_action_on_a_finished_ticket_is_an_illegal_transition() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    api.post("/api/v1/desks/1/sign-in", &amal, None).await;
    let issued = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let id = issued.json["id"].as_i64().unwrap();
    api.post("/api/v1/desks/1/call-next", &amal, None).await;
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let done = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &amal,
            Some(&json!({ "outcome": "information_given" })),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);

    let finish = json!({ "outcome": "information_given" });
    let refer = json!({ "reason": "needs a researcher" });
    let transfer = json!({ "service": "follow_up" });
    let actions = [
        ("recall", None),
        ("start", None),
        ("finish", Some(&finish)),
        ("no-show", None),
        ("return", None),
        ("refer", Some(&refer)),
        ("transfer", Some(&transfer)),
        ("cancel", None),
    ];
    for (what, body) in actions {
        let r = api
            .post(&format!("/api/v1/tickets/{id}/{what}"), &amal, body)
            .await;
        assert_eq!(
            (r.status, r.code()),
            (StatusCode::CONFLICT, "illegal_transition"),
            "{what}: {}",
            r.text
        );
    }
    let call = api
        .post(
            "/api/v1/desks/1/call",
            &amal,
            Some(&json!({ "ticket": id })),
        )
        .await;
    assert_eq!(
        (call.status, call.code()),
        (StatusCode::CONFLICT, "illegal_transition"),
        "{}",
        call.text
    );
    // An id never issued is still not found.
    let unknown = api.post("/api/v1/tickets/999999/start", &amal, None).await;
    assert_eq!(unknown.code(), "ticket_not_found", "{}", unknown.text);
}
