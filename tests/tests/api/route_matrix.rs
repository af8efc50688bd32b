//! Every route against every kind of caller: who gets in and who is refused (deny by default).

use counter_server::auth::DeviceScope;
use counter_server::domain::{Gender, Role};
use counter_server::provision;
use e2e::{Api, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who {
    Anonymous,
    Kiosk,
    Display,
    Rating,
    Integration,
    Applicant,
    Reception,
    Researcher,
    Supervisor,
    Admin,
}

const ALL: [Who; 10] = [
    Who::Anonymous,
    Who::Kiosk,
    Who::Display,
    Who::Rating,
    Who::Integration,
    Who::Applicant,
    Who::Reception,
    Who::Researcher,
    Who::Supervisor,
    Who::Admin,
];

/// Route, method, body, and who may pass the permission check.
fn routes(ticket: i64) -> Vec<(Method, String, Option<Value>, Vec<Who>)> {
    use Who::*;
    let desk_workers = vec![Reception, Researcher, Supervisor];
    let staff = vec![Reception, Researcher, Supervisor, Admin];
    vec![
        (Method::GET, "/api/v1/health".into(), None, ALL.to_vec()),
        (
            Method::GET,
            "/api/v1/openapi.json".into(),
            None,
            ALL.to_vec(),
        ),
        (
            Method::GET,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA".into(),
            None,
            ALL.to_vec(),
        ),
        (
            Method::POST,
            "/api/v1/auth/logout".into(),
            None,
            staff.clone(),
        ),
        (
            Method::GET,
            "/api/v1/services".into(),
            None,
            [vec![Kiosk], staff.clone()].concat(),
        ),
        (
            Method::GET,
            "/api/v1/intake-notice".into(),
            None,
            vec![Kiosk, Reception, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/tickets".into(),
            Some(json!({ "service": "inquiry" })),
            vec![Kiosk],
        ),
        (
            Method::POST,
            "/api/v1/reception/tickets".into(),
            Some(json!({ "service": "inquiry" })),
            vec![Reception, Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/print-report"),
            Some(json!({ "printed": true })),
            vec![Kiosk],
        ),
        (
            Method::POST,
            "/api/v1/kiosk/check-in".to_string(),
            Some(json!({ "code": "123456" })),
            vec![Kiosk],
        ),
        // Appointments: slots set by an admin, seen by staff, booked on the phone by reception.
        (
            Method::PUT,
            "/api/v1/admin/appointment-slots".into(),
            Some(
                json!({ "service": "inquiry", "day": "2020-01-01", "times": ["09:00"], "capacity": 1 }),
            ),
            vec![Admin],
        ),
        (
            Method::DELETE,
            "/api/v1/admin/appointment-slots/999".into(),
            None,
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/v1/appointment-slots".into(),
            None,
            staff.clone(),
        ),
        (
            Method::POST,
            "/api/v1/appointments".into(),
            Some(json!({ "slot": 999 })),
            vec![Reception, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/appointments/cancel".into(),
            Some(json!({ "day": "2020-01-01", "code": "000000" })),
            vec![Reception, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/appointments/reminder".into(),
            Some(json!({ "day": "2020-01-01", "code": "000000", "mobile": "0598765431" })),
            vec![Reception, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/appointments/reminder/withdraw".into(),
            Some(json!({ "day": "2020-01-01", "code": "000000" })),
            vec![Reception, Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/recall"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/start"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/finish"),
            Some(json!({ "outcome": "other" })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/no-show"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/return"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/refer"),
            Some(json!({ "reason": "r" })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/transfer"),
            Some(json!({ "desk": 2 })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/cancel"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/priority"),
            Some(json!({ "priority": "priority" })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/sign-in".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/sign-out".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/pause".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/resume".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/call-next".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/desks/1/call".into(),
            Some(json!({ "ticket": ticket })),
            desk_workers.clone(),
        ),
        (Method::GET, "/api/v1/queue".into(), None, staff.clone()),
        (
            Method::GET,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/events".into(),
            None,
            ALL.to_vec(),
        ),
        (Method::GET, "/api/v1/me".into(), None, staff.clone()),
        (
            Method::GET,
            format!("/api/v1/tickets/{ticket}/visit"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/reveal"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/checklist"),
            Some(json!({ "item": "documents_checked" })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/intake"),
            Some(json!({ "field": "name", "value": "x", "consent_at_desk": true })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/documents"),
            Some(json!({ "document": "identity", "valid": false })),
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/registration-override"),
            Some(json!({ "reason": "documents held by the police" })),
            vec![Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/confirmation"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{ticket}/confirmation"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::DELETE,
            format!("/api/v1/tickets/{ticket}/confirmation"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            format!("/api/v1/tickets/{ticket}/signed-on-paper"),
            Some(json!({ "fingerprint": "0".repeat(64) })),
            desk_workers.clone(),
        ),
        (
            Method::GET,
            format!("/api/v1/tickets/{ticket}/request-form"),
            None,
            desk_workers.clone(),
        ),
        (
            Method::GET,
            "/api/v1/requests".into(),
            None,
            vec![Researcher, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/requests/search".into(),
            Some(json!({ "national_id": "1234567897" })),
            desk_workers.clone(),
        ),
        (
            Method::GET,
            "/api/v1/requests/R-2026-00001".into(),
            None,
            desk_workers.clone(),
        ),
        (
            Method::POST,
            "/api/v1/requests/R-2026-00001/decision".into(),
            Some(json!({ "decision": "accepted", "decided_on": "2026-12-03" })),
            vec![Researcher, Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/requests/R-2026-00001/informed".into(),
            Some(json!({ "channel": "phone", "informed_on": "2026-12-03" })),
            desk_workers.clone(),
        ),
        // Reference documents (policy section 5): every staff role, no device, not the public.
        (
            Method::GET,
            "/api/v1/reference?q=%D9%84%D8%A7%D8%A6%D8%AD%D8%A9".into(),
            None,
            staff.clone(),
        ),
        (
            Method::GET,
            "/api/v1/reference/1".into(),
            None,
            staff.clone(),
        ),
        (Method::GET, "/api/v1/alerts".into(), None, vec![Supervisor]),
        // Administration: admins only; one's own password: every staff member; setting it with
        // a one-time code: anyone (the code is the credential).
        (Method::GET, "/api/v1/admin/staff".into(), None, vec![Admin]),
        (
            Method::POST,
            "/api/v1/admin/staff".into(),
            Some(
                json!({ "username": "matrix", "display_name": "m", "role": "reception", "gender": "male" }),
            ),
            vec![Admin],
        ),
        (
            Method::PUT,
            "/api/v1/admin/staff/999".into(),
            Some(
                json!({ "display_name": "m", "role": "reception", "gender": "male", "disabled": false }),
            ),
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/admin/staff/999/password-code".into(),
            None,
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/v1/admin/devices".into(),
            None,
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/admin/devices/999/revoke".into(),
            None,
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/v1/admin/webhooks".into(),
            None,
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/admin/webhooks".into(),
            Some(json!({ "url": "https://127.0.0.1:9/matrix", "events": ["committee.decided"] })),
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/admin/webhooks/999/deactivate".into(),
            None,
            vec![Admin],
        ),
        (
            Method::DELETE,
            "/api/v1/admin/webhooks/999".into(),
            None,
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/v1/admin/webhook-deliveries/dead".into(),
            None,
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/admin/webhook-deliveries/999/replay".into(),
            None,
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/services/matrix/offered".into(),
            Some(json!({ "offered": false })),
            vec![Supervisor, Admin],
        ),
        (
            Method::GET,
            "/api/v1/admin/settings".into(),
            None,
            vec![Admin],
        ),
        (
            Method::PUT,
            "/api/v1/admin/services/matrix".into(),
            Some(
                json!({ "prefix": "1", "name_ar": "x", "name_en": "x", "average_service_minutes": 5, "target_wait_minutes": null, "retention_days": null }),
            ),
            vec![Admin],
        ),
        (
            Method::DELETE,
            "/api/v1/admin/services/matrix".into(),
            None,
            vec![Admin],
        ),
        (
            Method::PUT,
            "/api/v1/admin/desks/999".into(),
            Some(json!({ "kind": "beneficiary_relations", "services": ["nope"] })),
            vec![Admin],
        ),
        (
            Method::DELETE,
            "/api/v1/admin/desks/998".into(),
            None,
            vec![Admin],
        ),
        (
            Method::PUT,
            "/api/v1/admin/branch".into(),
            Some(json!({ "name_ar": "", "name_en": "", "notice_ar": "", "notice_en": "" })),
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/v1/auth/password".into(),
            Some(json!({ "current_password": "not it", "new_password": "long enough 1" })),
            staff.clone(),
        ),
        (
            Method::POST,
            "/api/v1/auth/password-code".into(),
            Some(
                json!({ "username": "nobody", "code": "AAAA-BBBB-CCCC", "new_password": "long enough 1" }),
            ),
            ALL.to_vec(),
        ),
        // The supervisor's live board: supervisors and admins (labels and staff names only).
        (
            Method::GET,
            "/api/v1/board".into(),
            None,
            vec![Supervisor, Admin],
        ),
        (
            Method::POST,
            "/api/v1/alerts/1/acknowledge".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::GET,
            "/api/v1/events".into(),
            None,
            [vec![Display, Integration], staff.clone()].concat(),
        ),
        (
            Method::GET,
            format!("/api/v1/visitors/{ticket}/export"),
            None,
            vec![Supervisor],
        ),
        (
            Method::GET,
            format!("/api/v1/visitors/{ticket}/printable"),
            None,
            vec![Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/visitors/{ticket}/correct"),
            Some(json!({ "field": "name", "value": "x" })),
            vec![Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/visitors/{ticket}/hold"),
            Some(json!({ "reason": "r" })),
            vec![Supervisor],
        ),
        (
            Method::POST,
            format!("/api/v1/visitors/{ticket}/destroy"),
            Some(json!({ "reason": "r" })),
            vec![Supervisor],
        ),
        (
            Method::GET,
            "/api/v1/rights-requests".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/rights-requests".into(),
            Some(json!({ "kind": "copy" })),
            vec![Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/rights-requests/1/identity-checked".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/rights-requests/1/answered".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::GET,
            "/api/v1/rating/recent".into(),
            None,
            vec![Rating],
        ),
        (
            Method::POST,
            "/api/v1/ratings".into(),
            Some(json!({ "label": "Z-999", "score": 5 })),
            vec![Rating],
        ),
        (
            Method::POST,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/rating".into(),
            Some(json!({ "score": 5 })),
            ALL.to_vec(),
        ),
        // "Your turn is near": public, by the status token (here unknown: every caller 404s
        // alike, past the permission check).
        (
            Method::GET,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/notify".into(),
            None,
            ALL.to_vec(),
        ),
        (
            Method::POST,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/notify".into(),
            Some(json!({ "sms": "0512345678" })),
            ALL.to_vec(),
        ),
        (
            Method::DELETE,
            "/api/v1/status/AAAAAAAAAAAAAAAAAAAAAA/notify/sms".into(),
            None,
            ALL.to_vec(),
        ),
        (
            Method::GET,
            "/api/v1/metrics/summary".into(),
            None,
            staff.clone(),
        ),
        (
            Method::GET,
            "/api/v1/metrics/export.csv".into(),
            None,
            vec![Supervisor, Admin],
        ),
        // The end-of-day report: counts only, for supervisors and admins.
        (
            Method::GET,
            "/api/v1/report/daily.csv".into(),
            None,
            vec![Supervisor, Admin],
        ),
        // Contact requests: the quality officer (supervisors) only.
        (
            Method::GET,
            "/api/v1/contact-requests".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/contact-requests/1/take".into(),
            None,
            vec![Supervisor],
        ),
        (
            Method::POST,
            "/api/v1/contact-requests/1/handle".into(),
            Some(json!({ "note": "called back" })),
            vec![Supervisor],
        ),
        // Pairing: any new device asks and polls without a token; only an admin claims a code.
        (Method::POST, "/api/v1/pairing".into(), None, ALL.to_vec()),
        (
            Method::POST,
            "/api/v1/pairing/poll".into(),
            Some(json!({ "secret": "AAAAAAAAAAAAAAAAAAAAAA" })),
            ALL.to_vec(),
        ),
        (
            Method::POST,
            "/api/v1/pairing/claim".into(),
            Some(json!({ "code": "000000", "scope": "kiosk", "name": "matrix" })),
            vec![Admin],
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_route_admits_exactly_the_roles_it_should() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    for (name, role, gender) in [
        ("reception", Role::Reception, Gender::Female),
        ("researcher", Role::Researcher, Gender::Female),
        ("supervisor", Role::Supervisor, Gender::Male),
        ("admin", Role::Admin, Gender::Male),
    ] {
        server.add_staff(name, role, gender);
    }
    let ticket = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await
        .json["id"]
        .as_i64()
        .unwrap();
    let mut tokens = std::collections::HashMap::new();
    tokens.insert(Who::Kiosk, server.kiosk_token.clone());
    tokens.insert(Who::Display, server.display_token.clone());
    tokens.insert(Who::Rating, server.rating_token.clone());
    let integration = provision::add_device(&server.db, "matrix", DeviceScope::Integration);
    tokens.insert(Who::Integration, integration.unwrap());
    // The applicant tablet has its own pages and no API permission at all.
    let tablet = provision::add_applicant_tablet(&server.db, "matrix tablet", 1);
    tokens.insert(Who::Applicant, tablet.unwrap());
    for (who, name) in [
        (Who::Reception, "reception"),
        (Who::Researcher, "researcher"),
        (Who::Supervisor, "supervisor"),
        (Who::Admin, "admin"),
    ] {
        tokens.insert(who, api.login(name).await);
    }
    let routes = routes(ticket);
    assert_eq!(
        routes.len(),
        counter_server_route_count(),
        "the matrix covers every route"
    );
    for (method, path, body, allowed) in routes {
        // Logout last, so that sessions stay valid for the other routes.
        if path.ends_with("/logout") {
            continue;
        }
        for who in ALL {
            let token = tokens.get(&who).map(String::as_str);
            let headers: &[(&str, &str)] =
                if path == "/api/v1/tickets" || path == "/api/v1/reception/tickets" {
                    &[("Idempotency-Key", "matrix-key-0123456789")]
                } else {
                    &[]
                };
            let r = if path.ends_with("/events") {
                // Only the status matters; do not read the endless stream.
                let mut req = api.http.get(format!("{}{path}", api.base));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                let res = req.send().await.unwrap();
                let status = res.status();
                let code = if status.is_success() {
                    String::new()
                } else {
                    res.text().await.unwrap_or_default()
                };
                (status, code)
            } else {
                let r = api
                    .send(method.clone(), &path, token, body.as_ref(), headers)
                    .await;
                (r.status, r.text)
            };
            // Refused by the permission table, as opposed to a rule further in (e.g. wrong_desk_kind).
            let refused = r.1.contains("\"code\":\"unauthenticated\"")
                || r.1.contains("\"code\":\"forbidden\"");
            let expected_refusal = if who == Who::Anonymous {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::FORBIDDEN
            };
            if allowed.contains(&who) {
                assert!(
                    !refused,
                    "{who:?} should pass {method} {path}, got {}: {}",
                    r.0, r.1
                );
            } else {
                assert!(
                    refused,
                    "{who:?} must be refused at {method} {path}: {}",
                    r.1
                );
                assert_eq!(r.0, expected_refusal, "{who:?} at {method} {path}");
            }
        }
    }
    for who in ALL {
        let r = api
            .send(
                Method::POST,
                "/api/v1/auth/logout",
                tokens.get(&who).map(String::as_str),
                None,
                &[],
            )
            .await;
        let staff = matches!(
            who,
            Who::Reception | Who::Researcher | Who::Supervisor | Who::Admin
        );
        assert_eq!(
            r.status == StatusCode::NO_CONTENT,
            staff,
            "{who:?} logout: {}",
            r.text
        );
    }
    // A logged-out session is dead.
    let r = api
        .get(
            "/api/v1/queue",
            tokens.get(&Who::Reception).map(String::as_str),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// The number of routes the server declares (login is tested apart: it needs no token).
fn counter_server_route_count() -> usize {
    let spec: Value = serde_json::from_str(counter_server::api::openapi_json()).unwrap();
    let ops: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    ops - 1
}
