//! Every class of bad input gets its status and stable code, and changes nothing.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, counts, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn intake(extra: Value) -> Value {
    let mut i = json!({ "notice_version": "2026-11-v1" });
    for (k, v) in extra.as_object().unwrap() {
        i[k] = v.clone();
    }
    json!({ "service": "new_request", "intake": i })
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_ticket_requests_are_refused_with_a_specific_code_and_change_nothing() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    let k = key();
    let raw = |body: &'static str, content_type: &'static str| {
        let (api, kiosk, k) = (api.clone(), kiosk.clone(), k.clone());
        async move {
            let res = api
                .http
                .post(format!("{}/api/v1/tickets", api.base))
                .bearer_auth(&kiosk)
                .header("Idempotency-Key", k)
                .header("Content-Type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            let json: Value = res.json().await.unwrap_or(Value::Null);
            (status, json["code"].as_str().unwrap_or("").to_string())
        }
    };
    let before = counts(&server.db_path);

    assert_eq!(
        raw(r#"{"service":"#, "application/json").await,
        (StatusCode::BAD_REQUEST, "malformed_json".into())
    );
    assert_eq!(
        raw(r#"{"service":"inquiry"}"#, "text/plain").await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type".into()
        )
    );
    let huge: &'static str =
        Box::leak(format!(r#"{{"service":"{}"}}"#, "a".repeat(20_000)).into_boxed_str());
    assert_eq!(
        raw(huge, "application/json").await,
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large".into())
    );
    assert_eq!(
        raw(r#"{"service":"inquiry","pwn":1}"#, "application/json").await,
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_field".into())
    );
    assert_eq!(
        raw(r#"{"service":7}"#, "application/json").await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into())
    );
    assert_eq!(
        raw(r#"{"priority":"normal"}"#, "application/json").await,
        (StatusCode::UNPROCESSABLE_ENTITY, "missing_field".into())
    );
    // The kiosk never asks for "urgent": only the server decides that.
    assert_eq!(
        raw(
            r#"{"service":"inquiry","priority":"urgent"}"#,
            "application/json"
        )
        .await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field".into())
    );
    assert_eq!(
        raw(
            r#"{"service":"inquiry","intake":{"notice_version":"2026-11-v1","name":"a\u0000b"}}"#,
            "application/json"
        )
        .await
        .1,
        "invalid_characters"
    );

    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        (
            json!({ "service": "nope" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service",
            "service",
        ),
        (
            intake(json!({ "name": "\u{202E}evil" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_characters",
            "intake.name",
        ),
        (
            intake(json!({ "name": "zero\u{200B}width" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_characters",
            "intake.name",
        ),
        (
            intake(json!({ "name": "x\u{2067}y" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_characters",
            "intake.name",
        ),
        (
            intake(json!({ "name": "ع".repeat(101) })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
            "intake.name",
        ),
        (
            intake(json!({ "national_id": "1234567890" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_national_id",
            "intake.national_id",
        ),
        (
            intake(json!({ "national_id": "3234567897" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_national_id",
            "intake.national_id",
        ),
        (
            intake(json!({ "mobile": "0412345678" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_mobile",
            "intake.mobile",
        ),
        (
            json!({ "service": "inquiry", "intake": { "notice_version": "old" } }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "stale_notice",
            "intake.notice_version",
        ),
    ];
    for (body, status, code, field) in cases {
        let r = api.issue(&kiosk, &key(), &body).await;
        assert_eq!((r.status, r.code()), (status, code), "{body}: {}", r.text);
        assert_eq!(r.json["field"], json!(field));
        assert!(
            r.json["message"]["ar"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "Arabic message"
        );
        assert!(
            r.json["message"]["en"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "English message"
        );
    }

    let no_key = api
        .send(
            Method::POST,
            "/api/v1/tickets",
            Some(&kiosk),
            Some(&json!({"service": "inquiry"})),
            &[],
        )
        .await;
    assert_eq!(
        (no_key.status, no_key.code()),
        (StatusCode::BAD_REQUEST, "idempotency_key_required")
    );
    let bad_key = api
        .issue(&kiosk, "short", &json!({"service": "inquiry"}))
        .await;
    assert_eq!(
        (bad_key.status, bad_key.code()),
        (StatusCode::BAD_REQUEST, "invalid_idempotency_key")
    );
    let no_token = api
        .send(
            Method::POST,
            "/api/v1/tickets",
            None,
            Some(&json!({"service": "inquiry"})),
            &[("Idempotency-Key", &key())],
        )
        .await;
    assert_eq!(
        (no_token.status, no_token.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
    let wrong_token = api
        .issue(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            &key(),
            &json!({"service": "inquiry"}),
        )
        .await;
    assert_eq!(
        (wrong_token.status, wrong_token.code()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );

    assert_eq!(counts(&server.db_path), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_desk_and_ticket_requests_are_refused_and_change_nothing() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    let ticket = api
        .issue(&server.kiosk_token, &key(), &json!({"service": "inquiry"}))
        .await;
    let id = ticket.json["id"].as_i64().unwrap();
    assert_eq!(
        api.post("/api/v1/desks/1/sign-in", &staff, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.post("/api/v1/desks/1/call-next", &staff, None)
            .await
            .status,
        StatusCode::OK
    );
    let before = counts(&server.db_path);

    let cases: Vec<(Method, String, Option<Value>, StatusCode, &str)> = vec![
        (
            Method::POST,
            "/api/v1/desks/0/call-next".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::POST,
            "/api/v1/desks/1000/call-next".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::POST,
            "/api/v1/desks/abc/sign-in".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::POST,
            "/api/v1/desks/77/sign-in".into(),
            None,
            StatusCode::NOT_FOUND,
            "unknown_desk",
        ),
        (
            Method::POST,
            "/api/v1/tickets/-5/recall".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::POST,
            "/api/v1/tickets/99999999999999999999/recall".into(),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::POST,
            "/api/v1/tickets/424242/recall".into(),
            None,
            StatusCode::NOT_FOUND,
            "ticket_not_found",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/finish"),
            Some(json!({"outcome": "other"})),
            StatusCode::CONFLICT,
            // Called, not yet arrived at the desk.
            "not_arrived",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/finish"),
            Some(json!({"outcome": "great"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/refer"),
            Some(json!({"reason": "   "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "required",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/refer"),
            Some(json!({"reason": "x".repeat(501)})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_long",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/refer"),
            Some(json!({"reason": "a\u{202D}b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_characters",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/transfer"),
            Some(json!({})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "transfer_target",
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{id}/transfer"),
            Some(json!({"service": "nope"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_service",
        ),
        (
            Method::POST,
            "/api/v1/desks/1/call-next".into(),
            None,
            StatusCode::CONFLICT,
            "desk_busy",
        ),
        (
            Method::POST,
            "/api/v1/desks/2/call-next".into(),
            None,
            StatusCode::CONFLICT,
            "not_signed_in",
        ),
        (
            Method::POST,
            "/api/v1/desks/1/call".into(),
            Some(json!({"ticket": 0})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id",
        ),
        (
            Method::GET,
            "/api/v1/nothing-here".into(),
            None,
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            Method::DELETE,
            "/api/v1/queue".into(),
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ];
    for (method, path, body, status, code) in cases {
        let r = api
            .send(method.clone(), &path, Some(&staff), body.as_ref(), &[])
            .await;
        assert_eq!(
            (r.status, r.code()),
            (status, code),
            "{method} {path}: {}",
            r.text
        );
    }
    assert_eq!(counts(&server.db_path), before, "nothing was written");
}

/// The former disagreements between the kiosk's and the server's intake rules (issue 13), now one
/// rule set (`awn_core::intake`): what the kiosk accepts while the visitor types, the server
/// stores. Direction marks, the Arabic thousands separator and no-break spaces in a digit field
/// are dropped (the server refused them), parentheses in a mobile are dropped (the kiosk refused
/// them), and a 100-character name is accepted (the kiosk stopped at 80).
#[tokio::test(flavor = "multi_thread")]
async fn what_the_kiosk_accepts_while_typing_the_server_stores() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let name = "ع".repeat(awn_core::intake::NAME_MAX);
    let cases = [
        (
            json!({ "mobile": "\u{200F}0512345678\u{200E}", "national_id": "\u{200E}1234567897" }),
            (None, Some("1234567897"), Some("+966512345678")),
        ),
        (
            json!({ "mobile": "(050) 123 4567" }),
            (None, None, Some("+966501234567")),
        ),
        (
            json!({ "mobile": "٠٥٠٬١٢٣\u{00A0}٤٥٦٧" }),
            (None, None, Some("+966501234567")),
        ),
        (json!({ "name": name }), (Some(name.as_str()), None, None)),
    ];
    for (fields, stored) in cases {
        // The kiosk's as-you-type form lets each of these through.
        for (field, check) in [
            ("name", awn_core::intake::check_name as fn(&str) -> _),
            ("national_id", awn_core::intake::check_national_id),
            ("mobile", awn_core::intake::check_mobile),
        ] {
            if let Some(v) = fields[field].as_str() {
                assert!(check(v).is_acceptable(), "kiosk: {field} {v:?}");
            }
        }
        let r = api
            .issue(&server.kiosk_token, &key(), &intake(fields.clone()))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{fields}: {}", r.text);
        let id = r.json["id"].as_i64().unwrap();
        let conn = rusqlite::Connection::open(&server.db_path).unwrap();
        let row: (Option<String>, Option<String>, Option<String>) = conn
            .query_row(
                "SELECT name, national_id, mobile FROM intakes WHERE ticket_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(
            (row.0.as_deref(), row.1.as_deref(), row.2.as_deref()),
            stored,
            "{fields}"
        );
    }
    // And what the kiosk refuses, the server refuses with the same rule's code.
    let r = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake(json!({ "name": "ع".repeat(awn_core::intake::NAME_MAX + 1) })),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "too_long")
    );
}
