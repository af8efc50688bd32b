//! Administration in the browser (issue 15 item 1), through the real server: an admin adds a staff
//! member, who sets a password with the one-time code and later changes it; edits that would
//! break running work or lock the branch out are refused; devices are listed with when they were
//! last seen and revoked at once. Every change leaves an audit row.

use counter_server::domain::{Gender, Role};
use e2e::{Api, Reply, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn put(api: &Api, path: &str, token: &str, body: &Value) -> Reply {
    api.send(Method::PUT, path, Some(token), Some(body), &[])
        .await
}

async fn login_with(api: &Api, username: &str, password: &str) -> Reply {
    api.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(&json!({ "username": username, "password": password })),
        &[],
    )
    .await
}

async fn set_with_code(api: &Api, username: &str, code: &str, new_password: &str) -> Reply {
    api.send(
        Method::POST,
        "/api/v1/auth/password-code",
        None,
        Some(&json!({ "username": username, "code": code, "new_password": new_password })),
        &[],
    )
    .await
}

fn audit_actions(server: &TestServer) -> Vec<String> {
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    conn.prepare(
        "SELECT action FROM audit_log WHERE action LIKE 'staff_%' OR action LIKE 'password_%'
            OR action = 'device_revoked' ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| r.get(0))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_staff_member_sets_a_password_with_the_code_and_later_changes_it() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;

    let added = api
        .post(
            "/api/v1/admin/staff",
            &admin,
            Some(&json!({ "username": "Huda.K", "display_name": "هدى", "role": "reception", "gender": "female" })),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    assert_eq!(added.json["staff"]["username"], "huda.k");
    assert_eq!(added.json["staff"]["role"], "reception");
    let code = added.json["one_time_code"].as_str().unwrap().to_string();
    assert!(added.json["staff"]["code_expires_at"].is_string());
    let again = api
        .post(
            "/api/v1/admin/staff",
            &admin,
            Some(&json!({ "username": "huda.k", "display_name": "x", "role": "reception", "gender": "female" })),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "username_taken")
    );

    // Not a password: the code only sets one. A wrong code, a weak password: refused.
    assert_eq!(
        login_with(&api, "huda.k", &code).await.status,
        StatusCode::UNAUTHORIZED
    );
    let wrong = set_with_code(&api, "huda.k", "AAAA-BBBB-CCCC", "a long new password").await;
    assert_eq!(
        (wrong.status, wrong.code()),
        (StatusCode::UNAUTHORIZED, "invalid_code")
    );
    let weak = set_with_code(&api, "huda.k", &code, "short").await;
    assert_eq!(
        (weak.status, weak.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "weak_password")
    );
    // Typed loosely (lower case, spaces): the same code.
    let loose = code.to_lowercase().replace('-', " ");
    let set = set_with_code(&api, "huda.k", &loose, "first password 1").await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.text);
    let reused = set_with_code(&api, "huda.k", &code, "another password").await;
    assert_eq!(
        (reused.status, reused.code()),
        (StatusCode::UNAUTHORIZED, "invalid_code")
    );

    let first = login_with(&api, "huda.k", "first password 1").await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let here = first.json["token"].as_str().unwrap().to_string();
    let elsewhere = api.login_as("huda.k", "first password 1").await;

    let change = |current: &'static str, new: &'static str| {
        let (api, here) = (&api, here.clone());
        async move {
            api.post(
                "/api/v1/auth/password",
                &here,
                Some(&json!({ "current_password": current, "new_password": new })),
            )
            .await
        }
    };
    let bad = change("not my password", "second password 2").await;
    assert_eq!(
        (bad.status, bad.code()),
        (StatusCode::FORBIDDEN, "wrong_password")
    );
    let changed = change("first password 1", "second password 2").await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    // This session goes on; the other one ended; the old password no longer opens one.
    assert_eq!(
        api.get("/api/v1/me", Some(&here)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/api/v1/me", Some(&elsewhere)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_with(&api, "huda.k", "first password 1").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_with(&api, "huda.k", "second password 2").await.status,
        StatusCode::OK
    );
    assert_eq!(
        audit_actions(&server),
        ["staff_added", "password_set_with_code", "password_changed"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_that_would_break_running_work_or_lock_the_branch_out_are_refused() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let sara = api.login("sara").await;
    assert_eq!(
        api.get("/api/v1/admin/staff", Some(&sara)).await.status,
        StatusCode::FORBIDDEN,
        "a supervisor runs the floor, not the accounts"
    );
    let list = api.get("/api/v1/admin/staff", Some(&admin)).await;
    let id_of = |name: &str| {
        list.json
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["username"] == name)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (admin_id, amal_id) = (id_of("admin"), id_of("amal"));
    assert!(list.text.find("password").is_none(), "{}", list.text);

    let last = put(
        &api,
        &format!("/api/v1/admin/staff/{admin_id}"),
        &admin,
        &json!({ "display_name": "admin", "role": "supervisor", "gender": "male", "disabled": false }),
    )
    .await;
    assert_eq!(
        (last.status, last.code()),
        (StatusCode::CONFLICT, "last_admin")
    );

    let amal = api.login_at_desk("amal", 1).await;
    let edit = |disabled: bool, role: &'static str| json!({ "display_name": "أمل", "role": role, "gender": "female", "disabled": disabled });
    let path = format!("/api/v1/admin/staff/{amal_id}");
    let at_desk = put(&api, &path, &admin, &edit(true, "reception")).await;
    assert_eq!(
        (at_desk.status, at_desk.code()),
        (StatusCode::CONFLICT, "staff_at_desk")
    );
    // A new display name only: allowed while at the desk, and the session goes on.
    let renamed = put(&api, &path, &admin, &edit(false, "reception")).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.json["display_name"], "أمل");
    assert_eq!(
        api.get("/api/v1/me", Some(&amal)).await.status,
        StatusCode::OK
    );

    let out = api.post("/api/v1/desks/1/sign-out", &amal, None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
    let disabled = put(&api, &path, &admin, &edit(true, "reception")).await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);
    assert_eq!(disabled.json["disabled"], true);
    // Her session ends at once, not after the server's few seconds of caching.
    assert_eq!(
        api.get("/api/v1/me", Some(&amal)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let code = api
        .post(&format!("{path}/password-code"), &admin, None)
        .await;
    assert_eq!(
        (code.status, code.code()),
        (StatusCode::CONFLICT, "staff_disabled")
    );
    let unknown = api
        .post("/api/v1/admin/staff/999/password-code", &admin, None)
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "staff_not_found")
    );

    // A forgotten password: the code replaces it and the old one stops working.
    let sara_id = id_of("sara");
    let reset = api
        .post(
            &format!("/api/v1/admin/staff/{sara_id}/password-code"),
            &admin,
            None,
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    assert_eq!(
        api.get("/api/v1/me", Some(&sara)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_with(&api, "sara", e2e::TEST_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let code = reset.json["one_time_code"].as_str().unwrap();
    assert_eq!(
        set_with_code(&api, "sara", code, "sara's new password")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        login_with(&api, "sara", "sara's new password").await.status,
        StatusCode::OK
    );
    assert_eq!(
        audit_actions(&server),
        [
            "staff_edited",
            "staff_disabled",
            "password_code_issued",
            "password_set_with_code"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_show_when_last_seen_and_a_revoked_one_is_refused_at_once() {
    let server = TestServer::start();
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let admin = api.login("admin").await;
    let kiosk = |list: &Reply| {
        list.json
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["scope"] == "kiosk")
            .unwrap()
            .clone()
    };
    let before = api.get("/api/v1/admin/devices", Some(&admin)).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.text);
    assert!(!before.text.contains(&server.kiosk_token));
    assert_eq!(kiosk(&before)["last_seen_at"], Value::Null);

    let services = api.get("/api/v1/services", Some(&server.kiosk_token)).await;
    assert_eq!(services.status, StatusCode::OK);
    let after = api.get("/api/v1/admin/devices", Some(&admin)).await;
    let k = kiosk(&after);
    assert!(k["last_seen_at"].is_string(), "{k}");
    let id = k["id"].as_i64().unwrap();

    let revoked = api
        .post(&format!("/api/v1/admin/devices/{id}/revoke"), &admin, None)
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.text);
    let refused = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
    let twice = api
        .post(&format!("/api/v1/admin/devices/{id}/revoke"), &admin, None)
        .await;
    assert_eq!(
        (twice.status, twice.code()),
        (StatusCode::CONFLICT, "device_revoked")
    );
    let unknown = api
        .post("/api/v1/admin/devices/999/revoke", &admin, None)
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::NOT_FOUND, "device_not_found")
    );
    let listed = api.get("/api/v1/admin/devices", Some(&admin)).await;
    assert!(kiosk(&listed)["revoked_at"].is_string());
    assert_eq!(audit_actions(&server), ["device_revoked"]);
}
