//! What a command can fail with: a queue rule (`QueueError`), a rule of a command outside the
//! queue (`Refusal`), or the engine and storage (`EngineError`). No statuses here: `http::error`
//! gives each its status, code and message.

use chrono::{DateTime, Utc};

use crate::domain::QueueError;
use crate::input::FieldError;
use crate::store::StorageFault;
use crate::store::StoreError;
use crate::store::engine::{EngineError, JobError};

/// A rule outside the queue said no. Each variant is one specific reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The kiosk sent another request under an `Idempotency-Key` it already used.
    IdempotencyKeyReused,
    /// A print report for a ticket this kiosk did not issue.
    NotFromThisKiosk,
    /// The staff member's role cannot work at this kind of desk.
    WrongDeskKind,
    /// Acting on a ticket needs a desk (only supervisors act from none).
    NotSignedIn,
    /// A visitor's details, outside the time they are called to the viewer's desk.
    NotCalledToYourDesk,
    /// A checklist tick, outside the time the visitor is at the viewer's desk.
    NotServedAtYourDesk,
    /// A checklist tick before the visitor arrived at the desk.
    NotArrived,
    /// No open alert with this id.
    AlertNotFound,
    /// No ticket with this id (visitors' rights).
    NoSuchTicket,
    /// The visit has no intake to correct.
    NoIntake,
    /// A legal hold keeps the record from being destroyed.
    LegalHold,
    /// No such rights request, or the step is recorded already.
    RequestStepDone,
    /// No visit of today has this label (or token) to rate.
    VisitNotFound,
    /// The visit was rated already.
    AlreadyRated,
    /// A visit is rated once it is finished.
    VisitNotFinished,
    /// Details for a visitor who gave none at the kiosk, before the desk recorded their consent.
    ConsentRequired,
    /// "Documents checked" while a required document is not recorded valid (policy 6.2).
    DocumentsIncomplete,
    /// "Support request registered" before the checklist is complete (policy 6.6).
    RegistrationIncomplete,
    /// No registered request has this reference.
    UnknownRequest,
    /// "Applicant informed" before the committee decided anything.
    NoDecisionYet,
    /// Staff ticking "data confirmed": only the applicant confirms (policy 6.4).
    ApplicantMustConfirm,
    /// The visit's data changed after it was shown (or printed) for confirmation.
    ConfirmationOutdated,
    /// An applicant tablet answering while its desk asks nothing (or asked about another visit).
    NoConfirmationRequest,
    /// A signature with no ink.
    SignatureEmpty,
    /// A signature off its pad or beyond the bounds.
    SignatureMalformed,
    /// No reference document has this id.
    UnknownReferenceDocument,
    /// No contact request with this id, or one about a visit the asker served.
    ContactRequestNotFound,
    /// The contact request is marked handled already.
    ContactRequestHandled,
    /// Another supervisor took the contact request.
    ContactRequestTaken,
    /// A new ticket outside the opening hours or after the evening cut-off; tickets are issued
    /// again from `opens_at` (`None`: no opening configured).
    BranchClosed { opens_at: Option<DateTime<Utc>> },
    /// No staff account has this id.
    UnknownStaff,
    /// A new account under a username another account has.
    UsernameTaken,
    /// A change of role, gender or access while the person is signed in at a desk.
    StaffAtDesk,
    /// The change would leave the branch with no active admin.
    LastAdmin,
    /// A password code for a disabled account.
    StaffDisabled,
    /// A one-time code that is wrong, used or expired (never told apart).
    InvalidCode,
    /// Changing one's password with a wrong current password.
    WrongPassword,
    /// No device has this id.
    UnknownDevice,
    /// The device is revoked already.
    DeviceRevoked,
    /// Removing a service (or changing its prefix) while tickets are in its line.
    ServiceInUse,
    /// Removing a service a desk still serves.
    ServiceOnDesk,
    /// Removing a desk (or changing its kind) while someone works at it or a visitor is called to it.
    DeskInUse,
    /// No service has this code.
    UnknownService,
    /// No desk has this number.
    UnknownDesk,
    /// No webhook endpoint has this id.
    UnknownWebhook,
    /// The webhook endpoint is deactivated already.
    WebhookInactive,
    /// No dead webhook delivery has this id (never was, or replayed already).
    UnknownDeadDelivery,
    /// A join form without a well-formed key (old, or not from the page).
    JoinFormExpired,
    /// The service is not offered for joining from the phone.
    NotForRemoteJoining,
    /// A daily limit of remote joins (`commands::remote::RemoteLimit`).
    RemoteLimit(crate::commands::remote::RemoteLimit),
    /// No remote place or booking of today has this code.
    CheckInCodeUnknown,
    /// The booking was checked in already, or cancelled.
    BookingUsed,
    /// Slots only on a day from today to two weeks ahead, at times the branch issues tickets.
    SlotsNotOpen,
    /// A slot with bookings is not removed.
    SlotInUse,
    /// No appointment slot has this id.
    UnknownSlot,
    /// No booking of that day has this code.
    UnknownBooking,
    /// The visitor checked in already: their ticket is in the line (cancel the ticket instead).
    BookingArrived,
    /// The slot cannot be booked (`domain::appointments::BookingRefusal`).
    Booking(crate::domain::appointments::BookingRefusal),
}

/// Every way a command fails.
#[derive(Debug)]
pub enum CommandError {
    Refused(Refusal),
    Engine(EngineError),
}

impl From<Refusal> for CommandError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

impl From<EngineError> for CommandError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

impl From<QueueError> for CommandError {
    fn from(e: QueueError) -> Self {
        Self::Engine(e.into())
    }
}

impl From<StoreError> for CommandError {
    fn from(e: StoreError) -> Self {
        Self::Engine(e.into())
    }
}

impl From<FieldError> for CommandError {
    fn from(e: FieldError) -> Self {
        Self::Engine(EngineError::Field(e))
    }
}

impl JobError for CommandError {
    fn storage_fault(&self) -> Option<StorageFault> {
        match self {
            Self::Engine(e) => e.storage_fault(),
            Self::Refused(_) => None,
        }
    }
}
