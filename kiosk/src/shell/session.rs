//! What both modes keep of one visitor besides their own draft: the language, the idle timer
//! (no touch for `idle_timeout` → "still there?"; no answer for `still_there` → wipe) and the
//! debounce after a screen change. `ShellFlow` is what the shell's frame and timer ask of a
//! mode's flow; its provided methods are the frame's rules, written once for both modes.

use crate::text::Lang;
use std::time::{Duration, Instant};

/// The timings of both modes (the config file's `*_secs` keys, see `Config::flow`).
#[derive(Clone, Debug)]
pub struct FlowConfig {
    /// No touch for this long on a screen past the first → "still there?".
    pub idle_timeout: Duration,
    /// How long "still there?" stays before the wipe (at least 20 s).
    pub still_there: Duration,
    /// How long the ticket stays on screen before the wipe (ticket mode).
    pub ticket_wipe: Duration,
    /// How long the ticket stays on screen after the printer failed (time to photograph the QR
    /// code and walk to reception; ticket mode).
    pub print_fault_wipe: Duration,
    /// A ticket request without an answer for this long shows the fault message (ticket mode).
    pub fault_after: Duration,
    /// Navigation taps this soon after a screen change are ignored.
    pub debounce: Duration,
    pub default_lang: Lang,
}

impl Default for FlowConfig {
    fn default() -> Self {
        FlowConfig {
            idle_timeout: Duration::from_secs(60),
            still_there: Duration::from_secs(20),
            ticket_wipe: Duration::from_secs(30),
            print_fault_wipe: Duration::from_secs(120),
            fault_after: Duration::from_millis(1500),
            debounce: Duration::from_millis(350),
            default_lang: Lang::Ar,
        }
    }
}

/// The language, the idle timer and the debounce of the visitor at the screen.
pub struct Session {
    cfg: FlowConfig,
    pub lang: Lang,
    last_touch: Instant,
    screen_since: Instant,
    prompt_since: Option<Instant>,
}

impl Session {
    pub fn new(cfg: FlowConfig, now: Instant) -> Self {
        Session {
            lang: cfg.default_lang,
            cfg,
            last_touch: now,
            screen_since: now,
            prompt_since: None,
        }
    }

    pub fn config(&self) -> &FlowConfig {
        &self.cfg
    }

    /// Any touch anywhere: the idle timer restarts and "still there?" goes away.
    pub fn touch(&mut self, now: Instant) {
        self.last_touch = now;
        self.prompt_since = None;
    }

    /// The screen changed (or a panel closed): navigation taps are debounced from now.
    pub fn screen_changed(&mut self, now: Instant) {
        self.screen_since = now;
    }

    /// False for a navigation tap that comes too soon after the last screen change.
    pub fn settled(&self, now: Instant) -> bool {
        self.on_screen_for(now) >= self.cfg.debounce
    }

    /// How long the current screen has been shown.
    pub fn on_screen_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.screen_since)
    }

    /// "Still there?" is shown.
    pub fn prompting(&self) -> bool {
        self.prompt_since.is_some()
    }

    /// Seconds left before the wipe while "still there?" is shown.
    pub fn idle_prompt(&self, now: Instant) -> Option<u64> {
        self.prompt_since.map(|since| {
            let left = self
                .cfg
                .still_there
                .saturating_sub(now.saturating_duration_since(since));
            left.as_millis().div_ceil(1000) as u64
        })
    }

    /// The idle timer on a screen where a visitor may have left half-way: raises "still there?"
    /// after `idle_timeout` without a touch; true once it has been shown for `still_there`
    /// (the caller wipes).
    pub fn idle_wipe_due(&mut self, now: Instant) -> bool {
        match self.prompt_since {
            None if now.saturating_duration_since(self.last_touch) >= self.cfg.idle_timeout => {
                self.prompt_since = Some(now);
                false
            }
            Some(since) => now.saturating_duration_since(since) >= self.cfg.still_there,
            None => false,
        }
    }

    /// After a wipe: the default language, no prompt; the idle timer and the debounce restart.
    pub fn reset(&mut self, now: Instant) {
        self.lang = self.cfg.default_lang;
        self.prompt_since = None;
        self.last_touch = now;
        self.screen_since = now;
    }
}

/// A mode's flow as the shell drives it: the frame's buttons (language, back, start over, done,
/// the keyboard's layout switch), "still there?" and the idle wipe.
pub trait ShellFlow {
    fn session(&self) -> &Session;
    fn session_mut(&mut self) -> &mut Session;
    /// Forgets everything the visitor entered and returns to the first screen.
    fn wipe(&mut self, now: Instant);
    /// One screen back, or out of a fault message.
    fn back(&mut self, now: Instant);
    /// The timers: the idle prompt and wipe where they apply, and the mode's own.
    fn tick(&mut self, now: Instant);
    /// Whether the letter keyboard shows the Arabic layout (kept in the mode's draft, so that a
    /// wipe resets it).
    fn keyboard_arabic_mut(&mut self) -> &mut bool;

    fn lang(&self) -> Lang {
        self.session().lang
    }

    fn touch(&mut self, now: Instant) {
        self.session_mut().touch(now);
    }

    fn still_here(&mut self, now: Instant) {
        self.touch(now);
    }

    /// Seconds left before the wipe while "still there?" is shown.
    fn idle_prompt(&self, now: Instant) -> Option<u64> {
        self.session().idle_prompt(now)
    }

    fn toggle_language(&mut self, now: Instant) {
        let s = self.session_mut();
        s.touch(now);
        s.lang = s.lang.other();
    }

    fn start_over(&mut self, now: Instant) {
        if self.session().settled(now) {
            self.wipe(now);
        }
    }

    fn done(&mut self, now: Instant) {
        if self.session().settled(now) {
            self.wipe(now);
        }
    }

    fn switch_keyboard(&mut self, now: Instant) {
        self.touch(now);
        let arabic = self.keyboard_arabic_mut();
        *arabic = !*arabic;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn prompt_after_the_idle_time_then_wipe_unless_touched() {
        let t0 = Instant::now();
        let mut s = Session::new(FlowConfig::default(), t0);
        assert!(!s.idle_wipe_due(t0 + 59 * S) && !s.prompting());
        assert!(!s.idle_wipe_due(t0 + 60 * S));
        assert_eq!(s.idle_prompt(t0 + 60 * S), Some(20));
        assert_eq!(s.idle_prompt(t0 + 70 * S + S / 2), Some(10));
        s.touch(t0 + 75 * S);
        assert_eq!(s.idle_prompt(t0 + 75 * S), None);
        assert!(!s.idle_wipe_due(t0 + 134 * S));
        assert!(!s.idle_wipe_due(t0 + 135 * S), "the prompt comes first");
        assert!(!s.idle_wipe_due(t0 + 154 * S));
        assert!(s.idle_wipe_due(t0 + 155 * S));
    }

    #[test]
    fn taps_right_after_a_screen_change_are_not_settled() {
        let t0 = Instant::now();
        let mut s = Session::new(FlowConfig::default(), t0);
        s.screen_changed(t0 + S);
        assert!(!s.settled(t0 + S + Duration::from_millis(349)));
        assert!(s.settled(t0 + S + Duration::from_millis(350)));
        s.lang = s.lang.other();
        s.reset(t0 + 2 * S);
        assert_eq!(s.lang, Lang::Ar);
        assert!(!s.settled(t0 + 2 * S));
    }
}
