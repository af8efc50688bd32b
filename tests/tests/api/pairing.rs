//! Pairing a device with a short code: the device asks, an admin claims the code, the device
//! collects a token that works for its scope, once; expired and reused codes are refused; wrong
//! codes are throttled per address; only admins claim.

use std::net::IpAddr;
use std::sync::Arc;

use chrono::{Duration, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::{Gender, Role};
use counter_server::limits::PAIRING_WRONG_CODES_PER_ADDRESS;
use e2e::{Api, Reply, TestOptions, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn ask(api: &Api) -> Reply {
    api.send(Method::POST, "/api/v1/pairing", None, None, &[])
        .await
}

async fn poll(api: &Api, secret: &str) -> Reply {
    api.send(
        Method::POST,
        "/api/v1/pairing/poll",
        None,
        Some(&json!({ "secret": secret })),
        &[],
    )
    .await
}

async fn claim(api: &Api, admin: &str, body: &Value) -> Reply {
    api.post("/api/v1/pairing/claim", admin, Some(body)).await
}

fn kiosk_claim(code: &str) -> Value {
    json!({ "code": code, "scope": "kiosk", "name": "Entrance kiosk 2" })
}

fn start(clock: Arc<ManualClock>) -> (TestServer, Api) {
    let server = TestServer::start_with(TestOptions {
        clock,
        ..TestOptions::default()
    });
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    (server, api)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_device_asks_an_admin_claims_and_the_device_gets_its_token_once() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (server, api) = start(clock.clone());
    let admin = api.login("admin").await;

    let asked = ask(&api).await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text);
    let code = asked.json["code"].as_str().unwrap().to_string();
    let secret = asked.json["secret"].as_str().unwrap().to_string();
    assert!(
        code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );
    assert!(secret.len() >= 43, "a long secret");
    let link = asked.json["console_link"].as_str().unwrap();
    assert!(link.ends_with(&format!("/console#pair={code}")), "{link}");
    assert!(asked.json["qr_svg"].as_str().unwrap().starts_with("<svg"));

    let waiting = poll(&api, &secret).await;
    assert_eq!(waiting.status, StatusCode::OK, "{}", waiting.text);
    assert_eq!(waiting.json["state"], "waiting");
    assert!(waiting.json.get("token").is_none());

    let claimed = claim(&api, &admin, &kiosk_claim(&code)).await;
    assert_eq!(claimed.status, StatusCode::CREATED, "{}", claimed.text);
    assert_eq!(claimed.json["scope"], "kiosk");
    let device_id = claimed.json["device_id"].as_i64().unwrap();

    let paired = poll(&api, &secret).await;
    assert_eq!(paired.status, StatusCode::OK, "{}", paired.text);
    assert_eq!(paired.json["state"], "paired");
    assert_eq!(paired.json["scope"], "kiosk");
    let token = paired.json["token"].as_str().unwrap().to_string();

    // The token is the kiosk's: it issues a ticket.
    let ticket = api
        .issue(&token, &key(), &json!({ "service": "inquiry" }))
        .await;
    assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.text);

    // Given once: the pairing is gone, and the code cannot be claimed again.
    let again = poll(&api, &secret).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
    assert_eq!(again.code(), "unknown_pairing");
    let reused = claim(&api, &admin, &kiosk_claim(&code)).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.text
    );
    assert_eq!(reused.code(), "pairing_code_invalid");

    // Audited with the device and who paired it; neither code, secret nor token in the row.
    let conn = rusqlite::Connection::open(server.db_path()).unwrap();
    let (staff, dev, reason, text): (Option<i64>, i64, String, String) = conn
        .query_row(
            "SELECT staff_id, device_id, reason, \
                    COALESCE(role,'') || COALESCE(reason,'') || COALESCE(request_id,'') \
             FROM audit_log WHERE action = 'device_paired'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert!(staff.is_some());
    assert_eq!((dev, reason.as_str()), (device_id, "kiosk"));
    assert!(!text.contains(&code) && !text.contains(&secret) && !text.contains(&token));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_applicant_tablet_is_paired_to_a_desk_and_a_display_to_the_board() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (_server, api) = start(clock);
    let admin = api.login("admin").await;

    let asked = ask(&api).await;
    let code = asked.json["code"].as_str().unwrap();
    // An applicant tablet needs its desk; the refusal leaves the code usable.
    let no_desk = json!({ "code": code, "scope": "applicant", "name": "Tablet 1" });
    let r = claim(&api, &admin, &no_desk).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["field"], "desk");
    let unknown_desk = json!({ "code": code, "scope": "applicant", "name": "T", "desk": 99 });
    let r = claim(&api, &admin, &unknown_desk).await;
    assert_eq!(r.code(), "unknown_desk", "{}", r.text);
    let with_desk = json!({ "code": code, "scope": "applicant", "name": "Tablet 1", "desk": 1 });
    let r = claim(&api, &admin, &with_desk).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let secret = asked.json["secret"].as_str().unwrap();
    assert_eq!(poll(&api, secret).await.json["scope"], "applicant");

    let asked = ask(&api).await;
    let code = asked.json["code"].as_str().unwrap();
    let display = json!({ "code": code, "scope": "display", "name": "Hall TV" });
    assert_eq!(
        claim(&api, &admin, &display).await.status,
        StatusCode::CREATED
    );
    let token = poll(&api, asked.json["secret"].as_str().unwrap())
        .await
        .json["token"]
        .as_str()
        .unwrap()
        .to_string();
    // The display's token opens the public event stream (only the status: the stream never ends).
    let res = api
        .http
        .get(format!("{}/api/v1/events", api.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_code_is_refused() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (_server, api) = start(clock.clone());
    let admin = api.login("admin").await;
    let asked = ask(&api).await;
    let code = asked.json["code"].as_str().unwrap();
    clock.advance(Duration::minutes(10));
    let r = claim(&api, &admin, &kiosk_claim(code)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.code(), "pairing_code_invalid");
    let r = poll(&api, asked.json["secret"].as_str().unwrap()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

/// A client whose connections come from `ip` (127.0.0.x are all local on Linux).
fn client_from(server: &TestServer, ip: &str) -> Api {
    let http = reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    Api {
        base: server.base_url.clone(),
        http,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_wrong_codes_throttle_the_address_even_for_the_right_code() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (server, _) = start(clock);
    let guesser = client_from(&server, "127.0.0.3");
    let elsewhere = client_from(&server, "127.0.0.4");
    let admin = guesser.login("admin").await;
    let asked = ask(&elsewhere).await;
    let code = asked.json["code"].as_str().unwrap().to_string();
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..PAIRING_WRONG_CODES_PER_ADDRESS {
        let r = claim(&guesser, &admin, &kiosk_claim(wrong)).await;
        assert_eq!(r.code(), "pairing_code_invalid", "{}", r.text);
    }
    let res = guesser
        .http
        .post(format!("{}/api/v1/pairing/claim", guesser.base))
        .bearer_auth(&admin)
        .json(&kiosk_claim(&code))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 60, "{wait}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "pairing_throttled");
    // The throttled claim did not use the code up: from another address it still pairs.
    let admin_elsewhere = elsewhere.login("admin").await;
    let r = claim(&elsewhere, &admin_elsewhere, &kiosk_claim(&code)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_admins_claim_and_a_flood_of_requests_is_bounded() {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let (server, api) = start(clock);
    for (name, role) in [
        ("reception", Role::Reception),
        ("researcher", Role::Researcher),
        ("supervisor", Role::Supervisor),
    ] {
        server.add_staff(name, role, Gender::Female);
    }
    let asked = ask(&api).await;
    let code = asked.json["code"].as_str().unwrap();
    for name in ["reception", "researcher", "supervisor"] {
        let token = api.login(name).await;
        let r = claim(&api, &token, &kiosk_claim(code)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{name}: {}", r.text);
    }
    let r = claim(&api, &server.kiosk_token, &kiosk_claim(code)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a device: {}", r.text);
    let r = api
        .send(
            Method::POST,
            "/api/v1/pairing/claim",
            None,
            Some(&kiosk_claim(code)),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    // The code is still there for an admin.
    let admin = api.login("admin").await;
    assert_eq!(
        claim(&api, &admin, &kiosk_claim(code)).await.status,
        StatusCode::CREATED
    );

    // One address asks again and again: a few pending codes, then 429 with Retry-After.
    let flood = client_from(&server, "127.0.0.5");
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(ask(&flood).await.status);
    }
    let made = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(made, counter_server::pairing::MAX_PENDING_PER_ADDRESS);
    let r = ask(&flood).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.code(), "pairing_busy");
}
