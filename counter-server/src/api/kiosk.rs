//! Routes the ticket kiosk calls: services, the consent notice, issuing, printing reports.

use awn_core::Bi;
use awn_core::wire::{
    Gender as GenderInput, IssuedTicket, Notice, PrintReport, Priority as PriorityInput, Service,
    Services, TicketRequest,
};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use crate::auth::Permission;
use crate::commands::{self, IssueCommand, KeyedIssuer};
use crate::domain::{Channel, Gender, IssueRequest, Priority};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::local_time;
use crate::input::intake;

/// `GET /api/v1/services`: the services with their public names and current waiting counts.
#[utoipa::path(
    get,
    path = "/api/v1/services",
    tag = "kiosk",
    summary = "Services with public names, hints, waiting counts (kiosk, staff), and whether \
               tickets are issued now: open, the next opening (opens_at, Riyadh time) and the \
               seconds until that changes (the evening cut-off or the opening)",
    responses((status = 200, body = Services))
)]
pub async fn services(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Services>, ApiError> {
    let for_kiosk = caller.require(Permission::Kiosk).is_ok();
    if !for_kiosk {
        caller.require(Permission::ReadQueue)?;
    }
    let config = s.config();
    let (services, opening, opens_at, now) = s
        .engine
        .read(move |ctx| {
            let waiting = ctx.queue.waiting_by_service(ctx.now);
            let services = config
                .services
                .iter()
                .filter(|c| !(c.hidden && for_kiosk))
                .map(|c| {
                    let n = waiting.get(&c.code).map_or(0, |w| w.0);
                    Service {
                        code: c.code.clone(),
                        prefix: c.prefix.clone(),
                        name: Bi::new(&c.name_ar, &c.name_en),
                        hint: Bi::new(&c.hint_ar, &c.hint_en),
                        waiting: n,
                        estimated_wait_minutes: ctx.queue.estimated_wait_minutes(&c.code, n),
                        hidden: c.hidden,
                    }
                })
                .collect();
            let opening = ctx.hours.at(ctx.now);
            (services, opening, ctx.hours.opens_next(ctx.now), ctx.now)
        })
        .await?;
    Ok(Json(Services {
        services,
        open: opening.issues_tickets(),
        opens_at: opens_at.map(local_time),
        changes_in_seconds: opening
            .changes_at()
            .map(|at| (at - now).num_seconds().max(0) as u64),
    }))
}

/// `GET /api/v1/intake-notice`: the consent notice the kiosk shows before asking for details.
#[utoipa::path(
    get,
    path = "/api/v1/intake-notice",
    tag = "kiosk",
    summary = "The consent notice shown before asking for details (kiosk), or read aloud by \
               reception before it takes them (reception, supervisor)",
    responses((status = 200, body = Notice))
)]
pub async fn intake_notice(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Json<Notice>, ApiError> {
    if caller.require(Permission::Kiosk).is_err() {
        caller.require(Permission::IssueAtReception)?;
    }
    let n = &s.config().intake_notice;
    Ok(Json(Notice {
        version: n.version.clone(),
        text: Bi::new(&n.ar, &n.en),
    }))
}

pub(super) fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers.get("idempotency-key").ok_or_else(|| {
        ApiError::bad_request(
            "idempotency_key_required",
            "يلزم ترويسة Idempotency-Key",
            "The Idempotency-Key header is required",
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
#[utoipa::path(
    post,
    path = "/api/v1/tickets",
    tag = "kiosk",
    summary = "Issue a ticket (kiosk). A retry with the same Idempotency-Key returns the same \
               ticket; the same key with another body is 409 idempotency_key_reused.",
    params((
        "Idempotency-Key" = String,
        Header,
        description = "16-64 characters of A-Z, a-z, 0-9, - and _; one per visitor's request",
        min_length = 16,
        max_length = 64,
        pattern = "^[A-Za-z0-9_-]{16,64}$"
    )),
    request_body(
        content = TicketRequest,
        example = json!({"service": "inquiry", "priority": "normal", "gender_preference": "female"})
    ),
    responses(
        (status = 201, body = IssuedTicket),
        (status = 409, description = "branch_closed: outside the opening hours or after the \
                                      evening cut-off, with opens_at (the next opening, Riyadh \
                                      time); idempotency_key_reused", body = awn_core::wire::ErrorBody)
    )
)]
pub async fn issue(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    body: AppJson<TicketRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>), ApiError> {
    let device = caller.device(Permission::Kiosk)?;
    let key = idempotency_key(&headers)?;
    let (request, intake, feels_unsafe) = issue_request(&s, body.value, Channel::Kiosk)?;
    let cmd = IssueCommand {
        issuer: KeyedIssuer::Kiosk(device),
        audit: None,
        idempotency_key: key,
        request_hash: Sha256::digest(&body.raw).into(),
        request,
        intake,
        feels_unsafe,
    };
    let t = commands::issue_ticket(&s.engine, cmd).await?;
    Ok((StatusCode::CREATED, Json(issued_wire(t))))
}

/// The kiosk's choices turned into a queue request, the validated intake and the unsafe flag:
/// the one rule set for the kiosk and for reception (`api::reception`).
pub(super) fn issue_request(
    s: &AppState,
    b: TicketRequest,
    channel: Channel,
) -> Result<(IssueRequest, Option<intake::Intake>, bool), ApiError> {
    let config = s.config();
    // A service hidden in administration takes no new tickets (its line is still served).
    if config.service(&b.service).is_none_or(|c| c.hidden) {
        return Err(ApiError::unprocessable(
            "unknown_service",
            "service",
            "الخدمة غير موجودة",
            format!("Unknown service {:?}", b.service),
        ));
    }
    let intake = match &b.intake {
        Some(i) => Some(intake::validate(i, &config.intake_notice.version)?),
        None => None,
    };
    let feels_unsafe = b.feels_unsafe_anywhere();
    let request = IssueRequest {
        service: b.service,
        priority: crate::domain::needs::class_for(
            match b.priority {
                PriorityInput::Normal => Priority::Normal,
                PriorityInput::Priority => Priority::Priority,
            },
            &crate::domain::needs::Needs {
                feels_unsafe,
                ..b.intake
                    .as_ref()
                    .map(|i| intake::for_priority(&i.needs))
                    .unwrap_or_default()
            },
        ),
        gender_preference: b.gender_preference.map(|g| match g {
            GenderInput::Female => Gender::Female,
            GenderInput::Male => Gender::Male,
        }),
        channel,
        slot: None,
    };
    Ok((request, intake, feels_unsafe))
}

pub(super) fn issued_wire(t: commands::IssuedTicket) -> IssuedTicket {
    IssuedTicket {
        id: t.id,
        label: t.label,
        service: t.service,
        state: "waiting".into(),
        people_ahead: t.people_ahead,
        estimated_wait_minutes: t.estimated_wait_minutes,
        status_path: format!("/t/{}", t.status_token),
        status_token: t.status_token,
        issued_at: local_time(t.issued_at),
        service_day: t.service_day.to_string(),
    }
}

/// `POST /api/v1/tickets/{id}/print-report`: the kiosk says whether the ticket came out of the printer.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/print-report",
    tag = "kiosk",
    summary = "The kiosk reports whether the ticket printed and what the printer said; false \
               raises a not_printed alert with the reason, paper_near_end on a printed ticket one \
               printer alert (none other while it is open)",
    params(super::doc::IdPath),
    request_body(content = PrintReport, example = json!({"printed": false, "trouble": "paper_out"})),
    responses((status = 204, description = "Recorded"))
)]
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
