//! Staff sessions: logging in and out (shared by the API's bearer login and the console's cookie
//! login) and how long a session lives.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::auth::{DeviceScope, Principal, password, tokens};
use crate::clock::Clock;
use crate::domain::{Role, StaffId};
use crate::input::{FieldError, text};
use crate::limits::LoginThrottle;
use crate::store::engine::{Engine, EngineError};
use crate::store::reads::{self, ReadPool};
use crate::store::{StoreError, writes};

/// A session ends this long after login, whatever happens (a browser session also ends after
/// `[console] idle_seconds` without a person's request).
pub const SESSION_HOURS: i64 = 12;

/// How long a paired waiting-room display keeps its cookie (browsers cap cookies at 400 days);
/// revoking the device ends it sooner.
pub const DISPLAY_PAIRING_DAYS: i64 = 400;

/// A username and password, as both logins take them.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = LoginBody)]
pub struct Credentials {
    pub username: String,
    #[schema(format = Password)]
    pub password: String,
}

/// Why a login was refused.
#[derive(Debug)]
pub enum LoginError {
    /// The username or password is not a well-formed value.
    Field(FieldError),
    /// Too many failures from this (account, address) or address: wait this many seconds.
    Throttled {
        seconds: u64,
    },
    /// Unknown account, disabled account or wrong password (never told apart).
    InvalidCredentials,
    /// The password check could not run (its blocking task failed): as busy storage, retry.
    Busy,
    Engine(EngineError),
}

impl From<EngineError> for LoginError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

impl From<crate::store::StoreError> for LoginError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Engine(e.into())
    }
}

impl From<FieldError> for LoginError {
    fn from(e: FieldError) -> Self {
        Self::Field(e)
    }
}

/// Who logged in.
#[derive(Clone, Debug)]
pub struct StaffSummary {
    pub id: StaffId,
    pub display_name: String,
    pub role: Role,
}

/// A session just opened: the token is given once and stored only as its hash.
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffSummary,
}

/// Checks a username and password (Argon2id; failures slow down the pair (account, address) and
/// the address, `limits::LoginThrottle`) and opens a session; `idle_seconds` makes it a browser
/// session that also ends when no person used it that long.
pub async fn login(
    reads: &ReadPool,
    engine: &Engine,
    throttle: &LoginThrottle,
    clock: &dyn Clock,
    ip: Option<IpAddr>,
    credentials: Credentials,
    idle_seconds: Option<i64>,
) -> Result<Session, LoginError> {
    let username = text::required("username", &credentials.username, 64)?.to_lowercase();
    let pw = credentials.password;
    if pw.is_empty() || pw.chars().count() > 256 {
        return Err(LoginError::Field(FieldError::new(
            "password",
            "invalid_field",
            "كلمة المرور مطلوبة",
            "Password: 1-256 characters",
        )));
    }
    if let Err(wait) = throttle.attempt(&username, ip) {
        return Err(LoginError::Throttled {
            seconds: wait.as_secs() + 1,
        });
    }
    let name = username.clone();
    let found = reads
        .run(move |conn| reads::staff_by_username(conn, &name))
        .await?;
    let verified = tokio::task::spawn_blocking(move || match found {
        Some(st) if !st.disabled => password::verify_password(&pw, &st.password_hash).then_some(st),
        _ => {
            password::verify_dummy(&pw);
            None
        }
    })
    .await
    .map_err(|_| LoginError::Busy)?;
    let Some(st) = verified else {
        tracing::info!(account_known = false, "failed login");
        return Err(LoginError::InvalidCredentials);
    };
    throttle.succeeded(&username, ip);
    let token = tokens::secret_token();
    let hash = tokens::hash(&token);
    let expires = clock.now() + Duration::hours(SESSION_HOURS);
    let staff_id = st.id;
    engine
        .write(move |ctx| -> Result<(), EngineError> {
            match idle_seconds {
                None => writes::create_session(ctx.tx, &hash, staff_id, ctx.now, expires)?,
                Some(idle) => {
                    writes::create_browser_session(ctx.tx, &hash, staff_id, ctx.now, expires, idle)?
                }
            }
            Ok(())
        })
        .await?;
    Ok(Session {
        token,
        expires_at: expires,
        staff: StaffSummary {
            id: st.id,
            display_name: st.display_name,
            role: st.role,
        },
    })
}

/// Ends the session whose token hashes to `hash` (a token already deleted ends nothing).
pub async fn logout(engine: &Engine, hash: [u8; 32]) -> Result<(), EngineError> {
    engine
        .write(move |ctx| -> Result<(), EngineError> { Ok(writes::delete_session(ctx.tx, &hash)?) })
        .await
}

/// Whether `token` is the live token of a waiting-room display (the only devices the display
/// page pairs with).
pub async fn is_display(
    reads: &ReadPool,
    token: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if !tokens::well_formed(token) {
        return Ok(false);
    }
    let hash = tokens::hash(token);
    let found = reads
        .run(move |conn| reads::principal(conn, &hash, now))
        .await?;
    Ok(matches!(
        found,
        Some(Principal::Device {
            scope: DeviceScope::Display,
            ..
        })
    ))
}

/// The applicant tablet behind `token`: the device and the desk it faces (policy 6.4).
pub async fn applicant_tablet(
    reads: &ReadPool,
    token: &str,
) -> Result<Option<super::confirmation::Tablet>, StoreError> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    let found = reads
        .run(move |conn| crate::store::confirmations::tablet_desk(conn, &hash))
        .await?;
    Ok(found.map(|(device, desk)| super::confirmation::Tablet { device, desk }))
}

/// The name a staff member is shown by (empty when the account is gone).
pub async fn display_name(reads: &ReadPool, id: StaffId) -> Result<String, StoreError> {
    Ok(reads
        .run(move |conn| reads::staff_display_name(conn, id))
        .await?
        .unwrap_or_default())
}

/// Who is behind the token whose hash is `hash` at `now` (a live session or device), and for a
/// browser session its idle state.
pub async fn owner(
    reads: &ReadPool,
    hash: [u8; 32],
    now: DateTime<Utc>,
) -> Result<Option<(Principal, Option<crate::auth::cache::Idle>)>, StoreError> {
    reads
        .run(move |conn| reads::principal_at(conn, &hash, now))
        .await
}

/// A person used the session: its idle timer restarts.
pub async fn touch(engine: &Engine, hash: [u8; 32]) -> Result<(), EngineError> {
    engine
        .write(move |ctx| -> Result<(), EngineError> {
            Ok(writes::touch_session(ctx.tx, &hash, ctx.now)?)
        })
        .await
}
