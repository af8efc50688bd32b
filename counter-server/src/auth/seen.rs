//! When each device last made a request, for the administration page's device list. Kept in
//! memory (a write per request would cost the queue's writer for a convenience figure): after a
//! restart a device shows as not seen until its next request, which for a kiosk, a display or a
//! tablet is within seconds.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

#[derive(Default)]
pub struct DevicesSeen(Mutex<HashMap<i64, DateTime<Utc>>>);

impl DevicesSeen {
    pub fn saw(&self, device: i64, at: DateTime<Utc>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(device, at);
    }

    pub fn last(&self, device: i64) -> Option<DateTime<Utc>> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&device)
            .copied()
    }
}
