//! Limits by who asks, not by whom they name: failed logins slow the (account, address) pair and
//! the address, never the account for everyone; the status page serves a room of phones behind
//! one address and slows an unknown-token scan; `X-Forwarded-For` counts only from a trusted proxy.

use std::net::IpAddr;

use counter_server::config::Config;
use counter_server::domain::{Gender, Role};
use e2e::{Api, Reply, TEST_PASSWORD, TestOptions, TestServer, key};
use reqwest::{Method, StatusCode};
use serde_json::json;

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

async fn login(api: &Api, user: &str, password: &str, headers: &[(&str, &str)]) -> Reply {
    api.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(&json!({ "username": user, "password": password })),
        headers,
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_passwords_from_one_address_do_not_lock_the_account_out_elsewhere() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let (a, b) = (
        client_from(&server, "127.0.0.1"),
        client_from(&server, "127.0.0.2"),
    );
    for n in 0..5 {
        let r = login(&a, "amal", &format!("guess-{n}"), &[]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    }
    // The guesser's pair waits, even with the right password, whatever header it sends...
    let r = login(
        &a,
        "amal",
        TEST_PASSWORD,
        &[("X-Forwarded-For", "10.9.9.9")],
    )
    .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.code(), "login_throttled");
    // ... but the real user, at her own desk, signs in.
    let r = login(&b, "amal", TEST_PASSWORD, &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_throttled_reply_says_how_long_to_wait() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let a = client_from(&server, "127.0.0.1");
    for n in 0..5 {
        login(&a, "amal", &format!("guess-{n}"), &[]).await;
    }
    let res = a
        .http
        .post(format!("{}/api/v1/auth/login", a.base))
        .json(&json!({ "username": "amal", "password": "guess-6" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((2..=5).contains(&wait), "Retry-After {wait}");
}

#[tokio::test(flavor = "multi_thread")]
async fn spraying_many_usernames_from_one_address_is_slowed() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let (a, b) = (
        client_from(&server, "127.0.0.3"),
        client_from(&server, "127.0.0.4"),
    );
    for n in 0..20 {
        let r = login(&a, &format!("user{n}"), "Password1", &[]).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "attempt {n}: {}",
            r.text
        );
    }
    let r = login(&a, "user20", "Password1", &[]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    assert_eq!(r.code(), "login_throttled");
    let r = login(&a, "amal", TEST_PASSWORD, &[]).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address waits for every account"
    );
    assert_eq!(
        login(&b, "amal", TEST_PASSWORD, &[]).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_client() {
    let mut config = Config::demo();
    config.connections.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let server = TestServer::start_with(TestOptions {
        config,
        ..Default::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let proxy = client_from(&server, "127.0.0.1");
    let guesser = [("X-Forwarded-For", "198.51.100.7")];
    for n in 0..5 {
        login(&proxy, "amal", &format!("guess-{n}"), &guesser).await;
    }
    let r = login(&proxy, "amal", TEST_PASSWORD, &guesser).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
    // A client's own claim is read right to left only as far as trusted hops go.
    let user = [("X-Forwarded-For", "198.51.100.7, 198.51.100.8")];
    assert_eq!(
        login(&proxy, "amal", TEST_PASSWORD, &user).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_room_of_phones_on_one_address_is_served_and_a_token_scan_is_slowed() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let mut tokens = Vec::new();
    for _ in 0..40 {
        let r = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": "inquiry" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        tokens.push(r.json["status_token"].as_str().unwrap().to_string());
    }
    // 200 lookups within the minute from one address: each phone loads its page and refreshes.
    for round in 0..5 {
        for t in &tokens {
            let path = if round == 0 {
                format!("/t/{t}")
            } else {
                format!("/api/v1/status/{t}")
            };
            let r = api.get(&path, None).await;
            assert_eq!(r.status, StatusCode::OK, "round {round}: {}", r.text);
        }
    }
    // A scan of made-up tokens from the same address is refused after its budget ...
    let mut refused = 0;
    for _ in 0..40 {
        let r = api.get(&format!("/api/v1/status/{}", key()), None).await;
        match r.status {
            StatusCode::NOT_FOUND => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("{other}: {}", r.text),
        }
    }
    assert_eq!(refused, 10, "30 unknown tokens a minute, then 429");
    // ... while the phones' own tokens still answer.
    let r = api
        .get(&format!("/api/v1/status/{}", tokens[0]), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // One token asked far faster than its page ever does is limited on its own.
    let hammered = format!("/api/v1/status/{}", tokens[1]);
    for n in 5..60 {
        assert_eq!(
            api.get(&hammered, None).await.status,
            StatusCode::OK,
            "lookup {n}"
        );
    }
    let r = api.get(&hammered, None).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the 61st lookup in a minute"
    );
    let r = api
        .get(&format!("/api/v1/status/{}", tokens[2]), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the other phones are not affected"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn guesses_sent_all_at_once_are_counted_before_their_passwords_are_checked() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let a = client_from(&server, "127.0.0.5");
    let sent = std::time::Instant::now();
    let guesses = (0..20).map(|n| {
        let a = a.clone();
        async move {
            let status = login(&a, "amal", &format!("guess-{n}"), &[]).await.status;
            (status, sent.elapsed())
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    assert!(
        answers
            .iter()
            .all(|(s, _)| [StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(s)),
        "{answers:?}"
    );
    // The five free guesses are checked; the rest wait out the first delay. A guess the server
    // reads only after that delay (a loaded machine may take that long to read twenty) may be
    // checked too, as a sixth guess sent then would be: only those answered within the delay
    // must be at most five. Counted after checking, all twenty would be checked at once.
    let checked_in_time = answers
        .iter()
        .filter(|(s, at)| {
            *s == StatusCode::UNAUTHORIZED && *at < counter_server::limits::LOGIN_FIRST_DELAY
        })
        .count();
    assert!(checked_in_time <= 5, "{answers:?}");
    let throttled = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(throttled >= 10, "{answers:?}");
}
