//! Ratings over real HTTP: the rating device (by label) and the visitor's phone (by status token),
//! every refusal, immutability, no personal data, and the "recent" list.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Issues an inquiry ticket and returns (id, label, status token).
async fn issue(api: &Api, server: &TestServer) -> (i64, String, String) {
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    (
        t.json["id"].as_i64().unwrap(),
        t.json["label"].as_str().unwrap().to_string(),
        t.json["status_token"].as_str().unwrap().to_string(),
    )
}

/// Calls the next visitor at desk 1, starts and finishes the visit.
async fn serve_next(api: &Api, staff: &str) -> i64 {
    let r = api.post("/api/v1/desks/1/call-next", staff, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.json["id"]
        .as_i64()
        .or(r.json["ticket"]["id"].as_i64())
        .unwrap();
    let r = api
        .post(&format!("/api/v1/tickets/{id}/start"), staff, None)
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            staff,
            Some(&json!({ "outcome": "information_given" })),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn ratings_follow_the_rules_on_both_paths() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login("amal").await;
    assert!(
        api.post("/api/v1/desks/1/sign-in", &amal, None)
            .await
            .status
            .is_success()
    );
    let rating = server.rating_token.clone();
    let (first, label1, _) = issue(&api, &server).await;
    let (_, label2, token2) = issue(&api, &server).await;
    let (_, label3, token3) = issue(&api, &server).await;

    // Not finished yet: refused on both paths.
    let rate = |label: &str, score: Value| json!({ "label": label, "score": score });
    let r = api
        .post("/api/v1/ratings", &rating, Some(&rate(&label1, json!(5))))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "visit_not_finished")
    );
    let r = api
        .post(
            &format!("/api/v1/status/{token2}/rating"),
            "x",
            Some(&json!({ "score": 4 })),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "visit_not_finished")
    );
    let r = api.get("/api/v1/rating/recent", Some(&rating)).await;
    assert_eq!(r.json, json!({ "visits": [] }));

    assert_eq!(serve_next(&api, &amal).await, first);
    // The rating device lists the finished visit: its label and nothing else.
    let r = api.get("/api/v1/rating/recent", Some(&rating)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json, json!({ "visits": [{ "label": label1 }] }));

    // Out of range, unknown reasons, too long, forbidden characters, unknown label.
    for (body, status, code) in [
        (rate(&label1, json!(0)), 422, "invalid_score"),
        (rate(&label1, json!(6)), 422, "invalid_score"),
        (
            json!({ "label": label1, "score": 3, "reasons": ["rudeness"] }),
            422,
            "invalid_reason",
        ),
        (
            json!({ "label": label1, "score": 3, "comment": "ع".repeat(501) }),
            422,
            "too_long",
        ),
        (
            json!({ "label": label1, "score": 3, "comment": "a\u{202E}b" }),
            422,
            "invalid_characters",
        ),
        (rate("Z-999", json!(3)), 404, "visit_not_found"),
    ] {
        let r = api.post("/api/v1/ratings", &rating, Some(&body)).await;
        assert_eq!((r.status.as_u16(), r.code()), (status, code), "{body}");
    }
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let n = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM ratings", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(n(&conn), 0, "nothing stored by a refused rating");

    let r = api
        .post(
            "/api/v1/ratings",
            &rating,
            Some(&json!({ "label": label1, "score": 2, "reasons": ["privacy", "waiting_time", "privacy"],
                "comment": "  الانتظار طويل\nوالمكان مزدحم ", "contact_requested": true })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rating_id = r.json["id"].as_i64().unwrap();
    // Twice: refused.
    let r = api
        .post("/api/v1/ratings", &rating, Some(&rate(&label1, json!(5))))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "already_rated")
    );
    let r = api.get("/api/v1/rating/recent", Some(&rating)).await;
    assert_eq!(
        r.json,
        json!({ "visits": [] }),
        "a rated visit is no longer offered"
    );

    // Stored linked to the visit, with its service, desk, staff member and times; no personal data.
    let row: (i64, String, i64, i64, i64, String, String, String, i64) = conn
        .query_row(
            "SELECT r.ticket_id, r.service, r.desk, r.staff_id, r.score, r.reasons, r.comment, r.channel,
                    (r.issued_at IS NOT NULL AND r.called_at IS NOT NULL AND r.started_at IS NOT NULL AND r.finished_at IS NOT NULL)
             FROM ratings r WHERE r.id = ?1",
            [rating_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?)),
        )
        .unwrap();
    let amal_id: i64 = conn
        .query_row("SELECT id FROM staff WHERE username = 'amal'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        row,
        (
            first,
            "inquiry".to_string(),
            1,
            amal_id,
            2,
            "waiting_time,privacy".to_string(),
            "الانتظار طويل\nوالمكان مزدحم".to_string(),
            "rating_device".to_string(),
            1
        )
    );
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('ratings')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for personal in ["name", "national_id", "mobile", "status_token_hash"] {
        assert!(!columns.iter().any(|c| c == personal), "{personal}");
    }
    let contacts: i64 = conn
        .query_row(
            "SELECT count(*) FROM contact_requests WHERE rating_id = ?1",
            [rating_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(contacts, 1);
    // Immutable: the database refuses an update.
    let err = conn
        .execute("UPDATE ratings SET score = 5 WHERE id = ?1", [rating_id])
        .unwrap_err();
    assert!(err.to_string().contains("ratings are immutable"), "{err}");

    // The visitor's phone: same rules, by the status token.
    assert_eq!(serve_next(&api, &amal).await, first + 1);
    let path = format!("/api/v1/status/{token2}/rating");
    let r = api.post(&path, "x", Some(&json!({ "score": 9 }))).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_score")
    );
    let r = api
        .post(&path, "x", Some(&json!({ "score": 5, "label": label2 })))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no label here: {}",
        r.text
    );
    let r = api
        .post(
            &path,
            "x",
            Some(&json!({ "score": 5, "reasons": ["courtesy", "clarity"] })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.text.len(), format!("{{\"id\":{}}}", rating_id + 1).len());
    let r = api.post(&path, "x", Some(&json!({ "score": 5 }))).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "already_rated")
    );
    // The device cannot rate it again either.
    let r = api
        .post("/api/v1/ratings", &rating, Some(&rate(&label2, json!(1))))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "already_rated")
    );
    let r = api
        .post(
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/rating",
            "x",
            Some(&json!({ "score": 5 })),
        )
        .await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    let channel: String = conn
        .query_row(
            "SELECT channel FROM ratings WHERE id = ?1",
            [rating_id + 1],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(channel, "status_page");
    assert_eq!(n(&conn), 2);
    let _ = (label3, token3);
}
