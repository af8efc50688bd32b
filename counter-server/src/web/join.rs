//! `/join`: the public page where a visitor takes a place in line from the phone (policy 3.4),
//! without an account and without giving any detail. Drawn on the server and sent with no script,
//! so it works on any phone on slow mobile data; Arabic first, `?lang=en` for English.
//!
//! The form carries a fresh random key that becomes the place's status token: sending it twice (a
//! double tap, a reload) shows the same place. The answer shows the label, the check-in code to
//! type at the kiosk on arrival, and the link to follow the place. Limits: the daily caps per
//! service, address and device (`commands::remote`), and a per-minute limit per address
//! (`limits::RemoteLimits`) in front of them.

use std::net::IpAddr;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::auth::tokens;
use crate::commands::remote::{self, JoinCommand};
use crate::domain::numbering::service_day;
use crate::domain::{Channel, IssueRequest, Priority};
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::{ApiError, sentence};
use crate::http::extract::ClientIp;
use crate::http::views::local_time;
use crate::limits::Visitor;
use crate::store::reads;

#[derive(Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    pub(super) lang: Option<String>,
}

#[derive(Deserialize)]
pub struct JoinForm {
    service: String,
    key: String,
    #[serde(default)]
    lang: Option<String>,
}

/// A service as the page offers it.
struct Offer {
    code: String,
    name: String,
    hint: String,
    expected_wait_minutes: u32,
}

/// The page's words in the visitor's language.
#[derive(Clone, Copy)]
pub(super) struct Words {
    pub(super) en: bool,
}

impl Words {
    pub(super) fn new(lang: Option<&str>) -> Self {
        Self {
            en: lang == Some("en"),
        }
    }

    pub(super) fn t<'a>(self, ar: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { ar }
    }

    pub(super) fn lang(self) -> &'static str {
        if self.en { "en" } else { "ar" }
    }
}

/// How long a device id is kept by the phone (the per-device cap counts per day).
const DEVICE_COOKIE_SECONDS: i64 = 30 * 24 * 3600;

/// `GET /join`
pub async fn page(
    State(s): State<AppState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let words = Words::new(q.lang.as_deref());
    let body = offers_page(&s, words, None).await?;
    let mut res = finish(body, StatusCode::OK);
    if cookies::get(&headers, cookies::JOIN_DEVICE).is_none() {
        let secure = cookies::secure(&headers, &s.config());
        let id = tokens::status_token();
        res.headers_mut().insert(
            header::SET_COOKIE,
            cookies::set(cookies::JOIN_DEVICE, &id, DEVICE_COOKIE_SECONDS, secure),
        );
    }
    Ok(res)
}

/// `POST /join`
pub async fn join(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<JoinForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    if !s.remote_limits.admit_join(ip) {
        return refused(&s, words, ApiError::too_many_requests()).await;
    }
    let visitor = visitor(&s, ip, &headers);
    let cmd = JoinCommand {
        service: form.service,
        key: form.key.clone(),
        address_hash: visitor.address_hash,
        device_hash: visitor.device_hash,
    };
    if let Err(e) = remote::join(&s.engine, cmd).await {
        return refused(&s, words, e.into()).await;
    }
    let hash = tokens::hash(&form.key);
    let status = s
        .reads
        .run(move |conn| reads::status_by_token(conn, &hash))
        .await?
        .ok_or_else(ApiError::not_found)?;
    let body = joined_page(words, &status, &form.key);
    let mut res = crate::http::security::private(finish(body, StatusCode::OK));
    // The entrance QR then knows which place this phone holds (`arrive`).
    super::arrive::remember_place(&s, &headers, &mut res, &form.key);
    Ok(res)
}

/// The caller as today's caps count them (`RemoteLimits::visitor`): address and device cookie.
pub(super) fn visitor(s: &AppState, ip: Option<IpAddr>, headers: &HeaderMap) -> Visitor {
    let day = service_day(s.clock.now());
    let device = cookies::get(headers, cookies::JOIN_DEVICE);
    s.remote_limits.visitor(day, ip, device)
}

/// The services page again, with the refusal's message in the visitor's language.
pub(super) async fn refused(s: &AppState, words: Words, e: ApiError) -> Result<Response, ApiError> {
    let body = offers_page(s, words, Some(&e)).await?;
    Ok(finish(body, e.status))
}

/// HTML with the page's own headers: the Referer stays on this site, so the browser sends a real
/// `Origin` with the form (under `no-referrer` Chromium sends `Origin: null`, which is refused).
pub(super) fn finish(body: Markup, status: StatusCode) -> Response {
    let mut res = (status, body.into_string()).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    res
}

/// The services open for joining now, then the appointments open for booking (`booking`), under
/// a refusal's message if there is one (its stable code in `data-code`, for tests and scripts).
async fn offers_page(
    s: &AppState,
    words: Words,
    error: Option<&ApiError>,
) -> Result<Markup, ApiError> {
    let config = s.config();
    let en = words.en;
    let (offers, opening) = s
        .engine
        .read(move |ctx| {
            let offers: Vec<Offer> = config
                .services
                .iter()
                .filter(|c| c.remote_joining && !c.hidden)
                .filter_map(|c| {
                    // The wait of a place joined now: the people a new remote place would have
                    // ahead (the queue's one rule for it), at the line's pace.
                    let request = IssueRequest::walk_in(&c.code, Priority::Normal, Channel::Remote);
                    let change = ctx.queue.plan_issue(&request, ctx.now).ok()?;
                    let ahead = ctx.queue.people_ahead_of(&change.issued[0]);
                    Some(Offer {
                        code: c.code.clone(),
                        name: if en {
                            c.name_en.clone()
                        } else {
                            c.name_ar.clone()
                        },
                        hint: if en {
                            c.hint_en.clone()
                        } else {
                            c.hint_ar.clone()
                        },
                        expected_wait_minutes: ctx.queue.estimated_wait_minutes(&c.code, ahead),
                    })
                })
                .collect();
            let opening = ctx.hours.at(ctx.now);
            (offers, opening)
        })
        .await?;
    let config = s.config();
    let branch = if en {
        &config.branch.name_en
    } else {
        &config.branch.name_ar
    };
    let key = tokens::status_token();
    let appointments = super::booking::section(s, words).await?;
    let closed = (!opening.issues_tickets()).then(|| {
        let at = opening.opens_at().map(local_time);
        let m = awn_core::opening::closed_message(at.as_deref());
        if en { m.en } else { m.ar }
    });
    Ok(shell(
        words,
        html! {
            h1 { (words.t("احجز دورك من هاتفك", "Join the line from your phone")) }
            p.lead { (branch) }
            @if let Some(e) = error {
                p.error role="alert" data-code=(e.code) { (sentence(words.t(&e.ar, &e.en))) }
            }
            @if let Some(closed) = closed {
                p.closed role="status" { (closed) }
            } @else if offers.is_empty() {
                p.closed { (words.t("لا توجد خدمات متاحة للحجز من الهاتف الآن", "No service can be joined from the phone now")) }
            } @else {
                p.notice { (words.t(
                    "لا نطلب اسمك ولا رقمك. يُحفظ لك دورك، وعند وصولك امسح الرمز المربع على شاشة الانتظار، أو اكتب الرمز الذي سيظهر لك في جهاز التذاكر.",
                    "We ask for no name and no number. Your place is kept; when you arrive, scan the QR code on the waiting-room screen, or type the code you will be shown at the ticket kiosk."
                )) }
                @for o in &offers {
                    form.service method="post" action="/join" {
                        h2 { (o.name) }
                        p { (o.hint) }
                        p.wait { (expected(words, o.expected_wait_minutes)) }
                        input type="hidden" name="service" value=(o.code);
                        input type="hidden" name="key" value=(key);
                        input type="hidden" name="lang" value=(words.lang());
                        button type="submit" { (words.t("احجز دوري", "Join the line")) }
                    }
                }
            }
            (appointments)
        },
    ))
}

pub(super) fn expected(words: Words, minutes: u32) -> String {
    if minutes == 0 {
        words
            .t("لا انتظار الآن تقريبًا", "Hardly any wait now")
            .to_string()
    } else if words.en {
        format!("Expected wait: about {minutes} minutes")
    } else {
        format!("الانتظار المتوقع: نحو {minutes} دقيقة")
    }
}

fn joined_page(words: Words, status: &reads::PublicStatus, key: &str) -> Markup {
    let status_path = format!("/t/{key}");
    shell(
        words,
        html! {
            h1 { (words.t("تم حجز دورك", "Your place is kept")) }
            div.place {
                span { (words.t("رقمك", "Your number")) }
                strong.number.ltr { (status.label) }
                @if let Some(code) = &status.check_in_code {
                    span { (words.t("رمز تسجيل الوصول", "Check-in code")) }
                    strong.code.ltr id="check-in-code" { (code) }
                }
            }
            p.notice { (words.t(
                "عند وصولك إلى الفرع امسح بهذا الهاتف الرمز المربع على شاشة الانتظار، أو اكتب هذا الرمز في جهاز التذاكر، فيدخل دورك قائمة النداء. إن جاء دورك قبل وصولك يتأخر دورك مرة واحدة، ثم يُلغى.",
                "When you arrive at the branch, scan the QR code on the waiting-room screen with this phone, or type this code at the ticket kiosk, and your place joins the calls. If your turn comes before you arrive, your place moves back once, then lapses."
            )) }
            a.follow href=(status_path) { (words.t("تابع دورك", "Follow your place")) }
        },
    )
}

pub(super) fn shell(words: Words, main: Markup) -> Markup {
    shell_at(words, "/join", main)
}

/// `shell` for the page at `here`, which the language link opens in the other language.
pub(super) fn shell_at(words: Words, here: &str, main: Markup) -> Markup {
    shell_titled(
        words,
        here,
        words.t("عون — احجز دورك", "Awn — join the line"),
        main,
    )
}

/// `shell_at` with the page's own `title`.
pub(super) fn shell_titled(words: Words, here: &str, title: &str, main: Markup) -> Markup {
    let other = if words.en {
        here.to_string()
    } else {
        format!("{here}?lang=en")
    };
    html! {
        (DOCTYPE)
        html lang=(words.lang()) dir=(if words.en { "ltr" } else { "rtl" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { (title) }
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/common.css";
                link rel="stylesheet" href="/assets/join.css";
            }
            body {
                main.phone {
                    header.head {
                        span.brand { (words.t("جمعية عون", "Awn Association")) }
                        a href=(other) lang=(if words.en { "ar" } else { "en" }) { (words.t("English", "العربية")) }
                    }
                    (main)
                }
            }
        }
    }
}
