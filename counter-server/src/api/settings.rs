//! Administration of services, desks, the branch's names and the consent notice, live (admins
//! only). `commands::settings` holds the rules; every reply is the whole settings in force.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::settings as cmd;
use crate::config::{Catalog, DeskConfig, DeskKindConfig, DocumentConfig, ServiceConfig};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};

#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CodePath {
    /// A service's code (`a-z`, `0-9`, `_`).
    #[allow(dead_code)]
    code: String,
}

/// `GET /api/v1/admin/settings`
#[utoipa::path(
    get,
    path = "/api/v1/admin/settings",
    tag = "admin",
    summary = "The settings in force: the branch's names, the consent notice, services (with \
               retention days where they differ from the default) and desks (admins)",
    responses((status = 200, body = Catalog))
)]
pub async fn settings(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Catalog>, ApiError> {
    caller.acting(Permission::Administer)?;
    Ok(Json(cmd::current(&s.engine).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ServiceBody)]
pub struct ServiceBody {
    /// A neutral capital letter (1-3), never a word that reveals why someone came.
    pub prefix: String,
    pub name_ar: String,
    pub name_en: String,
    #[serde(default)]
    pub hint_ar: String,
    #[serde(default)]
    pub hint_en: String,
    pub average_service_minutes: u32,
    pub target_wait_minutes: Option<u32>,
    #[serde(default)]
    pub documents: Vec<DocumentConfig>,
    /// Offered for new tickets on the kiosk and at reception.
    #[serde(default)]
    pub hidden: bool,
    /// Offered on the public join page, to take a place from the phone.
    #[serde(default)]
    pub remote_joining: bool,
    /// Days a visit of this service is kept; null: the branch's default.
    pub retention_days: Option<u32>,
}

/// `PUT /api/v1/admin/services/{code}`
#[utoipa::path(
    put,
    path = "/api/v1/admin/services/{code}",
    tag = "admin",
    summary = "Adds or replaces a service, live: on the kiosk at its next refresh and at the \
               desks at once. A new prefix is refused while tickets are in its line \
               (service_in_use); audited",
    params(CodePath),
    request_body = ServiceBody,
    responses(
        (status = 200, body = Catalog),
        (status = 409, description = "service_in_use", body = awn_core::wire::ErrorBody),
        (status = 422, description = "invalid_settings", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn put_service(
    State(s): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    body: AppJson<ServiceBody>,
) -> Result<Json<Catalog>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let b = body.value;
    let service = ServiceConfig {
        code,
        prefix: b.prefix,
        name_ar: b.name_ar,
        name_en: b.name_en,
        hint_ar: b.hint_ar,
        hint_en: b.hint_en,
        average_service_minutes: b.average_service_minutes,
        target_wait: b.target_wait_minutes,
        documents: b.documents,
        hidden: b.hidden,
        remote_joining: b.remote_joining,
    };
    Ok(Json(
        cmd::put_service(&s.engine, by, service, b.retention_days).await?,
    ))
}

/// `DELETE /api/v1/admin/services/{code}`
#[utoipa::path(
    delete,
    path = "/api/v1/admin/services/{code}",
    tag = "admin",
    summary = "Removes a service: refused while tickets are in its line (service_in_use) or a \
               desk serves it (service_on_desk); audited",
    params(CodePath),
    responses(
        (status = 200, body = Catalog),
        (status = 404, description = "service_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "service_in_use, service_on_desk", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn delete_service(
    State(s): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<Catalog>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    Ok(Json(cmd::delete_service(&s.engine, by, code).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = DeskBody)]
pub struct DeskBody {
    pub kind: DeskKindConfig,
    /// The services whose lines it calls from, by code.
    pub services: Vec<String>,
    /// A short name the display shows under the number (both languages, or neither).
    #[serde(default)]
    pub name_ar: Option<String>,
    #[serde(default)]
    pub name_en: Option<String>,
}

/// `PUT /api/v1/admin/desks/{desk}`
#[utoipa::path(
    put,
    path = "/api/v1/admin/desks/{desk}",
    tag = "admin",
    summary = "Adds or replaces a desk, live (its services may change while someone works at \
               it; its kind may not: desk_in_use); audited",
    params(super::doc::DeskPath),
    request_body = DeskBody,
    responses(
        (status = 200, body = Catalog),
        (status = 409, description = "desk_in_use", body = awn_core::wire::ErrorBody),
        (status = 422, description = "invalid_settings", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn put_desk(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
    body: AppJson<DeskBody>,
) -> Result<Json<Catalog>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&desk, "desk", 999)?;
    let b = body.value;
    // An empty name field means no name.
    let name = |n: Option<String>| n.filter(|n| !n.trim().is_empty());
    let desk = DeskConfig {
        id,
        kind: b.kind,
        services: b.services,
        name_ar: name(b.name_ar),
        name_en: name(b.name_en),
    };
    Ok(Json(cmd::put_desk(&s.engine, by, desk).await?))
}

/// `DELETE /api/v1/admin/desks/{desk}`
#[utoipa::path(
    delete,
    path = "/api/v1/admin/desks/{desk}",
    tag = "admin",
    summary = "Removes a desk: refused while someone works at it or a visitor is called to it \
               (desk_in_use); audited",
    params(super::doc::DeskPath),
    responses(
        (status = 200, body = Catalog),
        (status = 404, description = "desk_not_found", body = awn_core::wire::ErrorBody),
        (status = 409, description = "desk_in_use", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn delete_desk(
    State(s): State<AppState>,
    caller: Caller,
    Path(desk): Path<String>,
) -> Result<Json<Catalog>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let id = parse_id(&desk, "desk", 999)?;
    Ok(Json(cmd::delete_desk(&s.engine, by, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = BranchBody)]
pub struct BranchBody {
    pub name_ar: String,
    pub name_en: String,
    /// The consent notice the kiosk shows and reception reads aloud; a new text gets a new version.
    pub notice_ar: String,
    pub notice_en: String,
}

/// `PUT /api/v1/admin/branch`
#[utoipa::path(
    put,
    path = "/api/v1/admin/branch",
    tag = "admin",
    summary = "The association's names and the consent notice (a new version when its text \
               changes); audited",
    request_body = BranchBody,
    responses(
        (status = 200, body = Catalog),
        (status = 422, description = "invalid_settings", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn put_branch(
    State(s): State<AppState>,
    caller: Caller,
    body: AppJson<BranchBody>,
) -> Result<Json<Catalog>, ApiError> {
    let by = caller.acting(Permission::Administer)?;
    let b = body.value;
    Ok(Json(
        cmd::put_branch(
            &s.engine,
            by,
            (b.name_ar, b.name_en),
            (b.notice_ar, b.notice_en),
        )
        .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OfferedBody)]
pub struct OfferedBody {
    /// false: no new tickets for it (kiosk, reception); its line is still served.
    pub offered: bool,
}

/// `POST /api/v1/services/{code}/offered`
#[utoipa::path(
    post,
    path = "/api/v1/services/{code}/offered",
    tag = "admin",
    summary = "Stops or resumes new tickets for a service, live (supervisors and admins: the \
               floor's call at a busy hour); its line is still served; audited",
    params(CodePath),
    request_body = OfferedBody,
    responses(
        (status = 204, description = "In force"),
        (status = 404, description = "service_not_found", body = awn_core::wire::ErrorBody),
    )
)]
pub async fn set_offered(
    State(s): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    body: AppJson<OfferedBody>,
) -> Result<axum::http::StatusCode, ApiError> {
    let by = caller.acting(Permission::OfferServices)?;
    cmd::set_offered(&s.engine, by, code, body.value.offered).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
