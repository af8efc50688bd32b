//! The reference model: the documented queue rules (ARCHITECTURE.md "The ticket state machine",
//! "Routing rules", and issue 11 items 1 and 2), written from the documents and independently of
//! the server's code. It answers each step with "accepted" or a refusal code, and says what the
//! queue looks like afterwards.

use std::collections::HashMap;

use super::actions::{Action, Actor, DeskRef, Op, SlotRef, TicketRef};
use super::branch::{
    self, APPOINTMENT_GRACE_MINUTES, BOOKING_DAYS_AHEAD, CHECK_IN_MISSES_PER_KIOSK, DESKS, Gender,
    Kind, Role, SLOTS, STAFF,
};
use super::routing;

pub const MINUTE: i64 = 60;
pub const DAY: i64 = 86_400;
pub const RIYADH: i64 = 3 * 3600;

/// The service day (Riyadh date, as days since the epoch) of an instant (Unix seconds).
pub fn service_day(t: i64) -> i64 {
    (t + RIYADH).div_euclid(DAY)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Expired,
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Called => "called",
            Self::Serving => "serving",
            Self::Done => "done",
            Self::NoShow => "no_show",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    pub fn is_active(self) -> bool {
        matches!(self, Self::Waiting | Self::Called | Self::Serving)
    }
}

/// The line a ticket waits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    Service(&'static str),
    Research,
    Desk(u32),
}

#[derive(Clone, Debug)]
pub struct Ticket {
    /// The issuing service: with `number`, the label, for life.
    pub service: &'static str,
    pub day: i64,
    pub label: String,
    /// 0 urgent (feels unsafe), 1 priority, 2 normal: the calling order.
    pub class: u8,
    pub same_gender: Option<Gender>,
    pub state: State,
    pub line: Line,
    pub desk: Option<u32>,
    /// Its place in line, in microseconds: the issue (or join) time, later once moved back.
    pub place_us: i64,
    /// Joined from the phone.
    pub remote: bool,
    /// How the visitor came: `kiosk`, `remote` or `appointment`.
    pub channel: &'static str,
    /// An appointment that kept its slot (checked in before slot + grace): it ranks between
    /// priority and normal, and is callable from the slot.
    pub slot: Option<i64>,
    /// A place joined from the phone whose visitor has not checked in: it holds its place,
    /// counts in people ahead, and is not callable.
    pub awaiting: bool,
    /// Times it moved back because its turn came before its visitor.
    pub moved_back: u32,
}

#[derive(Clone, Debug)]
pub struct Desk {
    pub id: u32,
    pub on_duty: Option<usize>,
    pub paused: bool,
    /// Non-normal calls in a row (anti-starvation).
    pub streak: u32,
}

/// A booking of an appointment slot.
#[derive(Clone, Debug)]
pub struct Booking {
    /// Index into `SLOTS`.
    pub slot: usize,
    pub cancelled: bool,
    /// The ticket its visitor's check-in made.
    pub ticket: Option<usize>,
}

/// An action with its references resolved against the model.
#[derive(Clone, Debug)]
pub enum Step {
    Issue {
        service: &'static str,
        priority: bool,
        same_gender: Option<Gender>,
        feels_unsafe: bool,
    },
    SignIn(usize, u32),
    SignOut(usize, u32),
    Pause(usize, u32),
    Resume(usize, u32),
    CallNext(usize, u32),
    /// `ticket`: index into the tickets issued, `None` for an id the server never gave.
    Call {
        who: usize,
        desk: u32,
        ticket: Option<usize>,
        override_gender: bool,
    },
    Act(usize, Option<usize>, Op),
    /// The last issue again with its key: `None` when there is none to retry in this server run
    /// and day (a restart gives the kiosk a new device token; keys are purged at rollover).
    RetryIssue(Option<usize>),
    JoinRemote(&'static str),
    /// `None`: no place was joined from the phone in this run yet (nothing is sent).
    CheckIn(Option<usize>),
    /// Index into `SLOTS`.
    Book(usize),
    /// The clock moves on `wait` minutes, then the visitor of a booking (`None`: none was made
    /// yet, nothing is sent) types its code at the kiosk, `offset` minutes from its slot as
    /// the action meant it (later if the clock had passed that already).
    CheckInBooking {
        booking: Option<usize>,
        wait: i64,
        offset: i64,
    },
    CancelBooking(Option<usize>),
    Wait(i64),
    Rollover,
    Restart,
}

/// How a request is answered: accepted (with the ticket it concerns), or refused with a status
/// and a code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted(Option<usize>),
    Refused(u16, &'static str),
}

use Answer::{Accepted, Refused};

pub struct Spec {
    pub now: i64,
    pub tickets: Vec<Ticket>,
    pub desks: Vec<Desk>,
    counters: HashMap<(&'static str, i64), u32>,
    /// The ticket the kiosk's last request issued, while a retry can still reach it.
    last_issue: Option<usize>,
    /// When each of `SLOTS` starts (Unix seconds), and its bookings not cancelled.
    pub slot_at: Vec<i64>,
    pub booked: Vec<u32>,
    pub bookings: Vec<Booking>,
    /// Wrong codes the kiosk typed since the server started (the limit's window is longer
    /// than a run).
    check_in_misses: u32,
}

impl Spec {
    pub fn new(now: i64) -> Self {
        Self {
            now,
            tickets: Vec::new(),
            desks: DESKS
                .iter()
                .map(|d| Desk {
                    id: d.id,
                    on_duty: None,
                    paused: false,
                    streak: 0,
                })
                .collect(),
            counters: HashMap::new(),
            last_issue: None,
            slot_at: SLOTS
                .iter()
                .map(|s| {
                    (service_day(now) + s.day) * DAY - RIYADH + s.at.0 * 3600 + s.at.1 * MINUTE
                })
                .collect(),
            booked: vec![0; SLOTS.len()],
            bookings: Vec::new(),
            check_in_misses: 0,
        }
    }

    pub fn desk(&self, id: u32) -> Option<&Desk> {
        self.desks.iter().find(|d| d.id == id)
    }

    pub fn desk_mut(&mut self, id: u32) -> &mut Desk {
        self.desks
            .iter_mut()
            .find(|d| d.id == id)
            .expect("a desk of the branch")
    }

    /// Where `who` is signed in.
    pub fn desk_of(&self, who: usize) -> Option<u32> {
        self.desks
            .iter()
            .find(|d| d.on_duty == Some(who))
            .map(|d| d.id)
    }

    /// The ticket called to or served at a desk.
    pub fn current_at(&self, desk: u32) -> Option<usize> {
        self.tickets
            .iter()
            .position(|t| t.desk == Some(desk) && matches!(t.state, State::Called | State::Serving))
    }

    /// Waiting tickets in calling order (class, issue time, issue order).
    pub fn waiting(&self) -> Vec<usize> {
        let mut w: Vec<usize> = (0..self.tickets.len())
            .filter(|&i| self.tickets[i].state == State::Waiting)
            .collect();
        w.sort_by_key(|&i| routing::order_key(&self.tickets[i], i));
        w
    }

    fn who(&self, a: Actor) -> usize {
        let pick =
            |among: Vec<usize>, k: usize| (!among.is_empty()).then(|| among[k % among.len()]);
        let on_duty = || {
            self.desks
                .iter()
                .filter_map(|d| d.on_duty)
                .collect::<Vec<_>>()
        };
        match a {
            Actor::Anyone(w) => w % STAFF.len(),
            Actor::OnDuty(k) => pick(on_duty(), k).unwrap_or(k % STAFF.len()),
            Actor::Busy(k) => {
                let busy = self
                    .desks
                    .iter()
                    .filter(|d| self.current_at(d.id).is_some())
                    .filter_map(|d| d.on_duty)
                    .collect();
                pick(busy, k)
                    .or_else(|| pick(on_duty(), k))
                    .unwrap_or(k % STAFF.len())
            }
        }
    }

    pub fn resolve(&self, a: &Action) -> Step {
        let desk = |who: usize, d: DeskRef| match d {
            DeskRef::Id(id) => id,
            DeskRef::Mine => self.desk_of(who).unwrap_or(STAFF[who].home),
        };
        let ticket = |who: usize, r: TicketRef| -> Option<usize> {
            let n = self.tickets.len();
            let any = |k: usize| (n > 0).then(|| k % n);
            match r {
                TicketRef::AtMyDesk => self
                    .desk_of(who)
                    .and_then(|d| self.current_at(d))
                    .or_else(|| any(n.saturating_sub(1))),
                TicketRef::Waiting(k) => {
                    let w = self.waiting();
                    if w.is_empty() {
                        any(k)
                    } else {
                        Some(w[k % w.len()])
                    }
                }
                TicketRef::Any(k) => any(k),
            }
        };
        match *a {
            Action::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            } => Step::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            },
            Action::SignIn(w, d) => {
                let w = self.who(w);
                Step::SignIn(w, desk(w, d))
            }
            Action::SignOut(w, d) => {
                let w = self.who(w);
                Step::SignOut(w, desk(w, d))
            }
            Action::Pause(w, d) => {
                let w = self.who(w);
                Step::Pause(w, desk(w, d))
            }
            Action::Resume(w, d) => {
                let w = self.who(w);
                Step::Resume(w, desk(w, d))
            }
            Action::CallNext(w, d) => {
                let w = self.who(w);
                Step::CallNext(w, desk(w, d))
            }
            Action::Call {
                who,
                desk: d,
                ticket: t,
                override_gender,
            } => {
                let who = self.who(who);
                Step::Call {
                    who,
                    desk: desk(who, d),
                    ticket: match t {
                        TicketRef::AtMyDesk => ticket(who, TicketRef::Waiting(0)),
                        other => ticket(who, other),
                    },
                    override_gender,
                }
            }
            Action::Act(w, t, op) => {
                let w = self.who(w);
                Step::Act(w, ticket(w, t), op)
            }
            Action::Progress(w) => {
                let w = self.who(w);
                let here = self.desk_of(w).and_then(|d| self.current_at(d));
                match here.map(|i| self.tickets[i].state) {
                    Some(State::Serving) => Step::Act(w, here, Op::Finish),
                    Some(_) => Step::Act(w, here, Op::Start),
                    None => Step::CallNext(w, desk(w, DeskRef::Mine)),
                }
            }
            Action::RetryIssue => Step::RetryIssue(self.last_issue),
            Action::JoinRemote(service) => Step::JoinRemote(service),
            Action::CheckIn(k) => {
                let remote: Vec<usize> = (0..self.tickets.len())
                    .filter(|&i| self.tickets[i].remote)
                    .collect();
                Step::CheckIn((!remote.is_empty()).then(|| remote[k % remote.len()]))
            }
            Action::Book(r) => Step::Book(match r {
                SlotRef::Any(k) => k % SLOTS.len(),
                SlotRef::Upcoming(k) => {
                    let ahead: Vec<usize> = (0..SLOTS.len())
                        .filter(|&s| self.slot_at[s] > self.now)
                        .collect();
                    if ahead.is_empty() {
                        k % SLOTS.len()
                    } else {
                        ahead[k % ahead.len()]
                    }
                }
            }),
            Action::ArriveBooking(k, offset) => {
                // Mostly a visitor still expected; once none is, any booking (refused).
                let expected: Vec<usize> = (0..self.bookings.len())
                    .filter(|&b| !self.bookings[b].cancelled && self.bookings[b].ticket.is_none())
                    .collect();
                let n = self.bookings.len();
                let booking = if expected.is_empty() {
                    (n > 0).then(|| k % n)
                } else {
                    Some(expected[k % expected.len()])
                };
                // A visitor a day or more away comes now instead (the run stays within days).
                let wait = booking.map_or(0, |b| {
                    let at = self.slot_at[self.bookings[b].slot] + offset * MINUTE;
                    let wait = (at - self.now).max(0) / MINUTE;
                    if wait * MINUTE > DAY { 0 } else { wait }
                });
                Step::CheckInBooking {
                    booking,
                    wait,
                    offset,
                }
            }
            Action::CancelBooking(k) => {
                let n = self.bookings.len();
                Step::CancelBooking((n > 0).then(|| k % n))
            }
            Action::Wait(m) => Step::Wait(m),
            Action::Rollover => Step::Rollover,
            Action::Restart => Step::Restart,
        }
    }

    /// Runs one step on the model.
    pub fn apply(&mut self, s: &Step) -> Answer {
        self.expire_past_days();
        match *s {
            Step::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            } => self.issue(service, priority, same_gender, feels_unsafe),
            Step::SignIn(w, d) => self.sign_in(w, d),
            Step::SignOut(w, d) => self.sign_out(w, d),
            Step::Pause(w, d) => self.pause(w, d, true),
            Step::Resume(w, d) => self.pause(w, d, false),
            Step::CallNext(w, d) => self.call_next(w, d),
            Step::Call {
                who,
                desk,
                ticket,
                override_gender,
            } => self.call(who, desk, ticket, override_gender),
            Step::Act(w, t, op) => super::acts::act(self, w, t, op),
            // The same ticket again, nothing new issued.
            Step::RetryIssue(last) => Accepted(last),
            Step::JoinRemote(service) => self.join_remote(service),
            Step::CheckIn(None) => Accepted(None),
            Step::CheckIn(Some(i)) => self.check_in(i),
            Step::Book(slot) => self.book(slot),
            Step::CheckInBooking { booking, wait, .. } => {
                self.move_clock(self.now + wait * MINUTE);
                match booking {
                    None => Accepted(None),
                    Some(b) => self.check_in_booking(b),
                }
            }
            Step::CancelBooking(None) => Accepted(None),
            Step::CancelBooking(Some(b)) => self.cancel_booking(b),
            Step::Wait(m) => {
                self.move_clock(self.now + m * MINUTE);
                Accepted(None)
            }
            Step::Rollover => {
                let next = (service_day(self.now) + 1) * DAY - RIYADH + 5 * MINUTE;
                self.move_clock(next);
                Accepted(None)
            }
            Step::Restart => {
                self.last_issue = None;
                // So does the count of wrong check-in codes.
                self.check_in_misses = 0;
                // The anti-starvation streak lives in memory only.
                for d in &mut self.desks {
                    d.streak = 0;
                }
                Accepted(None)
            }
        }
    }

    fn move_clock(&mut self, to: i64) {
        if service_day(to) != service_day(self.now) {
            self.last_issue = None;
        }
        self.now = to;
        self.expire_past_days();
    }

    /// The rollover, which runs before every request the server's engine takes (ARCHITECTURE.md:
    /// "at the first write of a new Riyadh day, and every 30 s"): waiting and called tickets of
    /// past days expire; serving ones stay with their desk. A past day's ticket put back in line
    /// expires at the next request.
    pub fn expire_past_days(&mut self) {
        let today = service_day(self.now);
        for t in &mut self.tickets {
            if t.day < today && matches!(t.state, State::Waiting | State::Called) {
                t.state = State::Expired;
            }
        }
    }

    /// A new waiting ticket of `service` (the next number of its day).
    fn new_ticket(
        &mut self,
        service: &'static str,
        class: u8,
        same_gender: Option<Gender>,
        channel: &'static str,
    ) -> usize {
        let remote = channel == "remote";
        let day = service_day(self.now);
        let n = self.counters.entry((service, day)).or_insert(0);
        *n += 1;
        let number = *n;
        self.tickets.push(Ticket {
            service,
            day,
            label: format!("{}-{number:03}", branch::prefix(service)),
            class,
            same_gender,
            state: State::Waiting,
            line: Line::Service(service),
            desk: None,
            place_us: self.now * 1_000_000,
            remote,
            channel,
            slot: None,
            awaiting: remote,
            moved_back: 0,
        });
        self.tickets.len() - 1
    }

    fn issue(
        &mut self,
        service: &'static str,
        priority: bool,
        same_gender: Option<Gender>,
        feels_unsafe: bool,
    ) -> Answer {
        let class = if feels_unsafe {
            0
        } else if priority {
            1
        } else {
            2
        };
        let i = self.new_ticket(service, class, same_gender, "kiosk");
        self.last_issue = Some(i);
        Accepted(self.last_issue)
    }

    /// Issue 16 item 1: only the services open for remote joining; a normal place that holds its
    /// join time and waits for its visitor to check in.
    fn join_remote(&mut self, service: &'static str) -> Answer {
        if !branch::REMOTE_SERVICES.contains(&service) {
            return Refused(422, "not_for_remote_joining");
        }
        Accepted(Some(self.new_ticket(service, 2, None, "remote")))
    }

    /// The code of a place joined today checks it in once, while it still waits; a code of a
    /// past day is unknown.
    fn check_in(&mut self, i: usize) -> Answer {
        if let Some(refused) = self.kiosk_code_refused(self.tickets[i].day) {
            return refused;
        }
        let t = &mut self.tickets[i];
        if t.state != State::Waiting || !t.awaiting {
            return Refused(409, "not_awaiting_arrival");
        }
        t.awaiting = false;
        Accepted(Some(i))
    }

    /// The kiosk's refusal of a code of `day`: too many wrong ones typed already, or a code of
    /// another day (unknown today, and counted as wrong).
    fn kiosk_code_refused(&mut self, day: i64) -> Option<Answer> {
        if self.check_in_misses >= CHECK_IN_MISSES_PER_KIOSK {
            return Some(Refused(429, "too_many_attempts"));
        }
        if day != service_day(self.now) {
            self.check_in_misses += 1;
            return Some(Refused(404, "check_in_code_unknown"));
        }
        None
    }

    /// Policy 3.4: a slot is booked while it is ahead, at most two weeks ahead, and has room.
    fn book(&mut self, slot: usize) -> Answer {
        let at = self.slot_at[slot];
        if at <= self.now {
            return Refused(409, "slot_passed");
        }
        if at > self.now + BOOKING_DAYS_AHEAD * DAY {
            return Refused(409, "slot_too_far_ahead");
        }
        if self.booked[slot] >= SLOTS[slot].capacity {
            return Refused(409, "slot_full");
        }
        self.booked[slot] += 1;
        self.bookings.push(Booking {
            slot,
            cancelled: false,
            ticket: None,
        });
        Accepted(None)
    }

    /// ARCHITECTURE.md routing rule 5: a booking becomes a ticket at check-in (its code works
    /// on its slot's day, once, unless cancelled). Before slot + grace it keeps its slot (placed
    /// at the slot, callable from it, ranked as an appointment); later it is a walk-in placed at
    /// the check-in.
    fn check_in_booking(&mut self, b: usize) -> Answer {
        let slot = self.slot_at[self.bookings[b].slot];
        if let Some(refused) = self.kiosk_code_refused(service_day(slot)) {
            return refused;
        }
        let booking = &self.bookings[b];
        if booking.cancelled || booking.ticket.is_some() {
            return Refused(409, "not_awaiting_arrival");
        }
        let service = SLOTS[booking.slot].service;
        let i = self.new_ticket(service, 2, None, "appointment");
        let keeps_slot = self.now < slot + APPOINTMENT_GRACE_MINUTES * MINUTE;
        super::note(if self.now < slot {
            "appointment checked in early (waits for its slot)"
        } else if keeps_slot {
            "appointment checked in on time (within the grace)"
        } else {
            "appointment checked in late (a walk-in)"
        });
        if keeps_slot {
            let t = &mut self.tickets[i];
            t.slot = Some(slot);
            t.place_us = slot * 1_000_000;
        }
        self.bookings[b].ticket = Some(i);
        Accepted(Some(i))
    }

    /// A booking not checked in is cancelled (again: the same answer) and frees its place; one
    /// checked in is in the line.
    fn cancel_booking(&mut self, b: usize) -> Answer {
        let booking = &mut self.bookings[b];
        if booking.ticket.is_some() {
            return Refused(409, "booking_arrived");
        }
        if !booking.cancelled {
            booking.cancelled = true;
            self.booked[booking.slot] -= 1;
        }
        Accepted(None)
    }

    fn sign_in(&mut self, who: usize, desk: u32) -> Answer {
        let Some(def) = branch::desk(desk) else {
            return Refused(404, "unknown_desk");
        };
        let allowed = match STAFF[who].role {
            Role::Reception => def.kind == Kind::Relations,
            Role::Researcher => def.kind == Kind::Research,
            Role::Supervisor => true,
        };
        if !allowed {
            return Refused(403, "wrong_desk_kind");
        }
        if self.desk_of(who).is_some_and(|d| d != desk) {
            return Refused(409, "signed_in_elsewhere");
        }
        let d = self.desk_mut(desk);
        if d.on_duty.is_some_and(|o| o != who) {
            return Refused(409, "desk_occupied");
        }
        d.on_duty = Some(who);
        d.paused = false;
        Accepted(None)
    }

    /// The desk, when `who` is the one signed in at it.
    fn staffed_by(&self, desk: u32, who: usize) -> Result<(), Answer> {
        match self.desk(desk) {
            None => Err(Refused(404, "unknown_desk")),
            Some(d) if d.on_duty == Some(who) => Ok(()),
            Some(_) => Err(Refused(409, "not_signed_in")),
        }
    }

    fn sign_out(&mut self, who: usize, desk: u32) -> Answer {
        if let Err(a) = self.staffed_by(desk, who) {
            return a;
        }
        if self.current_at(desk).is_some() {
            return Refused(409, "desk_busy");
        }
        let d = self.desk_mut(desk);
        d.on_duty = None;
        d.paused = false;
        d.streak = 0;
        Accepted(None)
    }

    fn pause(&mut self, who: usize, desk: u32, paused: bool) -> Answer {
        if let Err(a) = self.staffed_by(desk, who) {
            return a;
        }
        self.desk_mut(desk).paused = paused;
        Accepted(None)
    }

    /// A desk that may call now: signed in by `who`, not on a break, nobody at it.
    fn ready(&self, desk: u32, who: usize) -> Result<(), Answer> {
        self.staffed_by(desk, who)?;
        if self.desk(desk).is_some_and(|d| d.paused) {
            return Err(Refused(409, "desk_paused"));
        }
        if self.current_at(desk).is_some() {
            return Err(Refused(409, "desk_busy"));
        }
        Ok(())
    }

    fn call_next(&mut self, who: usize, desk: u32) -> Answer {
        if let Err(a) = self.ready(desk, who) {
            return a;
        }
        match routing::choose_next(self, desk) {
            None => Refused(404, "no_ticket_waiting"),
            Some(i) => {
                routing::note_appointments(self, desk, i);
                // Routing rule 5, from the state before the call: every phone place not here
                // that this desk would have called first moves back once, or lapses.
                let passed = routing::passed_over(self, desk, i);
                let moves: Vec<(usize, Option<i64>)> = passed
                    .into_iter()
                    .map(|p| (p, routing::moved_back_place(self, p)))
                    .collect();
                for (p, place) in moves {
                    let t = &mut self.tickets[p];
                    match place {
                        Some(us) => {
                            t.place_us = us;
                            t.moved_back += 1;
                            super::note("a phone place moved back");
                        }
                        None => {
                            t.state = State::Expired;
                            super::note("a phone place lapsed");
                        }
                    }
                }
                self.take(desk, i);
                Accepted(Some(i))
            }
        }
    }

    fn call(
        &mut self,
        who: usize,
        desk: u32,
        ticket: Option<usize>,
        override_gender: bool,
    ) -> Answer {
        let supervisor = STAFF[who].role == Role::Supervisor;
        // Only a supervisor may call against a same-gender request.
        if override_gender && !supervisor {
            return Refused(403, "forbidden");
        }
        if let Err(a) = self.ready(desk, who) {
            return a;
        }
        let Some(i) = ticket else {
            return Refused(404, "ticket_not_found");
        };
        // Every state but waiting, finished ones too, refuses a call (the state machine table).
        if self.tickets[i].state != State::Waiting {
            return Refused(409, "illegal_transition");
        }
        if self.tickets[i].awaiting {
            return Refused(409, "not_checked_in");
        }
        if !routing::can_serve(desk, self.tickets[i].line) && !supervisor {
            return Refused(403, "not_your_line");
        }
        let overridden = supervisor && override_gender;
        if !overridden && !routing::gender_allows(self, desk, i) {
            return Refused(409, "gender_preference");
        }
        self.take(desk, i);
        Accepted(Some(i))
    }

    /// Ticket `i` is called to `desk`.
    fn take(&mut self, desk: u32, i: usize) {
        // Urgent, priority and appointment calls count toward the streak (rule 4 and 5).
        let normal = routing::rank(&self.tickets[i]) == routing::NORMAL;
        if self.tickets[i].slot.is_some() {
            super::note("appointment called (it kept its slot)");
        }
        let t = &mut self.tickets[i];
        t.state = State::Called;
        t.desk = Some(desk);
        let d = self.desk_mut(desk);
        d.streak = if normal { 0 } else { d.streak + 1 };
    }
}
