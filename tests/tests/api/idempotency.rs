//! Kiosk retries: the same key gives the same ticket, even when both arrive at once.

use e2e::{Api, TestServer, counts, key};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_key_sent_twice_at_once_gives_one_ticket_and_identical_replies() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    for _ in 0..20 {
        let k = key();
        let body = json!({ "service": "follow_up" });
        let (a, b) = tokio::join!(
            api.issue(&server.kiosk_token, &k, &body),
            api.issue(&server.kiosk_token, &k, &body)
        );
        assert_eq!(a.status, StatusCode::CREATED);
        assert_eq!(
            (a.status, &a.text),
            (b.status, &b.text),
            "identical replies"
        );
    }
    assert_eq!(counts(&server.db_path).tickets, 20);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_key_with_a_different_body_is_refused_and_changes_nothing() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let k = key();
    let first = api
        .issue(&server.kiosk_token, &k, &json!({ "service": "inquiry" }))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let before = counts(&server.db_path);
    let other = api
        .issue(&server.kiosk_token, &k, &json!({ "service": "follow_up" }))
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(other.code(), "idempotency_key_reused");
    assert_eq!(counts(&server.db_path), before);
    // A retry of the original still gets the original ticket.
    let again = api
        .issue(&server.kiosk_token, &k, &json!({ "service": "inquiry" }))
        .await;
    assert_eq!(again.text, first.text);
}
