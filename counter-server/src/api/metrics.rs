//! Metrics for the console: the summary (everything for supervisors and admins; one's own
//! aggregate for reception and researchers, and only with enough ratings), the CSV export, and the
//! Prometheus text for `GET /metrics` (its own token).

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Permission;
use crate::commands::metrics::compute;
use crate::domain::Role;
use crate::domain::model::Channel;
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, period};
use crate::maintenance::last_backup;
use crate::metrics::{self, ContactRequest, StaffAggregate, Summary};

/// The summary as a supervisor or an admin sees it, or a staff member's own aggregate.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[schema(as = MetricsSummary)]
pub enum SummaryDto {
    Full(Box<FullDto>),
    Own(OwnDto),
}

#[derive(Serialize, ToSchema)]
#[schema(as = MetricsFull)]
pub struct FullDto {
    #[serde(flatten)]
    pub summary: Summary,
    /// Supervisors only (the quality officer); never the requests about visits they served.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_requests: Option<Vec<ContactRequest>>,
}

#[derive(Serialize, ToSchema)]
#[schema(as = MetricsOwn)]
pub struct OwnDto {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub min_staff_ratings: usize,
    /// `null` under `min_staff_ratings` ratings.
    #[schema(required = true)]
    pub own: Option<StaffAggregate>,
}

/// `GET /api/v1/metrics/summary?from&to[&staff]`
#[utoipa::path(
    get,
    path = "/api/v1/metrics/summary",
    tag = "metrics",
    summary = "Satisfaction and queue metrics for a period (default: the last 30 days). \
               Supervisors and admins: everything; reception and researchers: their own \
               aggregate only (staff= another id is 403).",
    params(
        ("from" = Option<NaiveDate>, Query, description = "First service day (YYYY-MM-DD)"),
        ("to" = Option<NaiveDate>, Query, description = "Last service day (YYYY-MM-DD), today by default"),
        ("staff" = Option<i64>, Query, description = "Reception and researchers: their own id only"),
    ),
    responses((status = 200, body = SummaryDto))
)]
pub async fn summary(
    State(s): State<AppState>,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Json<SummaryDto>, ApiError> {
    let me = caller.staff(Permission::OwnMetrics)?;
    let today = service_day(s.clock.now());
    let (from, to, q) = period(q, today)?;
    if caller.require(Permission::ReadMetrics).is_ok() {
        let served_by = (me.role == Role::Supervisor).then_some(me.id);
        let supervisor = me.role == Role::Supervisor;
        let (summary, contacts) = compute(&s.reads, s.clock.now(), from, to, move |i| {
            (
                metrics::summary(i),
                supervisor.then(|| metrics::contact_requests(i, served_by)),
            )
        })
        .await?;
        return Ok(Json(SummaryDto::Full(Box::new(FullDto {
            summary,
            contact_requests: contacts,
        }))));
    }
    // Staff: their own aggregate only, never another's, and never today's (no single rating can be
    // read off a change in real time).
    if let Some(other) = q.get("staff")
        && other.parse::<i64>().ok() != Some(me.id)
    {
        return Err(ApiError::forbidden());
    }
    let to = to.min(today - Duration::days(1));
    let own = if from <= to {
        compute(&s.reads, s.clock.now(), from, to, move |i| {
            metrics::own_aggregate(i, me.id)
        })
        .await?
    } else {
        None
    };
    Ok(Json(SummaryDto::Own(OwnDto {
        from,
        to,
        min_staff_ratings: metrics::MIN_STAFF_RATINGS,
        own,
    })))
}

/// `GET /api/v1/metrics/export.csv?from&to`: the summary as CSV (formula cells guarded).
#[utoipa::path(
    get,
    path = "/api/v1/metrics/export.csv",
    tag = "metrics",
    summary = "The summary as CSV (section,key,metric,value; UTF-8 with BOM; cells starting \
               with = + - @ are prefixed with '). Supervisors and admins.",
    params(
        ("from" = Option<NaiveDate>, Query, description = "First service day (YYYY-MM-DD)"),
        ("to" = Option<NaiveDate>, Query, description = "Last service day (YYYY-MM-DD), today by default"),
    ),
    responses((status = 200, body = String, content_type = "text/csv"))
)]
pub async fn export_csv(
    State(s): State<AppState>,
    caller: Caller,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    caller.staff(Permission::ReadMetrics)?;
    let (from, to, _) = period(q, service_day(s.clock.now()))?;
    let csv = compute(&s.reads, s.clock.now(), from, to, |i| {
        metrics::to_csv(&metrics::summary(i))
    })
    .await?;
    let disposition = format!("attachment; filename=\"awn-metrics-{from}-{to}.csv\"");
    let mut res = format!("\u{FEFF}{csv}").into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

fn esc(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Adds `label` (`key="value"`) first into a sample's labels: `""`, `{a="b"}` or `_sum{a="b"}`.
fn with_label(labels: &str, label: &str) -> String {
    match labels.split_once('{') {
        Some((suffix, "}")) => format!("{suffix}{{{label}}}"),
        Some((suffix, rest)) => format!("{suffix}{{{label},{rest}"),
        None => format!("{labels}{{{label}}}"),
    }
}

/// `GET /metrics`: Prometheus text format, for a scraper token made with `add-metrics-token`.
pub async fn prometheus(
    State(s): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(ApiError::unauthenticated)?;
    if !crate::commands::metrics::scraper_allowed(&s.reads, token).await? {
        return Err(ApiError::unauthenticated());
    }
    let snap = crate::commands::snapshot(&s.engine).await?;
    let today = service_day(s.clock.now());
    let c = crate::commands::metrics::counters(&s.reads, today).await?;
    let outbox = crate::commands::metrics::outbox_state(&s.reads).await?;
    let (hooks_pending, hooks_dead) = crate::commands::metrics::webhook_counts(&s.reads).await?;
    let config = s.config();
    let branch = format!("branch=\"{}\"", esc(&config.branch.id));
    let mut out = String::new();
    // Every series carries the branch, first among its labels.
    let mut family = |name: &str, kind: &str, help: &str, samples: Vec<(String, String)>| {
        out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n"));
        for (labels, value) in samples {
            let labels = with_label(&labels, &branch);
            out.push_str(&format!("{name}{labels} {value}\n"));
        }
    };
    let svc = |s: &str| format!("{{service=\"{}\"}}", esc(s));
    let mut services: Vec<String> = config.services.iter().map(|x| x.code.clone()).collect();
    services.sort();
    let line = |code: &str| snap.lines.iter().find(|l| l.service == code);
    family(
        "awn_queue_length",
        "gauge",
        "Visitors waiting now, per service.",
        services
            .iter()
            .map(|c| (svc(c), line(c).map_or(0, |l| l.waiting).to_string()))
            .collect(),
    );
    family(
        "awn_queue_longest_wait_seconds",
        "gauge",
        "How long the longest-waiting visitor has waited, per service.",
        services
            .iter()
            .map(|c| {
                (
                    svc(c),
                    line(c)
                        .map_or(0, |l| l.longest_wait_minutes * 60)
                        .to_string(),
                )
            })
            .collect(),
    );
    let on_duty = snap.desks.iter().filter(|d| d.on_duty.is_some()).count();
    let paused = snap.desks.iter().filter(|d| d.paused).count();
    family(
        "awn_desks_open",
        "gauge",
        "Desks with a staff member signed in.",
        vec![(String::new(), on_duty.to_string())],
    );
    family(
        "awn_desks_paused",
        "gauge",
        "Desks on a break.",
        vec![(String::new(), paused.to_string())],
    );
    // Today's waits as a summary: quantiles where there is data, and _sum/_count for every
    // configured service (0 before its first call), so rates and averages need no guessing.
    let mut waits = Vec::new();
    for code in &services {
        let mut v = c
            .waits_today
            .iter()
            .find(|(s, _)| s == code)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        v.sort_unstable();
        for (q, p) in [("0.5", 50), ("0.9", 90)] {
            if let Some(x) = metrics::percentile(&v, p) {
                waits.push((
                    format!("{{service=\"{}\",quantile=\"{q}\"}}", esc(code)),
                    x.to_string(),
                ));
            }
        }
        waits.push((
            format!("_sum{}", svc(code)),
            v.iter().sum::<i64>().to_string(),
        ));
        waits.push((format!("_count{}", svc(code)), v.len().to_string()));
    }
    family(
        "awn_wait_today_seconds",
        "summary",
        "Waits of today's called visitors (arrival in the room to first call), median and p90, per service.",
        waits,
    );
    // Counters start at 0 for every configured service, so a line that had no event yet is
    // still a series (an absent series breaks rate() and alerts).
    let per_service = |counts: &[(String, i64)]| -> Vec<(String, String)> {
        services
            .iter()
            .map(|code| {
                let n = counts
                    .iter()
                    .find(|(s, _)| s == code)
                    .map_or(0, |(_, n)| *n);
                (svc(code), n.to_string())
            })
            .collect()
    };
    family(
        "awn_tickets_issued_total",
        "counter",
        "Tickets issued, per service.",
        per_service(&c.issued),
    );
    family(
        "awn_tickets_issued_by_channel_total",
        "counter",
        "Tickets issued, per channel (kiosk, reception, remote: joined by phone, appointment).",
        Channel::ALL
            .iter()
            .map(|ch| {
                let n = c
                    .issued_by_channel
                    .iter()
                    .find(|(s, _)| s == ch.as_str())
                    .map_or(0, |(_, n)| *n);
                (format!("{{channel=\"{}\"}}", ch.as_str()), n.to_string())
            })
            .collect(),
    );
    family(
        "awn_calls_total",
        "counter",
        "Calls and recalls of visitors to a desk, per service.",
        per_service(&c.calls),
    );
    family(
        "awn_ratings_total",
        "counter",
        "Ratings given by visitors, per score (1-5).",
        (1..=5)
            .map(|score| {
                let n = c
                    .ratings
                    .iter()
                    .find(|(s, _)| *s == score)
                    .map_or(0, |(_, n)| *n);
                (format!("{{score=\"{score}\"}}"), n.to_string())
            })
            .collect(),
    );
    family(
        "awn_build_info",
        "gauge",
        "The running server's version (always 1).",
        vec![(
            format!("{{version=\"{}\"}}", env!("CARGO_PKG_VERSION")),
            "1".into(),
        )],
    );
    family(
        "awn_last_backup_timestamp_seconds",
        "gauge",
        "When the newest backup in the backup folder was written (Unix time; 0 = none).",
        vec![(String::new(), last_backup(&config).to_string())],
    );
    family(
        "awn_last_purge_timestamp_seconds",
        "gauge",
        "When the retention purge last ran (Unix time; 0 = not yet since start-up).",
        vec![(String::new(), s.maintenance.last_purge().to_string())],
    );
    family(
        "awn_outbox_backlog",
        "gauge",
        "Roll-up facts waiting to be shipped to head office.",
        vec![(String::new(), outbox.backlog.to_string())],
    );
    family(
        "awn_outbox_oldest_fact_timestamp_seconds",
        "gauge",
        "When the oldest roll-up fact waiting to be shipped happened (Unix time; 0 = none waiting).",
        vec![(
            String::new(),
            outbox.oldest.map_or(0, |t| t.timestamp()).to_string(),
        )],
    );
    family(
        "awn_outbox_dropped_total",
        "counter",
        "Roll-up facts dropped unshipped because the outbox was full (store::outbox::MAX_ROWS).",
        vec![(String::new(), outbox.dropped.to_string())],
    );
    family(
        "awn_rollup_last_ship_timestamp_seconds",
        "gauge",
        "When head office last committed a batch of this branch's roll-up facts (Unix time; 0 = not since start-up).",
        vec![(String::new(), s.shipping.last_ship().to_string())],
    );
    family(
        "awn_rollup_ship_failures_total",
        "counter",
        "Attempts to ship roll-up facts to head office that failed (connecting, sending or marking them), since start-up.",
        vec![(String::new(), s.shipping.failures().to_string())],
    );
    family(
        "awn_webhook_deliveries_pending",
        "gauge",
        "Webhook deliveries waiting to be sent (or retried).",
        vec![(String::new(), hooks_pending.to_string())],
    );
    family(
        "awn_webhook_deliveries_dead",
        "gauge",
        "Webhook deliveries that gave up after every retry, until an admin replays them.",
        vec![(String::new(), hooks_dead.to_string())],
    );
    let mut res = out.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
