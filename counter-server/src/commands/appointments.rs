//! Appointments (policy 3.4): slots set in administration, booked by staff on the phone or by
//! the visitor on the join page, checked in at the kiosk with the booking code
//! (`remote::check_in`). No name and no number is asked or kept.

use chrono::{NaiveDate, NaiveTime};

use super::admin::ActingStaff;
use super::remote::{RemoteLimit, unused_code};
use super::{CommandError, Refusal};
use crate::auth::tokens;
use crate::domain::appointments::{BookingRefusal, Slot, day_open_for_slots};
use crate::domain::numbering::{riyadh, service_day};
use crate::store::appointments::{self as store, Booking, NewBooking};
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::Engine;
use crate::store::role_str;

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

/// Cancels the booking of `day` with `code`, for a caller on the phone: its place in the slot is
/// free again. Cancelling a cancelled booking answers it as it is; one the visitor checked in is
/// refused (the ticket is in the line). Audited.
pub async fn cancel(
    engine: &Engine,
    by: ActingStaff,
    day: NaiveDate,
    code: String,
) -> Result<Booking, CommandError> {
    engine
        .write(move |ctx| {
            let b = store::by_code(ctx.tx, day, &code)?.ok_or(Refusal::UnknownBooking)?;
            if b.ticket.is_some() {
                return Err(Refusal::BookingArrived.into());
            }
            if b.cancelled {
                return Ok(b);
            }
            store::cancel(ctx.tx, b.id, ctx.now)?;
            let entry = AuditEntry {
                staff_id: Some(by.id),
                role: Some(role_str(by.role).to_string()),
                action: "appointment_cancelled".into(),
                reason: Some(format!("booking {}", b.id)),
                ..AuditEntry::default()
            };
            audit::append(ctx.tx, &entry, ctx.now)?;
            ctx.publish_appointments_changed();
            Ok(Booking {
                cancelled: true,
                ..b
            })
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
