//! A reference document as the console's reading frame shows it (`GET /api/v1/reference/{id}`,
//! through `http::views::ReferenceDocument`): sanitised HTML (made once, when the branch added
//! it) inside a page of this server with its direction and stylesheets, or the PDF as it is. The
//! reply lets this server's own pages frame it (`FramedByConsole`) and may be kept briefly by
//! the browser: a document's content never changes under its id (a new version is a new id).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::http::security::FramedByConsole;
use crate::http::views::ReferenceDocument;
use crate::reference::Kind;
use crate::store::reference::ReferenceContent;

/// The browser may reuse a document for this long (it is no personal data, and private: staff
/// only).
pub const CACHE_CONTROL: &str = "private, max-age=300";

/// The page around a document's sanitised HTML.
pub fn page(doc: &ReferenceContent) -> Markup {
    let (title, dir) = match doc.lang.as_str() {
        "en" => (&doc.title_en, "ltr"),
        _ => (&doc.title_ar, "rtl"),
    };
    html! {
        (DOCTYPE)
        html lang=(doc.lang) dir=(dir) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) }
                link rel="stylesheet" href="/assets/common.css";
                link rel="stylesheet" href="/assets/reference.css";
            }
            body {
                main {
                    // Sanitised when the branch added it (`reference::prepare`).
                    (PreEscaped(String::from_utf8_lossy(&doc.content)))
                }
            }
        }
    }
}

impl IntoResponse for ReferenceDocument {
    fn into_response(self) -> Response {
        let doc = self.0;
        let mut res = match doc.kind {
            Kind::Html => (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                    (header::CACHE_CONTROL, CACHE_CONTROL),
                ],
                page(&doc).into_string(),
            )
                .into_response(),
            Kind::Pdf => (
                [
                    (header::CONTENT_TYPE, "application/pdf"),
                    (header::CACHE_CONTROL, CACHE_CONTROL),
                    (header::CONTENT_DISPOSITION, "inline"),
                ],
                doc.content,
            )
                .into_response(),
        };
        res.extensions_mut().insert(FramedByConsole);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_has_the_documents_direction_and_links_its_style() {
        let doc = ReferenceContent {
            title_ar: "اللائحة".into(),
            title_en: "Bylaws <1>".into(),
            kind: Kind::Html,
            lang: "en".into(),
            content: b"<h1>Bylaws</h1>".to_vec(),
        };
        let page = page(&doc).into_string();
        assert!(page.contains(r#"<html lang="en" dir="ltr">"#), "{page}");
        assert!(page.contains("<title>Bylaws &lt;1&gt;</title>"), "{page}");
        assert!(page.contains("<main><h1>Bylaws</h1></main>"), "{page}");
        assert!(page.contains(r#"href="/assets/reference.css""#));
        assert!(!page.contains("style="), "{page}");
    }
}
