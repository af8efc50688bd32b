//! Whole visits through the API: kiosk, desk, researcher, display, status page, restart.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestOptions, TestServer, counts, key, next_event};
use reqwest::StatusCode;
use serde_json::json;

const SENTINEL: &str = "SENTINEL-NAME-4411";

#[tokio::test(flavor = "multi_thread")]
async fn a_visit_from_kiosk_to_researcher_with_display_and_status_page() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    let api = Api::new(&server.base_url);
    let mut display = api.events(&server.display_token).await;
    let reception = api.login("amal").await;
    let mut staff_events = api.events(&reception).await;

    let body = json!({ "service": "new_request", "gender_preference": "female", "intake": {
        "notice_version": "2026-11-v1", "name": SENTINEL, "national_id": "١٢٣٤٥٦٧٨٩٧", "mobile": "0512345678",
        "needs": { "wheelchair": true, "interpreter_language": "Urdu" } } });
    let t = api.issue(&server.kiosk_token, &key(), &body).await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    assert_eq!(t.json["label"], "A-001");
    assert_eq!(t.json["people_ahead"], 0);
    let token = t.json["status_token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 22);
    assert!(!t.text.contains(SENTINEL));
    let id = t.json["id"].as_i64().unwrap();
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let (nid, mobile): (String, String) = conn
        .query_row(
            "SELECT national_id, mobile FROM intakes WHERE ticket_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (nid.as_str(), mobile.as_str()),
        ("1234567897", "+966512345678"),
        "normalised before storing"
    );
    let notice: String = conn
        .query_row(
            "SELECT notice_version FROM consents WHERE ticket_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(notice, "2026-11-v1");

    let status = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(
        status.json,
        json!({ "label": "A-001", "state": "waiting", "people_ahead": 0, "estimated_wait_minutes": 0, "desk": null, "referred": false, "awaiting_arrival": false })
    );

    assert_eq!(
        api.post("/api/v1/desks/1/sign-in", &reception, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let called = api
        .post("/api/v1/desks/1/call-next", &reception, None)
        .await;
    assert_eq!(called.json["id"], id);
    let shown = next_event(&mut display, "called").await;
    assert_eq!(
        shown,
        json!({ "type": "called", "label": "A-001", "desk": 1 }),
        "the display gets label and desk only"
    );
    let staff_seen = next_event(&mut staff_events, "called").await;
    assert_eq!(staff_seen["ticket"]["service"], "new_request");

    let status = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(
        (status.json["state"].as_str(), status.json["desk"].as_i64()),
        (Some("called"), Some(1))
    );

    assert_eq!(
        api.post(&format!("/api/v1/tickets/{id}/recall"), &reception, None)
            .await
            .json["recalls"],
        1
    );
    assert_eq!(
        next_event(&mut display, "recalled").await,
        json!({ "type": "recalled", "label": "A-001", "desk": 1 })
    );
    assert_eq!(
        api.post(&format!("/api/v1/tickets/{id}/start"), &reception, None)
            .await
            .json["state"],
        "serving"
    );

    // A later walk-in for the researcher; the referred visitor keeps the earlier place (6.3).
    let walk_in = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "social_research" }),
        )
        .await;
    let referred = api
        .post(
            &format!("/api/v1/tickets/{id}/refer"),
            &reception,
            Some(&json!({ "reason": "الإجراءات غير واضحة" })),
        )
        .await;
    assert_eq!(
        (
            referred.json["state"].as_str(),
            referred.json["route"].as_str()
        ),
        (Some("waiting"), Some("research"))
    );
    let researcher = api.login("huda").await;
    assert_eq!(
        api.post("/api/v1/desks/4/sign-in", &researcher, None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        api.post("/api/v1/desks/4/call-next", &researcher, None)
            .await
            .json["id"],
        id
    );
    api.post(&format!("/api/v1/tickets/{id}/start"), &researcher, None)
        .await;
    api.complete_checklist(id, &researcher).await;
    let done = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &researcher,
            Some(&json!({ "outcome": "support_request_registered" })),
        )
        .await;
    assert_eq!(done.json["state"], "done", "{}", done.text);
    assert_eq!(
        api.post("/api/v1/desks/4/call-next", &researcher, None)
            .await
            .json["id"],
        walk_in.json["id"]
    );

    let status = api.get(&format!("/api/v1/status/{token}"), None).await;
    assert_eq!(status.json["state"], "done");
    let history: Vec<String> = conn
        .prepare("SELECT action FROM ticket_events WHERE ticket_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        history,
        [
            "issue", "call", "recall", "start", "refer", "call", "start", "finish"
        ]
    );
    let reason: String = conn
        .query_row(
            "SELECT detail FROM ticket_events WHERE ticket_id = ?1 AND action = 'refer'",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "الإجراءات غير واضحة");
    drop(display);
    drop(staff_events);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_who_does_not_feel_safe_goes_first_and_only_supervisors_are_alerted() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let reception = api.login("amal").await;
    let supervisor = api.login("sara").await;
    let mut sup_events = api.events(&supervisor).await;
    let mut staff_events = api.events(&reception).await;
    let mut display = api.events(&server.display_token).await;

    let first = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let unsafe_body = json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1", "name": SENTINEL, "feels_unsafe": true } });
    let second = api.issue(&server.kiosk_token, &key(), &unsafe_body).await;
    assert_eq!(second.status, StatusCode::CREATED);
    // Nothing in the kiosk's reply differs from an ordinary ticket's.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&first.json), keys(&second.json));
    assert!(!second.text.contains("urgent"));

    let alert = next_event(&mut sup_events, "alert").await;
    assert_eq!(
        (alert["kind"].as_str(), alert["label"].as_str()),
        (Some("not_safe"), Some("C-002"))
    );

    api.post("/api/v1/desks/1/sign-in", &reception, None).await;
    let called = api
        .post("/api/v1/desks/1/call-next", &reception, None)
        .await;
    assert_eq!(called.json["id"], second.json["id"], "urgent goes first");
    next_event(&mut display, "called").await;
    next_event(&mut staff_events, "called").await;
    // The reception stream saw everything up to the call: no alert among it.
    while let Ok((e, d)) = staff_events.try_recv() {
        assert_ne!(e, "alert");
        assert!(!d.contains(SENTINEL));
    }
    while let Ok((e, d)) = display.try_recv() {
        assert_ne!(e, "alert");
        assert!(!d.contains(SENTINEL));
    }
    assert_eq!(counts(&server.db_path).alerts, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_print_is_recorded_and_raises_an_alert() {
    let server = TestServer::start();
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let supervisor = api.login("sara").await;
    let mut sup_events = api.events(&supervisor).await;
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/print-report"),
            &server.kiosk_token,
            Some(&json!({ "printed": false })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let alert = next_event(&mut sup_events, "alert").await;
    assert_eq!(
        (alert["kind"].as_str(), alert["ticket"].as_i64()),
        (Some("not_printed"), Some(id))
    );
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let printed: i64 = conn
        .query_row("SELECT printed FROM tickets WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(printed, 0);
    let unknown = api
        .post(
            "/api/v1/tickets/9999/print-report",
            &server.kiosk_token,
            Some(&json!({ "printed": true })),
        )
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "ticket_not_found")
    );
}

/// Every printer fault reaches the supervisor with its reason; "paper nearly out", said by every
/// ticket of the rest of the roll, is one alert until a supervisor acknowledges it.
#[tokio::test(flavor = "multi_thread")]
async fn printer_faults_reach_the_supervisor_with_their_reason() {
    let server = TestServer::start();
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let supervisor = api.login("sara").await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        ids.push(t.json["id"].as_i64().unwrap());
    }
    let report = |id: i64, body: serde_json::Value| {
        let api = &api;
        let token = server.kiosk_token.clone();
        async move {
            api.post(
                &format!("/api/v1/tickets/{id}/print-report"),
                &token,
                Some(&body),
            )
            .await
        }
    };
    let r = report(ids[0], json!({ "printed": false, "trouble": "cover_open" })).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    for &id in &ids[1..3] {
        let r = report(id, json!({ "printed": true, "trouble": "paper_near_end" })).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    }
    let r = report(ids[3], json!({ "printed": false, "trouble": "on_fire" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let open = |alerts: &serde_json::Value| -> Vec<(String, String)> {
        alerts["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["kind"].as_str().unwrap().to_string(),
                    a["reason"].as_str().unwrap_or("-").to_string(),
                )
            })
            .collect()
    };
    let alerts = api.get("/api/v1/alerts", Some(&supervisor)).await;
    assert_eq!(
        open(&alerts.json),
        [
            ("not_printed".to_string(), "cover_open".to_string()),
            ("printer".to_string(), "paper_near_end".to_string()),
        ]
    );
    // Acknowledged, the next "nearly out" is news again.
    let near_end = alerts.json["alerts"][1]["id"].as_i64().unwrap();
    let r = api
        .post(
            &format!("/api/v1/alerts/{near_end}/acknowledge"),
            &supervisor,
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let r = report(
        ids[3],
        json!({ "printed": true, "trouble": "paper_near_end" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let alerts = api.get("/api/v1/alerts", Some(&supervisor)).await;
    assert_eq!(open(&alerts.json).len(), 2, "{}", alerts.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_queue_survives_a_restart_and_numbering_continues() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let kiosk = server.kiosk_token.clone();
    for _ in 0..3 {
        api.issue(&kiosk, &key(), &json!({ "service": "follow_up" }))
            .await;
    }
    let staff = api.login("amal").await;
    api.post("/api/v1/desks/1/sign-in", &staff, None).await;
    let called = api.post("/api/v1/desks/1/call-next", &staff, None).await;
    assert_eq!(called.json["label"], "B-001");
    let before = api.get("/api/v1/queue", Some(&staff)).await.json;
    let (db, dir) = server.stop_keep_files();

    let server = TestServer::start_with(TestOptions {
        db_path: Some(db),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let after = api.get("/api/v1/queue", Some(&staff)).await.json;
    assert_eq!(
        before, after,
        "same tickets, states and desks after the restart"
    );
    let next = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "follow_up" }),
        )
        .await;
    assert_eq!(next.json["label"], "B-004");
    assert_eq!(
        api.post("/api/v1/desks/1/call-next", &staff, None)
            .await
            .code(),
        "desk_busy",
        "desk 1 still has B-001"
    );
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wheelchair_or_named_disability_gives_priority_without_saying_why() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let reception = api.login("amal").await;
    let mut display = api.events(&server.display_token).await;

    let plain = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let intake = |needs: serde_json::Value| json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1", "needs": needs } });
    let wheelchair = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake(json!({ "wheelchair": true })),
        )
        .await;
    let disability = api
        .issue(
            &server.kiosk_token,
            &key(),
            &intake(json!({ "disability": SENTINEL })),
        )
        .await;
    assert_eq!(wheelchair.status, StatusCode::CREATED);
    assert_eq!(disability.status, StatusCode::CREATED);
    // The kiosk's reply is the same as for an ordinary ticket: nothing says why.
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&plain.json), keys(&disability.json));
    assert!(!disability.text.contains("priority") && !disability.text.contains(SENTINEL));

    api.post("/api/v1/desks/1/sign-in", &reception, None).await;
    let mut order = Vec::new();
    for _ in 0..3 {
        let called = api
            .post("/api/v1/desks/1/call-next", &reception, None)
            .await;
        order.push(called.json["id"].clone());
        api.post(
            &format!("/api/v1/tickets/{}/no-show", called.json["id"]),
            &reception,
            None,
        )
        .await;
    }
    assert_eq!(
        order,
        [
            wheelchair.json["id"].clone(),
            disability.json["id"].clone(),
            plain.json["id"].clone()
        ],
        "both priority tickets before the earlier normal one"
    );
    while let Ok((_, d)) = display.try_recv() {
        assert!(!d.contains(SENTINEL), "{d}");
    }
}
