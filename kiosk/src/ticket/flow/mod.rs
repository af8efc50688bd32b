//! The visitor's flow as a plain state machine: screens, what was typed, the ticket request, the
//! print. No window, no I/O, no clock of its own: every method takes `now`, and side effects
//! are returned as `Effect`s for the view to carry out. Unit-tested without any UI (`tests.rs`).
//! The language, the idle timer and the debounce are the shell's `Session`.
//!
//! Screens: welcome → services → notice → (details → needs → review →) ticket, or services →
//! check-in (the code from the phone) → checked in. Outside the
//! branch's hours the welcome screen says "closed, we open at …" and offers no number; the
//! server's `changes_in_seconds` is counted down on the tick, so the kiosk opens and closes by
//! itself on time (and asks the server again then).
//! - `draft`: what the visitor enters on the details and needs screens;
//! - `check_in`: the code typed by a visitor who joined from the phone, and the server's answer;
//! - `submit`: the ticket request, its idempotency key and the server's answers;
//! - `print`: the paper ticket and "print again".
//!
//! Invariants:
//! - **One idempotency key per visitor flow**: every attempt of the same request reuses it; only
//!   a changed request (the visitor went back and edited) gets a new one. Wipes drop it.
//! - **Nothing typed survives a wipe**: `wipe` resets the draft, the key, the ticket and the
//!   check-in; it runs on
//!   "start over", "done", after the idle prompt, and after the ticket has been shown. The draft's
//!   personal fields are cleared as soon as the ticket is issued.
//! - Navigation taps within `debounce` of a screen change are ignored (no double tap through).
//! - **Print only what the server acknowledged**: `Effect::Print` is only raised by an `Issued`
//!   answer for the current key, and "print again" reprints that same ticket (no new request).
//!   Print outcomes carry the ticket id and attempt; a stale one (wiped flow, older attempt)
//!   changes nothing on screen.

mod check_in;
mod draft;
mod print;
mod submit;
#[cfg(test)]
mod tests;

pub use check_in::{CheckIn, CheckInState, Refusal, SlipState};
pub use draft::{Draft, Field, Gender, NeedToggle};
pub use print::PrintState;
pub use submit::Submission;

use crate::api::{CheckedIn, Hours, Notice, Service, Ticket, TicketRequest};
use crate::shell::{FlowConfig, Session, ShellFlow};
use crate::text::Lang;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Services,
    Notice,
    Details,
    Needs,
    Review,
    Ticket,
    /// The keypad for the check-in code.
    CheckIn,
    /// "You are checked in": the label and the people ahead.
    CheckedIn,
}

/// Work for the view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    RefreshServices,
    Submit {
        key: String,
        request: TicketRequest,
    },
    CancelSubmit,
    /// Print this acknowledged ticket (attempt 1, or a reprint of the same ticket).
    Print {
        ticket: Ticket,
        attempt: u32,
    },
    /// Check in with this code (sent once, answered by `Flow::on_checked_in`).
    CheckIn {
        request: u64,
        code: String,
    },
    /// Print the slip of check-in `request`.
    PrintSlip {
        request: u64,
        checked_in: CheckedIn,
    },
}

pub struct Flow {
    session: Session,
    pub screen: Screen,
    pub services: Vec<Service>,
    pub services_failed: bool,
    /// Whether the branch issues tickets, as the server last said (and the tick since).
    pub hours: Hours,
    /// When `hours.open` changes, counted from when the server said so.
    hours_change_at: Option<Instant>,
    pub notice: Option<Notice>,
    pub online: bool,
    pub draft: Draft,
    key: Option<(String, TicketRequest)>,
    pub submission: Submission,
    pub ticket: Option<Ticket>,
    pub print: PrintState,
    pub check_in: CheckIn,
    /// Check-ins sent so far (numbers each request).
    check_in_requests: u64,
    /// The ticket and checked-in screens are wiped `wipe_after` after `wipe_from`.
    wipe_from: Instant,
    wipe_after: Duration,
    effects: Vec<Effect>,
    new_key: Box<dyn FnMut() -> String>,
}

/// A fresh idempotency key: 32 hex characters from the OS random source.
pub fn random_key() -> String {
    let mut b = [0u8; 16];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: fall back to time + address entropy (still unique per flow).
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        b[..16].copy_from_slice(&t.as_nanos().to_le_bytes());
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Flow {
    pub fn new(cfg: FlowConfig, now: Instant) -> Self {
        Self::with_keys(cfg, now, Box::new(random_key))
    }

    pub fn with_keys(cfg: FlowConfig, now: Instant, new_key: Box<dyn FnMut() -> String>) -> Self {
        let wipe_after = cfg.ticket_wipe;
        Flow {
            session: Session::new(cfg, now),
            screen: Screen::Welcome,
            services: Vec::new(),
            services_failed: false,
            hours: Hours::default(),
            hours_change_at: None,
            notice: None,
            online: true,
            draft: Draft::default(),
            key: None,
            submission: Submission::None,
            ticket: None,
            print: PrintState::None,
            check_in: CheckIn::default(),
            check_in_requests: 0,
            wipe_from: now,
            wipe_after,
            effects: Vec::new(),
            new_key,
        }
    }

    pub fn config(&self) -> &FlowConfig {
        self.session.config()
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    fn go(&mut self, screen: Screen, now: Instant) {
        self.screen = screen;
        self.session.screen_changed(now);
    }

    /// False for a navigation tap that comes too soon after the last screen change.
    fn settled(&self, now: Instant) -> bool {
        self.session.settled(now)
    }

    pub fn take_number(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Welcome || !self.settled(now) || !self.hours.open {
            return;
        }
        if self.services.is_empty() {
            self.effects.push(Effect::RefreshServices);
        }
        self.go(Screen::Services, now);
    }

    pub fn choose_service(&mut self, index: usize, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Services || !self.settled(now) {
            return;
        }
        let Some(s) = self.services.get(index) else {
            return;
        };
        self.draft.service = Some(s.code.clone());
        self.go(Screen::Notice, now);
    }

    pub fn skip_details(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Notice || !self.settled(now) {
            return;
        }
        self.draft.with_details = false;
        self.submit(now);
    }

    /// The server's word on the hours, given at `now`.
    pub(super) fn set_hours(&mut self, hours: Hours, now: Instant) {
        self.hours_change_at = hours.changes_in.map(|d| now + d);
        self.hours = hours;
    }

    /// At the cut-off the kiosk closes, at the opening it opens, without waiting for the server;
    /// then asks it (for the next change, and in case the clocks differ). A visitor in the
    /// middle of a flow carries on: the server has the last word on their ticket.
    fn hours_tick(&mut self, now: Instant) {
        if self.hours_change_at.is_some_and(|at| at <= now) {
            self.hours_change_at = None;
            self.hours.open = !self.hours.open;
            if self.hours.open {
                self.hours.opens_at = None;
            }
            self.effects.push(Effect::RefreshServices);
        }
    }

    pub fn give_details(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Notice || !self.settled(now) || self.notice.is_none() {
            return;
        }
        self.draft.with_details = true;
        self.draft.active = Field::Name;
        self.draft.keyboard_arabic = self.lang() == Lang::Ar;
        self.go(Screen::Details, now);
    }
}

impl ShellFlow for Flow {
    fn session(&self) -> &Session {
        &self.session
    }

    fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    fn keyboard_arabic_mut(&mut self) -> &mut bool {
        &mut self.draft.keyboard_arabic
    }

    fn back(&mut self, now: Instant) {
        self.touch(now);
        if !self.settled(now) || self.dismiss_check_in_fault(now) {
            return;
        }
        if self.submission != Submission::None {
            // Leave the fault message; stop retrying. The key stays: resubmitting the same
            // request reuses it, so a late success on the server is not duplicated.
            if self.pending() {
                self.effects.push(Effect::CancelSubmit);
            }
            self.submission = Submission::None;
            self.session.screen_changed(now);
            return;
        }
        let to = match self.screen {
            Screen::Welcome | Screen::Ticket | Screen::CheckedIn => return,
            // The answer decides where the visitor goes (the busy panel covers the screen).
            Screen::CheckIn if self.check_in.pending() => return,
            Screen::Services => Screen::Welcome,
            Screen::CheckIn => {
                self.check_in = CheckIn::default();
                Screen::Services
            }
            Screen::Notice => Screen::Services,
            Screen::Details => Screen::Notice,
            Screen::Needs => Screen::Details,
            Screen::Review => Screen::Needs,
        };
        self.go(to, now);
    }

    /// Forgets everything the visitor entered and returns to welcome.
    fn wipe(&mut self, now: Instant) {
        if self.pending() {
            self.effects.push(Effect::CancelSubmit);
        }
        self.draft = Draft::default();
        self.key = None;
        self.submission = Submission::None;
        self.ticket = None;
        self.print = PrintState::None;
        self.check_in = CheckIn::default();
        self.session.reset(now);
        self.screen = Screen::Welcome;
    }

    /// Timers: opening and closing on time, idle prompt, wipe after the prompt or after the
    /// ticket. Welcome never prompts.
    fn tick(&mut self, now: Instant) {
        self.hours_tick(now);
        let wipe = match self.screen {
            Screen::Welcome => false,
            Screen::Ticket | Screen::CheckedIn => {
                now.saturating_duration_since(self.wipe_from) >= self.wipe_after
            }
            _ => self.session.idle_wipe_due(now),
        };
        if wipe {
            self.wipe(now);
        }
    }
}
