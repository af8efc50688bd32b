//! The router without a socket: requests go through `tower::ServiceExt::oneshot` into the whole
//! app (layers included) on a real database in a temporary directory. Fast checks of what every
//! route shares: the error shape, 401/403/413/415 and the `Origin` check.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::auth::DeviceScope;
use crate::clock::SystemClock;
use crate::config::Config;
use crate::server::Server;
use crate::store::Database;
use crate::{app, provision};

/// A server on a fresh database (its engine thread stops when dropped) and a kiosk's token.
struct Fixture {
    server: Server,
    kiosk: String,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::plain(dir.path().join("counter.db"));
    let kiosk = provision::add_device(&db, "kiosk", DeviceScope::Kiosk).unwrap();
    let server = Server::open(Config::demo(), &db, Arc::new(SystemClock)).unwrap();
    Fixture {
        server,
        kiosk,
        _dir: dir,
    }
}

/// The demo configuration's public address: the only `Origin` the server accepts.
const ORIGIN: &str = "http://127.0.0.1:8080";

async fn send(f: &Fixture, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = app(f.server.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

fn login(content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::post("/api/v1/auth/login");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(body.into()).unwrap()
}

/// `{code, message: {ar, en}, field?}` and nothing else.
fn assert_error_shape(body: &Value, code: &str) {
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"]["ar"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert!(
        body["message"]["en"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        keys.iter()
            .all(|k| ["code", "message", "field"].contains(k)),
        "{keys:?}"
    );
}

#[tokio::test]
async fn every_failure_has_the_one_error_shape_and_the_security_headers() {
    let f = fixture();
    let (status, headers, body) =
        send(&f, Request::get("/nowhere").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_shape(&body, "not_found");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    assert!(headers.contains_key("x-request-id"));

    let (status, _, body) = send(
        &f,
        Request::delete("/api/v1/health")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_shape(&body, "method_not_allowed");

    // A wrong field names its path.
    let (status, _, body) = send(
        &f,
        login(
            Some("application/json"),
            r#"{"username":"a","password":"b","extra":1}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_error_shape(&body, "unknown_field");
    assert_eq!(body["field"], "extra");

    let (status, _, body) = send(&f, login(Some("application/json"), "{\"username\":")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_error_shape(&body, "malformed_json");
}

#[tokio::test]
async fn a_route_needs_a_token_and_the_permission_for_it() {
    let f = fixture();
    let queue = || Request::get("/api/v1/queue");
    let (status, _, body) = send(&f, queue().body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_shape(&body, "unauthenticated");

    let unknown = queue()
        .header(
            header::AUTHORIZATION,
            "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        )
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&f, unknown).await.0, StatusCode::UNAUTHORIZED);

    // A kiosk may issue tickets, not read the queue.
    let kiosk = queue()
        .header(header::AUTHORIZATION, format!("Bearer {}", f.kiosk))
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&f, kiosk).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error_shape(&body, "forbidden");
}

#[tokio::test]
async fn bodies_must_be_json_and_small() {
    let f = fixture();
    let (status, _, body) = send(&f, login(Some("text/plain"), "{}")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error_shape(&body, "unsupported_media_type");
    let (status, _, _) = send(&f, login(None, "{}")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let big = format!(
        r#"{{"username":"a","password":"{}"}}"#,
        "x".repeat(crate::http::extract::BODY_LIMIT)
    );
    let (status, _, body) = send(&f, login(Some("application/json"), big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error_shape(&body, "payload_too_large");
}

#[tokio::test]
async fn state_changes_from_a_browser_need_this_servers_origin() {
    let f = fixture();
    let web_login = |origin: Option<&str>| {
        let mut b = Request::post("/web/login").header(header::CONTENT_TYPE, "application/json");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        b.body(Body::from(r#"{"username":"nobody","password":"wrong"}"#))
            .unwrap()
    };
    for origin in [None, Some("http://evil.example"), Some("null")] {
        let (status, headers, body) = send(&f, web_login(origin)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}");
        assert_error_shape(&body, "bad_origin");
        assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
    }
    // This server's own origin passes the check (and the login itself fails).
    let (status, _, body) = send(&f, web_login(Some(ORIGIN))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_shape(&body, "invalid_credentials");

    // An API call carrying the session cookie is a browser's, so it needs the Origin too.
    let with_cookie = Request::post("/api/v1/auth/logout")
        .header(header::COOKIE, "awn_session=x")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&f, with_cookie).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_error_shape(&body, "bad_origin");
}

#[tokio::test]
async fn a_panicking_handler_answers_500_internal_in_the_error_shape() {
    let f = fixture();
    let boom = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if true {
                panic!("a bug");
            }
        }),
    );
    let app = super::with_layers(boom, f.server.state.clone());
    let res = app
        .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    // Still behind the security guard.
    assert!(res.headers().contains_key(header::CONTENT_SECURITY_POLICY));
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    assert_error_shape(&serde_json::from_slice(&bytes).unwrap(), "internal");
}

/// Everything logged while the guard lives, as text.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_access_log_names_the_route_template_never_the_token() {
    let f = fixture();
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let token = "Zq8TOKENthatMustNeverBeLogged0000000000000";
    let req = Request::get(format!("/api/v1/status/{token}?lang=ar"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&f, req).await.0, StatusCode::NOT_FOUND);
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains(r#"route="/api/v1/status/{token}""#), "{text}");
    assert!(text.contains("status=404"), "{text}");
    assert!(!text.contains(token), "{text}");
    assert!(!text.contains("lang=ar"), "{text}");
}
