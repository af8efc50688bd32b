//! The supervisor's live board, read in one engine job: desks (who, on a break, the visitor's
//! label and since when), lines against their target (`domain::wait_level`), open alerts,
//! today's figures and the count of open contact requests. Labels, staff display names and desk numbers only: no visitor's data.

use chrono::{DateTime, Utc};

use crate::domain::appointments::BookingState;
use crate::domain::numbering::service_day;
use crate::domain::wait_level::{self, WaitLevel};
use crate::domain::{DeskKind, StaffId, TicketState};
use crate::store::appointments;
use crate::store::board::{self as rows, TodayFigures};
use crate::store::contact_requests;
use crate::store::engine::Engine;
use crate::store::reads;
use crate::store::visits::{self, AlertRow};

#[derive(Clone, Debug)]
pub struct BoardDesk {
    pub id: u32,
    pub kind: DeskKind,
    /// The staff member signed in there (display name), if any.
    pub staff: Option<String>,
    pub paused: bool,
    /// Since when on duty or on a break (unknown after a restart).
    pub since: Option<DateTime<Utc>>,
    /// The visitor called to this desk: label, and when they were called.
    pub visitor: Option<(String, DateTime<Utc>)>,
}

#[derive(Clone, Debug)]
pub struct BoardLine {
    pub service: String,
    pub name_ar: String,
    pub name_en: String,
    pub waiting: u32,
    pub longest_wait_minutes: i64,
    pub target_wait_minutes: u32,
    pub level: WaitLevel,
    pub estimated_wait_minutes: u32,
    /// When the oldest waiting ticket turns the line amber and red.
    pub turns: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Takes new tickets (not hidden in administration or by a supervisor).
    pub offered: bool,
    /// Places joined from the phone whose visitors are not here yet (not in `waiting`).
    pub away: u32,
}

/// One of the day's appointments: when, which service, where it stands, its label once here.
#[derive(Clone, Debug)]
pub struct BoardAppointment {
    pub starts_at: DateTime<Utc>,
    pub service: String,
    pub state: BookingState,
    /// When an expected booking turns late.
    pub grace_ends: DateTime<Utc>,
    pub label: Option<String>,
}

#[derive(Clone, Debug)]
pub struct BoardView {
    pub now: DateTime<Utc>,
    pub desks: Vec<BoardDesk>,
    pub lines: Vec<BoardLine>,
    pub alerts: Vec<AlertRow>,
    pub today: TodayFigures,
    /// Ratings' contact requests not yet handled (of any day).
    pub open_contact_requests: u32,
    pub appointments: Vec<BoardAppointment>,
}

impl BoardView {
    /// The next instant a line changes colour or an expected booking turns late, with no event
    /// (the page redraws then).
    pub fn next_change(&self) -> Option<DateTime<Utc>> {
        let lines = self
            .lines
            .iter()
            .filter_map(|l| l.turns)
            .flat_map(|(amber, red)| [amber, red]);
        let late = self
            .appointments
            .iter()
            .filter(|a| a.state == BookingState::Expected)
            .map(|a| a.grace_ends);
        lines.chain(late).filter(|t| *t > self.now).min()
    }
}

/// The board as `viewer` sees it: a supervisor's count of open contact requests leaves out those
/// of visits they served (`domain::contact_request::visible_to`).
pub async fn board(
    engine: &Engine,
    viewer: Option<StaffId>,
) -> Result<BoardView, crate::commands::CommandError> {
    let view = engine
        .read(move |ctx| -> Result<BoardView, crate::store::StoreError> {
            let now = ctx.now;
            let q = ctx.queue;
            let mut desks = Vec::new();
            for d in q.desks() {
                let staff = match d.on_duty {
                    Some(on) => reads::staff_display_name(ctx.conn, on.staff)?,
                    None => None,
                };
                let visitor = q
                    .active_tickets()
                    .filter(|t| {
                        t.desk == Some(d.id)
                            && matches!(t.state, TicketState::Called | TicketState::Serving)
                    })
                    .find_map(|t| t.called_at.map(|at| (q.label_of(t), at)));
                desks.push(BoardDesk {
                    id: d.id,
                    kind: d.kind,
                    staff,
                    paused: d.paused,
                    since: d.since,
                    visitor,
                });
            }
            let lines = ctx
                .config
                .services
                .iter()
                .map(|s| {
                    let target = s.target_wait_minutes();
                    let count =
                        u32::try_from(q.waiting_in_line(&s.code).count()).unwrap_or(u32::MAX);
                    // The oldest ticket has waited longest: it sets the line's colour.
                    let oldest = q.oldest_waiting_in_line(&s.code).map(|t| t.in_room_since());
                    BoardLine {
                        service: s.code.clone(),
                        name_ar: s.name_ar.clone(),
                        name_en: s.name_en.clone(),
                        waiting: count,
                        longest_wait_minutes: oldest
                            .map_or(0, |at| (now - at).num_minutes().max(0)),
                        target_wait_minutes: target,
                        level: wait_level::classify(oldest, now, target),
                        estimated_wait_minutes: q.estimated_wait_minutes(&s.code, count),
                        turns: oldest.map(|o| wait_level::turns_at(o, target)),
                        offered: !s.hidden,
                        away: q.awaiting_in_line(&s.code),
                    }
                })
                .collect();
            let arrival = q.policy().arrival;
            let appointments = appointments::day_bookings(ctx.conn, service_day(now))?
                .into_iter()
                .map(|b| BoardAppointment {
                    state: BookingState::of(
                        b.label.is_some(),
                        b.cancelled,
                        arrival.grace_ends(b.starts_at),
                        now,
                    ),
                    grace_ends: arrival.grace_ends(b.starts_at),
                    starts_at: b.starts_at,
                    service: b.service,
                    label: b.label,
                })
                .collect();
            Ok(BoardView {
                appointments,
                now,
                desks,
                lines,
                alerts: visits::open_alerts(ctx.conn)?,
                today: rows::today_figures(ctx.conn, service_day(now))?,
                open_contact_requests: contact_requests::open_count(ctx.conn, viewer)?,
            })
        })
        .await?;
    Ok(view?)
}
