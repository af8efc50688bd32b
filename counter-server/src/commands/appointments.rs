//! Appointments (policy 3.4): slots set in administration, booked by staff on the phone or by
//! the visitor on the join page, checked in at the kiosk with the booking code
//! (`remote::check_in`). No name and no number is asked or kept.

use chrono::{NaiveDate, NaiveTime};

use super::admin::ActingStaff;
use super::remote::{RemoteLimit, unused_code};
use super::{CommandError, Refusal};
use crate::auth::tokens;
use crate::domain::appointments::{BookingRefusal, Slot, day_open_for_slots, takes_reminder};
use crate::domain::numbering::{riyadh, service_day};
use crate::notify::sms;
use crate::store::StoreError;
use crate::store::appointments::{self as store, Booking, NewBooking};
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::Engine;
use crate::store::reads::ReadPool;
use crate::store::role_str;
use awn_core::Lang;

/// Sets the slots of `service` on `day` at `times` (Riyadh time), each with `capacity` places.
/// Existing slots at those times keep their bookings and take the new capacity.
pub async fn set_slots(
    engine: &Engine,
    by: ActingStaff,
    service: String,
    day: NaiveDate,
    times: Vec<NaiveTime>,
    capacity: u32,
) -> Result<Vec<Slot>, CommandError> {
    engine
        .write(move |ctx| {
            if ctx.config.service(&service).is_none() {
                return Err(Refusal::UnknownService.into());
            }
            if !day_open_for_slots(day, service_day(ctx.now)) || times.is_empty() {
                return Err(Refusal::SlotsNotOpen.into());
            }
            let mut starts = Vec::with_capacity(times.len());
            for t in &times {
                let local = day
                    .and_time(*t)
                    .and_local_timezone(riyadh())
                    .single()
                    .ok_or(Refusal::SlotsNotOpen)?;
                let at = local.to_utc();
                // A slot only where the branch issues tickets (its hours, holidays, cut-off).
                if !ctx.hours.at(at).issues_tickets() {
                    return Err(Refusal::SlotsNotOpen.into());
                }
                starts.push(at);
            }
            store::put_slots(ctx.tx, &service, day, &starts, capacity)?;
            let entry = AuditEntry {
                staff_id: Some(by.id),
                role: Some(role_str(by.role).to_string()),
                action: "appointment_slots_set".into(),
                reason: Some(format!("{service} {day} x{}", starts.len())),
                ..AuditEntry::default()
            };
            audit::append(ctx.tx, &entry, ctx.now)?;
            Ok(store::slots(ctx.tx, day, day)?
                .into_iter()
                .filter(|s| s.service == service)
                .collect())
        })
        .await
}

/// Removes a slot nobody booked.
pub async fn delete_slot(engine: &Engine, by: ActingStaff, id: i64) -> Result<(), CommandError> {
    engine
        .write(move |ctx| {
            if !store::delete_slot(ctx.tx, id)? {
                return Err(Refusal::SlotInUse.into());
            }
            let entry = AuditEntry {
                staff_id: Some(by.id),
                role: Some(role_str(by.role).to_string()),
                action: "appointment_slot_deleted".into(),
                reason: Some(format!("slot {id}")),
                ..AuditEntry::default()
            };
            audit::append(ctx.tx, &entry, ctx.now)?;
            Ok(())
        })
        .await
}

/// Who books: a staff member on the phone, or the visitor on the join page.
pub enum Booker {
    Staff(ActingStaff),
    Visitor {
        /// The form's one-time key (sending it twice books once).
        form_key: String,
        address_hash: [u8; 32],
        device_hash: [u8; 32],
    },
}

/// Books one place of slot `slot`. The booking code is the only thing the visitor needs.
pub async fn book(engine: &Engine, slot: i64, booker: Booker) -> Result<Booking, CommandError> {
    engine
        .write(move |ctx| {
            let today = service_day(ctx.now);
            let form_key_hash = match &booker {
                Booker::Visitor { form_key, .. } => {
                    if !tokens::well_formed(form_key) {
                        return Err(Refusal::JoinFormExpired.into());
                    }
                    let hash = tokens::hash(form_key);
                    if let Some(done) = store::by_form_key(ctx.tx, &hash)? {
                        return Ok(done);
                    }
                    Some(hash)
                }
                Booker::Staff(_) => None,
            };
            let s = store::slot(ctx.tx, slot)?.ok_or(Refusal::UnknownSlot)?;
            let offered = ctx.config.service(&s.service).is_some_and(|c| {
                !c.hidden && (c.remote_joining || matches!(booker, Booker::Staff(_)))
            });
            if !offered {
                return Err(Refusal::NotForRemoteJoining.into());
            }
            s.check_booking(ctx.now).map_err(Refusal::Booking)?;
            if let Booker::Visitor {
                address_hash,
                device_hash,
                ..
            } = &booker
            {
                let caps = &ctx.config.remote;
                let (from_address, from_device) =
                    store::upcoming_from(ctx.tx, today, address_hash, device_hash)?;
                if from_address >= caps.per_address_per_day
                    || from_device >= caps.per_device_per_day
                {
                    return Err(Refusal::RemoteLimit(RemoteLimit::BookingsOfThisVisitor).into());
                }
            }
            let day = service_day(s.starts_at);
            let code = unused_code(ctx, day)?;
            let (booked_by, address_hash, device_hash) = match &booker {
                Booker::Staff(by) => (Some(by.id), None, None),
                Booker::Visitor {
                    address_hash,
                    device_hash,
                    ..
                } => (None, Some(address_hash), Some(device_hash)),
            };
            let id = store::book(
                ctx.tx,
                &NewBooking {
                    slot: &s,
                    day,
                    code: &code,
                    booked_by,
                    form_key_hash: form_key_hash.as_ref(),
                    address_hash,
                    device_hash,
                    at: ctx.now,
                },
            )?;
            if let Booker::Staff(by) = &booker {
                let entry = AuditEntry {
                    staff_id: Some(by.id),
                    role: Some(role_str(by.role).to_string()),
                    action: "appointment_booked".into(),
                    reason: Some(format!("slot {slot}")),
                    ..AuditEntry::default()
                };
                audit::append(ctx.tx, &entry, ctx.now)?;
            }
            ctx.publish_appointments_changed();
            Ok(Booking {
                id,
                code,
                service: s.service,
                starts_at: s.starts_at,
                ticket: None,
                cancelled: false,
            })
        })
        .await
}

/// Who acts on a booking (cancels it, asks for or withdraws its reminder) and how it is found: a
/// staff member for a caller on the phone, by the booking's day and code, or the visitor on the
/// booking's page, by its token (the booking form's one-time key, `booking_page`).
pub enum Holder {
    Staff {
        by: ActingStaff,
        day: NaiveDate,
        code: String,
    },
    Visitor {
        token: String,
    },
}

impl Holder {
    fn well_formed(&self) -> bool {
        match self {
            Holder::Visitor { token } => tokens::well_formed(token),
            Holder::Staff { .. } => true,
        }
    }

    fn booking(
        &self,
        ctx: &crate::store::engine::WriteCtx<'_>,
    ) -> Result<Option<Booking>, StoreError> {
        match self {
            Holder::Staff { day, code, .. } => store::by_code(ctx.tx, *day, code),
            Holder::Visitor { token } => store::by_form_key(ctx.tx, &tokens::hash(token)),
        }
    }

    /// The audit row of `action` on booking `id`, as the staff member or as the visitor.
    fn audit(&self, action: &str, id: i64) -> AuditEntry {
        let (staff_id, role) = match self {
            Holder::Staff { by, .. } => (Some(by.id), role_str(by.role)),
            Holder::Visitor { .. } => (None, "visitor"),
        };
        AuditEntry {
            staff_id,
            role: Some(role.to_string()),
            action: action.into(),
            reason: Some(format!("booking {id}")),
            ..AuditEntry::default()
        }
    }
}

/// Cancels a booking: its place in the slot is free again and its reminder number is deleted.
/// Cancelling a cancelled booking answers it as it is; one the visitor checked in is refused
/// (the ticket is in the line). Audited (as the staff member, or as the visitor).
pub async fn cancel(engine: &Engine, who: Holder) -> Result<Booking, CommandError> {
    if !who.well_formed() {
        return Err(Refusal::UnknownBooking.into());
    }
    engine
        .write(move |ctx| -> Result<Booking, CommandError> {
            let b = who.booking(ctx)?.ok_or(Refusal::UnknownBooking)?;
            if b.ticket.is_some() {
                return Err(Refusal::BookingArrived.into());
            }
            if b.cancelled {
                return Ok(b);
            }
            store::cancel(ctx.tx, b.id, ctx.now)?;
            if store::delete_reminder(ctx.tx, b.id)? {
                // The number's bytes leave the WAL too.
                ctx.truncate_wal_after_commit();
            }
            let entry = who.audit("appointment_cancelled", b.id);
            audit::append(ctx.tx, &entry, ctx.now)?;
            ctx.publish_appointments_changed();
            Ok(Booking {
                cancelled: true,
                ..b
            })
        })
        .await
}

/// A booking as its page shows it: the booking, and its SMS reminder if one is held (`Some(sent)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingPage {
    pub booking: Booking,
    pub reminder: Option<bool>,
}

/// The booking behind the page token `token` (the booking form's one-time key, kept only as its
/// hash in `appointments.form_key_hash`); `None` when malformed or unknown.
pub async fn booking_page(
    reads: &ReadPool,
    token: &str,
) -> Result<Option<BookingPage>, CommandError> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    Ok(reads
        .run(move |c| -> Result<Option<BookingPage>, StoreError> {
            let Some(booking) = store::by_form_key(c, &hash)? else {
                return Ok(None);
            };
            let reminder = store::reminder_sent(c, booking.id)?;
            Ok(Some(BookingPage { booking, reminder }))
        })
        .await?)
}

/// Why a reminder was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReminderRefused {
    /// Malformed or unknown token.
    NotFound,
    /// `[sms]` is not configured.
    NotOffered,
    /// Cancelled, checked in, or its slot's time has come: nothing to remind of.
    Over,
    /// Not a mobile number `sms::normalise_number` takes.
    BadNumber,
}

/// One SMS reminder before the slot, to `number`, in `lang` (replacing an earlier number): asked
/// by the visitor on the booking's page, or by a caller on the phone through reception (audited,
/// without the number). Held until the booking is checked in, cancelled or its day has passed
/// (`notify::worker`), or withdrawn.
pub async fn ask_reminder(
    engine: &Engine,
    who: Holder,
    number: &str,
    lang: Lang,
) -> Result<Result<(), ReminderRefused>, CommandError> {
    if !who.well_formed() {
        return Ok(Err(ReminderRefused::NotFound));
    }
    let Ok(phone) = sms::normalise_number(number) else {
        return Ok(Err(ReminderRefused::BadNumber));
    };
    engine
        .write(
            move |ctx| -> Result<Result<(), ReminderRefused>, CommandError> {
                if ctx.current_config().sms.is_none() {
                    return Ok(Err(ReminderRefused::NotOffered));
                }
                let Some(b) = who.booking(ctx)? else {
                    return Ok(Err(ReminderRefused::NotFound));
                };
                if !takes_reminder(b.cancelled, b.ticket.is_some(), b.starts_at, ctx.now) {
                    return Ok(Err(ReminderRefused::Over));
                }
                store::put_reminder(ctx.tx, b.id, &phone, lang.pick("ar", "en"), ctx.now)?;
                if let Holder::Staff { .. } = who {
                    audit::append(
                        ctx.tx,
                        &who.audit("appointment_reminder_set", b.id),
                        ctx.now,
                    )?;
                }
                Ok(Ok(()))
            },
        )
        .await
}

/// Withdraws a booking's reminder: the number is deleted at once (and the WAL truncated, so its
/// bytes are gone); by staff, audited. `None` when there is no such booking; `Some(false)` when
/// it held no number.
pub async fn withdraw_reminder(engine: &Engine, who: Holder) -> Result<Option<bool>, CommandError> {
    if !who.well_formed() {
        return Ok(None);
    }
    engine
        .write(move |ctx| -> Result<Option<bool>, CommandError> {
            let Some(b) = who.booking(ctx)? else {
                return Ok(None);
            };
            let gone = store::delete_reminder(ctx.tx, b.id)?;
            if gone {
                ctx.truncate_wal_after_commit();
            }
            if let Holder::Staff { .. } = who {
                let entry = who.audit("appointment_reminder_withdrawn", b.id);
                audit::append(ctx.tx, &entry, ctx.now)?;
            }
            Ok(Some(gone))
        })
        .await
}

/// The slots of the next `days` days from today, with their free places.
pub async fn upcoming_slots(engine: &Engine, days: i64) -> Result<Vec<Slot>, CommandError> {
    engine
        .read(move |ctx| {
            let today = service_day(ctx.now);
            store::slots(ctx.conn, today, today + chrono::Duration::days(days))
        })
        .await?
        .map_err(CommandError::from)
}

impl From<BookingRefusal> for Refusal {
    fn from(r: BookingRefusal) -> Self {
        Refusal::Booking(r)
    }
}
