//! `GET /console/report?day=YYYY-MM-DD`: the printable end-of-day report (A4, Arabic first,
//! `?lang=en` for English) of `crate::daily_report`, for supervisors and admins. Counts, waits
//! and shares only: no visitor's name, ID, phone, label or comment. On paper
//! (`/assets/report.css`) only the report itself is printed, without the console's bar or form.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::metrics_page::{T, avg, mins, pct};
use crate::auth::Permission;
use crate::commands::daily_report::daily_report;
use crate::daily_report::{DailyReport, satisfaction_shown};
use crate::domain::Role;
use crate::domain::numbering::{riyadh, service_day};
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::{Caller, report_day};
use crate::metrics::Group;

/// A row of a table: the name the reader sees and the group's figures.
struct Line<'a> {
    name: String,
    target: Option<u32>,
    g: &'a Group,
}

fn lines<'a>(t: &T, r: &'a DailyReport) -> (Vec<Line<'a>>, Line<'a>) {
    let services = r
        .services
        .iter()
        .map(|l| Line {
            name: t.service(&l.figures.key),
            target: Some(l.target_wait_minutes),
            g: &l.figures,
        })
        .collect();
    let branch = Line {
        name: t.t("الفرع كله", "Whole branch").to_string(),
        target: None,
        g: &r.branch,
    };
    (services, branch)
}

/// A table with one row per service and the branch's row last, in its footer.
fn table(
    id: &str,
    caption: &str,
    head: &[&str],
    (services, branch): &(Vec<Line<'_>>, Line<'_>),
    cells: impl Fn(&Line<'_>) -> Vec<Cell>,
) -> Markup {
    let row = |l: &Line<'_>| {
        html! {
            tr {
                th scope="row" { (l.name) }
                @for c in cells(l) {
                    @match c {
                        Cell::Figure(v) => td class="ltr" { (v) },
                        Cell::Words(v) => td { (v) },
                    }
                }
            }
        }
    };
    html! {
        table id=(id) {
            caption { (caption) }
            thead { tr { @for h in head { th scope="col" { (h) } } } }
            tbody { @for l in services { (row(l)) } }
            tfoot { (row(branch)) }
        }
    }
}

/// A table cell: a figure (left to right inside an Arabic page) or words.
enum Cell {
    Figure(String),
    Words(String),
}

fn figures(v: impl IntoIterator<Item = String>) -> Vec<Cell> {
    v.into_iter().map(Cell::Figure).collect()
}

fn within(g: &Group) -> String {
    format!("{} ({})", g.within_target, pct(g.within_target_share))
}

fn report(t: &T, r: &DailyReport, branch_name: &str, printed: DateTime<Utc>) -> Markup {
    let rows = lines(t, r);
    let service = t.t("الخدمة", "Service");
    let fewer = format!(
        "{} {} {}",
        t.t("أقل من", "Fewer than"),
        r.min_ratings,
        t.t("تقييمات", "ratings")
    );
    let f = r.follow_ups;
    html! {
        article class="report" {
            header {
                p class="org" { (branch_name) }
                h1 { (t.t("التقرير اليومي", "Daily report")) }
                p {
                    (t.t("يوم الخدمة", "Service day")) ": " b class="ltr" id="report-day" { (r.day) }
                    " " (t.t("(بتوقيت الرياض)", "(Riyadh time)"))
                    " · " (t.t("أُعدّ في", "Drawn at")) " "
                    span class="ltr" { (printed.with_timezone(&riyadh()).format("%Y-%m-%d %H:%M")) }
                }
            }
            (table(
                "visits",
                t.t("الزيارات", "Visits"),
                &[service, t.t("أرقام صادرة", "Issued"), t.t("خُدموا", "Served"),
                  t.t("لم يحضروا", "No-shows"), t.t("إحالات للباحث", "Referrals"),
                  t.t("طلبات مسجلة (اللجنة)", "Registered requests (committee)")],
                &rows,
                |l| figures([l.g.visits.to_string(), l.g.done.to_string(), l.g.no_shows.to_string(),
                             l.g.referrals.to_string(), l.g.support_requests.to_string()]),
            ))
            (table(
                "waits",
                t.t("الانتظار مقابل الهدف", "Waits against the target"),
                &[service, t.t("الهدف (د)", "Target (min)"), t.t("وسيط الانتظار (د)", "Median wait (min)"),
                  t.t("انتظار p90 (د)", "p90 wait (min)"), t.t("خُدموا ضمن الهدف", "Called within target")],
                &rows,
                |l| {
                    let target = l.target.map_or_else(
                        || Cell::Words(t.t("هدف كل خدمة", "Each service's own").to_string()),
                        |m| Cell::Figure(m.to_string()),
                    );
                    let mut cells = vec![target];
                    cells.extend(figures([mins(l.g.wait.median_s), mins(l.g.wait.p90_s), within(l.g)]));
                    cells
                },
            ))
            (table(
                "satisfaction",
                t.t("رضا المستفيدين", "Satisfaction"),
                &[service, t.t("التقييمات", "Ratings"), t.t("الرضا (٤–٥)", "CSAT (4–5)"),
                  t.t("متوسط التقييم", "Average rating"), t.t("ملاحظة", "Note")],
                &rows,
                |l| {
                    let shown = satisfaction_shown(l.g);
                    let mut cells = figures([
                        l.g.ratings.count.to_string(),
                        if shown { pct(l.g.ratings.csat) } else { "—".into() },
                        if shown { avg(l.g.ratings.average) } else { "—".into() },
                    ]);
                    cells.push(Cell::Words(if shown { String::new() } else { fewer.clone() }));
                    cells
                },
            ))
            p class="muted small" {
                "— " (t.t(
                    "لا يُعرض الرضا قبل ١٠ تقييمات على الأقل في اليوم: قد تكون خدمة يوم واحد عمل شخص واحد، والتقييم للتحسين لا للمحاسبة.",
                    "Satisfaction is shown from 10 ratings a day: one service on one day may be one person's work, and ratings are for improvement, not blame."
                ))
            }
            section id="follow-ups" {
                h2 { (t.t("متابعات مفتوحة (عند إعداد التقرير)", "Open follow-ups (when drawn)")) }
                dl {
                    div { dt { (t.t("طلبات تواصل لم تُعالج", "Contact requests not handled")) }
                          dd id="open-contacts" { (f.open_contact_requests) } }
                    div { dt { (t.t("طلبات مسجلة لدى اللجنة مفتوحة", "Registered requests open with the committee")) }
                          dd id="open-requests" { (f.open_committee_requests) } }
                    div { dt { (t.t("منها متأخرة", "Of which overdue")) }
                          dd id="overdue-requests" { (f.overdue_committee_requests) } }
                }
            }
            p class="muted small" {
                (t.t(
                    "أعداد ونسب فقط: لا يحوي التقرير اسم زائر ولا هويته ولا جواله ولا تعليقه.",
                    "Counts and shares only: the report holds no visitor's name, ID, phone or comment."
                ))
            }
        }
    }
}

fn document(t: &T, r: &DailyReport, branch_name: &str, printed: DateTime<Utc>) -> Markup {
    let title = t.t("جمعية عون — التقرير اليومي", "Awn — daily report");
    let (lang, dir, other) = if t.en {
        ("en", "ltr", "ar")
    } else {
        ("ar", "rtl", "en")
    };
    let day = r.day;
    html! {
        (DOCTYPE)
        html lang=(lang) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " " (day) }
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/common.css";
                link rel="stylesheet" href="/assets/console.css";
                link rel="stylesheet" href="/assets/metrics.css";
                link rel="stylesheet" href="/assets/report.css";
                script src="/assets/print.js" defer {}
            }
            body {
                nav class="bar" aria-label=(t.t("التنقل", "Navigation")) {
                    a class="barlink" href={ "/console/report?day=" (day) "&lang=" (other) } {
                        (t.t("English", "العربية"))
                    }
                    a class="barlink" href={ "/console/metrics?from=" (day) "&to=" (day) "&lang=" (lang) } {
                        (t.t("المؤشرات", "Metrics"))
                    }
                    a class="barlink" href="/console" { (t.t("لوحة الموظف", "Staff console")) }
                }
                main {
                    form class="card row screen-only" method="get" action="/console/report" {
                        label { (t.t("اليوم", "Day")) " " input type="date" name="day" value=(day); }
                        input type="hidden" name="lang" value=(lang);
                        button type="submit" { (t.t("عرض", "Show")) }
                        button type="button" data-print { (t.t("طباعة", "Print")) }
                        a id="csv" class="barlink secondary" href={ "/api/v1/report/daily.csv?day=" (day) } download {
                            (t.t("تنزيل CSV", "Download CSV"))
                        }
                    }
                    (report(t, r, branch_name, printed))
                }
            }
        }
    }
}

/// `GET /console/report?day&lang`
pub async fn page(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/console").into_response();
    };
    let Ok(me) = caller.staff(Permission::ReadMetrics) else {
        return ApiError::forbidden().into_response();
    };
    let now = s.clock.now();
    let (day, q) = match report_day(q, service_day(now)) {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let t = T::new(q.get("lang").is_some_and(|l| l == "en"), &s.config());
    let viewer = (me.role == Role::Supervisor).then_some(me.id);
    let r = match daily_report(&s.reads, &s.config(), now, day, viewer).await {
        Ok(r) => r,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let branch = if t.en {
        &s.config().branch.name_en
    } else {
        &s.config().branch.name_ar
    };
    let mut res = Html(document(&t, &r, branch, now).into_string()).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
