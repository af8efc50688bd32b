//! `GET /console/metrics`: the metrics page, drawn on the server (HTML tables and inline SVG bar
//! charts; no script, no external chart service). Supervisors and admins see everything; other
//! staff their own aggregate only. Arabic first; `?lang=en` for English.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Duration;

use crate::auth::Permission;
use crate::commands::metrics::compute;
use crate::domain::Role;
use crate::domain::numbering::service_day;
use crate::http::AppState;
use crate::http::error::ApiError;
use crate::http::extract::Caller;
use crate::http::extract::period;
use crate::metrics::{self, Group, Summary};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The page's language, and the names of the branch's services in it.
struct T {
    en: bool,
    /// Service code → (Arabic name, English name), from the configuration.
    services: HashMap<String, (String, String)>,
}

impl T {
    fn t<'a>(&self, ar: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { ar }
    }

    /// A service's name in the page's language (a code no longer configured is shown as is).
    fn service(&self, code: &str) -> String {
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
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

fn avg(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{x:.2}"))
}

fn mins(v: Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |s| format!("{:.1}", s as f64 / 60.0))
}

/// A vertical bar chart as inline SVG. `values` are (label, value), `None` where there is no data
/// (drawn as "—" with no bar, never as a zero); `shown` formats a value. In Arabic (`rtl`) the
/// first value is on the right, as the eye reads.
pub fn bar_chart(
    title: &str,
    values: &[(String, Option<f64>)],
    shown: impl Fn(f64) -> String,
    rtl: bool,
) -> String {
    let w = 640.0;
    let h = 220.0;
    let (left, bottom, top) = (10.0, 40.0, 24.0);
    let n = values.len().max(1) as f64;
    let max = values
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let slot = (w - 2.0 * left) / n;
    let bar = (slot * 0.7).max(1.0);
    let every = values.len().div_ceil(10).max(1);
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{t}\" direction=\"ltr\"><title>{t}</title>\
<line x1=\"{left}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#5b6b78\" stroke-width=\"1\"/>",
        t = esc(title),
        y0 = h - bottom,
        x1 = w - left,
    );
    for (i, (label, v)) in values.iter().enumerate() {
        let place = if rtl { values.len() - 1 - i } else { i };
        let bh = v.map_or(0.0, |v| (h - bottom - top) * v / max);
        let x = left + slot * place as f64 + (slot - bar) / 2.0;
        let y = h - bottom - bh;
        let value = v.map_or_else(|| "—".to_string(), &shown);
        if v.is_some() {
            svg.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{bh:.1}\" fill=\"#0f5c63\"><title>{} {}</title></rect>",
                esc(label),
                esc(&value)
            ));
        }
        if values.len() <= 24 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2b36\">{}</text>",
                x + bar / 2.0,
                y - 4.0,
                esc(&value)
            ));
        }
        if i % every == 0 {
            svg.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6b78\">{}</text>",
                x + bar / 2.0,
                h - bottom + 16.0,
                esc(label)
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

fn kpi(label: &str, value: &str, id: &str) -> String {
    format!(
        "<div class=\"kpi\"><span class=\"kpi-label\">{}</span><b class=\"kpi-value ltr\" id=\"kpi-{id}\">{}</b></div>",
        esc(label),
        esc(value)
    )
}

/// One table of groups; `name` turns a group's key into what the reader sees.
fn group_table(
    t: &T,
    caption: &str,
    id: &str,
    groups: &[Group],
    name: impl Fn(&str) -> String,
) -> String {
    let mut s = format!(
        "<table id=\"{id}\"><caption>{}</caption><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        esc(caption),
        t.t("البند", "Key"),
        t.t("الزيارات", "Visits"),
        t.t("لم يحضر", "No-shows"),
        t.t("انتظار: الوسيط (د)", "Wait median (min)"),
        t.t("انتظار p90 (د)", "Wait p90 (min)"),
        t.t("ضمن الهدف", "Within target"),
        t.t("خدمة: الوسيط (د)", "Service median (min)"),
        t.t("التقييمات", "Ratings"),
        t.t("الرضا (٤–٥)", "CSAT (4–5)"),
        t.t("المتوسط", "Average"),
        t.t("نسبة الاستجابة", "Response rate"),
    );
    for g in groups {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td></tr>",
            esc(&name(&g.key)),
            g.visits,
            g.no_shows,
            mins(g.wait.median_s),
            mins(g.wait.p90_s),
            pct(g.within_target_share),
            mins(g.service_time.median_s),
            g.ratings.count,
            pct(g.ratings.csat),
            avg(g.ratings.average),
            pct(g.ratings.response_rate),
        ));
    }
    s.push_str("</tbody></table>");
    s
}

fn reason_name(t: &T, r: &str) -> String {
    match r {
        "waiting_time" => t.t("مدة الانتظار", "Waiting time"),
        "courtesy" => t.t("حسن التعامل", "Courtesy"),
        "clarity" => t.t("وضوح المعلومات", "Clear information"),
        "time_given" => t.t("الوقت المخصص لي", "Time given to me"),
        "privacy" => t.t("الخصوصية", "Privacy"),
        other => other,
    }
    .to_string()
}

fn full_body(t: &T, s: &Summary, contacts: Option<&[metrics::ContactRequest]>) -> String {
    let g = &s.total;
    let mut b = String::new();
    b.push_str("<section class=\"kpis\">");
    b.push_str(&kpi(
        t.t("الزيارات", "Visits"),
        &g.visits.to_string(),
        "visits",
    ));
    b.push_str(&kpi(
        t.t("الرضا (٤–٥)", "CSAT (4–5)"),
        &pct(g.ratings.csat),
        "csat",
    ));
    b.push_str(&kpi(
        t.t("متوسط التقييم", "Average rating"),
        &avg(g.ratings.average),
        "average",
    ));
    b.push_str(&kpi(
        t.t("نسبة الاستجابة", "Response rate"),
        &pct(g.ratings.response_rate),
        "response",
    ));
    b.push_str(&kpi(
        t.t("وسيط الانتظار (د)", "Median wait (min)"),
        &mins(g.wait.median_s),
        "wait-median",
    ));
    b.push_str(&kpi(
        t.t("انتظار p90 (د)", "p90 wait (min)"),
        &mins(g.wait.p90_s),
        "wait-p90",
    ));
    b.push_str(&kpi(
        &format!(
            "{} {} {}",
            t.t("خُدم خلال", "Called within"),
            s.target_wait_minutes,
            t.t("دقيقة", "min")
        ),
        &pct(g.within_target_share),
        "within",
    ));
    b.push_str(&kpi(
        t.t("وسيط مدة الخدمة (د)", "Median service (min)"),
        &mins(g.service_time.median_s),
        "service-median",
    ));
    b.push_str(&kpi(
        t.t("مدة الخدمة p90 (د)", "p90 service (min)"),
        &mins(g.service_time.p90_s),
        "service-p90",
    ));
    b.push_str(&kpi(
        t.t("لم يحضر", "No-shows"),
        &g.no_shows.to_string(),
        "no-shows",
    ));
    b.push_str(&kpi(
        t.t("إحالات للباحث", "Referrals to researchers"),
        &g.referrals.to_string(),
        "referrals",
    ));
    b.push_str(&kpi(
        t.t("طلبات دعم مسجلة", "Support requests"),
        &g.support_requests.to_string(),
        "support",
    ));
    b.push_str("</section><section class=\"charts\">");
    let day_csat: Vec<(String, Option<f64>)> = s
        .by_day
        .iter()
        .map(|d| {
            (
                d.key.get(5..).unwrap_or(&d.key).to_string(),
                d.ratings.csat.map(|x| x * 100.0),
            )
        })
        .collect();
    let day_visits: Vec<(String, Option<f64>)> = s
        .by_day
        .iter()
        .map(|d| {
            (
                d.key.get(5..).unwrap_or(&d.key).to_string(),
                Some(d.visits as f64),
            )
        })
        .collect();
    let hour_wait: Vec<(String, Option<f64>)> = s
        .by_hour
        .iter()
        .map(|h| (h.key.clone(), h.wait.median_s.map(|s| s as f64 / 60.0)))
        .collect();
    let service_csat: Vec<(String, Option<f64>)> = s
        .by_service
        .iter()
        .map(|g| (t.service(&g.key), g.ratings.csat.map(|x| x * 100.0)))
        .collect();
    let reasons: Vec<(String, Option<f64>)> = s
        .reasons
        .iter()
        .map(|r| (reason_name(t, &r.key), Some(r.count as f64)))
        .collect();
    for (title, data, unit) in [
        (
            t.t("الرضا حسب اليوم (%)", "CSAT by day (%)"),
            &day_csat,
            "%",
        ),
        (t.t("الزيارات حسب اليوم", "Visits by day"), &day_visits, ""),
        (
            t.t(
                "وسيط الانتظار حسب الساعة (دقيقة)",
                "Median wait by hour of day (min)",
            ),
            &hour_wait,
            "",
        ),
        (
            t.t("الرضا حسب الخدمة (%)", "CSAT by service (%)"),
            &service_csat,
            "%",
        ),
        (t.t("الأسباب المختارة", "Reasons chosen"), &reasons, ""),
    ] {
        b.push_str(&format!(
            "<figure class=\"card\"><figcaption>{}</figcaption>",
            esc(title)
        ));
        b.push_str(&bar_chart(
            title,
            data,
            |v| {
                if unit == "%" {
                    format!("{v:.0}%")
                } else if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            },
            !t.en,
        ));
        b.push_str("</figure>");
    }
    b.push_str("</section><section class=\"card\">");
    b.push_str(&group_table(
        t,
        t.t("حسب الخدمة", "By service"),
        "by-service",
        &s.by_service,
        |k| t.service(k),
    ));
    b.push_str(&group_table(
        t,
        t.t("حسب المكتب", "By desk"),
        "by-desk",
        &s.by_desk,
        |k| t.desk(k),
    ));
    b.push_str(&group_table(
        t,
        t.t("حسب ساعة اليوم", "By hour of day"),
        "by-hour",
        &s.by_hour,
        str::to_string,
    ));
    b.push_str(&group_table(
        t,
        t.t("حسب اليوم", "By day"),
        "by-day",
        &s.by_day,
        str::to_string,
    ));
    b.push_str("</section><section class=\"card\">");
    b.push_str(&format!(
        "<h2>{}</h2><p class=\"muted\">{}</p><table id=\"staff\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        t.t("الموظفون (إجمالي فقط)", "Staff (aggregates only)"),
        esc(&format!(
            "{} {} {}",
            t.t("يظهر الموظف فقط إذا بلغت تقييماته", "A staff member is shown only with at least"),
            s.min_staff_ratings,
            t.t("تقييمات على الأقل. التقييم أداة للتحسين لا للمحاسبة.", "ratings. Ratings are a tool for improvement, not for blame.")
        )),
        t.t("الموظف", "Staff member"),
        t.t("التقييمات", "Ratings"),
        t.t("الرضا", "CSAT"),
        t.t("المتوسط", "Average")
    ));
    for a in &s.staff {
        b.push_str(&format!(
            "<tr><td>{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td><td class=\"ltr\">{}</td></tr>",
            esc(&a.name),
            a.ratings,
            pct(Some(a.csat)),
            avg(Some(a.average))
        ));
    }
    b.push_str("</tbody></table></section><section class=\"card\">");
    b.push_str(&format!(
        "<h2>{}</h2><ul id=\"committee\">",
        t.t(
            "مواعيد رد لجنة البحث القادمة (١٤ يومًا)",
            "Committee dates coming due (14 days)"
        )
    ));
    for c in &s.committee_due {
        b.push_str(&format!(
            "<li><span class=\"ltr\">{}</span>: <b class=\"ltr\">{}</b></li>",
            esc(&c.key),
            c.count
        ));
    }
    if s.committee_due.is_empty() {
        b.push_str(&format!(
            "<li class=\"muted\">{}</li>",
            t.t("لا يوجد", "None")
        ));
    }
    b.push_str("</ul></section><section class=\"card\">");
    b.push_str(&format!(
        "<h2>{}</h2><ul id=\"comments\" class=\"comments\">",
        t.t("التعليقات", "Comments")
    ));
    // The newest 200 on the page; every comment is in the CSV.
    if s.comments.len() > 200 {
        b.push_str(&format!(
            "<li class=\"muted\">{} {} {}</li>",
            t.t("أحدث ٢٠٠ تعليق من", "The newest 200 comments of"),
            s.comments.len(),
            t.t("؛ جميعها في ملف CSV.", "; all of them are in the CSV.")
        ));
    }
    for c in s.comments.iter().rev().take(200) {
        b.push_str(&format!(
            "<li><span class=\"muted ltr\">{} · {} · {}/5</span><p dir=\"auto\">{}</p></li>",
            c.day,
            esc(&t.service(&c.service)),
            c.score,
            esc(&c.text)
        ));
    }
    b.push_str("</ul></section>");
    if let Some(contacts) = contacts {
        b.push_str(&format!(
            "<section class=\"card\"><h2>{}</h2><p class=\"muted\">{}</p><ul id=\"contacts\">",
            t.t(
                "طلبات التواصل (لمسؤول الجودة)",
                "Contact requests (quality officer)"
            ),
            t.t(
                "لا تُعرض على الموظف الذي خدم الزائر.",
                "Never shown to the staff member who served the visitor."
            )
        ));
        for c in contacts {
            b.push_str(&format!(
                "<li><b class=\"label\">{}</b> <span class=\"ltr\">{}</span> · {} · {}/5{}</li>",
                esc(&c.label),
                c.day,
                esc(&t.service(&c.service)),
                c.score,
                c.comment
                    .as_deref()
                    .map(|x| format!(" — <span dir=\"auto\">{}</span>", esc(x)))
                    .unwrap_or_default()
            ));
        }
        b.push_str("</ul></section>");
    }
    b
}

/// `GET /console/metrics?from&to&lang`
pub async fn page(
    State(s): State<AppState>,
    caller: Result<Caller, ApiError>,
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
    let t = T {
        en: q.get("lang").is_some_and(|l| l == "en"),
        services: s
            .config
            .services
            .iter()
            .map(|x| (x.code.clone(), (x.name_ar.clone(), x.name_en.clone())))
            .collect(),
    };
    let body = if caller.require(Permission::ReadMetrics).is_ok() {
        let supervisor = me.role == Role::Supervisor;
        let id = me.id;
        match compute(&s.reads, s.clock.now(), from, to, move |i| {
            (
                metrics::summary(i),
                supervisor.then(|| metrics::contact_requests(i, Some(id))),
            )
        })
        .await
        {
            Ok((summary, contacts)) => full_body(&t, &summary, contacts.as_deref()),
            Err(e) => return ApiError::from(e).into_response(),
        }
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
        match own {
            Some(a) => format!(
                "<section class=\"kpis\">{}{}{}</section>",
                kpi(
                    t.t("تقييماتي", "My ratings"),
                    &a.ratings.to_string(),
                    "own-ratings"
                ),
                kpi(t.t("الرضا", "CSAT"), &pct(Some(a.csat)), "own-csat"),
                kpi(
                    t.t("المتوسط", "Average"),
                    &avg(Some(a.average)),
                    "own-average"
                ),
            ),
            None => format!(
                "<p class=\"card\" id=\"own-none\">{}</p>",
                t.t(
                    "لا تظهر النتيجة قبل ١٠ تقييمات على الأقل في الفترة (حتى أمس).",
                    "Shown once there are at least 10 ratings in the period (up to yesterday)."
                )
            ),
        }
    };
    let other_lang = if t.en { "ar" } else { "en" };
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{title}</title><link rel=\"icon\" href=\"/assets/favicon.svg\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"/assets/common.css\"><link rel=\"stylesheet\" href=\"/assets/console.css\"><link rel=\"stylesheet\" href=\"/assets/metrics.css\"></head><body>\
<header class=\"bar\"><h1>{title}</h1><a class=\"barlink\" href=\"/console/metrics?from={from}&amp;to={to}&amp;lang={other_lang}\">{switch}</a><a class=\"barlink\" href=\"/console\">{back}</a></header><main>\
<form class=\"card row\" method=\"get\" action=\"/console/metrics\"><label>{l_from} <input type=\"date\" name=\"from\" value=\"{from}\"></label><label>{l_to} <input type=\"date\" name=\"to\" value=\"{to}\"></label>\
<input type=\"hidden\" name=\"lang\" value=\"{lang}\"><button type=\"submit\">{show}</button>{csv}</form>\
<p class=\"muted\">{note}</p>{body}</main></body></html>",
        lang = if t.en { "en" } else { "ar" },
        dir = if t.en { "ltr" } else { "rtl" },
        title = t.t("جمعية عون — مؤشرات الرضا والانتظار", "Awn — satisfaction and waiting metrics"),
        switch = t.t("English", "العربية"),
        back = t.t("لوحة الموظف", "Staff console"),
        l_from = t.t("من", "From"),
        l_to = t.t("إلى", "To"),
        show = t.t("عرض", "Show"),
        csv = if caller.require(Permission::ReadMetrics).is_ok() {
            format!(
                "<a id=\"csv\" class=\"barlink secondary\" href=\"/api/v1/metrics/export.csv?from={from}&amp;to={to}\" download>{}</a>",
                t.t("تنزيل CSV", "Download CSV")
            )
        } else {
            String::new()
        },
        note = t.t(
            "التقييم حق للمستفيد وأداة للتقييم والتحسين، لا للمحاسبة أو التشهير (السياسة ٣-٥ و٣-٦-٣).",
            "Rating is the visitor's right: a tool for assessment and improvement, not for punishment or shaming (policy 3.5, 3.6.3)."
        ),
    );
    let mut res = Html(html).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
