//! Head office's `GET /metrics`: this month's figures (Riyadh's days) per branch and service,
//! the committee's open requests by branch and age, and when each branch last shipped. Every
//! series carries `branch` like a branch server's; satisfaction only where
//! `metrics::enough_ratings` (the figure itself is absent otherwise, as on the page).

use std::fmt::Write;

use super::figures::Report;
use super::read::BranchState;

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

pub fn render(month: &Report, branches: &[BranchState]) -> String {
    let mut out = String::new();
    let by_branch_service: Vec<_> = month.level(true, true, false).collect();
    type Get = fn(&super::figures::Figure) -> Option<f64>;
    let series: [(&str, &str, Get); 5] = [
        (
            "awn_association_month_visits",
            "Visits issued this month.",
            |f| Some(f.visits as f64),
        ),
        (
            "awn_association_month_done",
            "Visits served to the end this month.",
            |f| Some(f.done as f64),
        ),
        (
            "awn_association_month_no_shows",
            "Visits called and not answered this month.",
            |f| Some(f.no_shows as f64),
        ),
        (
            "awn_association_month_ratings",
            "Ratings of this month's visits.",
            |f| Some(f.ratings as f64),
        ),
        (
            "awn_association_month_csat_ratio",
            "Share of this month's ratings at 4 or 5, from 10 ratings only.",
            |f| f.csat,
        ),
    ];
    for (name, help, get) in series {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for f in &by_branch_service {
            if let Some(v) = get(f) {
                let _ = writeln!(
                    out,
                    "{name}{{branch=\"{}\",service=\"{}\"}} {v}",
                    label(f.key.branch.as_deref().unwrap_or("")),
                    label(f.key.service.as_deref().unwrap_or(""))
                );
            }
        }
    }
    let name = "awn_association_month_visits_by_channel";
    let _ = writeln!(
        out,
        "# HELP {name} Visits issued this month, per branch and channel.\n# TYPE {name} gauge"
    );
    for f in month.channel_level(true, false, false, true) {
        let _ = writeln!(
            out,
            "{name}{{branch=\"{}\",channel=\"{}\"}} {}",
            label(f.key.branch.as_deref().unwrap_or("")),
            label(f.key.channel.as_deref().unwrap_or("")),
            f.visits
        );
    }
    let name = "awn_association_open_requests";
    let _ = writeln!(
        out,
        "# HELP {name} Registered requests the committee has not decided, by age in days.\n# TYPE {name} gauge"
    );
    for o in &month.open_requests {
        for (age, n) in o.buckets() {
            let _ = writeln!(
                out,
                "{name}{{branch=\"{}\",age=\"{age}\"}} {n}",
                label(&o.branch)
            );
        }
    }
    let name = "awn_association_branch_last_batch_timestamp_seconds";
    let _ = writeln!(
        out,
        "# HELP {name} When head office last received a batch from the branch.\n# TYPE {name} gauge"
    );
    for b in branches {
        if let Some(at) = b.last_batch_at {
            let _ = writeln!(
                out,
                "{name}{{branch=\"{}\"}} {}",
                label(&b.id),
                at.timestamp()
            );
        }
    }
    let name = "awn_association_branch_dropped_facts";
    let _ = writeln!(
        out,
        "# HELP {name} Facts the branch's bounded outbox dropped before shipping them.\n# TYPE {name} gauge"
    );
    for b in branches {
        let _ = writeln!(out, "{name}{{branch=\"{}\"}} {}", label(&b.id), b.dropped);
    }
    out
}
