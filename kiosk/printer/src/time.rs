//! The instant a ticket was issued, and Riyadh's clock. chrono, because the kiosk links it anyway
//! (through Slint): one time library in the binary.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// An instant. Parsed from RFC 3339 with any offset; shown in UTC (`2026-11-24T11:05:00Z`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    pub const UNIX_EPOCH: Timestamp = Timestamp(DateTime::UNIX_EPOCH);

    pub fn now() -> Self {
        Self(Utc::now())
    }

    /// Local time at `zone`, formatted with strftime-style `format`.
    pub fn format_at(self, zone: FixedOffset, format: &str) -> String {
        self.0.with_timezone(&zone).format(format).to_string()
    }
}

impl FromStr for Timestamp {
    type Err = chrono::ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DateTime::parse_from_rfc3339(s).map(|t| Self(t.with_timezone(&Utc)))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// Asia/Riyadh. Saudi Arabia has kept UTC+03:00 without daylight saving since 1947, so a fixed
/// offset is exact (and needs no time zone database on the kiosk image).
pub(crate) fn riyadh() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("+03:00 is a valid offset")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_any_offset_and_shows_utc() {
        let t: Timestamp = "2026-11-25T10:02:03+03:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-11-25T07:02:03Z");
        assert_eq!(Timestamp::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
        assert!("2026-11-25 10:02".parse::<Timestamp>().is_err());
        assert!(Timestamp::now() > Timestamp::UNIX_EPOCH);
    }
}
