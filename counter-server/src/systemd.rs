//! Telling systemd how the service is (`Type=notify`): `READY=1` once the database is open and the
//! listener bound, then `WATCHDOG=1` for as long as the writer thread answers a heartbeat. A stuck
//! writer (a hung disk, a lock never released) stops the beats, and systemd restarts the service
//! after `WatchdogSec`. Outside systemd (no `NOTIFY_SOCKET`) every call here does nothing.

use std::time::Duration;

use sd_notify::NotifyState;
use tokio::sync::watch;

use crate::store::engine::Engine;

/// The database is open and the listener bound: systemd may start what depends on us.
pub fn notify_ready() {
    let _ = sd_notify::notify(false, &[NotifyState::Ready]);
}

/// Feeds systemd's watchdog at half its period while the writer answers; returns at shutdown, or at
/// once when systemd asked for no watchdog.
pub async fn watchdog(engine: Engine, shutdown: watch::Receiver<bool>) {
    let mut usec = 0;
    if !sd_notify::watchdog_enabled(false, &mut usec) || usec == 0 {
        return;
    }
    heartbeat(engine, Duration::from_micros(usec) / 2, shutdown, || {
        let _ = sd_notify::notify(false, &[NotifyState::Watchdog]);
    })
    .await;
}

/// Every `every`, sends the writer thread an empty job; `beat` runs only when the thread answered
/// within the same period. Drops its `Engine` handle at shutdown so the writer can stop.
pub async fn heartbeat(
    engine: Engine,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut beat: impl FnMut(),
) {
    let mut tick = tokio::time::interval(every);
    loop {
        let answered = tokio::select! {
            _ = shutdown.changed() => return,
            _ = tick.tick() => tokio::select! {
                _ = shutdown.changed() => return,
                r = tokio::time::timeout(every, engine.read(|_| ())) => matches!(r, Ok(Ok(()))),
            },
        };
        if answered {
            beat();
        } else {
            tracing::error!("the writer thread did not answer the watchdog heartbeat");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::clock::SystemClock;
    use crate::config::Config;
    use crate::store::Database;

    #[tokio::test(flavor = "multi_thread")]
    async fn the_beats_stop_while_the_writer_is_stuck_and_resume_after() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::plain(dir.path().join("counter.db"));
        let (engine, thread) = Engine::start(
            &db,
            Arc::new(crate::config::LiveConfig::new(Arc::new(Config::demo()))),
            Arc::new(SystemClock),
        )
        .unwrap();
        let beats = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = watch::channel(false);
        let counted = beats.clone();
        let task = tokio::spawn(heartbeat(
            engine.clone(),
            Duration::from_millis(20),
            stopped,
            move || {
                counted.fetch_add(1, Ordering::SeqCst);
            },
        ));
        let count_during = |ms| {
            let beats = beats.clone();
            async move {
                let before = beats.load(Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(ms)).await;
                beats.load(Ordering::SeqCst) - before
            }
        };
        assert!(
            count_during(300).await >= 3,
            "beats while the writer answers"
        );

        // A write job that blocks the writer thread until released.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let stuck = tokio::spawn({
            let engine = engine.clone();
            async move {
                engine
                    .write(move |_| {
                        let _ = held.recv();
                        Ok::<(), crate::store::engine::EngineError>(())
                    })
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(
            count_during(300).await,
            0,
            "no beat while the writer is stuck"
        );

        release.send(()).unwrap();
        assert!(stuck.await.unwrap().is_ok());
        assert!(count_during(300).await >= 3, "beats again once it answers");

        // At shutdown the task returns and lets go of its handle, so the writer can stop.
        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("the watchdog task ends at shutdown")
            .unwrap();
        drop(engine);
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .unwrap();
    }
}
