//! In-memory limits: `RateLimiter` (at most `max` events per key in a sliding `window`),
//! `StatusLimits` for the visitor status routes, `LoginThrottle` for failed logins and
//! `PairingThrottle` for wrong pairing codes.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

pub struct RateLimiter {
    max: usize,
    window: Duration,
    seen: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn prune(&self, q: &mut VecDeque<Instant>, now: Instant) {
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
    }

    /// Whether `key` is under its limit now, without counting anything.
    pub fn allowed(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("limiter lock");
        match seen.get_mut(key) {
            Some(q) => {
                self.prune(q, now);
                q.len() < self.max
            }
            None => true,
        }
    }

    /// Counts one event for `key`; false when that goes over the limit.
    pub fn hit(&self, key: &str) -> bool {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("limiter lock");
        // Keep the map small: forget keys whose window has passed.
        if seen.len() > 10_000 {
            seen.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let q = seen.entry(key.to_string()).or_default();
        self.prune(q, now);
        if q.len() >= self.max {
            return false;
        }
        q.push_back(now);
        true
    }

    /// How long until `key` may count one more event (`None`: it may now).
    pub fn retry_after(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut seen = self.seen.lock().expect("limiter lock");
        let q = seen.get_mut(key)?;
        self.prune(q, now);
        if q.len() < self.max {
            return None;
        }
        let oldest = *q.front()?;
        Some((oldest + self.window).saturating_duration_since(now))
    }

    pub fn clear(&self, key: &str) {
        self.seen.lock().expect("limiter lock").remove(key);
    }
}

fn address_key(ip: Option<IpAddr>) -> String {
    ip.map_or_else(|| "local".to_string(), |ip| ip.to_string())
}

/// Lookups of one status token per minute: the page's own pace (an event stream, a fallback
/// poll every 10 s, reconnections) stays far below it.
pub const STATUS_LOOKUPS_PER_TOKEN_PER_MINUTE: usize = 60;
/// Lookups per source address per minute: a waiting room of phones behind one Wi-Fi address.
pub const STATUS_LOOKUPS_PER_ADDRESS_PER_MINUTE: usize = 600;
/// Unknown tokens per source address per minute before further misses are refused (a scan).
pub const STATUS_MISSES_PER_ADDRESS_PER_MINUTE: usize = 30;

/// The visitor status routes are limited per token and, generously, per address; unknown tokens
/// have their own small budget per address, so a scan is slowed without refusing the valid
/// tokens of the other phones on the same Wi-Fi.
pub struct StatusLimits {
    per_token: RateLimiter,
    per_address: RateLimiter,
    misses: RateLimiter,
}

impl Default for StatusLimits {
    fn default() -> Self {
        let minute = Duration::from_secs(60);
        Self {
            per_token: RateLimiter::new(STATUS_LOOKUPS_PER_TOKEN_PER_MINUTE, minute),
            per_address: RateLimiter::new(STATUS_LOOKUPS_PER_ADDRESS_PER_MINUTE, minute),
            misses: RateLimiter::new(STATUS_MISSES_PER_ADDRESS_PER_MINUTE, minute),
        }
    }
}

impl StatusLimits {
    /// Counts one lookup of `token` from `ip`; false when either limit is reached.
    pub fn admit(&self, ip: Option<IpAddr>, token: &str) -> bool {
        // Keyed by the token's hash: tokens are kept only as hashes, in memory too.
        let token_key: String = crate::auth::tokens::hash(token)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.per_address.hit(&address_key(ip)) && self.per_token.hit(&token_key)
    }

    /// Counts an unknown token looked up from `ip`; false when the address has used its budget
    /// (the reply is then 429, not 404).
    pub fn missed(&self, ip: Option<IpAddr>) -> bool {
        self.misses.hit(&address_key(ip))
    }
}

/// Wrong pairing codes from one address within `PAIRING_WRONG_CODES_WINDOW` ...
pub const PAIRING_WRONG_CODES_PER_ADDRESS: usize = 20;
/// ... and from all addresses together (guesses spread over many machines).
pub const PAIRING_WRONG_CODES_IN_ALL: usize = 50;
/// Longer than a code lives (`pairing::CODE_LIFETIME`), so a guesser cannot outwait its codes.
pub const PAIRING_WRONG_CODES_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Wrong pairing codes, per address and in all: past either limit every claim (even with the
/// right code) waits until the oldest wrong one leaves the window (`429 pairing_throttled`).
/// A code has six digits, so guessing is what this stops.
pub struct PairingThrottle {
    per_address: RateLimiter,
    in_all: RateLimiter,
}

impl Default for PairingThrottle {
    fn default() -> Self {
        Self {
            per_address: RateLimiter::new(
                PAIRING_WRONG_CODES_PER_ADDRESS,
                PAIRING_WRONG_CODES_WINDOW,
            ),
            in_all: RateLimiter::new(PAIRING_WRONG_CODES_IN_ALL, PAIRING_WRONG_CODES_WINDOW),
        }
    }
}

impl PairingThrottle {
    const ALL: &'static str = "all";

    /// How long a claim from `ip` must still wait, if it must.
    pub fn wait(&self, ip: Option<IpAddr>) -> Option<Duration> {
        [
            self.per_address.retry_after(&address_key(ip)),
            self.in_all.retry_after(Self::ALL),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// Counts a wrong (or expired) code typed from `ip`.
    pub fn wrong_code(&self, ip: Option<IpAddr>) {
        self.per_address.hit(&address_key(ip));
        self.in_all.hit(Self::ALL);
    }
}

/// Failed logins allowed before a delay starts, for one (account, address) pair ...
pub const LOGIN_FREE_FAILURES_PER_PAIR: u32 = 5;
/// ... and for one address over all accounts (password spraying).
pub const LOGIN_FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// The first delay; each further failure doubles it, up to `LOGIN_MAX_DELAY`.
pub const LOGIN_FIRST_DELAY: Duration = Duration::from_secs(4);
pub const LOGIN_MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Failures are forgotten this long after the last one.
pub const LOGIN_FORGET_AFTER: Duration = Duration::from_secs(3600);

/// Failed logins slow down the (account, address) pair and the address alone, never the account
/// alone, so someone guessing elsewhere cannot lock the real user out (OWASP authentication
/// guidance): after the free failures, the next attempt must wait `LOGIN_FIRST_DELAY`, doubled for
/// each failure since. Each attempt counts as a failure when it starts (so guesses sent all at
/// once are counted before their passwords are checked); a success takes its own count back and
/// clears its pair (an attacker's own account must not reset the address).
pub struct LoginThrottle {
    pairs: Backoff,
    addresses: Backoff,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self {
            pairs: Backoff::new(LOGIN_FREE_FAILURES_PER_PAIR),
            addresses: Backoff::new(LOGIN_FREE_FAILURES_PER_ADDRESS),
        }
    }
}

impl LoginThrottle {
    /// Starts an attempt of `username` from `ip`, counted as a failure until `succeeded`; or how
    /// long the pair or the address must still wait.
    pub fn attempt(&self, username: &str, ip: Option<IpAddr>) -> Result<(), Duration> {
        let address = address_key(ip);
        let pair = pair_key(username, &address);
        let now = Instant::now();
        let waits = [
            self.pairs.wait(&pair, now),
            self.addresses.wait(&address, now),
        ];
        if let Some(wait) = waits.into_iter().flatten().max() {
            return Err(wait);
        }
        self.pairs.fail(pair, now);
        self.addresses.fail(address, now);
        Ok(())
    }

    pub fn succeeded(&self, username: &str, ip: Option<IpAddr>) {
        let address = address_key(ip);
        self.pairs
            .seen
            .lock()
            .expect("throttle lock")
            .remove(&pair_key(username, &address));
        if let Some((failures, _)) = self
            .addresses
            .seen
            .lock()
            .expect("throttle lock")
            .get_mut(&address)
        {
            *failures = failures.saturating_sub(1);
        }
    }
}

fn pair_key(username: &str, address: &str) -> String {
    format!("{address} {username}")
}

/// Failures per key with an exponential delay after the first `free` ones.
struct Backoff {
    free: u32,
    seen: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Backoff {
    fn new(free: u32) -> Self {
        Self {
            free,
            seen: Mutex::new(HashMap::new()),
        }
    }

    fn delay(&self, failures: u32) -> Option<Duration> {
        let beyond = failures.checked_sub(self.free)?;
        let factor = 1u32.checked_shl(beyond.min(16)).unwrap_or(u32::MAX);
        Some(
            LOGIN_FIRST_DELAY
                .saturating_mul(factor)
                .min(LOGIN_MAX_DELAY),
        )
    }

    fn wait(&self, key: &str, now: Instant) -> Option<Duration> {
        let seen = self.seen.lock().expect("throttle lock");
        let (failures, last) = *seen.get(key)?;
        let until = last + self.delay(failures)?;
        until.checked_duration_since(now).filter(|d| !d.is_zero())
    }

    fn fail(&self, key: String, now: Instant) {
        let mut seen = self.seen.lock().expect("throttle lock");
        if seen.len() > 10_000 {
            seen.retain(|_, (_, last)| now.duration_since(*last) < LOGIN_FORGET_AFTER);
        }
        let entry = seen.entry(key).or_insert((0, now));
        if now.duration_since(entry.1) >= LOGIN_FORGET_AFTER {
            entry.0 = 0;
        }
        *entry = (entry.0.saturating_add(1), now);
    }
}

/// Wrong check-in codes one kiosk may type within `CHECK_IN_MISSES_WINDOW`: a code has six digits,
/// and guessing one would check in a visitor who is not here (called, then marked a no-show).
pub const CHECK_IN_MISSES_PER_KIOSK: usize = 10;
pub const CHECK_IN_MISSES_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Wrong codes typed on phones at the entrance from one address in that window. More than a
/// kiosk's: the waiting room's phones may share the branch's Wi-Fi address, and one visitor's
/// mistakes must not stop the others (the kiosk stays, with its own count). Guessing stays
/// hopeless: 30 tries in 10 minutes against a million codes, behind the entrance QR's code.
pub const CHECK_IN_MISSES_PER_PHONE_ADDRESS: usize = 30;
/// Join forms sent from one address in a minute (`web::join`): far above a person's pace, so only
/// a flood meets it; the daily caps (`config::RemoteSettings`) are the real limit.
pub const JOINS_PER_ADDRESS_PER_MINUTE: usize = 20;

/// The limits of places made away from the room: wrong check-in codes per kiosk and per phone's
/// address, join forms per address.
pub struct RemoteLimits {
    check_in_misses: RateLimiter,
    phone_check_in_misses: RateLimiter,
    joins: RateLimiter,
    /// Keys the stored hashes of addresses and device ids. Held only in memory, so the database
    /// (even with its key) cannot turn a hash back into an address by trying every address; a
    /// restart starts the day's per-address and per-device counts afresh.
    hash_key: [u8; 32],
}

/// Who is joining or booking from the page, as the caps see them (`RemoteLimits::visitor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visitor {
    pub address_hash: [u8; 32],
    pub device_hash: [u8; 32],
}

impl Default for RemoteLimits {
    fn default() -> Self {
        let mut hash_key = [0u8; 32];
        getrandom::fill(&mut hash_key).expect("the OS random source is available");
        Self {
            check_in_misses: RateLimiter::new(CHECK_IN_MISSES_PER_KIOSK, CHECK_IN_MISSES_WINDOW),
            phone_check_in_misses: RateLimiter::new(
                CHECK_IN_MISSES_PER_PHONE_ADDRESS,
                CHECK_IN_MISSES_WINDOW,
            ),
            joins: RateLimiter::new(JOINS_PER_ADDRESS_PER_MINUTE, Duration::from_secs(60)),
            hash_key,
        }
    }
}

impl RemoteLimits {
    /// HMAC-SHA256 of `what` (`address:…`, `device:…`) under the in-memory key.
    pub fn keyed_hash(&self, what: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&self.hash_key).expect("any key length");
        mac.update(what.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The keyed hashes the daily caps count a visitor by, on `day`: the client address, and the
    /// join page's device cookie (`device`). Without the cookie (a browser that refuses it) the
    /// address stands for the device. The one rule for joining and booking from the page alike.
    pub fn visitor(&self, day: NaiveDate, ip: Option<IpAddr>, device: Option<&str>) -> Visitor {
        let address = ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
        let address_hash = self.keyed_hash(&format!("address:{day}:{address}"));
        let device_hash = match device {
            Some(id) => self.keyed_hash(&format!("device:{day}:{id}")),
            None => address_hash,
        };
        Visitor {
            address_hash,
            device_hash,
        }
    }

    /// Whether kiosk `device` may try a code now (it has not used up its wrong ones).
    pub fn may_check_in(&self, device: i64) -> bool {
        self.check_in_misses.allowed(&device.to_string())
    }

    pub fn wrong_code(&self, device: i64) {
        self.check_in_misses.hit(&device.to_string());
    }

    /// Whether a phone at the entrance (`web::arrive`) may try a code typed on it now, counted by
    /// its address.
    pub fn may_check_in_from(&self, ip: Option<IpAddr>) -> bool {
        self.phone_check_in_misses.allowed(&address_key(ip))
    }

    pub fn wrong_code_from(&self, ip: Option<IpAddr>) {
        self.phone_check_in_misses.hit(&address_key(ip));
    }

    /// Counts one join form from `ip`; false past the limit.
    pub fn admit_join(&self, ip: Option<IpAddr>) -> bool {
        self.joins.hit(&address_key(ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_failures_slow_the_pair_and_the_address_never_the_account() {
        let t = LoginThrottle::default();
        let (a, b) = (
            Some("192.0.2.1".parse().unwrap()),
            Some("192.0.2.2".parse().unwrap()),
        );
        for _ in 0..LOGIN_FREE_FAILURES_PER_PAIR {
            assert_eq!(t.attempt("x", a), Ok(()));
        }
        let first = t.attempt("x", a).expect_err("the pair waits");
        assert!(first > LOGIN_FIRST_DELAY - Duration::from_secs(1) && first <= LOGIN_FIRST_DELAY);
        assert_eq!(
            t.attempt("x", b),
            Ok(()),
            "the same account from elsewhere is not slowed"
        );
        t.succeeded("x", b);
        assert_eq!(
            t.attempt("y", a),
            Ok(()),
            "another account from the address is not slowed yet"
        );
        // Spraying: many accounts from one address.
        let c = Some("192.0.2.3".parse().unwrap());
        for n in 0..LOGIN_FREE_FAILURES_PER_ADDRESS {
            assert_eq!(t.attempt(&format!("user{n}"), c), Ok(()));
        }
        assert!(t.attempt("someone-else", c).is_err(), "the address waits");
        // A success takes its own attempt back: the real user's logins never add up.
        let d = Some("192.0.2.4".parse().unwrap());
        for _ in 0..LOGIN_FREE_FAILURES_PER_ADDRESS * 2 {
            assert_eq!(t.attempt("x", d), Ok(()));
            t.succeeded("x", d);
        }
        let backoff = Backoff::new(0);
        assert_eq!(backoff.delay(64), Some(LOGIN_MAX_DELAY));
    }

    #[test]
    fn wrong_pairing_codes_throttle_the_address_then_everyone() {
        let t = PairingThrottle::default();
        let a = Some("192.0.2.1".parse().unwrap());
        for _ in 0..PAIRING_WRONG_CODES_PER_ADDRESS {
            assert_eq!(t.wait(a), None);
            t.wrong_code(a);
        }
        let wait = t.wait(a).expect("the address waits");
        assert!(wait > PAIRING_WRONG_CODES_WINDOW - Duration::from_secs(5));
        let b = Some("192.0.2.2".parse().unwrap());
        assert_eq!(t.wait(b), None, "another address is not slowed yet");
        for n in 0..(PAIRING_WRONG_CODES_IN_ALL - PAIRING_WRONG_CODES_PER_ADDRESS) {
            t.wrong_code(Some(IpAddr::from([10, 0, 0, n as u8])));
        }
        assert!(t.wait(b).is_some(), "guesses from many addresses add up");
    }

    #[test]
    fn a_visitor_is_counted_by_address_and_device_per_day_and_by_address_without_the_cookie() {
        let l = RemoteLimits::default();
        let day: NaiveDate = "2026-12-07".parse().unwrap();
        let ip: Option<IpAddr> = Some("192.0.2.7".parse().unwrap());
        let phone = l.visitor(day, ip, Some("device-a"));
        assert_eq!(phone, l.visitor(day, ip, Some("device-a")));
        let other_phone = l.visitor(day, ip, Some("device-b"));
        assert_eq!(other_phone.address_hash, phone.address_hash);
        assert_ne!(other_phone.device_hash, phone.device_hash);
        let no_cookie = l.visitor(day, ip, None);
        assert_eq!(no_cookie.device_hash, no_cookie.address_hash);
        assert_ne!(no_cookie.device_hash, phone.device_hash);
        let tomorrow = l.visitor(day.succ_opt().unwrap(), ip, Some("device-a"));
        assert_ne!(tomorrow.address_hash, phone.address_hash);
        // Another server (its own key) cannot match the hashes.
        assert_ne!(
            RemoteLimits::default().visitor(day, ip, Some("device-a")),
            phone
        );
    }

    #[test]
    fn limits_per_key() {
        let l = RateLimiter::new(2, Duration::from_secs(60));
        assert!(l.hit("a") && l.hit("a"));
        assert!(!l.hit("a"));
        assert!(!l.allowed("a"));
        assert!(l.hit("b"));
        l.clear("a");
        assert!(l.allowed("a"));
    }
}
