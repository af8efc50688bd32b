//! The webhook delivery worker (issue 17 item 4): sends the deliveries `store::webhooks` queued,
//! signed (`signature`), over HTTPS (`client`).
//!
//! Per endpoint strictly in order: its oldest pending delivery is tried until it is delivered
//! (a 2xx) or dead (`domain::webhook::BACKOFF_SECONDS`) before the next one; endpoints do not
//! wait for each other's backoff. The worker looks when a commit wrote something
//! (`Engine::committed`) and every `POLL`, so a retry is at most that late (and a test that moves
//! a `ManualClock` sees it). Each outcome is recorded in an engine job; a delivery whose outcome
//! could not be recorded (a crash between the reply and the commit) is sent again with the same
//! `webhook-id`, which a receiver keeps once. Logs name the delivery, endpoint and outcome, never
//! the payload.

pub mod client;
pub mod signature;

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::watch;

use crate::clock::{Clock, SystemClock};
use crate::store::engine::{Engine, EngineError};
use crate::store::reads::ReadPool;
use crate::store::webhooks::{self as rows, Due};
use client::{Client, Outcome};

/// How often due deliveries are looked for when no commit wakes the worker.
pub const POLL: Duration = Duration::from_secs(1);
/// After a commit wakes the worker, the commits of the same moment join its look: one read per
/// burst, not one per commit (a busy branch commits hundreds of times a second, almost none of
/// them queueing a delivery).
const SETTLE: Duration = Duration::from_millis(100);

/// Runs until `shutdown` flips. `clock` decides when an attempt is due; the signed
/// `webhook-timestamp` is the wall clock at sending, since the receiver checks it against its
/// own (Standard Webhooks receivers refuse one more than 5 minutes off).
pub async fn run(
    engine: Engine,
    reads: ReadPool,
    clock: Arc<dyn Clock>,
    client: Client,
    mut shutdown: watch::Receiver<bool>,
) {
    let wake = engine.committed().clone();
    loop {
        tokio::select! {
            () = deliver_due(&engine, &reads, clock.as_ref(), &client) => {}
            _ = shutdown.changed() => return,
        }
        tokio::select! {
            () = wake.webhooks.notified() => tokio::time::sleep(SETTLE).await,
            () = tokio::time::sleep(POLL) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Sends every due head, and again while one succeeded (the next of its endpoint is due at once).
async fn deliver_due(engine: &Engine, reads: &ReadPool, clock: &dyn Clock, client: &Client) {
    loop {
        let now = clock.now();
        let due = match reads.run(move |c| rows::due(c, now)).await {
            Ok(due) => due,
            Err(e) => {
                tracing::warn!(error = %e, "reading the webhook deliveries due");
                return;
            }
        };
        if due.is_empty() {
            return;
        }
        let outcomes = join_all(due.iter().map(|d| attempt(client, d))).await;
        let mut any_delivered = false;
        for (d, outcome) in due.iter().zip(outcomes) {
            any_delivered |= outcome == Outcome::Delivered;
            if let Err(e) = record(engine, d, outcome).await {
                tracing::warn!(error = ?e, delivery = d.id, "recording a webhook attempt");
                return;
            }
        }
        if !any_delivered {
            return;
        }
    }
}

async fn attempt(client: &Client, d: &Due) -> Outcome {
    let timestamp = SystemClock.now().timestamp();
    let headers = [
        ("webhook-id", d.event_id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
        (
            "webhook-signature",
            signature::sign(&d.secret, &d.event_id, timestamp, &d.payload),
        ),
    ];
    let outcome = client.post(&d.url, &headers, d.payload.clone()).await;
    match &outcome {
        Outcome::Delivered => tracing::info!(
            delivery = d.id,
            endpoint = d.endpoint,
            attempt = d.attempts + 1,
            "webhook delivered"
        ),
        Outcome::Failed(code) => tracing::warn!(
            delivery = d.id,
            endpoint = d.endpoint,
            attempt = d.attempts + 1,
            outcome = %code,
            "webhook attempt failed"
        ),
    }
    outcome
}

async fn record(engine: &Engine, d: &Due, outcome: Outcome) -> Result<(), EngineError> {
    let id = d.id;
    let dead = engine
        .write(move |ctx| -> Result<bool, EngineError> {
            Ok(match outcome {
                Outcome::Delivered => {
                    rows::delivered(ctx.tx, id, ctx.now)?;
                    false
                }
                Outcome::Failed(code) => rows::failed(ctx.tx, id, &code, ctx.now)?,
            })
        })
        .await?;
    if dead {
        tracing::error!(
            delivery = d.id,
            endpoint = d.endpoint,
            "webhook delivery dead: an admin may replay it"
        );
    }
    Ok(())
}
