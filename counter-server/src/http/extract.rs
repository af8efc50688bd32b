//! Extractors that turn a request into checked values or an `ApiError`: JSON bodies, the caller
//! behind a token, ids in paths, the client's address, a period in a query.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Query, Request};
use axum::http::{StatusCode, header, request::Parts};
use chrono::{Duration, NaiveDate};
use serde::de::DeserializeOwned;

use crate::auth::{Permission, Principal, allows, tokens};
use crate::commands::sessions;
use crate::domain::{Gender, Role, StaffId};
use crate::http::AppState;
use crate::http::error::ApiError;

/// Largest body any endpoint accepts.
pub const BODY_LIMIT: usize = 16 * 1024;

/// A JSON body: `Content-Type: application/json`, within the size limit, no unknown fields
/// (every body type has `deny_unknown_fields`). Keeps the raw bytes for idempotency hashing.
pub struct AppJson<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "يجب أن يكون نوع المحتوى application/json",
                "Content-Type must be application/json",
            ));
        }
        let raw = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "حجم الطلب أكبر من المسموح",
                    format!("The body is larger than {BODY_LIMIT} bytes"),
                )
            } else {
                ApiError::bad_request(
                    "unreadable_body",
                    "تعذرت قراءة الطلب",
                    "The body could not be read",
                )
            }
        })?;
        let value = parse_json(&raw)?;
        Ok(Self { value, raw })
    }
}

/// Deserialises a body, telling malformed JSON (400) from well-formed JSON with a wrong field (422,
/// naming the field by its path, e.g. `intake.needs.hearing`).
pub fn parse_json<T: DeserializeOwned>(raw: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(raw);
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = parsed.map_err(|e| {
        use serde_json::error::Category;
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => ApiError::bad_request(
                "malformed_json",
                "صيغة JSON غير صحيحة",
                format!("Malformed JSON: {inner}"),
            ),
            Category::Data => {
                let text = inner.to_string();
                let named = || text.split('`').nth(1).unwrap_or("").to_string();
                let join = |name: String| {
                    if path == "." {
                        name
                    } else {
                        format!("{path}.{name}")
                    }
                };
                if text.starts_with("unknown field") {
                    // The path already ends with the unknown name.
                    ApiError::unprocessable("unknown_field", &path, "حقل غير معروف", text)
                } else if text.starts_with("missing field") {
                    ApiError::unprocessable(
                        "missing_field",
                        &join(named()),
                        "حقل مطلوب مفقود",
                        text,
                    )
                } else {
                    ApiError::unprocessable("invalid_field", &path, "قيمة حقل غير صالحة", text)
                }
            }
        }
    })?;
    // Trailing bytes after the JSON value are malformed too.
    de.end().map_err(|e| {
        ApiError::bad_request(
            "malformed_json",
            "صيغة JSON غير صحيحة",
            format!("Malformed JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// The authenticated caller. Missing or unknown tokens are refused with 401 before any handler runs.
pub struct Caller(pub Principal);

/// A staff member behind a session.
pub struct StaffCaller {
    pub id: StaffId,
    pub role: Role,
    pub gender: Gender,
}

impl Caller {
    /// Refuses (403) unless the caller holds `perm`.
    pub fn require(&self, perm: Permission) -> Result<&Principal, ApiError> {
        if allows(&self.0, perm) {
            Ok(&self.0)
        } else {
            Err(ApiError::forbidden())
        }
    }

    pub fn staff(&self, perm: Permission) -> Result<StaffCaller, ApiError> {
        match self.require(perm)? {
            Principal::Staff {
                id, role, gender, ..
            } => Ok(StaffCaller {
                id: *id,
                role: *role,
                gender: *gender,
            }),
            Principal::Device { .. } => Err(ApiError::forbidden()),
        }
    }

    /// A staff member who works at a desk, or a supervisor (who may also act from no desk and on
    /// any line): refused (403) otherwise. `supervisor` says which.
    pub fn desk_or_supervisor(&self) -> Result<(StaffCaller, bool), ApiError> {
        let staff = self
            .staff(Permission::WorkDesk)
            .or_else(|_| self.staff(Permission::Supervise))?;
        Ok((staff, allows(&self.0, Permission::Supervise)))
    }

    /// The staff member holding `perm`, as a command records who acted.
    pub fn acting(
        &self,
        perm: Permission,
    ) -> Result<crate::commands::admin::ActingStaff, ApiError> {
        let s = self.staff(perm)?;
        Ok(crate::commands::admin::ActingStaff {
            id: s.id,
            role: s.role,
        })
    }

    pub fn device(&self, perm: Permission) -> Result<i64, ApiError> {
        match self.require(perm)? {
            Principal::Device { id, .. } => Ok(*id),
            Principal::Staff { .. } => Err(ApiError::forbidden()),
        }
    }
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The token a request authenticates with: `Authorization: Bearer` (API clients, the kiosk),
/// else the console's session cookie. (The display's cookie is scoped to `/display` and read
/// only there.)
pub fn token_of(parts: &Parts) -> Option<&str> {
    bearer(parts)
        .or_else(|| crate::http::cookies::get(&parts.headers, crate::http::cookies::SESSION))
}

/// The header the console puts on requests a person caused (a click, typing); only those restart
/// a browser session's idle timer, so background refreshes never keep an unattended console open.
pub const ACTIVITY_HEADER: &str = "x-awn-activity";

fn by_a_person(parts: &Parts) -> bool {
    parts
        .headers
        .get(ACTIVITY_HEADER)
        .is_some_and(|v| v.as_bytes() == b"user")
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = token_of(parts)
            .filter(|t| tokens::well_formed(t))
            .ok_or_else(ApiError::unauthenticated)?;
        let hash = tokens::hash(token);
        let now = state.clock.now();
        let (principal, idle) = match state.principals.get(&hash, now) {
            Some(found) => found,
            None => {
                let found = sessions::owner(&state.reads, hash, now).await?;
                let (principal, idle) = found.ok_or_else(ApiError::unauthenticated)?;
                state.principals.insert(hash, principal.clone(), idle, now);
                (principal, idle)
            }
        };
        let touch = idle.is_some_and(|i| now - i.last_active >= chrono::Duration::seconds(1));
        if touch && by_a_person(parts) {
            // The idle timer restarts; the request does not wait for that write.
            state.principals.touch(&hash, now);
            let engine = state.engine.clone();
            tokio::spawn(async move {
                let _ = sessions::touch(&engine, hash).await;
            });
        }
        if let Principal::Device { id, .. } = &principal {
            state.devices_seen.saw(*id, now);
        }
        Ok(Caller(principal))
    }
}

/// The client's address: the peer, or behind a configured trusted proxy the address that proxy
/// names in `X-Forwarded-For`. `None` without connection info (tests through `oneshot`).
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_canonical());
        let trusted = &state.config().connections.trusted_proxies;
        Ok(Self(
            peer.map(|p| forwarded_client(p, &parts.headers, trusted)),
        ))
    }
}

/// Reads `X-Forwarded-For` right to left while the hop that added an entry is a trusted proxy;
/// the first address added by a trusted hop and not itself trusted is the client. From any
/// other peer the header is ignored (a client may write anything in it).
fn forwarded_client(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let mut client = peer;
    let entries = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect::<Vec<_>>();
    for entry in entries.iter().rev() {
        if !trusted.contains(&client) {
            break;
        }
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => client = ip.to_canonical(),
            Err(_) => break,
        }
    }
    client
}

/// A numeric id from a path, range-checked: `what` names it in the error.
pub fn parse_id<T: TryFrom<i64>>(raw: &str, what: &str, max: i64) -> Result<T, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "invalid_id",
                what,
                "رقم غير صالح",
                format!("{what} must be a number from 1 to {max}"),
            )
        })
}

/// The longest period one request may cover.
pub const MAX_DAYS: i64 = 400;
/// `from` and `to` (inclusive, Riyadh service days); the last 30 days by default.
pub fn period(
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, HashMap<String, String>), ApiError> {
    let Query(q) = q.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "معاملات غير صالحة",
            "The query string is malformed",
        )
    })?;
    let date = |name: &str, default: NaiveDate| -> Result<NaiveDate, ApiError> {
        match q.get(name) {
            None => Ok(default),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                ApiError::unprocessable(
                    "invalid_date",
                    name,
                    "تاريخ غير صالح",
                    format!("{name} must be a date YYYY-MM-DD"),
                )
            }),
        }
    };
    let to = date("to", today)?;
    let from = date("from", to - Duration::days(29))?;
    if from > to || (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::unprocessable(
            "invalid_period",
            "from",
            "الفترة غير صالحة",
            format!("From must not be after to, and the period at most {MAX_DAYS} days"),
        ));
    }
    Ok((from, to, q))
}

/// The `day` of a daily report (YYYY-MM-DD): `today` when absent, never after it.
pub fn report_day(
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
    today: NaiveDate,
) -> Result<(NaiveDate, HashMap<String, String>), ApiError> {
    let Query(q) = q.map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            "معاملات غير صالحة",
            "The query string is malformed",
        )
    })?;
    let day = match q.get("day") {
        None => today,
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .ok()
            .filter(|d| *d <= today)
            .ok_or_else(|| {
                ApiError::unprocessable(
                    "invalid_date",
                    "day",
                    "تاريخ غير صالح",
                    "Day must be a date YYYY-MM-DD, not after today",
                )
            })?,
    };
    Ok((day, q))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::parse_json;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        flag: bool,
    }

    fn field(raw: &str) -> (String, &'static str) {
        let e = parse_json::<Outer>(raw.as_bytes()).unwrap_err();
        (e.field.unwrap_or_default(), e.code)
    }

    #[test]
    fn a_wrong_field_is_named_by_its_path() {
        assert_eq!(
            field(r#"{"name":"a","x":1}"#),
            ("x".into(), "unknown_field")
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"flag":true,"x":1}}"#),
            ("inner.x".into(), "unknown_field")
        );
        assert_eq!(field(r#"{}"#), ("name".into(), "missing_field"));
        assert_eq!(
            field(r#"{"name":"a","inner":{}}"#),
            ("inner.flag".into(), "missing_field")
        );
        assert_eq!(field(r#"{"name":7}"#), ("name".into(), "invalid_field"));
    }
}
