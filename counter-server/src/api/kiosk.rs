//! Routes the ticket kiosk calls: services, the consent notice, issuing, printing reports.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::auth::Permission;
use crate::commands::{self, IssueCommand};
use crate::domain::{Gender, IssueRequest, Priority};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::local_time;
use crate::input::intake::IntakeInput;

#[derive(Serialize)]
pub struct Text {
    pub ar: String,
    pub en: String,
}

#[derive(Serialize)]
pub struct ServiceDto {
    pub code: String,
    pub prefix: String,
    pub name: Text,
    pub hint: Text,
    pub waiting: u32,
    pub estimated_wait_minutes: u32,
}

#[derive(Serialize)]
pub struct ServicesDto {
    pub services: Vec<ServiceDto>,
}

/// `GET /api/v1/services`: the services with their public names and current waiting counts.
pub async fn services(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<ServicesDto>, ApiError> {
    if caller.require(Permission::Kiosk).is_err() {
        caller.require(Permission::ReadQueue)?;
    }
    let config = s.config.clone();
    let services = s
        .engine
        .read(move |ctx| {
            let waiting = ctx.queue.waiting_by_service(ctx.now);
            config
                .services
                .iter()
                .map(|c| {
                    let n = waiting.get(&c.code).map_or(0, |w| w.0);
                    ServiceDto {
                        code: c.code.clone(),
                        prefix: c.prefix.clone(),
                        name: Text {
                            ar: c.name_ar.clone(),
                            en: c.name_en.clone(),
                        },
                        hint: Text {
                            ar: c.hint_ar.clone(),
                            en: c.hint_en.clone(),
                        },
                        waiting: n,
                        estimated_wait_minutes: ctx.queue.estimated_wait_minutes(&c.code, n),
                    }
                })
                .collect()
        })
        .await?;
    Ok(Json(ServicesDto { services }))
}

#[derive(Serialize)]
pub struct NoticeDto {
    pub version: String,
    pub text: Text,
}

/// `GET /api/v1/intake-notice`: the consent notice the kiosk shows before asking for details.
pub async fn intake_notice(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<NoticeDto>, ApiError> {
    caller.require(Permission::Kiosk)?;
    let n = &s.config.intake_notice;
    Ok(Json(NoticeDto {
        version: n.version.clone(),
        text: Text {
            ar: n.ar.clone(),
            en: n.en.clone(),
        },
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum PriorityInput {
    Normal,
    Priority,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum GenderInput {
    Female,
    Male,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    pub service: String,
    #[serde(default = "normal")]
    pub priority: PriorityInput,
    #[serde(default)]
    pub gender_preference: Option<GenderInput>,
    #[serde(default)]
    pub intake: Option<IntakeInput>,
    /// "I do not feel safe right now", said without giving any details (no intake needed).
    #[serde(default)]
    pub feels_unsafe: bool,
}

impl IssueBody {
    /// The visitor said they do not feel safe: on its own, or inside the details they gave.
    fn feels_unsafe(&self) -> bool {
        self.feels_unsafe || self.intake.as_ref().is_some_and(|i| i.feels_unsafe)
    }
}

fn normal() -> PriorityInput {
    PriorityInput::Normal
}

#[derive(Serialize)]
pub struct IssuedDto {
    pub id: i64,
    pub label: String,
    pub service: String,
    pub state: &'static str,
    pub people_ahead: u32,
    pub estimated_wait_minutes: u32,
    pub status_token: String,
    pub status_path: String,
    pub issued_at: String,
    pub service_day: String,
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers.get("idempotency-key").ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "يلزم ترويسة Idempotency-Key",
            "the Idempotency-Key header is required",
        )
    })?;
    let key = key.to_str().unwrap_or("");
    let ok = (16..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "مفتاح الطلب غير صالح",
            "Idempotency-Key must be 16-64 characters of A-Z, a-z, 0-9, - and _",
        ));
    }
    Ok(key.to_string())
}

/// `POST /api/v1/tickets`: issues a ticket; a retry with the same `Idempotency-Key` returns the same one.
pub async fn issue(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: AppJson<IssueBody>,
) -> Result<(StatusCode, Json<IssuedDto>), ApiError> {
    let device = caller.device(Permission::Kiosk)?;
    let key = idempotency_key(&headers)?;
    let b = body.value;
    if s.config.service(&b.service).is_none() {
        return Err(ApiError::unprocessable(
            "unknown_service",
            "service",
            "الخدمة غير موجودة",
            format!("unknown service {:?}", b.service),
        ));
    }
    let intake = match &b.intake {
        Some(i) => Some(i.validate(&s.config.intake_notice.version)?),
        None => None,
    };
    let feels_unsafe = b.feels_unsafe();
    let request = IssueRequest {
        service: b.service,
        priority: crate::domain::needs::class_for(
            match b.priority {
                PriorityInput::Normal => Priority::Normal,
                PriorityInput::Priority => Priority::Priority,
            },
            &b.intake
                .as_ref()
                .map(|i| i.needs.for_priority())
                .unwrap_or_default(),
        ),
        gender_preference: b.gender_preference.map(|g| match g {
            GenderInput::Female => Gender::Female,
            GenderInput::Male => Gender::Male,
        }),
    };
    let cmd = IssueCommand {
        device,
        idempotency_key: key,
        request_hash: Sha256::digest(&body.raw).into(),
        request,
        intake,
        feels_unsafe,
    };
    let t = commands::issue_ticket(&s.engine, cmd).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedDto {
            id: t.id,
            label: t.label,
            service: t.service,
            state: "waiting",
            people_ahead: t.people_ahead,
            estimated_wait_minutes: t.estimated_wait_minutes,
            status_path: format!("/t/{}", t.status_token),
            status_token: t.status_token,
            issued_at: local_time(t.issued_at),
            service_day: t.service_day.to_string(),
        }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintReport {
    pub printed: bool,
    /// What the printer said: why it did not print, or `paper_near_end` while it still prints.
    #[serde(default)]
    pub trouble: Option<commands::PrinterTrouble>,
}

/// `POST /api/v1/tickets/{id}/print-report`: the kiosk says whether the ticket came out of the printer.
pub async fn print_report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<PrintReport>,
) -> Result<StatusCode, ApiError> {
    let device = caller.device(Permission::Kiosk)?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let PrintReport { printed, trouble } = body.value;
    commands::report_print(&s.engine, device, id, printed, trouble).await?;
    Ok(StatusCode::NO_CONTENT)
}
