//! The HTTP API (`/api/v1`): handlers translate JSON to `commands` calls and back, nothing else.
//!
//! - `error`: `ApiError`, the one error shape; `extract`: bodies, callers, ids.
//! - `kiosk`, `desk`, `tickets`, `staff`, `public`, `events`: the routes, grouped by who calls them.
//! - `console`: the staff console's visit routes (intake, reveal, checklist) and alerts;
//!   `status_events`: the visitor's status page, live.
//!
//! Built on the HTTP base (`crate::http`); merged with the browser pages (`crate::web`) by
//! `crate::router`. Never imports `web`.

pub mod console;
pub mod desk;
pub mod events;
pub mod kiosk;
pub mod metrics;
pub mod public;
pub mod ratings;
pub mod rights;
pub mod staff;
pub mod status_events;
pub mod tickets;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

/// The API routes. Every route is listed here, and in `openapi.json` (a test keeps them equal).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/health", get(public::health))
        .route("/api/v1/openapi.json", get(public::openapi))
        .route("/api/v1/status/{token}", get(public::status))
        .route("/api/v1/status/{token}/events", get(status_events::stream))
        .route("/api/v1/auth/login", post(staff::login))
        .route("/api/v1/auth/logout", post(staff::logout))
        .route("/api/v1/me", get(console::me))
        .route("/api/v1/services", get(kiosk::services))
        .route("/api/v1/intake-notice", get(kiosk::intake_notice))
        .route("/api/v1/tickets", post(kiosk::issue))
        .route(
            "/api/v1/tickets/{id}/print-report",
            post(kiosk::print_report),
        )
        .route("/api/v1/tickets/{id}/recall", post(tickets::recall))
        .route("/api/v1/tickets/{id}/start", post(tickets::start))
        .route("/api/v1/tickets/{id}/finish", post(tickets::finish))
        .route("/api/v1/tickets/{id}/no-show", post(tickets::no_show))
        .route(
            "/api/v1/tickets/{id}/return",
            post(tickets::return_to_queue),
        )
        .route("/api/v1/tickets/{id}/refer", post(tickets::refer))
        .route("/api/v1/tickets/{id}/transfer", post(tickets::transfer))
        .route("/api/v1/tickets/{id}/cancel", post(tickets::cancel))
        .route(
            "/api/v1/tickets/{id}/priority",
            post(tickets::raise_priority),
        )
        .route("/api/v1/tickets/{id}/visit", get(console::visit))
        .route("/api/v1/tickets/{id}/reveal", post(console::reveal))
        .route("/api/v1/tickets/{id}/checklist", post(console::check))
        .route("/api/v1/tickets/{id}/intake", post(console::intake_field))
        .route(
            "/api/v1/tickets/{id}/documents",
            post(console::record_document),
        )
        .route(
            "/api/v1/tickets/{id}/registration-override",
            post(console::override_registration),
        )
        .route("/api/v1/alerts", get(console::alerts))
        .route(
            "/api/v1/alerts/{id}/acknowledge",
            post(console::acknowledge),
        )
        .route("/api/v1/desks/{desk}/sign-in", post(desk::sign_in))
        .route("/api/v1/desks/{desk}/sign-out", post(desk::sign_out))
        .route("/api/v1/desks/{desk}/pause", post(desk::pause))
        .route("/api/v1/desks/{desk}/resume", post(desk::resume))
        .route("/api/v1/desks/{desk}/call-next", post(desk::call_next))
        .route("/api/v1/desks/{desk}/call", post(desk::call_ticket))
        .route("/api/v1/queue", get(staff::queue))
        .route("/api/v1/visitors/{id}/export", get(rights::export))
        .route("/api/v1/visitors/{id}/printable", get(rights::printable))
        .route("/api/v1/visitors/{id}/correct", post(rights::correct))
        .route("/api/v1/visitors/{id}/destroy", post(rights::destroy))
        .route("/api/v1/visitors/{id}/hold", post(rights::hold))
        .route(
            "/api/v1/rights-requests",
            get(rights::list).post(rights::open),
        )
        .route(
            "/api/v1/rights-requests/{id}/identity-checked",
            post(rights::identity_checked),
        )
        .route(
            "/api/v1/rights-requests/{id}/answered",
            post(rights::answered),
        )
        .route("/api/v1/events", get(events::stream))
        .route("/api/v1/rating/recent", get(ratings::recent))
        .route("/api/v1/ratings", post(ratings::rate))
        .route(
            "/api/v1/status/{token}/rating",
            post(ratings::rate_by_status),
        )
        .route("/api/v1/metrics/summary", get(metrics::summary))
        .route("/api/v1/metrics/export.csv", get(metrics::export_csv))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The routes declared in `router` (read from this file) and the operations in openapi.json
    /// are the same set, so the published description cannot drift from the server.
    #[test]
    fn openapi_lists_exactly_the_routes_of_the_router() {
        // Whitespace removed, so that a route wrapped over several lines by rustfmt still counts.
        let source: String = include_str!("mod.rs").split_whitespace().collect();
        let router = source
            .split("pubfnroutes")
            .nth(1)
            .unwrap()
            .split("#[cfg(test)]")
            .next()
            .unwrap();
        // Each route is `"path", get(a)` or `"path", get(a).post(b)`: every method counts.
        let routes: BTreeSet<(String, String)> = router
            .split(".route(\"")
            .skip(1)
            .flat_map(|l| {
                let path = l.split('"').next().unwrap().to_string();
                let handlers = l
                    .split("\",")
                    .nth(1)
                    .unwrap()
                    .split(".route(")
                    .next()
                    .unwrap()
                    .to_string();
                ["get", "post", "put", "patch", "delete"]
                    .into_iter()
                    .filter(move |m| {
                        handlers.starts_with(&format!("{m}("))
                            || handlers.contains(&format!(").{m}("))
                    })
                    .map(move |m| (m.to_string(), path.clone()))
            })
            .collect();
        let spec: serde_json::Value = serde_json::from_str(super::public::OPENAPI_JSON).unwrap();
        let documented: BTreeSet<(String, String)> = spec["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, ops)| {
                ops.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect();
        assert_eq!(routes, documented);
        assert_eq!(routes.len(), 50);
    }
}
