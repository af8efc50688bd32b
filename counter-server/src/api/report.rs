//! `GET /api/v1/report/daily.csv?day`: the end-of-day report (`crate::daily_report`) as CSV, the
//! same figures as the printed page `/console/report`. Supervisors and admins; no personal data.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::auth::Permission;
use crate::commands::daily_report::daily_report;
use crate::daily_report::to_csv;
use crate::domain::Role;
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, report_day};

#[utoipa::path(
    get,
    path = "/api/v1/report/daily.csv",
    tag = "metrics",
    summary = "The end-of-day report of one service day as CSV (section,key,metric,value; UTF-8 \
               with BOM; the printed page's figures): per branch and service issued, served, \
               no-shows, referrals, registered requests, waits against each service's target, \
               satisfaction from 10 ratings (empty below), and the open follow-ups. Supervisors \
               and admins; counts only.",
    params(
        ("day" = Option<NaiveDate>, Query, description = "The service day (YYYY-MM-DD), today by default; not after today"),
    ),
    responses((status = 200, body = String, content_type = "text/csv"))
)]
pub async fn daily_csv(
    State(s): State<AppState>,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let me = caller.staff(Permission::ReadMetrics)?;
    let now = s.clock.now();
    let (day, _) = report_day(q, service_day(now))?;
    let viewer = (me.role == Role::Supervisor).then_some(me.id);
    let report = daily_report(&s.reads, &s.config(), now, day, viewer).await?;
    let mut res = format!("\u{FEFF}{}", to_csv(&report)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"awn-daily-report-{day}.csv\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
