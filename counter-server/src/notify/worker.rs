//! The notices worker: sends "your turn is near" once a visitor who asked for it has at most
//! `[notify] near_people_ahead` people ahead (or `near_minutes` of estimated wait), and "it is
//! your turn" once when called, with the desk; and erases a ticket's requests once its visit is
//! over. And the SMS reminder of an appointment (`plan_reminders`), once, `[notify]
//! appointment_reminder_minutes` before its slot, to a visitor who gave a number on the booking's
//! page; its number erased once the booking is checked in, cancelled or its day has passed.
//!
//! It looks after each commit that wrote something (`Engine::committed`, settled like the
//! webhook worker's) and every `POLL`. Deciding is a read of the live queue (`plan`); only when
//! something is due does an engine job plan again and mark it sent (`store::notify::mark_sent`)
//! before anything goes out, so a restart never sends a notice twice (one lost in a crash is not
//! sent again: a late notice is worthless). The same job deletes the requests of ended visits and
//! truncates the WAL, so a number leaves the database's files with its visit.

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::watch;

use super::message::{self, Kind};
use super::{push, sms};
use crate::config::Config;
use crate::domain::numbering::{riyadh, service_day};
use crate::domain::{Queue, TicketState};
use crate::store::StoreError;
use crate::store::appointments::{self, Reminder};
use crate::store::engine::{Engine, EngineError};
use crate::store::notify::{self as rows, Address, Request};
use crate::store::reads::ReadPool;
use crate::webhooks::client::Client;
use awn_core::Lang;
use awn_core::opening::opening_words;
use chrono::{DateTime, Utc};

/// How often the worker looks when no commit wakes it (a wait estimate moves with time too).
pub const POLL: Duration = Duration::from_secs(5);
const SETTLE: Duration = Duration::from_millis(100);

/// One notice to send.
#[derive(Clone, Debug)]
pub struct Notice {
    pub ticket: i64,
    pub address: Address,
    pub kind: Kind,
    pub lang: Lang,
    pub label: String,
    /// The desk's public name, when called.
    pub desk: Option<String>,
    pub branch_name: String,
}

/// What is due now: the notices, and whether some request belongs to an ended visit.
#[derive(Debug, Default)]
pub struct Plan {
    pub notices: Vec<Notice>,
    /// (ticket, channel, near, called) to mark, one per notice or per request a call overtook.
    pub marks: Vec<(i64, &'static str, bool, bool)>,
    pub ended: bool,
}

/// Decides, from the requests and the live queue, what is due. Pure but for reading.
pub fn plan(queue: &Queue, config: &Config, requests: &[Request]) -> Plan {
    let mut plan = Plan::default();
    for r in requests {
        let Some(t) = queue.ticket(r.ticket) else {
            plan.ended = true;
            continue;
        };
        let lang = if r.lang == "en" { Lang::En } else { Lang::Ar };
        let channel = r.address.channel();
        let kind = match t.state {
            TicketState::Waiting if !r.near_sent && !r.called_sent => {
                let Some(ahead) = queue.people_ahead(t.id) else {
                    continue;
                };
                let wait = queue.estimated_wait_minutes(&t.line, ahead);
                if !config.notify.is_near(ahead, wait) {
                    continue;
                }
                Kind::Near
            }
            TicketState::Called if !r.called_sent => Kind::Called,
            // Being served already: too late to call them; nothing more is sent.
            TicketState::Serving if !r.called_sent => {
                plan.marks.push((r.ticket, channel, true, true));
                continue;
            }
            _ => continue,
        };
        let desk = match kind {
            Kind::Called => t.desk.map(|d| {
                let named = config
                    .desks
                    .iter()
                    .find(|c| c.id == d)
                    .and_then(|c| match lang {
                        Lang::Ar => c.name_ar.as_deref(),
                        Lang::En => c.name_en.as_deref(),
                    });
                message::desk_name(lang, u16::try_from(d).unwrap_or(u16::MAX), named)
            }),
            Kind::Near => None,
        };
        plan.marks
            .push((r.ticket, channel, true, kind == Kind::Called));
        plan.notices.push(Notice {
            ticket: r.ticket,
            address: r.address.clone(),
            kind,
            lang,
            label: queue.label_of(t),
            desk,
            branch_name: lang
                .pick(&config.branch.name_ar, &config.branch.name_en)
                .to_string(),
        });
    }
    plan
}

/// How the notices go out: what `[push]` and `[sms]` configure.
#[derive(Clone)]
pub struct Senders {
    pub client: Client,
    /// The key and `[push] subject`, when push is configured.
    pub push: Option<(Arc<push::VapidKey>, String)>,
    /// `[notify] push_ttl_seconds`.
    pub push_ttl_seconds: u32,
}

/// The branch's VAPID key: the one kept in the database, made and kept on first use.
pub async fn vapid_key(engine: &Engine) -> Result<push::VapidKey, String> {
    let fresh = push::VapidKey::generate().map_err(|e| e.to_string())?;
    let pkcs8 = engine
        .write(move |ctx| -> Result<Option<Vec<u8>>, EngineError> {
            rows::insert_vapid_key(ctx.tx, fresh.pkcs8(), ctx.now)?;
            Ok(rows::vapid_key(ctx.tx)?)
        })
        .await
        .map_err(|e| format!("{e:?}"))?
        .ok_or("the VAPID key was not kept")?;
    push::VapidKey::from_pkcs8(&pkcs8).map_err(|e| e.to_string())
}

/// Runs until `shutdown` flips.
pub async fn run(
    engine: Engine,
    reads: ReadPool,
    senders: Senders,
    mut shutdown: watch::Receiver<bool>,
) {
    let wake = engine.committed().clone();
    loop {
        tokio::select! {
            () = look(&engine, &reads, &senders) => {}
            _ = shutdown.changed() => return,
        }
        tokio::select! {
            () = wake.notices.notified() => tokio::time::sleep(SETTLE).await,
            () = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn look(engine: &Engine, reads: &ReadPool, senders: &Senders) {
    if let Err(e) = try_look(engine, reads, senders).await {
        tracing::warn!(error = ?e, "notices: look failed");
    }
}

async fn try_look(engine: &Engine, reads: &ReadPool, senders: &Senders) -> Result<(), EngineError> {
    notices(engine, reads, senders).await?;
    reminders(engine, reads, senders).await
}

/// The tickets' notices ("your turn is near", "it is your turn").
async fn notices(engine: &Engine, reads: &ReadPool, senders: &Senders) -> Result<(), EngineError> {
    if !reads.run(rows::any).await? {
        return Ok(());
    }
    let due = engine
        .read(|ctx| -> Result<bool, StoreError> {
            let p = plan(ctx.queue, ctx.config, &rows::all(ctx.conn)?);
            Ok(p.ended || !p.marks.is_empty())
        })
        .await??;
    if !due {
        return Ok(());
    }
    let (notices, sms_gateway) = engine
        .write(|ctx| -> Result<_, EngineError> {
            let requests = rows::all(ctx.tx)?;
            let p = plan(ctx.queue, ctx.current_config(), &requests);
            for (ticket, channel, near, called) in &p.marks {
                rows::mark_sent(ctx.tx, *ticket, channel, *near, *called)?;
            }
            if p.ended && rows::erase_ended(ctx.tx)? > 0 {
                // The number's bytes leave the WAL too before anyone reads the file.
                ctx.truncate_wal_after_commit();
            }
            let gateway = ctx.current_config().sms.clone();
            Ok((p.notices, gateway))
        })
        .await?;
    let sends = notices
        .iter()
        .map(|n| send(senders, sms_gateway.as_ref(), n));
    for (n, gone) in notices.iter().zip(join_all(sends).await) {
        if gone {
            let ticket = n.ticket;
            engine
                .write(move |ctx| -> Result<bool, EngineError> {
                    Ok(rows::withdraw(ctx.tx, ticket, "push")?)
                })
                .await?;
        }
    }
    Ok(())
}

/// Sends one notice; whether its push subscription is gone (to be forgotten). Outcomes are
/// logged by the senders, without the address or the text.
async fn send(senders: &Senders, gateway: Option<&crate::config::SmsConfig>, n: &Notice) -> bool {
    match &n.address {
        Address::Push {
            endpoint,
            p256dh,
            auth,
        } => {
            let Some((key, subject)) = &senders.push else {
                return false;
            };
            let sub = push::Subscription {
                endpoint: endpoint.clone(),
                p256dh: p256dh.clone(),
                auth: auth.clone(),
            };
            let payload =
                push::payload(n.kind, n.lang, &n.label, n.desk.as_deref(), &n.branch_name);
            matches!(
                push::send(
                    &senders.client,
                    &sub,
                    &payload,
                    key,
                    subject,
                    senders.push_ttl_seconds
                )
                .await,
                Err(push::PushError::Gone)
            )
        }
        Address::Sms(phone) => {
            let text = message::text(n.kind, n.lang, &n.label, n.desk.as_deref(), &n.branch_name);
            send_sms(senders, gateway, phone, &text).await;
            false
        }
    }
}

/// Sends one SMS through `[sms]`'s gateway (its token read now); the outcome is logged by
/// `sms::send`, without the number or the text.
async fn send_sms(
    senders: &Senders,
    gateway: Option<&crate::config::SmsConfig>,
    phone: &str,
    text: &str,
) {
    let Some(config) = gateway else { return };
    match config.gateway() {
        Ok(gateway) => {
            let _ = sms::send(&senders.client, &gateway, phone, text).await;
        }
        Err(e) => tracing::warn!(error = %e, "sms not sent"),
    }
}

/// One appointment reminder to send.
#[derive(Clone)]
pub struct ReminderSms {
    pub appointment: i64,
    pub phone: String,
    pub text: String,
}

/// Never shows the number or the text.
impl std::fmt::Debug for ReminderSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReminderSms({})", self.appointment)
    }
}

/// What is due among the appointment reminders now.
#[derive(Debug, Default)]
pub struct ReminderPlan {
    pub sms: Vec<ReminderSms>,
    /// The bookings whose reminder to mark sent: one per SMS, and those whose slot came before
    /// the reminder could go (a late one is worthless: marked, not sent).
    pub marks: Vec<i64>,
    /// Some reminder belongs to a booking checked in, cancelled or of a past day: to erase.
    pub ended: bool,
}

/// Decides which reminders are due at `now`: `[notify] appointment_reminder_minutes` before the
/// slot, once. Pure.
pub fn plan_reminders(config: &Config, now: DateTime<Utc>, reminders: &[Reminder]) -> ReminderPlan {
    let mut plan = ReminderPlan::default();
    let today = service_day(now);
    let ahead = chrono::Duration::minutes(i64::from(config.notify.appointment_reminder_minutes));
    for r in reminders {
        if r.over || r.service_day < today {
            plan.ended = true;
            continue;
        }
        if r.sent || now < r.starts_at - ahead {
            continue;
        }
        plan.marks.push(r.appointment);
        if now >= r.starts_at {
            continue;
        }
        let lang = if r.lang == "en" { Lang::En } else { Lang::Ar };
        let when =
            opening_words(&r.starts_at.with_timezone(&riyadh()).to_rfc3339()).unwrap_or_default();
        let text = message::reminder(
            lang,
            lang.pick(&when.ar, &when.en),
            &r.code,
            lang.pick(&config.branch.name_ar, &config.branch.name_en),
        );
        plan.sms.push(ReminderSms {
            appointment: r.appointment,
            phone: r.phone.clone(),
            text,
        });
    }
    plan
}

/// The appointments' reminders: marked sent in an engine job before they go out (a restart
/// never sends one twice), and the numbers of bookings that are over erased in the same job.
async fn reminders(
    engine: &Engine,
    reads: &ReadPool,
    senders: &Senders,
) -> Result<(), EngineError> {
    if !reads.run(appointments::any_reminder).await? {
        return Ok(());
    }
    let due = engine
        .read(|ctx| -> Result<bool, StoreError> {
            let p = plan_reminders(ctx.config, ctx.now, &appointments::reminders(ctx.conn)?);
            Ok(p.ended || !p.marks.is_empty())
        })
        .await??;
    if !due {
        return Ok(());
    }
    let (sms, gateway) = engine
        .write(|ctx| -> Result<_, EngineError> {
            let p = plan_reminders(
                ctx.current_config(),
                ctx.now,
                &appointments::reminders(ctx.tx)?,
            );
            for id in &p.marks {
                appointments::mark_reminder_sent(ctx.tx, *id)?;
            }
            if p.ended && appointments::erase_reminders_over(ctx.tx, service_day(ctx.now))? > 0 {
                ctx.truncate_wal_after_commit();
            }
            Ok((p.sms, ctx.current_config().sms.clone()))
        })
        .await?;
    join_all(
        sms.iter()
            .map(|r| send_sms(senders, gateway.as_ref(), &r.phone, &r.text)),
    )
    .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn reminder(starts_at: DateTime<Utc>) -> Reminder {
        Reminder {
            appointment: 7,
            code: "048213".into(),
            service_day: service_day(starts_at),
            starts_at,
            phone: "+966598765431".into(),
            lang: "en".into(),
            sent: false,
            over: false,
        }
    }

    #[test]
    fn a_reminder_is_due_from_its_minutes_before_the_slot_once_and_never_late() {
        let config = Config::demo();
        let slot = Utc.with_ymd_and_hms(2026, 12, 9, 9, 0, 0).unwrap();
        let due = slot - chrono::Duration::minutes(120);
        let r = reminder(slot);
        let at = |now, r: &Reminder| plan_reminders(&config, now, std::slice::from_ref(r));

        let before = at(due - chrono::Duration::seconds(1), &r);
        assert!(before.sms.is_empty() && before.marks.is_empty() && !before.ended);
        let now = at(due, &r);
        assert_eq!(now.marks, [7]);
        assert_eq!(now.sms.len(), 1);
        assert_eq!(now.sms[0].phone, "+966598765431");
        assert!(now.sms[0].text.contains("048213"), "{}", now.sms[0].text);
        assert!(
            now.sms[0].text.contains("Wednesday 9 December at 12:00"),
            "{}",
            now.sms[0].text
        );
        let sent = Reminder {
            sent: true,
            ..r.clone()
        };
        assert!(at(due, &sent).marks.is_empty(), "once");
        // The server was down until the slot: marked, not sent (a late reminder is worthless).
        let late = at(slot, &r);
        assert_eq!((late.marks, late.sms.len()), (vec![7], 0));
    }

    #[test]
    fn a_reminder_of_a_booking_that_is_over_or_of_a_past_day_is_to_be_erased() {
        let config = Config::demo();
        let slot = Utc.with_ymd_and_hms(2026, 12, 9, 9, 0, 0).unwrap();
        let over = Reminder {
            over: true,
            ..reminder(slot)
        };
        let p = plan_reminders(&config, slot - chrono::Duration::minutes(60), &[over]);
        assert!(p.ended && p.sms.is_empty() && p.marks.is_empty());
        let p = plan_reminders(&config, slot + chrono::Duration::days(1), &[reminder(slot)]);
        assert!(p.ended && p.sms.is_empty());
    }
}
