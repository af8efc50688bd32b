//! Web Push: a notice to the visitor's browser through its vendor's push service, encrypted so
//! that service reads nothing (RFC 8291, the `aes128gcm` encoding of RFC 8188) and signed with the
//! branch's VAPID key (RFC 8292), so the service knows who sends. ring only.
//!
//! The subscription's endpoint is a capability URL (whoever has it can message the browser): it is
//! never logged, only its host. The payload is `payload`'s JSON: the branch's name, the notice
//! (`super::message`) and the ticket's label, nothing else.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{URL_SAFE_NO_PAD, URL_SAFE_NO_PAD_INDIFFERENT};
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use ring::{aead, agreement, hkdf};
use serde::{Deserialize, Serialize};

use super::message::{self, Kind};
use crate::clock::{Clock, SystemClock};
use crate::webhooks::client::{self, Client, Target, UrlProblem};
use awn_core::Lang;

/// The record size announced in the header. One record holds the whole message.
const RECORD_SIZE: u32 = 4096;
/// Salt (16), record size (4), key id length (1), the sender's public key (65).
const HEADER_LEN: usize = 16 + 4 + 1 + 65;
/// The padding delimiter of the last (only) record, and the AES-GCM tag.
const OVERHEAD: usize = 1 + 16;
/// The largest plaintext: push services take bodies of 4096 bytes at most.
pub const MAX_PLAINTEXT: usize = 4096 - HEADER_LEN - OVERHEAD;
/// How long a VAPID token holds (RFC 8292 allows 24 hours at the most).
pub const TOKEN_LIFETIME_SECONDS: i64 = 12 * 3600;

/// The branch's VAPID key pair (P-256). Kept as its PKCS#8 document, which is what is stored.
pub struct VapidKey {
    pair: EcdsaKeyPair,
    pkcs8: Vec<u8>,
}

impl VapidKey {
    /// A new key from the OS random source.
    pub fn generate() -> Result<Self, PushError> {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| PushError::Key)?;
        Self::from_pkcs8(doc.as_ref())
    }

    /// A key stored before (`pkcs8`).
    pub fn from_pkcs8(pkcs8: &[u8]) -> Result<Self, PushError> {
        let pair = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|_| PushError::Key)?;
        Ok(Self {
            pair,
            pkcs8: pkcs8.to_vec(),
        })
    }

    /// The PKCS#8 document to store (secret).
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The public key as the browser's `applicationServerKey` takes it: the uncompressed point
    /// (65 bytes), base64url without padding.
    pub fn public_key_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.pair.public_key().as_ref())
    }
}

impl fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "VapidKey({})", self.public_key_base64url())
    }
}

/// A browser's push subscription, as `PushSubscription.toJSON()` gives it (`endpoint`, and
/// `keys.p256dh`, `keys.auth` flattened here). Debug shows the endpoint's host only.
#[derive(Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Subscription {
    /// The push service's URL for this browser (HTTPS, or HTTP to loopback; a capability).
    pub endpoint: String,
    /// The browser's P-256 public key, uncompressed, base64url.
    pub p256dh: String,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: String,
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host =
            client::local_or_https_target(&self.endpoint).map_or_else(|_| "?".into(), |t| t.host);
        write!(f, "Subscription({host})")
    }
}

/// Why a subscription cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionProblem {
    Endpoint(UrlProblem),
    /// `p256dh` is not a P-256 point in base64url.
    Key,
    /// `auth` is not 16 bytes in base64url.
    Auth,
}

/// A subscription checked: where to send, and the browser's keys.
struct Checked {
    target: Target,
    ua_public: Vec<u8>,
    auth: Vec<u8>,
}

impl Subscription {
    /// Checks the endpoint (HTTPS with a host, as webhook endpoints, or plain HTTP to this
    /// machine: a test's push service, `client::local_or_https_target`) and the keys' shapes; what
    /// an API taking a subscription should call before storing it.
    pub fn validate(&self) -> Result<(), SubscriptionProblem> {
        self.check().map(|_| ())
    }

    fn check(&self) -> Result<Checked, SubscriptionProblem> {
        let target =
            client::local_or_https_target(&self.endpoint).map_err(SubscriptionProblem::Endpoint)?;
        let ua_public = URL_SAFE_NO_PAD_INDIFFERENT
            .decode(&self.p256dh)
            .map_err(|_| SubscriptionProblem::Key)?;
        if ua_public.len() != 65 || ua_public[0] != 4 {
            return Err(SubscriptionProblem::Key);
        }
        let auth = URL_SAFE_NO_PAD_INDIFFERENT
            .decode(&self.auth)
            .map_err(|_| SubscriptionProblem::Auth)?;
        if auth.len() != 16 {
            return Err(SubscriptionProblem::Auth);
        }
        Ok(Checked {
            target,
            ua_public,
            auth,
        })
    }
}

/// Why a notice was not delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushError {
    /// The push service says the subscription is no more (404, 410): forget it.
    Gone,
    Subscription(SubscriptionProblem),
    /// The payload is over `MAX_PLAINTEXT`.
    TooLarge,
    /// A key could not be made or read, or the browser's key is not on the curve.
    Key,
    /// Anything else, as a short code: the HTTP status (`429`), `connect`, `tls`, `timeout`, `http`.
    Failed(String),
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Gone => f.write_str("gone"),
            PushError::Subscription(p) => write!(f, "subscription: {p:?}"),
            PushError::TooLarge => f.write_str("too_large"),
            PushError::Key => f.write_str("key"),
            PushError::Failed(code) => f.write_str(code),
        }
    }
}

impl std::error::Error for PushError {}

/// What the service worker shows: `title` (the branch's name), `body` (the notice) and `tag`
/// (the ticket's label, so "it is your turn" replaces "your turn is near" on the screen).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    pub tag: String,
}

/// The payload of a notice: nothing but `message::body`, the branch's name and the label.
pub fn payload(
    kind: Kind,
    lang: Lang,
    label: &str,
    desk: Option<&str>,
    branch_name: &str,
) -> Payload {
    Payload {
        title: branch_name.to_string(),
        body: message::body(kind, lang, label, desk),
        tag: label.to_string(),
    }
}

/// Encrypts `plaintext` for the subscription (RFC 8291 section 3.4): a new ephemeral key and salt
/// for every message; the body to POST.
pub fn encrypt(sub: &Subscription, plaintext: &[u8]) -> Result<Vec<u8>, PushError> {
    let checked = sub.check().map_err(PushError::Subscription)?;
    encrypt_for(&checked, plaintext)
}

fn encrypt_for(sub: &Checked, plaintext: &[u8]) -> Result<Vec<u8>, PushError> {
    if plaintext.len() > MAX_PLAINTEXT {
        return Err(PushError::TooLarge);
    }
    let rng = SystemRandom::new();
    let mut salt = [0u8; 16];
    rng.fill(&mut salt).map_err(|_| PushError::Key)?;
    let private = agreement::EphemeralPrivateKey::generate(&agreement::ECDH_P256, &rng)
        .map_err(|_| PushError::Key)?;
    let as_public = private.compute_public_key().map_err(|_| PushError::Key)?;
    let peer = agreement::UnparsedPublicKey::new(&agreement::ECDH_P256, &sub.ua_public);
    agreement::agree_ephemeral(private, &peer, |ecdh_secret| {
        seal(
            ecdh_secret,
            &sub.ua_public,
            as_public.as_ref(),
            &sub.auth,
            &salt,
            plaintext,
        )
    })
    .map_err(|_| PushError::Key)
}

/// The deterministic part of `encrypt`, once the ECDH secret is known (what RFC 8291's
/// Appendix A checks): the `aes128gcm` header and its one record.
fn seal(
    ecdh_secret: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    auth: &[u8],
    salt: &[u8; 16],
    plaintext: &[u8],
) -> Vec<u8> {
    let prk_key = hkdf::Salt::new(hkdf::HKDF_SHA256, auth).extract(ecdh_secret);
    let mut ikm = [0u8; 32];
    expand(
        &prk_key,
        &[b"WebPush: info\0", ua_public, as_public],
        &mut ikm,
    );
    let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, salt).extract(&ikm);
    let mut cek = [0u8; 16];
    expand(&prk, &[b"Content-Encoding: aes128gcm\0"], &mut cek);
    let mut nonce = [0u8; 12];
    expand(&prk, &[b"Content-Encoding: nonce\0"], &mut nonce);

    let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + OVERHEAD);
    out.extend_from_slice(salt);
    out.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    out.push(65);
    out.extend_from_slice(as_public);
    let mut record = Vec::with_capacity(plaintext.len() + OVERHEAD);
    record.extend_from_slice(plaintext);
    // The last record's delimiter, and no padding.
    record.push(2);
    let key = aead::LessSafeKey::new(
        aead::UnboundKey::new(&aead::AES_128_GCM, &cek).expect("16 bytes is an AES-128 key"),
    );
    key.seal_in_place_append_tag(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::empty(),
        &mut record,
    )
    .expect("one record is far below AES-GCM's limit");
    out.extend_from_slice(&record);
    out
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

fn expand(prk: &hkdf::Prk, info: &[&[u8]], out: &mut [u8]) {
    prk.expand(info, Len(out.len()))
        .and_then(|okm| okm.fill(out))
        .expect("HKDF-SHA256 gives up to 8160 bytes");
}

/// The `Authorization` header's value (RFC 8292): `vapid t=<ES256 JWT>, k=<public key>`, the
/// token naming `audience` (the endpoint's origin), expiring at `expires` (Unix seconds; at most
/// 24 hours ahead) and `subject` (`mailto:` or `https:`, whom the push service may contact).
pub fn vapid_header(
    key: &VapidKey,
    audience: &str,
    subject: &str,
    expires: i64,
) -> Result<String, PushError> {
    let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = serde_json::json!({ "aud": audience, "exp": expires, "sub": subject });
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{claims}");
    let signature = key
        .pair
        .sign(&SystemRandom::new(), signing_input.as_bytes())
        .map_err(|_| PushError::Key)?;
    Ok(format!(
        "vapid t={signing_input}.{}, k={}",
        URL_SAFE_NO_PAD.encode(signature.as_ref()),
        key.public_key_base64url()
    ))
}

/// Sends `payload` to the subscription: encrypted, signed, `TTL` `ttl_seconds` (how long the
/// push service keeps it for a browser that is offline; a notice that is late is worthless, so
/// short), `Urgency: high`. A 2xx is delivered; 404 and 410 are `Gone`.
pub async fn send(
    client: &Client,
    sub: &Subscription,
    payload: &Payload,
    key: &VapidKey,
    subject: &str,
    ttl_seconds: u32,
) -> Result<(), PushError> {
    let checked = sub.check().map_err(PushError::Subscription)?;
    let body = serde_json::to_vec(payload).expect("strings serialize");
    let body = encrypt_for(&checked, &body)?;
    let expires = SystemClock.now().timestamp() + TOKEN_LIFETIME_SECONDS;
    let authorization = vapid_header(key, &checked.target.origin(), subject, expires)?;
    let headers = [
        ("authorization", authorization),
        ("content-encoding", "aes128gcm".to_string()),
        ("ttl", ttl_seconds.to_string()),
        ("urgency", "high".to_string()),
    ];
    let host = checked.target.host.as_str();
    let result = match client
        .request(&checked.target, "application/octet-stream", &headers, body)
        .await
    {
        Ok(status) if (200..300).contains(&status) => Ok(()),
        Ok(404 | 410) => Err(PushError::Gone),
        Ok(status) => Err(PushError::Failed(status.to_string())),
        Err(code) => Err(PushError::Failed(code.into())),
    };
    match &result {
        Ok(()) => tracing::info!(host, "push notice delivered"),
        Err(e) => tracing::warn!(host, outcome = %e, "push notice not delivered"),
    }
    result
}

#[cfg(test)]
mod tests;
