//! The flow's check-in → the `Api` global: the keypad (the digits, "confirm", the server's
//! refusal in words) and "you are checked in" (label, service, people ahead, the slip), and the
//! fault panel's words when a check-in got no answer.

use crate::api::Bi;
use crate::shell::frame::{FaultMessage, set_model};
use crate::text::{self, Lang};
use crate::ticket::flow::{CheckInState, Flow, Refusal, Screen, SlipState};
use awn_core::check_in::CODE_DIGITS;
use slint::SharedString;
use ui::Api;

/// The keypad screen.
pub fn keypad(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let c = &flow.check_in;
    let mut cells: Vec<SharedString> = c
        .digits
        .chars()
        .take(CODE_DIGITS)
        .map(|d| d.to_string().into())
        .collect();
    cells.resize(CODE_DIGITS, SharedString::new());
    set_model(&api.get_check_in_cells(), cells, |m| {
        api.set_check_in_cells(m)
    });
    api.set_check_in_can_confirm(c.can_confirm());
    let (message, calm) = match &c.state {
        CheckInState::Refused { why, message } => (
            refusal_text(lang, *why, message.as_ref()),
            *why == Refusal::AlreadyCheckedIn,
        ),
        _ => (String::new(), false),
    };
    api.set_check_in_message(message.into());
    api.set_check_in_message_calm(calm);
}

/// What the keypad says for a refusal: the server's words when it has them in this language,
/// else the kiosk's.
fn refusal_text(lang: Lang, why: Refusal, server: Option<&Bi>) -> String {
    if let Some(m) = server {
        let own = lang.pick(&m.ar, &m.en).trim();
        if !own.is_empty() {
            return own.to_string();
        }
    }
    let l = text::labels(lang);
    match why {
        Refusal::WrongCode => l.check_in_wrong_code,
        Refusal::AlreadyCheckedIn => l.check_in_already,
        Refusal::TooManyTries => l.check_in_too_many,
        Refusal::Other => l.fault_see_reception,
    }
    .to_string()
}

/// "You are checked in": the place as the server answered, and how the slip went.
pub fn result(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let place = flow
        .check_in
        .checked_in
        .as_ref()
        .filter(|_| flow.screen == Screen::CheckedIn);
    let Some(place) = place else {
        if !api.get_checked_in_label().is_empty() {
            api.set_checked_in_label("".into());
            api.set_checked_in_service("".into());
            api.set_checked_in_ahead("".into());
            api.set_checked_in_wait("".into());
        }
        return;
    };
    let l = text::labels(lang);
    api.set_checked_in_label(place.label.as_str().into());
    let service = flow.services.iter().find(|s| s.code == place.service);
    api.set_checked_in_service(service.map(|s| s.name.get(lang)).unwrap_or("").into());
    api.set_checked_in_ahead(text::people_ahead(lang, place.people_ahead).into());
    api.set_checked_in_wait(text::wait_minutes(lang, place.estimated_wait_minutes).into());
    api.set_checked_in_print_status(
        match flow.check_in.slip {
            SlipState::None | SlipState::Printing { .. } => l.ticket_printing,
            SlipState::Printed => l.ticket_printed,
            SlipState::Failed => l.slip_failed,
        }
        .into(),
    );
}

/// The fault panel for a check-in that got no answer: "please see reception", both languages.
pub fn fault_message(lang: Lang) -> FaultMessage {
    let (l, other) = (text::labels(lang), text::labels(lang.other()));
    FaultMessage {
        title: l.check_in_fault_title.to_string(),
        text: l.offline.to_string(),
        title_other: other.check_in_fault_title.to_string(),
        text_other: other.offline.to_string(),
    }
}
