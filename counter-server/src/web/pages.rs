//! The page handlers: static HTML (the scripts fetch the data), the console's cookie login and
//! logout, the display's pairing, and the visitor status page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::assets;
use crate::auth::tokens;
use crate::commands::sessions::{self, Credentials, DISPLAY_PAIRING_DAYS, SESSION_HOURS};
use crate::commands::status::lookup;
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::ApiError;
use crate::http::events::{self, Audience};
use crate::http::extract::{AppJson, ClientIp};
use crate::http::security::private;
use crate::http::views::StaffDto;

pub(super) fn page(name: &str, headers: &HeaderMap) -> Response {
    let mut res = assets::page(name, headers);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn home() -> Redirect {
    Redirect::to("/console")
}

pub async fn console(headers: HeaderMap) -> Response {
    page("console", &headers)
}

/// `/console/board`: the supervisor's live board; its data comes from `GET /api/v1/board`, which
/// checks the role (the page itself holds nothing).
pub async fn board(headers: HeaderMap) -> Response {
    page("board", &headers)
}

/// `/console/appointments`: reception books and cancels appointments for callers on the phone,
/// the branch administrator sets the slots; its data comes from `/api/v1/appointment-slots` and
/// friends, which check the role.
pub async fn appointments(headers: HeaderMap) -> Response {
    page("appointments", &headers)
}

/// `/console/admin`: administration of staff accounts and devices; its data comes from
/// `/api/v1/admin/*`, which checks the role (the page itself holds nothing).
pub async fn admin(headers: HeaderMap) -> Response {
    page("admin", &headers)
}

pub async fn display(headers: HeaderMap) -> Response {
    page("display", &headers)
}

/// `POST /web/login`: the console's login; the session token goes only into an `HttpOnly`
/// cookie, never to the script. Same checks and throttle as `POST /api/v1/auth/login`.
pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: AppJson<Credentials>,
) -> Result<Response, ApiError> {
    // The session also ends after `[console] idle_seconds` without a person's request.
    let idle = i64::from(s.config().console.idle_seconds);
    let done = sessions::login(
        &s.reads,
        &s.engine,
        &s.login_throttle,
        s.clock.as_ref(),
        ip,
        body.value,
        Some(idle),
    )
    .await?;
    let secure = cookies::secure(&headers, &s.config());
    let mut res = Json(StaffDto::from(&done.staff)).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookies::set(cookies::SESSION, &done.token, SESSION_HOURS * 3600, secure),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `POST /web/logout`: ends the session on the server and deletes the cookie.
pub async fn logout(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = cookies::get(&headers, cookies::SESSION).filter(|t| tokens::well_formed(t))
    {
        let hash = tokens::hash(token);
        s.principals.remove(&hash);
        sessions::logout(&s.engine, hash).await?;
    }
    let secure = cookies::secure(&headers, &s.config());
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, cookies::clear(cookies::SESSION, secure));
    Ok(res)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairBody {
    pub token: String,
}

/// `POST /display/session`: the display page reads its device token from the URL fragment (which
/// never reaches the server or its logs) once, and trades it here for an `HttpOnly` cookie; the
/// script then drops it from the address bar. Only display devices are accepted.
pub async fn display_pair(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: AppJson<PairBody>,
) -> Result<Response, ApiError> {
    let token = body.value.token;
    if !sessions::is_display(&s.reads, &token, s.clock.now()).await? {
        return Err(ApiError::unauthenticated());
    }
    Ok(paired(&s, &headers, cookies::DISPLAY, &token))
}

/// The reply that pairs a device's browser: 204 setting its cookie `name` to its token for
/// `DISPLAY_PAIRING_DAYS` (the display and the applicant tablet).
pub(super) fn paired(s: &AppState, headers: &HeaderMap, name: &str, token: &str) -> Response {
    let secure = cookies::secure(headers, &s.config());
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookies::set(name, token, DISPLAY_PAIRING_DAYS * 24 * 3600, secure),
    );
    res
}

/// The display device behind the `awn_display` cookie (and only that cookie: a staff session in
/// the same browser does not make it a display).
pub(super) async fn display_device(s: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let token = cookies::get(headers, cookies::DISPLAY).ok_or_else(ApiError::unauthenticated)?;
    if sessions::is_display(&s.reads, token, s.clock.now()).await? {
        Ok(())
    } else {
        Err(ApiError::unauthenticated())
    }
}

/// `GET /display/session`: 204 when this browser is a paired display.
pub async fn display_check(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    display_device(&s, &headers).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /display/events`: the display's event stream (labels and desks of calls only), for the
/// paired display cookie.
pub async fn display_events(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    display_device(&s, &headers).await?;
    Ok(
        events::for_audience(&s, Audience::Display, events::last_event_id(&headers))
            .await?
            .into_response(),
    )
}

/// `GET /t/{token}`: the visitor's status page. Unknown and expired tokens get the same not-found
/// page; lookups share the status API's rate limit; never cached, never a Referer.
pub async fn status(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let throttled = || {
        let mut res = page("not-found", &headers);
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
        private(res)
    };
    if !s.status_limits.admit(ip, &token) {
        return throttled();
    }
    match lookup(&s.reads, &s.engine, &token).await {
        Ok(Some(view)) => {
            let mut res = private(page("status", &headers));
            // Opened in another browser than the one that joined: that one may check in too.
            if view.awaiting_arrival {
                super::arrive::remember_place(&s, &headers, &mut res, &token);
            }
            res
        }
        Ok(None) if !s.status_limits.missed(ip) => throttled(),
        Ok(None) => {
            let mut res = page("not-found", &headers);
            *res.status_mut() = StatusCode::NOT_FOUND;
            private(res)
        }
        Err(e) => private(ApiError::from(e).into_response()),
    }
}
