//! The printable page of a visit's rights export (`store::rights::export`): Arabic, right to left,
//! one table per row held, every value as text (escaped by the template).
//!
//! Served (`GET /api/v1/visitors/{id}/printable`, through `PrintableExport`), it links its
//! stylesheet, `/assets/printable.css`, since our CSP allows no inline style. The file
//! `counter-server export-visitor --html` writes opens from disk, where there is no `/assets`: it
//! carries the same stylesheet inside.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use super::assets::PRINTABLE_CSS;
use crate::http::views::PrintableExport;
use crate::store::rights::VISIT_TABLES;

/// Where the page's style comes from.
#[derive(Clone, Copy)]
enum Style {
    /// Linked assets of this server (the page it serves).
    Linked,
    /// Inside the page (a file opened without the server).
    Inside,
}

/// The Arabic heading of a table of the export.
fn heading(table: &str) -> Option<&'static str> {
    Some(match table {
        "tickets" => "التذكرة",
        "ticket_events" => "مسار الزيارة",
        "consents" => "الموافقة",
        "intakes" => "البيانات المقدمة",
        "visit_checks" => "قائمة التحقق",
        "visit_documents" => "المستندات المطابقة",
        "registration_overrides" => "إذن المشرف بالتسجيل",
        "confirmation_requests" => "طلب تأكيد البيانات",
        "confirmations" => "تأكيد المتقدم وتوقيعه",
        "visit_notes" => "الملاحظات",
        "follow_ups" => "المتابعة",
        "alerts" => "التنبيهات",
        "legal_holds" => "الحفظ القانوني",
        "notify_requests" => "طلب التنبيه بقرب الدور",
        "appointment_reminders" => "رقم التذكير بالموعد",
        "audit_log" => "سجل الاطلاع",
        _ => return None,
    })
}

/// A stored value as the reader sees it: text as is, nothing as "—".
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    }
}

/// One table of the export: a small two-column table per row (column, value).
fn section(table: &str, rows: &[Value]) -> Markup {
    html! {
        h2 { (heading(table).unwrap_or(table)) }
        @if rows.is_empty() {
            p { "لا شيء" }
        }
        @for row in rows {
            table {
                @for (column, value) in row.as_object().into_iter().flatten() {
                    tr {
                        th scope="row" { bdi { (column) } }
                        td dir="auto" { (shown(value)) }
                    }
                }
            }
        }
    }
}

fn document(export: &Value, style: Style) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ar" dir="rtl" {
            head {
                meta charset="utf-8";
                title { "البيانات المحفوظة" }
                @match style {
                    Style::Linked => {
                        link rel="stylesheet" href="/assets/common.css";
                        link rel="stylesheet" href="/assets/printable.css";
                    }
                    Style::Inside => { style { (PreEscaped(PRINTABLE_CSS)) } }
                }
            }
            body {
                main {
                    h1 { "البيانات المحفوظة عن الزيارة رقم " bdi { (export["ticket"].to_string()) } }
                    p { "جمعية عون لرعاية ضحايا الجريمة" }
                    @for (table, _) in VISIT_TABLES {
                        @if let Some(rows) = export["data"][table].as_array() {
                            (section(table, rows))
                        }
                    }
                }
            }
        }
    }
}

/// The page this server serves, with its stylesheets linked.
pub fn page(export: &Value) -> Markup {
    document(export, Style::Linked)
}

/// The page as a file to open from disk, its stylesheet inside.
pub fn file(export: &Value) -> String {
    document(export, Style::Inside).into_string()
}

impl IntoResponse for PrintableExport {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            page(&self.0).into_string(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn export() -> Value {
        json!({ "ticket": 7, "data": {
            "tickets": [{ "id": 7, "label": "A-007" }],
            "intakes": [{ "name": "<script>alert(1)</script> & \"x\"", "mobile": null }],
            "alerts": [],
        } })
    }

    #[test]
    fn every_table_of_the_export_has_a_heading() {
        for (table, _) in VISIT_TABLES {
            assert!(heading(table).is_some(), "{table}");
        }
    }

    /// Tables in the export's order, a visitor's text as text, no inline style in the served page.
    #[test]
    fn the_page_escapes_the_visitors_data_and_links_its_style() {
        let page = page(&export()).into_string();
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"),
            "{page}"
        );
        assert!(!page.contains("<script"), "{page}");
        assert!(
            !page.contains("<style") && !page.contains("style="),
            "{page}"
        );
        assert!(page.contains(r#"<link rel="stylesheet" href="/assets/printable.css">"#));
        let order: Vec<usize> = ["التذكرة", "البيانات المقدمة", "التنبيهات"]
            .iter()
            .map(|h| page.find(&format!("<h2>{h}</h2>")).expect(h))
            .collect();
        assert!(order.is_sorted(), "{order:?}");
        assert!(page.contains("<h2>التنبيهات</h2><p>لا شيء</p>"), "{page}");
        assert!(page.contains(r#"<td dir="auto">—</td>"#), "{page}");
        assert!(
            !page.contains("مسار الزيارة"),
            "a table the export lacks is left out"
        );
    }

    #[test]
    fn the_file_carries_its_stylesheet_and_links_nothing() {
        let file = file(&export());
        assert!(file.contains(&format!("<style>{PRINTABLE_CSS}</style>")));
        assert!(!file.contains("<link"), "{file}");
        assert!(file.contains("&lt;script&gt;"));
    }
}
