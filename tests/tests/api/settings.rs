//! Services, desks, names and the consent notice changed in administration (issue 15 item 1),
//! through the real server: live, without a restart (the kiosk's service list, a desk calling
//! from its new line while the display's stream stays connected), refused when it would break
//! running work, kept across a restart over the file's values, and audited.

use counter_server::domain::{Gender, Role};
use e2e::{Api, Reply, TestOptions, TestServer, key, next_event};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn put(api: &Api, path: &str, token: &str, body: &Value) -> Reply {
    api.send(Method::PUT, path, Some(token), Some(body), &[])
        .await
}

async fn delete(api: &Api, path: &str, token: &str) -> Reply {
    api.send(Method::DELETE, path, Some(token), None, &[]).await
}

fn legal_aid(prefix: &str, hidden: bool) -> Value {
    json!({
        "prefix": prefix, "name_ar": "استشارة قانونية", "name_en": "Legal advice",
        "hint_ar": "أسئلة عن الإجراءات", "hint_en": "Questions about procedures",
        "average_service_minutes": 20, "target_wait_minutes": 25, "hidden": hidden,
        "retention_days": 400,
        "documents": [{ "code": "national_id", "name_ar": "الهوية", "name_en": "ID", "required": true, "expiry": true }]
    })
}

async fn kiosk_codes(api: &Api, kiosk: &str) -> Vec<String> {
    let r = api.get("/api/v1/services", Some(kiosk)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap().to_string())
        .collect()
}

fn desk_services(settings: &Value, desk: u32) -> Vec<String> {
    settings["desks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == desk)
        .unwrap()["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_added_in_administration_is_offered_and_called_without_a_restart() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let amal = api.login_at_desk("amal", 1).await;
    let mut display = api.events(&server.display_token).await;
    let mut staff = api.events(&amal).await;

    let added = put(
        &api,
        "/api/v1/admin/services/legal_aid",
        &admin,
        &legal_aid("L", false),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    assert_eq!(added.json["retention_days"]["legal_aid"], 400);
    next_event(&mut staff, "settings_changed").await;
    assert!(
        kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"legal_aid".to_string())
    );
    let ticket = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "legal_aid" }),
        )
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text);
    assert_eq!(ticket.json["label"], "L-001");

    // Desk 1 takes the new line while amal works at it; the display's stream goes on.
    let before = api.get("/api/v1/admin/settings", Some(&admin)).await;
    let mut services = desk_services(&before.json, 1);
    services.insert(0, "legal_aid".into());
    let desk = put(
        &api,
        "/api/v1/admin/desks/1",
        &admin,
        &json!({ "kind": "beneficiary_relations", "services": services }),
    )
    .await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.text);
    let kind_change = put(
        &api,
        "/api/v1/admin/desks/1",
        &admin,
        &json!({ "kind": "social_research", "services": services }),
    )
    .await;
    assert_eq!(
        (kind_change.status, kind_change.code()),
        (StatusCode::CONFLICT, "desk_in_use")
    );
    let gone = delete(&api, "/api/v1/admin/desks/1", &admin).await;
    assert_eq!(
        (gone.status, gone.code()),
        (StatusCode::CONFLICT, "desk_in_use")
    );

    // A name for the display, in both languages or not at all.
    let half = put(
        &api,
        "/api/v1/admin/desks/1",
        &admin,
        &json!({ "kind": "beneficiary_relations", "services": services, "name_ar": "الاستقبال" }),
    )
    .await;
    assert_eq!(
        (half.status, half.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_settings")
    );
    let named = put(
        &api,
        "/api/v1/admin/desks/1",
        &admin,
        &json!({ "kind": "beneficiary_relations", "services": services, "name_ar": "الاستقبال", "name_en": "Reception" }),
    )
    .await;
    assert_eq!(named.status, StatusCode::OK, "{}", named.text);
    // Every change of settings sends the names (none until now).
    let names = loop {
        let n = next_event(&mut display, "desk_names").await;
        if n["desks"] != json!([]) {
            break n;
        }
    };
    assert_eq!(
        names["desks"],
        json!([{ "desk": 1, "ar": "الاستقبال", "en": "Reception" }])
    );
    let mut fresh = api
        .sse("/api/v1/events", Some(&server.display_token), None)
        .await;
    let snapshot = loop {
        let e = fresh.recv().await.unwrap();
        if e.event == "snapshot" {
            break serde_json::from_str::<Value>(&e.data).unwrap();
        }
    };
    assert_eq!(
        snapshot["desks"], names["desks"],
        "a display starting now gets the names too"
    );

    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    assert_eq!(called.json["label"], "L-001", "{}", called.text);
    let seen = next_event(&mut display, "called").await;
    assert_eq!(seen["label"], "L-001");

    // Refused while its ticket is in the line, and while a desk serves it.
    let on_desk = delete(&api, "/api/v1/admin/services/legal_aid", &admin).await;
    assert_eq!(
        (on_desk.status, on_desk.code()),
        (StatusCode::CONFLICT, "service_on_desk")
    );
    let mut without = desk_services(&desk.json, 1);
    without.retain(|s| s != "legal_aid");
    let desk = put(
        &api,
        "/api/v1/admin/desks/1",
        &admin,
        &json!({ "kind": "beneficiary_relations", "services": without }),
    )
    .await;
    assert_eq!(desk.status, StatusCode::OK, "{}", desk.text);
    let in_use = delete(&api, "/api/v1/admin/services/legal_aid", &admin).await;
    assert_eq!(
        (in_use.status, in_use.code()),
        (StatusCode::CONFLICT, "service_in_use")
    );
    let new_prefix = put(
        &api,
        "/api/v1/admin/services/legal_aid",
        &admin,
        &legal_aid("M", false),
    )
    .await;
    assert_eq!(
        (new_prefix.status, new_prefix.code()),
        (StatusCode::CONFLICT, "service_in_use")
    );
    let id = called.json["id"].as_i64().unwrap();
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let done = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &amal,
            Some(&json!({ "outcome": "information_given" })),
        )
        .await;
    assert!(done.status.is_success(), "{}", done.text);
    let removed = delete(&api, "/api/v1/admin/services/legal_aid", &admin).await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert!(
        !kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"legal_aid".to_string())
    );
    let unknown = delete(&api, "/api/v1/admin/services/legal_aid", &admin).await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "service_not_found")
    );

    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action || ' ' || reason FROM audit_log WHERE action LIKE 'service_%' OR action LIKE 'desk_%' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        actions,
        [
            "service_saved service legal_aid",
            "desk_saved desk 1",
            "desk_saved desk 1",
            "desk_saved desk 1",
            "service_removed service legal_aid"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hidden_service_takes_no_new_tickets_and_settings_outlive_a_restart() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let sara = api.login("sara").await;
    assert_eq!(
        api.get("/api/v1/admin/settings", Some(&sara)).await.status,
        StatusCode::FORBIDDEN
    );
    let settings = api.get("/api/v1/admin/settings", Some(&admin)).await;
    let mut inquiry = settings.json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "inquiry")
        .unwrap()
        .clone();
    let obj = inquiry.as_object_mut().unwrap();
    obj.remove("code");
    obj.insert("hidden".into(), json!(true));
    obj.insert("retention_days".into(), Value::Null);
    let hidden = put(&api, "/api/v1/admin/services/inquiry", &admin, &inquiry).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.text);
    assert!(
        !kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"inquiry".to_string())
    );
    let refused = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unknown_service")
    );
    // Staff still see it, marked, so the tickets already in its line keep their names.
    let staff_list = api.get("/api/v1/services", Some(&sara)).await;
    let marked = staff_list.json["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "inquiry")
        .unwrap()
        .clone();
    assert_eq!(marked["hidden"], true);

    // Bad values are refused with the rule that failed, and change nothing.
    let bad = put(
        &api,
        "/api/v1/admin/services/inquiry",
        &admin,
        &json!({
        "prefix": "A", "name_ar": "x", "name_en": "x", "average_service_minutes": 5,
        "target_wait_minutes": null, "retention_days": null }),
    )
    .await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_settings")
    );
    assert!(
        bad.json["message"]["en"]
            .as_str()
            .unwrap()
            .contains("Prefix A is used by two services"),
        "{}",
        bad.text
    );

    // A new notice text gets a new version, which the kiosk is given.
    let old_version = settings.json["intake_notice"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    let branch = put(
        &api,
        "/api/v1/admin/branch",
        &admin,
        &json!({
        "name_ar": "جمعية عون — فرع الرياض", "name_en": "Awn — Riyadh branch",
        "notice_ar": "نص الإشعار الجديد", "notice_en": "The new notice text" }),
    )
    .await;
    assert_eq!(branch.status, StatusCode::OK, "{}", branch.text);
    let version = branch.json["intake_notice"]["version"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(version, old_version);
    let notice = api
        .get("/api/v1/intake-notice", Some(&server.kiosk_token))
        .await;
    assert_eq!(notice.json["version"], version.as_str(), "{}", notice.text);

    // After a restart with the same file, the stored settings are in force, not the file's.
    let (db, _dir) = server.stop_keep_files();
    let server = TestServer::start_with(TestOptions {
        db_path: Some(db),
        ..TestOptions::default()
    });
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    assert!(
        !kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"inquiry".to_string())
    );
    let after = api.get("/api/v1/admin/settings", Some(&admin)).await;
    assert_eq!(after.json["name_en"], "Awn — Riyadh branch");
    assert_eq!(after.json["intake_notice"]["version"], version.as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_supervisor_stops_and_resumes_new_tickets_for_a_line() {
    let server = TestServer::start();
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let sara = api.login("sara").await;
    let amal = api.login("amal").await;
    let waiting = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(waiting.status, StatusCode::CREATED, "{}", waiting.text);
    let stop = json!({ "offered": false });
    let refused = api
        .post("/api/v1/services/inquiry/offered", &amal, Some(&stop))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let stopped = api
        .post("/api/v1/services/inquiry/offered", &sara, Some(&stop))
        .await;
    assert_eq!(stopped.status, StatusCode::NO_CONTENT, "{}", stopped.text);
    assert!(
        !kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"inquiry".to_string())
    );
    let board = api.get("/api/v1/board", Some(&sara)).await;
    let line = board.json["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["service"] == "inquiry")
        .unwrap()
        .clone();
    assert_eq!(
        (line["offered"].clone(), line["waiting"].clone()),
        (json!(false), json!(1)),
        "still served"
    );
    let resumed = api
        .post(
            "/api/v1/services/inquiry/offered",
            &sara,
            Some(&json!({ "offered": true })),
        )
        .await;
    assert_eq!(resumed.status, StatusCode::NO_CONTENT, "{}", resumed.text);
    assert!(
        kiosk_codes(&api, &server.kiosk_token)
            .await
            .contains(&"inquiry".to_string())
    );
    let unknown = api
        .post("/api/v1/services/nope/offered", &sara, Some(&stop))
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "service_not_found")
    );

    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT action, role FROM audit_log WHERE action IN ('service_hidden', 'service_offered') ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            ("service_hidden".into(), "supervisor".into()),
            ("service_offered".into(), "supervisor".into())
        ]
    );
}
