//! The satisfaction and queue metrics (issue 7), computed from plain rows: no SQL, no HTTP, no clock.
//!
//! - Waiting time: first call − issue; service time: finish − start (done visits). Both in whole
//!   seconds; median and p90 by the nearest-rank rule (the value at rank ⌈p·n⌉ of the sorted list).
//! - CSAT: the share of ratings of 4 or 5; average: mean score; response rate: ratings ÷ done visits.
//! - Per staff member and per desk (a desk is one person for the day): ratings only from
//!   `MIN_STAFF_RATINGS` ratings in the period (`enough_ratings`, the one rule).
//!
//! `to_csv` writes the summary as a long table, every cell guarded against spreadsheet formulas.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::model::Channel;

/// Below this many ratings, nothing is shown about one staff member or one desk (k-anonymity,
/// k = 10; policy 3.6.3: rating is for improvement, never to single out a person).
pub const MIN_STAFF_RATINGS: usize = 10;

/// Whether `n` ratings in the period are enough to show a staff member's or a desk's figures.
pub fn enough_ratings(n: usize) -> bool {
    n >= MIN_STAFF_RATINGS
}

/// The reasons a visitor may tick, in the order forms show them (the one list, `awn_core::rating`).
pub use awn_core::rating::REASON_KEYS as REASONS;

/// How far ahead the committee dates of registered support requests are listed.
pub const COMMITTEE_HORIZON_DAYS: i64 = 14;

/// One visit (ticket) of the period.
#[derive(Clone, Debug)]
pub struct Visit {
    pub id: i64,
    /// Filled only where needed (visits with a contact request).
    pub label: String,
    pub service: std::sync::Arc<str>,
    pub day: NaiveDate,
    /// Hour of day (Riyadh) the ticket was issued, 0–23.
    pub hour: u8,
    pub desk: Option<u32>,
    /// How the visitor came: walk-in at the kiosk or reception, from the phone, by appointment.
    pub channel: Channel,
    pub done: bool,
    pub no_show: bool,
    pub support_request: bool,
    pub referred: bool,
    /// Seconds of waiting in the room (from issue, or from check-in for a place joined by phone or
    /// booked) to the first call, when called.
    pub wait_s: Option<i64>,
    /// Seconds from start to finish, when served to the end.
    pub service_s: Option<i64>,
}

/// One rating of a visit.
#[derive(Clone, Debug)]
pub struct Rating {
    pub id: i64,
    pub ticket: i64,
    /// Who finished the visit.
    pub staff: Option<i64>,
    pub score: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub contact: bool,
}

pub struct Input<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub today: NaiveDate,
    pub target_wait_s: i64,
    pub visits: &'a [Visit],
    pub ratings: &'a [Rating],
    /// Earliest committee answer dates of registered support requests (all periods).
    pub committee_dates: &'a [NaiveDate],
    pub staff_names: &'a HashMap<i64, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Durations {
    pub count: usize,
    pub median_s: Option<i64>,
    pub p90_s: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RatingStats {
    pub count: usize,
    /// Share of 4–5.
    pub csat: Option<f64>,
    pub average: Option<f64>,
    /// Ratings ÷ done visits.
    pub response_rate: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub key: String,
    pub visits: usize,
    pub done: usize,
    pub no_shows: usize,
    pub referrals: usize,
    pub support_requests: usize,
    pub wait: Durations,
    pub within_target: usize,
    pub within_target_share: Option<f64>,
    pub service_time: Durations,
    pub ratings: RatingStats,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub key: String,
    pub count: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub day: NaiveDate,
    pub service: String,
    pub score: u8,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StaffAggregate {
    pub staff_id: i64,
    pub name: String,
    pub ratings: usize,
    pub csat: f64,
    pub average: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ContactRequest {
    pub rating_id: i64,
    pub ticket_id: i64,
    pub label: String,
    pub day: NaiveDate,
    pub service: String,
    pub score: u8,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub target_wait_minutes: i64,
    pub min_staff_ratings: usize,
    pub total: Group,
    pub by_service: Vec<Group>,
    pub by_day: Vec<Group>,
    pub by_hour: Vec<Group>,
    /// Per channel (`kiosk`, `reception`, `remote`, `appointment`): which way of coming the
    /// association should grow (policy 3.4).
    pub by_channel: Vec<Group>,
    /// CSAT and average only for desks with enough ratings (`enough_ratings`); `null` otherwise.
    pub by_desk: Vec<Group>,
    pub reasons: Vec<Count>,
    pub comments: Vec<Comment>,
    /// Registered support requests whose committee date falls within the next 14 days.
    pub committee_due: Vec<Count>,
    /// Only staff members with at least `MIN_STAFF_RATINGS` ratings.
    pub staff: Vec<StaffAggregate>,
}

/// The value at rank ⌈p·n/100⌉ (1-based) of `sorted`.
pub fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

fn durations(mut v: Vec<i64>) -> Durations {
    v.sort_unstable();
    Durations {
        count: v.len(),
        median_s: percentile(&v, 50),
        p90_s: percentile(&v, 90),
    }
}

fn share(n: usize, d: usize) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

#[derive(Default)]
struct Acc {
    visits: usize,
    done: usize,
    no_shows: usize,
    referrals: usize,
    support: usize,
    waits: Vec<i64>,
    services: Vec<i64>,
    within: usize,
    ratings: usize,
    happy: usize,
    score_sum: usize,
}

impl Acc {
    fn add_visit(&mut self, v: &Visit, target: i64) {
        self.visits += 1;
        self.done += usize::from(v.done);
        self.no_shows += usize::from(v.no_show);
        self.referrals += usize::from(v.referred);
        self.support += usize::from(v.support_request);
        if let Some(w) = v.wait_s {
            self.waits.push(w);
            self.within += usize::from(w <= target);
        }
        if let Some(s) = v.service_s {
            self.services.push(s);
        }
    }

    fn add_rating(&mut self, r: &Rating) {
        self.ratings += 1;
        self.happy += usize::from(r.score >= 4);
        self.score_sum += usize::from(r.score);
    }

    fn finish(self, key: String) -> Group {
        let waited = self.waits.len();
        Group {
            key,
            visits: self.visits,
            done: self.done,
            no_shows: self.no_shows,
            referrals: self.referrals,
            support_requests: self.support,
            wait: durations(self.waits),
            within_target: self.within,
            within_target_share: share(self.within, waited),
            service_time: durations(self.services),
            ratings: RatingStats {
                count: self.ratings,
                csat: share(self.happy, self.ratings),
                average: share(self.score_sum, self.ratings),
                response_rate: share(self.ratings, self.done),
            },
        }
    }
}

/// A service's target wait in seconds.
type TargetOf<'t> = &'t dyn Fn(&str) -> i64;

fn grouped<'a, K: Ord>(
    visits: &[&'a Visit],
    ratings: &[(&'a Rating, &'a Visit)],
    target: TargetOf<'_>,
    key: impl Fn(&'a Visit) -> K,
    name: impl Fn(&K) -> String,
) -> Vec<Group> {
    let mut groups: BTreeMap<K, Acc> = BTreeMap::new();
    for v in visits {
        groups
            .entry(key(v))
            .or_default()
            .add_visit(v, target(&v.service));
    }
    for (r, v) in ratings {
        groups.entry(key(v)).or_default().add_rating(r);
    }
    groups
        .into_iter()
        .map(|(k, acc)| acc.finish(name(&k)))
        .collect()
}

/// The visits of the period and their ratings (a rating counts with its visit).
fn in_period<'a>(input: &Input<'a>) -> (Vec<&'a Visit>, Vec<(&'a Rating, &'a Visit)>) {
    let visits: Vec<&Visit> = input
        .visits
        .iter()
        .filter(|v| v.day >= input.from && v.day <= input.to)
        .collect();
    let mut by_id: Vec<(i64, &Visit)> = visits.iter().map(|v| (v.id, *v)).collect();
    by_id.sort_unstable_by_key(|(id, _)| *id);
    let mut ratings: Vec<(&Rating, &Visit)> = input
        .ratings
        .iter()
        .filter_map(|r| {
            by_id
                .binary_search_by_key(&r.ticket, |(id, _)| *id)
                .ok()
                .map(|i| (r, by_id[i].1))
        })
        .collect();
    ratings.sort_by_key(|(r, _)| r.id);
    (visits, ratings)
}

/// Everything, for supervisors and admins.
pub fn summary(input: &Input<'_>) -> Summary {
    let (visits, ratings) = in_period(input);
    let t = input.target_wait_s;
    let target = &|_: &str| t;
    let total = grouped(&visits, &ratings, target, |_| (), |_| "all".to_string())
        .pop()
        .unwrap_or_else(|| Acc::default().finish("all".into()));
    let mut reasons: BTreeMap<&str, usize> = REASONS.iter().map(|r| (*r, 0)).collect();
    for (r, _) in &ratings {
        for reason in &r.reasons {
            if let Some(n) = reasons.get_mut(reason.as_str()) {
                *n += 1;
            }
        }
    }
    let comments = ratings
        .iter()
        .filter_map(|(r, v)| {
            r.comment.as_ref().map(|c| Comment {
                day: v.day,
                service: v.service.to_string(),
                score: r.score,
                text: c.clone(),
            })
        })
        .collect();
    let horizon = input.today + chrono::Duration::days(COMMITTEE_HORIZON_DAYS);
    let mut due: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for d in input.committee_dates {
        if *d >= input.today && *d <= horizon {
            *due.entry(*d).or_default() += 1;
        }
    }
    Summary {
        from: input.from,
        to: input.to,
        target_wait_minutes: t / 60,
        min_staff_ratings: MIN_STAFF_RATINGS,
        total,
        by_service: grouped(
            &visits,
            &ratings,
            target,
            |v| &*v.service,
            |s| s.to_string(),
        ),
        by_day: grouped(&visits, &ratings, target, |v| v.day, |d| d.to_string()),
        by_hour: grouped(&visits, &ratings, target, |v| v.hour, |h| format!("{h:02}")),
        by_channel: grouped(
            &visits,
            &ratings,
            target,
            |v| v.channel,
            |c| c.as_str().to_string(),
        ),
        by_desk: grouped(
            &visits,
            &ratings,
            target,
            |v| v.desk,
            |d| d.map_or_else(|| "none".to_string(), |d| d.to_string()),
        )
        .into_iter()
        .map(without_thin_ratings)
        .collect(),
        reasons: REASONS
            .iter()
            .map(|r| Count {
                key: (*r).to_string(),
                count: reasons[r],
            })
            .collect(),
        comments,
        committee_due: due
            .into_iter()
            .map(|(d, count)| Count {
                key: d.to_string(),
                count,
            })
            .collect(),
        staff: staff_from(input, &ratings),
    }
}

/// The printed daily report's figures (`crate::daily_report`): the branch and each service, each
/// visit's wait against its own service's target (`target_s`), and satisfaction only from
/// `enough_ratings` ratings, since one service on one day may be one person's work.
pub fn report_groups(input: &Input<'_>, target_s: TargetOf<'_>) -> (Group, Vec<Group>) {
    let (visits, ratings) = in_period(input);
    let total = grouped(&visits, &ratings, target_s, |_| (), |_| "all".to_string())
        .pop()
        .unwrap_or_else(|| Acc::default().finish("all".into()));
    let by_service = grouped(
        &visits,
        &ratings,
        target_s,
        |v| &*v.service,
        |s| s.to_string(),
    );
    (
        without_thin_ratings(total),
        by_service.into_iter().map(without_thin_ratings).collect(),
    )
}

/// A group about one person (a desk) with its scores hidden under `enough_ratings`: the count
/// and response rate stay, since they say nothing about how the person was rated.
fn without_thin_ratings(mut g: Group) -> Group {
    if !enough_ratings(g.ratings.count) {
        g.ratings.csat = None;
        g.ratings.average = None;
    }
    g
}

/// Per staff member, only those with at least `MIN_STAFF_RATINGS` ratings in the period.
pub fn staff_aggregates(input: &Input<'_>) -> Vec<StaffAggregate> {
    let (_, ratings) = in_period(input);
    staff_from(input, &ratings)
}

fn staff_from(input: &Input<'_>, ratings: &[(&Rating, &Visit)]) -> Vec<StaffAggregate> {
    let mut by_staff: BTreeMap<i64, (usize, usize, usize)> = BTreeMap::new();
    for (r, _) in ratings {
        if let Some(s) = r.staff {
            let e = by_staff.entry(s).or_default();
            e.0 += 1;
            e.1 += usize::from(r.score >= 4);
            e.2 += usize::from(r.score);
        }
    }
    by_staff
        .into_iter()
        .filter(|(_, (n, _, _))| enough_ratings(*n))
        .map(|(id, (n, happy, sum))| StaffAggregate {
            staff_id: id,
            name: input.staff_names.get(&id).cloned().unwrap_or_default(),
            ratings: n,
            csat: happy as f64 / n as f64,
            average: sum as f64 / n as f64,
        })
        .collect()
}

/// One staff member's own aggregate, or `None` under `MIN_STAFF_RATINGS` ratings.
pub fn own_aggregate(input: &Input<'_>, staff: i64) -> Option<StaffAggregate> {
    staff_aggregates(input)
        .into_iter()
        .find(|a| a.staff_id == staff)
}

/// "Please contact me" requests, for the quality officer; never those of visits `served_by` served.
pub fn contact_requests(input: &Input<'_>, served_by: Option<i64>) -> Vec<ContactRequest> {
    let (_, ratings) = in_period(input);
    ratings
        .iter()
        .filter(|(r, _)| r.contact && (served_by.is_none() || r.staff != served_by))
        .map(|(r, v)| ContactRequest {
            rating_id: r.id,
            ticket_id: v.id,
            label: v.label.clone(),
            day: v.day,
            service: v.service.to_string(),
            score: r.score,
            comment: r.comment.clone(),
        })
        .collect()
}

/// A CSV cell: quoted when needed, and with a leading `'` when it starts like a formula
/// (`=`, `+`, `-`, `@`, tab or carriage return) so a spreadsheet shows it as text.
pub fn csv_cell(s: &str) -> String {
    let guarded = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| format!("{x:.4}"))
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// The summary as one long table: `section,key,metric,value`.
pub fn to_csv(s: &Summary) -> String {
    let mut out = String::from("section,key,metric,value\r\n");
    let mut row = |section: &str, key: &str, metric: &str, value: &str| {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            csv_cell(section),
            csv_cell(key),
            csv_cell(metric),
            csv_cell(value)
        ));
    };
    let groups = std::iter::once(("total", &s.total))
        .chain(s.by_service.iter().map(|g| ("service", g)))
        .chain(s.by_day.iter().map(|g| ("day", g)))
        .chain(s.by_hour.iter().map(|g| ("hour", g)))
        .chain(s.by_channel.iter().map(|g| ("channel", g)))
        .chain(s.by_desk.iter().map(|g| ("desk", g)));
    for (section, g) in groups {
        let k = g.key.as_str();
        for (metric, value) in [
            ("visits", g.visits.to_string()),
            ("done", g.done.to_string()),
            ("no_shows", g.no_shows.to_string()),
            ("referrals", g.referrals.to_string()),
            ("support_requests", g.support_requests.to_string()),
            ("wait_median_s", opt(g.wait.median_s)),
            ("wait_p90_s", opt(g.wait.p90_s)),
            ("within_target_share", num(g.within_target_share)),
            ("service_median_s", opt(g.service_time.median_s)),
            ("service_p90_s", opt(g.service_time.p90_s)),
            ("ratings", g.ratings.count.to_string()),
            ("csat", num(g.ratings.csat)),
            ("average_score", num(g.ratings.average)),
            ("response_rate", num(g.ratings.response_rate)),
        ] {
            row(section, k, metric, &value);
        }
    }
    for r in &s.reasons {
        row("reason", &r.key, "count", &r.count.to_string());
    }
    for c in &s.committee_due {
        row("committee_due", &c.key, "count", &c.count.to_string());
    }
    for a in &s.staff {
        let k = a.staff_id.to_string();
        row("staff", &k, "ratings", &a.ratings.to_string());
        row("staff", &k, "csat", &num(Some(a.csat)));
        row("staff", &k, "average_score", &num(Some(a.average)));
    }
    for c in &s.comments {
        row(
            "comment",
            &c.day.to_string(),
            &format!("{} {}", c.service, c.score),
            &c.text,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn visit(id: i64, service: &str, wait: i64, service_s: i64) -> Visit {
        Visit {
            id,
            label: format!("A-{id:03}"),
            service: service.into(),
            day: day(1),
            hour: 9,
            desk: Some(1),
            channel: Channel::Kiosk,
            done: true,
            no_show: false,
            support_request: false,
            referred: false,
            wait_s: Some(wait),
            service_s: Some(service_s),
        }
    }

    fn rating(id: i64, ticket: i64, staff: i64, score: u8) -> Rating {
        Rating {
            id,
            ticket,
            staff: Some(staff),
            score,
            reasons: vec![],
            comment: None,
            contact: false,
        }
    }

    fn input<'a>(
        visits: &'a [Visit],
        ratings: &'a [Rating],
        names: &'a HashMap<i64, String>,
    ) -> Input<'a> {
        Input {
            from: day(1),
            to: day(30),
            today: day(1),
            target_wait_s: 900,
            visits,
            ratings,
            committee_dates: &[],
            staff_names: names,
        }
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn csat_average_response_rate_and_target() {
        let visits: Vec<Visit> = (1..=4).map(|i| visit(i, "inquiry", i * 600, 300)).collect();
        let ratings = vec![rating(1, 1, 7, 5), rating(2, 2, 7, 4), rating(3, 3, 7, 1)];
        let names = HashMap::new();
        let s = summary(&input(&visits, &ratings, &names));
        assert_eq!(s.total.visits, 4);
        assert_eq!(s.total.ratings.count, 3);
        assert_eq!(s.total.ratings.csat, Some(2.0 / 3.0));
        assert_eq!(s.total.ratings.average, Some(10.0 / 3.0));
        assert_eq!(s.total.ratings.response_rate, Some(0.75));
        // Waits 600, 1200, 1800, 2400: one within 900 s.
        assert_eq!(s.total.within_target, 1);
        assert_eq!(s.total.wait.median_s, Some(1200));
        assert_eq!(s.total.wait.p90_s, Some(2400));
        assert!(s.staff.is_empty(), "3 ratings: no per-staff figure");
    }

    #[test]
    fn staff_aggregate_needs_ten_ratings() {
        let visits: Vec<Visit> = (1..=10).map(|i| visit(i, "inquiry", 60, 60)).collect();
        let nine: Vec<Rating> = (1..=9).map(|i| rating(i, i, 7, 5)).collect();
        let names = HashMap::from([(7, "sara".to_string())]);
        assert_eq!(own_aggregate(&input(&visits, &nine, &names), 7), None);
        let ten: Vec<Rating> = (1..=10).map(|i| rating(i, i, 7, 4)).collect();
        let a = own_aggregate(&input(&visits, &ten, &names), 7).unwrap();
        assert_eq!((a.ratings, a.csat, a.average), (10, 1.0, 4.0));
        assert_eq!(a.name, "sara");
    }

    #[test]
    fn contact_requests_skip_the_staff_member_who_served() {
        let visits = vec![visit(1, "inquiry", 60, 60), visit(2, "inquiry", 60, 60)];
        let mut a = rating(1, 1, 7, 2);
        a.contact = true;
        let mut b = rating(2, 2, 8, 1);
        b.contact = true;
        let ratings = vec![a, b];
        let names = HashMap::new();
        let i = input(&visits, &ratings, &names);
        assert_eq!(contact_requests(&i, None).len(), 2);
        let for7 = contact_requests(&i, Some(7));
        assert_eq!(for7.len(), 1);
        assert_eq!(for7[0].rating_id, 2);
    }

    #[test]
    fn csv_cells_are_guarded() {
        assert_eq!(csv_cell("=1+1"), "'=1+1");
        assert_eq!(csv_cell("+x"), "'+x");
        assert_eq!(csv_cell("-x"), "'-x");
        assert_eq!(csv_cell("@x"), "'@x");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=a,b"), "\"'=a,b\"");
        assert_eq!(csv_cell("شكرا"), "شكرا");
    }
}
