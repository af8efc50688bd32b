//! Association-wide figures (issue 17 item 3) from the sums head office reads (`read::figures`):
//! pure, no SQL and no HTTP. Every level (the association, a branch, a service, a month, and
//! their crossings) is the sum of the branches' own counts, so head office and a branch agree to
//! the visit. Satisfaction is shown at a level only from `metrics::enough_ratings` ratings (the
//! branch's rule, the one source): with fewer, one visitor's score could be picked out.
//!
//! Waits and service times are means, not the branch page's medians: a mean is a sum over
//! branches, a median is not, and head office answers a year of ten branches in under a second
//! from these sums.

use chrono::NaiveDate;
use serde::Serialize;

use crate::metrics::{csv_cell, enough_ratings};

/// The counts and sums of one group, as the database adds them up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    pub visits: i64,
    pub done: i64,
    pub no_shows: i64,
    pub referrals: i64,
    pub support_requests: i64,
    /// Visits called at least once, and the sum of their seconds from issue to the first call.
    pub waited: i64,
    pub wait_s: i64,
    /// Finished visits with a start, and the sum of their seconds from start to finish.
    pub timed: i64,
    pub service_s: i64,
    pub ratings: i64,
    /// Ratings of 4 or 5.
    pub satisfied: i64,
    pub score_sum: i64,
}

/// Which group a row is: the association (all `None`), or a branch, a service, a month, a
/// channel, or a crossing of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Key {
    pub branch: Option<String>,
    pub service: Option<String>,
    /// The first day of the month.
    pub month: Option<NaiveDate>,
    /// How the visitors came (`Channel::as_str`, or `unknown` for facts that did not say).
    pub channel: Option<String>,
}

/// A group's figures as pages, CSV and `/metrics` show them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    #[serde(flatten)]
    pub key: Key,
    pub visits: i64,
    pub done: i64,
    pub no_shows: i64,
    pub referrals: i64,
    pub support_requests: i64,
    pub mean_wait_s: Option<i64>,
    pub mean_service_s: Option<i64>,
    pub ratings: i64,
    /// Share of 4–5, only from `enough_ratings` ratings.
    pub csat: Option<f64>,
    /// Mean score, likewise.
    pub average: Option<f64>,
    /// Ratings ÷ finished visits.
    pub response_rate: Option<f64>,
}

impl Figure {
    pub fn of(key: Key, s: Sums) -> Self {
        let mean = |sum: i64, n: i64| (n > 0).then(|| (sum as f64 / n as f64).round() as i64);
        let rated = usize::try_from(s.ratings).is_ok_and(enough_ratings);
        Self {
            key,
            visits: s.visits,
            done: s.done,
            no_shows: s.no_shows,
            referrals: s.referrals,
            support_requests: s.support_requests,
            mean_wait_s: mean(s.wait_s, s.waited),
            mean_service_s: mean(s.service_s, s.timed),
            ratings: s.ratings,
            csat: rated.then(|| s.satisfied as f64 / s.ratings as f64),
            average: rated.then(|| s.score_sum as f64 / s.ratings as f64),
            response_rate: (s.done > 0).then(|| s.ratings as f64 / s.done as f64),
        }
    }
}

/// The committee's open requests of one branch by age (policy 6.5: an answer in no less than
/// two weeks), counted in days since registration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct OpenRequests {
    pub branch: String,
    /// Under 14 days: not yet due.
    pub under_14_days: i64,
    pub days_14_to_30: i64,
    pub days_31_to_60: i64,
    pub over_60_days: i64,
}

impl OpenRequests {
    /// The age buckets' names as `/metrics` labels and CSV columns, with each bucket's count.
    pub fn buckets(&self) -> [(&'static str, i64); 4] {
        [
            ("under_14_days", self.under_14_days),
            ("14_to_30_days", self.days_14_to_30),
            ("31_to_60_days", self.days_31_to_60),
            ("over_60_days", self.over_60_days),
        ]
    }

    /// Adds one open request registered `age_days` ago.
    pub fn count(&mut self, age_days: i64) {
        match age_days {
            ..14 => self.under_14_days += 1,
            14..=30 => self.days_14_to_30 += 1,
            31..=60 => self.days_31_to_60 += 1,
            _ => self.over_60_days += 1,
        }
    }
}

/// The figures of a period, every level, and the committee's open requests.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub min_ratings: usize,
    pub figures: Vec<Figure>,
    pub open_requests: Vec<OpenRequests>,
}

impl Report {
    /// The rows of one level over every channel, e.g. `(true, false, false)` for one row per
    /// branch.
    pub fn level(&self, branch: bool, service: bool, month: bool) -> impl Iterator<Item = &Figure> {
        self.channel_level(branch, service, month, false)
    }

    /// The rows of one level, per channel when `channel`.
    pub fn channel_level(
        &self,
        branch: bool,
        service: bool,
        month: bool,
        channel: bool,
    ) -> impl Iterator<Item = &Figure> {
        self.figures.iter().filter(move |f| {
            f.key.branch.is_some() == branch
                && f.key.service.is_some() == service
                && f.key.month.is_some() == month
                && f.key.channel.is_some() == channel
        })
    }

    /// The association's totals for the period.
    pub fn total(&self) -> Figure {
        self.level(false, false, false)
            .next()
            .cloned()
            .unwrap_or_else(|| Figure::of(Key::default(), Sums::default()))
    }
}

/// The report as CSV: one row per group (empty cells for "all"), then the open requests.
pub fn to_csv(r: &Report) -> String {
    let num = |v: Option<f64>| v.map_or(String::new(), |x| format!("{x:.4}"));
    let int = |v: Option<i64>| v.map_or(String::new(), |x| x.to_string());
    let mut out = String::from(
        "branch,service,month,channel,visits,done,no_shows,referrals,support_requests,mean_wait_s,mean_service_s,ratings,csat,average,response_rate\n",
    );
    for f in &r.figures {
        let cells = [
            f.key.branch.as_deref().map_or(String::new(), csv_cell),
            f.key.service.as_deref().map_or(String::new(), csv_cell),
            f.key
                .month
                .map_or(String::new(), |m| m.format("%Y-%m").to_string()),
            f.key.channel.as_deref().map_or(String::new(), csv_cell),
            f.visits.to_string(),
            f.done.to_string(),
            f.no_shows.to_string(),
            f.referrals.to_string(),
            f.support_requests.to_string(),
            int(f.mean_wait_s),
            int(f.mean_service_s),
            f.ratings.to_string(),
            num(f.csat),
            num(f.average),
            num(f.response_rate),
        ];
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.push_str("\nbranch,open_requests_age,count\n");
    for o in &r.open_requests {
        for (bucket, n) in o.buckets() {
            out.push_str(&format!("{},{bucket},{n}\n", csv_cell(&o.branch)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(ratings: i64, satisfied: i64) -> Sums {
        Sums {
            visits: 20,
            done: 18,
            waited: 19,
            wait_s: 19 * 600 + 9,
            timed: 18,
            service_s: 18 * 300,
            ratings,
            satisfied,
            score_sum: ratings * 4,
            ..Sums::default()
        }
    }

    #[test]
    fn satisfaction_shows_only_from_ten_ratings() {
        let nine = Figure::of(Key::default(), sums(9, 9));
        assert_eq!((nine.csat, nine.average), (None, None));
        assert_eq!(
            nine.ratings, 9,
            "the count itself is not a score: it is shown"
        );
        let ten = Figure::of(Key::default(), sums(10, 7));
        assert_eq!((ten.csat, ten.average), (Some(0.7), Some(4.0)));
        assert_eq!(ten.response_rate, Some(10.0 / 18.0));
    }

    #[test]
    fn means_are_rounded_seconds_and_absent_without_visits() {
        let f = Figure::of(Key::default(), sums(0, 0));
        assert_eq!((f.mean_wait_s, f.mean_service_s), (Some(600), Some(300)));
        let none = Figure::of(Key::default(), Sums::default());
        assert_eq!(
            (none.mean_wait_s, none.mean_service_s, none.response_rate),
            (None, None, None)
        );
    }

    #[test]
    fn open_requests_fall_into_their_age() {
        let mut o = OpenRequests::default();
        for age in [0, 13, 14, 30, 31, 60, 61, 400] {
            o.count(age);
        }
        assert_eq!(
            o.buckets().map(|(_, n)| n),
            [2, 2, 2, 2],
            "{:?}",
            o.buckets()
        );
    }

    #[test]
    fn csv_has_a_row_per_group_and_hides_too_few_ratings() {
        let month = NaiveDate::from_ymd_opt(2026, 3, 1);
        let report = Report {
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            min_ratings: 10,
            figures: vec![
                Figure::of(Key::default(), sums(12, 12)),
                Figure::of(
                    Key {
                        branch: Some("riyadh-1".into()),
                        service: Some("inquiry".into()),
                        month,
                        channel: None,
                    },
                    sums(3, 3),
                ),
            ],
            open_requests: vec![OpenRequests {
                branch: "riyadh-1".into(),
                over_60_days: 1,
                ..OpenRequests::default()
            }],
        };
        let csv = to_csv(&report);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[1], ",,,,20,18,0,0,0,600,300,12,1.0000,4.0000,0.6667");
        assert_eq!(
            lines[2],
            "riyadh-1,inquiry,2026-03,,20,18,0,0,0,600,300,3,,,0.1667"
        );
        assert!(csv.ends_with("riyadh-1,over_60_days,1\n"), "{csv}");
        assert_eq!(report.level(true, true, true).count(), 1);
        assert_eq!(report.total().ratings, 12);
    }
}
