//! The printed end-of-day report (issue 15, item 6): one service day's figures for the branch and
//! each service, and the follow-ups still open, as the page (`web::report_page`) and the CSV
//! (`to_csv`) show them. Pure: the figures are `metrics::report_groups`' (no second computation);
//! counts and shares only, never a visitor's data.

use chrono::NaiveDate;
use serde::Serialize;

use crate::metrics::{self, Group, Input, csv_cell};

/// One service's line of the report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServiceLine {
    pub target_wait_minutes: u32,
    pub figures: Group,
}

/// Follow-ups still open when the report is drawn (of any day).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FollowUps {
    pub open_contact_requests: u32,
    pub open_committee_requests: usize,
    /// Of those, past the branch's overdue limit (`domain::committee::Reminder::Overdue`).
    pub overdue_committee_requests: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DailyReport {
    pub day: NaiveDate,
    pub min_ratings: usize,
    pub branch: Group,
    pub services: Vec<ServiceLine>,
    pub follow_ups: FollowUps,
}

/// The report of `input`'s day. `services` are the configured (code, target minutes), in their
/// order, each listed even without a visit; a code no longer configured that has visits follows,
/// against `default_target`.
pub fn build(
    input: &Input<'_>,
    services: &[(String, u32)],
    default_target: u32,
    follow_ups: FollowUps,
) -> DailyReport {
    let target_of = |code: &str| {
        services
            .iter()
            .find(|(c, _)| c == code)
            .map_or(default_target, |(_, t)| *t)
    };
    let (branch, groups) = metrics::report_groups(input, &|code| i64::from(target_of(code)) * 60);
    let mut lines: Vec<ServiceLine> = services
        .iter()
        .map(|(code, target)| ServiceLine {
            target_wait_minutes: *target,
            figures: groups
                .iter()
                .find(|g| g.key == *code)
                .cloned()
                .unwrap_or_else(|| Group {
                    key: code.clone(),
                    ..Group::default()
                }),
        })
        .collect();
    lines.extend(
        groups
            .into_iter()
            .filter(|g| !services.iter().any(|(c, _)| *c == g.key))
            .map(|g| ServiceLine {
                target_wait_minutes: target_of(&g.key),
                figures: g,
            }),
    );
    DailyReport {
        day: input.from,
        min_ratings: metrics::MIN_STAFF_RATINGS,
        branch,
        services: lines,
        follow_ups,
    }
}

/// Whether a group's satisfaction is shown (`metrics::enough_ratings`); "—" otherwise.
pub fn satisfaction_shown(g: &Group) -> bool {
    metrics::enough_ratings(g.ratings.count)
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| format!("{x:.4}"))
}

fn secs(v: Option<i64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// The report as one long table, `section,key,metric,value`, like the metrics CSV: the same
/// figures as the page (an empty value where the page shows "—").
pub fn to_csv(r: &DailyReport) -> String {
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
    row("report", "day", "date", &r.day.to_string());
    row("report", "all", "min_ratings", &r.min_ratings.to_string());
    let lines = std::iter::once(("branch", &r.branch, None)).chain(
        r.services
            .iter()
            .map(|l| ("service", &l.figures, Some(l.target_wait_minutes))),
    );
    for (section, g, target) in lines {
        let k = g.key.as_str();
        let shown = satisfaction_shown(g);
        let mut metrics = vec![
            ("issued", g.visits.to_string()),
            ("served", g.done.to_string()),
            ("no_shows", g.no_shows.to_string()),
            ("referrals", g.referrals.to_string()),
            ("registered_requests", g.support_requests.to_string()),
        ];
        if let Some(t) = target {
            metrics.push(("target_wait_minutes", t.to_string()));
        }
        metrics.extend([
            ("wait_median_s", secs(g.wait.median_s)),
            ("wait_p90_s", secs(g.wait.p90_s)),
            ("within_target", g.within_target.to_string()),
            ("within_target_share", share(g.within_target_share)),
            ("ratings", g.ratings.count.to_string()),
            (
                "satisfaction",
                if shown {
                    "shown"
                } else {
                    "fewer_than_min_ratings"
                }
                .to_string(),
            ),
            ("csat", share(g.ratings.csat.filter(|_| shown))),
            ("average_score", share(g.ratings.average.filter(|_| shown))),
        ]);
        for (metric, value) in metrics {
            row(section, k, metric, &value);
        }
    }
    let f = r.follow_ups;
    for (metric, value) in [
        ("open_contact_requests", f.open_contact_requests as usize),
        ("open_committee_requests", f.open_committee_requests),
        ("overdue_committee_requests", f.overdue_committee_requests),
    ] {
        row("follow_ups", "all", metric, &value.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::metrics::{Rating, Visit};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
    }

    fn visit(id: i64, service: &str, wait_s: i64) -> Visit {
        Visit {
            id,
            label: String::new(),
            service: service.into(),
            day: day(),
            hour: 9,
            desk: Some(1),
            channel: crate::domain::model::Channel::Kiosk,
            done: true,
            no_show: false,
            support_request: false,
            referred: false,
            wait_s: Some(wait_s),
            service_s: Some(300),
        }
    }

    fn rating(id: i64) -> Rating {
        Rating {
            id,
            ticket: id,
            staff: Some(1),
            score: 5,
            reasons: vec![],
            comment: None,
            contact: false,
        }
    }

    fn report(visits: &[Visit], ratings: &[Rating]) -> DailyReport {
        let names = HashMap::new();
        let input = Input {
            from: day(),
            to: day(),
            today: day(),
            target_wait_s: 900,
            visits,
            ratings,
            committee_dates: &[],
            staff_names: &names,
        };
        let services = [("inquiry".to_string(), 10), ("new_request".to_string(), 20)];
        build(&input, &services, 15, FollowUps::default())
    }

    /// Each visit is measured against its own service's target, the branch included; every
    /// configured service has a line.
    #[test]
    fn waits_are_against_each_services_target() {
        // 12 minutes: past inquiry's 10, within new_request's 20.
        let visits = [visit(1, "inquiry", 720), visit(2, "new_request", 720)];
        let r = report(&visits, &[]);
        assert_eq!(r.services.len(), 2);
        assert_eq!(r.services[0].figures.within_target, 0);
        assert_eq!(r.services[1].figures.within_target, 1);
        assert_eq!(r.branch.within_target, 1);
        assert_eq!(r.branch.within_target_share, Some(0.5));
        let empty = report(&[], &[]);
        assert_eq!(empty.services[1].figures.key, "new_request");
        assert_eq!(empty.services[1].figures.visits, 0);
    }

    /// Satisfaction from 10 ratings, "—" (an empty CSV value) below.
    #[test]
    fn satisfaction_needs_ten_ratings() {
        let visits: Vec<Visit> = (1..=10).map(|i| visit(i, "inquiry", 60)).collect();
        let nine: Vec<Rating> = (1..=9).map(rating).collect();
        let r = report(&visits, &nine);
        assert!(!satisfaction_shown(&r.branch));
        assert_eq!(r.branch.ratings.csat, None);
        let csv = to_csv(&r);
        assert!(csv.contains("branch,all,satisfaction,fewer_than_min_ratings\r\n"));
        assert!(csv.contains("branch,all,csat,\r\n"));
        let ten: Vec<Rating> = (1..=10).map(rating).collect();
        let r = report(&visits, &ten);
        assert!(satisfaction_shown(&r.branch));
        assert!(to_csv(&r).contains("branch,all,csat,1.0000\r\n"));
    }
}
