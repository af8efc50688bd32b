//! The counter-server's JSON, as the kiosk reads and sends it: the types are the shared
//! `awn_core::wire` ones. Reading is lenient: a malformed service entry is dropped, not fatal, and
//! text is clipped before it reaches the screen, so bad server data never crashes the UI.

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use awn_core::Bi;
pub use awn_core::wire::{
    CheckInRequest, CheckedIn, Gender, IntakeRequest, Need, Needs, Notice, Priority, Service,
    TicketRequest,
};

/// An issued ticket, as the server sends it (the kiosk shows and prints a few of its fields).
pub type Ticket = awn_core::wire::IssuedTicket;

/// The server's error body: `{"code":…, "message":{"ar":…,"en":…}, "field":…}`, with the status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: Option<Bi>,
    pub field: Option<String>,
}

fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .take(max)
        .collect()
}

/// Both sides clipped; None when both are empty.
fn clip_bi(b: &Bi, max: usize) -> Option<Bi> {
    (!b.ar.is_empty() || !b.en.is_empty()).then(|| Bi {
        ar: clip(&b.ar, max),
        en: clip(&b.en, max),
    })
}

fn json<T: DeserializeOwned>(body: &str) -> Result<T, String> {
    serde_json::from_str(body).map_err(|e| e.to_string())
}

/// Whether the branch issues tickets now, as `GET /api/v1/services` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hours {
    pub open: bool,
    /// The next opening, Riyadh local time (`2026-12-06T08:00:00+03:00`), if the server knows one.
    pub opens_at: Option<String>,
    /// How long until `open` changes (the evening cut-off, or the opening).
    pub changes_in: Option<std::time::Duration>,
}

impl Default for Hours {
    /// Open: a server that says nothing about its hours issues tickets.
    fn default() -> Self {
        Hours {
            open: true,
            opens_at: None,
            changes_in: None,
        }
    }
}

/// `GET /api/v1/services`: the services on offer and the branch's hours.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceList {
    pub services: Vec<Service>,
    pub hours: Hours,
}

/// The longest wait the kiosk takes from the server before it asks again about the hours.
const MAX_CHANGE_IN_SECONDS: u64 = 7 * 24 * 3600;

/// `GET /api/v1/services`. Entries that do not read as a service, or lack a code or a name, are
/// skipped; hours that do not read are "open" (the server refuses a ticket anyway when closed).
pub fn parse_services(body: &str) -> Result<ServiceList, String> {
    let v: Value = json(body)?;
    let list = v
        .get("services")
        .and_then(Value::as_array)
        .ok_or("no services array")?;
    let hours = Hours {
        open: v.get("open").and_then(Value::as_bool).unwrap_or(true),
        opens_at: v
            .get("opens_at")
            .and_then(Value::as_str)
            .map(|s| clip(s, 40)),
        changes_in: v
            .get("changes_in_seconds")
            .and_then(Value::as_u64)
            .map(|s| std::time::Duration::from_secs(s.min(MAX_CHANGE_IN_SECONDS))),
    };
    let services = list
        .iter()
        .filter_map(|s| {
            let s: Service = serde_json::from_value(s.clone()).ok()?;
            // Staff are told of hidden services; a kiosk never offers one.
            if s.hidden {
                return None;
            }
            let code = clip(&s.code, 64);
            let name = clip_bi(&s.name, 120)?;
            (!code.is_empty()).then(|| Service {
                code,
                prefix: clip(&s.prefix, 4),
                name,
                hint: clip_bi(&s.hint, 240).unwrap_or_default(),
                ..s
            })
        })
        .take(12)
        .collect();
    Ok(ServiceList { services, hours })
}

/// `GET /api/v1/intake-notice`.
pub fn parse_notice(body: &str) -> Result<Notice, String> {
    let n: Notice = json(body)?;
    let version = Some(clip(&n.version, 64))
        .filter(|s| !s.is_empty())
        .ok_or("no notice version")?;
    let text = clip_bi(&n.text, 1200).ok_or("no notice text")?;
    Ok(Notice { version, text })
}

/// `201` body of `POST /api/v1/tickets`.
pub fn parse_ticket(body: &str) -> Result<Ticket, String> {
    let t: Ticket = json(body)?;
    let label = Some(clip(&t.label, 16))
        .filter(|s| !s.is_empty())
        .ok_or("no ticket label")?;
    let status_path = clip(&t.status_path, 128);
    // Only a relative path of URL-safe characters goes into the QR.
    let status_path = if status_path.starts_with("/t/")
        && status_path[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        status_path
    } else {
        String::new()
    };
    Ok(Ticket {
        label,
        service: clip(&t.service, 64),
        status_path,
        issued_at: clip(&t.issued_at, 40),
        // The token is only ever used inside `status_path`.
        status_token: String::new(),
        ..t
    })
}

/// `200` body of `POST /api/v1/kiosk/check-in`.
pub fn parse_checked_in(body: &str) -> Result<CheckedIn, String> {
    let c: CheckedIn = json(body)?;
    let label = Some(clip(&c.label, 16))
        .filter(|s| !s.is_empty())
        .ok_or("no ticket label")?;
    Ok(CheckedIn {
        label,
        service: clip(&c.service, 64),
        ..c
    })
}

/// Any 4xx/5xx body; never fails (an unreadable body gives an empty code).
pub fn parse_error(status: u16, body: &str) -> ApiError {
    let e: awn_core::wire::ErrorBody = json(body).unwrap_or_default();
    ApiError {
        status,
        code: clip(&e.code, 64),
        message: clip_bi(&e.message, 300),
        field: e.field.map(|f| clip(&f, 64)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_lenient() {
        let body = r#"{"services":[
            {"code":"new_request","prefix":"A","name":{"ar":"طلب جديد","en":"New request"},"hint":{"ar":"ت","en":"h"},"waiting":3,"estimated_wait_minutes":12},
            {"code":"","name":{"ar":"x"}},
            {"code":"x","name":"not an object"},
            {"code":"follow_up","name":{"en":"Follow-up"},"waiting":-4,"estimated_wait_minutes":"soon"}
        ]}"#;
        let ServiceList { services: s, hours } = parse_services(body).unwrap();
        assert_eq!(
            hours,
            Hours::default(),
            "a server that says nothing is open"
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].waiting, 3);
        assert_eq!(s[1].name.get(crate::text::Lang::Ar), "Follow-up");
        assert_eq!(s[1].waiting, 0);
        let closed = parse_services(
            r#"{"services":[],"open":false,"opens_at":"2026-12-06T08:00:00+03:00","changes_in_seconds":99999999}"#,
        )
        .unwrap();
        assert_eq!(
            closed.hours,
            Hours {
                open: false,
                opens_at: Some("2026-12-06T08:00:00+03:00".into()),
                changes_in: Some(std::time::Duration::from_secs(MAX_CHANGE_IN_SECONDS)),
            }
        );
        assert!(parse_services("[1,2]").is_err());
        assert!(parse_services("not json").is_err());
    }

    #[test]
    fn ticket_and_errors() {
        let t = parse_ticket(r#"{"id":42,"label":"A-017","service":"new_request","state":"waiting","people_ahead":4,"estimated_wait_minutes":15,"status_token":"abc","status_path":"/t/AbC-_9","issued_at":"2026-11-25T10:02:03+03:00","service_day":"2026-11-25"}"#).unwrap();
        assert_eq!(
            (t.label.as_str(), t.people_ahead, t.status_path.as_str()),
            ("A-017", 4, "/t/AbC-_9")
        );
        let t = parse_ticket(r#"{"label":"B-1","status_path":"javascript:alert(1)"}"#).unwrap();
        assert_eq!(t.status_path, "");
        assert!(parse_ticket(r#"{"id":1}"#).is_err());
        let e = parse_error(
            422,
            r#"{"code":"invalid_mobile","message":{"ar":"خطأ","en":"Bad"},"field":"intake.mobile"}"#,
        );
        assert_eq!(e.code, "invalid_mobile");
        assert_eq!(e.field.as_deref(), Some("intake.mobile"));
        let c = parse_checked_in(
            r#"{"label":"A-004","service":"new_request","people_ahead":2,"estimated_wait_minutes":20}"#,
        )
        .unwrap();
        assert_eq!((c.label.as_str(), c.people_ahead), ("A-004", 2));
        assert!(parse_checked_in(r#"{"service":"new_request"}"#).is_err());
        let e = parse_error(502, "<html>");
        assert_eq!((e.status, e.code.as_str(), e.message), (502, "", None));
    }

    #[test]
    fn request_shape() {
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
        let needs = Needs {
            elderly: true,
            ..Needs::default()
        };
        assert_eq!(
            serde_json::to_string(&needs).unwrap(),
            r#"{"wheelchair":false,"hearing":false,"interpreter_language":null,"companion":false,"elderly":true,"pregnancy":false,"named_disability":false}"#
        );
    }
}
