//! `GET /console/metrics`: the metrics page, drawn on the server (HTML tables and inline SVG bar
//! charts; no script, no external chart service). Supervisors and admins see everything; other
//! staff their own aggregate only. Arabic first; `?lang=en` for English.
//!
//! Written with maud templates, one function per section: every value is escaped by the template.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate};
use maud::{DOCTYPE, Markup, display, html};

use crate::auth::Permission;
use crate::commands::contact_requests;
use crate::commands::metrics::compute;
use crate::commands::visit::Asker;
use crate::domain::Role;
use crate::domain::StaffId;
use crate::domain::numbering::riyadh;
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Caller;
use crate::http::extract::period;
use crate::http::security::RequestId;
use crate::metrics::{self, Group, StaffAggregate, Summary};
use crate::store::contact_requests::{ContactRow, StaffMark};

/// The page's language, and the names of the branch's services in it (also the daily report's).
pub(super) struct T {
    pub(super) en: bool,
    /// Service code → (Arabic name, English name), from the configuration.
    services: HashMap<String, (String, String)>,
}

impl T {
    pub(super) fn new(en: bool, config: &crate::config::Config) -> Self {
        T {
            en,
            services: config
                .services
                .iter()
                .map(|x| (x.code.clone(), (x.name_ar.clone(), x.name_en.clone())))
                .collect(),
        }
    }

    pub(super) fn t<'a>(&self, ar: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { ar }
    }

    /// A service's name in the page's language (a code no longer configured is shown as is).
    pub(super) fn service(&self, code: &str) -> String {
        self.services.get(code).map_or_else(
            || code.to_string(),
            |(ar, en)| if self.en { en.clone() } else { ar.clone() },
        )
    }

    /// A desk group's name: `metrics` keys desks by number, and "none" for visits that never
    /// reached a desk (cancelled or expired while waiting).
    fn desk(&self, key: &str) -> String {
        match key {
            "none" => self
                .t("لم يصل إلى مكتب", "Never reached a desk")
                .to_string(),
            n => format!("{} {n}", self.t("مكتب", "Desk")),
        }
    }

    /// A channel's name (`Channel::words`); an unknown key is shown as is.
    pub(super) fn channel(&self, key: &str) -> String {
        crate::domain::model::Channel::parse(key).map_or_else(
            || key.to_string(),
            |c| {
                let (ar, en) = c.words();
                self.t(ar, en).to_string()
            },
        )
    }

    /// The reason's wording, the same as on the forms (`awn_core::rating`).
    fn reason(&self, key: &str) -> String {
        match awn_core::rating::Reason::from_key(key) {
            Some(reason) => self
                .t(
                    reason.word(awn_core::Lang::Ar),
                    reason.word(awn_core::Lang::En),
                )
                .to_string(),
            None => key.to_string(),
        }
    }
}

pub(super) fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

pub(super) fn avg(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.2}"))
}

pub(super) fn mins(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |s| format!("{:.1}", s as f64 / 60.0))
}

/// A chart coordinate, to a tenth.
fn at(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart's frame, in SVG units.
const CHART_W: f64 = 640.0;
const CHART_H: f64 = 220.0;
const CHART_SIDE: f64 = 10.0;
const CHART_BOTTOM: f64 = 40.0;
const CHART_TOP: f64 = 24.0;
const AXIS: &str = "#5b6b78";

/// Where one value of a bar chart is drawn.
struct BarPlace {
    /// The bar's left edge and top, and its height (0 without data).
    x: f64,
    y: f64,
    height: f64,
    /// The bar's centre, where its value and label are written.
    centre: f64,
}

/// The bars' places: equal slots across the frame, heights scaled to the largest value. In
/// right-to-left order the first value takes the rightmost slot.
fn bar_places(values: &[(String, Option<f64>)], rtl: bool) -> (f64, Vec<BarPlace>) {
    let n = values.len().max(1) as f64;
    let max = values
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let slot = (CHART_W - 2.0 * CHART_SIDE) / n;
    let width = (slot * 0.7).max(1.0);
    let places = values
        .iter()
        .enumerate()
        .map(|(i, (_, v))| {
            let place = if rtl { values.len() - 1 - i } else { i };
            let height = v.map_or(0.0, |v| (CHART_H - CHART_BOTTOM - CHART_TOP) * v / max);
            let x = CHART_SIDE + slot * place as f64 + (slot - width) / 2.0;
            BarPlace {
                x,
                y: CHART_H - CHART_BOTTOM - height,
                height,
                centre: x + width / 2.0,
            }
        })
        .collect();
    (width, places)
}

/// A vertical bar chart as inline SVG. `values` are (label, value), `None` where there is no data
/// (drawn as "—" with no bar, never as a zero); `shown` formats a value. In Arabic (`rtl`) the
/// first value is on the right, as the eye reads. Every value is written above its bar up to 24
/// values; below the axis, every label up to 10 values, then every n-th.
pub fn bar_chart(
    name: &str,
    values: &[(String, Option<f64>)],
    shown: impl Fn(f64) -> String,
    rtl: bool,
) -> Markup {
    let (width, places) = bar_places(values, rtl);
    let every = values.len().div_ceil(10).max(1);
    let axis_y = CHART_H - CHART_BOTTOM;
    html! {
        svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (CHART_W) " " (CHART_H) }
            role="img" aria-label=(name) direction="ltr" {
            title { (name) }
            // An empty SVG element is closed explicitly: in HTML, `<line>` alone would hold the bars.
            line x1=(CHART_SIDE) y1=(axis_y) x2=(CHART_W - CHART_SIDE) y2=(axis_y) stroke=(AXIS)
                stroke-width="1" {}
            @for (i, ((label, v), p)) in values.iter().zip(&places).enumerate() {
                @let value = v.map_or_else(|| "—".to_string(), &shown);
                @if v.is_some() {
                    rect x=(at(p.x)) y=(at(p.y)) width=(at(width)) height=(at(p.height)) fill="#0f5c63" {
                        title { (label) " " (value) }
                    }
                }
                @if values.len() <= 24 {
                    text x=(at(p.centre)) y=(at(p.y - 4.0)) font-size="11" text-anchor="middle"
                        fill="#1d2b36" { (value) }
                }
                @if i % every == 0 {
                    text x=(at(p.centre)) y=(at(axis_y + 16.0)) font-size="11" text-anchor="middle"
                        fill=(AXIS) { (label) }
                }
            }
        }
    }
}

fn kpi(label: &str, value: &str, id: &str) -> Markup {
    html! {
        div class="kpi" {
            span class="kpi-label" { (label) }
            b class="kpi-value ltr" id={ "kpi-" (id) } { (value) }
        }
    }
}

/// The period's headline figures.
fn summary_figures(t: &T, s: &Summary) -> Markup {
    let g = &s.total;
    let within = format!(
        "{} {} {}",
        t.t("خُدم خلال", "Called within"),
        s.target_wait_minutes,
        t.t("دقيقة", "min")
    );
    html! {
        section class="kpis" {
            (kpi(t.t("الزيارات", "Visits"), &g.visits.to_string(), "visits"))
            (kpi(t.t("الرضا (٤–٥)", "CSAT (4–5)"), &pct(g.ratings.csat), "csat"))
            (kpi(t.t("متوسط التقييم", "Average rating"), &avg(g.ratings.average), "average"))
            (kpi(t.t("نسبة الاستجابة", "Response rate"), &pct(g.ratings.response_rate), "response"))
            (kpi(t.t("وسيط الانتظار (د)", "Median wait (min)"), &mins(g.wait.median_s), "wait-median"))
            (kpi(t.t("انتظار p90 (د)", "p90 wait (min)"), &mins(g.wait.p90_s), "wait-p90"))
            (kpi(&within, &pct(g.within_target_share), "within"))
            (kpi(t.t("وسيط مدة الخدمة (د)", "Median service (min)"), &mins(g.service_time.median_s), "service-median"))
            (kpi(t.t("مدة الخدمة p90 (د)", "p90 service (min)"), &mins(g.service_time.p90_s), "service-p90"))
            (kpi(t.t("لم يحضر", "No-shows"), &g.no_shows.to_string(), "no-shows"))
            (kpi(t.t("إحالات للباحث", "Referrals to researchers"), &g.referrals.to_string(), "referrals"))
            (kpi(t.t("طلبات دعم مسجلة", "Support requests"), &g.support_requests.to_string(), "support"))
        }
    }
}

/// How a chart writes its values.
#[derive(Clone, Copy)]
enum Unit {
    Percent,
    Count,
}

impl Unit {
    fn show(self, v: f64) -> String {
        match self {
            Unit::Percent => format!("{v:.0}%"),
            Unit::Count if v.fract() == 0.0 => format!("{v:.0}"),
            Unit::Count => format!("{v:.1}"),
        }
    }
}

/// A chart in its card, captioned with its name.
fn chart_card(t: &T, name: &str, values: &[(String, Option<f64>)], unit: Unit) -> Markup {
    html! {
        figure class="card" {
            figcaption { (name) }
            (bar_chart(name, values, |v| unit.show(v), !t.en))
        }
    }
}

/// A day's key without its year (`2026-11-03` → `11-03`).
fn month_day(key: &str) -> String {
    key.get(5..).unwrap_or(key).to_string()
}

fn charts(t: &T, s: &Summary) -> Markup {
    let day_csat: Vec<_> = s
        .by_day
        .iter()
        .map(|d| (month_day(&d.key), d.ratings.csat.map(|x| x * 100.0)))
        .collect();
    let day_visits: Vec<_> = s
        .by_day
        .iter()
        .map(|d| (month_day(&d.key), Some(d.visits as f64)))
        .collect();
    let hour_wait: Vec<_> = s
        .by_hour
        .iter()
        .map(|h| (h.key.clone(), h.wait.median_s.map(|s| s as f64 / 60.0)))
        .collect();
    let service_csat: Vec<_> = s
        .by_service
        .iter()
        .map(|g| (t.service(&g.key), g.ratings.csat.map(|x| x * 100.0)))
        .collect();
    let reasons: Vec<_> = s
        .reasons
        .iter()
        .map(|r| (t.reason(&r.key), Some(r.count as f64)))
        .collect();
    html! {
        section class="charts" {
            (chart_card(t, t.t("الرضا حسب اليوم (%)", "CSAT by day (%)"), &day_csat, Unit::Percent))
            (chart_card(t, t.t("الزيارات حسب اليوم", "Visits by day"), &day_visits, Unit::Count))
            (chart_card(
                t,
                t.t("وسيط الانتظار حسب الساعة (دقيقة)", "Median wait by hour of day (min)"),
                &hour_wait,
                Unit::Count,
            ))
            (chart_card(t, t.t("الرضا حسب الخدمة (%)", "CSAT by service (%)"), &service_csat, Unit::Percent))
            (chart_card(t, t.t("الأسباب المختارة", "Reasons chosen"), &reasons, Unit::Count))
        }
    }
}

/// The columns of every group table, (Arabic, English).
const GROUP_COLUMNS: [(&str, &str); 11] = [
    ("البند", "Key"),
    ("الزيارات", "Visits"),
    ("لم يحضر", "No-shows"),
    ("انتظار: الوسيط (د)", "Wait median (min)"),
    ("انتظار p90 (د)", "Wait p90 (min)"),
    ("ضمن الهدف", "Within target"),
    ("خدمة: الوسيط (د)", "Service median (min)"),
    ("التقييمات", "Ratings"),
    ("الرضا (٤–٥)", "CSAT (4–5)"),
    ("المتوسط", "Average"),
    ("نسبة الاستجابة", "Response rate"),
];

/// One table of groups; `name` turns a group's key into what the reader sees.
fn group_table(
    t: &T,
    caption: &str,
    id: &str,
    groups: &[Group],
    name: impl Fn(&str) -> String,
) -> Markup {
    html! {
        table id=(id) {
            caption { (caption) }
            thead { tr { @for (ar, en) in GROUP_COLUMNS { th { (t.t(ar, en)) } } } }
            tbody {
                @for g in groups {
                    tr {
                        td { (name(&g.key)) }
                        td class="ltr" { (g.visits) }
                        td class="ltr" { (g.no_shows) }
                        td class="ltr" { (mins(g.wait.median_s)) }
                        td class="ltr" { (mins(g.wait.p90_s)) }
                        td class="ltr" { (pct(g.within_target_share)) }
                        td class="ltr" { (mins(g.service_time.median_s)) }
                        td class="ltr" { (g.ratings.count) }
                        td class="ltr" { (pct(g.ratings.csat)) }
                        td class="ltr" { (avg(g.ratings.average)) }
                        td class="ltr" { (pct(g.ratings.response_rate)) }
                    }
                }
            }
        }
    }
}

fn group_tables(t: &T, s: &Summary) -> Markup {
    html! {
        section class="card" {
            (group_table(t, t.t("حسب الخدمة", "By service"), "by-service", &s.by_service, |k| t.service(k)))
            (group_table(t, t.t("حسب طريقة الحضور", "By channel"), "by-channel", &s.by_channel, |k| t.channel(k)))
            (group_table(t, t.t("حسب المكتب", "By desk"), "by-desk", &s.by_desk, |k| t.desk(k)))
            (group_table(t, t.t("حسب ساعة اليوم", "By hour of day"), "by-hour", &s.by_hour, str::to_string))
            (group_table(t, t.t("حسب اليوم", "By day"), "by-day", &s.by_day, str::to_string))
        }
    }
}

/// Staff members in aggregate, only those with enough ratings (`metrics` leaves out the rest).
fn staff_table(t: &T, staff: &[StaffAggregate], min_ratings: usize) -> Markup {
    html! {
        section class="card" {
            h2 { (t.t("الموظفون (إجمالي فقط)", "Staff (aggregates only)")) }
            p class="muted" {
                (t.t("يظهر الموظف فقط إذا بلغت تقييماته", "A staff member is shown only with at least"))
                " " (min_ratings) " "
                (t.t("تقييمات على الأقل. التقييم أداة للتحسين لا للمحاسبة.", "ratings. Ratings are a tool for improvement, not for blame."))
            }
            table id="staff" {
                thead {
                    tr {
                        th { (t.t("الموظف", "Staff member")) }
                        th { (t.t("التقييمات", "Ratings")) }
                        th { (t.t("الرضا", "CSAT")) }
                        th { (t.t("المتوسط", "Average")) }
                    }
                }
                tbody {
                    @for a in staff {
                        tr {
                            td { (a.name) }
                            td class="ltr" { (a.ratings) }
                            td class="ltr" { (pct(Some(a.csat))) }
                            td class="ltr" { (avg(Some(a.average))) }
                        }
                    }
                }
            }
        }
    }
}

fn committee_dates(t: &T, s: &Summary) -> Markup {
    html! {
        section class="card" {
            h2 { (t.t("مواعيد رد لجنة البحث القادمة (١٤ يومًا)", "Committee dates coming due (14 days)")) }
            ul id="committee" {
                @for c in &s.committee_due {
                    li { span class="ltr" { (c.key) } ": " b class="ltr" { (c.count) } }
                }
                @if s.committee_due.is_empty() {
                    li class="muted" { (t.t("لا يوجد", "None")) }
                }
            }
        }
    }
}

/// The newest comments shown on the page; every comment is in the CSV.
const COMMENTS_SHOWN: usize = 200;

fn comments(t: &T, s: &Summary) -> Markup {
    html! {
        section class="card" {
            h2 { (t.t("التعليقات", "Comments")) }
            ul id="comments" class="comments" {
                @if s.comments.len() > COMMENTS_SHOWN {
                    li class="muted" {
                        (t.t("أحدث ٢٠٠ تعليق من", "The newest 200 comments of"))
                        " " (s.comments.len()) " "
                        (t.t("؛ جميعها في ملف CSV.", "; all of them are in the CSV."))
                    }
                }
                @for c in s.comments.iter().rev().take(COMMENTS_SHOWN) {
                    li {
                        span class="muted ltr" { (display(c.day)) " · " (t.service(&c.service)) " · " (c.score) "/5" }
                        p dir="auto" { (c.text) }
                    }
                }
            }
        }
    }
}

/// When a staff member did something to a contact request, in Riyadh time.
fn marked(t: &T, what: (&str, &str), m: &StaffMark) -> Markup {
    html! {
        span class="muted" {
            (t.t(what.0, what.1)) " " (m.name) " · "
            span class="ltr" { (m.at.with_timezone(&riyadh()).format("%Y-%m-%d %H:%M")) }
        }
    }
}

/// For a supervisor: the visitors who asked to be contacted, except by whom they rated, with
/// who took each and whether it was handled; the buttons post to `/api/v1/contact-requests`
/// (`/assets/contacts.js`).
fn contact_requests(t: &T, contacts: &[ContactRow], me: StaffId) -> Markup {
    html! {
        section class="card" {
            h2 { (t.t("طلبات التواصل (لمسؤول الجودة)", "Contact requests (quality officer)")) }
            p class="muted" {
                (t.t("لا تُعرض على الموظف الذي خدم الزائر.", "Never shown to the staff member who served the visitor."))
            }
            ul id="contacts" class="contacts" {
                @for c in contacts {
                    li data-contact=(c.id) {
                        b class="label" { (c.label) }
                        " " span class="ltr" { (display(c.day)) }
                        " · " (t.service(&c.service)) " · " (c.score) "/5"
                        @if let Some(comment) = &c.comment {
                            " — " span dir="auto" { (comment) }
                        }
                        div class="contact-state" {
                            @if let Some(h) = &c.handled {
                                b class="handled" { (t.t("عولج", "Handled")) } " "
                                (marked(t, ("بواسطة", "by"), h))
                                @if let Some(note) = &c.note { p class="note" dir="auto" { (note) } }
                            } @else {
                                @if let Some(o) = &c.owner {
                                    (marked(t, ("تولّاه", "Taken by"), o)) " "
                                } @else {
                                    span class="muted" { (t.t("لم يتولّه أحد", "Nobody has taken it")) } " "
                                    button type="button" class="secondary" data-take=(c.id) { (t.t("تولَّ الطلب", "Take")) }
                                }
                                @if c.owner.as_ref().is_none_or(|o| o.id == me) {
                                    form class="handle" data-handle=(c.id) {
                                        label {
                                            (t.t("ما الذي تم (ملاحظة)", "What was done (note)")) " "
                                            input type="text" name="note" maxlength="500" required;
                                        }
                                        " " button type="submit" { (t.t("تمت المعالجة", "Mark handled")) }
                                    }
                                }
                            }
                            p class="error" role="alert" {}
                        }
                    }
                }
                @if contacts.is_empty() {
                    li class="muted" { (t.t("لا يوجد", "None")) }
                }
            }
        }
    }
}

/// Everything a supervisor or admin reads about the period.
fn full_body(t: &T, s: &Summary, contacts: Option<(&[ContactRow], StaffId)>) -> Markup {
    html! {
        (summary_figures(t, s))
        (charts(t, s))
        (group_tables(t, s))
        (staff_table(t, &s.staff, s.min_staff_ratings))
        (committee_dates(t, s))
        (comments(t, s))
        @if let Some((contacts, me)) = contacts {
            (contact_requests(t, contacts, me))
        }
    }
}

/// What other staff read: their own aggregate (up to yesterday), once it has enough ratings.
fn own_body(t: &T, own: Option<&StaffAggregate>) -> Markup {
    html! {
        @if let Some(a) = own {
            section class="kpis" {
                (kpi(t.t("تقييماتي", "My ratings"), &a.ratings.to_string(), "own-ratings"))
                (kpi(t.t("الرضا", "CSAT"), &pct(Some(a.csat)), "own-csat"))
                (kpi(t.t("المتوسط", "Average"), &avg(Some(a.average)), "own-average"))
            }
        } @else {
            p class="card" id="own-none" {
                (t.t(
                    "لا تظهر النتيجة قبل ١٠ تقييمات على الأقل في الفترة (حتى أمس).",
                    "Shown once there are at least 10 ratings in the period (up to yesterday)."
                ))
            }
        }
    }
}

/// The page around a body: the bar with the language switch, the period form (with the CSV
/// link when `csv`), and the policy note.
fn document(t: &T, from: NaiveDate, to: NaiveDate, csv: bool, body: Markup) -> Markup {
    let title = t.t(
        "جمعية عون — مؤشرات الرضا والانتظار",
        "Awn — satisfaction and waiting metrics",
    );
    let (lang, dir, other_lang) = if t.en {
        ("en", "ltr", "ar")
    } else {
        ("ar", "rtl", "en")
    };
    let (from, to) = (display(from), display(to));
    html! {
        (DOCTYPE)
        html lang=(lang) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
                link rel="stylesheet" href="/assets/common.css";
                link rel="stylesheet" href="/assets/console.css";
                link rel="stylesheet" href="/assets/metrics.css";
                @if csv { script src="/assets/contacts.js" defer {} }
            }
            body {
                header class="bar" {
                    h1 { (title) }
                    a class="barlink" href={ "/console/metrics?from=" (from) "&to=" (to) "&lang=" (other_lang) } {
                        (t.t("English", "العربية"))
                    }
                    a class="barlink" href="/console" { (t.t("لوحة الموظف", "Staff console")) }
                }
                main {
                    form class="card row" method="get" action="/console/metrics" {
                        label { (t.t("من", "From")) " " input type="date" name="from" value=(from); }
                        label { (t.t("إلى", "To")) " " input type="date" name="to" value=(to); }
                        input type="hidden" name="lang" value=(lang);
                        button type="submit" { (t.t("عرض", "Show")) }
                        @if csv {
                            a id="csv" class="barlink secondary"
                                href={ "/api/v1/metrics/export.csv?from=" (from) "&to=" (to) } download {
                                (t.t("تنزيل CSV", "Download CSV"))
                            }
                            a id="report-link" class="barlink secondary"
                                href={ "/console/report?day=" (to) "&lang=" (lang) } {
                                (t.t("التقرير اليومي للطباعة", "Printable daily report"))
                            }
                        }
                    }
                    p class="muted" {
                        (t.t(
                            "التقييم حق للمستفيد وأداة للتقييم والتحسين، لا للمحاسبة أو التشهير (السياسة ٣-٥ و٣-٦-٣).",
                            "Rating is the visitor's right: a tool for assessment and improvement, not for punishment or shaming (policy 3.5, 3.6.3)."
                        ))
                    }
                    (body)
                }
            }
        }
    }
}

/// `GET /console/metrics?from&to&lang`
pub async fn page(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
    request: RequestId,
    q: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let Ok(caller) = caller else {
        return Redirect::to("/console").into_response();
    };
    let Ok(me) = caller.staff(Permission::OwnMetrics) else {
        return ApiError::forbidden().into_response();
    };
    let today = service_day(s.clock.now());
    let (from, to, q) = match period(q, today) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let t = T::new(q.get("lang").is_some_and(|l| l == "en"), &s.config());
    let everything = caller.require(Permission::ReadMetrics).is_ok();
    let body = if everything {
        let summary = match compute(&s.reads, s.clock.now(), from, to, metrics::summary).await {
            Ok(summary) => summary,
            Err(e) => return ApiError::from(e).into_response(),
        };
        let contacts = if me.role == Role::Supervisor {
            let who = Asker {
                staff: me.id,
                role: me.role,
                request_id: request.0,
            };
            match contact_requests::list(&s.engine, who, from, to).await {
                Ok(c) => Some(c),
                Err(e) => return ApiError::from(e).into_response(),
            }
        } else {
            None
        };
        full_body(&t, &summary, contacts.as_deref().map(|c| (c, me.id)))
    } else {
        let to = to.min(today - Duration::days(1));
        let id = me.id;
        let own = if from <= to {
            match compute(&s.reads, s.clock.now(), from, to, move |i| {
                metrics::own_aggregate(i, id)
            })
            .await
            {
                Ok(o) => o,
                Err(e) => return ApiError::from(e).into_response(),
            }
        } else {
            None
        };
        own_body(&t, own.as_ref())
    };
    let mut res = Html(document(&t, from, to, everything, body).into_string()).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Vec<(String, Option<f64>)> {
        vec![
            ("<a>".into(), Some(1.0)),
            ("b".into(), None),
            ("c".into(), Some(2.0)),
        ]
    }

    /// The x of the axis label `label` (the last `<text>` holding it).
    fn label_x(svg: &str, label: &str) -> f64 {
        let before = svg.rsplit_once(&format!(">{label}</text>")).unwrap().0;
        let x = before.rsplit_once("<text x=\"").unwrap().1;
        x.split('"').next().unwrap().parse().unwrap()
    }

    /// A bar per value with data, "—" and no bar without, the tallest bar for the largest value,
    /// labels escaped, and the axis line closed before the bars (in HTML, an unclosed `<line>`
    /// would hold them, and SVG draws nothing inside a line).
    #[test]
    fn a_bar_chart_draws_data_only_and_scales_to_the_largest_value() {
        let svg = bar_chart("t", &values(), |v| format!("{v:.0}"), false).into_string();
        assert_eq!(svg.matches("<rect ").count(), 2, "{svg}");
        assert!(svg.contains(">—</text>"), "{svg}");
        assert!(svg.contains("<title>&lt;a&gt; 1</title>"), "{svg}");
        let line = svg.find("<line ").unwrap();
        assert!(svg[line..].find("</line>").unwrap() < svg[line..].find("<rect").unwrap());
        let heights: Vec<f64> = svg
            .split("height=\"")
            .skip(1)
            .map(|h| h.split('"').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(heights, [78.0, 156.0], "{svg}");
    }

    /// Left to right in English, right to left in Arabic: the first value on the reading side.
    #[test]
    fn a_bar_chart_reads_in_the_pages_direction() {
        let ltr = bar_chart("t", &values(), |v| format!("{v}"), false).into_string();
        assert!(label_x(&ltr, "&lt;a&gt;") < label_x(&ltr, "c"));
        let rtl = bar_chart("t", &values(), |v| format!("{v}"), true).into_string();
        assert!(label_x(&rtl, "&lt;a&gt;") > label_x(&rtl, "c"));
    }
}
