//! What the kiosk can ask for without anyone being told why: "I do not feel safe right now"
//! without giving details, and the needs (elderly, pregnancy, another disability) that give the
//! priority class.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, counts, key, next_event};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// The class staff see for ticket `id` in the queue.
async fn class_of(api: &Api, staff: &str, id: &Value) -> String {
    let q = api.get("/api/v1/queue", Some(staff)).await;
    let t = q.json["tickets"]
        .as_array()
        .expect("tickets")
        .iter()
        .find(|t| &t["id"] == id)
        .unwrap_or_else(|| panic!("ticket {id} in {}", q.text));
    t["priority"].as_str().unwrap().to_string()
}

async fn status_of(api: &Api, issued: &Value) -> e2e::Reply {
    let token = issued["status_token"].as_str().unwrap();
    api.get(&format!("/api/v1/status/{token}"), None).await
}

#[tokio::test(flavor = "multi_thread")]
async fn not_feeling_safe_without_details_is_urgent_alerts_a_supervisor_and_stores_nothing_about_the_visitor()
 {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let reception = api.login("amal").await;
    let supervisor = api.login("sara").await;
    let mut sup_events = api.events(&supervisor).await;
    let mut staff_events = api.events(&reception).await;
    let mut display = api.events(&server.display_token).await;

    let plain = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let before = counts(&server.db_path);
    let not_safe = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry", "feels_unsafe": true }),
        )
        .await;
    assert_eq!(not_safe.status, StatusCode::CREATED, "{}", not_safe.text);
    let after = counts(&server.db_path);
    assert_eq!(
        (after.intakes, after.consents),
        (before.intakes, before.consents),
        "no intake and no consent row: the visitor gave no details"
    );
    assert_eq!((after.tickets, after.alerts), (before.tickets + 1, 1));

    // The kiosk's reply and the status page look like any other ticket's.
    assert_eq!(keys(&plain.json), keys(&not_safe.json));
    for word in ["urgent", "safe", "priority"] {
        assert!(!not_safe.text.contains(word), "{word} in {}", not_safe.text);
    }
    let (s_plain, s_unsafe) = (
        status_of(&api, &plain.json).await,
        status_of(&api, &not_safe.json).await,
    );
    assert_eq!(s_unsafe.status, StatusCode::OK);
    assert_eq!(keys(&s_plain.json), keys(&s_unsafe.json));
    for word in ["urgent", "safe", "priority"] {
        assert!(!s_unsafe.text.contains(word), "{word} in {}", s_unsafe.text);
    }

    let alert = next_event(&mut sup_events, "alert").await;
    assert_eq!(
        (alert["kind"].as_str(), alert["ticket"].as_i64()),
        (Some("not_safe"), not_safe.json["id"].as_i64())
    );
    assert_eq!(
        class_of(&api, &reception, &not_safe.json["id"]).await,
        "urgent"
    );

    api.post("/api/v1/desks/1/sign-in", &reception, None).await;
    let called = api
        .post("/api/v1/desks/1/call-next", &reception, None)
        .await;
    assert_eq!(called.json["id"], not_safe.json["id"], "urgent goes first");
    next_event(&mut display, "called").await;
    next_event(&mut staff_events, "called").await;
    // Reception and the display saw the call, never the alert or the class.
    while let Ok((e, d)) = staff_events.try_recv() {
        assert_ne!(e, "alert", "{d}");
    }
    while let Ok((e, d)) = display.try_recv() {
        assert_ne!(e, "alert");
        assert!(!d.contains("urgent") && !d.contains("safe"), "{d}");
    }
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let intakes: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM intakes WHERE ticket_id = ?1",
            [not_safe.json["id"].as_i64().unwrap()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(intakes, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn elderly_pregnancy_or_another_disability_give_priority_without_saying_why() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let reception = api.login("amal").await;
    let intake = |needs: Value| json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1", "needs": needs } });
    let plain = api
        .issue(&server.kiosk_token, &key(), &intake(json!({})))
        .await;
    assert_eq!(
        class_of(&api, &reception, &plain.json["id"]).await,
        "normal"
    );
    for need in ["elderly", "pregnancy", "named_disability"] {
        let t = api
            .issue(&server.kiosk_token, &key(), &intake(json!({ need: true })))
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{need}: {}", t.text);
        assert_eq!(
            class_of(&api, &reception, &t.json["id"]).await,
            "priority",
            "{need}"
        );
        assert_eq!(keys(&plain.json), keys(&t.json), "{need}");
        assert!(!t.text.contains("priority") && !t.text.contains(need));
        let status = status_of(&api, &t.json).await;
        assert_eq!(
            keys(&status.json),
            keys(&status_of(&api, &plain.json).await.json)
        );
        assert!(!status.text.contains("priority") && !status.text.contains(need));
    }
    // "Not feeling safe" outranks a need, given on its own beside the intake.
    let both = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry", "feels_unsafe": true,
                     "intake": { "notice_version": "2026-11-v1", "needs": { "elderly": true } } }),
        )
        .await;
    assert_eq!(class_of(&api, &reception, &both.json["id"]).await, "urgent");
    // A need is not a class anyone can read later: only the class is kept.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('intakes')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for need in ["elderly", "pregnancy", "disability"] {
        assert!(!cols.iter().any(|c| c.contains(need)), "{cols:?}");
    }
}
