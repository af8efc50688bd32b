//! Staff sessions and the queue overview.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::auth::{Permission, Principal, password, tokens};
use crate::commands;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp};
use crate::http::views::{StaffTicket, local_time};
use crate::input::text;
use crate::store::{desk_kind_str, reads, role_str, writes};

/// A session ends this long after login, whatever happens.
pub const SESSION_HOURS: i64 = 12;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct StaffDto {
    pub id: i64,
    pub display_name: String,
    pub role: &'static str,
}

#[derive(Serialize)]
pub struct LoginDto {
    pub token: String,
    pub expires_at: String,
    pub staff: StaffDto,
}

fn invalid_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
        "اسم المستخدم أو كلمة المرور غير صحيحة",
        "wrong username or password",
    )
}

/// `POST /api/v1/auth/login`: Argon2id check, throttled per (account, address) and address.
pub async fn login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    body: AppJson<LoginBody>,
) -> Result<Json<LoginDto>, ApiError> {
    authenticate(&s, ip, body.value, None).await.map(Json)
}

/// Checks a username and password (Argon2id; failures slow down the pair (account, address) and
/// the address, `limits::LoginThrottle`) and opens a session; `idle_seconds` makes it a browser
/// session that also ends when no person used it that long. Shared by the API login and the
/// console's cookie login.
pub async fn authenticate(
    s: &AppState,
    ip: Option<std::net::IpAddr>,
    body: LoginBody,
    idle_seconds: Option<i64>,
) -> Result<LoginDto, ApiError> {
    let username = text::required("username", &body.username, 64)?.to_lowercase();
    let pw = body.password;
    if pw.is_empty() || pw.chars().count() > 256 {
        return Err(ApiError::unprocessable(
            "invalid_field",
            "password",
            "كلمة المرور مطلوبة",
            "password: 1-256 characters",
        ));
    }
    if let Err(wait) = s.login_throttle.attempt(&username, ip) {
        let seconds = wait.as_secs() + 1;
        return Err(ApiError {
            retry_after_seconds: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "login_throttled",
                format!(
                    "محاولات دخول خاطئة كثيرة، حاول مجددًا بعد قليل (الانتظار بالثواني: {seconds})"
                ),
                format!("too many failed attempts from here: wait {seconds} s and try again"),
            )
        });
    }
    let name = username.clone();
    let found = s
        .reads
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
    .map_err(|_| ApiError::busy())?;
    let Some(st) = verified else {
        tracing::info!(account_known = false, "failed login");
        return Err(invalid_credentials());
    };
    s.login_throttle.succeeded(&username, ip);
    let token = tokens::secret_token();
    let hash = tokens::hash(&token);
    let now = s.clock.now();
    let expires = now + Duration::hours(SESSION_HOURS);
    let staff_id = st.id;
    s.engine
        .write(move |ctx| {
            match idle_seconds {
                None => writes::create_session(ctx.tx, &hash, staff_id, ctx.now, expires)?,
                Some(idle) => {
                    writes::create_browser_session(ctx.tx, &hash, staff_id, ctx.now, expires, idle)?
                }
            }
            Ok(())
        })
        .await?;
    Ok(LoginDto {
        token,
        expires_at: local_time(expires),
        staff: StaffDto {
            id: st.id,
            display_name: st.display_name,
            role: role_str(st.role),
        },
    })
}

/// `POST /api/v1/auth/logout`: ends this session.
pub async fn logout(State(s): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    let Principal::Staff { session, .. } = caller.0 else {
        return Err(ApiError::forbidden());
    };
    s.principals.remove(&session);
    s.engine
        .write(move |ctx| Ok(writes::delete_session(ctx.tx, &session)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub struct LineDto {
    pub service: String,
    pub waiting: u32,
    pub longest_wait_minutes: i64,
    pub urgent: u32,
}

#[derive(Serialize)]
pub struct DeskDto {
    pub id: u32,
    pub kind: &'static str,
    pub services: Vec<String>,
    pub staffed: bool,
    pub paused: bool,
}

#[derive(Serialize)]
pub struct QueueDto {
    pub lines: Vec<LineDto>,
    pub tickets: Vec<StaffTicket>,
    pub desks: Vec<DeskDto>,
}

/// `GET /api/v1/queue`: every line, every active ticket, every desk; for staff.
pub async fn queue(State(s): State<AppState>, caller: Caller) -> Result<Json<QueueDto>, ApiError> {
    caller.require(Permission::ReadQueue)?;
    let snap = commands::snapshot(&s.engine).await?;
    Ok(Json(QueueDto {
        lines: snap
            .lines
            .into_iter()
            .map(|l| LineDto {
                service: l.service,
                waiting: l.waiting,
                longest_wait_minutes: l.longest_wait_minutes,
                urgent: l.urgent,
            })
            .collect(),
        tickets: snap.tickets.iter().map(StaffTicket::from).collect(),
        desks: snap
            .desks
            .into_iter()
            .map(|d| DeskDto {
                id: d.id,
                kind: desk_kind_str(d.kind),
                services: d.services,
                staffed: d.on_duty.is_some(),
                paused: d.paused,
            })
            .collect(),
    }))
}
