//! Places away from the room (policy 3.4): joining the line from the phone, and checking in on
//! arrival with the code, at the kiosk or from the phone at the entrance (`web::arrive`). The queue's rules for these places are `domain::arrival`'s.

use awn_core::check_in::CODE_DIGITS;
use chrono::NaiveDate;

use super::kiosk::refuse_when_closed;
use super::{CommandError, Refusal, commit_change};
use crate::auth::tokens;
use crate::domain::numbering::service_day;
use crate::domain::*;
use crate::store::engine::{Engine, WriteCtx};
use crate::store::{appointments, reads, remote, writes};

/// A place checked in at the kiosk: what the kiosk shows and prints, sent as the reply as is.
pub use awn_core::wire::CheckedIn;

/// A check-in done: what the visitor is shown, and for a booking the status token of the place
/// it became (the phone's page links to it; a remote place's token is the one it already has).
pub struct Arrived {
    pub shown: CheckedIn,
    pub status_token: Option<String>,
}

/// A visitor on the join page asks for a place.
pub struct JoinCommand {
    pub service: String,
    /// The page's one-time key, which becomes the place's status token: sending the form twice
    /// (a double tap, a reload) gives the same place, and the page knows where to send the visitor.
    pub key: String,
    /// Keyed hashes of the client address and of the page's device cookie (`web::join`).
    pub address_hash: [u8; 32],
    pub device_hash: [u8; 32],
}

/// Which daily limit a join met (`config::RemoteSettings`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoteLimit {
    /// The service's places for today are taken: come to the branch, or try tomorrow.
    ServiceFull,
    /// This address or this device joined its share today.
    ThisVisitor,
    /// This address or this device booked its share of appointments today.
    BookingsOfThisVisitor,
}

/// Joins the line. `Ok` once the place exists (new, or the same key's from before).
pub async fn join(engine: &Engine, cmd: JoinCommand) -> Result<(), CommandError> {
    if !tokens::well_formed(&cmd.key) {
        return Err(Refusal::JoinFormExpired.into());
    }
    engine
        .write(move |ctx| {
            let token_hash = tokens::hash(&cmd.key);
            if reads::ticket_by_token_hash(ctx.tx, &token_hash)?.is_some() {
                return Ok(());
            }
            let offered = ctx
                .config
                .service(&cmd.service)
                .is_some_and(|s| s.remote_joining && !s.hidden);
            if !offered {
                return Err(Refusal::NotForRemoteJoining.into());
            }
            refuse_when_closed(ctx.hours, ctx.now)?;
            let day = service_day(ctx.now);
            let caps = &ctx.config.remote;
            let n = remote::counts(
                ctx.tx,
                day,
                &cmd.service,
                &cmd.address_hash,
                &cmd.device_hash,
            )?;
            if n.service >= caps.daily_cap_per_service {
                return Err(Refusal::RemoteLimit(RemoteLimit::ServiceFull).into());
            }
            if n.address >= caps.per_address_per_day || n.device >= caps.per_device_per_day {
                return Err(Refusal::RemoteLimit(RemoteLimit::ThisVisitor).into());
            }
            let request = IssueRequest::walk_in(&cmd.service, Priority::Normal, Channel::Remote);
            let change = ctx.queue.plan_issue(&request, ctx.now)?;
            let ticket = change.issued[0].id;
            let label = ctx.queue.label_of(&change.issued[0]);
            let code = unused_code(ctx, day)?;
            let meta = [(label, token_hash, writes::Issuer::Remote)];
            writes::persist_change(ctx.tx, &change, &meta)?;
            remote::insert(
                ctx.tx,
                &remote::NewPlace {
                    ticket,
                    day,
                    code: &code,
                    address_hash: &cmd.address_hash,
                    device_hash: &cmd.device_hash,
                    at: ctx.now,
                },
            )?;
            ctx.queue.apply(&change);
            for e in change.events {
                ctx.publish(e);
            }
            Ok(())
        })
        .await
}

/// A fresh code of `CODE_DIGITS` digits for `day`, unused by any remote place or booking of that day.
pub(super) fn unused_code(ctx: &WriteCtx<'_>, day: NaiveDate) -> Result<String, CommandError> {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        let n = u32::from_le_bytes(bytes) % 10u32.pow(CODE_DIGITS as u32);
        let code = format!("{n:0CODE_DIGITS$}");
        if !remote::code_taken(ctx.tx, day, &code)? {
            return Ok(code);
        }
    }
}

/// The visitor with today's `code` has arrived: a remote place becomes callable in the place it
/// holds (`Queue::plan_check_in`); a booking enters the line as an appointment
/// (`arrival::ArrivalPolicy::appointment_place`: its slot, or a walk-in after the grace).
pub async fn check_in(engine: &Engine, code: String) -> Result<Arrived, CommandError> {
    if !awn_core::check_in::well_formed(&code) {
        return Err(Refusal::CheckInCodeUnknown.into());
    }
    engine
        .write(move |ctx| {
            let day = service_day(ctx.now);
            let (change, status_token) = match remote::by_code(ctx.tx, day, &code)? {
                Some(id) => {
                    let change = ctx.queue.plan_check_in(id, ctx.now).map_err(|e| match e {
                        // Lapsed, cancelled or served: the code's place is not waiting any more.
                        QueueError::UnknownTicket(id) => QueueError::NotAwaitingArrival(id),
                        e => e,
                    })?;
                    (commit_change(ctx, change, &[])?, None)
                }
                None => {
                    let (change, token) = arrive_for_booking(ctx, day, &code)?;
                    (change, Some(token))
                }
            };
            let t = change
                .updated
                .first()
                .or(change.issued.first())
                .expect("one ticket");
            let people_ahead = ctx.queue.people_ahead(t.id).unwrap_or(0);
            let shown = CheckedIn {
                label: ctx.queue.label_of(t),
                service: t.service.to_string(),
                people_ahead,
                estimated_wait_minutes: ctx.queue.estimated_wait_minutes(&t.line, people_ahead),
            };
            Ok(Arrived {
                shown,
                status_token,
            })
        })
        .await
}

/// The ticket of today's booking with `code`, placed by the appointment rule, and its status token.
fn arrive_for_booking(
    ctx: &mut WriteCtx<'_>,
    day: NaiveDate,
    code: &str,
) -> Result<(Change, String), CommandError> {
    let booking = appointments::by_code(ctx.tx, day, code)?.ok_or(Refusal::CheckInCodeUnknown)?;
    if booking.cancelled || booking.ticket.is_some() {
        return Err(Refusal::BookingUsed.into());
    }
    let request = IssueRequest {
        slot: Some(booking.starts_at),
        ..IssueRequest::walk_in(&booking.service, Priority::Normal, Channel::Appointment)
    };
    let change = ctx.queue.plan_issue(&request, ctx.now)?;
    let label = ctx.queue.label_of(&change.issued[0]);
    let status_token = tokens::status_token();
    let token_hash = tokens::hash(&status_token);
    let change = commit_change(ctx, change, &[(label, token_hash, writes::Issuer::Remote)])?;
    appointments::mark_arrived(ctx.tx, booking.id, change.issued[0].id)?;
    // Checked in: the reminder's number has served, and leaves the files with this commit.
    if appointments::delete_reminder(ctx.tx, booking.id)? {
        ctx.truncate_wal_after_commit();
    }
    Ok((change, status_token))
}
