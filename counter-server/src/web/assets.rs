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
const DISPLAY_HTML: &str = include_str!("../../../ui/web/display.html");
const STATUS_HTML: &str = include_str!("../../../ui/web/status.html");
const NOT_FOUND_HTML: &str = include_str!("../../../ui/web/not-found.html");

/// Name under `/assets/`, content type, bytes. The fonts are WOFF2 subsets of `ui/fonts/*.ttf`
/// (made by `ui/fonts/subset.sh`), SIL OFL (licence in `ui/web/fonts/OFL.txt`).
const ASSETS: &[(&str, &str, &[u8])] = &[
    ("common.css", "text/css; charset=utf-8", web!("common.css")),
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
        "metrics.css",
        "text/css; charset=utf-8",
        web!("metrics.css"),
    ),
    ("favicon.svg", "image/svg+xml", web!("favicon.svg")),
    ("i18n.js", "text/javascript; charset=utf-8", web!("i18n.js")),
    (
        "console.js",
        "text/javascript; charset=utf-8",
        web!("console.js"),
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
            ("page:status", STATUS_HTML),
            ("page:not-found", NOT_FOUND_HTML),
        ]
        .map(|(name, html)| (name, "text/html; charset=utf-8", html.as_bytes()));
        ASSETS
            .iter()
            .copied()
            .chain(pages)
            .map(|(name, kind, bytes)| (name, Prepared::new(kind, bytes)))
            .collect()
    })
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
