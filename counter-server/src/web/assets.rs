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
