//! A short-lived cache of who is behind a token, so that a busy kiosk or desk does not cost a
//! database lookup (and a blocking-pool thread) per request.
//!
//! Entries live `ttl`: a device revoked or an account disabled from the command line (another
//! process) stops working within that time; a logout here removes its entry at once. Idle
//! timeouts keep working because the lookup that refreshes a session's idle timer runs at least
//! once per `ttl` of use. Unknown tokens are never cached, so a new device works immediately.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Principal;

/// A cached owner, with when it was looked up: on the wall clock and on the server's clock (which
/// tests move by hand; an entry expires when either has moved `ttl` on).
struct Entry {
    principal: Principal,
    at: Instant,
    at_clock: DateTime<Utc>,
}

pub struct PrincipalCache {
    ttl: Duration,
    entries: Mutex<HashMap<[u8; 32], Entry>>,
}

/// Beyond this many entries the cache starts again empty (a bound, not an expected size).
const MAX_ENTRIES: usize = 10_000;

impl PrincipalCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, hash: &[u8; 32], now: DateTime<Utc>) -> Option<Principal> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = |e: &&Entry| {
            let moved = now.signed_duration_since(e.at_clock);
            e.at.elapsed() < self.ttl
                && moved >= chrono::Duration::zero()
                && moved.to_std().is_ok_and(|d| d < self.ttl)
        };
        entries.get(hash).filter(fresh).map(|e| e.principal.clone())
    }

    pub fn insert(&self, hash: [u8; 32], principal: Principal, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            hash,
            Entry {
                principal,
                at: Instant::now(),
                at_clock: now,
            },
        );
    }

    pub fn remove(&self, hash: &[u8; 32]) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::DeviceScope;

    #[test]
    fn entries_expire_and_can_be_removed() {
        let c = PrincipalCache::new(Duration::from_millis(50));
        let p = Principal::Device {
            id: 1,
            scope: DeviceScope::Kiosk,
        };
        let now = Utc::now();
        c.insert([1; 32], p.clone(), now);
        assert_eq!(c.get(&[1; 32], now), Some(p.clone()));
        assert_eq!(
            c.get(&[1; 32], now + chrono::Duration::minutes(31)),
            None,
            "the server's clock moved on"
        );
        c.remove(&[1; 32]);
        assert_eq!(c.get(&[1; 32], now), None);
        c.insert([2; 32], p, now);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&[2; 32], now), None, "the wall clock moved on");
    }
}
