//! Staff sessions: logging in (shared by the API's bearer login and the console's cookie login)
//! and how long a session lives.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use crate::auth::{password, tokens};
use crate::clock::Clock;
use crate::domain::{Role, StaffId};
use crate::input::{FieldError, text};
use crate::limits::LoginThrottle;
use crate::store::engine::{Engine, EngineError};
use crate::store::reads::{self, ReadPool};
use crate::store::writes;

/// A session ends this long after login, whatever happens.
pub const SESSION_HOURS: i64 = 12;

/// A username and password, as both logins take them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub username: String,
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
            "password: 1-256 characters",
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
