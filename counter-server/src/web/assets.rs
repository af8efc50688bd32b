//! The pages' files, compiled into the binary from `ui/web/` and `ui/fonts/` (no build step, no
//! separate front-end server), each with its content type and caching rule.

use std::io::Write;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use crate::http::error::ApiError;

macro_rules! web {
    ($file:literal) => {
        include_bytes!(concat!("../../../ui/web/", $file))
    };
}

const CONSOLE_HTML: &str = include_str!("../../../ui/web/console.html");
const BOARD_HTML: &str = include_str!("../../../ui/web/board.html");
const APPOINTMENTS_HTML: &str = include_str!("../../../ui/web/appointments.html");
const ADMIN_HTML: &str = include_str!("../../../ui/web/admin.html");
const DISPLAY_HTML: &str = include_str!("../../../ui/web/display.html");
const APPLICANT_HTML: &str = include_str!("../../../ui/web/applicant.html");
const STATUS_HTML: &str = include_str!("../../../ui/web/status.html");
const NOT_FOUND_HTML: &str = include_str!("../../../ui/web/not-found.html");

/// The printable rights export's style: an asset for the served page, and written inside the page
/// the CLI saves to a file (`rights_page::file`).
pub const PRINTABLE_CSS: &str = include_str!("../../../ui/web/printable.css");

/// Name under `/assets/`, content type, bytes. The fonts are WOFF2 subsets of `ui/fonts/*.ttf`
/// (made by `ui/fonts/subset.sh`), SIL OFL (licence in `ui/web/fonts/OFL.txt`).
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("common.css", "text/css; charset=utf-8", web!("common.css")),
    ("board.css", "text/css; charset=utf-8", web!("board.css")),
    (
        "appointments.css",
        "text/css; charset=utf-8",
        web!("appointments.css"),
    ),
    ("join.css", "text/css; charset=utf-8", web!("join.css")),
    ("admin.css", "text/css; charset=utf-8", web!("admin.css")),
    (
        "admin.js",
        "text/javascript; charset=utf-8",
        web!("admin.js"),
    ),
    (
        "admin-settings.js",
        "text/javascript; charset=utf-8",
        web!("admin-settings.js"),
    ),
    (
        "admin-webhooks.js",
        "text/javascript; charset=utf-8",
        web!("admin-webhooks.js"),
    ),
    (
        "admin-words.js",
        "text/javascript; charset=utf-8",
        web!("admin-words.js"),
    ),
    (
        "account.js",
        "text/javascript; charset=utf-8",
        web!("account.js"),
    ),
    (
        "board.js",
        "text/javascript; charset=utf-8",
        web!("board.js"),
    ),
    (
        "board-words.js",
        "text/javascript; charset=utf-8",
        web!("board-words.js"),
    ),
    (
        "appointments.js",
        "text/javascript; charset=utf-8",
        web!("appointments.js"),
    ),
    (
        "appointments-words.js",
        "text/javascript; charset=utf-8",
        web!("appointments-words.js"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        web!("console.css"),
    ),
    (
        "display.css",
        "text/css; charset=utf-8",
        web!("display.css"),
    ),
    ("status.css", "text/css; charset=utf-8", web!("status.css")),
    (
        "reference.css",
        "text/css; charset=utf-8",
        web!("reference.css"),
    ),
    (
        "metrics.css",
        "text/css; charset=utf-8",
        web!("metrics.css"),
    ),
    ("report.css", "text/css; charset=utf-8", web!("report.css")),
    (
        "contacts.js",
        "text/javascript; charset=utf-8",
        web!("contacts.js"),
    ),
    (
        "printable.css",
        "text/css; charset=utf-8",
        PRINTABLE_CSS.as_bytes(),
    ),
    (
        "request-form.css",
        "text/css; charset=utf-8",
        web!("request-form.css"),
    ),
    (
        "print.js",
        "text/javascript; charset=utf-8",
        web!("print.js"),
    ),
    (
        "applicant.css",
        "text/css; charset=utf-8",
        web!("applicant.css"),
    ),
    (
        "applicant.js",
        "text/javascript; charset=utf-8",
        web!("applicant.js"),
    ),
    ("favicon.svg", "image/svg+xml", web!("favicon.svg")),
    ("i18n.js", "text/javascript; charset=utf-8", web!("i18n.js")),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        web!("console.js"),
    ),
    (
        "reception.js",
        "text/javascript; charset=utf-8",
        web!("reception.js"),
    ),
    (
        "pairing.js",
        "text/javascript; charset=utf-8",
        web!("pairing.js"),
    ),
    (
        "pair-screen.js",
        "text/javascript; charset=utf-8",
        web!("pair-screen.js"),
    ),
    (
        "reception.css",
        "text/css; charset=utf-8",
        web!("reception.css"),
    ),
    (
        "console-words.js",
        "text/javascript; charset=utf-8",
        web!("console-words.js"),
    ),
    (
        "display.js",
        "text/javascript; charset=utf-8",
        web!("display.js"),
    ),
    (
        "status.js",
        "text/javascript; charset=utf-8",
        web!("status.js"),
    ),
    ("sw.js", "text/javascript; charset=utf-8", web!("sw.js")),
    ("audio/ar.ogg", "audio/ogg", web!("audio/ar.ogg")),
    ("audio/en.ogg", "audio/ogg", web!("audio/en.ogg")),
    ("audio/chime.ogg", "audio/ogg", web!("audio/chime.ogg")),
    (
        "audio/clips.json",
        "application/json",
        web!("audio/clips.json"),
    ),
    (
        "fonts/NotoNaskhArabic-Regular.woff2",
        "font/woff2",
        web!("fonts/NotoNaskhArabic-Regular.woff2"),
    ),
    (
        "fonts/NotoNaskhArabic-Bold.woff2",
        "font/woff2",
        web!("fonts/NotoNaskhArabic-Bold.woff2"),
    ),
    (
        "fonts/NotoSans-Regular.woff2",
        "font/woff2",
        web!("fonts/NotoSans-Regular.woff2"),
    ),
    (
        "fonts/NotoSans-Bold.woff2",
        "font/woff2",
        web!("fonts/NotoSans-Bold.woff2"),
    ),
];

/// A file ready to serve: its bytes, their gzip form when compressing pays (text; the Ogg clips
/// and WOFF2 fonts are compressed already), and a strong validator from a hash of the bytes.
struct Prepared {
    kind: &'static str,
    bytes: &'static [u8],
    gzip: Option<Vec<u8>>,
    etag: String,
}

impl Prepared {
    fn new(kind: &'static str, bytes: &'static [u8]) -> Self {
        let gzip = compressible(kind).then(|| {
            let mut enc = GzEncoder::new(Vec::new(), Compression::best());
            enc.write_all(bytes).expect("gzip into memory");
            enc.finish().expect("gzip into memory")
        });
        let hash = Sha256::digest(bytes);
        let etag = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
        Prepared {
            kind,
            bytes,
            gzip,
            etag,
        }
    }
}

/// Whether gzip makes a file of this type smaller: not for formats compressed already.
fn compressible(kind: &str) -> bool {
    !(kind.starts_with("audio/") || kind == "font/woff2")
}

/// Compressed and hashed once, on first use, then shared by every request.
fn prepared() -> &'static [(&'static str, Prepared)] {
    static ALL: OnceLock<Vec<(&'static str, Prepared)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let pages = [
            ("page:console", CONSOLE_HTML),
            ("page:display", DISPLAY_HTML),
            ("page:board", BOARD_HTML),
            ("page:appointments", APPOINTMENTS_HTML),
            ("page:admin", ADMIN_HTML),
            ("page:applicant", APPLICANT_HTML),
            ("page:status", STATUS_HTML),
            ("page:not-found", NOT_FOUND_HTML),
        ]
        .map(|(name, html)| (name, "text/html; charset=utf-8", html.as_bytes()));
        // Built once per process and kept for its lifetime, like the compiled-in files.
        let words: &'static [u8] = Vec::leak(rating_words_js().into_bytes());
        let generated = [("rating-words.js", "text/javascript; charset=utf-8", words)];
        ASSETS
            .iter()
            .copied()
            .chain(pages)
            .chain(generated)
            .map(|(name, kind, bytes)| (name, Prepared::new(kind, bytes)))
            .collect()
    })
}

/// `/assets/rating-words.js`: the status page's words for the scores (`face_1` … `face_5`) and the
/// reasons (`reason_<key>`), from `awn_core::rating`, so the phone, the rating kiosk and the
/// metrics page say the same thing.
fn rating_words_js() -> String {
    use awn_core::{Lang, rating};
    let words = |lang| {
        let mut m = serde_json::Map::new();
        for (i, w) in rating::score_words(lang).iter().enumerate() {
            m.insert(format!("face_{}", i + 1), (*w).into());
        }
        for r in rating::Reason::ALL {
            m.insert(format!("reason_{}", r.key()), r.word(lang).into());
        }
        serde_json::Value::Object(m)
    };
    format!(
        "// Generated by counter-server from awn_core::rating: the rating words of every form.\n\
         \"use strict\";\n\
         Object.assign(AWN_I18N.ar, {});\n\
         Object.assign(AWN_I18N.en, {});\n",
        words(Lang::Ar),
        words(Lang::En)
    )
}

/// Whether the client's `Accept-Encoding` admits gzip (`gzip` or `*` with a non-zero q).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Whether `If-None-Match` names this file (either of its encodings, or `*`).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/").trim_matches('"'))
        .any(|tag| tag == "*" || tag.strip_suffix("-gz").unwrap_or(tag) == etag)
}

/// The response for one prepared file: gzip when the client takes it, `304` when its copy is
/// current (only for assets: pages are `no-store`, so they carry no validator).
fn respond(file: &Prepared, headers: &HeaderMap, validate: bool) -> Response {
    let gzip = file.gzip.as_ref().filter(|_| accepts_gzip(headers));
    let etag = match gzip {
        Some(_) => format!("\"{}-gz\"", file.etag),
        None => format!("\"{}\"", file.etag),
    };
    let mut res = if validate && not_modified(headers, &file.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        match gzip {
            Some(body) => {
                let mut res = body.clone().into_response();
                res.headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                res
            }
            None => file.bytes.into_response(),
        }
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(file.kind));
    if file.gzip.is_some() {
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if validate {
        h.insert(
            header::ETAG,
            HeaderValue::from_str(&etag).expect("hex etag"),
        );
    }
    res
}

/// `GET /favicon.ico`: the icon for clients that ask before reading the pages' `<link rel="icon">`.
pub async fn favicon(headers: HeaderMap) -> Response {
    asset(Path("favicon.svg".to_string()), headers).await
}

/// `GET /sw.js`: the status page's service worker (its "your turn is near" notices), served from
/// the root so its scope covers the status page.
pub async fn service_worker(headers: HeaderMap) -> Response {
    asset(Path("sw.js".to_string()), headers).await
}

fn find(name: &str) -> Option<&'static Prepared> {
    prepared().iter().find(|(n, _)| *n == name).map(|(_, p)| p)
}

/// One of the HTML pages (`console`, `display`, `status`, `not-found`), compressed when the client
/// takes it.
pub fn page(name: &str, headers: &HeaderMap) -> Response {
    let file = find(&format!("page:{name}")).expect("a compiled-in page");
    respond(file, headers, false)
}

/// `GET /assets/{*path}`
pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let Some(file) = find(&path).filter(|_| !path.starts_with("page:")) else {
        return ApiError::not_found().into_response();
    };
    // Scripts and styles are revalidated so an upgrade takes effect; fonts and clips rarely change.
    let cache = if file.kind.starts_with("font/") || file.kind.starts_with("audio/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    let mut res = respond(file, &headers, true);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status page offers exactly the reasons the server accepts, and takes their words
    /// (and the scores') from the generated script, not from a copy of its own.
    #[test]
    fn the_status_page_offers_the_shared_reasons_with_the_shared_words() {
        let boxes = STATUS_HTML.matches(r#"name="reasons" value=""#).count();
        assert_eq!(boxes, awn_core::rating::REASON_KEYS.len());
        for key in awn_core::rating::REASON_KEYS {
            assert!(
                STATUS_HTML.contains(&format!(r#"name="reasons" value="{key}""#)),
                "{key}"
            );
        }
        assert!(STATUS_HTML.contains(r#"<script src="/assets/rating-words.js"></script>"#));
        let status_js = std::str::from_utf8(web!("status.js")).unwrap();
        assert!(!status_js.contains("reason_courtesy") && !status_js.contains("face_1"));
        let js = rating_words_js();
        assert!(
            js.contains(r#""reason_time_given":"Time given to me""#),
            "{js}"
        );
        assert!(js.contains(r#""face_5":"ممتازة""#), "{js}");
        assert!(find("rating-words.js").is_some());
    }

    /// The Unicode ranges in `text` after each `marker` up to the next quote or `;`, spaces
    /// removed, in order.
    fn ranges_after(text: &str, marker: &str) -> Vec<String> {
        text.split(marker)
            .skip(1)
            .map(|rest| {
                let end = rest.find(['"', ';']).unwrap_or(rest.len());
                rest[..end].replace([' ', '$', '{', '}'], "")
            })
            .collect()
    }

    /// Each face's `unicode-range` in common.css is exactly what `ui/fonts/subset.sh` keeps in
    /// its file: a narrower range would leave kept letters to a system font, a wider one would
    /// promise letters the subset lacks.
    #[test]
    fn the_css_unicode_ranges_are_the_subsets_ranges() {
        let script = include_str!("../../../ui/fonts/subset.sh");
        let css = include_str!("../../../ui/web/common.css");
        let arabic = ranges_after(script, "\narabic=\"")
            .join(",")
            .replacen("arabic,", "", 1);
        let latin = ranges_after(script, "\nlatin=\"").join(",");
        let faces = ranges_after(css, "unicode-range:");
        assert_eq!(faces.len(), 4, "{faces:?}");
        assert_eq!(faces[0], arabic, "Noto Naskh Arabic Regular");
        assert_eq!(faces[1], arabic, "Noto Naskh Arabic Bold");
        assert_eq!(faces[2], latin, "Noto Sans Regular");
        assert_eq!(faces[3], latin, "Noto Sans Bold");
    }

    /// The clips the display composes announcements from: every prefix letter, 0-99, the hundreds
    /// and the thousands (labels up to 9999), and the joining words, in both languages.
    #[test]
    fn clips_cover_every_letter_and_number_up_to_9999() {
        let (_, _, bytes) = ASSETS
            .iter()
            .find(|(name, _, _)| *name == "audio/clips.json")
            .unwrap();
        let clips: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let mut keys: Vec<String> = ('A'..='Z').map(String::from).collect();
        keys.extend((0..=99).map(|n| format!("n{n}")));
        keys.extend((1..=9).flat_map(|d| [format!("h{d}"), format!("t{d}")]));
        keys.extend(["ticket", "desk", "and"].map(String::from));
        for lang in ["ar", "en"] {
            for key in &keys {
                let clip = &clips[lang][key];
                let length = clip[1].as_f64().unwrap_or(0.0);
                assert!(length > 0.1, "{lang}/{key} has no clip: {clip}");
            }
        }
    }
}
