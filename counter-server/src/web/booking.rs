//! The appointments part of `/join` (policy 3.4): for each service open for remote joining, the
//! next slots a visitor may book (`Slot::check_booking`: ahead, within two weeks, a free place),
//! each a button; `POST /join/book` books one (`commands::appointments::book`) and answers with
//! the booking code to type at the kiosk on arrival. Same page rules as joining: no script, no
//! account, nothing asked about the visitor, the Origin check on the form, and the caps counted by
//! the same address and device hashes (`join::visitor`).
//!
//! The form's one-time key makes a booking safe to send twice: a double tap or a reload shows the
//! same booking. All the slot buttons of one page share a key (one booking per page, as one place
//! per page when joining), apart from the joining forms' key.
//!
//! That key is also the booking's page token, as a joined place's key is its status token: a
//! booking answers `303` to `/b/{key}`, the visitor's way back to it without an account. The page
//! shows the service, the date and time, the code and how to check in, nothing about the visitor;
//! from it the visitor cancels (`commands::appointments::cancel`, the staff's one rule) and, when
//! `[sms]` is configured, asks for one SMS reminder (`notify::worker`) or withdraws the number.
//! Only the key's hash is stored; the page is `no-store`, and its `Referrer-Policy:
//! strict-origin` sends no path (the token) in a `Referer`, yet lets the browser send a real
//! `Origin` with the page's forms (under `no-referrer` it sends `Origin: null`, refused). Looks
//! by token are throttled per address and token as the status page's are.

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::join::{self, Words};
use crate::auth::tokens;
use crate::commands::appointments::{self, Booker, BookingPage, Holder, ReminderRefused};
use crate::commands::{CommandError, Refusal};
use crate::domain::appointments::{BOOKING_DAYS_AHEAD, Slot, takes_reminder};
use crate::domain::numbering::{day_end, service_day};
use crate::http::AppState;
use crate::http::cookies;
use crate::http::error::ApiError;
use crate::http::extract::ClientIp;
use crate::http::views::local_time;

/// Slot buttons shown per service: the page must stay light on slow mobile data, and the next
/// dozen times are the ones a visitor chooses among.
pub const SLOTS_SHOWN_PER_SERVICE: usize = 12;

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    slot: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    lang: Option<String>,
}

/// `POST /join/book`
pub async fn book(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(form): Form<BookForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    // The same per-minute budget as joining: both are forms of the one page.
    if !s.remote_limits.admit_join(ip) {
        return join::refused(&s, words, ApiError::too_many_requests()).await;
    }
    let Ok(slot) = form.slot.parse::<i64>() else {
        return join::refused(&s, words, refusal(Refusal::UnknownSlot)).await;
    };
    let visitor = join::visitor(&s, ip, &headers);
    let key = form.key.clone();
    let booker = Booker::Visitor {
        form_key: form.key,
        address_hash: visitor.address_hash,
        device_hash: visitor.device_hash,
    };
    match appointments::book(&s.engine, slot, booker).await {
        // The booking's page: a reload there is a GET, and the address is the way back.
        Ok(_) => Ok(see_page(&key, words)),
        Err(e) => join::refused(&s, words, e.into()).await,
    }
}

/// `303 See Other` to the booking's page (after booking, cancelling, asking for a reminder).
fn see_page(token: &str, words: Words) -> Response {
    let to = format!("/b/{token}{}", if words.en { "?lang=en" } else { "" });
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    h.insert(
        header::LOCATION,
        HeaderValue::from_str(&to).expect("a token is URL-safe"),
    );
    crate::http::security::private(res)
}

/// A booking page's headers: not cached, and no path (the token) in a `Referer`, with a real
/// `Origin` on its forms.
fn page_reply(body: Markup, status: StatusCode) -> Response {
    let mut res = crate::http::security::private(join::finish(body, status));
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin"),
    );
    res
}

/// What a visitor's action on the booking's page met, in the visitor's words.
#[derive(Clone, Copy)]
enum PageError {
    Arrived,
    BadNumber,
    ReminderOver,
    NotOffered,
}

impl PageError {
    fn code(self) -> &'static str {
        match self {
            PageError::Arrived => "booking_arrived",
            PageError::BadNumber => "invalid_mobile",
            PageError::ReminderOver => "reminder_not_possible",
            PageError::NotOffered => "reminder_not_offered",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            PageError::Arrived | PageError::ReminderOver => StatusCode::CONFLICT,
            PageError::BadNumber => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::NotOffered => StatusCode::NOT_FOUND,
        }
    }

    fn words(self, words: Words) -> &'static str {
        match self {
            PageError::Arrived => words.t(
                "سجّلت وصولك لهذا الموعد، فلا يمكن إلغاؤه.",
                "You have checked in for this appointment: it can no longer be cancelled.",
            ),
            PageError::BadNumber => words.t(
                "هذا ليس رقم جوال، اكتبه مثل 05xxxxxxxx.",
                "That is not a mobile number; write it as 05xxxxxxxx or +966…",
            ),
            PageError::ReminderOver => words.t(
                "لم يعد التذكير بهذا الموعد ممكنًا.",
                "This appointment can no longer be reminded of.",
            ),
            PageError::NotOffered => words.t(
                "التذكير برسالة غير متاح في هذا الفرع.",
                "Reminders by text message are not offered at this branch.",
            ),
        }
    }
}

#[derive(Deserialize)]
pub struct PageForm {
    #[serde(default)]
    lang: Option<String>,
}

#[derive(Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    lang: Option<String>,
}

/// The throttle of looks by token (the status page's): the reply when over.
fn throttled(
    s: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    words: Words,
) -> Option<Response> {
    if s.status_limits.admit(ip, token) {
        return None;
    }
    let mut res = page_reply(not_found_page(words), StatusCode::TOO_MANY_REQUESTS);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
    Some(res)
}

/// The booking behind `token` drawn, or the not-found page (a miss counts against the address).
async fn show(
    s: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    words: Words,
    error: Option<PageError>,
) -> Result<Response, ApiError> {
    show_asking(s, ip, token, words, error, false, None).await
}

/// The booking's page; with `confirm_cancel`, asking "cancel it?" where the cancel form was.
/// With the request's `headers` (the page opened), it remembers the booking for the entrance QR.
async fn show_asking(
    s: &AppState,
    ip: Option<std::net::IpAddr>,
    token: &str,
    words: Words,
    error: Option<PageError>,
    confirm_cancel: bool,
    headers: Option<&HeaderMap>,
) -> Result<Response, ApiError> {
    match appointments::booking_page(&s.reads, token).await? {
        Some(b) => {
            let status = error.map_or(StatusCode::OK, PageError::status);
            let markup = booking_page(s, words, token, &b, error, confirm_cancel);
            let mut res = page_reply(markup, status);
            // The entrance QR then knows which booking this phone holds (`arrive`), on its day.
            if let Some(headers) =
                headers.filter(|_| !b.booking.cancelled && b.booking.ticket.is_none())
            {
                let until = day_end(service_day(b.booking.starts_at));
                super::arrive::remember(s, headers, &mut res, cookies::BOOKING, token, until);
            }
            Ok(res)
        }
        None => {
            let status = if s.status_limits.missed(ip) {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            Ok(page_reply(not_found_page(words), status))
        }
    }
}

/// `GET /b/{token}`: the booking's page; `?confirm=cancel` (the page's cancel button) asks
/// before cancelling, so that one stray tap never gives the appointment away.
pub async fn page(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let words = Words::new(q.lang.as_deref());
    if let Some(res) = throttled(&s, ip, &token, words) {
        return Ok(res);
    }
    let confirm = q.confirm.as_deref() == Some("cancel");
    show_asking(&s, ip, &token, words, None, confirm, Some(&headers)).await
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    confirm: Option<String>,
}

/// `POST /b/{token}/cancel`: the visitor cancels; the same rule as staff's, audited as the visitor.
pub async fn cancel(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<PageForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    if let Some(res) = throttled(&s, ip, &token, words) {
        return Ok(res);
    }
    let cancel = Holder::Visitor {
        token: token.clone(),
    };
    match appointments::cancel(&s.engine, cancel).await {
        Ok(_) => Ok(see_page(&token, words)),
        Err(CommandError::Refused(Refusal::BookingArrived)) => {
            show(&s, ip, &token, words, Some(PageError::Arrived)).await
        }
        Err(CommandError::Refused(Refusal::UnknownBooking)) => {
            show(&s, ip, &token, words, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /b/{token}/remind`: one SMS reminder before the slot, to the number given.
pub async fn remind(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<RemindForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    if let Some(res) = throttled(&s, ip, &token, words) {
        return Ok(res);
    }
    let lang = if words.en {
        awn_core::Lang::En
    } else {
        awn_core::Lang::Ar
    };
    let error = match appointments::ask_reminder(
        &s.engine,
        Holder::Visitor {
            token: token.clone(),
        },
        &form.mobile,
        lang,
    )
    .await?
    {
        Ok(()) => return Ok(see_page(&token, words)),
        Err(ReminderRefused::NotFound) => None,
        Err(ReminderRefused::BadNumber) => Some(PageError::BadNumber),
        Err(ReminderRefused::Over) => Some(PageError::ReminderOver),
        Err(ReminderRefused::NotOffered) => Some(PageError::NotOffered),
    };
    show(&s, ip, &token, words, error).await
}

/// `POST /b/{token}/remind/withdraw`: no reminder after all; the number is deleted at once.
pub async fn withdraw(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(form): Form<PageForm>,
) -> Result<Response, ApiError> {
    let words = Words::new(form.lang.as_deref());
    if let Some(res) = throttled(&s, ip, &token, words) {
        return Ok(res);
    }
    appointments::withdraw_reminder(
        &s.engine,
        Holder::Visitor {
            token: token.clone(),
        },
    )
    .await?;
    Ok(see_page(&token, words))
}

fn refusal(r: Refusal) -> ApiError {
    CommandError::from(r).into()
}

/// One service's bookable slots, by day.
struct Offer {
    name: String,
    days: Vec<(String, Vec<(i64, String)>)>,
}

/// The section of the join page listing the slots open for booking; empty when there are none.
pub(super) async fn section(s: &AppState, words: Words) -> Result<Markup, ApiError> {
    let slots = appointments::upcoming_slots(&s.engine, BOOKING_DAYS_AHEAD).await?;
    let now = s.clock.now();
    let config = s.config();
    let today = service_day(now);
    let offers: Vec<Offer> = config
        .services
        .iter()
        .filter(|c| c.remote_joining && !c.hidden)
        .filter_map(|c| {
            let open = slots
                .iter()
                .filter(|slot| slot.service == c.code && slot.check_booking(now).is_ok())
                .take(SLOTS_SHOWN_PER_SERVICE);
            let mut days: Vec<(String, Vec<(i64, String)>)> = Vec::new();
            for slot in open {
                let day = day_heading(words, slot, today);
                let time = clock_time(slot);
                match days.last_mut() {
                    Some((d, times)) if *d == day => times.push((slot.id, time)),
                    _ => days.push((day, vec![(slot.id, time)])),
                }
            }
            (!days.is_empty()).then(|| Offer {
                name: words.t(&c.name_ar, &c.name_en).to_string(),
                days,
            })
        })
        .collect();
    if offers.is_empty() {
        return Ok(html! {});
    }
    let key = tokens::status_token();
    Ok(html! {
        section.appointments aria-labelledby="appointments-title" {
            h2 #appointments-title { (words.t("أو احجز موعدًا", "Or book an appointment")) }
            p.notice { (words.t(
                "اختر وقتًا يناسبك خلال الأسبوعين القادمين. ستحصل على رمز تسجّل به وصولك عند حضورك.",
                "Choose a time in the next two weeks. You will get a code to check in with when you arrive."
            )) }
            @for o in &offers {
                form.service.slots method="post" action="/join/book" {
                    h3 { (o.name) }
                    input type="hidden" name="key" value=(key);
                    input type="hidden" name="lang" value=(words.lang());
                    @for (day, times) in &o.days {
                        fieldset {
                            legend { (day) }
                            @for (id, time) in times {
                                button.ltr type="submit" name="slot" value=(id) { (time) }
                            }
                        }
                    }
                }
            }
        }
    })
}

/// "اليوم" / "Today", "غدًا" / "Tomorrow", else "الثلاثاء 8 ديسمبر" / "Tuesday 8 December".
fn day_heading(words: Words, slot: &Slot, today: chrono::NaiveDate) -> String {
    let day = service_day(slot.starts_at);
    if day == today {
        words.t("اليوم", "Today").to_string()
    } else if Some(day) == today.succ_opt() {
        words.t("غدًا", "Tomorrow").to_string()
    } else {
        let w = awn_core::opening::date_words(&local_time(slot.starts_at)).unwrap_or_default();
        words.t(&w.ar, &w.en).to_string()
    }
}

/// `HH:MM` in Riyadh time.
fn clock_time(slot: &Slot) -> String {
    local_time(slot.starts_at)[11..16].to_string()
}

fn not_found_page(words: Words) -> Markup {
    join::shell(
        words,
        html! {
            h1 { (words.t("لم نجد هذا الموعد", "This booking was not found")) }
            p { (words.t(
                "تحقق من الرابط، أو احجز موعدًا جديدًا.",
                "Check the link, or book a new appointment."
            )) }
            a.follow href=(if words.en { "/join?lang=en" } else { "/join" }) {
                (words.t("العودة إلى صفحة الحجز", "Back to the join page"))
            }
        },
    )
}

fn booking_page(
    s: &AppState,
    words: Words,
    token: &str,
    page: &BookingPage,
    error: Option<PageError>,
    confirm_cancel: bool,
) -> Markup {
    let booking = &page.booking;
    let config = s.config();
    let service = config
        .service(&booking.service)
        .map(|c| words.t(&c.name_ar, &c.name_en).to_string())
        .unwrap_or_else(|| booking.service.clone());
    let when = awn_core::opening::opening_words(&local_time(booking.starts_at)).unwrap_or_default();
    let grace = config.queue.appointment_grace_minutes;
    let minutes = config.notify.appointment_reminder_minutes;
    let arrived = booking.ticket.is_some();
    let open = !booking.cancelled && !arrived;
    // Asking "cancel it?": the question under what would be cancelled, nothing else to do.
    let asking = open && confirm_cancel;
    // The number can be withdrawn as long as it is held, even once the reminder went out.
    let remindable = open
        && config.sms.is_some()
        && (page.reminder.is_some()
            || takes_reminder(booking.cancelled, arrived, booking.starts_at, s.clock.now()));
    let how = if words.en {
        format!(
            "On arrival, scan the QR code on the waiting-room screen with this phone, or type this code at the ticket kiosk at the entrance. You may come early: you are called from your time. More than {grace} minutes late, you join the line as a walk-in."
        )
    } else {
        format!(
            "عند وصولك امسح بهذا الهاتف الرمز المربع على شاشة الانتظار، أو اكتب هذا الرمز في جهاز التذاكر عند المدخل. يمكنك الحضور مبكرًا، ويُنادى عليك من وقت موعدك. إن تأخرت أكثر من {grace} دقيقة تدخل الانتظار كأي زائر."
        )
    };
    let (reminder_set, reminder_offer) = if page.reminder == Some(true) {
        (
            words
                .t(
                    "أُرسلت رسالة التذكير. يُحذف رقمك عند وصولك أو إلغاء الموعد أو انتهاء يومه، أو الآن إن شئت.",
                    "The reminder was sent. Your number is deleted once you check in, cancel, or the day is over, or now if you wish.",
                )
                .to_string(),
            String::new(),
        )
    } else if words.en {
        (
            format!(
                "A text message will remind you {minutes} minutes before your appointment. Your number is deleted once you check in, cancel, or the day is over."
            ),
            format!(
                "Give your mobile number for one text message {minutes} minutes before your appointment. It is used for nothing else, and deleted once you check in, cancel, or the day is over."
            ),
        )
    } else {
        (
            format!(
                "ستصلك رسالة تذكير قبل موعدك بـ{minutes} دقيقة. يُحذف رقمك عند وصولك أو إلغاء الموعد أو انتهاء يومه."
            ),
            format!(
                "اكتب رقم جوالك لتصلك رسالة واحدة قبل موعدك بـ{minutes} دقيقة. لا يُستعمل لغير ذلك، ويُحذف عند وصولك أو إلغاء الموعد أو انتهاء يومه."
            ),
        )
    };
    let action = |what: &str| format!("/b/{token}/{what}");
    let title = if booking.cancelled {
        words.t("أُلغي هذا الموعد", "This appointment is cancelled")
    } else if arrived {
        words.t(
            "سجّلت وصولك لهذا الموعد",
            "You have checked in for this appointment",
        )
    } else {
        words.t("تم حجز موعدك", "Your appointment is booked")
    };
    join::shell_at(
        words,
        &format!("/b/{token}"),
        html! {
            h1 #booking-state data-state=(if booking.cancelled { "cancelled" } else if arrived { "arrived" } else { "booked" }) { (title) }
            @if let Some(e) = error {
                p.error role="alert" data-code=(e.code()) { (e.words(words)) }
            }
            div.place {
                span { (words.t("رمز الموعد", "Booking code")) }
                strong.code.ltr #booking-code { (booking.code) }
                span.service-name { (service) }
                strong.when { (words.t(&when.ar, &when.en)) }
                span.zone { (words.t("بتوقيت الرياض", "Riyadh time")) }
            }
            @if asking {
                form.service #cancel-confirm method="post" action=(action("cancel")) {
                    h2 { (words.t("هل تلغي موعدك؟", "Cancel your appointment?")) }
                    p { (words.t(
                        "يُتاح وقته لغيرك، ولن يسجّل رمزه وصولك بعد ذلك. لا يمكن التراجع عن الإلغاء.",
                        "Its time goes to someone else and its code will no longer check you in. This cannot be undone.",
                    )) }
                    input type="hidden" name="lang" value=(words.lang());
                    button.danger type="submit" { (words.t("نعم، ألغِ الموعد", "Yes, cancel it")) }
                    a.follow #keep href=(format!("/b/{token}{}", if words.en { "?lang=en" } else { "" })) {
                        (words.t("لا، أبقِ موعدي", "No, keep my appointment"))
                    }
                }
            }
            @if booking.cancelled {
                p.state role="status" { (words.t(
                    "لن يُقبل هذا الرمز في جهاز التذاكر. يمكنك حجز موعد آخر.",
                    "This code is not taken at the kiosk any more. You may book another appointment."
                )) }
            } @else if arrived {
                p.state role="status" { (words.t(
                    "دورك في الطابور الآن، تابعه على الشاشة في القاعة.",
                    "Your ticket is in the line now; follow it on the screen in the waiting room."
                )) }
            } @else if !asking {
                p.notice { (how) }
                p.keep { (words.t(
                    "احفظ رابط هذه الصفحة لتعود إليها: فيها رمزك، ومنها تلغي الموعد.",
                    "Bookmark this page to come back to it: it shows your code, and you can cancel here."
                )) }
            }
            @if remindable && !asking {
                @if page.reminder.is_some() {
                    form.service #reminder method="post" action=(action("remind/withdraw")) {
                        h2 { (words.t("التذكير برسالة", "Text message reminder")) }
                        p { (reminder_set) }
                        input type="hidden" name="lang" value=(words.lang());
                        button.secondary type="submit" {
                            @if page.reminder == Some(true) {
                                (words.t("احذف رقمي الآن", "Delete my number now"))
                            } @else {
                                (words.t("ألغِ التذكير واحذف رقمي", "Stop the reminder and delete my number"))
                            }
                        }
                    }
                } @else {
                    form.service #reminder method="post" action=(action("remind")) {
                        h2 { (words.t("التذكير برسالة", "Text message reminder")) }
                        p { (reminder_offer) }
                        label for="mobile" { (words.t("رقم الجوال", "Mobile number")) }
                        input #mobile.ltr type="tel" name="mobile" inputmode="tel" autocomplete="tel" dir="ltr" required;
                        input type="hidden" name="lang" value=(words.lang());
                        button type="submit" { (words.t("ذكّرني برسالة", "Remind me by text message")) }
                    }
                }
            }
            @if open && !asking {
                form.service #cancel method="get" action=(format!("/b/{token}")) {
                    h2 { (words.t("لا تستطيع الحضور؟", "Cannot come?")) }
                    p { (words.t("ألغِ الموعد ليُتاح وقته لغيرك.", "Cancel the appointment so that someone else can have its time.")) }
                    input type="hidden" name="confirm" value="cancel";
                    @if words.en {
                        input type="hidden" name="lang" value="en";
                    }
                    button.danger type="submit" { (words.t("ألغِ الموعد", "Cancel this appointment")) }
                }
            }
            a.follow href=(if words.en { "/join?lang=en" } else { "/join" }) {
                (words.t("العودة إلى صفحة الحجز", "Back to the join page"))
            }
        },
    )
}
