//! `Queue`: the branch's live queue in memory, and every rule that changes it.
//!
//! Each operation is split in two so that nothing is believed before it is durable:
//! `Queue::plan_*` checks the rules against the current state and returns a `Change` (the new values
//! of the tickets and desks it touches, and the events to announce) without mutating anything; the
//! caller persists the change, and only then calls `Queue::apply`. The clock is always an argument.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};

use super::QueueError;
use super::active::ActiveTickets;
use super::arrival::{AppointmentPlace, TurnNotArrived};
use super::lines::Lines;
use super::model::*;
use super::numbering::{label, service_day};
use super::routing::{LineAccess, choose_next, gender_allows, line_access, next_streak};
use super::transitions::{Action, ActionKind, TransferTarget, needs_owning_desk, next_state};

/// What a kiosk, reception, the join page or an arriving appointment asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssueRequest {
    pub service: String,
    pub priority: Priority,
    pub gender_preference: Option<Gender>,
    pub channel: Channel,
    /// An appointment's slot (`Channel::Appointment` only): where it stands in line depends on
    /// when its visitor checks in (`arrival::ArrivalPolicy::appointment_place`).
    pub slot: Option<DateTime<Utc>>,
}

impl IssueRequest {
    /// A walk-in's request (kiosk or reception).
    pub fn walk_in(service: &str, priority: Priority, channel: Channel) -> Self {
        Self {
            service: service.to_string(),
            priority,
            gender_preference: None,
            channel,
            slot: None,
        }
    }
}

/// What happened, for the event stream. Carries no personal data by construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueEvent {
    pub kind: EventKind,
    pub ticket: Option<TicketRef>,
    pub desk: Option<DeskId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Issued,
    Called,
    Recalled,
    Started,
    Finished,
    NoShow,
    Returned,
    Referred,
    Transferred,
    Cancelled,
    Expired,
    DeskChanged,
    /// A waiting ticket's class was raised at a desk; it keeps its label and issue time.
    Reclassed,
    /// A remote place's visitor checked in: it is callable now.
    CheckedIn,
    /// A remote place's turn came before its visitor did: it moved back (`domain::arrival`).
    MovedBack,
}

impl EventKind {
    /// Every kind, for the check that each staff page redraws on all of them.
    pub const ALL: [Self; 15] = [
        Self::Issued,
        Self::Called,
        Self::Recalled,
        Self::Started,
        Self::Finished,
        Self::NoShow,
        Self::Returned,
        Self::Referred,
        Self::Transferred,
        Self::Cancelled,
        Self::Expired,
        Self::DeskChanged,
        Self::Reclassed,
        Self::CheckedIn,
        Self::MovedBack,
    ];
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRef {
    pub id: TicketId,
    pub label: String,
    pub service: String,
    pub state: TicketState,
    pub priority: Priority,
}

/// Extra facts about a ticket transition that the store keeps in the ticket's history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub ticket: TicketId,
    pub action: &'static str,
    pub desk: Option<DeskId>,
    pub staff: Option<StaffId>,
    pub at: DateTime<Utc>,
    /// Referral reason, transfer target or outcome; never personal data.
    pub detail: Option<String>,
    pub outcome: Option<Outcome>,
}

/// A planned change: the new value of every touched ticket and desk.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Change {
    /// Tickets to insert (new) — ids above every existing id.
    pub issued: Vec<Ticket>,
    /// Existing tickets, with their new values.
    pub updated: Vec<Ticket>,
    pub desks: Vec<Desk>,
    pub history: Vec<HistoryEntry>,
    pub events: Vec<QueueEvent>,
    /// Rules a supervisor overrode; the store writes an audit row for each.
    pub overrides: Vec<Override>,
}

/// A supervisor acted where the rules would refuse anyone else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    pub ticket: TicketId,
    pub staff: Option<StaffId>,
    pub desk: Option<DeskId>,
    /// The action taken: `call`, `transfer`, `cancel`.
    pub action: &'static str,
    pub rule: OverrideRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverrideRule {
    /// The ticket waits in a line the supervisor's desk does not serve (`routing::line_access`).
    Line,
    /// A direct call against a same-gender request (`routing::gender_allows`).
    Gender,
}

impl OverrideRule {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Line => "override_line",
            Self::Gender => "override_gender",
        }
    }
}

/// How a direct call is made: by a supervisor, and whether they override a same-gender request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallAs {
    pub supervisor: bool,
    /// Only honoured for a supervisor; the API refuses it from anyone else.
    pub override_gender: bool,
}

/// The live queue of one branch.
#[derive(Clone, Debug)]
pub struct Queue {
    policy: QueuePolicy,
    services: BTreeMap<ServiceCode, Service>,
    desks: BTreeMap<DeskId, Desk>,
    /// Waiting, called and serving tickets; finished ones leave memory (they stay in storage).
    active: ActiveTickets,
    // Indexes of `active`, kept by `put`/`take`, so that no request walks every ticket:
    /// The callable waiting tickets by line and place.
    lines: Lines,
    /// The remote places whose visitors have not checked in yet, by line and place.
    awaiting: Lines,
    /// The ticket called to or served at each desk.
    at_desk: HashMap<DeskId, TicketId>,
    /// How many waiting or called tickets each service day still has (for the rollover).
    open_days: BTreeMap<NaiveDate, usize>,
    /// Last number given per (service, service day).
    counters: HashMap<(ServiceCode, NaiveDate), u32>,
    next_id: TicketId,
}

impl Queue {
    /// A queue from configuration and what storage holds. `last_numbers` is the highest number per
    /// (service, day); `max_id` the highest ticket id ever stored.
    pub fn new(
        policy: QueuePolicy,
        services: Vec<Service>,
        desks: Vec<Desk>,
        active: Vec<Ticket>,
        last_numbers: Vec<((String, NaiveDate), u32)>,
        max_id: TicketId,
    ) -> Self {
        let mut queue = Self {
            policy,
            services: services.into_iter().map(|s| (s.code.clone(), s)).collect(),
            desks: desks.into_iter().map(|d| (d.id, d)).collect(),
            active: ActiveTickets::default(),
            lines: Lines::default(),
            awaiting: Lines::default(),
            at_desk: HashMap::new(),
            open_days: BTreeMap::new(),
            counters: last_numbers
                .into_iter()
                .map(|((code, day), n)| ((ServiceCode::from(code), day), n))
                .collect(),
            next_id: max_id + 1,
        };
        for t in active {
            queue.restore(t);
        }
        queue
    }

    /// Takes back an active ticket that storage holds (at start, or after a failed commit).
    pub fn restore(&mut self, t: Ticket) {
        if t.state.is_active() {
            self.put(t);
        }
    }

    /// Adds or replaces an active ticket, keeping the indexes.
    fn put(&mut self, mut t: Ticket) {
        self.take(t.id);
        t.service = self.shared_code(&t.service);
        t.line = self.shared_code(&t.line);
        match t.state {
            TicketState::Waiting if t.awaiting_arrival => self.awaiting.insert(&t),
            TicketState::Waiting => self.lines.insert(&t),
            TicketState::Called | TicketState::Serving => {
                if let Some(d) = t.desk {
                    self.at_desk.insert(d, t.id);
                }
            }
            _ => {}
        }
        if matches!(t.state, TicketState::Waiting | TicketState::Called) {
            *self.open_days.entry(t.service_day).or_default() += 1;
        }
        self.active.insert(t);
    }

    /// Removes an active ticket and its index entries.
    fn take(&mut self, id: TicketId) {
        let Some(old) = self.active.remove(&id) else {
            return;
        };
        self.lines.remove(&old);
        self.awaiting.remove(&old);
        if let Some(d) = old.desk
            && self.at_desk.get(&d) == Some(&id)
        {
            self.at_desk.remove(&d);
        }
        if matches!(old.state, TicketState::Waiting | TicketState::Called)
            && let Some(n) = self.open_days.get_mut(&old.service_day)
        {
            *n -= 1;
            if *n == 0 {
                self.open_days.remove(&old.service_day);
            }
        }
    }

    pub fn policy(&self) -> &QueuePolicy {
        &self.policy
    }

    pub fn service(&self, code: &str) -> Option<&Service> {
        self.services.get(code)
    }

    /// The code as the service holds it, shared rather than copied (a code no longer configured,
    /// on a ticket from before a configuration change, gets its own copy).
    fn shared_code(&self, code: &str) -> ServiceCode {
        self.services
            .get(code)
            .map_or_else(|| code.into(), |s| s.code.clone())
    }

    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }

    pub fn desk(&self, id: DeskId) -> Option<&Desk> {
        self.desks.get(&id)
    }

    pub fn desks(&self) -> impl Iterator<Item = &Desk> {
        self.desks.values()
    }

    /// The desk a staff member is signed in at (one at most).
    pub fn desk_of_staff(&self, staff: StaffId) -> Option<&Desk> {
        self.desks
            .values()
            .find(|d| d.on_duty.is_some_and(|o| o.staff == staff))
    }

    pub fn ticket(&self, id: TicketId) -> Option<&Ticket> {
        self.active.get(&id)
    }

    /// In no particular order.
    pub fn active_tickets(&self) -> impl Iterator<Item = &Ticket> {
        self.active.values()
    }

    /// The label of a ticket, e.g. `B-017`.
    pub fn label_of(&self, t: &Ticket) -> String {
        let prefix = self
            .services
            .get(&t.service)
            .map_or("?", |s| s.prefix.as_str());
        label(prefix, t.number)
    }

    fn ticket_ref(&self, t: &Ticket) -> TicketRef {
        TicketRef {
            id: t.id,
            label: self.label_of(t),
            service: t.service.to_string(),
            state: t.state,
            priority: t.priority,
        }
    }

    fn event(&self, kind: EventKind, t: &Ticket) -> QueueEvent {
        QueueEvent {
            kind,
            ticket: Some(self.ticket_ref(t)),
            desk: t.desk,
        }
    }

    fn open_desks(&self) -> Vec<&Desk> {
        self.desks.values().filter(|d| d.is_open()).collect()
    }

    /// The ticket called to or served at `desk`, if any.
    pub fn current_at(&self, desk: DeskId) -> Option<&Ticket> {
        self.at_desk.get(&desk).and_then(|id| self.active.get(id))
    }

    // ----- issuing -----

    /// Plans a new ticket with the next number of its service for today.
    pub fn plan_issue(&self, req: &IssueRequest, now: DateTime<Utc>) -> Result<Change, QueueError> {
        if !self.services.contains_key(req.service.as_str()) {
            return Err(QueueError::UnknownService(req.service.clone()));
        }
        let day = service_day(now);
        let code = self.shared_code(&req.service);
        let number = self
            .counters
            .get(&(code.clone(), day))
            .copied()
            .unwrap_or(0)
            + 1;
        let (place_at, slot) = match (req.channel, req.slot) {
            (Channel::Appointment, Some(slot)) => {
                match self.policy.arrival.appointment_place(slot, now) {
                    AppointmentPlace::Slot(at) => (at, Some(at)),
                    AppointmentPlace::WalkIn(at) => (at, None),
                }
            }
            _ => (now, None),
        };
        let ticket = Ticket {
            id: self.next_id,
            service: code.clone(),
            line: code,
            service_day: day,
            number,
            priority: req.priority,
            gender_preference: req.gender_preference,
            state: TicketState::Waiting,
            route: Route::Service,
            desk: None,
            issued_at: now,
            called_at: None,
            recalls: 0,
            channel: req.channel,
            place_at,
            slot,
            awaiting_arrival: req.channel == Channel::Remote,
            moved_back: 0,
            checked_in_at: None,
        };
        let mut change = Change::default();
        change.events.push(self.event(EventKind::Issued, &ticket));
        change.history.push(history(
            &ticket,
            "issue",
            None,
            now,
            Some(ticket.channel.as_str().to_string()),
        ));
        change.issued.push(ticket);
        Ok(change)
    }

    // ----- desks -----

    fn desk_or_err(&self, id: DeskId) -> Result<&Desk, QueueError> {
        self.desks.get(&id).ok_or(QueueError::UnknownDesk(id))
    }

    fn desk_change(&self, desk: Desk) -> Change {
        let event = QueueEvent {
            kind: EventKind::DeskChanged,
            ticket: None,
            desk: Some(desk.id),
        };
        Change {
            desks: vec![desk],
            events: vec![event],
            ..Change::default()
        }
    }

    /// A staff member takes a desk. Signing in again at one's own desk changes nothing.
    pub fn plan_sign_in(
        &self,
        desk: DeskId,
        who: OnDuty,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let d = self.desk_or_err(desk)?;
        if let Some(other) = self
            .desks
            .values()
            .find(|o| o.id != desk && o.on_duty.map(|x| x.staff) == Some(who.staff))
        {
            return Err(QueueError::StaffAtOtherDesk(other.id));
        }
        match d.on_duty {
            Some(current) if current.staff != who.staff => Err(QueueError::DeskOccupied(desk)),
            _ => Ok(self.desk_change(Desk {
                on_duty: Some(who),
                paused: false,
                since: if d.on_duty == Some(who) && !d.paused {
                    d.since
                } else {
                    Some(now)
                },
                ..d.clone()
            })),
        }
    }

    /// The staff member leaves the desk; refused while a visitor is called to it.
    pub fn plan_sign_out(&self, desk: DeskId, staff: StaffId) -> Result<Change, QueueError> {
        let d = self.staffed_by(desk, staff)?;
        if let Some(t) = self.current_at(desk) {
            return Err(QueueError::DeskBusy(t.id));
        }
        Ok(self.desk_change(Desk {
            on_duty: None,
            paused: false,
            priority_streak: 0,
            since: None,
            ..d.clone()
        }))
    }

    /// Break (`paused = true`) or back to work.
    pub fn plan_pause(
        &self,
        desk: DeskId,
        staff: StaffId,
        paused: bool,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let d = self.staffed_by(desk, staff)?;
        Ok(self.desk_change(Desk {
            paused,
            since: if d.paused == paused {
                d.since
            } else {
                Some(now)
            },
            ..d.clone()
        }))
    }

    fn is_research_desk(&self, desk: DeskId) -> bool {
        self.desks
            .get(&desk)
            .is_some_and(|d| d.kind == DeskKind::SocialResearch)
    }

    fn staffed_by(&self, desk: DeskId, staff: StaffId) -> Result<&Desk, QueueError> {
        let d = self.desk_or_err(desk)?;
        match d.on_duty {
            Some(o) if o.staff == staff => Ok(d),
            _ => Err(QueueError::NotSignedIn(desk)),
        }
    }

    // ----- calling -----

    fn ready_desk(&self, desk: DeskId, staff: StaffId) -> Result<&Desk, QueueError> {
        let d = self.staffed_by(desk, staff)?;
        if d.paused {
            return Err(QueueError::DeskPaused(desk));
        }
        if let Some(t) = self.current_at(desk) {
            return Err(QueueError::DeskBusy(t.id));
        }
        Ok(d)
    }

    /// Call-next: the routing rules pick the ticket (see `routing`).
    pub fn plan_call_next(
        &self,
        desk: DeskId,
        staff: StaffId,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let d = self.ready_desk(desk, staff)?;
        let open = self.open_desks();
        let heads = self.lines.heads(d);
        let candidates = heads.iter().filter_map(|id| self.active.get(id));
        let t = choose_next(d, candidates, &open, &self.policy, now)
            .ok_or(QueueError::NoTicketWaiting)?;
        let mut change = self.call(d, t, staff, now);
        for passed in self.passed_over(d, t, &open, now) {
            self.not_arrived_at_turn(passed, now, &mut change);
        }
        Ok(change)
    }

    /// The remote places not checked in that `desk` would have called before `called` (each set
    /// and class it serves, from the front, while they stand ahead of it).
    fn passed_over(
        &self,
        desk: &Desk,
        called: &Ticket,
        open: &[&Desk],
        now: DateTime<Utc>,
    ) -> Vec<&Ticket> {
        let limit = called.order_key();
        let mut out = Vec::new();
        for head in self.awaiting.heads(desk) {
            let mut next = self.active.get(&head);
            while let Some(t) = next.filter(|t| t.order_key() < limit) {
                if gender_allows(desk, t, open, &self.policy, now) {
                    out.push(t);
                }
                next = self
                    .awaiting
                    .next_of_class(t)
                    .and_then(|id| self.active.get(&id));
            }
        }
        out
    }

    /// Adds to `change` what happens to remote place `t`, passed over before its visitor came.
    fn not_arrived_at_turn(&self, t: &Ticket, now: DateTime<Utc>, change: &mut Change) {
        let arrival = &self.policy.arrival;
        let behind = self.lines.places_after(t, arrival.remote_move_back);
        let (next, action, kind) = match arrival.on_turn_not_arrived(t.moved_back, &behind, now) {
            TurnNotArrived::MoveBack { place_at } => (
                Ticket {
                    place_at,
                    moved_back: t.moved_back + 1,
                    ..t.clone()
                },
                "move_back",
                EventKind::MovedBack,
            ),
            TurnNotArrived::Lapse => (
                Ticket {
                    state: TicketState::Expired,
                    ..t.clone()
                },
                "lapse",
                EventKind::Expired,
            ),
        };
        change.events.push(self.event(kind, &next));
        change.history.push(history(&next, action, None, now, None));
        change.updated.push(next);
    }

    /// The visitor of remote place `id` has arrived (the entrance QR, or the code at the kiosk): it
    /// becomes callable, in the place it holds.
    pub fn plan_check_in(&self, id: TicketId, now: DateTime<Utc>) -> Result<Change, QueueError> {
        let t = self.active.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        if t.state != TicketState::Waiting || !t.awaiting_arrival {
            return Err(QueueError::NotAwaitingArrival(id));
        }
        let next = Ticket {
            awaiting_arrival: false,
            checked_in_at: Some(now),
            ..t.clone()
        };
        Ok(Change {
            events: vec![self.event(EventKind::CheckedIn, &next)],
            history: vec![history(&next, "check_in", None, now, None)],
            updated: vec![next],
            ..Change::default()
        })
    }

    /// Calls one ticket out of order. It must be waiting in a line this desk serves, and a
    /// same-gender request is kept as call-next keeps it; a supervisor may override both (audited).
    pub fn plan_call_ticket(
        &self,
        desk: DeskId,
        staff: StaffId,
        id: TicketId,
        how: CallAs,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let d = self.ready_desk(desk, staff)?;
        let t = self.active.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        if t.state != TicketState::Waiting {
            return Err(QueueError::IllegalTransition {
                from: t.state,
                action: ActionKind::Call,
            });
        }
        if t.awaiting_arrival {
            return Err(QueueError::NotArrived(id));
        }
        let mut overridden = Vec::new();
        if line_access(Some(d), how.supervisor, t)? == LineAccess::SupervisorOverride {
            overridden.push(OverrideRule::Line);
        }
        if !gender_allows(d, t, &self.open_desks(), &self.policy, now) {
            if !(how.supervisor && how.override_gender) {
                return Err(QueueError::GenderPreference(id));
            }
            overridden.push(OverrideRule::Gender);
        }
        let mut change = self.call(d, t, staff, now);
        change.overrides = overridden
            .into_iter()
            .map(|rule| Override {
                ticket: id,
                staff: Some(staff),
                desk: Some(desk),
                action: "call",
                rule,
            })
            .collect();
        Ok(change)
    }

    fn call(&self, d: &Desk, t: &Ticket, staff: StaffId, now: DateTime<Utc>) -> Change {
        let called = Ticket {
            state: TicketState::Called,
            desk: Some(d.id),
            called_at: Some(now),
            recalls: 0,
            ..t.clone()
        };
        let desk = Desk {
            priority_streak: next_streak(d.priority_streak, t.rank()),
            ..d.clone()
        };
        Change {
            events: vec![self.event(EventKind::Called, &called)],
            history: vec![history(&called, "call", Some(staff), now, None)],
            updated: vec![called],
            desks: vec![desk],
            ..Change::default()
        }
    }

    // ----- everything else that happens to a ticket -----

    /// Plans `action` on ticket `id`, taken at `desk` (`None` for a supervisor away from any desk).
    pub fn plan_action(
        &self,
        id: TicketId,
        action: &Action,
        desk: Option<DeskId>,
        staff: Option<StaffId>,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let actor = Actor {
            desk,
            staff,
            supervisor: desk.is_none(),
        };
        self.plan_action_as(id, action, actor, now)
    }

    /// Plans `action` on ticket `id` by `actor`. A waiting ticket is transferred or cancelled only
    /// by a desk that serves its line, or by a supervisor (`routing::line_access`).
    pub fn plan_action_as(
        &self,
        id: TicketId,
        action: &Action,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let Actor { desk, staff, .. } = actor;
        let t = self.active.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        let kind = action.kind();
        if kind == ActionKind::Call {
            return Err(QueueError::UseCallEndpoint);
        }
        let state = next_state(t.state, kind).ok_or(QueueError::IllegalTransition {
            from: t.state,
            action: kind,
        })?;
        let owned_elsewhere = t.desk.is_some() && desk.is_some() && t.desk != desk;
        if (needs_owning_desk(kind) && (desk.is_none() || t.desk != desk)) || owned_elsewhere {
            return Err(QueueError::NotYourDesk(id));
        }
        let mut overrides = Vec::new();
        if t.state == TicketState::Waiting {
            let at = desk.and_then(|d| self.desks.get(&d));
            if line_access(at, actor.supervisor, t)? == LineAccess::SupervisorOverride {
                overrides.push(Override {
                    ticket: id,
                    staff,
                    desk,
                    action: kind.as_str(),
                    rule: OverrideRule::Line,
                });
            }
        }
        let mut next = Ticket { state, ..t.clone() };
        let mut detail = None;
        let event_kind = match action {
            Action::Call => unreachable!("handled above"),
            Action::Recall => {
                next.recalls += 1;
                EventKind::Recalled
            }
            Action::Start => EventKind::Started,
            Action::Finish(_) => EventKind::Finished,
            Action::NoShow => EventKind::NoShow,
            Action::Cancel => EventKind::Cancelled,
            Action::Expire => EventKind::Expired,
            Action::ReturnToQueue => EventKind::Returned,
            Action::Refer { reason } => {
                if t.route == Route::Research {
                    return Err(QueueError::AlreadyReferred(id));
                }
                if let Some(d) = desk.filter(|d| self.is_research_desk(*d)) {
                    return Err(QueueError::ReferAtResearchDesk(d));
                }
                if reason.trim().is_empty() {
                    return Err(QueueError::ReasonRequired);
                }
                next.route = Route::Research;
                detail = Some(reason.clone());
                EventKind::Referred
            }
            Action::Transfer(target) => {
                match target {
                    TransferTarget::Service(s) => {
                        if !self.services.contains_key(s.as_str()) {
                            return Err(QueueError::UnknownService(s.clone()));
                        }
                        if t.route == Route::Service
                            && t.line == *s
                            && t.state == TicketState::Waiting
                        {
                            return Err(QueueError::SameLine(id));
                        }
                        // The label stays: only the line changes.
                        next.line = self.shared_code(s);
                        next.route = Route::Service;
                        detail = Some(format!("service:{s}"));
                    }
                    TransferTarget::Desk(d) => {
                        self.desk_or_err(*d)?;
                        if t.route == Route::Desk(*d) && t.state == TicketState::Waiting {
                            return Err(QueueError::SameLine(id));
                        }
                        next.route = Route::Desk(*d);
                        detail = Some(format!("desk:{d}"));
                    }
                }
                EventKind::Transferred
            }
        };
        // Back in line: the ticket keeps its issue time, so it keeps its place.
        if state == TicketState::Waiting {
            next.desk = None;
            next.called_at = None;
            next.recalls = 0;
        }
        let outcome = if let Action::Finish(o) = action {
            Some(*o)
        } else {
            None
        };
        let mut event = self.event(event_kind, &next);
        if event.desk.is_none() {
            event.desk = t.desk;
        }
        let entry = HistoryEntry {
            outcome,
            ..history(&next, kind.as_str(), staff, now, detail)
        };
        let entry = HistoryEntry {
            desk: t.desk.or(desk),
            ..entry
        };
        Ok(Change {
            updated: vec![next],
            history: vec![entry],
            events: vec![event],
            overrides,
            ..Change::default()
        })
    }

    /// Raises a waiting ticket's class (normal → priority → urgent) at a desk that may serve its
    /// line, or by a supervisor anywhere (`routing::line_access`, audited as an override). It keeps
    /// its label and issue time, so it takes the place of its issue time within the higher class.
    /// Never lowers: a class that is not higher than today's is refused.
    pub fn plan_raise_priority(
        &self,
        id: TicketId,
        to: Priority,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<Change, QueueError> {
        let t = self.active.get(&id).ok_or(QueueError::UnknownTicket(id))?;
        if t.state != TicketState::Waiting {
            return Err(QueueError::NotWaiting(id));
        }
        let at = actor.desk.and_then(|d| self.desks.get(&d));
        let mut overrides = Vec::new();
        if line_access(at, actor.supervisor, t)? == LineAccess::SupervisorOverride {
            overrides.push(Override {
                ticket: id,
                staff: actor.staff,
                desk: actor.desk,
                action: "raise_priority",
                rule: OverrideRule::Line,
            });
        }
        // The derived order is the calling order: a higher class sorts first.
        if to >= t.priority {
            return Err(QueueError::PriorityNotRaised(id));
        }
        let next = Ticket {
            priority: to,
            ..t.clone()
        };
        let mut entry = history(&next, "raise_priority", actor.staff, now, None);
        entry.desk = actor.desk;
        Ok(Change {
            events: vec![self.event(EventKind::Reclassed, &next)],
            history: vec![entry],
            updated: vec![next],
            overrides,
            ..Change::default()
        })
    }

    /// Day rollover: waiting and called tickets of a past service day become `expired`.
    /// Serving tickets are left for their desk to finish.
    pub fn plan_rollover(&self, now: DateTime<Utc>) -> Option<Change> {
        let today = service_day(now);
        if self.open_days.keys().next().is_none_or(|day| *day >= today) {
            return None;
        }
        let mut stale: Vec<&Ticket> = self
            .active
            .values()
            .filter(|t| {
                t.service_day < today
                    && matches!(t.state, TicketState::Waiting | TicketState::Called)
            })
            .collect();
        if stale.is_empty() {
            return None;
        }
        stale.sort_by_key(|t| t.id);
        let mut change = Change::default();
        for t in stale {
            let expired = Ticket {
                state: TicketState::Expired,
                ..t.clone()
            };
            change
                .history
                .push(history(&expired, "expire", None, now, None));
            change.events.push(self.event(EventKind::Expired, &expired));
            change.updated.push(expired);
        }
        Some(change)
    }

    /// Makes a persisted change true in memory.
    pub fn apply(&mut self, change: &Change) {
        for t in &change.issued {
            let n = self
                .counters
                .entry((t.service.clone(), t.service_day))
                .or_insert(0);
            *n = (*n).max(t.number);
            self.next_id = self.next_id.max(t.id + 1);
            self.put(t.clone());
        }
        for t in &change.updated {
            if t.state.is_active() {
                self.put(t.clone());
            } else {
                self.take(t.id);
            }
        }
        for d in &change.desks {
            self.desks.insert(d.id, d.clone());
        }
    }

    // ----- figures for visitors and staff -----

    /// Waiting tickets that will be called before this one: those in the same line with an earlier
    /// place (class, then place time), remote places not checked in included (they hold their
    /// places). Approximate where desks serve several lines.
    pub fn people_ahead(&self, id: TicketId) -> Option<u32> {
        let t = self.active.get(&id)?;
        Some(if t.state == TicketState::Waiting {
            self.people_ahead_of(t)
        } else {
            0
        })
    }

    /// `people_ahead` for a ticket that may not be in the queue yet (one being issued).
    pub fn people_ahead_of(&self, t: &Ticket) -> u32 {
        let ahead = self.lines.ahead_of(t) + self.awaiting.ahead_of(t);
        u32::try_from(ahead).unwrap_or(u32::MAX)
    }

    /// Minutes until `people_ahead` visitors of `service` are served by the desks open for it.
    pub fn estimated_wait_minutes(&self, service: &str, people_ahead: u32) -> u32 {
        let avg = self
            .services
            .get(service)
            .map_or(10, |s| s.average_service_minutes);
        let open = self
            .desks
            .values()
            .filter(|d| d.is_open() && d.services.iter().any(|s| s == service))
            .count();
        let open = u32::try_from(open.max(1)).unwrap_or(1);
        (people_ahead.saturating_mul(avg)).div_ceil(open)
    }

    /// The tickets waiting in service lines in the room now (not those sent to one desk, nor
    /// remote places whose visitors are not here yet).
    fn waiting_in_lines(&self) -> impl Iterator<Item = &Ticket> {
        self.active.values().filter(|t| {
            t.state == TicketState::Waiting && t.route == Route::Service && !t.awaiting_arrival
        })
    }

    /// The tickets waiting in the line of service `code` now.
    pub fn waiting_in_line<'q>(&'q self, code: &'q str) -> impl Iterator<Item = &'q Ticket> + 'q {
        self.waiting_in_lines()
            .filter(move |t| t.line.as_str() == code)
    }

    /// Places joined from the phone in the line of service `code` whose visitors are not here yet.
    pub fn awaiting_in_line(&self, code: &str) -> u32 {
        let n = self
            .active
            .values()
            .filter(|t| {
                t.state == TicketState::Waiting
                    && t.awaiting_arrival
                    && t.route == Route::Service
                    && t.line.as_str() == code
            })
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// The ticket waiting longest in the room in the line of service `code` (`in_room_since`,
    /// then lowest id).
    pub fn oldest_waiting_in_line<'q>(&'q self, code: &'q str) -> Option<&'q Ticket> {
        self.waiting_in_line(code)
            .min_by_key(|t| (t.in_room_since(), t.id))
    }

    /// Waiting count and the longest wait (minutes) per service line (where tickets wait now).
    pub fn waiting_by_service(&self, now: DateTime<Utc>) -> BTreeMap<String, (u32, i64, u32)> {
        let mut out: BTreeMap<String, (u32, i64, u32)> = self
            .services
            .keys()
            .map(|k| (k.to_string(), (0, 0, 0)))
            .collect();
        for t in self.waiting_in_lines() {
            let e = out.entry(t.line.to_string()).or_default();
            e.0 += 1;
            e.1 = e.1.max(t.waited_minutes(now));
            if t.priority == Priority::Urgent {
                e.2 += 1;
            }
        }
        out
    }
}

fn history(
    t: &Ticket,
    action: &'static str,
    staff: Option<StaffId>,
    at: DateTime<Utc>,
    detail: Option<String>,
) -> HistoryEntry {
    HistoryEntry {
        ticket: t.id,
        action,
        desk: t.desk,
        staff,
        at,
        detail,
        outcome: None,
    }
}

/// A desk as administration defines it (who sits there, breaks and streaks are the queue's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeskPlan {
    pub id: DeskId,
    pub kind: DeskKind,
    pub services: Vec<String>,
}

/// Why a new set of services and desks cannot replace the running one now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReconfigureRefusal {
    /// Removing a service, or changing its prefix (today's labels), while tickets of it are
    /// waiting, called or being served.
    ServiceInUse(String),
    /// Removing a desk, or changing its kind, while someone is signed in at it or a visitor is
    /// called to it or waits for it.
    DeskInUse(DeskId),
}

impl Queue {
    /// Whether `services` and `desks` may replace the running ones without breaking running work.
    pub fn check_reconfigure(
        &self,
        services: &[Service],
        desks: &[DeskPlan],
    ) -> Result<(), ReconfigureRefusal> {
        let in_use = |code: &str| {
            self.active_tickets()
                .any(|t| &*t.service == code || &*t.line == code)
        };
        for old in self.services.values() {
            let kept = services.iter().find(|s| s.code == old.code);
            let breaks = match kept {
                None => true,
                Some(new) => new.prefix != old.prefix,
            };
            if breaks && in_use(&old.code) {
                return Err(ReconfigureRefusal::ServiceInUse(old.code.to_string()));
            }
        }
        for old in self.desks.values() {
            let kept = desks.iter().find(|d| d.id == old.id);
            let busy = old.on_duty.is_some()
                || self
                    .active_tickets()
                    .any(|t| t.desk == Some(old.id) || t.route == Route::Desk(old.id));
            let breaks = match kept {
                None => true,
                Some(new) => new.kind != old.kind,
            };
            if breaks && busy {
                return Err(ReconfigureRefusal::DeskInUse(old.id));
            }
        }
        Ok(())
    }

    /// Puts `services` and `desks` in force (checked by `check_reconfigure`); a kept desk keeps
    /// who is there, the break and the streak.
    pub fn reconfigure(&mut self, services: Vec<Service>, desks: Vec<DeskPlan>) {
        let services: BTreeMap<ServiceCode, Service> = services
            .into_iter()
            .map(|mut s| {
                // Tickets share the code with their service: keep the one they hold.
                if let Some(old) = self.services.get(&*s.code) {
                    s.code = old.code.clone();
                }
                (s.code.clone(), s)
            })
            .collect();
        self.services = services;
        let mut old = std::mem::take(&mut self.desks);
        for plan in desks {
            let codes = plan.services.iter().map(|c| self.shared_code(c)).collect();
            let desk = match old.remove(&plan.id) {
                Some(mut d) => {
                    d.kind = plan.kind;
                    d.services = codes;
                    d
                }
                None => Desk {
                    id: plan.id,
                    kind: plan.kind,
                    services: codes,
                    on_duty: None,
                    paused: false,
                    priority_streak: 0,
                    since: None,
                },
            };
            self.desks.insert(desk.id, desk);
        }
    }
}
