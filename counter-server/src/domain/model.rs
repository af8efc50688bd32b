//! The nouns of the queue: services, desks, staff, tickets. Plain data, no I/O.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::arrival::ArrivalPolicy;

pub type TicketId = i64;
pub type DeskId = u32;
pub type StaffId = i64;

/// Priority class. The derived order is the calling order: `Urgent` first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// A safety concern ("I do not feel safe right now"): always called first.
    Urgent,
    /// Elderly, disability, pregnancy.
    Priority,
    Normal,
}

/// The calling class of a callable place: its `Priority`, with appointments holding their slot
/// between priority and normal (`domain::arrival`). The derived order is the calling order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rank {
    Urgent,
    Priority,
    Appointment,
    Normal,
}

impl Rank {
    pub const ALL: [Rank; 4] = [
        Self::Urgent,
        Self::Priority,
        Self::Appointment,
        Self::Normal,
    ];

    /// Whether calling it adds to a desk's streak of non-normal calls (`routing` rule 4), so that
    /// neither priority tickets nor a heavy appointment day starve the normal walk-ins.
    pub fn counts_toward_streak(self) -> bool {
        self != Self::Normal
    }
}

/// How a place in line came to be; every channel counts in the metrics (policy 3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Issued at the kiosk in the waiting room.
    Kiosk,
    /// Issued by staff at reception.
    Reception,
    /// Joined from the visitor's phone (`/join`), checked in on arrival.
    Remote,
    /// A booked appointment, placed in line when the visitor checks in.
    Appointment,
}

impl Channel {
    pub const ALL: [Channel; 4] = [
        Self::Kiosk,
        Self::Reception,
        Self::Remote,
        Self::Appointment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Reception => "reception",
            Self::Remote => "remote",
            Self::Appointment => "appointment",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Its name on the metrics pages, Arabic and English.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Self::Kiosk => ("حضوري عند الجهاز", "Walk-in, kiosk"),
            Self::Reception => ("حضوري عند الاستقبال", "Walk-in, reception"),
            Self::Remote => ("من الهاتف", "Joined by phone"),
            Self::Appointment => ("بموعد", "Appointment"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Female,
    Male,
}

/// What a desk does; referrals (policy 6.3) go to `SocialResearch` desks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeskKind {
    BeneficiaryRelations,
    SocialResearch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Reception,
    Researcher,
    Supervisor,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TicketState {
    Waiting,
    Called,
    Serving,
    Done,
    NoShow,
    Cancelled,
    Expired,
}

impl TicketState {
    /// Active tickets are the ones the queue still holds in memory.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Waiting | Self::Called | Self::Serving)
    }
}

/// Which line a waiting ticket stands in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// The line of its service, served by any desk that serves the service.
    Service,
    /// Referred to the social researchers (policy 6.3); any research desk calls it.
    Research,
    /// Transferred to one named desk; only that desk calls it.
    Desk(DeskId),
}

/// How a visit ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    InformationGiven,
    SupportRequestRegistered,
    ReferredElsewhere,
    Other,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InformationGiven => "information_given",
            Self::SupportRequestRegistered => "support_request_registered",
            Self::ReferredElsewhere => "referred_elsewhere",
            Self::Other => "other",
        }
    }
}

/// A service's code (`new_request`). Every ticket names two (its issuing service and its line);
/// the queue hands them out shared with its `Service` (`Queue::shared_code`), so a big day holds one
/// copy per service instead of two heap strings per ticket (and a line lookup clones no string).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceCode(Arc<str>);

impl ServiceCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for ServiceCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ServiceCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ServiceCode {
    fn from(code: &str) -> Self {
        Self(code.into())
    }
}

impl From<String> for ServiceCode {
    fn from(code: String) -> Self {
        Self(code.into())
    }
}

impl From<ServiceCode> for String {
    fn from(code: ServiceCode) -> Self {
        code.0.to_string()
    }
}

impl PartialEq<str> for ServiceCode {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for ServiceCode {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for ServiceCode {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl serde::Serialize for ServiceCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A service as the queue sees it. Public names live in the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub code: ServiceCode,
    /// A neutral letter, never a word that reveals why someone came.
    pub prefix: String,
    pub average_service_minutes: u32,
    /// The longest wait it aims for (`config::ServiceConfig::target_wait_minutes`).
    pub target_wait_minutes: u32,
}

/// Who is working at a desk right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OnDuty {
    pub staff: StaffId,
    pub gender: Gender,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Desk {
    pub id: DeskId,
    pub kind: DeskKind,
    pub services: Vec<ServiceCode>,
    pub on_duty: Option<OnDuty>,
    pub paused: bool,
    /// Non-normal tickets this desk called in a row (anti-starvation rule).
    pub priority_streak: u32,
    /// When the staff member signed in, or went on or came back from a break (the board's "since";
    /// stored with the desk, so it outlives a restart).
    pub since: Option<DateTime<Utc>>,
}

impl Desk {
    /// The desk is staffed and taking visitors.
    pub fn is_open(&self) -> bool {
        self.on_duty.is_some() && !self.paused
    }

    /// Whether a waiting ticket stands in a line this desk calls from. This is also who may touch a
    /// waiting ticket at all (`routing::line_access`).
    pub fn can_serve(&self, ticket: &Ticket) -> bool {
        match ticket.route {
            Route::Service => self.services.contains(&ticket.line),
            Route::Research => self.kind == DeskKind::SocialResearch,
            Route::Desk(id) => id == self.id,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    pub id: TicketId,
    /// The service that issued the ticket: with `number`, its label for life (`B-001` stays `B-001`).
    pub service: ServiceCode,
    /// The service line it waits in now; a transfer to another service changes only this.
    pub line: ServiceCode,
    pub service_day: NaiveDate,
    pub number: u32,
    pub priority: Priority,
    pub gender_preference: Option<Gender>,
    pub state: TicketState,
    pub route: Route,
    /// The desk it is called to or served at.
    pub desk: Option<DeskId>,
    /// When the ticket was issued (or the place joined from the phone): the start of the wait the
    /// metrics count.
    pub issued_at: DateTime<Utc>,
    pub called_at: Option<DateTime<Utc>>,
    pub recalls: u32,
    pub channel: Channel,
    /// Its place in line, kept through referral, transfer and return: the issue time for a walk-in,
    /// the join time for a remote place (later once it moved back), the slot for an appointment
    /// (`domain::arrival`). Callable from then, never before.
    pub place_at: DateTime<Utc>,
    /// An appointment that kept its slot: it ranks as `Rank::Appointment`.
    pub slot: Option<DateTime<Utc>>,
    /// A remote place whose visitor has not checked in yet: it holds its place but is not callable.
    pub awaiting_arrival: bool,
    /// Times a remote place moved back because its turn came before its visitor did.
    pub moved_back: u32,
    /// When a remote place's visitor checked in (their wait in the room starts then).
    pub checked_in_at: Option<DateTime<Utc>>,
}

impl Ticket {
    /// Minutes since its place in line came (`place_at`), never negative: what the routing rules
    /// weigh (the gender fallback, a long-waiting normal ticket).
    pub fn waited_minutes(&self, now: DateTime<Utc>) -> i64 {
        (now - self.place_at).num_minutes().max(0)
    }

    /// When the visitor's wait in the room began: the check-in of a remote place, else the issue.
    /// What the board's colours and the roll-up's wait measure.
    pub fn in_room_since(&self) -> DateTime<Utc> {
        self.checked_in_at.unwrap_or(self.issued_at)
    }

    /// Its calling class: its priority, or `Appointment` for a normal need holding a slot.
    pub fn rank(&self) -> Rank {
        match (self.priority, self.slot) {
            (Priority::Urgent, _) => Rank::Urgent,
            (Priority::Priority, _) => Rank::Priority,
            (Priority::Normal, Some(_)) => Rank::Appointment,
            (Priority::Normal, None) => Rank::Normal,
        }
    }

    /// Calling order within the same eligibility: class, then place in line, then id.
    pub fn order_key(&self) -> (Rank, DateTime<Utc>, TicketId) {
        (self.rank(), self.place_at, self.id)
    }
}

/// Who acts on a ticket: the desk they are signed in at (if any), and whether they are a supervisor
/// (who may act on any line; the store audits every such override).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub desk: Option<DeskId>,
    pub staff: Option<StaffId>,
    pub supervisor: bool,
}

/// Tuning of the routing rules, from the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuePolicy {
    /// After this many non-normal calls in a row at one desk, a long-waiting normal ticket goes next.
    pub max_priority_streak: u32,
    /// "Long-waiting" for the rule above.
    pub normal_max_wait_minutes: i64,
    /// After this long a same-gender request falls back to any desk.
    pub gender_fallback_minutes: i64,
    /// Remote places and appointments (`domain::arrival`).
    pub arrival: ArrivalPolicy,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        Self {
            max_priority_streak: 3,
            normal_max_wait_minutes: 20,
            gender_fallback_minutes: 15,
            arrival: ArrivalPolicy::default(),
        }
    }
}
