//! The browser pages' security over plain HTTP: cookie attributes, the Origin check, idle and
//! absolute session timeouts, security headers and CSP, the status page's not-found parity and
//! headers, and the rule that a visitor's details are visible only at the desk they are called to.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use counter_server::clock::ManualClock;
use counter_server::domain::{Gender, Role};
use e2e::{Api, TEST_PASSWORD, TestOptions, TestServer, key};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

/// Logs in through the console's cookie login; returns the `Set-Cookie` header.
async fn cookie_login(api: &Api, user: &str) -> String {
    let res = api
        .http
        .post(format!("{}/web/login", api.base))
        .header(header::ORIGIN, &api.base)
        .json(&json!({ "username": user, "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        !res.text().await.unwrap().contains("token"),
        "the token stays in the cookie"
    );
    set
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cookies_origin_check_and_idle_timeout() {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 3, 6, 0, 0).unwrap(),
    ));
    let server = TestServer::start_with(TestOptions {
        clock: clock.clone(),
        ..TestOptions::default()
    });
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let set = cookie_login(&api, "amal").await;
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(
        !set.contains("Secure"),
        "plain HTTP on loopback: not Secure"
    );
    let cookie = cookie_pair(&set);
    let with = |m: Method, path: &str, origin: Option<&str>| {
        let mut r = api
            .http
            .request(m, format!("{}{path}", api.base))
            .header(header::COOKIE, &cookie);
        if let Some(o) = origin {
            r = r.header(header::ORIGIN, o);
        }
        r
    };
    assert_eq!(
        with(Method::GET, "/api/v1/me", None)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // A state change with the cookie: refused without or with a foreign Origin, accepted with ours.
    for origin in [None, Some("http://evil.example"), Some("null")] {
        let r = with(Method::POST, "/api/v1/desks/1/sign-in", origin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{origin:?}");
        assert!(r.text().await.unwrap().contains("bad_origin"));
    }
    let r = with(Method::POST, "/api/v1/desks/1/sign-in", Some(&api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // A login page post from another site is refused too.
    let r = api
        .http
        .post(format!("{}/web/login", api.base))
        .header(header::ORIGIN, "http://evil.example")
        .json(&json!({ "username": "amal", "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Idle: only what a person did counts (`X-Awn-Activity: user`); background refreshes, however
    // many, do not keep a session open. `bg` is only refreshed, `cookie` is used by a person.
    let me: serde_json::Value = with(Method::GET, "/api/v1/me", None)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["idle_seconds"], 1800, "{me}");
    assert_eq!(me["desks"], json!([1, 2, 3]), "reception desks only: {me}");
    let bg = cookie_pair(&cookie_login(&api, "amal").await);
    let get = |c: &str, person: bool| {
        let r = api
            .http
            .get(format!("{}/api/v1/me", api.base))
            .header(header::COOKIE, c);
        if person {
            r.header("X-Awn-Activity", "user")
        } else {
            r
        }
    };
    clock.advance(Duration::minutes(20));
    for _ in 0..3 {
        assert_eq!(
            get(&bg, false).send().await.unwrap().status(),
            StatusCode::OK
        );
    }
    assert_eq!(
        get(&cookie, true).send().await.unwrap().status(),
        StatusCode::OK
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await; // the touch is written
    clock.advance(Duration::minutes(20));
    assert_eq!(
        get(&bg, false).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "40 minutes of background refreshes: signed out"
    );
    assert_eq!(
        get(&cookie, false).send().await.unwrap().status(),
        StatusCode::OK,
        "a person used it 20 minutes ago"
    );
    clock.advance(Duration::minutes(11));
    assert_eq!(
        get(&cookie, false).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // Bearer sessions keep their absolute expiry only.
    let bearer = api.login("amal").await;
    clock.advance(Duration::hours(11));
    assert_eq!(
        api.get("/api/v1/me", Some(&bearer)).await.status,
        StatusCode::OK
    );
    clock.advance(Duration::hours(2));
    assert_eq!(
        api.get("/api/v1/me", Some(&bearer)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Logout deletes the cookie.
    let set = cookie_login(&api, "amal").await;
    let r = api
        .http
        .post(format!("{}/web/logout", api.base))
        .header(header::ORIGIN, &api.base)
        .header(header::COOKIE, cookie_pair(&set))
        .send()
        .await
        .unwrap();
    assert!(
        r.headers()[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let r = api
        .http
        .get(format!("{}/api/v1/me", api.base))
        .header(header::COOKIE, cookie_pair(&set))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_carry_a_strict_csp_and_the_status_page_hides_what_it_must() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    for page in [
        "/console",
        "/display",
        "/assets/console.js",
        "/api/v1/health",
    ] {
        let r = api
            .http
            .get(format!("{}{page}", api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{page}");
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
            "{csp}"
        );
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(r.headers()["x-content-type-options"], "nosniff");
        assert_eq!(r.headers()["x-frame-options"], "DENY");
    }
    // No inline script or style in any page (the CSP would block it anyway).
    for page in ["/console", "/display"] {
        let html = api
            .http
            .get(format!("{}{page}", api.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("<script>") && !html.contains("style=") && !html.contains("<style"),
            "{page}"
        );
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "no external resource in {page}"
        );
    }
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap();
    let page = |path: String| {
        let http = api.http.clone();
        let url = format!("{}{path}", api.base);
        async move { http.get(url).send().await.unwrap() }
    };
    let ok = page(format!("/t/{token}")).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(ok.headers()[header::REFERRER_POLICY], "no-referrer");
    // Unknown, malformed: the same not-found page, byte for byte.
    let a = page("/t/AAAAAAAAAAAAAAAAAAAAAA".into()).await;
    let b = page("/t/not-a-token".into()).await;
    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(a.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(a.text().await.unwrap(), b.text().await.unwrap());
    // Lookups are rate-limited (page and API share the limit).
    let mut limited = false;
    for _ in 0..70 {
        if page("/t/AAAAAAAAAAAAAAAAAAAAAA".into()).await.status() == StatusCode::TOO_MANY_REQUESTS
        {
            limited = true;
            break;
        }
    }
    assert!(limited, "status lookups are rate-limited");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_visitors_details_are_visible_only_at_the_desk_they_are_called_to() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("badr", Role::Reception, Gender::Male);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    server.add_staff("admin", Role::Admin, Gender::Male);
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry", "intake": {
            "notice_version": "2026-11-v1", "name": "X", "national_id": "1234567897" } }),
        )
        .await;
    let id = t.json["id"].as_i64().unwrap();
    let (amal, badr, sara, admin) = (
        api.login("amal").await,
        api.login("badr").await,
        api.login("sara").await,
        api.login("admin").await,
    );
    let visit = format!("/api/v1/tickets/{id}/visit");
    // Waiting: nobody at a desk sees it; the supervisor does.
    assert_eq!(
        api.get(&visit, Some(&amal)).await.code(),
        "not_at_your_desk"
    );
    assert_eq!(api.get(&visit, Some(&sara)).await.status, StatusCode::OK);
    assert_eq!(
        api.get(&visit, Some(&admin)).await.status,
        StatusCode::FORBIDDEN
    );
    api.post("/api/v1/desks/1/sign-in", &amal, None).await;
    api.post("/api/v1/desks/2/sign-in", &badr, None).await;
    api.post("/api/v1/desks/1/call-next", &amal, None).await;
    let seen = api.get(&visit, Some(&amal)).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(seen.json["intake"]["national_id"], "••••••7897");
    assert_eq!(
        api.get(&visit, Some(&badr)).await.code(),
        "not_at_your_desk"
    );
    let reveal = api
        .post(&format!("/api/v1/tickets/{id}/reveal"), &badr, None)
        .await;
    assert_eq!(reveal.code(), "not_at_your_desk");
    let reveal = api
        .post(&format!("/api/v1/tickets/{id}/reveal"), &amal, None)
        .await;
    assert_eq!(reveal.json["national_id"], "1234567897");
    let tick = api
        .post(
            &format!("/api/v1/tickets/{id}/checklist"),
            &badr,
            Some(&json!({ "item": "data_confirmed" })),
        )
        .await;
    assert_eq!(tick.code(), "not_at_your_desk");
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let done = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &amal,
            Some(&json!({ "outcome": "information_given", "note": "ok" })),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert!(
        done.json.get("follow_up").is_none(),
        "only a registered support request opens one"
    );
    // Finished: no longer visible at the desk.
    assert_eq!(
        api.get(&visit, Some(&amal)).await.code(),
        "not_at_your_desk"
    );
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let audited: Vec<(String, Option<i64>)> = conn
        .prepare("SELECT action, desk FROM audit_log WHERE ticket_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        audited,
        [
            ("view_visit".into(), None),
            ("view_visit".into(), Some(1)),
            ("reveal_national_id".into(), Some(1))
        ],
        "refused looks are not views; each view and reveal is one row"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_desk_acts_only_when_it_makes_sense() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    server.add_staff("huda", Role::Researcher, Gender::Female);
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let (amal, huda, sara) = (
        api.login("amal").await,
        api.login("huda").await,
        api.login("sara").await,
    );
    let me = api.get("/api/v1/me", Some(&huda)).await;
    assert_eq!(
        me.json["desks"],
        json!([4]),
        "the researcher's desks: {}",
        me.text
    );
    assert_eq!(
        api.get("/api/v1/me", Some(&sara)).await.json["desks"],
        json!([1, 2, 3, 4])
    );
    for service in ["inquiry", "social_research", "inquiry"] {
        api.issue(&server.kiosk_token, &key(), &json!({ "service": service }))
            .await;
    }
    api.post("/api/v1/desks/1/sign-in", &amal, None).await;
    api.post("/api/v1/desks/4/sign-in", &huda, None).await;
    let called = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    let id = called.json["id"].as_i64().unwrap();
    // Called, not arrived: no checklist tick, no finish.
    let tick = api
        .post(
            &format!("/api/v1/tickets/{id}/checklist"),
            &amal,
            Some(&json!({ "item": "documents_checked" })),
        )
        .await;
    assert_eq!(
        (tick.status, tick.code()),
        (StatusCode::CONFLICT, "not_arrived"),
        "{}",
        tick.text
    );
    assert!(
        tick.json["message"]["ar"]
            .as_str()
            .unwrap()
            .contains("وصل الزائر")
    );
    let finish = api
        .post(
            &format!("/api/v1/tickets/{id}/finish"),
            &amal,
            Some(&json!({ "outcome": "information_given", "note": "must not be kept" })),
        )
        .await;
    assert_eq!(
        (finish.status, finish.code()),
        (StatusCode::CONFLICT, "not_arrived")
    );
    let conn = rusqlite::Connection::open(&server.db_path).unwrap();
    let kept = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!((kept("visit_checks"), kept("visit_notes")), (0, 0));
    api.post(&format!("/api/v1/tickets/{id}/start"), &amal, None)
        .await;
    let tick = api
        .post(
            &format!("/api/v1/tickets/{id}/checklist"),
            &amal,
            Some(&json!({ "item": "documents_checked" })),
        )
        .await;
    assert_eq!(tick.status, StatusCode::OK, "{}", tick.text);

    // The research desk does not refer to itself.
    let research = api.post("/api/v1/desks/4/call-next", &huda, None).await;
    let rid = research.json["id"].as_i64().unwrap();
    api.post(&format!("/api/v1/tickets/{rid}/start"), &huda, None)
        .await;
    let refer = api
        .post(
            &format!("/api/v1/tickets/{rid}/refer"),
            &huda,
            Some(&json!({ "reason": "x" })),
        )
        .await;
    assert_eq!(
        (refer.status, refer.code()),
        (StatusCode::CONFLICT, "refer_at_research_desk"),
        "{}",
        refer.text
    );

    // A supervisor signed in at a desk of their own still transfers another desk's visitor.
    api.post("/api/v1/desks/2/sign-in", &sara, None).await;
    let moved = api
        .post(
            &format!("/api/v1/tickets/{id}/transfer"),
            &sara,
            Some(&json!({ "desk": 3 })),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    assert_eq!(moved.json["state"], "waiting");
    let next = api.post("/api/v1/desks/1/call-next", &amal, None).await;
    let next = next.json["id"].as_i64().unwrap();
    let cancelled = api
        .post(&format!("/api/v1/tickets/{next}/cancel"), &sara, None)
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text);
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// A phone on slow mobile data: pages, styles and scripts come gzipped when asked for, decode to
/// the same bytes, and stay plain for a client that does not ask; WOFF2 fonts are sent as they
/// are (already compressed); event streams are never compressed (compression would buffer and
/// delay the events).
#[tokio::test(flavor = "multi_thread")]
async fn pages_and_assets_are_gzipped_for_clients_that_ask_but_event_streams_are_not() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let get = |path: &str, gzip: bool| {
        let mut req = api.http.get(format!("{}{path}", api.base));
        if gzip {
            req = req.header(header::ACCEPT_ENCODING, "br;q=1, gzip;q=0.8");
        }
        req.send()
    };
    for path in [
        "/assets/status.css",
        "/assets/status.js",
        "/assets/i18n.js",
        "/console",
    ] {
        let plain = get(path, false).await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK, "{path}");
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let plain = plain.bytes().await.unwrap();
        let gz = get(path, true).await.unwrap();
        assert_eq!(gz.status(), StatusCode::OK, "{path}");
        assert_eq!(gz.headers()[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(gz.headers()[header::VARY], "accept-encoding", "{path}");
        let gz = gz.bytes().await.unwrap();
        assert!(gz.len() < plain.len() * 3 / 4, "{path} barely shrinks");
        assert_eq!(gunzip(&gz), plain, "{path} decodes to the same bytes");
    }
    // A font is WOFF2 (its own compression), never compressed again.
    let font = get("/assets/fonts/NotoNaskhArabic-Regular.woff2", true)
        .await
        .unwrap();
    assert_eq!(font.status(), StatusCode::OK);
    assert_eq!(font.headers()[header::CONTENT_TYPE], "font/woff2");
    assert!(font.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(font.bytes().await.unwrap().starts_with(b"wOF2"));
    // q=0 refuses gzip.
    let refused = api
        .http
        .get(format!("{}/assets/common.css", api.base))
        .header(header::ACCEPT_ENCODING, "gzip;q=0")
        .send()
        .await
        .unwrap();
    assert!(refused.headers().get(header::CONTENT_ENCODING).is_none());
    // The status page's live stream stays uncompressed.
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap();
    let stream = get(&format!("/api/v1/status/{token}/events"), true)
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        stream.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    assert!(stream.headers().get(header::CONTENT_ENCODING).is_none());
}

/// Assets carry a validator: a browser that has the file asks with `If-None-Match` and gets an
/// empty `304`, in either encoding; a stale or foreign tag gets the file again.
#[tokio::test(flavor = "multi_thread")]
async fn assets_answer_304_to_a_matching_etag() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let get = |path: &str, gzip: bool, tag: Option<&str>| {
        let mut req = api.http.get(format!("{}{path}", api.base));
        if gzip {
            req = req.header(header::ACCEPT_ENCODING, "gzip");
        }
        if let Some(tag) = tag {
            req = req.header(header::IF_NONE_MATCH, tag);
        }
        req.send()
    };
    for path in ["/assets/status.css", "/assets/fonts/NotoSans-Regular.woff2"] {
        for gzip in [false, true] {
            let first = get(path, gzip, None).await.unwrap();
            assert_eq!(first.status(), StatusCode::OK, "{path}");
            let tag = first.headers()[header::ETAG].to_str().unwrap().to_string();
            assert!(tag.starts_with('"') && tag.len() > 10, "{tag}");
            let again = get(path, gzip, Some(&tag)).await.unwrap();
            assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path} {tag}");
            assert_eq!(again.headers()[header::ETAG], tag.as_str());
            assert!(again.headers().get(header::CACHE_CONTROL).is_some());
            assert!(again.bytes().await.unwrap().is_empty());
            let list = format!("\"0000\", W/{tag}");
            let listed = get(path, gzip, Some(&list)).await.unwrap();
            assert_eq!(listed.status(), StatusCode::NOT_MODIFIED, "{list}");
        }
        let stale = get(path, false, Some("\"0123456789abcdef01234567\""))
            .await
            .unwrap();
        assert_eq!(stale.status(), StatusCode::OK, "{path}");
        assert!(!stale.bytes().await.unwrap().is_empty());
    }
    // Different files, different tags.
    let a = get("/assets/status.css", false, None).await.unwrap();
    let b = get("/assets/common.css", false, None).await.unwrap();
    assert_ne!(a.headers()[header::ETAG], b.headers()[header::ETAG]);
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The replies made per request (API JSON) are compressed with brotli or gzip, as the client
/// prefers, and decode to the same bytes; a client that does not ask gets them plain. A prepared
/// asset asked for in brotli only is sent plain with its own validator, never compressed again
/// under that validator.
#[tokio::test(flavor = "multi_thread")]
async fn api_replies_are_compressed_with_brotli_or_gzip_for_clients_that_ask() {
    let server = TestServer::start();
    server.add_staff("amal", Role::Reception, Gender::Female);
    let api = Api::new(&server.base_url);
    let staff = api.login("amal").await;
    for i in 0..5 {
        let t = api
            .issue(
                &server.kiosk_token,
                &key(),
                &json!({ "service": if i % 2 == 0 { "inquiry" } else { "new_request" } }),
            )
            .await;
        assert_eq!(t.status, StatusCode::CREATED, "{}", t.text);
    }
    let get = |path: &str, accept: Option<&str>| {
        let mut req = api
            .http
            .get(format!("{}{path}", api.base))
            .bearer_auth(&staff);
        if let Some(accept) = accept {
            req = req.header(header::ACCEPT_ENCODING, accept);
        }
        req.send()
    };
    for path in ["/api/v1/queue", "/api/v1/openapi.json"] {
        let plain = get(path, None).await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK, "{path}");
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let plain = plain.bytes().await.unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&plain).is_ok());
        for (accept, coding) in [("gzip, br", "br"), ("gzip, br;q=0", "gzip")] {
            let r = get(path, Some(accept)).await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            assert_eq!(r.headers()[header::CONTENT_ENCODING], coding, "{path}");
            assert_eq!(r.headers()[header::VARY], "accept-encoding", "{path}");
            let body = r.bytes().await.unwrap();
            assert!(body.len() < plain.len() * 3 / 4, "{path} barely shrinks");
            let decoded = if coding == "br" {
                unbrotli(&body)
            } else {
                gunzip(&body)
            };
            assert_eq!(
                decoded, plain,
                "{path} in {coding} decodes to the same bytes"
            );
        }
    }
    let css = get("/assets/status.css", Some("br")).await.unwrap();
    assert!(css.headers().get(header::CONTENT_ENCODING).is_none());
    let tag = css.headers()[header::ETAG].to_str().unwrap().to_string();
    let plain = get("/assets/status.css", None).await.unwrap();
    assert_eq!(plain.headers()[header::ETAG], tag.as_str());
    assert_eq!(css.bytes().await.unwrap(), plain.bytes().await.unwrap());
}

/// Browsers find an icon: every page links the SVG icon, which is served, and `/favicon.ico`
/// (asked for by clients that do not read the page) answers with it instead of a 404.
#[tokio::test(flavor = "multi_thread")]
async fn every_page_has_an_icon_and_favicon_ico_is_not_a_404() {
    let server = TestServer::start();
    let api = Api::new(&server.base_url);
    let t = api
        .issue(
            &server.kiosk_token,
            &key(),
            &json!({ "service": "inquiry" }),
        )
        .await;
    let token = t.json["status_token"].as_str().unwrap();
    let get = |path: String| api.http.get(format!("{}{path}", api.base)).send();
    for page in [
        "/console".to_string(),
        "/display".into(),
        format!("/t/{token}"),
        "/t/AAAAAAAAAAAAAAAAAAAAAA".into(),
    ] {
        let html = get(page.clone()).await.unwrap().text().await.unwrap();
        assert!(
            html.contains(r#"<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">"#),
            "{page} links the icon"
        );
    }
    let icon = get("/assets/favicon.svg".into()).await.unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()[header::CONTENT_TYPE], "image/svg+xml");
    let icon = icon.bytes().await.unwrap();
    assert!(icon.starts_with(b"<svg"));
    let ico = get("/favicon.ico".into()).await.unwrap();
    assert_eq!(ico.status(), StatusCode::OK);
    assert_eq!(ico.headers()[header::CONTENT_TYPE], "image/svg+xml");
    assert_eq!(ico.bytes().await.unwrap(), icon);
}

/// The printable rights export works under the CSP: no inline style, its stylesheets linked and
/// served as CSS; a visitor's text comes out as text, never as markup.
#[tokio::test(flavor = "multi_thread")]
async fn the_printable_export_links_its_stylesheets_and_shows_a_visitors_text_as_text() {
    let server = TestServer::start();
    server.add_staff("sara", Role::Supervisor, Gender::Female);
    let api = Api::new(&server.base_url);
    let sup = api.login("sara").await;
    let intake = json!({ "service": "inquiry", "intake": { "notice_version": "2026-11-v1",
        "name": "<script>alert(1)</script> Sara & \"Co\"", "national_id": "1234567897",
        "mobile": "0551234567", "needs": { "wheelchair": true } } });
    let t = api.issue(&server.kiosk_token, &key(), &intake).await;
    let id = t.json["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("{}", t.text));
    let r = api
        .http
        .get(format!("{}/api/v1/visitors/{id}/printable", api.base))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "text/html; charset=utf-8"
    );
    let csp = r.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("style-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("style=") && !html.contains("<style"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Sara &amp; &quot;Co&quot;"),
        "{html}"
    );
    assert!(!html.contains("<script"), "{html}");
    let sheets: Vec<&str> = html
        .split(r#"<link rel="stylesheet" href=""#)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap())
        .collect();
    assert!(sheets.contains(&"/assets/printable.css"), "{sheets:?}");
    for sheet in sheets {
        let r = api
            .http
            .get(format!("{}{sheet}", api.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{sheet}");
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/css; charset=utf-8",
            "{sheet}"
        );
    }
}
