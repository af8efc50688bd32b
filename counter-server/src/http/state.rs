//! `AppState`: the handles every handler may use.

use std::sync::Arc;

use tokio::sync::watch;

use crate::auth::cache::PrincipalCache;
use crate::clock::Clock;
use crate::config::{Config, LiveConfig};
use crate::limits::{LoginThrottle, PairingThrottle, StatusLimits};
use crate::pairing::Pairings;
use crate::store::engine::Engine;
use crate::store::reads::ReadPool;

/// Everything a handler may use; cheap to clone (all handles).
#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub reads: ReadPool,
    /// The settings in force; administration replaces them (`config()` reads them).
    pub live: Arc<LiveConfig>,
    pub clock: Arc<dyn Clock>,
    /// Failed logins per (account, address) and per address.
    pub login_throttle: Arc<LoginThrottle>,
    /// Status-page lookups per token and per address.
    pub status_limits: Arc<StatusLimits>,
    /// Devices waiting for an admin to type their code (in memory: see `crate::pairing`).
    pub pairings: Arc<Pairings>,
    /// Wrong pairing codes per address and in all.
    pub pairing_throttle: Arc<PairingThrottle>,
    /// Wrong check-in codes per kiosk, join forms per address.
    pub remote_limits: Arc<crate::limits::RemoteLimits>,
    /// The key of the entrance QR's changing code (in memory: see `crate::entrance`).
    pub entrance: Arc<crate::entrance::EntranceGate>,
    /// Who is behind recently seen tokens.
    pub principals: Arc<PrincipalCache>,
    /// When each device last made a request (the administration page's device list).
    pub devices_seen: Arc<crate::auth::seen::DevicesSeen>,
    /// Flips to true when the server shuts down, ending open event streams.
    pub shutdown: watch::Receiver<bool>,
    /// When the retention purge last ran (for `/metrics`).
    pub maintenance: Arc<crate::maintenance::MaintenanceLog>,
    /// How shipping the roll-up to head office goes (for `/metrics`).
    pub shipping: Arc<crate::shipper::ShipLog>,
}

impl AppState {
    /// The settings in force now (a cheap clone); take it once per request.
    pub fn config(&self) -> Arc<Config> {
        self.live.get()
    }
}
