//! Ticket numbers and labels, and the service day they restart on.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Asia/Riyadh. Saudi Arabia has kept UTC+3 without daylight saving since 1950, so a fixed offset is
/// exact and needs no time-zone database.
pub fn riyadh() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).expect("UTC+3 is a valid offset")
}

/// The service day an instant belongs to: the calendar date in Riyadh. Numbers restart at 1 on each.
pub fn service_day(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&riyadh()).date_naive()
}

/// The instant service day `day` ends: the next midnight in Riyadh.
pub fn day_end(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .expect("a service day has a next one")
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(riyadh())
        .single()
        .expect("a fixed offset has one midnight")
        .with_timezone(&Utc)
}

/// The label shown to visitors and on the display board: prefix, dash, at least three digits
/// (`awn_core::label`, which the rating kiosk parses typed labels with).
pub use awn_core::label::format as label;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn service_day_turns_at_riyadh_midnight_not_utc_midnight() {
        let before = Utc.with_ymd_and_hms(2026, 11, 25, 20, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 11, 25, 21, 0, 0).unwrap();
        assert_eq!(
            service_day(before),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        );
        assert_eq!(
            service_day(after),
            NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
        );
        assert_eq!(day_end(service_day(before)), after);
        assert_eq!(
            day_end(service_day(after)),
            after + chrono::Duration::days(1)
        );
    }
}
