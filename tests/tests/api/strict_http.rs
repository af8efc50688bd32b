//! Requests two parts of a chain could read differently are refused, over raw TCP where a client
//! library would tidy them: `Content-Length` with `Transfer-Encoding`, a query parameter given
//! twice, an `Origin` that matches only a forged `Host`. Replies that carry a token are never
//! cached.

use counter_server::domain::{Gender, Role};
use e2e::{Api, TEST_PASSWORD, TestServer, key};
use reqwest::{StatusCode, header};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends `request` as written and returns the whole reply (the request closes the connection).
async fn raw(server: &TestServer, request: String) -> String {
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(request.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn content_length_with_transfer_encoding_is_refused() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let body = json!({ "username": "amal", "password": TEST_PASSWORD }).to_string();
    let chunked = format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len());
    for (framing, what) in [
        (
            format!(
                "Content-Length: {}\r\nTransfer-Encoding: chunked",
                chunked.len()
            ),
            "CL then TE",
        ),
        (
            format!(
                "Transfer-Encoding: chunked\r\nContent-Length: {}",
                body.len()
            ),
            "TE then CL",
        ),
    ] {
        let reply = raw(
            &server,
            format!(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n{framing}\r\nConnection: close\r\n\r\n{chunked}"
            ),
        )
        .await;
        assert!(reply.starts_with("HTTP/1.1 400"), "{what}: {reply}");
        assert!(
            reply.contains("transfer_encoding_refused"),
            "{what}: {reply}"
        );
        assert!(!reply.contains("\"token\""), "{what}: no session opened");
    }
    // The same body with a Content-Length alone is a login.
    let reply = raw(
        &server,
        format!(
            "POST /api/v1/auth/login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_query_parameter_given_twice_is_refused() {
    let server = TestServer::start();
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let token = api.login("sara").await;
    let once = api
        .get(
            "/api/v1/metrics/summary?from=2026-01-01&to=2026-01-31",
            Some(&token),
        )
        .await;
    assert_ne!(once.status, StatusCode::BAD_REQUEST, "{}", once.text);
    for query in [
        "from=2026-01-01&from=2025-01-01",
        "from=2026-01-01&%66rom=2025-01-01",
    ] {
        let r = api
            .get(&format!("/api/v1/metrics/summary?{query}"), Some(&token))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text);
        assert_eq!(r.code(), "repeated_parameter");
        assert_eq!(r.json["field"], "from");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_origin_matching_a_forged_host_is_refused() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let token = Api::new(&server.base_url).login("amal").await;
    let sign_in = |host: &str, origin: &str| {
        format!(
            "POST /api/v1/desks/1/sign-in HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    };
    let forged = raw(&server, sign_in("evil.example", "http://evil.example")).await;
    assert!(forged.starts_with("HTTP/1.1 403"), "{forged}");
    assert!(forged.contains("bad_origin"));
    let own = server.base_url.clone();
    let host = own.trim_start_matches("http://");
    let ours = raw(&server, sign_in(host, &own)).await;
    assert!(!ours.contains("bad_origin"), "{ours}");
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_that_carry_a_token_are_never_cached() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let no_store = |res: &reqwest::Response, what: &str| {
        assert_eq!(
            res.headers()
                .get(header::CACHE_CONTROL)
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{what}"
        );
    };
    let login = api
        .http
        .post(format!("{}/api/v1/auth/login", api.base))
        .json(&json!({ "username": "amal", "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    no_store(&login, "the API login");
    let console = api
        .http
        .post(format!("{}/web/login", api.base))
        .header(header::ORIGIN, &api.base)
        .json(&json!({ "username": "amal", "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    no_store(&console, "the console login");
    let issued = api
        .http
        .post(format!("{}/api/v1/tickets", api.base))
        .bearer_auth(&server.kiosk_token)
        .header("Idempotency-Key", key())
        .json(&json!({ "service": "inquiry" }))
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), StatusCode::CREATED);
    no_store(&issued, "a ticket with its status token");
    let pair = api
        .http
        .post(format!("{}/display/session", api.base))
        .header(header::ORIGIN, &api.base)
        .json(&json!({ "token": server.display_token }))
        .send()
        .await
        .unwrap();
    assert!(pair.status().is_success(), "{}", pair.status());
    no_store(&pair, "the display pairing");
}
