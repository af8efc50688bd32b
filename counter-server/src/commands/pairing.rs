//! Pairing a device with a short code: the device asks (`open`), an admin claims the code with
//! the device's scope, name and desk (`claim`: the device is written as `add-device` writes it,
//! `provision::NewDevice`, and audited), the device collects its token (`poll`). The pending
//! pairings are `crate::pairing`'s; wrong codes are `limits::PairingThrottle`'s.

use std::net::IpAddr;

use chrono::{DateTime, Utc};

use crate::auth::DeviceScope;
use crate::clock::Clock;
use crate::domain::{Role, StaffId};
use crate::input::FieldError;
use crate::limits::PairingThrottle;
use crate::pairing::{OpenRefused, Opened, Pairings, Poll};
use crate::provision::NewDevice;
use crate::store::audit::{self, AuditEntry};
use crate::store::engine::{Engine, EngineError};
use crate::store::role_str;

/// Why a claim was refused.
#[derive(Debug)]
pub enum PairingError {
    /// Too many pending pairings: retry later.
    Full {
        retry_after_seconds: u64,
    },
    /// Too many wrong codes from this address or in all: wait this many seconds.
    Throttled {
        seconds: u64,
    },
    /// No pending pairing has this code (wrong, expired, or claimed already).
    WrongCode,
    /// A poll with a secret no pairing has (expired, collected, or never made).
    UnknownPairing,
    /// The scope, name or desk is not acceptable.
    Field(FieldError),
    Engine(EngineError),
}

impl From<FieldError> for PairingError {
    fn from(e: FieldError) -> Self {
        Self::Field(e)
    }
}

impl From<EngineError> for PairingError {
    fn from(e: EngineError) -> Self {
        Self::Engine(e)
    }
}

impl From<crate::store::StoreError> for PairingError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Engine(e.into())
    }
}

impl crate::store::engine::JobError for PairingError {
    fn storage_fault(&self) -> Option<crate::store::StorageFault> {
        match self {
            Self::Engine(e) => e.storage_fault(),
            _ => None,
        }
    }
}

/// A device asks for a code.
pub fn open(
    pairings: &Pairings,
    ip: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<Opened, PairingError> {
    pairings.open(ip, now).map_err(
        |OpenRefused::Full {
             retry_after_seconds,
         }| PairingError::Full {
            retry_after_seconds,
        },
    )
}

/// What a device's poll finds.
pub enum Polled {
    Waiting {
        expires_at: DateTime<Utc>,
    },
    /// The device's token, given this once, and its scope.
    Paired {
        token: String,
        scope: String,
    },
}

/// The device holding `secret` polls: still waiting, or its token (once).
pub fn poll(pairings: &Pairings, secret: &str, now: DateTime<Utc>) -> Result<Polled, PairingError> {
    match pairings.poll(secret, now) {
        Poll::Waiting { expires_at } => Ok(Polled::Waiting { expires_at }),
        Poll::Paired { token, scope } => Ok(Polled::Paired { token, scope }),
        Poll::Gone => Err(PairingError::UnknownPairing),
    }
}

/// What the admin typed.
pub struct Claim {
    pub code: String,
    /// kiosk, display, rating or applicant.
    pub scope: String,
    pub name: String,
    pub desk: Option<u32>,
}

/// The device a claim made.
pub struct Claimed {
    pub device_id: i64,
    pub name: String,
    pub scope: DeviceScope,
}

/// Who claims, from where.
pub struct Claimant {
    pub staff: StaffId,
    pub role: Role,
    pub ip: Option<IpAddr>,
    pub request_id: String,
}

/// Scopes with a screen that shows a code: an integration is another system, added with
/// `add-device`.
fn pairable(scope: DeviceScope) -> bool {
    !matches!(scope, DeviceScope::Integration)
}

/// An admin claims a code: the throttle first (even the right code waits), then the device's
/// description, then the code (taken at once, so it is used once), then the device and its
/// audit row in one engine job; the device's token waits for its next poll.
pub async fn claim(
    engine: &Engine,
    pairings: &Pairings,
    throttle: &PairingThrottle,
    clock: &dyn Clock,
    who: Claimant,
    claim: Claim,
) -> Result<Claimed, PairingError> {
    if let Some(wait) = throttle.wait(who.ip) {
        return Err(PairingError::Throttled {
            seconds: wait.as_secs().max(1),
        });
    }
    let scope = DeviceScope::parse(&claim.scope)
        .filter(|s| pairable(*s))
        .ok_or_else(|| {
            FieldError::new(
                "scope",
                "unknown_scope",
                "اختر نوع الجهاز: كشك الأرقام أو شاشة الانتظار أو جهاز التقييم أو جهاز المتقدم",
                "Scope is kiosk, display, rating or applicant",
            )
        })?;
    let device = NewDevice::new(&claim.name, scope, claim.desk)?;
    let code = claim.code.trim().to_string();
    let Some(handle) = pairings.begin_claim(&code, clock.now()) else {
        throttle.wrong_code(who.ip);
        return Err(PairingError::WrongCode);
    };
    let written = {
        let device = device.clone();
        engine
            .write(move |ctx| {
                if let Some(desk) = device.desk
                    && !ctx.config.desks.iter().any(|d| d.id == desk)
                {
                    return Err(FieldError::new(
                        "desk",
                        "unknown_desk",
                        "لا يوجد مكتب بهذا الرقم",
                        "No desk has this number",
                    )
                    .into());
                }
                let (id, token) = device.create(ctx.tx, ctx.now)?;
                // The device and who paired it; never the code, the secret or the token.
                let entry = AuditEntry {
                    staff_id: Some(who.staff),
                    role: Some(role_str(who.role).to_string()),
                    device_id: Some(id),
                    desk: device.desk,
                    action: "device_paired".into(),
                    reason: Some(device.scope.as_str().into()),
                    request_id: Some(who.request_id),
                    ..AuditEntry::default()
                };
                audit::append(ctx.tx, &entry, ctx.now)?;
                Ok::<_, PairingError>((id, token))
            })
            .await
    };
    match written {
        Ok((device_id, token)) => {
            pairings.complete_claim(handle, token, device.scope.as_str(), clock.now());
            Ok(Claimed {
                device_id,
                name: device.name,
                scope: device.scope,
            })
        }
        Err(e) => {
            pairings.abandon_claim(handle);
            Err(e)
        }
    }
}
