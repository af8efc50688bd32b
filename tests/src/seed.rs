//! A deterministic history of visits and ratings written straight to a database file (for the
//! metrics browser test, the screenshots and the metrics benchmark). Same statements as the server's
//! rows: tickets, their call/refer/finish events, ratings, contact requests.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rusqlite::{Connection, params};

/// A small xorshift generator: the same history every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

const SERVICES: [(&str, &str); 4] = [
    ("new_request", "A"),
    ("follow_up", "B"),
    ("inquiry", "C"),
    ("volunteering", "E"),
];

const COMMENTS: [&str; 5] = [
    "شكرًا على حسن الاستقبال والاحترام",
    "الانتظار كان طويلًا",
    "The staff explained everything clearly",
    "أتمنى مكانًا أكثر خصوصية للحديث",
    "=1+2 (a comment that looks like a formula)",
];

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    pub visits: usize,
    pub ratings: usize,
}

/// `per_day` visits on each of the `days` service days ending with `last_day`, at desks 1–3, each
/// desk's visits finished by `staff[desk - 1]`. About 60 % are rated.
pub fn history(
    conn: &mut Connection,
    last_day: NaiveDate,
    days: i64,
    per_day: usize,
    staff: [i64; 3],
    seed: u64,
) -> Seeded {
    let mut rng = Rng::new(seed);
    let mut out = Seeded::default();
    let tx = conn.transaction().expect("begin");
    {
        let mut ticket = tx
            .prepare(
                "INSERT INTO tickets (service, line, service_day, number, label, priority, state, route, desk,
                    issued_at, called_at, started_at, finished_at, outcome, status_token_hash)
                 VALUES (?1, ?1, ?2, ?3, ?4, 'normal', ?5, 'service', ?6, ?7, ?8, ?9, ?10, ?11, randomblob(32))",
            )
            .expect("prepare ticket");
        let mut event = tx
            .prepare(
                "INSERT INTO ticket_events (ticket_id, action, desk, staff_id, at, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .expect("prepare event");
        let mut rating = tx
            .prepare(
                "INSERT INTO ratings (ticket_id, service, service_day, desk, staff_id, issued_at, called_at,
                    started_at, finished_at, score, reasons, comment, channel, rated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?9)",
            )
            .expect("prepare rating");
        let mut contact = tx
            .prepare("INSERT INTO contact_requests (rating_id, requested_at) VALUES (?1, ?2)")
            .expect("prepare contact");
        let t = |d: chrono::DateTime<Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        for back in (0..days).rev() {
            let day = last_day - Duration::days(back);
            let mut numbers = [0u32; 4];
            // Riyadh 08:00 is 05:00 UTC; visits spread over eight hours, in issue order.
            let open = Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).expect("time"));
            let mut offsets: Vec<i64> = (0..per_day).map(|_| rng.below(8 * 3600) as i64).collect();
            offsets.sort_unstable();
            for offset in offsets {
                let s = rng.below(4) as usize;
                let (service, prefix) = SERVICES[s];
                numbers[s] += 1;
                let desk = 1 + rng.below(3) as i64;
                let who = staff[(desk - 1) as usize];
                let issued = open + Duration::seconds(offset);
                // Waits mostly short, some long; service 2–25 minutes.
                let wait = if rng.below(5) == 0 {
                    900 + rng.below(2700) as i64
                } else {
                    60 + rng.below(900) as i64
                };
                let called = issued + Duration::seconds(wait);
                let no_show = rng.below(100) < 6;
                let started = called + Duration::seconds(30 + rng.below(90) as i64);
                let finished = if no_show {
                    called + Duration::seconds(300)
                } else {
                    started + Duration::seconds(120 + rng.below(1380) as i64)
                };
                let outcome = if no_show {
                    None
                } else if rng.below(100) < 5 {
                    Some("support_request_registered")
                } else {
                    Some("information_given")
                };
                ticket
                    .execute(params![
                        service,
                        day.to_string(),
                        numbers[s],
                        format!("{prefix}-{:03}", numbers[s]),
                        if no_show { "no_show" } else { "done" },
                        desk,
                        t(issued),
                        t(called),
                        (!no_show).then(|| t(started)),
                        t(finished),
                        outcome
                    ])
                    .expect("insert ticket");
                let id = tx.last_insert_rowid();
                out.visits += 1;
                event
                    .execute(params![id, "call", desk, who, t(called), None::<String>])
                    .expect("call event");
                if !no_show && rng.below(100) < 3 {
                    event
                        .execute(params![id, "refer", desk, who, t(started), None::<String>])
                        .expect("refer event");
                }
                event
                    .execute(params![
                        id,
                        if no_show { "no_show" } else { "finish" },
                        desk,
                        who,
                        t(finished),
                        outcome
                    ])
                    .expect("finish event");
                if no_show || rng.below(100) >= 60 {
                    continue;
                }
                let score = [5, 5, 5, 4, 4, 4, 3, 2, 1, 5][rng.below(10) as usize];
                let reasons = match rng.below(6) {
                    0 => "waiting_time",
                    1 => "courtesy",
                    2 => "clarity,time_given",
                    3 => "privacy",
                    _ => "",
                };
                let comment = (rng.below(10) == 0).then(|| COMMENTS[rng.below(5) as usize]);
                rating
                    .execute(params![
                        id,
                        service,
                        day.to_string(),
                        desk,
                        who,
                        t(issued),
                        t(called),
                        t(started),
                        t(finished),
                        score,
                        reasons,
                        comment,
                        if rng.below(2) == 0 {
                            "rating_device"
                        } else {
                            "status_page"
                        }
                    ])
                    .expect("insert rating");
                out.ratings += 1;
                if score <= 2 && rng.below(3) == 0 {
                    contact
                        .execute(params![tx.last_insert_rowid(), t(finished)])
                        .expect("contact request");
                }
            }
        }
    }
    tx.commit().expect("commit");
    out
}

/// `n` tickets waiting in today's lines (the four services in turn, one in ten a priority ticket),
/// issued one millisecond apart up to `now`, as the server would have written them: the
/// load generator's `--day N`. The database must be migrated and hold the services.
pub fn waiting_day(conn: &mut Connection, now: chrono::DateTime<Utc>, n: usize) {
    let day = counter_server::domain::numbering::service_day(now);
    let tx = conn.transaction().expect("begin");
    {
        let mut ticket = tx
            .prepare(
                "INSERT INTO tickets (service, line, service_day, number, label, priority, state, route,
                    issued_at, status_token_hash)
                 VALUES (?1, ?1, ?2, ?3, ?4, ?5, 'waiting', 'service', ?6, randomblob(32))",
            )
            .expect("prepare ticket");
        let mut numbers = [0u32; 4];
        for i in 0..n {
            let s = i % SERVICES.len();
            let (service, prefix) = SERVICES[s];
            numbers[s] += 1;
            let issued = now - Duration::milliseconds((n - i) as i64);
            ticket
                .execute(params![
                    service,
                    day.to_string(),
                    numbers[s],
                    counter_server::domain::numbering::label(prefix, numbers[s]),
                    if i % 10 == 0 { "priority" } else { "normal" },
                    counter_server::store::time_str(issued),
                ])
                .expect("insert waiting ticket");
        }
    }
    tx.commit().expect("commit");
}
