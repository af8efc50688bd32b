//! The visitor's flow as a plain state machine: screens, what was typed, the ticket request, the
//! idle wipe. No window, no I/O, no clock of its own: every method takes `now`, and side effects
//! are returned as `Effect`s for the controller to carry out. Unit-tested without any UI.
//!
//! Screens: welcome → services → notice → (details → needs → review →) ticket.
//! Invariants:
//! - **One idempotency key per visitor flow**: every attempt of the same request reuses it; only
//!   a changed request (the visitor went back and edited) gets a new one. Wipes drop it.
//! - **Nothing typed survives a wipe**: `wipe` resets the draft, the key and the ticket; it runs on
//!   "start over", "done", after the idle prompt, and after the ticket has been shown. The draft's
//!   personal fields are cleared as soon as the ticket is issued.
//! - Navigation taps within `debounce` of a screen change are ignored (no double tap through).
//! - **Print only what the server acknowledged**: `Effect::Print` is only raised by an `Issued`
//!   answer for the current key, and "print again" reprints that same ticket (no new request).
//!   Print outcomes carry the ticket id and attempt; a stale one (wiped flow, older attempt)
//!   changes nothing on screen.

use crate::api::{IntakeRequest, Need, Needs, Notice, Priority, Service, Ticket, TicketRequest};
use crate::client::{ClientError, ClientEvent};
use crate::text::{INTERPRETER, Lang};
use awn_core::intake::{self, Check};
use kiosk_printer::PrintFault;
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Where "now" comes from (real time in production, a hand-moved clock in tests).
pub trait Clock {
    fn now(&self) -> Instant;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// A clock that only moves when told to.
pub struct ManualClock(Cell<Instant>);
impl ManualClock {
    pub fn new() -> Self {
        ManualClock(Cell::new(Instant::now()))
    }
    pub fn advance(&self, d: Duration) {
        self.0.set(self.0.get() + d);
    }
}
impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}
impl Clock for ManualClock {
    fn now(&self) -> Instant {
        self.0.get()
    }
}

#[derive(Clone, Debug)]
pub struct FlowConfig {
    /// No touch for this long on a screen past welcome → "still there?".
    pub idle_timeout: Duration,
    /// How long "still there?" stays before the wipe (at least 20 s).
    pub still_there: Duration,
    /// How long the ticket stays on screen before the wipe.
    pub ticket_wipe: Duration,
    /// How long the ticket stays on screen after the printer failed (time to photograph the QR
    /// code and walk to reception).
    pub print_fault_wipe: Duration,
    /// A ticket request without an answer for this long shows the fault message.
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Services,
    Notice,
    Details,
    Needs,
    Review,
    Ticket,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Field {
    #[default]
    Name,
    NationalId,
    Mobile,
}

/// Whom the visitor prefers to be served by (the wire's enum).
pub use awn_core::wire::Gender;

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

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Submission {
    None,
    /// Sent; `failed` once an attempt failed (the worker keeps retrying with the same key).
    Pending {
        since: Instant,
        failed: bool,
    },
    /// The server refused the request (4xx): its message is shown, nothing is retried.
    Refused(ClientError),
}

/// The paper ticket, as the visitor sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintState {
    /// No ticket.
    None,
    /// The first attempt is on the print thread: "your ticket is printing".
    Printing { attempt: u32 },
    /// The printer confirmed the ticket.
    Printed,
    /// The printer failed: the number and QR stay large on screen with "please show this screen
    /// at reception" and a "print again" button.
    Failed { fault: PrintFault, attempt: u32 },
    /// "Print again" was tapped after a fault: the same large view while it prints.
    Reprinting { fault: PrintFault, attempt: u32 },
}

impl PrintState {
    /// The attempt whose outcome is awaited.
    pub fn awaiting(&self) -> Option<u32> {
        match self {
            PrintState::Printing { attempt } | PrintState::Reprinting { attempt, .. } => {
                Some(*attempt)
            }
            _ => None,
        }
    }

    /// The fault being shown (failed, or reprinting after a failure).
    pub fn fault(&self) -> Option<&PrintFault> {
        match self {
            PrintState::Failed { fault, .. } | PrintState::Reprinting { fault, .. } => Some(fault),
            _ => None,
        }
    }
}

/// Work for the controller.
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
}

pub struct Flow {
    cfg: FlowConfig,
    pub lang: Lang,
    pub screen: Screen,
    pub services: Vec<Service>,
    pub services_failed: bool,
    pub notice: Option<Notice>,
    pub online: bool,
    pub draft: Draft,
    key: Option<(String, TicketRequest)>,
    pub submission: Submission,
    pub ticket: Option<Ticket>,
    pub print: PrintState,
    /// The ticket screen is wiped `wipe_after` after `wipe_from`.
    wipe_from: Instant,
    wipe_after: Duration,
    last_touch: Instant,
    screen_since: Instant,
    prompt_since: Option<Instant>,
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
        let cfg_ticket_wipe = cfg.ticket_wipe;
        Flow {
            lang: cfg.default_lang,
            cfg,
            screen: Screen::Welcome,
            services: Vec::new(),
            services_failed: false,
            notice: None,
            online: true,
            draft: Draft::default(),
            key: None,
            submission: Submission::None,
            ticket: None,
            print: PrintState::None,
            wipe_from: now,
            wipe_after: cfg_ticket_wipe,
            last_touch: now,
            screen_since: now,
            prompt_since: None,
            effects: Vec::new(),
            new_key,
        }
    }

    pub fn config(&self) -> &FlowConfig {
        &self.cfg
    }

    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    /// The idempotency key of the current flow, if a request was made.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.key.as_ref().map(|(k, _)| k.as_str())
    }

    fn go(&mut self, screen: Screen, now: Instant) {
        self.screen = screen;
        self.screen_since = now;
    }

    /// False for a navigation tap that comes too soon after the last screen change.
    fn settled(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.screen_since) >= self.cfg.debounce
    }

    fn pending(&self) -> bool {
        matches!(self.submission, Submission::Pending { .. })
    }

    /// Any touch anywhere.
    pub fn touch(&mut self, now: Instant) {
        self.last_touch = now;
        self.prompt_since = None;
    }

    pub fn still_here(&mut self, now: Instant) {
        self.touch(now);
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

    /// The fault message is shown: refused, failed, or no answer within `fault_after`.
    pub fn fault_visible(&self, now: Instant) -> bool {
        match &self.submission {
            Submission::None => false,
            Submission::Refused(_) => true,
            Submission::Pending { since, failed } => {
                *failed || now.saturating_duration_since(*since) >= self.cfg.fault_after
            }
        }
    }

    pub fn busy(&self, now: Instant) -> bool {
        self.pending() && !self.fault_visible(now)
    }

    pub fn toggle_language(&mut self, now: Instant) {
        self.touch(now);
        self.lang = self.lang.other();
    }

    pub fn take_number(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Welcome || !self.settled(now) {
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

    pub fn give_details(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Notice || !self.settled(now) || self.notice.is_none() {
            return;
        }
        self.draft.with_details = true;
        self.draft.active = Field::Name;
        self.draft.keyboard_arabic = self.lang == Lang::Ar;
        self.go(Screen::Details, now);
    }

    pub fn back(&mut self, now: Instant) {
        self.touch(now);
        if !self.settled(now) {
            return;
        }
        if self.submission != Submission::None {
            // Leave the fault message; stop retrying. The key stays: resubmitting the same
            // request reuses it, so a late success on the server is not duplicated.
            if self.pending() {
                self.effects.push(Effect::CancelSubmit);
            }
            self.submission = Submission::None;
            self.screen_since = now;
            return;
        }
        let to = match self.screen {
            Screen::Welcome | Screen::Ticket => return,
            Screen::Services => Screen::Welcome,
            Screen::Notice => Screen::Services,
            Screen::Details => Screen::Notice,
            Screen::Needs => Screen::Details,
            Screen::Review => Screen::Needs,
        };
        self.go(to, now);
    }

    pub fn start_over(&mut self, now: Instant) {
        if self.settled(now) {
            self.wipe(now);
        }
    }

    pub fn done(&mut self, now: Instant) {
        if self.settled(now) {
            self.wipe(now);
        }
    }

    /// Forgets everything the visitor entered and returns to welcome.
    pub fn wipe(&mut self, now: Instant) {
        if self.pending() {
            self.effects.push(Effect::CancelSubmit);
        }
        self.draft = Draft::default();
        self.key = None;
        self.submission = Submission::None;
        self.ticket = None;
        self.print = PrintState::None;
        self.lang = self.cfg.default_lang;
        self.prompt_since = None;
        self.last_touch = now;
        self.go(Screen::Welcome, now);
    }

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
            Field::Name => {
                if self.draft.name.chars().count() >= intake::NAME_MAX {
                    return;
                }
                let at_word_start = self.draft.name.is_empty() || self.draft.name.ends_with(' ');
                if k == " " && at_word_start {
                    return; // no leading or double spaces
                }
                // Latin letters: capital at the start of a word, small after.
                let k = if k.chars().all(|c| c.is_ascii_alphabetic()) {
                    if at_word_start {
                        k.to_ascii_uppercase()
                    } else {
                        k.to_ascii_lowercase()
                    }
                } else {
                    k.to_string()
                };
                self.draft.name.push_str(&k);
            }
            Field::NationalId | Field::Mobile => {
                let digits = intake::normalise_digits(k);
                if digits.bytes().all(|b| b.is_ascii_digit()) && self.active_text().len() < 14 {
                    self.active_text().push_str(&digits);
                }
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

    pub fn switch_keyboard(&mut self, now: Instant) {
        self.touch(now);
        self.draft.keyboard_arabic = !self.draft.keyboard_arabic;
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

    /// 0 wheelchair, 1 hearing, 2 companion, 3 "I do not feel safe right now", 4 elderly,
    /// 5 pregnancy, 6 another disability, 7 priority without details.
    pub fn toggle_need(&mut self, i: usize, now: Instant) {
        self.touch(now);
        let d = &mut self.draft;
        let need = match i {
            0 => Need::Wheelchair,
            1 => Need::Hearing,
            2 => Need::Companion,
            3 => {
                d.feels_unsafe = !d.feels_unsafe;
                return;
            }
            4 => Need::Elderly,
            5 => Need::Pregnancy,
            6 => Need::NamedDisability,
            7 => {
                d.priority_asked = !d.priority_asked;
                return;
            }
            _ => return,
        };
        d.needs.toggle(need);
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

    /// The visitor confirms the reviewed details are correct (policy 6.4) and takes a number.
    pub fn confirm(&mut self, now: Instant) {
        self.touch(now);
        if self.screen == Screen::Review && self.settled(now) && self.details_acceptable() {
            self.submit(now);
        }
    }

    /// The request body for the current draft.
    pub fn request(&self) -> Option<TicketRequest> {
        let service = self.draft.service.clone()?;
        let d = &self.draft;
        let intake = match (&self.notice, d.with_details) {
            (Some(notice), true) => Some(IntakeRequest {
                notice_version: notice.version.clone(),
                name: self.check_name().valid(),
                national_id: self.check_id().valid(),
                mobile: self.check_mobile().valid(),
                needs: Needs {
                    interpreter_language: INTERPRETER
                        .get(d.interpreter)
                        .map(|l| l.0)
                        .filter(|c| !c.is_empty())
                        .map(str::to_string),
                    ..d.needs.clone()
                },
                // Kept with the details as before; the top-level flag below is what counts.
                feels_unsafe: d.feels_unsafe,
            }),
            _ => None,
        };
        let gender_preference = d.gender.filter(|_| d.with_details);
        Some(TicketRequest {
            service,
            priority: if d.priority_asked {
                Priority::Priority
            } else {
                Priority::Normal
            },
            gender_preference,
            intake,
            // Never needs the details: "I do not feel safe" may be said without consent.
            feels_unsafe: d.feels_unsafe,
        })
    }

    fn submit(&mut self, now: Instant) {
        if self.pending() {
            return; // a double tap: the first request is on its way
        }
        let Some(request) = self.request() else {
            return;
        };
        let key = match &self.key {
            Some((k, r)) if *r == request => k.clone(),
            _ => {
                let k = (self.new_key)();
                self.key = Some((k.clone(), request.clone()));
                k
            }
        };
        self.submission = Submission::Pending {
            since: now,
            failed: false,
        };
        self.effects.push(Effect::Submit { key, request });
    }

    /// Timers: idle prompt, wipe after the prompt or after the ticket.
    pub fn tick(&mut self, now: Instant) {
        match self.screen {
            Screen::Welcome => {}
            Screen::Ticket => {
                if now.saturating_duration_since(self.wipe_from) >= self.wipe_after {
                    self.wipe(now);
                }
            }
            _ => match self.prompt_since {
                None if now.saturating_duration_since(self.last_touch) >= self.cfg.idle_timeout => {
                    self.prompt_since = Some(now);
                }
                Some(since) if now.saturating_duration_since(since) >= self.cfg.still_there => {
                    self.wipe(now)
                }
                _ => {}
            },
        }
    }

    /// An answer from the worker.
    pub fn on_client(&mut self, ev: ClientEvent, now: Instant) {
        match ev {
            ClientEvent::Services(Ok(list)) => {
                self.services = list;
                self.services_failed = false;
            }
            ClientEvent::Services(Err(_)) => self.services_failed = self.services.is_empty(),
            ClientEvent::Notice(Ok(n)) => self.notice = Some(n),
            ClientEvent::Notice(Err(_)) => {}
            ClientEvent::Online(on) => self.online = on,
            ClientEvent::PrintReported { .. } => {}
            ClientEvent::Issued { key, ticket } => {
                if self.idempotency_key() != Some(key.as_str()) || self.screen == Screen::Ticket {
                    return; // an answer for a flow that was wiped, or a duplicate
                }
                // The personal details are no longer needed on this kiosk.
                self.draft = Draft::default();
                self.submission = Submission::None;
                self.effects.push(Effect::Print {
                    ticket: ticket.clone(),
                    attempt: 1,
                });
                self.print = PrintState::Printing { attempt: 1 };
                self.ticket = Some(ticket);
                self.wipe_from = now;
                self.wipe_after = self.cfg.ticket_wipe;
                self.go(Screen::Ticket, now);
            }
            ClientEvent::Failed { key, error } => {
                if self.idempotency_key() != Some(key.as_str()) || !self.pending() {
                    return;
                }
                self.submission = if error.retryable() {
                    match self.submission {
                        Submission::Pending { since, .. } => Submission::Pending {
                            since,
                            failed: true,
                        },
                        ref other => other.clone(),
                    }
                } else {
                    Submission::Refused(error)
                };
            }
        }
    }

    /// The print thread's answer for `ticket_id`'s `attempt`. Answers for another ticket or an
    /// older attempt are ignored (the server is told by the controller either way).
    pub fn on_printed(
        &mut self,
        ticket_id: i64,
        attempt: u32,
        result: Result<(), PrintFault>,
        now: Instant,
    ) {
        if self.ticket.as_ref().map(|t| t.id) != Some(ticket_id)
            || self.print.awaiting() != Some(attempt)
        {
            return;
        }
        self.wipe_from = now;
        match result {
            Ok(()) => {
                self.print = PrintState::Printed;
                self.wipe_after = self.cfg.ticket_wipe;
            }
            Err(fault) => {
                self.print = PrintState::Failed { fault, attempt };
                self.wipe_after = self.cfg.print_fault_wipe;
            }
        }
    }

    /// "Print again" on the fault view: the same ticket, the next attempt; no new request.
    pub fn print_again(&mut self, now: Instant) {
        self.touch(now);
        if self.screen != Screen::Ticket || !self.settled(now) {
            return;
        }
        let (PrintState::Failed { fault, attempt }, Some(ticket)) = (&self.print, &self.ticket)
        else {
            return;
        };
        let attempt = attempt + 1;
        self.effects.push(Effect::Print {
            ticket: ticket.clone(),
            attempt,
        });
        self.print = PrintState::Reprinting {
            fault: fault.clone(),
            attempt,
        };
        self.wipe_from = now;
        self.wipe_after = self.cfg.print_fault_wipe;
        self.screen_since = now; // debounce a double tap on "print again"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Bi;
    use crate::client::fake::{sample_notice, sample_services};

    fn flow() -> (Flow, Instant) {
        let now = Instant::now();
        let mut n = 0;
        let mut f = Flow::with_keys(
            FlowConfig::default(),
            now,
            Box::new(move || {
                n += 1;
                format!("key-{n:016}")
            }),
        );
        f.on_client(ClientEvent::Services(Ok(sample_services())), now);
        f.on_client(ClientEvent::Notice(Ok(sample_notice())), now);
        (f, now)
    }

    const S: Duration = Duration::from_secs(1);

    fn submit_key(f: &mut Flow) -> String {
        let effects = f.take_effects();
        match effects.as_slice() {
            [Effect::Submit { key, .. }] => key.clone(),
            other => panic!("expected one submit, got {other:?}"),
        }
    }

    fn ticket(label: &str) -> Ticket {
        Ticket {
            id: 1,
            label: label.into(),
            service: "new_request".into(),
            people_ahead: 2,
            estimated_wait_minutes: 5,
            status_path: "/t/x".into(),
            issued_at: String::new(),
            ..Ticket::default()
        }
    }

    #[test]
    fn skip_details_gives_ticket() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        assert_eq!(f.screen, Screen::Services);
        f.choose_service(1, t0 + 2 * S);
        assert_eq!(f.screen, Screen::Notice);
        f.skip_details(t0 + 3 * S);
        let key = submit_key(&mut f);
        assert!(f.busy(t0 + 3 * S));
        // A double tap sends nothing more.
        f.skip_details(t0 + 3 * S + Duration::from_millis(400));
        assert!(f.take_effects().is_empty());
        let req = f.request().unwrap();
        assert_eq!(
            (
                req.service.as_str(),
                req.intake.is_none(),
                req.gender_preference
            ),
            ("follow_up", true, None)
        );
        f.on_client(
            ClientEvent::Issued {
                key: key.clone(),
                ticket: ticket("B-001"),
            },
            t0 + 4 * S,
        );
        assert_eq!(f.screen, Screen::Ticket);
        assert!(matches!(
            f.take_effects().as_slice(),
            [Effect::Print { attempt: 1, .. }]
        ));
        assert_eq!(f.print, PrintState::Printing { attempt: 1 });
        // A late duplicate answer changes nothing.
        f.on_client(
            ClientEvent::Issued {
                key,
                ticket: ticket("B-002"),
            },
            t0 + 5 * S,
        );
        assert_eq!(f.ticket.as_ref().unwrap().label, "B-001");
        // The ticket is wiped after ticket_wipe.
        f.tick(t0 + 4 * S + f.config().ticket_wipe);
        assert_eq!(f.screen, Screen::Welcome);
        assert!(f.ticket.is_none() && f.idempotency_key().is_none());
    }

    #[test]
    fn not_feeling_safe_needs_no_details() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.toggle_need(3, t0 + 3 * S);
        f.skip_details(t0 + 4 * S);
        let key = submit_key(&mut f);
        assert!(!key.is_empty());
        let req = f.request().unwrap();
        assert!(req.feels_unsafe && req.intake.is_none() && req.gender_preference.is_none());
        // Untoggled, it is an ordinary request again.
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.toggle_need(3, t0 + 3 * S);
        f.toggle_need(3, t0 + 3 * S);
        assert!(!f.request().unwrap().feels_unsafe);
    }

    #[test]
    fn priority_is_asked_for_without_details_and_not_kept_for_the_next_visitor() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.toggle_need(7, t0 + 3 * S);
        let req = f.request().unwrap();
        assert_eq!(req.priority, Priority::Priority);
        // No reason and no personal data travel with it.
        assert!(req.intake.is_none() && !req.feels_unsafe && req.gender_preference.is_none());
        // The next visitor starts with an ordinary request.
        f.start_over(t0 + 4 * S);
        f.take_number(t0 + 5 * S);
        f.choose_service(0, t0 + 6 * S);
        assert_eq!(f.request().unwrap().priority, Priority::Normal);
    }

    #[test]
    fn double_tap_is_debounced() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        // The same finger lands on the first service card 100 ms later: ignored.
        f.choose_service(0, t0 + S + Duration::from_millis(100));
        assert_eq!(f.screen, Screen::Services);
    }

    /// Former disagreement (issue 13): the kiosk stopped a name at 80 characters while the server
    /// takes 100. Now both use `awn_core::intake::NAME_MAX`: a 90-letter name is typed in full and
    /// sent, and the keyboard stops at the shared limit.
    #[test]
    fn a_name_is_typed_up_to_the_servers_limit() {
        let (mut f, t0) = flow();
        let clock = std::cell::Cell::new(t0);
        let next = || {
            clock.set(clock.get() + S);
            clock.get()
        };
        f.take_number(next());
        f.choose_service(0, next());
        f.give_details(next());
        for _ in 0..90 {
            f.key("ع", clock.get());
        }
        assert_eq!(f.check_name(), Check::Valid("ع".repeat(90)));
        for _ in 0..20 {
            f.key("ع", clock.get());
        }
        assert_eq!(f.draft.name.chars().count(), 100);
        assert!(f.check_name().is_acceptable());
        f.details_next(next());
        assert_eq!(f.screen, Screen::Needs);
        let intake = f.request().unwrap().intake.unwrap();
        assert_eq!(intake.name, Some("ع".repeat(100)));
    }

    #[test]
    fn details_flow_and_request() {
        let (mut f, t0) = flow();
        let clock = std::cell::Cell::new(t0);
        let next = || {
            clock.set(clock.get() + S);
            clock.get()
        };
        f.take_number(next());
        f.choose_service(0, next());
        f.give_details(next());
        assert_eq!(f.screen, Screen::Details);
        assert!(f.draft.keyboard_arabic);
        for k in ["ن", "و", "ر", "ة", " ", " ", "ع"] {
            f.key(k, clock.get());
        }
        assert_eq!(f.draft.name, "نورة ع");
        f.focus_field(Field::NationalId, clock.get());
        for k in ["١", "٢", "٣", "4", "5", "6", "7", "8", "9", "0"] {
            f.key(k, clock.get());
        }
        assert_eq!(f.check_id(), Check::Invalid(intake::Problem::IdCheckDigit));
        f.details_next(next());
        assert_eq!(f.screen, Screen::Details, "an invalid ID blocks continue");
        f.backspace(clock.get());
        f.key("7", clock.get());
        assert_eq!(f.check_id(), Check::Valid("1234567897".into()));
        f.focus_field(Field::Mobile, clock.get());
        for k in "0512345678".chars() {
            f.key(&k.to_string(), clock.get());
        }
        f.details_next(next());
        assert_eq!(f.screen, Screen::Needs);
        f.set_gender(Some(Gender::Female), clock.get());
        f.toggle_need(0, clock.get());
        f.toggle_need(3, clock.get());
        f.toggle_need(5, clock.get());
        f.set_interpreter(2, clock.get());
        f.needs_next(next());
        assert_eq!(f.screen, Screen::Review);
        f.confirm(next());
        let key = submit_key(&mut f);
        let req = f.request().unwrap();
        let intake = req.intake.clone().unwrap();
        assert_eq!(req.gender_preference, Some(Gender::Female));
        assert_eq!(req.priority, Priority::Normal);
        assert_eq!(intake.notice_version, "2026-11-v1");
        assert_eq!(intake.name.as_deref(), Some("نورة ع"));
        assert_eq!(intake.national_id.as_deref(), Some("1234567897"));
        assert_eq!(intake.mobile.as_deref(), Some("+966512345678"));
        assert!(intake.feels_unsafe && intake.needs.wheelchair && !intake.needs.hearing);
        assert!(req.feels_unsafe);
        assert!(intake.needs.pregnancy && !intake.needs.elderly && !intake.needs.named_disability);
        assert_eq!(intake.needs.interpreter_language.as_deref(), Some("ur"));
        f.on_client(
            ClientEvent::Issued {
                key,
                ticket: ticket("A-017"),
            },
            clock.get() + S,
        );
        assert_eq!(f.screen, Screen::Ticket);
        assert!(
            f.draft.is_empty(),
            "personal details are dropped once the ticket exists"
        );
    }

    #[test]
    fn english_keyboard_capitalises_words() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.give_details(t0 + 3 * S);
        for k in ["S", "A", "R", "A", " ", "L", "E", "E"] {
            f.key(k, t0 + 4 * S);
        }
        assert_eq!(f.draft.name, "Sara Lee");
    }

    #[test]
    fn idle_prompt_then_wipe() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.give_details(t0 + 3 * S);
        f.key("ن", t0 + 3 * S);
        let last = t0 + 3 * S;
        f.tick(last + Duration::from_secs(59));
        assert_eq!(f.idle_prompt(last + Duration::from_secs(59)), None);
        f.tick(last + Duration::from_secs(60));
        assert_eq!(f.idle_prompt(last + Duration::from_secs(60)), Some(20));
        // "Continue" keeps everything.
        f.still_here(last + Duration::from_secs(65));
        assert_eq!(f.idle_prompt(last + Duration::from_secs(65)), None);
        assert_eq!(f.draft.name, "ن");
        // Walk away: prompt, then wipe 20 s later.
        let away = last + Duration::from_secs(65);
        f.tick(away + Duration::from_secs(60));
        f.tick(away + Duration::from_secs(79));
        assert_eq!(f.screen, Screen::Details);
        f.tick(away + Duration::from_secs(80));
        assert_eq!(f.screen, Screen::Welcome);
        assert!(f.draft.is_empty());
        assert_eq!(f.lang, Lang::Ar);
    }

    #[test]
    fn welcome_never_prompts() {
        let (mut f, t0) = flow();
        f.toggle_language(t0);
        f.tick(t0 + Duration::from_secs(600));
        assert_eq!(f.idle_prompt(t0 + Duration::from_secs(600)), None);
        assert_eq!(
            f.lang,
            Lang::En,
            "welcome keeps the chosen language while nobody typed anything"
        );
    }

    #[test]
    fn fault_then_late_success_same_key() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.skip_details(t0 + 3 * S);
        let key = submit_key(&mut f);
        let t = t0 + 3 * S;
        assert!(!f.fault_visible(t + Duration::from_millis(1000)));
        assert!(
            f.fault_visible(t + Duration::from_millis(1500)),
            "message within 2 s even without an answer"
        );
        f.on_client(
            ClientEvent::Failed {
                key: key.clone(),
                error: ClientError::Unreachable("refused".into()),
            },
            t + S,
        );
        assert!(f.fault_visible(t + S));
        f.on_client(
            ClientEvent::Issued {
                key: key.clone(),
                ticket: ticket("A-020"),
            },
            t + 5 * S,
        );
        assert_eq!(f.screen, Screen::Ticket);
        assert!(!f.fault_visible(t + 5 * S));
    }

    #[test]
    fn back_from_fault_then_resubmit_reuses_key() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.skip_details(t0 + 3 * S);
        let k1 = submit_key(&mut f);
        f.on_client(
            ClientEvent::Failed {
                key: k1.clone(),
                error: ClientError::Unreachable("x".into()),
            },
            t0 + 4 * S,
        );
        f.back(t0 + 5 * S);
        assert_eq!(f.take_effects(), vec![Effect::CancelSubmit]);
        assert_eq!(f.screen, Screen::Notice);
        f.skip_details(t0 + 6 * S);
        assert_eq!(submit_key(&mut f), k1);
        // A different request (another service) gets a new key.
        f.back(t0 + 7 * S);
        f.take_effects();
        f.back(t0 + 8 * S);
        f.choose_service(2, t0 + 9 * S);
        f.skip_details(t0 + 10 * S);
        assert_ne!(submit_key(&mut f), k1);
    }

    #[test]
    fn refusal_shows_server_message_without_retry() {
        let (mut f, t0) = flow();
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.skip_details(t0 + 3 * S);
        let key = submit_key(&mut f);
        let err = ClientError::Refused(crate::api::ApiError {
            status: 422,
            code: "unknown_service".into(),
            message: Some(Bi {
                ar: "خدمة غير معروفة".into(),
                en: "Unknown service".into(),
            }),
            field: None,
        });
        f.on_client(
            ClientEvent::Failed {
                key,
                error: err.clone(),
            },
            t0 + 4 * S,
        );
        assert_eq!(f.submission, Submission::Refused(err));
        assert!(f.fault_visible(t0 + 4 * S));
    }

    #[test]
    fn full_or_read_only_storage_is_not_retried_but_busy_is() {
        let refusal = |code: &str, status: u16| {
            ClientError::Refused(crate::api::ApiError {
                status,
                code: code.into(),
                message: None,
                field: None,
            })
        };
        for (code, status) in [("storage_full", 507), ("storage_readonly", 503)] {
            let err = refusal(code, status);
            assert!(err.needs_staff() && !err.retryable(), "{code}");
            let (mut f, t0) = flow();
            f.take_number(t0 + S);
            f.choose_service(0, t0 + 2 * S);
            f.skip_details(t0 + 3 * S);
            let key = submit_key(&mut f);
            f.on_client(
                ClientEvent::Failed {
                    key,
                    error: err.clone(),
                },
                t0 + 4 * S,
            );
            assert_eq!(f.submission, Submission::Refused(err), "{code}");
            assert!(f.fault_visible(t0 + 4 * S), "{code}: at once");
        }
        let busy = refusal("storage_busy", 503);
        assert!(busy.retryable() && !busy.needs_staff());
    }

    fn issued(f: &mut Flow, t0: Instant) -> Ticket {
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.skip_details(t0 + 3 * S);
        let key = submit_key(f);
        f.on_client(
            ClientEvent::Issued {
                key,
                ticket: ticket("A-030"),
            },
            t0 + 4 * S,
        );
        match f.take_effects().as_slice() {
            [Effect::Print { ticket, attempt: 1 }] => ticket.clone(),
            other => panic!("expected one print, got {other:?}"),
        }
    }

    #[test]
    fn print_fault_keeps_the_ticket_longer_and_reprints_the_same_ticket() {
        let (mut f, t0) = flow();
        let t = issued(&mut f, t0);
        // "Print again" does nothing while the first attempt is printing.
        f.print_again(t0 + 5 * S);
        assert!(f.take_effects().is_empty());
        let at = t0 + 6 * S;
        f.on_printed(t.id, 1, Err(PrintFault::PaperEnd), at);
        assert_eq!(f.print.fault(), Some(&PrintFault::PaperEnd));
        // The normal wipe time passes: the fault view stays.
        f.tick(at + f.config().ticket_wipe + S);
        assert_eq!(f.screen, Screen::Ticket);
        f.print_again(at + 40 * S);
        match f.take_effects().as_slice() {
            [Effect::Print { ticket, attempt: 2 }] => assert_eq!(ticket, &t),
            other => panic!("expected a reprint, got {other:?}"),
        }
        assert!(matches!(f.print, PrintState::Reprinting { attempt: 2, .. }));
        // A double tap on "print again" queues nothing more.
        f.print_again(at + 40 * S + Duration::from_millis(100));
        assert!(f.take_effects().is_empty());
        // A late answer for attempt 1 changes nothing.
        f.on_printed(t.id, 1, Ok(()), at + 41 * S);
        assert!(matches!(f.print, PrintState::Reprinting { .. }));
        f.on_printed(t.id, 2, Err(PrintFault::CoverOpen), at + 42 * S);
        assert!(matches!(
            f.print,
            PrintState::Failed {
                fault: PrintFault::CoverOpen,
                attempt: 2
            }
        ));
        let last = at + 42 * S;
        f.tick(last + f.config().print_fault_wipe - S);
        assert_eq!(f.screen, Screen::Ticket);
        f.tick(last + f.config().print_fault_wipe);
        assert_eq!(f.screen, Screen::Welcome);
        assert_eq!(f.print, PrintState::None);
        // An answer after the wipe changes nothing.
        f.on_printed(t.id, 2, Ok(()), last + f.config().print_fault_wipe + S);
        assert_eq!(f.print, PrintState::None);
    }

    #[test]
    fn printed_ticket_wipes_after_the_normal_time() {
        let (mut f, t0) = flow();
        let t = issued(&mut f, t0);
        f.on_printed(t.id, 1, Ok(()), t0 + 5 * S);
        assert_eq!(f.print, PrintState::Printed);
        f.print_again(t0 + 6 * S);
        assert!(
            f.take_effects().is_empty(),
            "no reprint of a printed ticket"
        );
        f.tick(t0 + 5 * S + f.config().ticket_wipe);
        assert_eq!(f.screen, Screen::Welcome);
    }

    #[test]
    fn start_over_wipes_everything() {
        let (mut f, t0) = flow();
        f.toggle_language(t0);
        f.take_number(t0 + S);
        f.choose_service(0, t0 + 2 * S);
        f.give_details(t0 + 3 * S);
        f.key("A", t0 + 3 * S);
        f.start_over(t0 + 4 * S);
        assert_eq!((f.screen, f.lang), (Screen::Welcome, Lang::Ar));
        assert!(f.draft.is_empty());
        assert!(!f.services.is_empty(), "server data is not visitor data");
    }
}
