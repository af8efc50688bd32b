//! Visitors' rights requests (a copy, a correction, a deletion): the one timing rule.

use chrono::{DateTime, Duration, Utc};

/// A request still open this many days after it was received is flagged for the supervisor.
pub const ANSWER_WITHIN_DAYS: i64 = 20;

/// Whether a request is open past the limit.
pub fn is_overdue(received_at: DateTime<Utc>, answered: bool, now: DateTime<Utc>) -> bool {
    !answered && now - received_at > Duration::days(ANSWER_WITHIN_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn open_more_than_twenty_days_is_overdue_unless_answered() {
        let received = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        assert!(!is_overdue(received, false, received + Duration::days(20)));
        assert!(is_overdue(
            received,
            false,
            received + Duration::days(20) + Duration::minutes(1)
        ));
        assert!(!is_overdue(received, true, received + Duration::days(90)));
    }
}
