//! The browser pages, served by the counter-server itself from files under `ui/web/`:
//! - `/console`: the staff console (reception, researchers, supervisors), cookie session;
//! - `/display`: the waiting-room TV, authenticated by its device token traded for a cookie;
//! - `/applicant`: the tablet facing the applicant at a desk (`applicant`), paired like the display;
//! - `/t/{token}`: the visitor's status page from the ticket's QR code, and `/sw.js`, its service
//!   worker for "your turn is near" (`crate::notify`);
//! - `/join` (`join`): a place in line from the phone, and `/join/book` (`booking`): an
//!   appointment, drawn on the server with no script; `/b/{token}` (`booking`): the booking's
//!   page (cancel, an SMS reminder); `/arrive/{code}` (`arrive`): checking in from the phone by
//!   the entrance QR the display shows (`/display/entrance`);
//! - `/console/board`: the supervisor's live board (static page, data from `/api/v1/board`);
//! - `/console/appointments`: booking for callers on the phone and the slots (static page);
//! - `/console/admin`: staff accounts and devices (static page, data from `/api/v1/admin/*`);
//! - `/console/metrics` (`metrics_page`), the printable daily report `/console/report`
//!   (`report_page`), the printable rights export (`rights_page`), the
//!   support request form (`request_form`) and a reference document's page (`reference_page`): drawn
//!   on the server with maud templates, the only HTML the server makes.
//!
//! The pages call the same `/api/v1` JSON API as every other client; only the way they
//! authenticate differs (`http::cookies`).
//! Built on the HTTP base (`crate::http`: cookies, the security guard, request shapes); never
//! imports `api`.

pub mod applicant;
pub mod arrive;
pub mod assets;
pub mod booking;
pub mod join;
pub mod metrics_page;
pub mod pages;
pub mod reference_page;
pub mod report_page;
pub mod request_form;
pub mod rights_page;

use axum::Router;
use axum::routing::{get, post};

use crate::http::AppState;

/// The page routes (outside `/api/v1`, so not in `openapi.json`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/console", get(pages::console))
        .route("/console/metrics", get(metrics_page::page))
        .route("/console/report", get(report_page::page))
        .route("/console/board", get(pages::board))
        .route("/console/appointments", get(pages::appointments))
        .route("/console/admin", get(pages::admin))
        .route("/web/login", post(pages::login))
        .route("/web/logout", post(pages::logout))
        .route("/display", get(pages::display))
        .route(
            "/display/session",
            get(pages::display_check).post(pages::display_pair),
        )
        .route("/display/events", get(pages::display_events))
        .route("/display/entrance", get(arrive::display_entrance))
        .route("/applicant", get(applicant::page))
        .route(
            "/applicant/session",
            get(applicant::check).post(applicant::pair),
        )
        .route("/applicant/request", get(applicant::request))
        .route("/applicant/request/{id}/confirm", post(applicant::confirm))
        .route("/applicant/request/{id}/decline", post(applicant::decline))
        .route("/t/{token}", get(pages::status))
        .route("/sw.js", get(assets::service_worker))
        .route("/join", get(join::page).post(join::join))
        .route("/join/book", post(booking::book))
        .route("/arrive/{code}", get(arrive::page).post(arrive::check_in))
        .route("/b/{token}", get(booking::page))
        .route("/b/{token}/cancel", post(booking::cancel))
        .route("/b/{token}/remind", post(booking::remind))
        .route("/b/{token}/remind/withdraw", post(booking::withdraw))
        .route("/assets/{*path}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
}
