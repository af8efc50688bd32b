//! The pages' files, compiled into the binary from `ui/web/` and `ui/fonts/` (no build step, no
//! separate front-end server), each with its content type and caching rule.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::api::error::ApiError;

macro_rules! web {
    ($file:literal) => {
        include_bytes!(concat!("../../../ui/web/", $file))
    };
}

pub const CONSOLE_HTML: &str = include_str!("../../../ui/web/console.html");
pub const DISPLAY_HTML: &str = include_str!("../../../ui/web/display.html");
pub const STATUS_HTML: &str = include_str!("../../../ui/web/status.html");
pub const NOT_FOUND_HTML: &str = include_str!("../../../ui/web/not-found.html");

/// Name under `/assets/`, content type, bytes. Fonts are SIL OFL (licence in `ui/fonts/OFL.txt`).
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
        "fonts/NotoNaskhArabic-Regular.ttf",
        "font/ttf",
        include_bytes!("../../../ui/fonts/NotoNaskhArabic-Regular.ttf"),
    ),
    (
        "fonts/NotoNaskhArabic-Bold.ttf",
        "font/ttf",
        include_bytes!("../../../ui/fonts/NotoNaskhArabic-Bold.ttf"),
    ),
    (
        "fonts/NotoSans-Regular.ttf",
        "font/ttf",
        include_bytes!("../../../ui/fonts/NotoSans-Regular.ttf"),
    ),
    (
        "fonts/NotoSans-Bold.ttf",
        "font/ttf",
        include_bytes!("../../../ui/fonts/NotoSans-Bold.ttf"),
    ),
];

/// `GET /assets/{*path}`
pub async fn asset(Path(path): Path<String>) -> Response {
    let Some((_, kind, bytes)) = ASSETS.iter().find(|(name, _, _)| *name == path) else {
        return ApiError::not_found().into_response();
    };
    // Scripts and styles are revalidated so an upgrade takes effect; fonts and clips rarely change.
    let cache = if kind.starts_with("font/") || kind.starts_with("audio/") {
        "public, max-age=86400"
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        *bytes,
    )
        .into_response()
}
