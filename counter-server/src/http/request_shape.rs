//! Request shapes refused before any route sees them, because two parts of a chain could read
//! them differently: a body framed by `Transfer-Encoding` (hyper drops the `Content-Length` of a
//! request that has both, where a proxy in front may have used it), and a query parameter given
//! twice (which of the two a handler would see is an accident of the parser).

use axum::http::{HeaderMap, header};

use crate::http::error::ApiError;

/// Every body the server takes is a small JSON document that clients send with a
/// `Content-Length`; a `Transfer-Encoding` (alone or beside a `Content-Length`) is refused.
pub fn check_framing(headers: &HeaderMap) -> Result<(), ApiError> {
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return Err(ApiError::bad_request(
            "transfer_encoding_refused",
            "طلب غير مقبول: أرسل المحتوى مع Content-Length",
            "Transfer-Encoding is refused: send the body with a Content-Length",
        ));
    }
    Ok(())
}

/// Each query parameter name appears at most once (compared after percent-decoding).
pub fn check_query(query: Option<&str>) -> Result<(), ApiError> {
    let Some(query) = query else { return Ok(()) };
    let mut seen = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let name = decode(pair.split('=').next().unwrap_or(""));
        if seen.contains(&name) {
            let mut e = ApiError::bad_request(
                "repeated_parameter",
                "معامل مكرر في الطلب",
                format!("The query parameter {name:?} is given more than once"),
            );
            e.field = Some(String::from_utf8_lossy(&name).into_owned());
            return Err(e);
        }
        seen.push(name);
    }
    Ok(())
}

/// `application/x-www-form-urlencoded` decoding of a name: `+` is a space, `%XX` a byte.
fn decode(raw: &str) -> Vec<u8> {
    let b = raw.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parameter_given_twice_is_refused_however_it_is_spelled() {
        assert!(check_query(None).is_ok());
        assert!(check_query(Some("from=2026-01-01&to=2026-01-31")).is_ok());
        assert!(check_query(Some("a=1&&b=2&")).is_ok());
        let e = check_query(Some("from=1&to=2&from=3")).unwrap_err();
        assert_eq!(e.code, "repeated_parameter");
        assert_eq!(e.field.as_deref(), Some("from"));
        assert!(check_query(Some("from=1&%66rom=3")).is_err());
        assert!(check_query(Some("a+b=1&a%20b=2")).is_err());
        assert!(check_query(Some("flag&flag")).is_err());
        assert!(check_query(Some("x=%")).is_ok());
    }
}
