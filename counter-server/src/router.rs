//! The one router: the API routes, the browser pages and `/metrics`, with the layers every route
//! goes through. The only module that knows both `api` and `web`.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use crate::http::{AppState, extract, security};
use crate::{api, web};

/// Every route of the server (the API's are listed in `api::routes` and `openapi.json`).
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(web::routes())
        // The Prometheus text (its own tokens; outside `/api/v1`, so not in `openapi.json`).
        .route("/metrics", get(api::metrics::prometheus))
        .fallback(api::public::no_route)
        .method_not_allowed_fallback(api::public::method_not_allowed)
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .with_state(state)
}
