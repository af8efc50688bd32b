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

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::join::{self, Words};
use crate::auth::tokens;
use crate::commands::appointments::{self, Booker};
use crate::commands::{CommandError, Refusal};
use crate::domain::appointments::{BOOKING_DAYS_AHEAD, Slot};
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::ClientIp;
use crate::http::views::local_time;
use crate::store::appointments::Booking;

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
    let booker = Booker::Visitor {
        form_key: form.key,
        address_hash: visitor.address_hash,
        device_hash: visitor.device_hash,
    };
    match appointments::book(&s.engine, slot, booker).await {
        Ok(booking) => {
            let body = booked_page(&s, words, &booking);
            // The code is the booking: not cached, not sent on in a Referer.
            Ok(crate::http::security::private(join::finish(
                body,
                StatusCode::OK,
            )))
        }
        Err(e) => join::refused(&s, words, e.into()).await,
    }
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
                "اختر وقتًا يناسبك خلال الأسبوعين القادمين. ستحصل على رمز تكتبه في جهاز التذاكر عند وصولك.",
                "Choose a time in the next two weeks. You will get a code to type at the ticket kiosk when you arrive."
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

fn booked_page(s: &AppState, words: Words, booking: &Booking) -> Markup {
    let config = s.config();
    let service = config
        .service(&booking.service)
        .map(|c| words.t(&c.name_ar, &c.name_en).to_string())
        .unwrap_or_else(|| booking.service.clone());
    let when = awn_core::opening::opening_words(&local_time(booking.starts_at)).unwrap_or_default();
    let grace = config.queue.appointment_grace_minutes;
    let how = if words.en {
        format!(
            "On arrival, type this code at the ticket kiosk at the entrance. You may come early: you are called from your time. More than {grace} minutes late, you join the line as a walk-in."
        )
    } else {
        format!(
            "عند وصولك اكتب هذا الرمز في جهاز التذاكر عند المدخل. يمكنك الحضور مبكرًا، ويُنادى عليك من وقت موعدك. إن تأخرت أكثر من {grace} دقيقة تدخل الانتظار كأي زائر."
        )
    };
    join::shell(
        words,
        html! {
            h1 { (words.t("تم حجز موعدك", "Your appointment is booked")) }
            div.place {
                span { (words.t("رمز الموعد", "Booking code")) }
                strong.code.ltr #booking-code { (booking.code) }
                span.service-name { (service) }
                strong.when { (words.t(&when.ar, &when.en)) }
                span.zone { (words.t("بتوقيت الرياض", "Riyadh time")) }
            }
            p.notice { (how) }
            p.keep { (words.t(
                "احتفظ بهذا الرمز: اكتبه أو صوّر الشاشة، فلن يظهر مرة أخرى.",
                "Keep this code: write it down or take a screenshot; it is not shown again."
            )) }
            a.follow href=(if words.en { "/join?lang=en" } else { "/join" }) {
                (words.t("العودة إلى صفحة الحجز", "Back to the join page"))
            }
        },
    )
}
