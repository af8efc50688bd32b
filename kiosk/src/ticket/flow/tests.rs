use super::*;
use crate::api::{Bi, Hours, Need, Priority};
use crate::http::ClientError;
use crate::ticket::client::ClientEvent;
use crate::ticket::fake::{sample_notice, sample_services};
use awn_core::intake::{self, Check};
use kiosk_printer::PrintFault;

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
    f.on_client(ClientEvent::Services(Ok(services(Hours::default()))), now);
    f.on_client(ClientEvent::Notice(Ok(sample_notice())), now);
    (f, now)
}

fn services(hours: Hours) -> crate::api::ServiceList {
    crate::api::ServiceList {
        services: sample_services(),
        hours,
    }
}

#[test]
fn closed_offers_no_number_and_the_tick_opens_and_closes_on_time() {
    let (mut f, now) = flow();
    let closed = Hours {
        open: false,
        opens_at: Some("2026-12-06T08:00:00+03:00".into()),
        changes_in: Some(Duration::from_secs(60)),
    };
    f.on_client(ClientEvent::Services(Ok(services(closed))), now);
    f.take_number(now + 2 * S);
    assert_eq!(f.screen, Screen::Welcome, "no number while closed");
    f.tick(now + 59 * S);
    assert!(!f.hours.open);
    assert!(f.take_effects().is_empty());
    f.tick(now + 60 * S);
    assert!(f.hours.open, "opens by itself at the opening");
    assert_eq!(f.take_effects(), [Effect::RefreshServices]);
    f.tick(now + 3600 * S);
    assert!(f.hours.open && f.take_effects().is_empty(), "once");
    f.take_number(now + 61 * S);
    assert_eq!(f.screen, Screen::Services);

    let open_until = Hours {
        open: true,
        opens_at: Some("2026-12-07T08:00:00+03:00".into()),
        changes_in: Some(Duration::from_secs(30)),
    };
    let later = now + 100 * S;
    f.on_client(ClientEvent::Services(Ok(services(open_until))), later);
    f.tick(later + 30 * S);
    assert!(!f.hours.open, "closes by itself at the cut-off");
    assert_eq!(
        f.hours.opens_at.as_deref(),
        Some("2026-12-07T08:00:00+03:00"),
        "and already knows when it opens"
    );
}

#[test]
fn a_refusal_at_the_cutoff_is_shown_and_closes_the_kiosk() {
    let (mut f, now) = flow();
    f.take_number(now + 2 * S);
    f.choose_service(0, now + 4 * S);
    f.skip_details(now + 6 * S);
    let key = submit_key(&mut f);
    let error = ClientError::Refused(crate::api::ApiError {
        status: 409,
        code: "branch_closed".into(),
        message: Some(Bi::new("مغلق الآن", "Closed now")),
        field: None,
    });
    f.on_client(ClientEvent::Failed { key, error }, now + 7 * S);
    assert!(f.fault_visible(now + 7 * S), "the refusal is on screen");
    assert!(!f.hours.open);
    assert_eq!(f.take_effects(), [Effect::RefreshServices]);
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
    f.toggle_need(NeedToggle::NotSafe, t0 + 3 * S);
    f.skip_details(t0 + 4 * S);
    let key = submit_key(&mut f);
    assert!(!key.is_empty());
    let req = f.request().unwrap();
    assert!(req.feels_unsafe && req.intake.is_none() && req.gender_preference.is_none());
    // Untoggled, it is an ordinary request again.
    let (mut f, t0) = flow();
    f.take_number(t0 + S);
    f.choose_service(0, t0 + 2 * S);
    f.toggle_need(NeedToggle::NotSafe, t0 + 3 * S);
    f.toggle_need(NeedToggle::NotSafe, t0 + 3 * S);
    assert!(!f.request().unwrap().feels_unsafe);
}

#[test]
fn priority_is_asked_for_without_details_and_not_kept_for_the_next_visitor() {
    let (mut f, t0) = flow();
    f.take_number(t0 + S);
    f.choose_service(0, t0 + 2 * S);
    f.toggle_need(NeedToggle::Priority, t0 + 3 * S);
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
    f.toggle_need(NeedToggle::Need(Need::Wheelchair), clock.get());
    f.toggle_need(NeedToggle::NotSafe, clock.get());
    f.toggle_need(NeedToggle::Need(Need::Pregnancy), clock.get());
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
    assert_eq!(f.lang(), Lang::Ar);
}

#[test]
fn welcome_never_prompts() {
    let (mut f, t0) = flow();
    f.toggle_language(t0);
    f.tick(t0 + Duration::from_secs(600));
    assert_eq!(f.idle_prompt(t0 + Duration::from_secs(600)), None);
    assert_eq!(
        f.lang(),
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
    assert_eq!((f.screen, f.lang()), (Screen::Welcome, Lang::Ar));
    assert!(f.draft.is_empty());
    assert!(!f.services.is_empty(), "server data is not visitor data");
}

// --- checking in with the code from the phone ---

fn place(label: &str) -> crate::api::CheckedIn {
    crate::api::CheckedIn {
        label: label.into(),
        service: "new_request".into(),
        people_ahead: 2,
        estimated_wait_minutes: 20,
    }
}

fn refusal(status: u16, code: &str, message: Option<Bi>) -> ClientError {
    ClientError::Refused(crate::api::ApiError {
        status,
        code: code.into(),
        message,
        field: None,
    })
}

/// Services → keypad → the six digits typed; returns the time after the last key.
fn keypad_with(f: &mut Flow, t0: Instant, digits: &str) -> Instant {
    f.take_number(t0 + S);
    f.joined_from_phone(t0 + 2 * S);
    assert_eq!(f.screen, Screen::CheckIn);
    let mut t = t0 + 3 * S;
    for d in digits.chars() {
        f.check_in_key(&d.to_string(), t);
        t += S / 2;
    }
    t
}

fn check_in_request(f: &mut Flow) -> (u64, String) {
    let effects = f.take_effects();
    match effects.as_slice() {
        [Effect::CheckIn { request, code }] => (*request, code.clone()),
        other => panic!("expected one check-in, got {other:?}"),
    }
}

#[test]
fn the_keypad_takes_six_digits_and_confirms_only_then() {
    let (mut f, t0) = flow();
    let t = keypad_with(&mut f, t0, "04291");
    assert!(!f.check_in.can_confirm());
    f.check_in_confirm(t);
    assert!(f.take_effects().is_empty(), "no request with five digits");
    f.check_in_key("x", t);
    f.check_in_key("٧", t);
    assert_eq!(
        f.check_in.digits, "042917",
        "Arabic-Indic digits are typed as ASCII"
    );
    f.check_in_key("5", t);
    assert_eq!(f.check_in.digits, "042917", "never more than six");
    f.check_in_backspace(t);
    f.check_in_key("8", t);
    assert!(f.check_in.can_confirm());
    f.check_in_confirm(t + S);
    assert_eq!(check_in_request(&mut f), (1, "042918".to_string()));
    assert!(f.busy(t + S));
    f.check_in_key("1", t + S);
    f.check_in_confirm(t + 2 * S);
    assert_eq!(
        f.check_in.digits, "042918",
        "the keypad waits for the answer"
    );
    assert!(f.take_effects().is_empty(), "one request per code");
    f.back(t + 3 * S);
    assert_eq!(f.screen, Screen::CheckIn, "the answer decides where to go");
}

#[test]
fn checked_in_shows_the_place_and_prints_a_slip_that_may_fail() {
    let (mut f, t0) = flow();
    let t = keypad_with(&mut f, t0, "042917");
    f.check_in_confirm(t);
    let (request, _) = check_in_request(&mut f);
    f.on_client(
        ClientEvent::CheckedIn {
            request,
            result: Ok(place("A-004")),
        },
        t + S,
    );
    assert_eq!(f.screen, Screen::CheckedIn);
    assert!(f.check_in.digits.is_empty());
    assert_eq!(
        f.take_effects(),
        [Effect::PrintSlip {
            request,
            checked_in: place("A-004")
        }]
    );
    f.on_slip_printed(request + 1, true);
    assert_eq!(
        f.check_in.slip,
        SlipState::Printing { request },
        "another slip's answer"
    );
    f.on_slip_printed(request, false);
    assert_eq!(f.check_in.slip, SlipState::Failed);
    assert_eq!(f.screen, Screen::CheckedIn, "checked in all the same");
    f.back(t + 3 * S);
    assert_eq!(f.screen, Screen::CheckedIn);
    f.tick(t + S + f.config().ticket_wipe - S);
    assert_eq!(f.screen, Screen::CheckedIn);
    f.tick(t + S + f.config().ticket_wipe);
    assert_eq!(f.screen, Screen::Welcome);
    assert_eq!(
        f.check_in,
        CheckIn::default(),
        "nothing of the visitor is kept"
    );
}

#[test]
fn refusals_are_said_on_the_keypad_with_the_digits_cleared() {
    let cases = [
        (404, "check_in_code_unknown", Refusal::WrongCode),
        (409, "not_awaiting_arrival", Refusal::AlreadyCheckedIn),
        (429, "too_many_attempts", Refusal::TooManyTries),
        (422, "invalid_code", Refusal::Other),
    ];
    for (status, code, why) in cases {
        let (mut f, t0) = flow();
        let t = keypad_with(&mut f, t0, "111111");
        f.check_in_confirm(t);
        let (request, _) = check_in_request(&mut f);
        let message = Some(Bi::new("رسالة الخادم", ""));
        f.on_client(
            ClientEvent::CheckedIn {
                request,
                result: Err(refusal(status, code, message.clone())),
            },
            t + S,
        );
        assert_eq!(f.screen, Screen::CheckIn, "{code}");
        assert!(f.check_in.digits.is_empty(), "{code}");
        assert_eq!(
            f.check_in.state,
            CheckInState::Refused { why, message },
            "{code}"
        );
        assert!(!f.fault_visible(t + S) && !f.busy(t + S), "{code}");
        f.check_in_key("2", t + 2 * S);
        assert_eq!(
            f.check_in.state,
            CheckInState::Typing,
            "{code}: typing again"
        );
    }
}

#[test]
fn no_answer_is_the_fault_panel_and_back_keeps_the_digits_to_try_again() {
    for error in [
        ClientError::Unreachable("connection refused".into()),
        refusal(503, "storage_busy", None),
        refusal(507, "storage_full", None),
    ] {
        let (mut f, t0) = flow();
        let t = keypad_with(&mut f, t0, "123456");
        f.check_in_confirm(t);
        let (request, _) = check_in_request(&mut f);
        f.on_client(
            ClientEvent::CheckedIn {
                request,
                result: Err(error.clone()),
            },
            t + S,
        );
        assert!(f.fault_visible(t + S), "{error:?}");
        assert!(!f.busy(t + S));
        f.back(t + 2 * S);
        assert!(!f.fault_visible(t + 2 * S));
        assert_eq!(
            (f.screen, f.check_in.digits.as_str()),
            (Screen::CheckIn, "123456")
        );
        f.check_in_confirm(t + 3 * S);
        assert_eq!(check_in_request(&mut f).0, request + 1, "a new request");
    }
}

#[test]
fn leaving_the_keypad_clears_the_digits_and_late_answers_change_nothing() {
    let (mut f, t0) = flow();
    let t = keypad_with(&mut f, t0, "123");
    f.back(t + S);
    assert_eq!(f.screen, Screen::Services);
    assert!(f.check_in.digits.is_empty());

    // Walked away with a request on its way: the idle wipe, then its answer.
    f.joined_from_phone(t + 2 * S);
    let mut t = t + 3 * S;
    for d in "654321".chars() {
        f.check_in_key(&d.to_string(), t);
    }
    f.check_in_confirm(t);
    let (request, _) = check_in_request(&mut f);
    t += 61 * S;
    f.tick(t);
    assert!(f.idle_prompt(t).is_some());
    f.tick(t + 20 * S);
    assert_eq!(f.screen, Screen::Welcome);
    assert_eq!(f.check_in, CheckIn::default());
    f.on_client(
        ClientEvent::CheckedIn {
            request,
            result: Ok(place("A-009")),
        },
        t + 21 * S,
    );
    assert_eq!(
        f.screen,
        Screen::Welcome,
        "the next visitor sees nothing of it"
    );
    assert!(f.take_effects().is_empty(), "and no slip is printed");
}
