//! The head-office pages, drawn on the server with maud (every value escaped): the sign-in form
//! and the association's figures, Arabic first (right to left), `?lang=en` for English. Branch
//! ids and service codes are shown by the names the configuration gives them.

use std::collections::HashMap;

use maud::{DOCTYPE, Markup, html};

use super::figures::{Figure, Report};
use super::read::BranchState;
use super::settings::HeadOfficeConfig;

struct T {
    en: bool,
    branches: HashMap<String, (String, String)>,
    services: HashMap<String, (String, String)>,
}

impl T {
    fn t<'a>(&self, ar: &'a str, en: &'a str) -> &'a str {
        if self.en { en } else { ar }
    }

    fn name(&self, names: &HashMap<String, (String, String)>, id: &str) -> String {
        names.get(id).map_or_else(
            || id.to_string(),
            |(ar, en)| if self.en { en.clone() } else { ar.clone() },
        )
    }

    fn minutes(&self, s: Option<i64>) -> String {
        s.map_or("—".into(), |s| {
            format!("{} {}", (s + 30) / 60, self.t("د", "min"))
        })
    }

    fn percent(v: Option<f64>) -> String {
        v.map_or("—".into(), |v| format!("{:.0} %", v * 100.0))
    }
}

fn shell(en: bool, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(if en { "en" } else { "ar" }) dir=(if en { "ltr" } else { "rtl" }) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/head-office.css";
            }
            body { (body) }
        }
    }
}

pub fn login(en: bool, error: Option<&str>) -> Markup {
    let t = |ar: &'static str, e: &'static str| if en { e } else { ar };
    shell(
        en,
        t("أرقام الجمعية: الدخول", "Association figures: sign in"),
        html! {
            main class="login" {
                h1 { (t("جمعية عون لرعاية ضحايا الجريمة", "Awn Association for the Care of Crime Victims")) }
                p { (t("أرقام الجمعية لكل الفروع", "The association's figures, every branch")) }
                @if let Some(e) = error { p class="error" role="alert" { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="lang" value=(if en { "en" } else { "ar" });
                    label for="name" { (t("الاسم", "Name")) }
                    input id="name" name="name" autocomplete="username" required;
                    label for="password" { (t("كلمة المرور", "Password")) }
                    input id="password" name="password" type="password" autocomplete="current-password" required;
                    button type="submit" { (t("دخول", "Sign in")) }
                }
                a href=(if en { "/login" } else { "/login?lang=en" }) lang=(if en { "ar" } else { "en" }) {
                    (t("English", "العربية"))
                }
            }
        },
    )
}

pub fn problem(en: bool, ar: &str, en_text: &str) -> Markup {
    shell(
        en,
        if en {
            "Head office"
        } else {
            "المركز الرئيسي"
        },
        html! {
            main { p class="error" role="alert" { (if en { en_text } else { ar }) } a href="/" { (if en { "Back" } else { "رجوع" }) } }
        },
    )
}

fn table(
    t: &T,
    caption: &str,
    first: &[&str],
    rows: &[&Figure],
    key: impl Fn(&Figure) -> Vec<String>,
) -> Markup {
    html! {
        section {
            h2 { (caption) }
            @if rows.is_empty() {
                p { (t.t("لا زيارات في هذه الفترة", "No visits in this period")) }
            } @else {
                div class="scroll" tabindex="0" role="region" aria-label=(caption) {
                    table {
                        thead { tr {
                            @for h in first { th scope="col" { (h) } }
                            th scope="col" { (t.t("الزيارات", "Visits")) }
                            th scope="col" { (t.t("خُدموا", "Served")) }
                            th scope="col" { (t.t("لم يحضروا", "No-shows")) }
                            th scope="col" { (t.t("أُحيلوا", "Referred")) }
                            th scope="col" { (t.t("طلبات دعم", "Support requests")) }
                            th scope="col" { (t.t("متوسط الانتظار", "Mean wait")) }
                            th scope="col" { (t.t("متوسط الخدمة", "Mean service")) }
                            th scope="col" { (t.t("التقييمات", "Ratings")) }
                            th scope="col" { (t.t("الرضا", "Satisfied")) }
                            th scope="col" { (t.t("نسبة التقييم", "Response rate")) }
                        } }
                        tbody {
                            @for f in rows {
                                tr {
                                    @for (i, k) in key(f).iter().enumerate() {
                                        @if i == 0 { th scope="row" { (k) } } @else { td { (k) } }
                                    }
                                    td { (f.visits) } td { (f.done) } td { (f.no_shows) } td { (f.referrals) }
                                    td { (f.support_requests) }
                                    td { (t.minutes(f.mean_wait_s)) } td { (t.minutes(f.mean_service_s)) }
                                    td { (f.ratings) }
                                    td title=[f.csat.is_none().then(|| t.t("أقل من ١٠ تقييمات", "Fewer than 10 ratings"))] { (T::percent(f.csat)) }
                                    td { (T::percent(f.response_rate)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn figures(
    config: &HeadOfficeConfig,
    en: bool,
    viewer: &str,
    r: &Report,
    branches: &[BranchState],
) -> Markup {
    let (b, s) = config.names();
    let t = T {
        en,
        branches: b,
        services: s,
    };
    let branch = |f: &Figure| t.name(&t.branches, f.key.branch.as_deref().unwrap_or(""));
    let service = |f: &Figure| t.name(&t.services, f.key.service.as_deref().unwrap_or(""));
    let month = |f: &Figure| {
        f.key
            .month
            .map_or(String::new(), |m| m.format("%Y-%m").to_string())
    };
    let channel = |f: &Figure| {
        let key = f.key.channel.as_deref().unwrap_or("");
        crate::domain::model::Channel::parse(key).map_or_else(
            || t.t("غير معروف", "Not recorded").to_string(),
            |c| {
                let (ar, en) = c.words();
                t.t(ar, en).to_string()
            },
        )
    };
    let lang = if en { "&lang=en" } else { "" };
    let period = format!("from={}&to={}", r.from, r.to);
    let total = r.total();
    let rows = |b: bool, s: bool, m: bool| r.level(b, s, m).collect::<Vec<_>>();
    let per_channel =
        |b: bool, s: bool, m: bool| r.channel_level(b, s, m, true).collect::<Vec<_>>();
    shell(
        en,
        t.t("أرقام الجمعية", "Association figures"),
        html! {
            header {
                h1 { (t.t("أرقام الجمعية لكل الفروع", "The association's figures, every branch")) }
                p class="who" { (viewer) }
                a href=(format!("/?{period}{}", if en { "" } else { "&lang=en" })) lang=(if en { "ar" } else { "en" }) { (t.t("English", "العربية")) }
                form method="post" action="/logout" { button type="submit" { (t.t("خروج", "Sign out")) } }
            }
            main {
                form method="get" action="/" class="period" {
                    @if en { input type="hidden" name="lang" value="en"; }
                    label for="from" { (t.t("من", "From")) }
                    input id="from" name="from" type="date" value=(r.from.to_string());
                    label for="to" { (t.t("إلى", "To")) }
                    input id="to" name="to" type="date" value=(r.to.to_string());
                    button type="submit" { (t.t("عرض", "Show")) }
                    a href=(format!("/figures.csv?{period}{lang}")) { (t.t("تنزيل CSV", "Download CSV")) }
                }
                p class="note" { (t.t(
                    "الرضا يظهر من ١٠ تقييمات فأكثر في كل مستوى. الانتظار والخدمة متوسطات لتُجمع بين الفروع.",
                    "Satisfaction shows from 10 ratings at every level. Waits and service times are means, so that branches add up."
                )) }
                (table(&t, t.t("الجمعية", "The association"), &[t.t("الفترة", "Period")], &[&total], |_| vec![format!("{} – {}", r.from, r.to)]))
                (table(&t, t.t("حسب الشهر", "By month"), &[t.t("الشهر", "Month")], &rows(false, false, true), |f| vec![month(f)]))
                (table(&t, t.t("حسب الفرع", "By branch"), &[t.t("الفرع", "Branch")], &rows(true, false, false), |f| vec![branch(f)]))
                (table(&t, t.t("حسب الخدمة", "By service"), &[t.t("الخدمة", "Service")], &rows(false, true, false), |f| vec![service(f)]))
                (table(&t, t.t("حسب الفرع والخدمة", "By branch and service"), &[t.t("الفرع", "Branch"), t.t("الخدمة", "Service")], &rows(true, true, false), |f| vec![branch(f), service(f)]))
                (table(&t, t.t("حسب طريقة الحضور", "By channel"), &[t.t("طريقة الحضور", "Channel")], &per_channel(false, false, false), |f| vec![channel(f)]))
                (table(&t, t.t("حسب طريقة الحضور والشهر", "By channel and month"), &[t.t("طريقة الحضور", "Channel"), t.t("الشهر", "Month")], &per_channel(false, false, true), |f| vec![channel(f), month(f)]))
                (table(&t, t.t("حسب الفرع وطريقة الحضور", "By branch and channel"), &[t.t("الفرع", "Branch"), t.t("طريقة الحضور", "Channel")], &per_channel(true, false, false), |f| vec![branch(f), channel(f)]))
                (table(&t, t.t("حسب الخدمة وطريقة الحضور", "By service and channel"), &[t.t("الخدمة", "Service"), t.t("طريقة الحضور", "Channel")], &per_channel(false, true, false), |f| vec![service(f), channel(f)]))
                (table(&t, t.t("حسب الفرع والشهر", "By branch and month"), &[t.t("الفرع", "Branch"), t.t("الشهر", "Month")], &rows(true, false, true), |f| vec![branch(f), month(f)]))
                section {
                    h2 { (t.t("طلبات لم تبتّ فيها اللجنة، حسب عمرها", "Requests the committee has not decided, by age")) }
                    @if r.open_requests.is_empty() {
                        p { (t.t("لا طلبات مفتوحة", "No open requests")) }
                    } @else {
                        div class="scroll" tabindex="0" role="region" aria-label=(t.t("الطلبات المفتوحة", "Open requests")) { table {
                            thead { tr {
                                th scope="col" { (t.t("الفرع", "Branch")) }
                                th scope="col" { (t.t("أقل من ١٤ يومًا", "Under 14 days")) }
                                th scope="col" { (t.t("١٤–٣٠ يومًا", "14–30 days")) }
                                th scope="col" { (t.t("٣١–٦٠ يومًا", "31–60 days")) }
                                th scope="col" { (t.t("أكثر من ٦٠ يومًا", "Over 60 days")) }
                            } }
                            tbody { @for o in &r.open_requests { tr {
                                th scope="row" { (t.name(&t.branches, &o.branch)) }
                                @for (_, n) in o.buckets() { td { (n) } }
                            } } }
                        } }
                    }
                }
                section {
                    h2 { (t.t("آخر ما وصل من كل فرع", "Last received from each branch")) }
                    div class="scroll" tabindex="0" role="region" aria-label=(t.t("آخر ما وصل", "Last received")) { table {
                        thead { tr {
                            th scope="col" { (t.t("الفرع", "Branch")) }
                            th scope="col" { (t.t("آخر دفعة (UTC)", "Last batch (UTC)")) }
                            th scope="col" { (t.t("آخر رقم", "Last sequence")) }
                            th scope="col" { (t.t("حقائق أُسقطت قبل الشحن", "Facts dropped before shipping")) }
                        } }
                        tbody { @for b in branches { tr {
                            th scope="row" { (t.name(&t.branches, &b.id)) }
                            td { (b.last_batch_at.map_or("—".into(), |a| a.format("%Y-%m-%d %H:%M").to_string())) }
                            td { (b.last_seq) } td { (b.dropped) }
                        } } }
                    } }
                }
            }
        },
    )
}
