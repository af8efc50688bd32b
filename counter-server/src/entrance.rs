//! The entrance code (policy 3.4): a visitor who joined the line from the phone, or booked an
//! appointment, checks in by scanning the QR that the waiting-room display shows (`web::arrive`).
//! The QR's link carries a code that changes every `WINDOW_SECONDS`, so that a photo of it taken
//! once cannot check anyone in from home on another day: a code is accepted in its own window and
//! the next one (a scan as the code turns, a code typed slowly on the page it opened), never later.
//!
//! The code is an HMAC-SHA256 of the window's number under a key held only in memory: nothing to
//! store or leak, and a restart simply changes the code (the display fetches it again whenever its
//! event stream reconnects). Pure: the time is an argument.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};

/// How long one code is shown: long enough for a phone to scan and the page to open, short
/// enough that a photo is stale by the time it reaches anyone who is not in the room.
pub const WINDOW_SECONDS: i64 = 5 * 60;
/// Bytes of the MAC the code keeps: 96 bits, 16 characters of base64url.
const CODE_BYTES: usize = 12;

/// The key the codes are made with.
pub struct EntranceGate {
    key: [u8; 32],
}

/// The code to show now, when the next one takes its place, and until when it is accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntranceCode {
    pub code: String,
    pub next_at: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
}

impl Default for EntranceGate {
    fn default() -> Self {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).expect("the OS random source is available");
        Self::with_key(key)
    }
}

impl EntranceGate {
    pub fn with_key(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self, window: i64) -> Hmac<sha2::Sha256> {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(b"awn-entrance:");
        mac.update(&window.to_be_bytes());
        mac
    }

    /// The code of the window `now` falls in.
    pub fn current(&self, now: DateTime<Utc>) -> EntranceCode {
        let window = window_of(now);
        let tag = self.mac(window).finalize().into_bytes();
        EntranceCode {
            code: URL_SAFE_NO_PAD.encode(&tag[..CODE_BYTES]),
            next_at: window_start(window + 1),
            valid_until: window_start(window + 2),
        }
    }

    /// Whether `code` is the code of `now`'s window or of the one before (compared in constant
    /// time: the page answers anyone on the internet).
    pub fn accepts(&self, code: &str, now: DateTime<Utc>) -> bool {
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(code) else {
            return false;
        };
        if bytes.len() != CODE_BYTES {
            return false;
        }
        let window = window_of(now);
        [window, window - 1]
            .iter()
            .any(|w| self.mac(*w).verify_truncated_left(&bytes).is_ok())
    }
}

fn window_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(WINDOW_SECONDS)
}

fn window_start(window: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(window * WINDOW_SECONDS, 0)
        .single()
        .expect("a window's start is a valid instant")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(seconds: i64) -> DateTime<Utc> {
        // A window boundary: 2026-12-07 06:00:00 UTC is a multiple of five minutes.
        Utc.with_ymd_and_hms(2026, 12, 7, 6, 0, 0).unwrap() + Duration::seconds(seconds)
    }

    #[test]
    fn a_code_holds_for_its_window_and_the_next_and_never_after() {
        let gate = EntranceGate::with_key([7; 32]);
        let shown = gate.current(at(10));
        assert_eq!(shown.code.len(), 16);
        assert_eq!(shown.next_at, at(WINDOW_SECONDS));
        assert_eq!(shown.valid_until, at(2 * WINDOW_SECONDS));
        assert_eq!(gate.current(at(WINDOW_SECONDS - 1)).code, shown.code);
        for (t, accepted) in [
            (0, true),
            (WINDOW_SECONDS - 1, true),
            (WINDOW_SECONDS, true),
            (2 * WINDOW_SECONDS - 1, true),
            (2 * WINDOW_SECONDS, false),
            (24 * 3600, false),
            // Before it was shown: a code of the future is not made by the display.
            (-1, false),
        ] {
            assert_eq!(gate.accepts(&shown.code, at(t)), accepted, "at +{t}s");
        }
        assert_ne!(gate.current(at(WINDOW_SECONDS)).code, shown.code);
    }

    #[test]
    fn another_key_or_a_changed_code_is_refused() {
        let gate = EntranceGate::with_key([7; 32]);
        let other = EntranceGate::with_key([8; 32]);
        let code = gate.current(at(0)).code;
        assert!(!other.accepts(&code, at(0)));
        let mut changed = code.clone().into_bytes();
        changed[0] = if changed[0] == b'A' { b'B' } else { b'A' };
        assert!(!gate.accepts(std::str::from_utf8(&changed).unwrap(), at(0)));
        for bad in [
            "",
            "short",
            "!!!!!!!!!!!!!!!!",
            &format!("{code}AAAA"),
            &code[..15],
        ] {
            assert!(!gate.accepts(bad, at(0)), "{bad:?}");
        }
        // Two servers started apart have different keys, so different codes.
        assert_ne!(
            EntranceGate::default().current(at(0)).code,
            EntranceGate::default().current(at(0)).code
        );
    }
}
