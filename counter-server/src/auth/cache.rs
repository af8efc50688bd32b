//! A short-lived cache of who is behind a token, so that a busy kiosk or desk does not cost a
//! database lookup (and a blocking-pool thread) per request.
//!
//! Entries live `ttl`: a device revoked or an account disabled from the command line (another
//! process) stops working within that time; a logout here removes its entry at once. Unknown
//! tokens are never cached, so a new device works immediately. A browser session's entry carries
//! its idle timer, so a cached session still dies on time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Principal;

/// A browser session's idle timer: the last thing a person did, and how long it may rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Idle {
    pub last_active: DateTime<Utc>,
    pub limit: chrono::Duration,
}

impl Idle {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.last_active + self.limit <= now
    }
}

/// A cached owner, with when it was looked up: on the wall clock and on the server's clock (which
/// tests move by hand; an entry expires when either has moved `ttl` on).
struct Entry {
    principal: Principal,
    idle: Option<Idle>,
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

    pub fn get(&self, hash: &[u8; 32], now: DateTime<Utc>) -> Option<(Principal, Option<Idle>)> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let fresh = |e: &&Entry| {
            let moved = now.signed_duration_since(e.at_clock);
            e.at.elapsed() < self.ttl
                && moved >= chrono::Duration::zero()
                && moved.to_std().is_ok_and(|d| d < self.ttl)
                && !e.idle.is_some_and(|i| i.expired(now))
        };
        entries
            .get(hash)
            .filter(fresh)
            .map(|e| (e.principal.clone(), e.idle))
    }

    /// A person used the session now: its cached idle timer starts again (the caller writes it).
    pub fn touch(&self, hash: &[u8; 32], now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = entries.get_mut(hash).and_then(|e| e.idle.as_mut()) {
            i.last_active = now;
        }
    }

    pub fn insert(
        &self,
        hash: [u8; 32],
        principal: Principal,
        idle: Option<Idle>,
        now: DateTime<Utc>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(
            hash,
            Entry {
                principal,
                idle,
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
        c.insert([1; 32], p.clone(), None, now);
        assert_eq!(c.get(&[1; 32], now), Some((p.clone(), None)));
        assert_eq!(
            c.get(&[1; 32], now + chrono::Duration::minutes(31)),
            None,
            "the server's clock moved on"
        );
        c.remove(&[1; 32]);
        assert_eq!(c.get(&[1; 32], now), None);
        c.insert([2; 32], p.clone(), None, now);
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(c.get(&[2; 32], now), None, "the wall clock moved on");
    }

    #[test]
    fn a_cached_browser_session_dies_when_idle_and_lives_on_when_touched() {
        let c = PrincipalCache::new(Duration::from_secs(60));
        let p = Principal::Device {
            id: 1,
            scope: DeviceScope::Kiosk,
        };
        let now = Utc::now();
        let idle = Idle {
            last_active: now,
            limit: chrono::Duration::seconds(3),
        };
        c.insert([3; 32], p, Some(idle), now);
        let later = now + chrono::Duration::seconds(2);
        assert!(c.get(&[3; 32], later).is_some());
        assert!(
            c.get(&[3; 32], now + chrono::Duration::seconds(3))
                .is_none()
        );
        c.touch(&[3; 32], later);
        assert!(
            c.get(&[3; 32], now + chrono::Duration::seconds(4))
                .is_some()
        );
    }
}
