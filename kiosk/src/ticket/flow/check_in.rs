//! Checking in with the code from the phone: a visitor who joined the line on the public join page
//! types the six digits of their status page on the keypad; the server makes their place callable
//! and the kiosk shows "you are checked in" with the label and prints a small slip (no QR code:
//! the visitor follows their turn on the phone already).
//!
//! Screens: services → code (keypad) → checked in. The server's answers:
//! - checked in → the result screen and the slip; a printer fault does not undo it (the screen
//!   still says checked in);
//! - a wrong code, already checked in, too many tries → said on the keypad, the digits cleared;
//! - no answer, or the server cannot act now → the fault panel ("please see reception").
//!
//! A check-in is sent once per tap on "confirm" and never retried by the worker: a retry after a
//! lost answer would be told "already checked in". Each request has a number, so an answer for a
//! visitor who has gone (wiped) or for an earlier tap changes nothing. **No digit survives leaving
//! the keypad**: back, a wipe, an answer and the result screen all clear them.

use super::{Effect, Flow, Screen};
use crate::api::{Bi, CheckedIn};
use crate::http::ClientError;
use crate::shell::ShellFlow;
use crate::shell::typing;
use awn_core::check_in::{CODE_DIGITS, well_formed};
use std::time::Instant;

/// Why the server did not check the visitor in, as the keypad says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `404 check_in_code_unknown`: no place of today has this code.
    WrongCode,
    /// `409 not_awaiting_arrival`: checked in already (or the place is no longer waiting).
    AlreadyCheckedIn,
    /// `429 too_many_attempts`: too many wrong codes from this kiosk; reception takes over.
    TooManyTries,
    /// Any other refusal: the server's words, else "please see reception".
    Other,
}

impl Refusal {
    /// The one mapping of the server's answer to what the keypad says; `None`: not a refusal of
    /// this code but a fault (unreachable, the server failed or can save nothing): the fault panel.
    pub fn of(error: &ClientError) -> Option<Refusal> {
        let ClientError::Refused(e) = error else {
            return None;
        };
        if error.needs_staff() || (error.retryable() && e.status != 429) {
            return None;
        }
        Some(match (e.status, e.code.as_str()) {
            (_, "check_in_code_unknown") => Refusal::WrongCode,
            (_, "not_awaiting_arrival") => Refusal::AlreadyCheckedIn,
            (429, _) | (_, "too_many_attempts") => Refusal::TooManyTries,
            _ => Refusal::Other,
        })
    }
}

/// Where the check-in of the visitor at the keypad stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CheckInState {
    /// Typing the digits.
    #[default]
    Typing,
    /// Sent; the busy panel shows until the answer (bounded by the HTTP timeout).
    Pending { request: u64 },
    /// Refused: `why` on the keypad, with the server's own words when it gave them.
    Refused { why: Refusal, message: Option<Bi> },
    /// No answer, or the server cannot act now: the fault panel; "back" returns to the keypad.
    Failed(ClientError),
}

/// The slip printed after a check-in, as the result screen says it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SlipState {
    #[default]
    None,
    /// On the print thread: the slip of check-in `request`.
    Printing {
        request: u64,
    },
    Printed,
    /// The printer failed: the check-in holds; the screen says to follow the turn on the phone.
    Failed,
}

/// The visitor's check-in: the digits typed, the request, and its result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckIn {
    pub digits: String,
    pub state: CheckInState,
    /// The server's answer once checked in (the result screen).
    pub checked_in: Option<CheckedIn>,
    pub slip: SlipState,
}

impl CheckIn {
    /// "Confirm" is offered: all the digits are typed and nothing is on its way.
    pub fn can_confirm(&self) -> bool {
        well_formed(&self.digits) && !self.pending()
    }

    pub fn pending(&self) -> bool {
        matches!(self.state, CheckInState::Pending { .. })
    }

    /// The fault panel shows for this check-in.
    pub fn failed(&self) -> bool {
        matches!(self.state, CheckInState::Failed(_))
    }
}

impl Flow {
    /// "I joined from my phone" on the services screen: the keypad, empty.
    pub fn joined_from_phone(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Services || !self.settled(now) {
            return;
        }
        self.check_in = CheckIn::default();
        self.go(Screen::CheckIn, now);
    }

    fn on_keypad(&self) -> bool {
        self.screen == Screen::CheckIn && !self.check_in.pending()
    }

    /// A digit of the keypad. The first digit after a refusal takes its message away.
    pub fn check_in_key(&mut self, key: &str, now: Instant) {
        self.touch(now);
        if !self.on_keypad() {
            return;
        }
        if matches!(self.check_in.state, CheckInState::Refused { .. }) {
            self.check_in.state = CheckInState::Typing;
        }
        typing::type_digits(&mut self.check_in.digits, key, CODE_DIGITS);
    }

    pub fn check_in_backspace(&mut self, now: Instant) {
        self.touch(now);
        if self.on_keypad() {
            self.check_in.digits.pop();
        }
    }

    pub fn check_in_clear(&mut self, now: Instant) {
        self.touch(now);
        if self.on_keypad() {
            self.check_in.digits.clear();
        }
    }

    /// "Confirm" with all six digits: one request, answered by `on_checked_in`.
    pub fn check_in_confirm(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::CheckIn || !self.settled(now) || !self.check_in.can_confirm() {
            return;
        }
        self.check_in_requests += 1;
        let request = self.check_in_requests;
        self.check_in.state = CheckInState::Pending { request };
        self.effects.push(Effect::CheckIn {
            request,
            code: self.check_in.digits.clone(),
        });
    }

    /// The server's answer to check-in `request`.
    pub fn on_checked_in(
        &mut self,
        request: u64,
        result: Result<CheckedIn, ClientError>,
        now: Instant,
    ) {
        if self.check_in.state != (CheckInState::Pending { request }) {
            return; // the visitor has gone, or an answer to an earlier tap
        }
        match result {
            Ok(checked_in) => {
                self.check_in = CheckIn {
                    checked_in: Some(checked_in.clone()),
                    slip: SlipState::Printing { request },
                    ..CheckIn::default()
                };
                self.effects.push(Effect::PrintSlip {
                    request,
                    checked_in,
                });
                self.wipe_from = now;
                self.wipe_after = self.config().ticket_wipe;
                self.go(Screen::CheckedIn, now);
            }
            Err(error) => match Refusal::of(&error) {
                Some(why) => {
                    let message = match &error {
                        ClientError::Refused(e) => e.message.clone(),
                        _ => None,
                    };
                    self.check_in.digits.clear();
                    self.check_in.state = CheckInState::Refused { why, message };
                    self.session.screen_changed(now); // no tap goes through the answer
                }
                None => self.check_in.state = CheckInState::Failed(error),
            },
        }
    }

    /// The print thread's answer for the slip of check-in `request` (one for a visitor who has
    /// gone changes nothing). The check-in is done either way.
    pub fn on_slip_printed(&mut self, request: u64, printed: bool) {
        if self.check_in.slip != (SlipState::Printing { request }) {
            return;
        }
        self.check_in.slip = if printed {
            SlipState::Printed
        } else {
            SlipState::Failed
        };
    }

    /// "Back" on the fault panel: the keypad again, the digits kept to try once more.
    pub(super) fn dismiss_check_in_fault(&mut self, now: Instant) -> bool {
        if !self.check_in.failed() {
            return false;
        }
        self.check_in.state = CheckInState::Typing;
        self.session.screen_changed(now);
        true
    }
}
