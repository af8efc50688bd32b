//! `/arrive/{code}`: checking in from the phone at the entrance (policy 3.4). The waiting-room
//! display shows a QR of this page's link with the entrance's changing code (`crate::entrance`;
//! the display fetches it from `GET /display/entrance`), and scanning it opens the page on the
//! visitor's phone. A stale code (a photo of the screen) opens nothing.
//!
//! The phone's own place or booking is known from a cookie set when it joined or booked, or
//! opened its status or booking page since (`awn_place`, `awn_booking`: sent only to `/arrive`,
//! until the day is over). The page shows it and asks "I'm here"; the button checks it in with
//! the kiosk's one command (`commands::remote::check_in`). Without a cookie (another browser, an
//! appointment booked by a phone call) the visitor types the check-in code instead, with a limit
//! of wrong codes per address (`limits::RemoteLimits::may_check_in_from`). Same page rules as
//! `/join`: drawn on the server with no script, nothing asked about the visitor, never cached.

use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

use super::join::{self, LangQuery, Words};
use crate::commands::remote::{self, Arrived};
use crate::commands::{CommandError, Refusal, appointments, status};
use crate::domain::TicketState;
use crate::domain::numbering::{day_end, service_day};
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::{ApiError, sentence};
use crate::http::extract::ClientIp;
use crate::http::qr;
use crate::http::views::local_time;

/// What the display shows at the entrance: the link to scan, drawn as a QR by the server.
#[derive(Serialize)]
pub struct EntranceDto {
    pub url: String,
    pub qr_svg: String,
    /// Seconds until the next code: the display fetches it then.
    pub refresh_seconds: i64,
    /// Seconds this code is still accepted: the display takes it down then if it has no other.
    pub valid_seconds: i64,
}

/// `GET /display/entrance`, for the paired display: the QR to show, or `204` when no service is
/// open for joining from the phone (then nobody has a place to check in from the phone).
pub async fn display_entrance(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    super::pages::display_device(&s, &headers).await?;
    let config = s.config();
    if !config
        .services
        .iter()
        .any(|c| c.remote_joining && !c.hidden)
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let now = s.clock.now();
    let shown = s.entrance.current(now);
    let url = format!(
        "{}/arrive/{}",
        config.branch.public_base_url.trim_end_matches('/'),
        shown.code
    );
    Ok(Json(EntranceDto {
        qr_svg: qr::svg(&url),
        url,
        refresh_seconds: (shown.next_at - now).num_seconds().max(1),
        valid_seconds: (shown.valid_until - now).num_seconds(),
    })
    .into_response())
}

/// The cookie that tells `/arrive` which place this phone holds, until `until` (its day's end).
pub(super) fn remember(
    s: &AppState,
    headers: &HeaderMap,
    res: &mut Response,
    name: &str,
    token: &str,
    until: DateTime<Utc>,
) {
    let seconds = (until - s.clock.now()).num_seconds();
    if seconds <= 0 {
        return;
    }
    let secure = cookies::secure(headers, &s.config());
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(name, token, seconds, secure),
    );
}

/// `remember` the place joined with status token `token` today.
pub(super) fn remember_place(s: &AppState, headers: &HeaderMap, res: &mut Response, token: &str) {
    let until = day_end(service_day(s.clock.now()));
    remember(s, headers, res, cookies::PLACE, token, until);
}

/// This phone's place or booking, as its cookies find it.
enum Mine {
    /// Today's place or booking, waiting for its visitor to check in.
    Away { held: Held, code: String },
    /// A place checked in already (a reload, a second scan): its status page.
    Here { label: String, token: String },
}

enum Held {
    Place { label: String },
    Booking { service: String, time: String },
}

/// This phone's place or booking (the booking's service named in `words`' language).
async fn mine(s: &AppState, headers: &HeaderMap, words: Words) -> Result<Option<Mine>, ApiError> {
    if let Some(token) = cookies::get(headers, cookies::PLACE)
        && let Some(place) = status::lookup(&s.reads, &s.engine, token).await?
    {
        match (place.check_in_code, place.state) {
            (Some(code), _) => {
                let held = Held::Place { label: place.label };
                return Ok(Some(Mine::Away { held, code }));
            }
            (None, TicketState::Waiting | TicketState::Called) => {
                return Ok(Some(Mine::Here {
                    label: place.label,
                    token: token.to_string(),
                }));
            }
            // Served, lapsed or cancelled: nothing of it to check in.
            _ => {}
        }
    }
    let Some(token) = cookies::get(headers, cookies::BOOKING) else {
        return Ok(None);
    };
    let Some(page) = appointments::booking_page(&s.reads, token).await? else {
        return Ok(None);
    };
    let b = page.booking;
    let today = service_day(s.clock.now()) == service_day(b.starts_at);
    if b.cancelled || b.ticket.is_some() || !today {
        return Ok(None);
    }
    let service = s.config().service(&b.service).map_or_else(
        || b.service.clone(),
        |c| words.t(&c.name_ar, &c.name_en).to_string(),
    );
    let held = Held::Booking {
        service,
        time: local_time(b.starts_at)[11..16].to_string(),
    };
    Ok(Some(Mine::Away { held, code: b.code }))
}

/// `GET /arrive/{code}`
pub async fn page(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let words = Words::new(q.lang.as_deref());
    if !s.entrance.accepts(&code, s.clock.now()) {
        return Ok(reply(expired_page(words, &code), StatusCode::GONE));
    }
    let body = match mine(&s, &headers, words).await? {
        Some(Mine::Away { held, .. }) => ask_page(words, &code, &held),
        Some(Mine::Here { label, token }) => here_page(words, &code, &label, &token),
        None => type_page(words, &code, None),
    };
    Ok(reply(body, StatusCode::OK))
}

#[derive(Deserialize)]
pub struct ArriveForm {
    /// Typed by a visitor whose phone holds no place (absent on the "I'm here" button).
    #[serde(default)]
    check_in_code: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /arrive/{code}`: "I'm here", or a typed check-in code.
pub async fn check_in(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ArriveForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    if !s.entrance.accepts(&code, s.clock.now()) {
        return Ok(reply(expired_page(words, &code), StatusCode::GONE));
    }
    let typed_code = form
        .check_in_code
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let typed = typed_code.is_some();
    let (check_in_code, place_token) = match (typed_code, mine(&s, &headers, words).await?) {
        (Some(typed), _) => {
            if !s.remote_limits.may_check_in_from(ip) {
                let e = ApiError::too_many_attempts();
                return Ok(reply(type_page(words, &code, Some(&e)), e.status));
            }
            (typed, None)
        }
        (None, Some(Mine::Away { held, code })) => {
            let token = matches!(held, Held::Place { .. })
                .then(|| cookies::get(&headers, cookies::PLACE).map(str::to_string))
                .flatten();
            (code, token)
        }
        (None, Some(Mine::Here { label, token })) => {
            return Ok(reply(
                here_page(words, &code, &label, &token),
                StatusCode::OK,
            ));
        }
        (None, None) => return Ok(reply(type_page(words, &code, None), StatusCode::OK)),
    };
    match remote::check_in(&s.engine, check_in_code).await {
        Ok(arrived) => {
            let token = arrived.status_token.clone().or(place_token);
            Ok(reply(
                done_page(words, &code, &arrived, token.as_deref()),
                StatusCode::OK,
            ))
        }
        Err(e) => {
            if matches!(e, CommandError::Refused(Refusal::CheckInCodeUnknown)) && typed {
                s.remote_limits.wrong_code_from(ip);
            }
            let e = ApiError::from(e);
            Ok(reply(type_page(words, &code, Some(&e)), e.status))
        }
    }
}

/// The page's headers: never cached, and no path (the entrance code) in a `Referer`, with a real
/// `Origin` on its form (`join::finish`).
fn reply(body: Markup, status: StatusCode) -> Response {
    let mut res = crate::http::security::private(join::finish(body, status));
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin"),
    );
    res
}

fn shell(words: Words, code: &str, main: Markup) -> Markup {
    let title = words.t("عون — تسجيل الوصول", "Awn — check in");
    join::shell_titled(words, &format!("/arrive/{code}"), title, main)
}

fn expired_page(words: Words, code: &str) -> Markup {
    shell(
        words,
        code,
        html! {
            h1 { (words.t("تغيّر هذا الرمز", "This code has changed")) }
            p.error role="alert" data-code="entrance_code_expired" { (words.t(
                "امسح الرمز الظاهر الآن على شاشة الانتظار في الفرع، أو اكتب رمز تسجيل الوصول في جهاز التذاكر.",
                "Scan the code shown now on the waiting-room screen at the branch, or type your check-in code at the ticket kiosk."
            )) }
        },
    )
}

fn held_box(words: Words, held: &Held) -> Markup {
    html! {
        div.place {
            @match held {
                Held::Place { label } => {
                    span { (words.t("رقمك", "Your number")) }
                    strong.number.ltr { (label) }
                }
                Held::Booking { service, time } => {
                    span { (words.t("موعدك اليوم", "Your appointment today")) }
                    strong.service-name { (service) }
                    strong.when.ltr { (time) }
                }
            }
        }
    }
}

fn ask_page(words: Words, code: &str, held: &Held) -> Markup {
    shell(
        words,
        code,
        html! {
            h1 { (words.t("هل وصلت إلى الفرع؟", "Have you arrived at the branch?")) }
            (held_box(words, held))
            p.notice { (words.t(
                "سجّل وصولك وأنت في الفرع: يدخل دورك قائمة النداء الآن.",
                "Check in once you are at the branch: your place joins the calls now."
            )) }
            form.service method="post" action=(format!("/arrive/{code}")) {
                input type="hidden" name="lang" value=(words.lang());
                button type="submit" id="arrive" { (words.t("وصلت، سجّل وصولي", "I'm here: check me in")) }
            }
        },
    )
}

fn type_page(words: Words, code: &str, error: Option<&ApiError>) -> Markup {
    shell(
        words,
        code,
        html! {
            h1 { (words.t("تسجيل الوصول", "Check in")) }
            @if let Some(e) = error {
                p.error role="alert" data-code=(e.code) { (sentence(words.t(&e.ar, &e.en))) }
            }
            (type_form(words, code))
        },
    )
}

/// The form for a check-in code typed on the phone.
fn type_form(words: Words, code: &str) -> Markup {
    html! {
        form.service method="post" action=(format!("/arrive/{code}")) {
            label for="check-in-code" { (words.t(
                "رمز تسجيل الوصول (6 أرقام)، من صفحة حجزك أو من موظف الاستقبال",
                "Your check-in code (6 digits), from the page where you joined or booked, or from reception"
            )) }
            input #check-in-code.ltr type="text" name="check_in_code" inputmode="numeric"
                autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required;
            input type="hidden" name="lang" value=(words.lang());
            button type="submit" { (words.t("سجّل وصولي", "Check me in")) }
        }
    }
}

/// This phone's place is checked in already; another code (a booking made by phone call, a
/// place joined in another browser) can still be typed under it.
fn here_page(words: Words, code: &str, label: &str, token: &str) -> Markup {
    shell(
        words,
        code,
        html! {
            h1 { (words.t("سُجّل وصولك من قبل", "You are checked in already")) }
            div.place {
                span { (words.t("رقمك", "Your number")) }
                strong.number.ltr { (label) }
            }
            a.follow href=(format!("/t/{token}")) { (words.t("تابع دورك", "Follow your place")) }
            h2 { (words.t("رمز آخر؟", "Another code?")) }
            (type_form(words, code))
        },
    )
}

fn done_page(words: Words, code: &str, arrived: &Arrived, token: Option<&str>) -> Markup {
    let shown = &arrived.shown;
    let ahead = match (shown.people_ahead, words.en) {
        (0, _) => words.t("أنت التالي", "You are next").to_string(),
        (n, true) => format!("People ahead of you: {n}"),
        (n, false) => format!("عدد من قبلك: {n}"),
    };
    shell(
        words,
        code,
        html! {
            h1 #checked-in { (words.t("سُجّل وصولك", "You are checked in")) }
            div.place {
                span { (words.t("رقمك", "Your number")) }
                strong.number.ltr { (shown.label) }
            }
            p.wait { (ahead) br; (join::expected(words, shown.estimated_wait_minutes)) }
            p.notice { (words.t(
                "انتظر في صالة الانتظار وتابع شاشة النداء.",
                "Wait in the waiting room and watch the calling screen."
            )) }
            @if let Some(token) = token {
                a.follow href=(format!("/t/{token}")) { (words.t("تابع دورك", "Follow your place")) }
            } @else {
                p { (words.t("تابع دورك من الصفحة التي حجزت منها.", "Follow your place on the page where you joined.")) }
            }
        },
    )
}
