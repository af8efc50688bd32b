//! Where "now" comes from: real time in production, a hand-moved clock in tests. Flows never
//! read a clock themselves; every method takes `now`.

use std::cell::Cell;
use std::time::{Duration, Instant};

pub trait Clock {
    fn now(&self) -> Instant;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to.
pub struct ManualClock(Cell<Instant>);

impl ManualClock {
    pub fn new() -> Self {
        ManualClock(Cell::new(Instant::now()))
    }

    pub fn advance(&self, d: Duration) {
        self.0.set(self.0.get() + d);
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.0.get()
    }
}
