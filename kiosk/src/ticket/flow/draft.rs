//! What the visitor enters: the draft, and the actions of the details form (the on-screen
//! keyboard and keypad, the checks as typed) and of the needs screen. The intake rules are
//! `awn_core::intake`'s; the typing rules are the shell's.

use super::{Flow, Screen};
use crate::api::{Need, Needs};
use crate::shell::ShellFlow;
use crate::shell::typing::{self, Capitals};
use crate::text::INTERPRETER;
use awn_core::intake::{self, Check};
use std::time::Instant;

/// Whom the visitor prefers to be served by (the wire's enum).
pub use awn_core::wire::Gender;

/// Longest national ID or mobile number typed on the keypad (the checks say what is valid).
const DIGITS_MAX: usize = 14;

/// The details form's field that the keyboard types into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Field {
    #[default]
    Name,
    NationalId,
    Mobile,
}

/// A toggle on the notice or needs screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NeedToggle {
    /// One of the wire's needs (elderly, pregnancy and another disability give the priority
    /// class: a server rule).
    Need(Need),
    /// "I do not feel safe right now" (said without details or consent).
    NotSafe,
    /// "I need priority" without details.
    Priority,
}

/// Everything the visitor entered. Wiped as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    pub service: Option<String>,
    pub with_details: bool,
    pub name: String,
    pub national_id: String,
    pub mobile: String,
    pub gender: Option<Gender>,
    /// The ticked needs (the wire's struct; elderly, pregnancy and another disability only give
    /// the priority class, a server rule). The interpreter is kept apart, as an index.
    pub needs: Needs,
    /// Index into `text::INTERPRETER` (0 = none).
    pub interpreter: usize,
    pub feels_unsafe: bool,
    /// "I need priority", asked on the notice screen without details: sent as the ticket's
    /// class, with no reason, so a visitor need not give personal data to be served first.
    pub priority_asked: bool,
    pub active: Field,
    pub keyboard_arabic: bool,
}

impl Draft {
    pub fn is_empty(&self) -> bool {
        *self == Draft::default()
    }
}

impl Flow {
    // --- details form ---

    pub fn focus_field(&mut self, f: Field, now: Instant) {
        self.touch(now);
        self.draft.active = f;
    }

    fn active_text(&mut self) -> &mut String {
        match self.draft.active {
            Field::Name => &mut self.draft.name,
            Field::NationalId => &mut self.draft.national_id,
            Field::Mobile => &mut self.draft.mobile,
        }
    }

    /// A key of the on-screen keyboard or keypad.
    pub fn key(&mut self, k: &str, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Details {
            return;
        }
        match self.draft.active {
            Field::Name => typing::type_letter(
                &mut self.draft.name,
                k,
                intake::NAME_MAX,
                Capitals::EachWord,
            ),
            Field::NationalId | Field::Mobile => {
                typing::type_digits(self.active_text(), k, DIGITS_MAX)
            }
        }
    }

    pub fn backspace(&mut self, now: Instant) {
        self.touch(now);
        self.active_text().pop();
    }

    pub fn clear_field(&mut self, now: Instant) {
        self.touch(now);
        self.active_text().clear();
    }

    pub fn check_name(&self) -> Check<String> {
        intake::check_name(&self.draft.name)
    }
    pub fn check_id(&self) -> Check<String> {
        intake::check_national_id(&self.draft.national_id)
    }
    pub fn check_mobile(&self) -> Check<String> {
        intake::check_mobile(&self.draft.mobile)
    }

    pub fn details_acceptable(&self) -> bool {
        self.check_name().is_acceptable()
            && self.check_id().is_acceptable()
            && self.check_mobile().is_acceptable()
    }

    pub fn details_next(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Details || !self.settled(now) {
            return;
        }
        if !self.details_acceptable() {
            // Put the cursor where the problem is.
            self.draft.active = if !self.check_name().is_acceptable() {
                Field::Name
            } else if !self.check_id().is_acceptable() {
                Field::NationalId
            } else {
                Field::Mobile
            };
            return;
        }
        self.go(Screen::Needs, now);
    }

    // --- needs ---

    pub fn set_gender(&mut self, g: Option<Gender>, now: Instant) {
        self.touch(now);
        self.draft.gender = g;
    }

    pub fn toggle_need(&mut self, toggle: NeedToggle, now: Instant) {
        self.touch(now);
        let d = &mut self.draft;
        match toggle {
            NeedToggle::Need(need) => d.needs.toggle(need),
            NeedToggle::NotSafe => d.feels_unsafe = !d.feels_unsafe,
            NeedToggle::Priority => d.priority_asked = !d.priority_asked,
        }
    }

    pub fn set_interpreter(&mut self, i: usize, now: Instant) {
        self.touch(now);
        if i < INTERPRETER.len() {
            self.draft.interpreter = i;
        }
    }

    pub fn needs_next(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Needs && self.settled(now) {
            self.go(Screen::Review, now);
        }
    }
}
