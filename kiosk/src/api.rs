//! The counter-server's JSON, as the kiosk reads and sends it. Reading is lenient: a malformed
//! service entry is dropped, not fatal, and text is clipped before it reaches the screen, so
//! bad server data never crashes the UI.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Bi {
    #[serde(default)]
    pub ar: String,
    #[serde(default)]
    pub en: String,
}

impl Bi {
    pub fn get(&self, lang: crate::text::Lang) -> &str {
        // Fall back to the other language rather than showing nothing.
        let (first, second) = match lang {
            crate::text::Lang::Ar => (&self.ar, &self.en),
            crate::text::Lang::En => (&self.en, &self.ar),
        };
        if first.trim().is_empty() {
            second
        } else {
            first
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub code: String,
    pub prefix: String,
    pub name: Bi,
    pub hint: Bi,
    pub waiting: u32,
    pub estimated_wait_minutes: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub version: String,
    pub text: Bi,
}

/// An issued ticket (the fields the kiosk shows and prints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ticket {
    pub id: i64,
    pub label: String,
    pub service: String,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub status_path: String,
    pub issued_at: String,
}

/// Body of `POST /api/v1/tickets`. Field names and shapes follow the server contract exactly
/// (the server rejects unknown fields).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TicketRequest {
    pub service: String,
    pub priority: &'static str,
    pub gender_preference: Option<&'static str>,
    pub intake: Option<IntakeBody>,
    /// "I do not feel safe right now": sent on its own, so it needs no details or consent.
    pub feels_unsafe: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IntakeBody {
    pub notice_version: String,
    pub name: Option<String>,
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub needs: NeedsBody,
    pub feels_unsafe: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NeedsBody {
    pub wheelchair: bool,
    pub hearing: bool,
    pub interpreter_language: Option<String>,
    pub companion: bool,
    /// Elderly, pregnancy and "another disability" only give the priority class on the server.
    pub elderly: bool,
    pub pregnancy: bool,
    pub named_disability: bool,
}

/// The server's error body: `{"code":…, "message":{"ar":…,"en":…}, "field":…}`.
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

fn bi(v: &Value, max: usize) -> Option<Bi> {
    let o = v.as_object()?;
    let ar = o.get("ar").and_then(Value::as_str).unwrap_or("");
    let en = o.get("en").and_then(Value::as_str).unwrap_or("");
    (!ar.is_empty() || !en.is_empty()).then(|| Bi {
        ar: clip(ar, max),
        en: clip(en, max),
    })
}

fn uint(v: &Value, key: &str) -> u32 {
    v.get(key)
        .and_then(Value::as_u64)
        .map_or(0, |n| n.min(9999) as u32)
}

fn string(v: &Value, key: &str, max: usize) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(|s| clip(s, max))
}

/// `GET /api/v1/services`. Entries without a code or a name are skipped.
pub fn parse_services(body: &str) -> Result<Vec<Service>, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let list = v
        .get("services")
        .and_then(Value::as_array)
        .ok_or("no services array")?;
    Ok(list
        .iter()
        .filter_map(|s| {
            let code = string(s, "code", 64).filter(|c| !c.is_empty())?;
            let name = s.get("name").and_then(|n| bi(n, 120))?;
            Some(Service {
                code,
                prefix: string(s, "prefix", 4).unwrap_or_default(),
                name,
                hint: s.get("hint").and_then(|h| bi(h, 240)).unwrap_or_default(),
                waiting: uint(s, "waiting"),
                estimated_wait_minutes: uint(s, "estimated_wait_minutes"),
            })
        })
        .take(12)
        .collect())
}

/// `GET /api/v1/intake-notice`.
pub fn parse_notice(body: &str) -> Result<Notice, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let version = string(&v, "version", 64)
        .filter(|s| !s.is_empty())
        .ok_or("no notice version")?;
    let text = v
        .get("text")
        .and_then(|t| bi(t, 1200))
        .ok_or("no notice text")?;
    Ok(Notice { version, text })
}

/// `201` body of `POST /api/v1/tickets`.
pub fn parse_ticket(body: &str) -> Result<Ticket, String> {
    let v: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let label = string(&v, "label", 16)
        .filter(|s| !s.is_empty())
        .ok_or("no ticket label")?;
    let status_path = string(&v, "status_path", 128).unwrap_or_default();
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
        id: v.get("id").and_then(Value::as_i64).unwrap_or(0),
        label,
        service: string(&v, "service", 64).unwrap_or_default(),
        people_ahead: uint(&v, "people_ahead"),
        estimated_wait_minutes: uint(&v, "estimated_wait_minutes"),
        status_path,
        issued_at: string(&v, "issued_at", 40).unwrap_or_default(),
    })
}

/// Any 4xx/5xx body; never fails (an unreadable body gives an empty code).
pub fn parse_error(status: u16, body: &str) -> ApiError {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    ApiError {
        status,
        code: string(&v, "code", 64).unwrap_or_default(),
        message: v.get("message").and_then(|m| bi(m, 300)),
        field: string(&v, "field", 64),
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
        let s = parse_services(body).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].waiting, 3);
        assert_eq!(s[1].name.get(crate::text::Lang::Ar), "Follow-up");
        assert_eq!(s[1].waiting, 0);
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
        let e = parse_error(502, "<html>");
        assert_eq!((e.status, e.code.as_str(), e.message), (502, "", None));
    }

    #[test]
    fn request_shape() {
        let r = TicketRequest {
            service: "new_request".into(),
            priority: "normal",
            gender_preference: None,
            intake: None,
            feels_unsafe: true,
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"service":"new_request","priority":"normal","gender_preference":null,"intake":null,"feels_unsafe":true}"#
        );
        let needs = NeedsBody {
            elderly: true,
            ..NeedsBody::default()
        };
        assert_eq!(
            serde_json::to_string(&needs).unwrap(),
            r#"{"wheelchair":false,"hearing":false,"interpreter_language":null,"companion":false,"elderly":true,"pregnancy":false,"named_disability":false}"#
        );
    }
}
