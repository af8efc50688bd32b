//! Who is calling, and what each kind of caller may do. Deny by default: a route names the
//! permission it needs and `allows` is the only table that grants it.

pub mod cache;
pub mod password;
pub mod seen;
pub mod tokens;

use crate::domain::{DeskKind, Gender, Role, StaffId};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceScope {
    Kiosk,
    Display,
    Rating,
    /// Another system following the queue: the staff event stream, nothing else.
    Integration,
    /// The tablet facing the applicant at one desk (policy 6.4): its own pages under
    /// `/applicant`, no API permission.
    Applicant,
}

impl DeviceScope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Kiosk => "kiosk",
            Self::Display => "display",
            Self::Rating => "rating",
            Self::Integration => "integration",
            Self::Applicant => "applicant",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "kiosk" => Some(Self::Kiosk),
            "display" => Some(Self::Display),
            "rating" => Some(Self::Rating),
            "integration" => Some(Self::Integration),
            "applicant" => Some(Self::Applicant),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    Device {
        id: i64,
        scope: DeviceScope,
    },
    Staff {
        id: StaffId,
        role: Role,
        gender: Gender,
        session: [u8; 32],
    },
}

/// Everything a route can require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Issue tickets, read the services and the consent notice, report printing.
    Kiosk,
    /// The public event stream (labels and desks only).
    WatchDisplay,
    /// The queue, services.
    ReadQueue,
    /// The staff event stream: labels, states, desks; no personal data.
    WatchQueue,
    /// Sign in at a desk and call, serve, refer, transfer visitors, raise a waiting one's class.
    WorkDesk,
    /// Act on any ticket without a desk, see and acknowledge alerts.
    Supervise,
    /// Rate a finished visit at the counter and list the visits that may be rated.
    Rate,
    /// Every metric, the comments and the CSV export, and the supervisor's live board.
    ReadMetrics,
    /// The research committee's open requests and their decisions (policy 6.5).
    FollowRequests,
    /// One's own aggregate rating (and only with enough ratings).
    OwnMetrics,
    /// The branch's reference documents (policy section 5): every staff role, no device.
    ReadReference,
    /// Issue a ticket from the console when the kiosk is down or a visitor phones in: reception
    /// and supervisors (the front of the house); not researchers or admins.
    IssueAtReception,
    /// Administration: staff accounts, devices (admins only; a supervisor runs the floor, an
    /// admin sets up the branch).
    Administer,
    /// Stop and resume new tickets for a service (the floor's call at a busy hour): supervisors
    /// and admins.
    OfferServices,
}

pub const ALL_PERMISSIONS: [Permission; 14] = [
    Permission::Kiosk,
    Permission::WatchDisplay,
    Permission::ReadQueue,
    Permission::WatchQueue,
    Permission::WorkDesk,
    Permission::Supervise,
    Permission::Rate,
    Permission::ReadMetrics,
    Permission::OwnMetrics,
    Permission::FollowRequests,
    Permission::ReadReference,
    Permission::IssueAtReception,
    Permission::Administer,
    Permission::OfferServices,
];

/// The permission table.
pub fn allows(p: &Principal, perm: Permission) -> bool {
    use Permission as P;
    match p {
        Principal::Device { scope, .. } => matches!(
            (scope, perm),
            (DeviceScope::Kiosk, P::Kiosk)
                | (DeviceScope::Display, P::WatchDisplay)
                | (DeviceScope::Rating, P::Rate)
                | (DeviceScope::Integration, P::WatchQueue)
        ),
        Principal::Staff { role, .. } => match perm {
            P::Kiosk | P::WatchDisplay | P::Rate => false,
            P::ReadMetrics => matches!(role, Role::Supervisor | Role::Admin),
            P::FollowRequests => matches!(role, Role::Researcher | Role::Supervisor),
            P::OwnMetrics | P::ReadReference => true,
            P::ReadQueue | P::WatchQueue => true,
            P::WorkDesk => matches!(role, Role::Reception | Role::Researcher | Role::Supervisor),
            P::Supervise => *role == Role::Supervisor,
            P::IssueAtReception => matches!(role, Role::Reception | Role::Supervisor),
            P::Administer => *role == Role::Admin,
            P::OfferServices => matches!(role, Role::Supervisor | Role::Admin),
        },
    }
}

/// Which desks a role may sign in at: reception at beneficiary-relations desks, researchers at
/// social-research desks, supervisors at either.
pub fn may_staff_desk(role: Role, kind: DeskKind) -> bool {
    match role {
        Role::Reception => kind == DeskKind::BeneficiaryRelations,
        Role::Researcher => kind == DeskKind::SocialResearch,
        Role::Supervisor => true,
        Role::Admin => false,
    }
}
