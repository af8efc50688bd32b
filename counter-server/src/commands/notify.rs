//! A visitor asks, from their status page, to be told when their turn is near (issue 16 item
//! 2): a Web Push subscription or a mobile number, held only while the visit lasts
//! (`crate::notify::worker` erases it as the visit ends).

use crate::auth::tokens;
use crate::notify::{push, sms};
use crate::store::engine::{Engine, EngineError};
use crate::store::notify::{self as rows, Address};
use crate::store::reads::{self, ReadPool};

/// What the status page may offer: the channels configured, and the key a browser subscribes
/// with (the VAPID public key, base64url) when push is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub push_public_key: Option<String>,
    pub sms: bool,
}

/// The options of this branch: `[push]` with its key (made when the server starts), `[sms]`.
pub async fn options(
    reads: &ReadPool,
    config: &crate::config::Config,
) -> Result<Options, EngineError> {
    let push_public_key = if config.push.is_some() {
        reads
            .run(rows::vapid_key)
            .await?
            .and_then(|k| push::VapidKey::from_pkcs8(&k).ok())
            .map(|k| k.public_key_base64url())
    } else {
        None
    };
    Ok(Options {
        push_public_key,
        sms: config.sms.is_some(),
    })
}

/// Why a request was not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// Malformed, unknown or expired token: the status lookup's 404.
    NotFound,
    /// The visit is over (or not active): nothing to be told.
    Ended,
    /// This channel is not configured.
    NotOffered,
    /// A subscription whose endpoint or keys do not check (`push::Subscription::validate`).
    BadSubscription,
    /// Not a mobile number `sms::normalise_number` takes.
    BadNumber,
}

/// The channel asked for, as the visitor gave it.
pub enum Ask {
    Push(push::Subscription),
    Sms(String),
}

/// Records the request of the ticket behind `token` (replacing an earlier one on its channel).
pub async fn ask(
    engine: &Engine,
    config: &crate::config::Config,
    token: &str,
    ask: Ask,
    lang: awn_core::Lang,
) -> Result<Result<(), Refused>, EngineError> {
    if !tokens::well_formed(token) {
        return Ok(Err(Refused::NotFound));
    }
    let address = match ask {
        Ask::Push(_) if config.push.is_none() => return Ok(Err(Refused::NotOffered)),
        Ask::Sms(_) if config.sms.is_none() => return Ok(Err(Refused::NotOffered)),
        Ask::Push(sub) => {
            let loopback_ok = config
                .push
                .as_ref()
                .is_some_and(|p| p.allow_loopback_endpoints);
            if sub.validate().is_err() || (!loopback_ok && !sub.endpoint.starts_with("https://")) {
                return Ok(Err(Refused::BadSubscription));
            }
            Address::Push {
                endpoint: sub.endpoint,
                p256dh: sub.p256dh,
                auth: sub.auth,
            }
        }
        Ask::Sms(number) => match sms::normalise_number(&number) {
            Ok(n) => Address::Sms(n),
            Err(_) => return Ok(Err(Refused::BadNumber)),
        },
    };
    let hash = tokens::hash(token);
    let lang = match lang {
        awn_core::Lang::Ar => "ar",
        awn_core::Lang::En => "en",
    };
    engine
        .write(move |ctx| -> Result<Result<(), Refused>, EngineError> {
            let Some(ticket) = reads::ticket_by_token_hash(ctx.tx, &hash)? else {
                return Ok(Err(Refused::NotFound));
            };
            if ctx.queue.ticket(ticket).is_none() {
                return Ok(Err(Refused::Ended));
            }
            rows::upsert(ctx.tx, ticket, &address, lang, ctx.now)?;
            Ok(Ok(()))
        })
        .await
}

/// Withdraws the request on `channel` (`push` or `sms`) of the ticket behind `token`; the
/// number or subscription is deleted (and the WAL truncated, so its bytes are gone).
pub async fn withdraw(
    engine: &Engine,
    token: &str,
    channel: &'static str,
) -> Result<Result<(), Refused>, EngineError> {
    if !tokens::well_formed(token) {
        return Ok(Err(Refused::NotFound));
    }
    let hash = tokens::hash(token);
    engine
        .write(move |ctx| -> Result<Result<(), Refused>, EngineError> {
            let Some(ticket) = reads::ticket_by_token_hash(ctx.tx, &hash)? else {
                return Ok(Err(Refused::NotFound));
            };
            if rows::withdraw(ctx.tx, ticket, channel)? {
                ctx.truncate_wal_after_commit();
            }
            Ok(Ok(()))
        })
        .await
}

/// The channels the ticket behind `token` has asked for (the page shows them as on).
pub async fn asked(reads: &ReadPool, token: &str) -> Result<Option<Vec<String>>, EngineError> {
    if !tokens::well_formed(token) {
        return Ok(None);
    }
    let hash = tokens::hash(token);
    Ok(reads
        .run(
            move |c| -> Result<Option<Vec<String>>, crate::store::StoreError> {
                match reads::ticket_by_token_hash(c, &hash)? {
                    Some(t) => Ok(Some(rows::channels(c, t)?)),
                    None => Ok(None),
                }
            },
        )
        .await?)
}
