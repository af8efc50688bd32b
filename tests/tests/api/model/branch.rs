//! The branch the model test runs: services, desks and staff, shared by the reference model (which
//! reads them as plain data) and the driver (which writes them into the server's configuration).

/// The demo branch's services: code and label prefix.
pub const SERVICES: [(&str, &str); 5] = [
    ("new_request", "A"),
    ("follow_up", "B"),
    ("inquiry", "C"),
    ("social_research", "D"),
    ("volunteering", "E"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Relations,
    Research,
}

pub struct DeskDef {
    pub id: u32,
    pub kind: Kind,
    pub services: &'static [&'static str],
}

/// Two full relations desks, one with fewer lines, two research desks, and one more relations desk.
pub const DESKS: [DeskDef; 6] = [
    DeskDef {
        id: 1,
        kind: Kind::Relations,
        services: &["new_request", "follow_up", "inquiry", "volunteering"],
    },
    DeskDef {
        id: 2,
        kind: Kind::Relations,
        services: &["new_request", "follow_up", "inquiry", "volunteering"],
    },
    DeskDef {
        id: 3,
        kind: Kind::Relations,
        services: &["follow_up", "inquiry"],
    },
    DeskDef {
        id: 4,
        kind: Kind::Research,
        services: &["social_research"],
    },
    DeskDef {
        id: 5,
        kind: Kind::Research,
        services: &["social_research"],
    },
    DeskDef {
        id: 6,
        kind: Kind::Relations,
        services: &["new_request", "volunteering"],
    },
];

/// A desk number no desk has: the server must answer `unknown_desk`.
pub const NO_SUCH_DESK: u32 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Reception,
    Researcher,
    Supervisor,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
}

pub struct StaffDef {
    pub name: &'static str,
    pub role: Role,
    pub gender: Gender,
    /// The desk this person usually signs in at.
    pub home: u32,
}

pub const STAFF: [StaffDef; 6] = [
    StaffDef {
        name: "amal",
        role: Role::Reception,
        gender: Gender::Female,
        home: 1,
    },
    StaffDef {
        name: "badr",
        role: Role::Reception,
        gender: Gender::Male,
        home: 2,
    },
    StaffDef {
        name: "huda",
        role: Role::Reception,
        gender: Gender::Female,
        home: 3,
    },
    StaffDef {
        name: "sara",
        role: Role::Researcher,
        gender: Gender::Female,
        home: 4,
    },
    StaffDef {
        name: "omar",
        role: Role::Researcher,
        gender: Gender::Male,
        home: 5,
    },
    StaffDef {
        name: "zaid",
        role: Role::Supervisor,
        gender: Gender::Male,
        home: 6,
    },
];

pub fn desk(id: u32) -> Option<&'static DeskDef> {
    DESKS.iter().find(|d| d.id == id)
}

pub fn prefix(service: &str) -> &'static str {
    SERVICES
        .iter()
        .find(|(c, _)| *c == service)
        .map(|(_, p)| *p)
        .expect("a service of the branch")
}

/// The services the demo opens for joining from the phone (`remote_joining`).
pub const REMOTE_SERVICES: [&str; 3] = ["new_request", "follow_up", "inquiry"];
/// Callable tickets a remote place not checked in moves back behind (`remote_move_back`).
pub const REMOTE_MOVE_BACK: usize = 3;

/// The routing tuning the server is configured with (the demo values).
pub const MAX_PRIORITY_STREAK: u32 = 3;
pub const NORMAL_MAX_WAIT_MINUTES: i64 = 20;
pub const GENDER_FALLBACK_MINUTES: i64 = 15;

/// Minutes after its slot an appointment may check in and keep it (`appointment_grace_minutes`).
pub const APPOINTMENT_GRACE_MINUTES: i64 = 10;
/// How far ahead a slot may be booked (two weeks).
pub const BOOKING_DAYS_AHEAD: i64 = 14;
/// Wrong check-in codes a kiosk may type (in ten minutes, longer than a run) before it is told
/// to ask at reception.
pub const CHECK_IN_MISSES_PER_KIOSK: u32 = 10;

/// An appointment slot set in administration before a run: on the `day`-th Riyadh day after the
/// start (20:00 Riyadh), at `at` (Riyadh `HH:MM`), with `capacity` places.
pub struct SlotDef {
    pub service: &'static str,
    pub day: i64,
    pub at: (i64, i64),
    pub capacity: u32,
}

const fn slot(service: &'static str, day: i64, at: (i64, i64), capacity: u32) -> SlotDef {
    SlotDef {
        service,
        day,
        at,
        capacity,
    }
}

/// Slots soon after the start, some after the first midnight (reached by a rollover or a long
/// wait), and one that is too far ahead until the day moves on. Small capacities, so that slots
/// fill up.
pub const SLOTS: [SlotDef; 10] = [
    slot("inquiry", 0, (20, 10), 1),
    slot("new_request", 0, (20, 20), 2),
    slot("social_research", 0, (20, 30), 1),
    slot("inquiry", 0, (20, 45), 2),
    slot("follow_up", 0, (21, 0), 1),
    slot("new_request", 0, (21, 30), 2),
    slot("inquiry", 1, (0, 15), 1),
    slot("new_request", 1, (0, 30), 2),
    slot("social_research", 1, (1, 0), 1),
    slot("follow_up", 14, (23, 30), 1),
];
