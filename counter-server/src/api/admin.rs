//! Administration in the browser: staff accounts and devices (admins only), and every staff
//! member's own password. `commands::admin` holds the rules.

use awn_core::wire::Gender as GenderName;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Permission, Principal};
use crate::commands::admin::{self as cmd, ActingStaff, IssuedCode, NewStaff, StaffEdit};
use crate::domain::{Gender, Role};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, ClientIp, parse_id};
use crate::http::views::local_time;
use crate::store::role_str;
use crate::store::staff_admin::{DeviceRow, StaffRow};

/// A staff role as the API spells it.
#[derive(Clone, Copy, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Reception,
    Researcher,
    Supervisor,
    Admin,
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Self {
        match r {
            RoleName::Reception => Role::Reception,
            RoleName::Researcher => Role::Researcher,
            RoleName::Supervisor => Role::Supervisor,
            RoleName::Admin => Role::Admin,
        }
    }
}

fn gender_in(g: GenderName) -> Gender {
    match g {
        GenderName::Female => Gender::Female,
        GenderName::Male => Gender::Male,
    }
}

fn gender_out(g: Gender) -> GenderName {
    match g {
        Gender::Female => GenderName::Female,
        Gender::Male => GenderName::Male,
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = StaffAccount)]
pub struct StaffAccountDto {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// `reception`, `researcher`, `supervisor` or `admin`.
    pub role: &'static str,
    pub gender: GenderName,
    pub disabled: bool,
    /// A one-time code waits to be used until then (local time).
    pub code_expires_at: Option<String>,
}

impl From<&StaffRow> for StaffAccountDto {
    fn from(r: &StaffRow) -> Self {
        Self {
            id: r.id,
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            role: role_str(r.role),
            gender: gender_out(r.gender),
            disabled: r.disabled,
            code_expires_at: r.code_expires_at.map(local_time),
        }
    }
}

/// A one-time code, shown once: the staff member sets their own password with it.
#[derive(Serialize, ToSchema)]
#[schema(as = PasswordCode)]
pub struct CodeDto {
    pub staff: StaffAccountDto,
    pub one_time_code: String,
    pub expires_at: String,
}

impl From<&IssuedCode> for CodeDto {
    fn from(c: &IssuedCode) -> Self {
        Self {
            staff: StaffAccountDto::from(&c.staff),
            one_time_code: c.code.clone(),
            expires_at: local_time(c.expires_at),
        }
    }
}

/// Forgets ended sessions (or a revoked device) at once, not after the cache's few seconds.
fn forget(s: &AppState, hashes: &[Vec<u8>]) {
    for h in hashes {
        if let Ok(h) = <[u8; 32]>::try_from(h.as_slice()) {
            s.principals.remove(&h);
        }
    }
}

/// `GET /api/v1/admin/staff`
#[utoipa::path(
    get,
    path = "/api/v1/admin/staff",
    tag = "admin",
    summary = "Every staff account (admins)",
    responses((status = 200, body = Vec<StaffAccountDto>))
)]
pub async fn list_staff(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<StaffAccountDto>>, ApiError> {
    caller.acting(Permission::Administer)?;
    let rows = cmd::list_staff(&s.engine).await?;
    Ok(Json(rows.iter().map(StaffAccountDto::from).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NewStaffBody)]
pub struct NewStaffBody {
    pub username: String,
    pub display_name: String,
    pub role: RoleName,
    pub gender: GenderName,
}

/// `POST /api/v1/admin/staff`
#[utoipa::path(
    post,
    path = "/api/v1/admin/staff",
    tag = "admin",
    summary = "Adds a staff account with a one-time code (24 h, once) for its owner to set a \
               password; audited",
    request_body = NewStaffBody,
    responses(
        (status = 201, body = CodeDto),
        (status = 409, description = "username_taken", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn add_staff(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<NewStaffBody>,
) -> Result<(StatusCode, Json<CodeDto>), ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let b = body.value;
    let new = NewStaff {
        username: b.username,
        display_name: b.display_name,
        role: b.role.into(),
        gender: gender_in(b.gender),
    };
    let issued = cmd::add_staff(&s.engine, by, new).await?;
    Ok((StatusCode::CREATED, Json(CodeDto::from(&issued))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = StaffEditBody)]
pub struct StaffEditBody {
    pub display_name: String,
    pub role: RoleName,
    pub gender: GenderName,
    pub disabled: bool,
}

/// `PUT /api/v1/admin/staff/{id}`
#[utoipa::path(
    put,
    path = "/api/v1/admin/staff/{id}",
    tag = "admin",
    summary = "Changes an account's name, role, gender or access. A new role, gender or access \
               ends its sessions; refused while the person is at a desk (staff_at_desk) and when \
               no active admin would remain (last_admin); audited",
    params(super::doc::IdPath),
    request_body = StaffEditBody,
    responses(
        (status = 200, body = StaffAccountDto),
        (status = 404, description = "staff_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "staff_at_desk, last_admin", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn edit_staff(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<StaffEditBody>,
) -> Result<Json<StaffAccountDto>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let b = body.value;
    let edit = StaffEdit {
        display_name: b.display_name,
        role: b.role.into(),
        gender: gender_in(b.gender),
        disabled: b.disabled,
    };
    let (row, ended) = cmd::edit_staff(&s.engine, by, id, edit).await?;
    forget(&s, &ended);
    Ok(Json(StaffAccountDto::from(&row)))
}

/// `POST /api/v1/admin/staff/{id}/password-code`
#[utoipa::path(
    post,
    path = "/api/v1/admin/staff/{id}/password-code",
    tag = "admin",
    summary = "A forgotten password: a new one-time code (24 h, once); the old password stops \
               working and the account's sessions end; audited",
    params(super::doc::IdPath),
    responses(
        (status = 200, body = CodeDto),
        (status = 404, description = "staff_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "staff_disabled", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn password_code(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<CodeDto>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let (issued, ended) = cmd::reset_with_code(&s.engine, by, id).await?;
    forget(&s, &ended);
    Ok(Json(CodeDto::from(&issued)))
}

#[derive(Serialize, ToSchema)]
#[schema(as = DeviceAccount)]
pub struct DeviceDto {
    pub id: i64,
    pub name: String,
    /// `kiosk`, `display`, `rating`, `integration` or `applicant`.
    pub scope: String,
    /// The desk an applicant tablet faces.
    pub desk: Option<u32>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Its last request since the server started (local time), or null.
    pub last_seen_at: Option<String>,
}

/// `GET /api/v1/admin/devices`
#[utoipa::path(
    get,
    path = "/api/v1/admin/devices",
    tag = "admin",
    summary = "Every device with when it was last seen since the server started (admins)",
    responses((status = 200, body = Vec<DeviceDto>))
)]
pub async fn list_devices(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DeviceDto>>, ApiError> {
    caller.acting(Permission::Administer)?;
    let rows = cmd::list_devices(&s.engine).await?;
    let dto = |d: &DeviceRow| DeviceDto {
        id: d.id,
        name: d.name.clone(),
        scope: d.scope.clone(),
        desk: d.desk,
        created_at: local_time(d.created_at),
        revoked_at: d.revoked_at.map(local_time),
        last_seen_at: s.devices_seen.last(d.id).map(local_time),
    };
    Ok(Json(rows.iter().map(dto).collect()))
}

/// `POST /api/v1/admin/devices/{id}/revoke`
#[utoipa::path(
    post,
    path = "/api/v1/admin/devices/{id}/revoke",
    tag = "admin",
    summary = "Revokes a device: its token stops working at once; audited",
    params(super::doc::IdPath),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "device_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "device_revoked", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn revoke_device(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let hash = cmd::revoke_device(&s.engine, by, id).await?;
    forget(&s, &[hash]);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PasswordChangeBody)]
pub struct PasswordChangeBody {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(format = Password)]
    pub new_password: String,
}

/// `POST /api/v1/auth/password`
#[utoipa::path(
    post,
    path = "/api/v1/auth/password",
    tag = "console",
    summary = "Changes the caller's own password (with the current one); the caller's other \
               sessions end",
    request_body = PasswordChangeBody,
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "wrong_password", body = awn_core::wire::ErrorBody),
        (status = 422, description = "weak_password", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn change_password(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<PasswordChangeBody>,
) -> Result<StatusCode, ApiError> {
    let Principal::Staff {
        id, role, session, ..
    } = &caller.0
    else {
        return Err(ApiError::forbidden());
    };
    let who = ActingStaff {
        id: *id,
        role: *role,
    };
    let b = body.value;
    let ended =
        cmd::change_own_password(&s.engine, who, *session, b.current_password, b.new_password)
            .await?;
    forget(&s, &ended);
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PasswordCodeBody)]
pub struct PasswordCodeBody {
    pub username: String,
    #[schema(format = Password)]
    pub code: String,
    #[schema(format = Password)]
    pub new_password: String,
}

/// `POST /api/v1/auth/password-code`
#[utoipa::path(
    post,
    path = "/api/v1/auth/password-code",
    tag = "console",
    summary = "Sets one's password with the one-time code an admin gave; the code is used up. \
               Wrong codes are throttled like failed logins (429 login_throttled)",
    request_body = PasswordCodeBody,
    responses(
        (status = 204, description = "Password set: log in with it"),
        (status = 401, description = "invalid_code", body = awn_core::wire::ErrorBody),
        (status = 422, description = "weak_password", body = awn_core::wire::ErrorBody),
        (status = 429, description = "login_throttled, with Retry-After", body = awn_core::wire::ErrorBody),
    ),
    security(())
)]
pub async fn set_password_with_code(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    body: AppJson<PasswordCodeBody>,
) -> Result<StatusCode, ApiError> {
    let b = body.value;
    let account = b.username.trim().to_lowercase();
    if let Err(wait) = s.login_throttle.attempt(&account, ip) {
        return Err(ApiError::from(
            crate::commands::sessions::LoginError::Throttled {
                seconds: wait.as_secs() + 1,
            },
        ));
    }
    cmd::set_password_with_code(&s.engine, &b.username, &b.code, b.new_password).await?;
    s.login_throttle.succeeded(&account, ip);
    Ok(StatusCode::NO_CONTENT)
}
