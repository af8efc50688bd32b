//! Headers and checks every response and every request goes through: a strict
//! Content-Security-Policy (no inline script or style, nothing from another origin), no sniffing,
//! no framing, no referrer, no caching unless a route allows it; the `Origin` check on
//! state-changing requests (against the configured public address); a request id for the audit
//! trail. The request shapes refused first are in `request_shape`.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::cookies;
use crate::auth::tokens;
use crate::config::Config;
use crate::http::AppState;
use crate::http::error::ApiError;

/// The policy, with who may frame the reply. Scripts, styles, fonts, audio, connections and
/// frames only from this server; nothing inline. (`frame-src 'self'`: the console shows a
/// reference document in a frame; only that route lets itself be framed, `FramedByConsole`.)
macro_rules! csp {
    ($ancestors:literal) => {
        concat!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
font-src 'self'; media-src 'self'; connect-src 'self'; manifest-src 'self'; frame-src 'self'; \
base-uri 'none'; form-action 'self'; frame-ancestors ",
            $ancestors
        )
    };
}

/// Every reply: no page may frame it.
pub const CSP: &str = csp!("'none'");

/// A reply marked `FramedByConsole`: only this server's own pages may frame it.
pub const CSP_FRAMED_BY_CONSOLE: &str = csp!("'self'");

/// Marks a reply (an extension) that the console shows inside a frame of its own page without
/// leaving the visit: a reference document (policy section 5), the one route that sets it. The
/// guard then allows framing by this origin (`frame-ancestors 'self'`, `X-Frame-Options:
/// SAMEORIGIN`) instead of none.
#[derive(Clone, Copy, Debug)]
pub struct FramedByConsole;

/// The id of one request, written to audit rows and echoed as `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(tokens::random_token(9))))
    }
}

fn bad_origin() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "bad_origin",
        "طلب من مصدر غير موثوق",
        "This request must come from this server's own pages (Origin check)",
    )
}

/// `origin` (`scheme://host[:port]`) is this server's configured public address. The request's
/// `Host` is not trusted: a forged one would otherwise vouch for itself.
fn same_origin(origin: &str, config: &Config) -> bool {
    let public = &config.branch.public_base_url;
    let authority_start = public.find("://").map_or(0, |i| i + 3);
    let end = public[authority_start..]
        .find('/')
        .map_or(public.len(), |i| authority_start + i);
    origin.eq_ignore_ascii_case(&public[..end])
}

/// A state-changing request that a browser could send with our cookies (or to a page route) must
/// carry an `Origin` of this server. API clients with a bearer token and no cookie send none; if
/// one is sent anyway, it must match too.
pub fn check_origin(req: &Request, config: &Config) -> Result<(), ApiError> {
    if req.method().is_safe() {
        return Ok(());
    }
    let headers = req.headers();
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    let browser_path = !req.uri().path().starts_with("/api/");
    match origin {
        Some(o) if same_origin(o, config) => Ok(()),
        Some(_) => Err(bad_origin()),
        None if cookies::any(headers) || browser_path => Err(bad_origin()),
        None => Ok(()),
    }
}

/// The middleware around every route.
pub async fn guard(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let shape = super::request_shape::check_framing(req.headers())
        .and_then(|()| super::request_shape::check_query(req.uri().query()));
    if let Err(e) = shape.and_then(|()| check_origin(&req, &s.config())) {
        return with_headers(e.into_response(), None);
    }
    let id = tokens::random_token(9);
    req.extensions_mut().insert(RequestId(id.clone()));
    with_headers(next.run(req).await, Some(&id))
}

/// Status replies must not be cached or leak the token through a Referer.
pub fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

fn with_headers(mut res: Response, request_id: Option<&str>) -> Response {
    let framed_by_console = res.extensions().get::<FramedByConsole>().is_some();
    let h = res.headers_mut();
    // Replies are not cached unless their route says so (static assets do): a reply may carry a
    // token (login, pairing) or personal data.
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    let (csp, frames) = if framed_by_console {
        (CSP_FRAMED_BY_CONSOLE, "SAMEORIGIN")
    } else {
        (CSP, "DENY")
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static(frames));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if let Some(id) = request_id.and_then(|i| HeaderValue::from_str(i).ok()) {
        h.insert("x-request-id", id);
    }
    res
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Method;

    use super::*;

    fn req(method: Method, path: &str, origin: Option<&str>, cookie: bool) -> Request {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1:8080");
        if let Some(o) = origin {
            b = b.header(header::ORIGIN, o);
        }
        if cookie {
            b = b.header(header::COOKIE, "awn_session=x");
        }
        b.body(Body::empty()).unwrap()
    }

    #[test]
    fn state_changes_with_a_cookie_need_this_servers_origin() {
        let c = Config::demo();
        let ok = |r: Request| check_origin(&r, &c).is_ok();
        let p = "/api/v1/desks/1/call-next";
        assert!(ok(req(
            Method::POST,
            p,
            Some("http://127.0.0.1:8080"),
            true
        )));
        assert!(!ok(req(Method::POST, p, Some("http://evil.example"), true)));
        assert!(!ok(req(Method::POST, p, Some("null"), true)));
        assert!(!ok(req(Method::POST, p, None, true)));
        // A bearer client without cookies sends no Origin.
        assert!(ok(req(Method::POST, p, None, false)));
        assert!(!ok(req(
            Method::POST,
            p,
            Some("http://evil.example"),
            false
        )));
        // Page routes (login) always need it.
        assert!(!ok(req(Method::POST, "/web/login", None, false)));
        assert!(ok(req(
            Method::POST,
            "/web/login",
            Some("http://127.0.0.1:8080"),
            false
        )));
        // A forged Host does not vouch for an Origin equal to it.
        let mut forged = req(Method::POST, p, Some("http://evil.example"), true);
        forged
            .headers_mut()
            .insert(header::HOST, HeaderValue::from_static("evil.example"));
        assert!(!ok(forged));
        // Reads are not state changes.
        assert!(ok(req(Method::GET, p, None, true)));
    }
}
