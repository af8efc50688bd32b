//! The visit as policy step 6 describes it, at the desk: a visitor who skipped the kiosk form is
//! completed there (consent recorded first, the kiosk's rules, audited by field name only), the
//! service's documents are recorded against the originals (6.2), and a support request is
//! registered only when the checklist is complete (6.6), or by a supervisor with a reason.

use chrono::{Duration, Utc};
use counter_server::domain::{Gender, Role};
use e2e::{Api, TestServer, key};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The audit rows of one ticket: (action, reason).
fn audit_of(server: &TestServer, ticket: i64) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let mut stmt = conn
        .prepare("SELECT action, reason FROM audit_log WHERE ticket_id = ?1 ORDER BY id")
        .unwrap();
    stmt.query_map([ticket], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A new-request visitor who gave no details, called and arrived at desk 1.
async fn visitor_at_desk_1(api: &Api, server: &TestServer, staff: &str) -> i64 {
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "new_request" }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    assert_eq!(
        api.post("/api/v1/desks/1/call-next", staff, None)
            .await
            .json["id"],
        id
    );
    api.post(&format!("/api/v1/tickets/{id}/start"), staff, None)
        .await;
    id
}

fn today_plus(days: i64) -> String {
    // The service day is Riyadh's (UTC+3).
    ((Utc::now() + Duration::hours(3)).date_naive() + Duration::days(days)).to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitor_without_details_is_completed_at_the_desk_with_consent_and_the_kiosk_rules() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    let badr = api.login_at_desk("badr", 2).await;
    let id = visitor_at_desk_1(&api, &server, &amal).await;
    let intake = format!("/api/v1/tickets/{id}/intake");
    let field = |f: &str, v: &str, consent: bool| json!({ "field": f, "value": v, "consent_at_desk": consent });

    // No consent yet: nothing is stored.
    let r = api
        .post(&intake, &amal, Some(&field("name", "نورة", false)))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "consent_required")
    );
    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    assert_eq!(visit.json["intake"], Value::Null, "{}", visit.text);

    // Another desk may not write it.
    let r = api
        .post(&intake, &badr, Some(&field("name", "نورة", true)))
        .await;
    assert_eq!(r.code(), "not_at_your_desk");

    // With the consent read to the visitor: stored, with the kiosk's rules.
    let r = api
        .post(&intake, &amal, Some(&field("name", "نورة", true)))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = api
        .post(
            &intake,
            &amal,
            Some(&field("national_id", "1234567890", false)),
        )
        .await;
    assert_eq!(
        (r.status, r.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("value")),
        "the kiosk's Luhn check refuses it: {}",
        r.text
    );
    let r = api
        .post(
            &intake,
            &amal,
            Some(&field("national_id", "1234567897", false)),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = api
        .post(
            &intake,
            &amal,
            Some(&field("mobile", "05 1234 5678", false)),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    assert_eq!(visit.json["intake"]["name"], "نورة");
    assert_eq!(visit.json["intake"]["national_id"], "••••••7897");
    assert_eq!(visit.json["intake"]["mobile"], "•••••••••5678");
    assert_eq!(visit.json["intake"]["consent_version"], "2026-11-v1");

    // The consent names the staff member who recorded it.
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let recorded_by: Option<i64> = conn
        .query_row(
            "SELECT recorded_by FROM consents WHERE ticket_id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(recorded_by.is_some());

    // Audited by field name; no value of the visitor in any audit row.
    let audit = audit_of(&server, id);
    let fields: Vec<_> = audit
        .iter()
        .filter(|(a, _)| a == "intake_at_desk")
        .map(|(_, r)| r.clone().unwrap())
        .collect();
    assert_eq!(fields, ["name", "national_id", "mobile"]);
    assert!(audit.iter().any(|(a, _)| a == "consent_at_desk"));
    let text = format!("{audit:?}");
    for secret in ["نورة", "1234567897", "5678"] {
        assert!(!text.contains(secret), "{secret} in the audit: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn documents_are_checked_by_their_rules_and_registration_waits_for_the_whole_checklist() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let amal = api.login_at_desk("amal", 1).await;
    let id = visitor_at_desk_1(&api, &server, &amal).await;
    let documents = format!("/api/v1/tickets/{id}/documents");
    let record = |body: Value| {
        let (api, amal, documents) = (&api, &amal, &documents);
        async move { api.post(documents, amal, Some(&body)).await }
    };

    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    let codes: Vec<_> = visit.json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["required"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("identity", true),
            ("case_report", true),
            ("relationship_proof", false)
        ]
    );
    assert_eq!(
        visit.json["registration_missing"],
        json!(["documents_checked", "data_confirmed", "committee_told"])
    );

    // Each refusal names its field.
    let refused = [
        (
            json!({ "document": "passport", "valid": true }),
            "document",
            "unknown_document",
        ),
        (
            json!({ "document": "identity", "valid": true }),
            "expires_on",
            "expiry_required",
        ),
        (
            json!({ "document": "identity", "valid": true, "expires_on": today_plus(-1) }),
            "expires_on",
            "document_expired",
        ),
        (
            json!({ "document": "identity", "valid": true, "expires_on": "31/12/2030" }),
            "expires_on",
            "invalid_date",
        ),
        (
            json!({ "document": "case_report", "valid": true }),
            "reference",
            "reference_required",
        ),
    ];
    for (body, field, code) in refused {
        let r = record(body.clone()).await;
        assert_eq!(
            (r.status, r.json["field"].as_str(), r.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field), code),
            "{body}: {}",
            r.text
        );
    }

    // "Documents checked" waits for every required document recorded valid.
    let tick = |item: &'static str| {
        let (api, amal) = (&api, &amal);
        async move {
            api.post(
                &format!("/api/v1/tickets/{id}/checklist"),
                amal,
                Some(&json!({ "item": item })),
            )
            .await
        }
    };
    assert_eq!(
        tick("documents_checked").await.code(),
        "documents_incomplete"
    );
    let r =
        record(json!({ "document": "identity", "valid": true, "expires_on": today_plus(0) })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["documents"][0]["recorded"]["staff"], "amal");
    assert_eq!(
        tick("documents_checked").await.code(),
        "documents_incomplete"
    );
    let r = record(json!({ "document": "case_report", "valid": true, "reference": "1448/4471", "expires_on": "2030-01-01" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json["documents"][1]["recorded"]["expires_on"],
        Value::Null,
        "only what the rule asks for is kept"
    );
    assert_eq!(r.json["documents"][1]["recorded"]["reference"], "1448/4471");
    assert_eq!(tick("documents_checked").await.status, StatusCode::OK);

    // Registration waits for 6.4 and 6.5 too.
    let finish = |body: Value, who: &str| {
        let (api, who) = (&api, who.to_string());
        async move {
            api.post(&format!("/api/v1/tickets/{id}/finish"), &who, Some(&body))
                .await
        }
    };
    let registered = json!({ "outcome": "support_request_registered" });
    let r = finish(registered.clone(), &amal).await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "registration_incomplete")
    );
    // Only a supervisor may allow it over an incomplete checklist.
    let r = api
        .post(
            &format!("/api/v1/tickets/{id}/registration-override"),
            &amal,
            Some(&json!({ "reason": "urgent case" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let visit = api
        .get(&format!("/api/v1/tickets/{id}/visit"), Some(&amal))
        .await;
    assert_eq!(
        visit.json["registration_missing"],
        json!(["data_confirmed", "committee_told"])
    );
    assert_eq!(visit.json["ticket"]["state"], "serving");
    // Only the applicant confirms (policy 6.4): here on the printed form.
    let r = tick("data_confirmed").await;
    assert_eq!(
        (r.status, r.code()),
        (StatusCode::CONFLICT, "applicant_must_confirm")
    );
    api.confirm_on_paper(id, &amal).await;
    assert_eq!(tick("committee_told").await.status, StatusCode::OK);
    let r = finish(registered, &amal).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["follow_up"]["earliest_answer_date"].is_string());

    // A supervisor allows an incomplete request with a reason: kept with the visit (erased with
    // it), and the audit row names the override without the reason; then the desk registers it.
    let sara = api.login("sara").await;
    let second = visitor_at_desk_1(&api, &server, &amal).await;
    let r = api
        .post(
            &format!("/api/v1/tickets/{second}/registration-override"),
            &sara,
            Some(&json!({ "reason": "الوثائق لدى الشرطة" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let r = api
        .post(
            &format!("/api/v1/tickets/{second}/finish"),
            &amal,
            Some(&json!({ "outcome": "support_request_registered" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let audit = audit_of(&server, second);
    assert!(
        audit.contains(&("override_registration".into(), None)),
        "{audit:?}"
    );
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let reason: String = conn
        .query_row(
            "SELECT reason FROM registration_overrides WHERE ticket_id = ?1",
            [second],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reason, "الوثائق لدى الشرطة");
}
