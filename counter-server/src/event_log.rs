//! The recent history of the event stream, so that a client that reconnects gets what it missed.
//!
//! Every event the engine publishes gets the next sequence number; on the wire its id is
//! `<boot>-<seq>`, where `boot` is random per server start: the history lives only in memory, so an
//! id from before a restart must be recognised as such. The last `CAPACITY` events are kept. A
//! client resuming after an id gets the kept events after it, or is told to reset (reload its view)
//! when what it missed is no longer known.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

use crate::store::engine::Published;

/// How many recent events are kept for reconnecting clients.
pub const CAPACITY: usize = 1024;
/// How far a live subscriber may fall behind before it is told it lagged.
const CHANNEL: usize = 4096;
/// Hex digits of the boot id.
const BOOT_LEN: usize = 12;

/// A published event with its place in the sequence.
#[derive(Debug)]
pub struct Logged {
    pub seq: u64,
    pub event: Published,
}

/// Why a client must reload its view instead of receiving what it missed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResetReason {
    /// Events after its id have already left the history.
    TooOld,
    /// Its id is from before the server restarted.
    Restarted,
    /// Its id was never given by this server.
    UnknownId,
    /// It read too slowly and the live channel dropped events for it.
    Lagged,
}

impl ResetReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TooOld => "too_old",
            Self::Restarted => "restarted",
            Self::UnknownId => "unknown_id",
            Self::Lagged => "lagged",
        }
    }
}

/// Where a new subscriber starts.
#[derive(Debug)]
pub enum Resume {
    /// No id given: from now on.
    Fresh,
    /// The kept events after the given id (perhaps none), oldest first, then live.
    Replay(Vec<Arc<Logged>>),
    /// What it missed cannot be given: live from now on, after reloading its view.
    Reset(ResetReason),
}

pub struct Subscription {
    /// Every event published after `position`, in order.
    pub receiver: broadcast::Receiver<Arc<Logged>>,
    /// The last event published before the subscription (0 when none yet).
    pub position: u64,
    pub resume: Resume,
}

pub struct EventLog {
    boot: String,
    sender: broadcast::Sender<Arc<Logged>>,
    /// The kept events (consecutive numbers) and the last number given. Held while publishing,
    /// so that a subscriber's history and its live channel neither overlap nor leave a gap.
    state: Mutex<(VecDeque<Arc<Logged>>, u64)>,
}

impl Default for EventLog {
    fn default() -> Self {
        Self::new()
    }
}

impl EventLog {
    pub fn new() -> Self {
        let mut bytes = [0u8; BOOT_LEN / 2];
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        Self {
            boot: bytes.iter().map(|b| format!("{b:02x}")).collect(),
            sender: broadcast::channel(CHANNEL).0,
            state: Mutex::new((VecDeque::with_capacity(CAPACITY), 0)),
        }
    }

    /// The wire id of event `seq`.
    pub fn id(&self, seq: u64) -> String {
        format!("{}-{seq}", self.boot)
    }

    /// Numbers `event`, keeps it, and sends it to every live subscriber.
    pub fn publish(&self, event: Published) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (kept, latest) = &mut *state;
        *latest += 1;
        let logged = Arc::new(Logged {
            seq: *latest,
            event,
        });
        if kept.len() == CAPACITY {
            kept.pop_front();
        }
        kept.push_back(logged.clone());
        // No receiver is fine: nobody is watching.
        let _ = self.sender.send(logged);
    }

    /// Subscribes to what comes next; `last_event_id` is the client's `Last-Event-ID`, if any.
    pub fn subscribe(&self, last_event_id: Option<&str>) -> Subscription {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (kept, latest) = &*state;
        let resume = match last_event_id {
            None => Resume::Fresh,
            Some(id) => self.resume_after(id, kept, *latest),
        };
        Subscription {
            receiver: self.sender.subscribe(),
            position: *latest,
            resume,
        }
    }

    fn resume_after(&self, id: &str, kept: &VecDeque<Arc<Logged>>, latest: u64) -> Resume {
        let parsed = id.split_once('-').and_then(|(boot, seq)| {
            let hex = boot.len() == BOOT_LEN && boot.bytes().all(|b| b.is_ascii_hexdigit());
            let digits = !seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit());
            Some((boot, seq.parse::<u64>().ok()?)).filter(|_| hex && digits)
        });
        let Some((boot, seq)) = parsed else {
            return Resume::Reset(ResetReason::UnknownId);
        };
        if boot != self.boot {
            return Resume::Reset(ResetReason::Restarted);
        }
        if seq > latest {
            return Resume::Reset(ResetReason::UnknownId);
        }
        // Events 1..=dropped have left the history.
        let dropped = latest - kept.len() as u64;
        if seq < dropped {
            return Resume::Reset(ResetReason::TooOld);
        }
        Resume::Replay(kept.range((seq - dropped) as usize..).cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish(log: &EventLog, n: usize) {
        for i in 0..n {
            log.publish(Published::AlertAcknowledged(i as i64));
        }
    }

    fn replayed(log: &EventLog, id: &str) -> Vec<u64> {
        match log.subscribe(Some(id)).resume {
            Resume::Replay(events) => events.iter().map(|e| e.seq).collect(),
            other => panic!("expected a replay after {id}, got {other:?}"),
        }
    }

    fn reset(log: &EventLog, id: &str) -> ResetReason {
        match log.subscribe(Some(id)).resume {
            Resume::Reset(why) => why,
            other => panic!("expected a reset after {id}, got {other:?}"),
        }
    }

    #[test]
    fn a_client_gets_exactly_the_events_after_its_id() {
        let log = EventLog::new();
        assert_eq!(replayed(&log, &log.id(0)), Vec::<u64>::new());
        publish(&log, 5);
        assert_eq!(replayed(&log, &log.id(2)), vec![3, 4, 5]);
        assert_eq!(replayed(&log, &log.id(5)), Vec::<u64>::new());
        assert_eq!(log.subscribe(None).position, 5);
    }

    #[test]
    fn the_history_is_bounded_and_an_older_id_resets() {
        let log = EventLog::new();
        publish(&log, CAPACITY + 10);
        // Events 1..=10 are gone: a client that saw 10 misses nothing kept, one that saw 9 does.
        assert_eq!(replayed(&log, &log.id(10)).len(), CAPACITY);
        assert_eq!(reset(&log, &log.id(9)), ResetReason::TooOld);
    }

    #[test]
    fn ids_of_another_boot_or_never_given_reset() {
        let log = EventLog::new();
        publish(&log, 3);
        assert_eq!(reset(&log, &EventLog::new().id(2)), ResetReason::Restarted);
        for bad in [
            &log.id(4),
            "",
            "garbage",
            &format!("{}-", log.id(0).split('-').next().unwrap()),
            &format!("{}-+1", log.id(0).split('-').next().unwrap()),
            "zzzzzzzzzzzz-1",
        ] {
            assert_eq!(reset(&log, bad), ResetReason::UnknownId, "{bad:?}");
        }
    }

    #[test]
    fn history_and_live_channel_neither_overlap_nor_leave_a_gap() {
        let log = EventLog::new();
        publish(&log, 3);
        let mut sub = log.subscribe(Some(&log.id(1)));
        publish(&log, 2);
        let Resume::Replay(old) = sub.resume else {
            panic!("replay")
        };
        let mut seqs: Vec<u64> = old.iter().map(|e| e.seq).collect();
        while let Ok(e) = sub.receiver.try_recv() {
            seqs.push(e.seq);
        }
        assert_eq!(seqs, vec![2, 3, 4, 5]);
    }
}
