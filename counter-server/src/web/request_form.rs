//! The support request form (policy section 5.4), drawn from `commands::confirmation::RequestForm`:
//! one A4 page in Arabic, right to left, for the paper file or the applicant's copy. The reference
//! is the branch's own series (never the national ID); the signature is drawn from its strokes
//! as SVG; a form not yet signed leaves a box to sign on paper. Its stylesheet
//! (`/assets/request-form.css`) holds the print rules, and `print.js` its one button.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

use crate::commands::confirmation::{FormConfirmation, RequestForm};
use crate::domain::confirmation::{ConfirmedDocument, Signature};
use crate::domain::numbering::riyadh;
use crate::domain::visit::mask_last4;
use crate::http::views::{FormCopy, RequestFormPage};

/// A moment as the form prints it: Riyadh's date and time to the minute.
fn local_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&riyadh())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A value as printed: nothing as "—".
fn or_dash(v: Option<&str>) -> &str {
    v.filter(|s| !s.is_empty()).unwrap_or("—")
}

/// The ID and mobile as a copy shows them: in full on the file's copy, the last four digits on
/// the applicant's (a copy taken home may be lost).
fn personal(value: Option<&str>, copy: FormCopy) -> String {
    match (value, copy) {
        (Some(v), FormCopy::Applicant) => mask_last4(v),
        (v, _) => or_dash(v).to_string(),
    }
}

/// The signature's strokes as SVG lines on its pad, in a pen's blue (the only colour on the page:
/// a copy shows at a glance that the ink is the applicant's, and a test can find it).
fn signature_svg(s: &Signature) -> Markup {
    let view_box = format!("0 0 {} {}", s.width, s.height);
    html! {
        svg class="ink" viewBox=(view_box) role="img" aria-label="توقيع المتقدم" {
            @for stroke in &s.strokes {
                @let points = stroke.iter().map(|p| format!("{},{}", p[0], p[1])).collect::<Vec<_>>().join(" ");
                polyline points=(points) fill="none" stroke="#0d2c8c" stroke-width="4"
                    stroke-linecap="round" stroke-linejoin="round" {}
            }
        }
    }
}

fn signature(confirmed: Option<&FormConfirmation>) -> Markup {
    html! {
        section.signature aria-labelledby="sig" {
            h2 #sig { "توقيع المتقدم" }
            @match confirmed {
                Some(FormConfirmation { signature: Some(s), at }) => {
                    (signature_svg(s))
                    p { "وُقّع على الشاشة في " bdi dir="ltr" { (local_minute(*at)) } }
                }
                Some(FormConfirmation { signature: None, at }) => {
                    div.box {}
                    p { "وُقّع على النموذج الورقي، وسُجّل في " bdi dir="ltr" { (local_minute(*at)) } }
                }
                None => {
                    div.box {}
                    p { "التوقيع: ____________________    التاريخ: ____ / ____ / ________" }
                }
            }
        }
    }
}

fn document_row(d: &ConfirmedDocument) -> Markup {
    html! {
        tr {
            td { (d.name_ar) }
            td { @if d.valid { "ساري المفعول" } @else { "غير ساري" } }
            td { bdi dir="ltr" { (or_dash(d.expires_on.as_deref())) } }
            td { bdi { (or_dash(d.reference.as_deref())) } }
        }
    }
}

fn reference(f: &RequestForm, copy: FormCopy) -> Markup {
    html! {
        @match &f.registered {
            Some((reference, earliest)) => {
                p.reference { "رقم الطلب: " bdi dir="ltr" { (reference) } }
                @if copy == FormCopy::Applicant {
                    p.answer {
                        "تدرس لجنة البحث طلبك وتجيب عنه بالقبول أو الرفض في مدة لا تقل عن أسبوعين: "
                        "ليس قبل " bdi dir="ltr" { (earliest.to_string()) } "."
                    }
                    p { "احتفظ بهذه النسخة، واذكر رقم الطلب عند السؤال عنه." }
                }
            }
            None => {
                p.reference { "رقم الطلب: يُعطى عند تسجيل الطلب" }
                p { "تجيب لجنة البحث في مدة لا تقل عن أسبوعين من التسجيل (ليس قبل "
                    bdi dir="ltr" { (f.earliest_if_registered.to_string()) }
                    " إن سُجّل اليوم)." }
            }
        }
    }
}

fn document(page: &RequestFormPage) -> Markup {
    let (f, copy) = (&page.form, page.copy);
    let d = &f.data;
    html! {
        (DOCTYPE)
        html lang="ar" dir="rtl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "نموذج طلب دعم" }
                link rel="stylesheet" href="/assets/common.css";
                link rel="stylesheet" href="/assets/request-form.css";
                script src="/assets/print.js" defer {}
            }
            body {
                main {
                    header {
                        p.org { "جمعية عون لرعاية ضحايا الجريمة" }
                        h1 { "نموذج طلب دعم" }
                        @if copy == FormCopy::Applicant { p.copy { "نسخة المتقدم" } }
                        (reference(f, copy))
                        p { "تاريخ الزيارة: " bdi dir="ltr" { (f.visit_day.to_string()) }
                            " — التذكرة: " bdi dir="ltr" { (f.label) } }
                    }
                    section aria-labelledby="data" {
                        h2 #data { "بيانات المتقدم" }
                        table {
                            tr { th scope="row" { "الخدمة" } td { (d.service_ar) } }
                            tr { th scope="row" { "الاسم" } td { (or_dash(d.name.as_deref())) } }
                            tr { th scope="row" { "رقم الهوية أو الإقامة" }
                                 td { bdi dir="ltr" { (personal(d.national_id.as_deref(), copy)) } } }
                            tr { th scope="row" { "الجوال" }
                                 td { bdi dir="ltr" { (personal(d.mobile.as_deref(), copy)) } } }
                        }
                    }
                    section aria-labelledby="docs" {
                        h2 #docs { "المستندات التي طابقها الموظف مع الأصل" }
                        @if d.documents.is_empty() {
                            p { "لم يُسجَّل مستند." }
                        } @else {
                            table {
                                tr { th { "المستند" } th { "الحالة" } th { "تاريخ الانتهاء" } th { "الرقم" } }
                                @for doc in &d.documents { (document_row(doc)) }
                            }
                        }
                    }
                    section aria-labelledby="decl" {
                        h2 #decl { "الإقرار" }
                        p.declaration { (f.declaration.ar) }
                        p.small { "نص الإقرار: " bdi dir="ltr" { (f.declaration.version) } }
                    }
                    (signature(f.confirmed.as_ref()))
                    footer {
                        p.small { "بصمة البيانات (SHA-256): " bdi.fp dir="ltr" { (f.fingerprint) } }
                    }
                    button type="button" data-print { "طباعة" }
                }
            }
        }
    }
}

impl IntoResponse for RequestFormPage {
    fn into_response(self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            document(&self).into_string(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::config::Declaration;
    use crate::domain::confirmation::ConfirmedData;

    fn form(registered: bool, signed: bool) -> RequestFormPage {
        let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let data = ConfirmedData {
            service_ar: "طلب دعم جديد".into(),
            service_en: "New support request".into(),
            name: Some("<b>سارة</b>".into()),
            national_id: Some("1000000008".into()),
            mobile: Some("0551234567".into()),
            documents: vec![],
            declaration_version: "v1".into(),
        };
        RequestFormPage {
            form: RequestForm {
                label: "A-001".into(),
                visit_day: day,
                fingerprint: data.fingerprint(),
                data,
                declaration: Declaration {
                    version: "v1".into(),
                    ar: "أقرّ بصحة البيانات".into(),
                    en: "I confirm".into(),
                },
                confirmed: signed.then(|| FormConfirmation {
                    at: chrono::Utc::now(),
                    signature: Some(Signature {
                        width: 300,
                        height: 100,
                        strokes: vec![vec![[1, 2, 0], [50, 60, 10]]],
                    }),
                }),
                registered: registered.then(|| ("R-2026-00001".to_string(), day)),
                earliest_if_registered: day,
            },
            copy: FormCopy::File,
        }
    }

    #[test]
    fn the_form_escapes_values_and_draws_the_signature() {
        let html = document(&form(true, true)).into_string();
        assert!(
            html.contains("&lt;b&gt;سارة&lt;/b&gt;"),
            "names are escaped"
        );
        assert!(html.contains("R-2026-00001"));
        assert!(
            html.contains("1000000008"),
            "the file copy has the ID in full"
        );
        assert!(html.contains(r#"points="1,2 50,60""#));
    }

    #[test]
    fn the_applicants_copy_masks_the_id_and_an_unsigned_form_leaves_a_box() {
        let mut page = form(false, false);
        page.copy = FormCopy::Applicant;
        let html = document(&page).into_string();
        assert!(!html.contains("1000000008") && html.contains("••••••0008"));
        assert!(!html.contains("<svg"), "no signature yet");
        assert!(html.contains("يُعطى عند تسجيل الطلب"));
    }
}
