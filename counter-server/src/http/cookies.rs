//! The cookies the browser pages use, and nothing else: `awn_session` (a staff session on the
//! console), `awn_display` (the waiting-room display's device token), `awn_applicant` (the
//! applicant tablet's device token), `awn_join` (the join page's device id), and `awn_place` and
//! `awn_booking` (the phone's own place or booking, for checking in at the entrance). All are
//! `HttpOnly` (scripts never see them) and `Secure` when the server is reached over TLS; all are
//! `SameSite=Strict` (never sent from another site) but the last two (`same_site_of`).

use axum::http::{HeaderMap, HeaderValue, header};

use crate::config::Config;

pub const SESSION: &str = "awn_session";
pub const DISPLAY: &str = "awn_display";
pub const APPLICANT: &str = "awn_applicant";
/// The join page's random device id (`web::join`): only for the per-device daily cap.
pub const JOIN_DEVICE: &str = "awn_join";
/// The status token of the place this phone joined today (`web::arrive`).
pub const PLACE: &str = "awn_place";
/// The page token of the appointment this phone booked (`web::arrive`).
pub const BOOKING: &str = "awn_booking";

/// The value of cookie `name`, if the request carries it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// Whether the request carries one of our cookies (so a state change needs an `Origin` check).
pub fn any(headers: &HeaderMap) -> bool {
    [SESSION, DISPLAY, APPLICANT, JOIN_DEVICE, PLACE, BOOKING]
        .iter()
        .any(|name| get(headers, name).is_some())
}

/// TLS is terminated by the server's public address (`https://` in the configuration) or by a
/// proxy in front that says so.
pub fn secure(headers: &HeaderMap, config: &Config) -> bool {
    config.branch.public_base_url.starts_with("https://")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// Where each cookie is sent: a device's token only to its own pages' paths, so a browser that
/// also holds a staff session never mixes the two.
fn path_of(name: &str) -> &'static str {
    match name {
        DISPLAY => "/display",
        APPLICANT => "/applicant",
        JOIN_DEVICE => "/join",
        PLACE | BOOKING => "/arrive",
        _ => "/",
    }
}

/// The phone's place and booking go with the link the entrance QR opens, and a phone's camera
/// app opens it as a navigation from outside, which browsers may count as cross-site: `Lax`
/// sends them with such a page load (a GET, which changes nothing), never with another site's
/// form or script.
fn same_site_of(name: &str) -> &'static str {
    match name {
        PLACE | BOOKING => "Lax",
        _ => "Strict",
    }
}

/// `Set-Cookie` for `name=value`, living `max_age` seconds.
pub fn set(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let s = format!(
        "{name}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite={}{}",
        path_of(name),
        same_site_of(name),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&s).expect("tokens are base64url, valid in a header")
}

/// `Set-Cookie` that deletes `name`.
pub fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_strict_and_secure_only_over_tls() {
        let c = set(SESSION, "abc", 60, false);
        assert_eq!(
            c,
            "awn_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Strict"
        );
        assert!(
            set(SESSION, "abc", 60, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("x=1; awn_session=tok; awn_display=dev"),
        );
        assert_eq!(get(&h, SESSION), Some("tok"));
        assert_eq!(get(&h, DISPLAY), Some("dev"));
        assert_eq!(get(&h, "awn"), None);
        assert!(any(&h));
    }

    #[test]
    fn the_phones_place_goes_only_to_the_entrance_pages_and_with_a_page_opened_from_outside() {
        assert_eq!(
            set(PLACE, "tok", 60, false),
            "awn_place=tok; Path=/arrive; Max-Age=60; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            set(BOOKING, "tok", 60, true),
            "awn_booking=tok; Path=/arrive; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(
            set(JOIN_DEVICE, "d", 60, false)
                .to_str()
                .unwrap()
                .contains("SameSite=Strict")
        );
    }
}
