//! A model-based test of the whole HTTP API. proptest generates runs of ticket and desk actions
//! (issue with each class, same-gender request and the "not safe" flag; join a line from the
//! phone and check in at the kiosk or (every other place) by the entrance QR on the phone, on time, late or after the place lapsed; call-next; call one
//! ticket; recall, start, finish, no-show, return, refer, transfer to a service or a desk,
//! cancel; pause and resume; sign in and out; book an appointment slot on the phone, check in
//! for it early, on time, within the grace or late, cancel it; the clock moving on, a day
//! rollover; a restart on the same file) across six staff of three roles at six desks. Each run goes to a real server
//! on loopback and to a small reference model (`spec`, written from ARCHITECTURE.md and issue 11,
//! not from the server's code), and after every step `check` compares them.
//!
//! A failure shrinks to a minimal run and prints it step by step with both answers.
//! CI runs `CASES` runs of at most `STEPS` steps; a longer search:
//! `AWN_MODEL_CASES=2000 cargo test -p e2e --test api model` (and `AWN_MODEL_STEPS`).

mod actions;
mod acts;
mod branch;
mod check;
mod driver;
mod routing;
mod spec;

use std::fmt::Write as _;

use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

use actions::Action;
use branch::STAFF;
use driver::{Driver, Observed, Template};
use spec::{Answer, Spec, Step, service_day};

const CASES: u32 = 24;
const STEPS: usize = 40;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A step as a reader wants it: names, desks and labels.
fn show(spec: &Spec, step: &Step) -> String {
    let who = |w: usize| STAFF[w].name;
    let slot = |s: usize| {
        format!(
            "slot#{s} {} {}",
            branch::SLOTS[s].service,
            driver::slot_start(s).format("%d %H:%M")
        )
    };
    let label = |t: Option<usize>| {
        t.map_or("an unknown ticket".to_string(), |i| {
            spec.tickets[i].label.clone()
        })
    };
    match *step {
        Step::Issue {
            service,
            priority,
            same_gender,
            feels_unsafe,
        } => format!(
            "issue {service}{}{}{}",
            if priority { " priority" } else { "" },
            same_gender.map_or(String::new(), |g| format!(" same-gender={g:?}")),
            if feels_unsafe { " not-safe" } else { "" }
        ),
        Step::SignIn(w, d) => format!("{} signs in at desk {d}", who(w)),
        Step::SignOut(w, d) => format!("{} signs out of desk {d}", who(w)),
        Step::Pause(w, d) => format!("{} pauses desk {d}", who(w)),
        Step::Resume(w, d) => format!("{} resumes desk {d}", who(w)),
        Step::CallNext(w, d) => format!("{} call-next at desk {d}", who(w)),
        Step::Call {
            who: w,
            desk,
            ticket,
            override_gender,
        } => format!(
            "{} calls {} to desk {desk}{}",
            who(w),
            label(ticket),
            if override_gender {
                " overriding gender"
            } else {
                ""
            }
        ),
        Step::Act(w, t, op) => format!("{} {op:?} {}", who(w), label(t)),
        Step::RetryIssue(t) => format!("the kiosk retries the issue of {}", label(t)),
        Step::JoinRemote(service) => format!("join {service} from the phone"),
        Step::CheckIn(t) => format!(
            "{} checks in (kiosk, or phone by the entrance QR)",
            label(t)
        ),
        Step::Book(s) => format!("book {}", slot(s)),
        Step::CheckInBooking {
            booking,
            wait,
            offset,
        } => match booking {
            None => "no booking checks in".into(),
            Some(b) => format!(
                "wait {wait} min, booking#{b} ({}) checks in (meant slot{offset:+})",
                slot(spec.bookings[b].slot)
            ),
        },
        Step::CancelBooking(b) => format!("cancel booking#{b:?}"),
        Step::Wait(m) => format!("wait {m} min"),
        Step::Rollover => "day rollover".into(),
        Step::Restart => "server restart".into(),
    }
}

fn answer(spec: &Spec, a: Answer) -> String {
    match a {
        Answer::Accepted(Some(i)) => format!("ok {}", spec.tickets[i].label),
        Answer::Accepted(None) => "ok".into(),
        Answer::Refused(s, c) => format!("{s} {c}"),
    }
}

fn observed(o: &Option<Observed>) -> String {
    match o {
        None => "-".into(),
        Some(o) if (200..300).contains(&o.status) => match o.json["label"].as_str() {
            Some(l) => format!("{} {l}", o.status),
            None => o.status.to_string(),
        },
        Some(o) => format!("{} {}", o.status, o.code),
    }
}

/// How often each kind of step got each answer, printed with `AWN_MODEL_STATS=1` to see what
/// the runs reach.
static TALLY: std::sync::Mutex<std::collections::BTreeMap<String, usize>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

fn tally(step: &Step, a: Answer) {
    let kind = format!("{step:?}");
    let kind = kind.split(['(', ' ', '{']).next().unwrap_or("");
    let kind = match step {
        Step::Act(_, _, op) => format!("{op:?}")
            .split('(')
            .next()
            .unwrap_or("")
            .to_string(),
        _ => kind.to_string(),
    };
    let answer = match a {
        Answer::Accepted(_) => "ok".to_string(),
        Answer::Refused(_, c) => c.to_string(),
    };
    *TALLY
        .lock()
        .unwrap()
        .entry(format!("{kind:<10} {answer}"))
        .or_default() += 1;
}

/// Counts something the runs met that is no step's answer (e.g. a status lookup refused by the
/// rate limit, which `check` skips).
pub fn note(what: &str) {
    *TALLY.lock().unwrap().entry(what.to_string()).or_default() += 1;
}

async fn run(template: &Template, actions: &[Action]) -> Result<(), String> {
    let mut spec = Spec::new(driver::start_time().timestamp());
    let mut driver = Driver::new(template);
    let mut seen = check::Seen::default();
    let mut trace = String::new();
    for (n, action) in actions.iter().enumerate() {
        let step = spec.resolve(action);
        let shown = show(&spec, &step);
        let day = service_day(spec.now);
        let expected = spec.apply(&step);
        tally(&step, expected);
        let got = match step {
            Step::Wait(_) | Step::Rollover => {
                driver
                    .set_clock(spec.now, service_day(spec.now) != day)
                    .await;
                None
            }
            Step::Restart => {
                driver.restart();
                None
            }
            Step::CheckInBooking { wait, .. } => {
                if wait > 0 {
                    driver
                        .set_clock(spec.now, service_day(spec.now) != day)
                        .await;
                }
                driver.send(&step).await
            }
            _ => driver.send(&step).await,
        };
        let _ = writeln!(
            trace,
            "{n:>3}. {shown:<48} model: {:<28} server: {}",
            answer(&spec, expected),
            observed(&got)
        );
        let checked = check::answer(&spec, &mut driver, &mut seen, &step, expected, got.as_ref());
        // The views are read through the engine too, and every engine batch runs the rollover.
        spec.expire_past_days();
        let checked = match checked {
            Ok(()) => check::views(&spec, &mut driver, &mut seen, &step).await,
            e => e,
        };
        if let Err(e) = checked {
            return Err(format!("\n{trace}after step {n}: {e}"));
        }
    }
    Ok(())
}

#[test]
fn every_run_of_actions_is_answered_as_the_reference_model_says() {
    let cases = env_number("AWN_MODEL_CASES", CASES as usize) as u32;
    let steps = env_number("AWN_MODEL_STEPS", STEPS);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let template = rt.block_on(Template::make());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2048,
        ..Config::default()
    });
    let result = runner.run(&actions::run(steps), |actions| {
        rt.block_on(run(&template, &actions))
            .map_err(TestCaseError::fail)
    });
    if std::env::var_os("AWN_MODEL_STATS").is_some() {
        for (k, n) in TALLY.lock().unwrap().iter() {
            eprintln!("{n:>6}  {k}");
        }
    }
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, actions)) => {
            panic!("minimal failing run ({} actions):{why}", actions.len())
        }
        Err(e) => panic!("{e}"),
    }
}
