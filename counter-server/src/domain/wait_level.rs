//! How a line's longest wait stands against its service's target: the supervisor's board colours
//! a line by it. Amber from the target, red from `RED_PERCENT_OF_TARGET` of it (the one place
//! this multiple is written).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// A line turns red when its longest wait reaches this share of the target (150 %: 1.5×).
pub const RED_PERCENT_OF_TARGET: i64 = 150;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitLevel {
    Ok,
    Amber,
    Red,
}

/// When a line whose oldest ticket was issued at `oldest` turns amber and red.
pub fn turns_at(oldest: DateTime<Utc>, target_minutes: u32) -> (DateTime<Utc>, DateTime<Utc>) {
    let target_s = i64::from(target_minutes) * 60;
    (
        oldest + Duration::seconds(target_s),
        oldest + Duration::seconds(target_s * RED_PERCENT_OF_TARGET / 100),
    )
}

/// The level of a line now; an empty line (`oldest` None) is always ok.
pub fn classify(
    oldest: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    target_minutes: u32,
) -> WaitLevel {
    let Some(oldest) = oldest else {
        return WaitLevel::Ok;
    };
    let (amber, red) = turns_at(oldest, target_minutes);
    if now >= red {
        WaitLevel::Red
    } else if now >= amber {
        WaitLevel::Amber
    } else {
        WaitLevel::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn levels_against_the_target() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
        // (waited seconds, target minutes, level)
        let table = [
            (0, 15, WaitLevel::Ok),
            (15 * 60 - 1, 15, WaitLevel::Ok),
            (15 * 60, 15, WaitLevel::Amber),
            (22 * 60 + 29, 15, WaitLevel::Amber),
            (22 * 60 + 30, 15, WaitLevel::Red),
            (3 * 3600, 15, WaitLevel::Red),
            (59, 1, WaitLevel::Ok),
            (60, 1, WaitLevel::Amber),
            (90, 1, WaitLevel::Red),
            (29 * 60, 20, WaitLevel::Amber),
            (30 * 60, 20, WaitLevel::Red),
        ];
        for (waited, target, want) in table {
            let now = t0 + Duration::seconds(waited);
            assert_eq!(
                classify(Some(t0), now, target),
                want,
                "{waited} s against {target} min"
            );
        }
        assert_eq!(classify(None, t0 + Duration::hours(5), 15), WaitLevel::Ok);
    }

    #[test]
    fn turning_points_match_the_levels() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
        let (amber, red) = turns_at(t0, 10);
        assert_eq!(amber - t0, Duration::minutes(10));
        assert_eq!(red - t0, Duration::minutes(15));
        assert_eq!(
            classify(Some(t0), red - Duration::seconds(1), 10),
            WaitLevel::Amber
        );
    }
}
