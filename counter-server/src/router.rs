//! The one router: the API routes, the browser pages and `/metrics`, with the layers every route
//! goes through. The only module that knows both `api` and `web`.

use std::any::Any;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::http::error::ApiError;
use crate::http::security::{self, RequestId};
use crate::http::{AppState, compression, extract};
use crate::{api, web};

/// Every route of the server (the API's are listed in `api::routes`, which also makes the OpenAPI
/// document `openapi.json`).
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .merge(api::routes())
        .merge(web::routes())
        // The Prometheus text (its own tokens; outside `/api/v1`, so not in `openapi.json`).
        .route("/metrics", get(api::metrics::prometheus))
        .fallback(api::public::no_route)
        .method_not_allowed_fallback(api::public::method_not_allowed);
    with_layers(routes, state)
}

/// The layers around every route, from the inside out: a panic becomes `500 internal` in the
/// error shape; one access-log line per request, by route template; the body limit; the
/// security guard (request shape, `Origin`, headers, request id); compression.
fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(CatchPanicLayer::custom(panicked))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .layer(compression::layer())
        .with_state(state)
}

/// The request's span: method, route template (`/api/v1/status/{token}`) and request id. Never
/// the path itself, which may hold a status token, nor the query.
fn span(req: &Request) -> tracing::Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(no route)", MatchedPath::as_str);
    let id = req.extensions().get::<RequestId>().map(|r| r.0.as_str());
    tracing::info_span!("request", method = %req.method(), route, request_id = id)
}

/// A handler panicked (a bug): logged, and answered like any other failure.
fn panicked(payload: Box<dyn Any + Send + 'static>) -> Response {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "a handler panicked");
    ApiError::internal().into_response()
}

#[cfg(test)]
mod tests;
