//! `GET /api/v1/board`: the supervisor's live board as JSON (`commands::board`). Supervisors and
//! admins; labels, staff display names and desk numbers only.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::board::{self as cmd, BoardView};
use crate::domain::Role;
use crate::domain::wait_level::{RED_PERCENT_OF_TARGET, WaitLevel};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Caller;
use crate::http::views::local_time;
use crate::store::desk_kind_str;

#[derive(Serialize, ToSchema)]
#[schema(as = BoardDesk)]
pub struct BoardDeskDto {
    pub id: u32,
    pub kind: &'static str,
    /// The display name of the staff member signed in there.
    pub staff: Option<String>,
    pub paused: bool,
    /// Since when on duty or on a break; null when unknown (after a restart).
    pub since: Option<String>,
    /// The label of the visitor called to this desk.
    pub visitor: Option<String>,
    pub visitor_called_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardLine)]
pub struct BoardLineDto {
    pub service: String,
    pub name_ar: String,
    pub name_en: String,
    pub waiting: u32,
    pub longest_wait_minutes: i64,
    pub target_wait_minutes: u32,
    /// `ok`, `amber` (from the target) or `red` (from `red_percent_of_target` of it).
    #[schema(value_type = String)]
    pub level: WaitLevel,
    pub estimated_wait_minutes: u32,
    /// Takes new tickets; a supervisor stops and resumes that (`POST /api/v1/services/{code}/offered`).
    pub offered: bool,
    /// Places joined from the phone whose visitors have not checked in yet (not in `waiting`).
    pub away: u32,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardAlert)]
pub struct BoardAlertDto {
    pub id: i64,
    pub kind: String,
    pub reason: Option<String>,
    pub label: String,
    pub raised_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardToday)]
pub struct BoardTodayDto {
    pub issued: u32,
    pub served: u32,
    pub no_shows: u32,
    pub average_wait_minutes: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = Board)]
pub struct BoardDto {
    pub now: String,
    /// The next time a line changes colour without any event: the page reloads the board then.
    pub next_change_at: Option<String>,
    pub red_percent_of_target: i64,
    pub desks: Vec<BoardDeskDto>,
    pub lines: Vec<BoardLineDto>,
    pub alerts: Vec<BoardAlertDto>,
    pub today: BoardTodayDto,
    /// Ratings' contact requests not yet handled, of any day (a supervisor's count leaves out
    /// those of visits they served).
    pub open_contact_requests: u32,
    /// Today's appointments by time: `expected`, `arrived` (with the label), `late`, `cancelled`.
    pub appointments: Vec<BoardAppointmentDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = BoardAppointment)]
pub struct BoardAppointmentDto {
    pub starts_at: String,
    pub service: String,
    pub state: &'static str,
    pub label: Option<String>,
}

/// `GET /api/v1/board`
#[utoipa::path(
    get,
    path = "/api/v1/board",
    tag = "console",
    summary = "The supervisor's live board: desks, lines against their target wait (ok, amber, \
               red), open alerts, today's figures and the open contact requests; supervisors and admins",
    responses((status = 200, body = BoardDto))
)]
pub async fn board(State(s): State<AppState>, caller: Caller) -> Result<Json<BoardDto>, ApiError> {
    let me = caller.staff(Permission::ReadMetrics)?;
    let viewer = (me.role == Role::Supervisor).then_some(me.id);
    Ok(Json(dto(cmd::board(&s.engine, viewer).await?)))
}

fn dto(v: BoardView) -> BoardDto {
    BoardDto {
        now: local_time(v.now),
        next_change_at: v.next_change().map(local_time),
        red_percent_of_target: RED_PERCENT_OF_TARGET,
        desks: v
            .desks
            .into_iter()
            .map(|d| BoardDeskDto {
                id: d.id,
                kind: desk_kind_str(d.kind),
                staff: d.staff,
                paused: d.paused,
                since: d.since.map(local_time),
                visitor_called_at: d.visitor.as_ref().map(|(_, at)| local_time(*at)),
                visitor: d.visitor.map(|(label, _)| label),
            })
            .collect(),
        lines: v
            .lines
            .into_iter()
            .map(|l| BoardLineDto {
                service: l.service,
                name_ar: l.name_ar,
                name_en: l.name_en,
                waiting: l.waiting,
                longest_wait_minutes: l.longest_wait_minutes,
                target_wait_minutes: l.target_wait_minutes,
                level: l.level,
                estimated_wait_minutes: l.estimated_wait_minutes,
                offered: l.offered,
                away: l.away,
            })
            .collect(),
        alerts: v
            .alerts
            .into_iter()
            .map(|a| BoardAlertDto {
                id: a.id,
                kind: a.kind,
                reason: a.reason,
                label: a.label,
                raised_at: local_time(a.raised_at),
            })
            .collect(),
        today: BoardTodayDto {
            issued: v.today.issued,
            served: v.today.served,
            no_shows: v.today.no_shows,
            average_wait_minutes: v.today.average_wait_minutes,
        },
        open_contact_requests: v.open_contact_requests,
        appointments: v
            .appointments
            .into_iter()
            .map(|a| BoardAppointmentDto {
                starts_at: local_time(a.starts_at),
                service: a.service,
                state: a.state.as_str(),
                label: a.label,
            })
            .collect(),
    }
}
