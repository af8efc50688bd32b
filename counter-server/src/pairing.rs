//! Devices waiting to be paired with a short code (issue 15): a new device asks for a code and
//! keeps a long secret; an admin types the code in the console; the device collects its token
//! with the secret, once.
//!
//! Pending pairings live in memory, not in a table: they last minutes, hold a device token in
//! clear between the claim and the device's next poll (which must never reach the disk), and a
//! restart losing them only means the device asks for a new code. Bounded: `MAX_PENDING` in all
//! and `MAX_PENDING_PER_ADDRESS` per source address, so a flood fills neither memory nor the
//! database. Time comes from the caller (the injected clock), so tests can expire codes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

use crate::auth::tokens;

/// How long a code may be typed in, and how long a claimed token waits for its device.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
/// Pending pairings at once, over all addresses ...
pub const MAX_PENDING: usize = 64;
/// ... and from one address (a device restarting a few times before anyone types its code).
pub const MAX_PENDING_PER_ADDRESS: usize = 4;
/// How often a device is told to poll.
pub const POLL_SECONDS: u64 = 2;

/// A code just handed out, with the secret its device keeps.
#[derive(Clone, Debug)]
pub struct Opened {
    pub code: String,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

/// What a device's poll finds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Poll {
    /// Nobody typed the code yet (or the claim is being written).
    Waiting { expires_at: DateTime<Utc> },
    /// Claimed: the device's token, given this once.
    Paired { token: String, scope: String },
    /// Unknown secret, expired, or the token was already collected.
    Gone,
}

/// Why no code was handed out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenRefused {
    /// Too many pending pairings (from this address, or in all): retry after this many seconds.
    Full { retry_after_seconds: u64 },
}

#[derive(Debug)]
enum State {
    Waiting,
    /// An admin's claim is being written.
    Claiming,
    Paired {
        token: String,
        scope: String,
    },
}

#[derive(Debug)]
struct Pending {
    code: String,
    address: Option<IpAddr>,
    expires_at: DateTime<Utc>,
    state: State,
}

/// A claim in progress: the pending pairing's key (the secret's hash).
#[derive(Clone, Copy, Debug)]
pub struct ClaimHandle([u8; 32]);

#[derive(Default)]
struct Inner {
    /// By the secret's hash (secrets are kept only as hashes, in memory too).
    by_secret: HashMap<[u8; 32], Pending>,
    /// The codes that may still be typed in.
    by_code: HashMap<String, [u8; 32]>,
}

impl Inner {
    fn prune(&mut self, now: DateTime<Utc>) {
        self.by_secret.retain(|_, p| p.expires_at > now);
        let live = &self.by_secret;
        self.by_code.retain(|_, key| {
            live.get(key)
                .is_some_and(|p| matches!(p.state, State::Waiting))
        });
    }
}

#[derive(Default)]
pub struct Pairings {
    inner: Mutex<Inner>,
}

/// Six digits, uniform over 000000-999999, from the OS random source.
fn random_code() -> String {
    // The largest multiple of 10^6 that fits in a u32: rejecting above it keeps every code
    // equally likely.
    const LIMIT: u32 = 4_294_000_000;
    loop {
        let mut b = [0u8; 4];
        getrandom::fill(&mut b).expect("the OS random source is available");
        let n = u32::from_le_bytes(b);
        if n < LIMIT {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

impl Pairings {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().expect("pairings lock")
    }

    /// A new code for a device at `address`, unless too many are pending.
    pub fn open(&self, address: Option<IpAddr>, now: DateTime<Utc>) -> Result<Opened, OpenRefused> {
        let mut inner = self.lock();
        inner.prune(now);
        let full = |expiries: &mut dyn Iterator<Item = DateTime<Utc>>| {
            // Room again when the soonest of them expires.
            let soonest = expiries.min().unwrap_or(now);
            OpenRefused::Full {
                retry_after_seconds: u64::try_from((soonest - now).num_seconds())
                    .unwrap_or(0)
                    .max(1),
            }
        };
        let mine = || {
            inner
                .by_secret
                .values()
                .filter(|p| p.address == address)
                .map(|p| p.expires_at)
        };
        if mine().count() >= MAX_PENDING_PER_ADDRESS {
            return Err(full(&mut mine()));
        }
        if inner.by_secret.len() >= MAX_PENDING {
            return Err(full(&mut inner.by_secret.values().map(|p| p.expires_at)));
        }
        let code = loop {
            let c = random_code();
            if !inner.by_code.contains_key(&c) {
                break c;
            }
        };
        let secret = tokens::secret_token();
        let key = tokens::hash(&secret);
        let expires_at = now + CODE_LIFETIME;
        inner.by_code.insert(code.clone(), key);
        inner.by_secret.insert(
            key,
            Pending {
                code: code.clone(),
                address,
                expires_at,
                state: State::Waiting,
            },
        );
        Ok(Opened {
            code,
            secret,
            expires_at,
        })
    }

    /// Takes `code` for a claim: from now on it can no longer be typed in (single use). `None`
    /// for a wrong or expired code.
    pub fn begin_claim(&self, code: &str, now: DateTime<Utc>) -> Option<ClaimHandle> {
        let mut inner = self.lock();
        inner.prune(now);
        let key = inner.by_code.remove(code)?;
        let pending = inner.by_secret.get_mut(&key)?;
        pending.state = State::Claiming;
        Some(ClaimHandle(key))
    }

    /// The claim is written: the device collects `token` at its next poll (within
    /// `CODE_LIFETIME`, or it is forgotten).
    pub fn complete_claim(&self, h: ClaimHandle, token: String, scope: &str, now: DateTime<Utc>) {
        if let Some(p) = self.lock().by_secret.get_mut(&h.0) {
            p.state = State::Paired {
                token,
                scope: scope.to_string(),
            };
            p.expires_at = now + CODE_LIFETIME;
        }
    }

    /// The claim failed before anything was written: the code may be typed in again.
    pub fn abandon_claim(&self, h: ClaimHandle) {
        let mut inner = self.lock();
        let Some(p) = inner.by_secret.get_mut(&h.0) else {
            return;
        };
        p.state = State::Waiting;
        let code = p.code.clone();
        inner.by_code.insert(code, h.0);
    }

    /// What the device holding `secret` gets now; a token is handed out once, and the pairing
    /// is then gone.
    pub fn poll(&self, secret: &str, now: DateTime<Utc>) -> Poll {
        let mut inner = self.lock();
        inner.prune(now);
        let key = tokens::hash(secret);
        match inner.by_secret.get(&key).map(|p| &p.state) {
            None => Poll::Gone,
            Some(State::Waiting | State::Claiming) => Poll::Waiting {
                expires_at: inner.by_secret[&key].expires_at,
            },
            Some(State::Paired { .. }) => match inner.by_secret.remove(&key) {
                Some(Pending {
                    state: State::Paired { token, scope },
                    ..
                }) => Poll::Paired { token, scope },
                _ => Poll::Gone,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2026-12-03T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_code_is_six_digits_single_use_and_expires() {
        let p = Pairings::default();
        let ip = Some("192.0.2.1".parse().unwrap());
        let a = p.open(ip, t0()).unwrap();
        assert!(a.code.len() == 6 && a.code.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(a.expires_at, t0() + CODE_LIFETIME);
        assert!(matches!(p.poll(&a.secret, t0()), Poll::Waiting { .. }));
        let h = p.begin_claim(&a.code, t0()).expect("the code is live");
        assert!(p.begin_claim(&a.code, t0()).is_none(), "single use");
        assert!(matches!(p.poll(&a.secret, t0()), Poll::Waiting { .. }));
        p.complete_claim(h, "tok".into(), "kiosk", t0());
        assert_eq!(
            p.poll(&a.secret, t0()),
            Poll::Paired {
                token: "tok".into(),
                scope: "kiosk".into()
            }
        );
        assert_eq!(
            p.poll(&a.secret, t0()),
            Poll::Gone,
            "the token is given once"
        );

        let b = p.open(ip, t0()).unwrap();
        let late = t0() + CODE_LIFETIME;
        assert!(p.begin_claim(&b.code, late).is_none(), "expired");
        assert_eq!(p.poll(&b.secret, late), Poll::Gone);

        let c = p.open(ip, t0()).unwrap();
        let h = p.begin_claim(&c.code, t0()).unwrap();
        p.abandon_claim(h);
        assert!(
            p.begin_claim(&c.code, t0()).is_some(),
            "a failed claim gives the code back"
        );
    }

    #[test]
    fn pending_pairings_are_bounded_per_address_and_in_all() {
        let p = Pairings::default();
        let one = Some("192.0.2.1".parse().unwrap());
        for _ in 0..MAX_PENDING_PER_ADDRESS {
            p.open(one, t0()).unwrap();
        }
        assert!(matches!(
            p.open(one, t0()),
            Err(OpenRefused::Full {
                retry_after_seconds: 600
            })
        ));
        for n in MAX_PENDING_PER_ADDRESS..MAX_PENDING {
            let ip = Some(IpAddr::from([10, 0, (n / 256) as u8, (n % 256) as u8]));
            p.open(ip, t0()).unwrap();
        }
        let other = Some("192.0.2.99".parse().unwrap());
        assert!(p.open(other, t0()).is_err(), "the cap over all addresses");
        assert!(
            p.open(other, t0() + CODE_LIFETIME).is_ok(),
            "expired ones make room"
        );
    }

    #[test]
    fn codes_cover_all_six_digits() {
        let mut first = [0usize; 10];
        for _ in 0..2000 {
            let c = random_code();
            first[usize::from(c.as_bytes()[0] - b'0')] += 1;
        }
        assert!(first.iter().all(|&n| n > 100), "{first:?}");
    }
}
