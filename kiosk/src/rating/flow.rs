//! The rating mode's flow (`kiosk --mode rating`, a touchscreen at the exit), in the same style as
//! the ticket mode's: a plain state machine, the clock injected (`now` on every call), side
//! effects returned as `RatingEffect`s. Unit-tested without any UI. The language, the idle timer
//! and the debounce are the shell's `Session`.
//!
//! Screens: start (recent visits as large buttons, or the label typed on a keypad) → score
//! (five faces with words) → reasons (optional) → comment (optional, on-screen keyboard, "please
//! contact me" checkbox) → thanks → start.
//! Invariants:
//! - **Nothing typed survives**: `wipe` drops the label, score, reasons, comment and the contact
//!   request; it runs after the thank-you screen, on "start over" and after the idle prompt.
//! - One rating per visit is the server's rule (`already_rated`); its message is shown as is.
//! - An answer for a wiped or older submission changes nothing (`seq`).

use crate::http::ClientError;
use crate::shell::typing::{self, Capitals};
use crate::shell::{FlowConfig, Session, ShellFlow};
use crate::text::Lang;
use awn_core::rating::{COMMENT_MAX_TYPED as COMMENT_MAX, Reason};
use std::time::{Duration, Instant};

/// `POST /api/v1/ratings` (the shared wire type).
pub use awn_core::wire::RatingRequest as RatingBody;
/// Longest typed label ("ABC-1234").
const LABEL_MAX: usize = 8;
/// How long the thank-you screen stays.
pub const THANKS_FOR: Duration = Duration::from_secs(8);
/// How often the recent visits are fetched again while the start screen shows.
pub const RECENT_EVERY: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RatingScreen {
    Start,
    Score,
    Reasons,
    Comment,
    Thanks,
}

/// What the visitor entered. Wiped as a whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RatingDraft {
    /// The label typed on the keypad (letters and digits, as typed).
    pub typed: String,
    /// The visit being rated (picked from the list or the typed label, normalised).
    pub label: Option<String>,
    pub score: Option<u8>,
    pub reasons: [bool; 5],
    pub comment: String,
    pub contact: bool,
    pub keyboard_arabic: bool,
}

impl RatingDraft {
    pub fn is_empty(&self) -> bool {
        RatingDraft {
            keyboard_arabic: self.keyboard_arabic,
            ..RatingDraft::default()
        } == *self
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sending {
    None,
    Pending {
        since: Instant,
    },
    /// Refused (its message is shown) or unreachable (the generic message).
    Failed(ClientError),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingEffect {
    FetchRecent,
    Submit { seq: u64, body: RatingBody },
}

/// Answers from the rating worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RatingEvent {
    Recent(Result<Vec<String>, ClientError>),
    Rated {
        seq: u64,
        result: Result<(), ClientError>,
    },
}

pub struct RatingFlow {
    session: Session,
    pub screen: RatingScreen,
    /// Labels of visits finished in the last minutes and not rated yet (labels only).
    pub recent: Vec<String>,
    pub online: bool,
    pub draft: RatingDraft,
    pub sending: Sending,
    seq: u64,
    recent_at: Instant,
    effects: Vec<RatingEffect>,
}

/// "a17" / "A017" / "A-17" → "A-017"; None when it is not letters then digits
/// (`awn_core::label::parse`, the inverse of how the server formats labels).
pub use awn_core::label::parse as normalise_label;

impl RatingFlow {
    pub fn new(cfg: FlowConfig, now: Instant) -> Self {
        RatingFlow {
            session: Session::new(cfg, now),
            screen: RatingScreen::Start,
            recent: Vec::new(),
            online: true,
            draft: RatingDraft::default(),
            sending: Sending::None,
            seq: 0,
            recent_at: now,
            effects: vec![RatingEffect::FetchRecent],
        }
    }

    pub fn config(&self) -> &FlowConfig {
        self.session.config()
    }

    pub fn take_effects(&mut self) -> Vec<RatingEffect> {
        std::mem::take(&mut self.effects)
    }

    fn go(&mut self, screen: RatingScreen, now: Instant) {
        self.screen = screen;
        self.session.screen_changed(now);
    }

    fn settled(&self, now: Instant) -> bool {
        self.session.settled(now)
    }

    pub fn pending(&self) -> bool {
        matches!(self.sending, Sending::Pending { .. })
    }

    /// The rating is on its way (the busy panel).
    pub fn busy(&self) -> bool {
        self.pending()
    }

    /// The refusal or fault message is shown.
    pub fn failed(&self) -> Option<&ClientError> {
        match &self.sending {
            Sending::Failed(e) => Some(e),
            _ => None,
        }
    }

    // --- start: which visit ---

    pub fn choose_recent(&mut self, i: usize, now: Instant) {
        self.touch(now);
        if self.screen != RatingScreen::Start || !self.settled(now) {
            return;
        }
        if let Some(l) = self.recent.get(i).cloned() {
            self.draft.label = Some(l);
            self.go(RatingScreen::Score, now);
        }
    }

    /// A key of the label keypad: a capital letter or a digit.
    pub fn label_key(&mut self, k: &str, now: Instant) {
        self.touch(now);
        if self.screen != RatingScreen::Start {
            return;
        }
        let k = awn_core::intake::normalise_digits(k).to_ascii_uppercase();
        let t = &mut self.draft.typed;
        let ok = match k.as_bytes() {
            [b] if b.is_ascii_uppercase() => !t.bytes().any(|c| c.is_ascii_digit()),
            [b] if b.is_ascii_digit() => !t.is_empty(),
            _ => false,
        };
        if ok && t.chars().count() < LABEL_MAX {
            t.push_str(&k);
        }
    }

    pub fn label_backspace(&mut self, now: Instant) {
        self.touch(now);
        self.draft.typed.pop();
    }

    pub fn label_clear(&mut self, now: Instant) {
        self.touch(now);
        self.draft.typed.clear();
    }

    /// The typed label as it will be sent, when it is complete.
    pub fn typed_label(&self) -> Option<String> {
        normalise_label(&self.draft.typed)
    }

    pub fn label_next(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != RatingScreen::Start || !self.settled(now) {
            return;
        }
        if let Some(l) = self.typed_label() {
            self.draft.label = Some(l);
            self.go(RatingScreen::Score, now);
        }
    }

    // --- score, reasons, comment ---

    pub fn choose_score(&mut self, score: u8, now: Instant) {
        self.touch(now);
        if self.screen != RatingScreen::Score || !self.settled(now) || !(1..=5).contains(&score) {
            return;
        }
        self.draft.score = Some(score);
        self.go(RatingScreen::Reasons, now);
    }

    pub fn toggle_reason(&mut self, i: usize, now: Instant) {
        self.touch(now);
        if self.screen == RatingScreen::Reasons && i < Reason::ALL.len() {
            self.draft.reasons[i] = !self.draft.reasons[i];
        }
    }

    pub fn reasons_next(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == RatingScreen::Reasons && self.settled(now) {
            self.draft.keyboard_arabic = self.lang() == Lang::Ar;
            self.go(RatingScreen::Comment, now);
        }
    }

    /// A key of the comment's keyboard.
    pub fn key(&mut self, k: &str, now: Instant) {
        self.touch(now);
        if self.screen == RatingScreen::Comment {
            typing::type_letter(
                &mut self.draft.comment,
                k,
                COMMENT_MAX,
                Capitals::FirstLetter,
            );
        }
    }

    pub fn backspace(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == RatingScreen::Comment {
            self.draft.comment.pop();
        }
    }

    pub fn toggle_contact(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == RatingScreen::Comment {
            self.draft.contact = !self.draft.contact;
        }
    }

    /// The request for the current draft.
    pub fn body(&self) -> Option<RatingBody> {
        let d = &self.draft;
        let comment = d.comment.trim();
        Some(RatingBody {
            label: d.label.clone()?,
            score: i64::from(d.score?),
            reasons: Reason::ALL
                .iter()
                .zip(d.reasons)
                .filter(|(_, on)| *on)
                .map(|(r, _)| r.key().to_string())
                .collect(),
            comment: (!comment.is_empty()).then(|| comment.to_string()),
            contact_requested: d.contact,
        })
    }

    pub fn send(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != RatingScreen::Comment || !self.settled(now) || self.pending() {
            return;
        }
        let Some(body) = self.body() else {
            return;
        };
        self.seq += 1;
        self.sending = Sending::Pending { since: now };
        self.effects.push(RatingEffect::Submit {
            seq: self.seq,
            body,
        });
    }

    pub fn on_event(&mut self, ev: RatingEvent, now: Instant) {
        match ev {
            RatingEvent::Recent(Ok(list)) => {
                self.online = true;
                self.recent = list;
            }
            RatingEvent::Recent(Err(e)) => {
                self.online = !matches!(e, ClientError::Unreachable(_));
            }
            RatingEvent::Rated { seq, result } => {
                if seq != self.seq || !self.pending() {
                    return;
                }
                match result {
                    Ok(()) => {
                        self.online = true;
                        // What was typed is no longer needed.
                        self.draft = RatingDraft::default();
                        self.sending = Sending::None;
                        self.go(RatingScreen::Thanks, now);
                    }
                    Err(e) => self.sending = Sending::Failed(e),
                }
            }
        }
    }
}

impl ShellFlow for RatingFlow {
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
        if !self.settled(now) {
            return;
        }
        if matches!(self.sending, Sending::Failed(_)) {
            self.sending = Sending::None;
            self.session.screen_changed(now);
            return;
        }
        if self.pending() {
            return;
        }
        let to = match self.screen {
            RatingScreen::Start | RatingScreen::Thanks => return,
            RatingScreen::Score => RatingScreen::Start,
            RatingScreen::Reasons => RatingScreen::Score,
            RatingScreen::Comment => RatingScreen::Reasons,
        };
        self.go(to, now);
    }

    /// Forgets everything the visitor entered and returns to the start (fetching the list anew).
    fn wipe(&mut self, now: Instant) {
        self.draft = RatingDraft::default();
        self.sending = Sending::None;
        self.seq += 1; // a late answer for the wiped rating changes nothing
        self.session.reset(now);
        self.recent_at = now;
        self.effects.push(RatingEffect::FetchRecent);
        self.screen = RatingScreen::Start;
    }

    /// Timers: idle prompt and wipe, the thank-you screen, refreshing the recent visits.
    fn tick(&mut self, now: Instant) {
        match self.screen {
            RatingScreen::Thanks => {
                if self.session.on_screen_for(now) >= THANKS_FOR {
                    self.wipe(now);
                }
                return;
            }
            RatingScreen::Start
                if self.draft.typed.is_empty()
                    && self.sending == Sending::None
                    && !self.session.prompting() =>
            {
                if now.saturating_duration_since(self.recent_at) >= RECENT_EVERY {
                    self.recent_at = now;
                    self.effects.push(RatingEffect::FetchRecent);
                }
                // Keep the chosen language while nothing was typed.
                return;
            }
            _ => {}
        }
        if self.session.idle_wipe_due(now) {
            self.wipe(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    fn flow() -> (RatingFlow, Instant) {
        let t0 = Instant::now();
        let mut f = RatingFlow::new(FlowConfig::default(), t0);
        assert_eq!(f.take_effects(), vec![RatingEffect::FetchRecent]);
        f.on_event(RatingEvent::Recent(Ok(vec!["A-017".into()])), t0);
        (f, t0)
    }

    #[test]
    fn labels_are_normalised() {
        assert_eq!(normalise_label("A17").as_deref(), Some("A-017"));
        assert_eq!(normalise_label("b-٠٠٢").as_deref(), Some("B-002"));
        assert_eq!(normalise_label("AB1234").as_deref(), Some("AB-1234"));
        assert_eq!(normalise_label("17"), None);
        assert_eq!(normalise_label("A"), None);
    }

    #[test]
    fn typed_label_rating_with_everything() {
        let (mut f, t0) = flow();
        for k in ["1", "A", "٠", "1", "7", "B"] {
            f.label_key(k, t0 + S);
        }
        assert_eq!(
            f.draft.typed, "A017",
            "a digit first and a letter after digits are ignored"
        );
        f.label_next(t0 + 2 * S);
        assert_eq!(f.screen, RatingScreen::Score);
        f.choose_score(4, t0 + 3 * S);
        f.toggle_reason(1, t0 + 3 * S);
        f.toggle_reason(4, t0 + 3 * S);
        f.reasons_next(t0 + 4 * S);
        for k in [" ", "t", "h", "a", "n", "k", "s", " ", " "] {
            f.key(k, t0 + 5 * S);
        }
        f.toggle_contact(t0 + 5 * S);
        f.send(t0 + 6 * S);
        f.send(t0 + 6 * S + Duration::from_millis(500));
        let effects = f.take_effects();
        let [RatingEffect::Submit { seq, body }] = effects.as_slice() else {
            panic!("one submit: {effects:?}");
        };
        assert_eq!(
            body,
            &RatingBody {
                label: "A-017".into(),
                score: 4,
                reasons: vec!["courtesy".into(), "privacy".into()],
                comment: Some("Thanks".into()),
                contact_requested: true,
            }
        );
        f.on_event(
            RatingEvent::Rated {
                seq: *seq,
                result: Ok(()),
            },
            t0 + 7 * S,
        );
        assert_eq!(f.screen, RatingScreen::Thanks);
        assert!(f.draft.is_empty());
        f.tick(t0 + 7 * S + THANKS_FOR);
        assert_eq!(f.screen, RatingScreen::Start);
        assert_eq!(f.take_effects(), vec![RatingEffect::FetchRecent]);
    }

    #[test]
    fn refusal_is_shown_and_back_returns_to_the_comment() {
        let (mut f, t0) = flow();
        f.choose_recent(0, t0 + S);
        f.choose_score(2, t0 + 2 * S);
        f.reasons_next(t0 + 3 * S);
        f.send(t0 + 4 * S);
        let seq = match f.take_effects().as_slice() {
            [RatingEffect::Submit { seq, .. }] => *seq,
            other => panic!("{other:?}"),
        };
        let err = ClientError::Refused(crate::api::ApiError {
            status: 409,
            code: "already_rated".into(),
            message: None,
            field: None,
        });
        f.on_event(
            RatingEvent::Rated {
                seq,
                result: Err(err.clone()),
            },
            t0 + 5 * S,
        );
        assert_eq!(f.failed(), Some(&err));
        f.back(t0 + 6 * S);
        assert_eq!((f.screen, f.failed()), (RatingScreen::Comment, None));
    }

    #[test]
    fn idle_wipe_and_late_answer() {
        let (mut f, t0) = flow();
        f.toggle_language(t0);
        f.choose_recent(0, t0 + S);
        f.choose_score(5, t0 + 2 * S);
        f.reasons_next(t0 + 3 * S);
        f.key("x", t0 + 3 * S);
        f.send(t0 + 3 * S);
        f.take_effects();
        f.tick(t0 + 63 * S);
        assert_eq!(f.idle_prompt(t0 + 63 * S), Some(20));
        f.tick(t0 + 83 * S);
        assert_eq!((f.screen, f.lang()), (RatingScreen::Start, Lang::Ar));
        assert!(f.draft.is_empty() && f.sending == Sending::None);
        f.on_event(
            RatingEvent::Rated {
                seq: 1,
                result: Ok(()),
            },
            t0 + 84 * S,
        );
        assert_eq!(
            f.screen,
            RatingScreen::Start,
            "a late answer changes nothing"
        );
    }
}
