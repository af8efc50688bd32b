//! A small in-memory rate limiter: at most `max` events per key in a sliding `window`.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    pub fn clear(&self, key: &str) {
        self.seen.lock().expect("limiter lock").remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
