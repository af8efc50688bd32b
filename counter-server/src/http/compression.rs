//! Compression of the replies made per request (API JSON, the metrics page, `/metrics`, CSV and
//! export files), by tower-http, gzip or brotli as the client prefers.
//!
//! The compiled-in pages and assets are not compressed here: `assets` gzips each once at start-up
//! at the best level and gives each encoding its own strong `ETag`, which tower-http's layer
//! would neither do (it compresses every request again) nor keep right (it leaves one `ETag` on
//! two different bodies). A reply that already has a `Content-Encoding` or an `ETag` is such a
//! prepared file and is passed through as it is; WOFF2 fonts and Ogg clips are compressed
//! formats; event streams are never compressed (the encoder would hold events back).
//!
//! Secrets in compressed replies (the session token at login) are not open to length-guessing
//! attacks of the BREACH kind: those need a cross-site request carrying the victim's credentials,
//! and the cookies are `SameSite=Strict` while the security guard refuses other origins.

use axum::http::{Response, header};
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The layer the router wraps every route in.
pub fn layer() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotPrepared)
        .and(NotForContentType::const_new("font/"))
        .and(NotForContentType::const_new("audio/"));
    // Level 5 of gzip and brotli: most of the best ratio at a fraction of brotli 11's CPU time.
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(5))
        .compress_when(predicate)
}

/// Not a file `assets` prepared (it carries its own validator, for its own encoding).
#[derive(Clone, Copy)]
struct NotPrepared;

impl Predicate for NotPrepared {
    fn should_compress<B: axum::body::HttpBody>(&self, response: &Response<B>) -> bool {
        !response.headers().contains_key(header::ETAG)
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::http::{HeaderValue, Request, header};
    use axum::response::IntoResponse;
    use axum::routing::get;
    use tower::ServiceExt;

    /// A reply of `kind`, large and repetitive enough that compressing it would pay.
    fn reply(
        kind: &'static str,
        extra: Option<(header::HeaderName, &'static str)>,
    ) -> axum::response::Response {
        let mut res = "compressible text ".repeat(100).into_response();
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
        if let Some((name, value)) = extra {
            res.headers_mut()
                .insert(name, HeaderValue::from_static(value));
        }
        res
    }

    async fn encoding_of(path: &str) -> Option<String> {
        let app = Router::new()
            .route("/json", get(|| async { reply("application/json", None) }))
            .route(
                "/events",
                get(|| async { reply("text/event-stream", None) }),
            )
            .route("/font", get(|| async { reply("font/woff2", None) }))
            .route("/clip", get(|| async { reply("audio/ogg", None) }))
            .route(
                "/prepared",
                get(|| async { reply("text/css", Some((header::ETAG, "\"abc\""))) }),
            )
            .layer(super::layer());
        let req = Request::get(path)
            .header(header::ACCEPT_ENCODING, "gzip, br")
            .body(axum::body::Body::empty())
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        res.headers()
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap().to_string())
    }

    /// JSON is compressed (brotli preferred); event streams, fonts, clips and the files `assets`
    /// prepared with their own validator are not.
    #[tokio::test]
    async fn compresses_what_is_made_per_request_and_nothing_else() {
        assert_eq!(encoding_of("/json").await.as_deref(), Some("br"));
        for path in ["/events", "/font", "/clip", "/prepared"] {
            assert_eq!(encoding_of(path).await, None, "{path}");
        }
    }
}
