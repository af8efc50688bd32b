//! The HTTP API (`/api/v1`): handlers translate JSON to `commands` calls and back, nothing else.
//!
//! - `doc`: the OpenAPI document, generated from the handlers' annotations and `routes`.
//! - `kiosk`, `desk`, `tickets`, `staff`, `public`, `events`: the routes, grouped by who calls them.
//! - `reception`: reception issues a ticket from the console (the kiosk's rules);
//! - `console`: the staff console's visit routes (intake, reveal, checklist) and alerts;
//!   `reference`: the console's reference documents (policy section 5);
//!   `board`: the supervisor's live board;
//!   `report`: the end-of-day report as CSV; `contact_requests`: the ratings' contact requests, taken and handled by supervisors;
//!   `status_events`: the visitor's status page, live; `notify`: its "your turn is near" requests;
//! - `pairing`: a new device shows a code, an admin claims it, the device gets its token;
//! - `webhooks`: an admin's webhook endpoints and dead deliveries.
//!
//! Built on the HTTP base (`crate::http`); merged with the browser pages (`crate::web`) by
//! `crate::router`. Never imports `web`.

pub mod admin;
pub mod appointments;
pub mod board;
pub mod check_in;
pub mod committee;
pub mod confirmation;
pub mod console;
pub mod contact_requests;
pub mod desk;
pub mod doc;
pub mod events;
pub mod kiosk;
pub mod metrics;
pub mod notify;
pub mod pairing;
pub mod public;
pub mod ratings;
pub mod reception;
pub mod reference;
pub mod report;
pub mod rights;
pub mod settings;
pub mod staff;
pub mod status_events;
pub mod tickets;
pub mod webhooks;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::AppState;

/// The API routes, as served.
pub fn routes() -> Router<AppState> {
    api().split_for_parts().0
}

/// The API description, `GET /api/v1/openapi.json` (`doc`).
pub fn openapi_json() -> &'static str {
    doc::json()
}

/// Every route with its operation: `routes!` registers a handler at the method and path of its
/// `#[utoipa::path]` and adds the operation to the document, so neither can miss the other. (A
/// plain `.route` would be missing from the document: every route goes through `routes!`.)
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(doc::ApiDoc::openapi())
        .routes(routes!(public::health))
        .routes(routes!(public::openapi))
        .routes(routes!(public::status))
        .routes(routes!(status_events::stream))
        .routes(routes!(staff::login))
        .routes(routes!(staff::logout))
        .routes(routes!(admin::change_password))
        .routes(routes!(admin::set_password_with_code))
        .routes(routes!(admin::list_staff, admin::add_staff))
        .routes(routes!(admin::edit_staff))
        .routes(routes!(admin::password_code))
        .routes(routes!(admin::list_devices))
        .routes(routes!(admin::revoke_device))
        .routes(routes!(webhooks::list, webhooks::register))
        .routes(routes!(webhooks::deactivate))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::dead))
        .routes(routes!(webhooks::replay))
        .routes(routes!(settings::settings))
        .routes(routes!(settings::put_service, settings::delete_service))
        .routes(routes!(settings::put_desk, settings::delete_desk))
        .routes(routes!(settings::put_branch))
        .routes(routes!(settings::set_offered))
        .routes(routes!(console::me))
        .routes(routes!(kiosk::services))
        .routes(routes!(kiosk::intake_notice))
        .routes(routes!(kiosk::issue))
        .routes(routes!(kiosk::print_report))
        .routes(routes!(check_in::check_in))
        .routes(routes!(appointments::put_slots))
        .routes(routes!(appointments::delete_slot))
        .routes(routes!(appointments::list_slots))
        .routes(routes!(appointments::book))
        .routes(routes!(appointments::cancel))
        .routes(routes!(appointments::ask_reminder))
        .routes(routes!(appointments::withdraw_reminder))
        .routes(routes!(reception::issue))
        .routes(routes!(tickets::recall))
        .routes(routes!(tickets::start))
        .routes(routes!(tickets::finish))
        .routes(routes!(tickets::no_show))
        .routes(routes!(tickets::return_to_queue))
        .routes(routes!(tickets::refer))
        .routes(routes!(tickets::transfer))
        .routes(routes!(tickets::cancel))
        .routes(routes!(tickets::raise_priority))
        .routes(routes!(console::visit))
        .routes(routes!(console::reveal))
        .routes(routes!(console::check))
        .routes(routes!(console::intake_field))
        .routes(routes!(console::record_document))
        .routes(routes!(console::override_registration))
        .routes(routes!(
            confirmation::ask,
            confirmation::withdraw,
            confirmation::standing
        ))
        .routes(routes!(confirmation::signed_on_paper))
        .routes(routes!(confirmation::request_form))
        .routes(routes!(committee::list))
        .routes(routes!(committee::search))
        .routes(routes!(committee::find))
        .routes(routes!(committee::decide))
        .routes(routes!(committee::informed))
        .routes(routes!(reference::search))
        .routes(routes!(reference::document))
        .routes(routes!(board::board))
        .routes(routes!(console::alerts))
        .routes(routes!(console::acknowledge))
        .routes(routes!(desk::sign_in))
        .routes(routes!(desk::sign_out))
        .routes(routes!(desk::pause))
        .routes(routes!(desk::resume))
        .routes(routes!(desk::call_next))
        .routes(routes!(desk::call_ticket))
        .routes(routes!(staff::queue))
        .routes(routes!(rights::export))
        .routes(routes!(rights::printable))
        .routes(routes!(rights::correct))
        .routes(routes!(rights::destroy))
        .routes(routes!(rights::hold))
        .routes(routes!(rights::list, rights::open))
        .routes(routes!(rights::identity_checked))
        .routes(routes!(rights::answered))
        .routes(routes!(events::stream))
        .routes(routes!(ratings::recent))
        .routes(routes!(ratings::rate))
        .routes(routes!(ratings::rate_by_status))
        .routes(routes!(notify::options, notify::ask))
        .routes(routes!(notify::withdraw))
        .routes(routes!(metrics::summary))
        .routes(routes!(metrics::export_csv))
        .routes(routes!(report::daily_csv))
        .routes(routes!(contact_requests::list))
        .routes(routes!(contact_requests::take))
        .routes(routes!(contact_requests::handle))
        .routes(routes!(pairing::open))
        .routes(routes!(pairing::poll))
        .routes(routes!(pairing::claim))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use axum::body::Body;
    use axum::extract::{MatchedPath, Request};
    use axum::http::{HeaderValue, Method, StatusCode};
    use axum::middleware::{self, Next};
    use serde_json::Value;
    use tower::ServiceExt;

    use crate::clock::SystemClock;
    use crate::config::Config;
    use crate::server::Server;
    use crate::store::Database;

    fn document() -> Value {
        serde_json::from_str(super::openapi_json()).unwrap()
    }

    /// Every (method, path template) of the served document.
    fn operations(doc: &Value) -> BTreeSet<(String, String)> {
        doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(move |m| (m.clone(), path.clone()))
            })
            .collect()
    }

    /// Tells in a reply header which route template took the request (none for the fallback).
    async fn matched_route(req: Request, next: Next) -> axum::response::Response {
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string());
        let mut res = next.run(req).await;
        if let Some(r) = route.and_then(|r| HeaderValue::from_str(&r).ok()) {
            res.headers_mut().insert("x-matched-route", r);
        }
        res
    }

    /// Each documented operation, sent to the real API router at its path with its method,
    /// reaches the route of that template and not a 405: the document describes what is served.
    #[tokio::test]
    async fn every_documented_operation_is_served_at_its_path_and_method() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::plain(dir.path().join("counter.db"));
        let server = Server::open(Config::demo(), &db, Arc::new(SystemClock)).unwrap();
        let app = super::routes()
            .layer(middleware::from_fn(matched_route))
            .with_state(server.state.clone());
        let ops = operations(&document());
        assert_eq!(ops.len(), 103, "{ops:?}");
        for (method, template) in ops {
            let path = template
                .replace("{id}", "1")
                .replace("{desk}", "1")
                .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAA");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let req = Request::builder()
                .method(method.clone())
                .uri(&path)
                .body(Body::empty())
                .unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert_ne!(
                res.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(
                res.headers()
                    .get("x-matched-route")
                    .map(|v| v.to_str().unwrap()),
                Some(template.as_str()),
                "{method} {path}"
            );
        }
    }

    /// Every operation says what it answers on success: a 2xx with a schema for each content
    /// type, or a 204 (nothing to answer); and every `$ref` names a component that exists.
    #[test]
    fn every_operation_declares_its_success_reply_and_every_reference_resolves() {
        let doc = document();
        for (method, path) in operations(&doc) {
            let responses = doc["paths"][&path][&method]["responses"]
                .as_object()
                .unwrap();
            let success: Vec<(&String, &Value)> = responses
                .iter()
                .filter(|(s, _)| s.starts_with('2'))
                .collect();
            assert!(!success.is_empty(), "{method} {path}: no success reply");
            for (status, reply) in success {
                let content = reply["content"].as_object();
                if status == "204" {
                    assert!(content.is_none(), "{method} {path}: a 204 has no body");
                    continue;
                }
                let content = content.unwrap_or_else(|| panic!("{method} {path} {status}"));
                assert!(!content.is_empty(), "{method} {path} {status}");
                for (media, c) in content {
                    assert!(
                        c["schema"].is_object(),
                        "{method} {path} {status} {media}: no schema"
                    );
                }
            }
        }
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(m) => {
                    if let Some(Value::String(r)) = m.get("$ref") {
                        out.push(r);
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 100);
        for r in found {
            let pointer = r.strip_prefix('#').unwrap_or_else(|| panic!("{r}"));
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }
}
