//! Routes that act on one ticket at a desk: recall, start, finish, no-show, return, refer,
//! transfer, cancel (each a transition of the state machine in `domain::transitions`), and
//! raising a waiting ticket's class.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::commands;
use crate::domain::{Action, Outcome, Priority, TransferTarget};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{AppJson, Caller, parse_id};
use crate::http::views::StaffTicket;
use crate::input::text;

/// Reasons and notes are short free text; they are shown to staff only.
pub const REASON_MAX_CHARS: usize = 500;

async fn run(
    s: &AppState,
    caller: &Caller,
    raw_id: &str,
    action: Action,
) -> Result<Json<StaffTicket>, ApiError> {
    let (staff, supervisor) = caller.desk_or_supervisor()?;
    let id = parse_id(raw_id, "id", i64::MAX)?;
    let v = commands::act(&s.engine, id, action, staff.id, supervisor).await?;
    Ok(Json(StaffTicket::from(&v)))
}

/// `POST /api/v1/tickets/{id}/recall`: announce the same ticket again at the same desk.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/recall",
    tag = "desk",
    summary = "Announce the called ticket again (same desk)",
    params(super::doc::IdPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn recall(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    run(&s, &caller, &id, Action::Recall).await
}

/// `POST /api/v1/tickets/{id}/start`: the visitor arrived at the desk.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/start",
    tag = "desk",
    summary = "The visitor arrived: called -> serving",
    params(super::doc::IdPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn start(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    run(&s, &caller, &id, Action::Start).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
#[schema(as = Outcome)]
pub enum OutcomeInput {
    InformationGiven,
    SupportRequestRegistered,
    ReferredElsewhere,
    Other,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishBody {
    pub outcome: OutcomeInput,
    /// An optional closing note, for staff only.
    #[serde(default)]
    pub note: Option<String>,
}

/// A finished ticket, and for a registered support request its follow-up (policy 6.5).
#[derive(Serialize, ToSchema)]
#[schema(as = Finished)]
pub struct FinishedDto {
    #[serde(flatten)]
    pub ticket: StaffTicket,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<super::console::FollowUpDto>,
}

/// `POST /api/v1/tickets/{id}/finish`
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/finish",
    tag = "desk",
    summary = "serving -> done with an outcome and an optional note; a registered support \
               request opens a follow-up (earliest committee answer = visit date + 14 days); \
               before the visitor arrived (start): 409 not_arrived",
    params(super::doc::IdPath),
    request_body(content = FinishBody, example = json!({"outcome": "information_given"})),
    responses((status = 200, body = FinishedDto))
)]
pub async fn finish(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<FinishBody>,
) -> Result<Json<FinishedDto>, ApiError> {
    let outcome = match body.value.outcome {
        OutcomeInput::InformationGiven => Outcome::InformationGiven,
        OutcomeInput::SupportRequestRegistered => Outcome::SupportRequestRegistered,
        OutcomeInput::ReferredElsewhere => Outcome::ReferredElsewhere,
        OutcomeInput::Other => Outcome::Other,
    };
    let note = match body.value.note.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(n) => Some(text::required("note", n, REASON_MAX_CHARS)?),
    };
    let (staff, supervisor) = caller.desk_or_supervisor()?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let done = commands::visit::finish(&s.engine, id, outcome, note, staff.id, supervisor).await?;
    Ok(Json(FinishedDto {
        ticket: StaffTicket::from(&done.ticket),
        follow_up: done
            .follow_up
            .map(|(visit, earliest, reference)| super::console::FollowUpDto {
                visit_date: visit.to_string(),
                earliest_answer_date: earliest.to_string(),
                reference: Some(reference),
            }),
    }))
}

/// `POST /api/v1/tickets/{id}/no-show`
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/no-show",
    tag = "desk",
    summary = "called -> no_show",
    params(super::doc::IdPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn no_show(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    run(&s, &caller, &id, Action::NoShow).await
}

/// `POST /api/v1/tickets/{id}/return`: back to the line, keeping the place by issue time.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/return",
    tag = "desk",
    summary = "Back to the line, keeping the place by issue time",
    params(super::doc::IdPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn return_to_queue(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    run(&s, &caller, &id, Action::ReturnToQueue).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferBody {
    pub reason: String,
}

/// `POST /api/v1/tickets/{id}/refer`: to the social researchers (policy 6.3), keeping the place.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/refer",
    tag = "desk",
    summary = "Refer to the social researchers with a reason (policy 6.3), keeping the place; a \
               social-research desk does not refer: 409 refer_at_research_desk",
    params(super::doc::IdPath),
    request_body(content = ReferBody, example = json!({"reason": "needs a social researcher"})),
    responses((status = 200, body = StaffTicket))
)]
pub async fn refer(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<ReferBody>,
) -> Result<Json<StaffTicket>, ApiError> {
    let reason = text::required("reason", &body.value.reason, REASON_MAX_CHARS)?;
    run(&s, &caller, &id, Action::Refer { reason }).await
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub desk: Option<i64>,
}

/// `POST /api/v1/tickets/{id}/transfer`: to another service's line or to one named desk.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/transfer",
    tag = "desk",
    summary = "Transfer to another service's line or to one named desk (exactly one of service, \
               desk). A waiting ticket only from a desk serving its line (403 not_your_line); \
               supervisors anywhere (audited)",
    params(super::doc::IdPath),
    request_body(content = TransferBody, example = json!({"desk": 2})),
    responses((status = 200, body = StaffTicket))
)]
pub async fn transfer(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<TransferBody>,
) -> Result<Json<StaffTicket>, ApiError> {
    let target = match (body.value.service, body.value.desk) {
        (Some(service), None) => TransferTarget::Service(text::required("service", &service, 40)?),
        (None, Some(desk)) => TransferTarget::Desk(parse_id(&desk.to_string(), "desk", 999)?),
        _ => {
            return Err(ApiError::unprocessable(
                "transfer_target",
                "service",
                "حدد خدمة أو مكتبًا واحدًا",
                "Give exactly one of service or desk",
            ));
        }
    };
    run(&s, &caller, &id, Action::Transfer(target)).await
}

/// `POST /api/v1/tickets/{id}/cancel`
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/cancel",
    tag = "desk",
    summary = "waiting|called -> cancelled. A waiting ticket only from a desk serving its line \
               (403 not_your_line); supervisors anywhere (audited)",
    params(super::doc::IdPath),
    responses((status = 200, body = StaffTicket))
)]
pub async fn cancel(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StaffTicket>, ApiError> {
    run(&s, &caller, &id, Action::Cancel).await
}

/// The classes a desk may raise a ticket to (never `normal`: a class is only raised).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RaisedClass {
    Priority,
    Urgent,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityBody {
    pub priority: RaisedClass,
}

/// `POST /api/v1/tickets/{id}/priority`: raise a waiting ticket's class (audited); it keeps its
/// label and issue time. No reason is asked for: nobody is shown why.
#[utoipa::path(
    post,
    path = "/api/v1/tickets/{id}/priority",
    tag = "desk",
    summary = "Raise a waiting ticket's class: normal -> priority -> urgent; it keeps its label \
               and issue time and moves within its line. Only from a desk serving its line (403 \
               not_your_line); supervisors anywhere (audited). 409 priority_not_raised (same or \
               lower class), 409 ticket_not_waiting. One audit row (raise_to_<class>); no reason \
               is asked for or shown",
    params(super::doc::IdPath),
    request_body(content = PriorityBody, example = json!({"priority": "urgent"})),
    responses((status = 200, body = StaffTicket))
)]
pub async fn raise_priority(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: AppJson<PriorityBody>,
) -> Result<Json<StaffTicket>, ApiError> {
    let to = match body.value.priority {
        RaisedClass::Priority => Priority::Priority,
        RaisedClass::Urgent => Priority::Urgent,
    };
    let (staff, supervisor) = caller.desk_or_supervisor()?;
    let id = parse_id(&id, "id", i64::MAX)?;
    let v = commands::raise_priority(&s.engine, id, to, staff.id, staff.role, supervisor).await?;
    Ok(Json(StaffTicket::from(&v)))
}
