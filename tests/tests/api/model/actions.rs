//! What the test may do, and how proptest generates it. Actions name tickets and desks indirectly
//! (`TicketRef`, `DeskRef`) so that a shrunk sequence stays meaningful; the reference model
//! resolves them into concrete steps (`spec::Step`) before both sides run them.

use std::fmt;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};

use super::branch::{DESKS, Gender, NO_SUCH_DESK, SERVICES, SLOTS, STAFF};

/// Which ticket an action is about.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TicketRef {
    /// The one called to or served at the actor's desk.
    AtMyDesk,
    /// The k-th waiting ticket in calling order (modulo how many wait).
    Waiting(usize),
    /// The k-th ticket issued in this run (modulo how many), in any state.
    Any(usize),
}

/// Who acts: resolved against the model so that most actions come from someone who can.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// The k-th staff member (modulo) whose desk has a visitor called or served.
    Busy(usize),
    /// The k-th staff member (modulo) signed in at a desk.
    OnDuty(usize),
    /// Anyone: index into `STAFF`.
    Anyone(usize),
}

/// Which desk a desk action is about.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DeskRef {
    /// Where the actor is signed in, else their usual desk.
    Mine,
    Id(u32),
}

/// Which appointment slot a booking asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SlotRef {
    /// The k-th slot (modulo) that has not started yet, else the k-th of all.
    Upcoming(usize),
    /// The k-th slot of `SLOTS` (modulo), passed or not.
    Any(usize),
}

/// What a desk does to one ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Recall,
    Start,
    Finish,
    NoShow,
    Return,
    Refer,
    Cancel,
    ToService(&'static str),
    ToDesk(u32),
}

#[derive(Clone, PartialEq, Eq)]
pub enum Action {
    Issue {
        service: &'static str,
        priority: bool,
        same_gender: Option<Gender>,
        feels_unsafe: bool,
    },
    SignIn(Actor, DeskRef),
    SignOut(Actor, DeskRef),
    Pause(Actor, DeskRef),
    Resume(Actor, DeskRef),
    CallNext(Actor, DeskRef),
    Call {
        who: Actor,
        desk: DeskRef,
        ticket: TicketRef,
        override_gender: bool,
    },
    Act(Actor, TicketRef, Op),
    /// The day moves on at the actor's desk: call-next, then start, then finish.
    Progress(Actor),
    /// The kiosk sends its last request again with the same Idempotency-Key (a lost reply).
    RetryIssue,
    /// A visitor joins a line from the phone (`/join`), from their own address and device.
    JoinRemote(&'static str),
    /// The visitor of the k-th place joined by phone (modulo) types its code at the kiosk, or
    /// (every other place) opens the entrance QR's link on the phone and says "I'm here": on
    /// time, after being moved back (late), or after it lapsed.
    CheckIn(usize),
    /// Reception books a caller on the phone into a slot (`POST /api/v1/appointments`).
    Book(SlotRef),
    /// The visitor of the k-th booking (modulo) not checked in nor cancelled (else of any) arrives at its slot + `offset` minutes (the clock
    /// moves on to then if that is later than now) and types its code at the kiosk: early, on
    /// time, within the grace or late.
    ArriveBooking(usize, i64),
    /// Reception cancels the k-th booking (modulo) for a caller on the phone.
    CancelBooking(usize),
    /// The injected clock moves on this many minutes.
    Wait(i64),
    /// The clock moves to just after the next Riyadh midnight.
    Rollover,
    /// Graceful stop and start on the same database file.
    Restart,
}

impl fmt::Debug for TicketRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AtMyDesk => write!(f, "the ticket at my desk"),
            Self::Waiting(k) => write!(f, "waiting#{k}"),
            Self::Any(k) => write!(f, "ticket#{k}"),
        }
    }
}

impl fmt::Debug for SlotRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Upcoming(k) => write!(f, "upcoming slot#{k}"),
            Self::Any(k) => write!(f, "slot#{k}"),
        }
    }
}

impl fmt::Debug for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Busy(k) => write!(f, "busy#{k}"),
            Self::OnDuty(k) => write!(f, "on-duty#{k}"),
            Self::Anyone(w) => write!(f, "{}", STAFF[w % STAFF.len()].name),
        }
    }
}

impl fmt::Debug for DeskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mine => write!(f, "my desk"),
            Self::Id(d) => write!(f, "desk {d}"),
        }
    }
}

impl fmt::Debug for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = |w: &Actor| format!("{w:?}");
        match self {
            Self::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            } => {
                write!(f, "issue {service}")?;
                if *priority {
                    write!(f, " priority")?;
                }
                if let Some(g) = same_gender {
                    write!(f, " same-gender={g:?}")?;
                }
                if *feels_unsafe {
                    write!(f, " unsafe")?;
                }
                Ok(())
            }
            Self::SignIn(w, d) => write!(f, "{} signs in at {d:?}", name(w)),
            Self::SignOut(w, d) => write!(f, "{} signs out of {d:?}", name(w)),
            Self::Pause(w, d) => write!(f, "{} pauses {d:?}", name(w)),
            Self::Resume(w, d) => write!(f, "{} resumes {d:?}", name(w)),
            Self::CallNext(w, d) => write!(f, "{} call-next at {d:?}", name(w)),
            Self::Call {
                who,
                desk,
                ticket,
                override_gender,
            } => {
                write!(f, "{} calls {ticket:?} to {desk:?}", name(who))?;
                if *override_gender {
                    write!(f, " overriding gender")?;
                }
                Ok(())
            }
            Self::Act(w, t, op) => write!(f, "{} {op:?} {t:?}", name(w)),
            Self::Progress(w) => write!(f, "{} moves their visitor on", name(w)),
            Self::RetryIssue => write!(f, "the kiosk retries its last issue"),
            Self::JoinRemote(s) => write!(f, "join {s} from the phone"),
            Self::CheckIn(k) => write!(f, "phone place#{k} checks in"),
            Self::Book(s) => write!(f, "book {s:?}"),
            Self::ArriveBooking(k, o) => write!(f, "booking#{k} arrives at slot{o:+} min"),
            Self::CancelBooking(k) => write!(f, "cancel booking#{k}"),
            Self::Wait(m) => write!(f, "wait {m} min"),
            Self::Rollover => write!(f, "day rollover"),
            Self::Restart => write!(f, "server restart"),
        }
    }
}

fn anyone() -> impl Strategy<Value = Actor> {
    (0..STAFF.len()).prop_map(Actor::Anyone)
}

/// Someone at a desk, mostly.
fn who() -> impl Strategy<Value = Actor> {
    prop_oneof![
        4 => (0..6usize).prop_map(Actor::OnDuty),
        1 => anyone(),
    ]
}

/// Someone with a visitor at the desk, mostly.
fn busy() -> impl Strategy<Value = Actor> {
    prop_oneof![
        6 => (0..6usize).prop_map(Actor::Busy),
        2 => (0..6usize).prop_map(Actor::OnDuty),
        1 => anyone(),
    ]
}

fn desk_ref() -> impl Strategy<Value = DeskRef> {
    prop_oneof![
        8 => Just(DeskRef::Mine),
        1 => (1..=NO_SUCH_DESK).prop_map(DeskRef::Id),
    ]
}

fn ticket_ref() -> impl Strategy<Value = TicketRef> {
    prop_oneof![
        5 => Just(TicketRef::AtMyDesk),
        3 => (0..8usize).prop_map(TicketRef::Waiting),
        2 => (0..64usize).prop_map(TicketRef::Any),
    ]
}

fn service() -> impl Strategy<Value = &'static str> {
    select(SERVICES.iter().map(|(c, _)| *c).collect::<Vec<_>>())
}

fn gender() -> impl Strategy<Value = Option<Gender>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(Gender::Female)),
        1 => Just(Some(Gender::Male)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Recall),
        8 => Just(Op::Start),
        6 => Just(Op::Finish),
        3 => Just(Op::NoShow),
        2 => Just(Op::Return),
        3 => Just(Op::Refer),
        2 => Just(Op::Cancel),
        3 => service().prop_map(Op::ToService),
        2 => (1..=NO_SUCH_DESK).prop_map(Op::ToDesk),
    ]
}

fn slot_ref() -> impl Strategy<Value = SlotRef> {
    prop_oneof![
        4 => (0..4usize).prop_map(SlotRef::Upcoming),
        1 => (0..SLOTS.len()).prop_map(SlotRef::Any),
    ]
}

/// Minutes from the slot an appointment's visitor arrives: early, on time, within the grace
/// (10), at its end, late.
fn arrival_offset() -> impl Strategy<Value = i64> {
    select(vec![-25i64, -10, -3, 0, 5, 9, 10, 15, 40])
}

/// One action, weighted towards what moves visitors along.
pub fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        16 => (service(), any::<bool>(), gender(), prop::bool::weighted(0.15)).prop_map(
            |(service, priority, same_gender, feels_unsafe)| Action::Issue {
                service,
                priority,
                same_gender,
                feels_unsafe,
            }
        ),
        4 => (anyone(), desk_ref()).prop_map(|(w, d)| Action::SignIn(w, d)),
        2 => (who(), desk_ref()).prop_map(|(w, d)| Action::SignOut(w, d)),
        2 => (who(), desk_ref()).prop_map(|(w, d)| Action::Pause(w, d)),
        2 => (who(), desk_ref()).prop_map(|(w, d)| Action::Resume(w, d)),
        14 => (who(), desk_ref()).prop_map(|(w, d)| Action::CallNext(w, d)),
        6 => (who(), desk_ref(), ticket_ref(), prop::bool::weighted(0.1)).prop_map(
            |(who, desk, ticket, override_gender)| Action::Call {
                who,
                desk,
                ticket,
                override_gender,
            }
        ),
        20 => (busy(), ticket_ref(), op()).prop_map(|(w, t, o)| Action::Act(w, t, o)),
        12 => busy().prop_map(Action::Progress),
        2 => Just(Action::RetryIssue),
        8 => service().prop_map(Action::JoinRemote),
        3 => (0..8usize).prop_map(Action::CheckIn),
        4 => slot_ref().prop_map(Action::Book),
        8 => (0..8usize, arrival_offset()).prop_map(|(k, o)| Action::ArriveBooking(k, o)),
        1 => (0..8usize).prop_map(Action::CancelBooking),
        4 => select(vec![1i64, 5, 15, 20]).prop_map(Action::Wait),
        1 => Just(Action::Rollover),
        1 => Just(Action::Restart),
    ]
}

/// A run: some staff signed in at their usual desks and a few appointments booked (on the phone,
/// the days before) first, then up to `max_steps` in all.
pub fn run(max_steps: usize) -> impl Strategy<Value = Vec<Action>> {
    let openings: Vec<Action> = (0..STAFF.len())
        .map(|w| Action::SignIn(Actor::Anyone(w), DeskRef::Id(STAFF[w].home)))
        .collect();
    let body = max_steps.saturating_sub(openings.len()).max(1);
    debug_assert!(DESKS.iter().all(|d| d.id != NO_SUCH_DESK));
    (
        subsequence(openings, 0..=STAFF.len()),
        prop::collection::vec(slot_ref().prop_map(Action::Book), 0..=3),
        prop::collection::vec(action(), 1..=body),
    )
        .prop_map(move |(mut first, booked, rest)| {
            first.extend(booked);
            first.extend(rest);
            first.truncate(max_steps.max(1));
            first
        })
}
