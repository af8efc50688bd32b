//! The applicant confirms and signs the verified data (policy 6.4) on the tablet paired with the
//! desk, over real HTTP with the tablet's cookie: only the tablet of the desk serving the visitor
//! sees the data; "something is wrong" stores nothing; a signature confirms exactly the data
//! shown (hash checked here with an independent SHA-256), immutably; a correction afterwards
//! needs a new confirmation before registration; the paper fallback; the printed form.

use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::{Api, Reply, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// A request from an applicant tablet: its cookie, and the Origin every cookie-borne change needs.
async fn tablet(api: &Api, token: &str, method: Method, path: &str, body: Option<&Value>) -> Reply {
    let cookie = format!("awn_applicant={token}");
    api.send(
        method,
        path,
        None,
        body,
        &[("Cookie", &cookie), ("Origin", &api.base)],
    )
    .await
}

fn signature() -> Value {
    json!({ "width": 900, "height": 320, "strokes": [
        [[100, 200, 0], [180, 120, 16], [260, 210, 32], [340, 110, 48]],
        [[420, 160, 400], [600, 170, 420]]
    ] })
}

fn rows(server: &TestServer, sql: &str, ticket: i64) -> Vec<Vec<Value>> {
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([ticket], |r| {
        (0..n)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(v) => json!(v),
                    rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                    other => json!(format!("{other:?}")),
                })
            })
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_applicant_confirms_on_the_tablet_of_the_desk_and_only_the_data_shown() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    let desk1 = provision::add_applicant_tablet(&server.db, "desk 1 tablet", 1).unwrap();
    let desk2 = provision::add_applicant_tablet(&server.db, "desk 2 tablet", 2).unwrap();
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    let _badr = api.login_at_desk("badr", 2).await;

    // Only a paired tablet's cookie opens the tablet's routes.
    let get = |token: String| {
        let api = &api;
        async move { tablet(api, &token, Method::GET, "/applicant/request", None).await }
    };
    assert_eq!(
        get(server.display_token.clone()).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(get(amal.clone()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(get(desk1.clone()).await.status, StatusCode::NO_CONTENT);

    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    api.post("/api/v1/desks/1/call-next", &amal, None).await;
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let ask = format!("/api/v1/tickets/{id}/confirmation");
    let r = api.post(&ask, &amal, None).await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "no_intake"));
    let intake = format!("/api/v1/tickets/{id}/intake");
    for (field, value, consent) in [
        ("name", "نورة العتيبي", true),
        ("national_id", "1234567897", false),
    ] {
        let body = json!({ "field": field, "value": value, "consent_at_desk": consent });
        assert_eq!(
            api.post(&intake, &amal, Some(&body)).await.status,
            StatusCode::NO_CONTENT
        );
    }
    let tick = json!({ "item": "data_confirmed" });
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/checklist"),
            &amal,
            Some(&tick),
        )
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "applicant_must_confirm")
    );

    // Asked: the desk's tablet shows the data in full with the declaration; the other desk's
    // tablet shows nothing.
    let r = api.post(&ask, &amal, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let asked = r.json["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(get(desk2.clone()).await.status, StatusCode::NO_CONTENT);
    let shown = get(desk1.clone()).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.json["data"]["name"], "نورة العتيبي");
    assert_eq!(shown.json["data"]["national_id"], "1234567897");
    assert_eq!(shown.json["declaration"]["version"], "2026-12-v1");
    assert_eq!(shown.json["fingerprint"], asked.as_str());
    let request = shown.json["request"].as_i64().unwrap();
    let standing = api.get(&ask, Some(&amal)).await;
    assert_eq!(
        (
            standing.json["state"].clone(),
            standing.json["shown"].clone()
        ),
        (json!("waiting"), json!(true))
    );

    // "Something is wrong": nothing is confirmed, the desk sees it, the tablet goes blank.
    let decline = format!("/applicant/request/{request}/decline");
    let r = tablet(&api, &desk2, Method::POST, &decline, None).await;
    assert_eq!(
        r.code(),
        "no_confirmation_request",
        "another desk's tablet cannot answer"
    );
    let r = tablet(&api, &desk1, Method::POST, &decline, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(api.get(&ask, Some(&amal)).await.json["state"], "declined");
    assert_eq!(get(desk1.clone()).await.status, StatusCode::NO_CONTENT);
    assert!(
        rows(
            &server,
            "SELECT id FROM confirmations WHERE ticket_id = ?1",
            id
        )
        .is_empty()
    );
    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    assert!(
        visit.json["registration_missing"]
            .as_array()
            .unwrap()
            .contains(&json!("data_confirmed"))
    );

    // Asked again; the desk corrects the name after the tablet showed it: the old answer is
    // refused and the tablet shows the new data.
    api.post(&ask, &amal, None).await;
    let before = get(desk1.clone()).await;
    let body = json!({ "field": "name", "value": "نورة سعد العتيبي" });
    api.post(&intake, &amal, Some(&body)).await;
    let request = before.json["request"].as_i64().unwrap();
    let confirm = format!("/applicant/request/{request}/confirm");
    let answer = |fingerprint: &Value, signature: Value| json!({ "fingerprint": fingerprint, "signature": signature });
    let r = tablet(
        &api,
        &desk1,
        Method::POST,
        &confirm,
        Some(&answer(&before.json["fingerprint"], signature())),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "confirmation_outdated")
    );
    let now = get(desk1.clone()).await;
    assert_eq!(now.json["data"]["name"], "نورة سعد العتيبي");
    assert_ne!(now.json["fingerprint"], before.json["fingerprint"]);

    // A tap is not a signature; a point off the pad is refused.
    let tap = json!({ "width": 900, "height": 320, "strokes": [[[10, 10, 0], [11, 11, 5]]] });
    let r = tablet(
        &api,
        &desk1,
        Method::POST,
        &confirm,
        Some(&answer(&now.json["fingerprint"], tap)),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::UNPROCESSABLE_ENTITY, "signature_empty")
    );
    let off = json!({ "width": 900, "height": 320, "strokes": [[[10, 10, 0], [950, 11, 5]]] });
    let r = tablet(
        &api,
        &desk1,
        Method::POST,
        &confirm,
        Some(&answer(&now.json["fingerprint"], off)),
    )
    .await;
    assert_eq!(r.code(), "signature_malformed");

    // Signed: the exact data shown, its hash, the strokes, the declaration's version; immutable.
    let r = tablet(
        &api,
        &desk1,
        Method::POST,
        &confirm,
        Some(&answer(&now.json["fingerprint"], signature())),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let standing = api.get(&ask, Some(&amal)).await;
    assert_eq!(
        (
            standing.json["state"].clone(),
            standing.json["holds"].clone(),
            standing.json["on_paper"].clone()
        ),
        (json!("confirmed"), json!(true), json!(false))
    );
    let stored = rows(
        &server,
        "SELECT data, data_sha256, declaration_version, method, strokes FROM confirmations WHERE ticket_id = ?1",
        id,
    );
    assert_eq!(stored.len(), 1);
    let [data, sha, version, method, strokes] = &stored[0][..] else {
        panic!("{stored:?}")
    };
    let independent: String = Sha256::digest(data.as_str().unwrap().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sha.as_str().unwrap(), independent);
    assert_eq!(*sha, now.json["fingerprint"]);
    let confirmed: Value = serde_json::from_str(data.as_str().unwrap()).unwrap();
    assert_eq!(
        confirmed, now.json["data"],
        "the data stored is the data shown"
    );
    assert_eq!(
        (version.as_str(), method.as_str()),
        (Some("2026-12-v1"), Some("screen"))
    );
    let strokes: Value = serde_json::from_str(strokes.as_str().unwrap()).unwrap();
    assert_eq!(strokes, signature());
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let tamper = conn.execute(
        "UPDATE confirmations SET data = 'x' WHERE ticket_id = ?1",
        [id],
    );
    assert!(tamper.unwrap_err().to_string().contains("immutable"));
    assert_eq!(
        get(desk1.clone()).await.status,
        StatusCode::NO_CONTENT,
        "answered: the tablet is blank"
    );
    let checks = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    let items: Vec<&str> = checks.json["checklist"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["item"].as_str().unwrap())
        .collect();
    assert!(items.contains(&"data_confirmed"), "{items:?}");

    // Corrected after the confirmation: it no longer holds, and registration waits for a new
    // one; the paper fallback takes only the fingerprint of the data as it is now.
    let body = json!({ "field": "mobile", "value": "0512345678" });
    api.post(&intake, &amal, Some(&body)).await;
    let standing = api.get(&ask, Some(&amal)).await;
    assert_eq!(standing.json["holds"], false);
    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    assert!(
        visit.json["registration_missing"]
            .as_array()
            .unwrap()
            .contains(&json!("data_confirmed"))
    );
    let paper = format!("/api/v1/tickets/{id}/signed-on-paper");
    let r = api
        .post(
            &paper,
            &amal,
            Some(&json!({ "fingerprint": now.json["fingerprint"] })),
        )
        .await;
    assert_eq!(
        r.code(),
        "confirmation_outdated",
        "a form printed before the correction"
    );
    api.confirm_on_paper(id, &amal).await;
    let standing = api.get(&ask, Some(&amal)).await;
    assert_eq!(
        (
            standing.json["holds"].clone(),
            standing.json["on_paper"].clone()
        ),
        (json!(true), json!(true))
    );

    // Registered; the desk (who registered it) prints the form afterwards, another desk cannot.
    let reference = api.register_request(id, &amal).await;
    let form = api
        .get(&format!("/api/v1/tickets/{id}/request-form"), Some(&amal))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    assert!(form.text.contains(&reference));
    assert!(form.text.contains("نورة سعد العتيبي") && form.text.contains("1234567897"));
    assert!(
        form.text.contains("وُقّع على النموذج الورقي"),
        "the newest confirmation was on paper"
    );
    let copy = api
        .get(
            &format!("/api/v1/tickets/{id}/request-form?copy=applicant"),
            Some(&amal),
        )
        .await;
    assert!(!copy.text.contains("1234567897") && copy.text.contains("7897"));
    let bad = api
        .get(
            &format!("/api/v1/tickets/{id}/request-form?copy=x"),
            Some(&amal),
        )
        .await;
    assert_eq!(bad.code(), "invalid_copy");
    let other = api
        .get(&format!("/api/v1/tickets/{id}/request-form"), Some(&_badr))
        .await;
    assert_eq!(other.code(), "not_at_your_desk");

    // Every step is in the audit trail, and no audit row holds the data.
    let audit = rows(
        &server,
        "SELECT action, COALESCE(reason, '') FROM audit_log WHERE ticket_id = ?1",
        id,
    );
    let actions: Vec<&str> = audit.iter().map(|r| r[0].as_str().unwrap()).collect();
    for step in [
        "ask_confirmation",
        "shown_to_applicant",
        "applicant_declined",
        "applicant_confirmed",
        "signed_on_paper",
        "print_request_form",
    ] {
        assert!(actions.contains(&step), "{step} missing from {actions:?}");
    }
    assert!(
        audit
            .iter()
            .all(|r| !r[1].as_str().unwrap().contains("نورة"))
    );
}
