//! Appointment slots (administration), the day's slots for staff, and booking by staff on the
//! phone. The visitor books on the join page (`web::join`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::admin::ActingStaff;
use crate::commands::appointments::{self as cmd, Booker, Holder, ReminderRefused};
use crate::domain::appointments::{BOOKING_DAYS_AHEAD, Slot};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::local_time;
use crate::store::appointments::Booking;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotsBody {
    pub service: String,
    /// The day, `YYYY-MM-DD` (Riyadh), from today to two weeks ahead.
    #[schema(example = "2026-12-09")]
    pub day: String,
    /// Start times that day, `HH:MM` (Riyadh), within opening hours.
    #[schema(example = json!(["09:00", "09:30"]))]
    pub times: Vec<String>,
    /// Places per slot (1 to 20).
    pub capacity: u32,
}

#[derive(Serialize, ToSchema)]
pub struct SlotDto {
    pub id: i64,
    pub service: String,
    /// Riyadh time.
    pub starts_at: String,
    pub capacity: u32,
    pub booked: u32,
    /// One more booking may be made now (not passed, not full, within two weeks): the
    /// server's clock says, not the reader's.
    pub bookable: bool,
}

fn slot_dto(s: Slot, now: chrono::DateTime<chrono::Utc>) -> SlotDto {
    SlotDto {
        bookable: s.check_booking(now).is_ok(),
        id: s.id,
        service: s.service,
        starts_at: local_time(s.starts_at),
        capacity: s.capacity,
        booked: s.booked,
    }
}

fn invalid(field: &str, ar: &str, en: &str) -> ApiError {
    ApiError::unprocessable("invalid_slots", field, ar, en.to_string())
}

#[utoipa::path(
    put,
    path = "/api/v1/admin/appointment-slots",
    tag = "admin",
    summary = "Sets a service's appointment slots on a day (new times added, existing ones take \
               the capacity and keep their bookings); audited",
    request_body = SlotsBody,
    responses(
        (status = 200, body = Vec<SlotDto>),
        (status = 422, description = "invalid_slots, slots_not_open, unknown_service", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn put_slots(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<SlotsBody>,
) -> Result<Json<Vec<SlotDto>>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let b = body.value;
    let day = NaiveDate::parse_from_str(&b.day, "%Y-%m-%d")
        .map_err(|_| invalid("day", "التاريخ بصيغة YYYY-MM-DD", "Day is YYYY-MM-DD"))?;
    if !(1..=20).contains(&b.capacity) {
        return Err(invalid(
            "capacity",
            "السعة من 1 إلى 20",
            "Capacity is 1 to 20",
        ));
    }
    if b.times.len() > 48 {
        return Err(invalid(
            "times",
            "48 موعدًا في اليوم على الأكثر",
            "At most 48 slots a day",
        ));
    }
    let times = b
        .times
        .iter()
        .map(|t| NaiveTime::parse_from_str(t, "%H:%M"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| invalid("times", "الأوقات بصيغة HH:MM", "Times are HH:MM"))?;
    let slots = cmd::set_slots(&s.engine, by, b.service, day, times, b.capacity).await?;
    let now = s.clock.now();
    Ok(Json(slots.into_iter().map(|x| slot_dto(x, now)).collect()))
}

#[utoipa::path(
    delete,
    path = "/api/v1/admin/appointment-slots/{id}",
    tag = "admin",
    summary = "Removes a slot nobody booked (slot_in_use otherwise); audited",
    params(super::doc::IdPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 409, description = "slot_in_use", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn delete_slot(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    cmd::delete_slot(&s.engine, by, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/appointment-slots",
    tag = "staff",
    summary = "The appointment slots from today to two weeks ahead, with their bookings counted",
    responses((status = 200, body = Vec<SlotDto>))
)]
pub async fn list_slots(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SlotDto>>, ApiError> {
    caller.require(Permission::ReadQueue)?;
    let slots = cmd::upcoming_slots(&s.engine, BOOKING_DAYS_AHEAD).await?;
    let now = s.clock.now();
    Ok(Json(slots.into_iter().map(|x| slot_dto(x, now)).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookBody {
    pub slot: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BookingDto {
    /// The six digits the visitor types at the kiosk on arrival (tell them on the phone).
    pub code: String,
    pub service: String,
    /// Riyadh time.
    pub starts_at: String,
    /// Cancelled: the place in the slot is free again.
    pub cancelled: bool,
    /// The branch sends SMS reminders (`[sms]`): the caller may ask for one
    /// (`POST /api/v1/appointments/reminder`).
    pub reminder_offered: bool,
}

pub(crate) fn booking_dto(b: Booking, s: &AppState) -> BookingDto {
    BookingDto {
        code: b.code,
        service: b.service,
        starts_at: local_time(b.starts_at),
        cancelled: b.cancelled,
        reminder_offered: s.config().sms.is_some(),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/appointments",
    tag = "reception",
    summary = "Books one place of a slot for a caller on the phone: no name or number is asked; \
               the answer's code is what the visitor types at the kiosk on arrival. slot_full, \
               slot_passed, slot_too_far_ahead; audited",
    request_body = BookBody,
    responses(
        (status = 201, body = BookingDto),
        (status = 404, description = "slot_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "slot_full, slot_passed, slot_too_far_ahead", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn book(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<BookBody>,
) -> Result<(StatusCode, Json<BookingDto>), ApiError> {
    let by = caller.acting(Permission::IssueAtReception)?;
    let booking = cmd::book(&s.engine, body.value.slot, Booker::Staff(by)).await?;
    Ok((StatusCode::CREATED, Json(booking_dto(booking, &s))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// The booking's day, `YYYY-MM-DD` (Riyadh).
    #[schema(example = "2026-12-09")]
    pub day: String,
    /// The six-digit code the caller reads out.
    #[schema(example = "482913")]
    pub code: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/appointments/cancel",
    tag = "reception",
    summary = "Cancels a booking for a caller on the phone, by its day and code: the place in \
               the slot is free again, and the board shows it cancelled. Cancelling twice answers \
               the cancelled booking; booking_not_found; booking_arrived once checked in; audited",
    request_body = CancelBody,
    responses(
        (status = 200, body = BookingDto),
        (status = 404, description = "booking_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "booking_arrived", body = awn_core::wire::ErrorBody),
        (status = 422, description = "invalid_booking", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn cancel(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<CancelBody>,
) -> Result<Json<BookingDto>, ApiError> {
    let by = caller.acting(Permission::IssueAtReception)?;
    let holder = caller_booking(by, &body.value)?;
    let booking = cmd::cancel(&s.engine, holder).await?;
    Ok(Json(booking_dto(booking, &s)))
}

/// The booking a caller reads out (its day and code), acted on by `by`.
fn caller_booking(by: ActingStaff, b: &CancelBody) -> Result<Holder, ApiError> {
    let day = NaiveDate::parse_from_str(&b.day, "%Y-%m-%d").map_err(|_| {
        ApiError::unprocessable(
            "invalid_booking",
            "day",
            "التاريخ بصيغة YYYY-MM-DD",
            "Day is YYYY-MM-DD".to_string(),
        )
    })?;
    if !awn_core::check_in::well_formed(&b.code) {
        return Err(ApiError::unprocessable(
            "invalid_booking",
            "code",
            "الرمز ستة أرقام",
            "The code is six digits".to_string(),
        ));
    }
    Ok(Holder::Staff {
        by,
        day,
        code: b.code.clone(),
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderBody {
    /// The booking's day, `YYYY-MM-DD` (Riyadh).
    #[schema(example = "2026-12-09")]
    pub day: String,
    /// The booking's six-digit code.
    #[schema(example = "482913")]
    pub code: String,
    /// The caller's mobile, for this one message only.
    #[schema(example = "0598765431")]
    pub mobile: String,
    /// The message's language: `ar` (default) or `en`.
    #[schema(example = "ar")]
    pub lang: Option<String>,
}

fn reminder_refused(r: ReminderRefused) -> ApiError {
    match r {
        ReminderRefused::NotFound => crate::commands::Refusal::UnknownBooking.into(),
        ReminderRefused::BadNumber => ApiError::unprocessable(
            "invalid_mobile",
            "mobile",
            "رقم الجوال غير صالح",
            "Not a valid mobile number",
        ),
        ReminderRefused::NotOffered => ApiError::new(
            StatusCode::CONFLICT,
            "reminder_not_offered",
            "التذكير برسالة غير متاح في هذا الفرع",
            "Reminders by text message are not offered at this branch",
        ),
        ReminderRefused::Over => ApiError::new(
            StatusCode::CONFLICT,
            "reminder_not_possible",
            "لم يعد التذكير بهذا الموعد ممكنًا (أُلغي أو سُجّل وصوله أو حان وقته)",
            "This appointment can no longer be reminded of (cancelled, checked in, or its time has come)",
        ),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/appointments/reminder",
    tag = "reception",
    summary = "A caller on the phone asks for one SMS reminder of their booking (by its day and \
               code), `[notify] appointment_reminder_minutes` before the slot; replaces an \
               earlier number. The number is held only until the booking is checked in, \
               cancelled, withdrawn or its day is over, and never shown again; audited without it",
    request_body = ReminderBody,
    responses(
        (status = 204, description = "Recorded"),
        (status = 404, description = "booking_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "reminder_not_offered, reminder_not_possible", body = awn_core::wire::ErrorBody),
        (status = 422, description = "invalid_booking, invalid_mobile, invalid_lang", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn ask_reminder(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<ReminderBody>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::IssueAtReception)?;
    let b = body.value;
    let holder = caller_booking(
        by,
        &CancelBody {
            day: b.day,
            code: b.code,
        },
    )?;
    let lang = super::notify::message_lang(b.lang.as_deref())?;
    cmd::ask_reminder(&s.engine, holder, &b.mobile, lang)
        .await?
        .map_err(reminder_refused)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/appointments/reminder/withdraw",
    tag = "reception",
    summary = "Deletes a booking's reminder number at once (the caller changed their mind); \
               booking_not_found; audited",
    request_body = CancelBody,
    responses(
        (status = 204, description = "No number is held for the booking now"),
        (status = 404, description = "booking_not_found", body = awn_core::wire::ErrorBody),
        (status = 422, description = "invalid_booking", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn withdraw_reminder(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<CancelBody>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::IssueAtReception)?;
    let holder = caller_booking(by, &body.value)?;
    match cmd::withdraw_reminder(&s.engine, holder).await? {
        Some(_) => Ok(StatusCode::NO_CONTENT),
        None => Err(crate::commands::Refusal::UnknownBooking.into()),
    }
}
