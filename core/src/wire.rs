//! The JSON of every request and reply the kiosk uses, as one set of serde structs: the server
//! serializes replies and deserializes requests with them, the kiosk the other way round.
//!
//! Requests are strict (`deny_unknown_fields`: a typo is refused, not ignored). Replies read
//! leniently where the kiosk must not fail on odd data: counts accept anything (a negative or
//! non-number count reads as 0, and no count is above `COUNT_MAX`), and absent fields take their
//! defaults. The kiosk clips the texts before they reach the screen.

use serde::{Deserialize, Deserializer, Serialize};

use crate::Bi;

/// Largest count a reply is read with (people ahead, minutes, waiting).
pub const COUNT_MAX: u32 = 9999;

/// Reads any JSON value as a count: whole non-negative numbers up to `COUNT_MAX`, else 0.
fn lenient_count<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Any {
        Count(u64),
        Other(serde::de::IgnoredAny),
    }
    Ok(match Any::deserialize(d)? {
        Any::Count(n) => n.min(u64::from(COUNT_MAX)) as u32,
        Any::Other(_) => 0,
    })
}

// --- `GET /api/v1/services` ---

/// One service the kiosk offers, with its public names and current queue.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub code: String,
    #[serde(default)]
    pub prefix: String,
    pub name: Bi,
    #[serde(default)]
    pub hint: Bi,
    #[serde(default, deserialize_with = "lenient_count")]
    pub waiting: u32,
    #[serde(default, deserialize_with = "lenient_count")]
    pub estimated_wait_minutes: u32,
    /// Takes no new tickets (said to staff only: a kiosk is never sent a hidden service).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Services {
    pub services: Vec<Service>,
    /// Whether the kiosk may issue tickets now (within the opening hours, before the evening
    /// cut-off). A server that does not say is open.
    #[serde(default = "open_by_default")]
    pub open: bool,
    /// The next opening, Riyadh local time (`2026-12-06T08:00:00+03:00`): while closed, and while
    /// open the one after today's cut-off. Absent when none is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
    /// Seconds until `open` changes (the cut-off, or the next opening): the kiosk asks again then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changes_in_seconds: Option<u64>,
}

fn open_by_default() -> bool {
    true
}

impl Default for Services {
    /// No services, open (as a server that says nothing about its hours).
    fn default() -> Self {
        Self {
            services: Vec::new(),
            open: true,
            opens_at: None,
            changes_in_seconds: None,
        }
    }
}

// --- `GET /api/v1/intake-notice` ---

/// The consent notice shown before any detail is asked; its version goes back with the intake.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    pub version: String,
    pub text: Bi,
}

// --- `POST /api/v1/tickets` ---

/// What the kiosk may ask for. Only the server decides "urgent" (from the needs and
/// `feels_unsafe`), so it is not on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    #[default]
    Normal,
    Priority,
}

/// Whom the visitor prefers to be served by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
}

/// Body of `POST /api/v1/tickets` (with an `Idempotency-Key` header).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketRequest {
    pub service: String,
    #[serde(default)]
    pub priority: Priority,
    #[serde(default)]
    pub gender_preference: Option<Gender>,
    #[serde(default)]
    pub intake: Option<IntakeRequest>,
    /// "I do not feel safe right now", said without giving any details (no intake or consent).
    #[serde(default)]
    pub feels_unsafe: bool,
}

impl TicketRequest {
    /// The visitor said they do not feel safe: on its own, or inside the details they gave.
    pub fn feels_unsafe_anywhere(&self) -> bool {
        self.feels_unsafe || self.intake.as_ref().is_some_and(|i| i.feels_unsafe)
    }
}

/// The optional details, given only after the notice of `notice_version` was shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    pub notice_version: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub national_id: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub needs: Needs,
    #[serde(default)]
    pub feels_unsafe: bool,
}

/// A need the visitor may tick (each is a boolean in `Needs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Need {
    Wheelchair,
    Hearing,
    Companion,
    Elderly,
    Pregnancy,
    NamedDisability,
}

/// The needs as sent. Elderly, pregnancy and a disability (chosen at the kiosk as "another
/// disability", or described by staff) only decide the ticket's class; the server does not store
/// them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Needs {
    #[serde(default)]
    pub wheelchair: bool,
    #[serde(default)]
    pub hearing: bool,
    #[serde(default)]
    pub interpreter_language: Option<String>,
    #[serde(default)]
    pub companion: bool,
    #[serde(default)]
    pub elderly: bool,
    #[serde(default)]
    pub pregnancy: bool,
    /// "Another disability", chosen at the kiosk without describing it.
    #[serde(default)]
    pub named_disability: bool,
    /// A described disability (never sent by the kiosk, hence left out when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<String>,
}

impl Needs {
    pub fn has(&self, need: Need) -> bool {
        match need {
            Need::Wheelchair => self.wheelchair,
            Need::Hearing => self.hearing,
            Need::Companion => self.companion,
            Need::Elderly => self.elderly,
            Need::Pregnancy => self.pregnancy,
            Need::NamedDisability => self.named_disability,
        }
    }

    pub fn toggle(&mut self, need: Need) {
        let flag = match need {
            Need::Wheelchair => &mut self.wheelchair,
            Need::Hearing => &mut self.hearing,
            Need::Companion => &mut self.companion,
            Need::Elderly => &mut self.elderly,
            Need::Pregnancy => &mut self.pregnancy,
            Need::NamedDisability => &mut self.named_disability,
        };
        *flag = !*flag;
    }

    /// Whether a disability was chosen or described (a blank description does not count).
    pub fn any_disability(&self) -> bool {
        self.named_disability
            || self
                .disability
                .as_deref()
                .is_some_and(|d| !d.trim().is_empty())
    }
}

/// `201` reply of `POST /api/v1/tickets`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedTicket {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub state: String,
    #[serde(default, deserialize_with = "lenient_count")]
    pub people_ahead: u32,
    #[serde(default, deserialize_with = "lenient_count")]
    pub estimated_wait_minutes: u32,
    #[serde(default)]
    pub status_token: String,
    /// `/t/{status_token}`: the page the ticket's QR code opens.
    #[serde(default)]
    pub status_path: String,
    #[serde(default)]
    pub issued_at: String,
    #[serde(default)]
    pub service_day: String,
}

// --- `POST /api/v1/kiosk/check-in` ---

/// Body of `POST /api/v1/kiosk/check-in`: the code a visitor who joined from the phone types on
/// arrival (`check_in::well_formed`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    /// The six digits on the visitor's status page.
    #[cfg_attr(feature = "openapi", schema(example = "042917"))]
    pub code: String,
}

/// `200` reply of `POST /api/v1/kiosk/check-in`: the place is callable now. No status link: the
/// visitor already has it on the phone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    // The server always sends every field (`required` in its document); the kiosk reads them
    // leniently all the same.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub label: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub service: String,
    #[serde(default, deserialize_with = "lenient_count")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub people_ahead: u32,
    #[serde(default, deserialize_with = "lenient_count")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub estimated_wait_minutes: u32,
}

// --- `POST /api/v1/tickets/{id}/print-report` ---

/// What the printer said, in the kiosk's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PrinterTrouble {
    PaperOut,
    PaperNearEnd,
    CoverOpen,
    Offline,
    NoAnswer,
    Io,
    Config,
    Render,
}

impl PrinterTrouble {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PaperOut => "paper_out",
            Self::PaperNearEnd => "paper_near_end",
            Self::CoverOpen => "cover_open",
            Self::Offline => "offline",
            Self::NoAnswer => "no_answer",
            Self::Io => "io",
            Self::Config => "config",
            Self::Render => "render",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrintReport {
    pub printed: bool,
    /// Why it did not print, or `paper_near_end` while it still prints.
    #[serde(default)]
    pub trouble: Option<PrinterTrouble>,
}

// --- the rating kiosk: `GET /api/v1/rating/recent`, `POST /api/v1/ratings` ---

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentVisit {
    #[serde(default)]
    pub label: String,
}

/// Labels of visits finished in the last minutes and not rated yet; nothing else.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecentVisits {
    pub visits: Vec<RecentVisit>,
}

/// Body of `POST /api/v1/ratings`. `score` is any integer on the wire so that an out-of-range
/// score gets its own error (`invalid_score`), checked by `rating::score`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    pub label: String,
    pub score: i64,
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub contact_requested: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rated {
    pub id: i64,
}

// --- every refusal ---

/// The one error body of the API: `{"code", "message": {"ar", "en"}, "field"?}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: Bi,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// With `branch_closed`: the next opening, Riyadh local time (as `Services::opens_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticket_request_keeps_its_json_shape() {
        let r = TicketRequest {
            service: "new_request".into(),
            priority: Priority::Normal,
            gender_preference: None,
            intake: None,
            feels_unsafe: true,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"service":"new_request","priority":"normal","gender_preference":null,"intake":null,"feels_unsafe":true}"#
        );
        assert!(r.feels_unsafe_anywhere());
        let back: TicketRequest =
            serde_json::from_str(r#"{"service":"a","gender_preference":"female"}"#).unwrap();
        assert_eq!(
            (back.priority, back.gender_preference),
            (Priority::Normal, Some(Gender::Female))
        );
        assert!(serde_json::from_str::<TicketRequest>(r#"{"service":"a","pwn":1}"#).is_err());
        assert!(
            serde_json::from_str::<TicketRequest>(r#"{"service":"a","priority":"urgent"}"#)
                .is_err()
        );
    }

    #[test]
    fn the_check_in_keeps_its_json_shape() {
        let r = CheckInRequest {
            code: "042917".into(),
        };
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"code":"042917"}"#);
        assert!(serde_json::from_str::<CheckInRequest>(r#"{"code":"1","x":1}"#).is_err());
        // The server sends this reply with the same struct, so both directions are its shape.
        let json = r#"{"label":"A-004","service":"new_request","people_ahead":2,"estimated_wait_minutes":20}"#;
        let c: CheckedIn = serde_json::from_str(json).unwrap();
        assert_eq!(
            c,
            CheckedIn {
                label: "A-004".into(),
                service: "new_request".into(),
                people_ahead: 2,
                estimated_wait_minutes: 20,
            }
        );
        assert_eq!(serde_json::to_string(&c).unwrap(), json);
    }

    #[test]
    fn counts_read_leniently() {
        let s: Service = serde_json::from_str(
            r#"{"code":"x","name":{"en":"X"},"waiting":-4,"estimated_wait_minutes":"soon"}"#,
        )
        .unwrap();
        assert_eq!((s.waiting, s.estimated_wait_minutes), (0, 0));
        let s: Service =
            serde_json::from_str(r#"{"code":"x","name":{},"waiting":123456}"#).unwrap();
        assert_eq!(s.waiting, COUNT_MAX);
    }

    #[test]
    fn needs_toggle_by_name() {
        let mut n = Needs::default();
        n.toggle(Need::Pregnancy);
        assert!(n.has(Need::Pregnancy) && !n.has(Need::Elderly));
        n.disability = Some("  ".into());
        assert!(!n.any_disability());
        n.toggle(Need::NamedDisability);
        assert!(n.any_disability());
    }

    #[test]
    fn errors_omit_an_absent_field() {
        let e = ErrorBody {
            code: "x".into(),
            message: Bi::new("أ", "a"),
            field: None,
            opens_at: None,
        };
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"code":"x","message":{"ar":"أ","en":"a"}}"#
        );
    }
}
