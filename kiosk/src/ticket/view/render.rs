//! The flow → the ticket window: one function per screen's part of the `Api` global, and the
//! shell's frame (direction, shared labels, keyboard, overlays). Everything is rendered again
//! after every action; models are replaced only when their rows changed.

use super::App;
use super::check_in;
use super::texts::{field_view, review_rows, texts};
use crate::http::ClientError;
use crate::shell::ShellFlow;
use crate::shell::frame::{self, FaultMessage, Frame, set_model};
use crate::text::{self, INTERPRETER, Lang};
use crate::ticket::flow::{Field, Flow, Gender, PrintState, Screen, Submission};
use slint::{ComponentHandle, Image, SharedString};
use std::time::Instant;
use ui::{Api, Dir, ServiceItem, Shell};

impl App {
    /// Copies the flow into the UI globals.
    pub fn render(&self) {
        let now = self.clock.now();
        let flow = self.flow.borrow();
        let lang = flow.lang();
        let api = self.ui.global::<Api>();
        let t = texts(lang);
        if api.get_t() != t {
            api.set_t(t);
        }
        api.set_screen(screen(flow.screen));
        api.set_offline_message(if flow.online {
            "".into()
        } else {
            text::labels(lang).offline.into()
        });
        closed(&api, &flow, lang);
        services(&api, &flow, lang);
        notice(&api, &flow, lang);
        details(&api, &flow, lang);
        needs(&api, &flow, lang);
        let rows = if flow.screen == Screen::Review {
            review_rows(&flow)
        } else {
            Vec::new()
        };
        set_model(&api.get_review_rows(), rows, |m| api.set_review_rows(m));
        self.ticket(&api, &flow, lang);
        check_in::keypad(&api, &flow, lang);
        check_in::result(&api, &flow, lang);
        frame::render(
            &self.ui.global::<Shell>(),
            &self.ui.global::<Dir>(),
            &shell_frame(&flow, now),
        );
    }

    /// The ticket screen: the number, the QR code of the status link, the print state.
    fn ticket(&self, api: &Api<'_>, flow: &Flow, lang: Lang) {
        let Some(t) = &flow.ticket else {
            if !self.qr_for.borrow().is_empty() {
                api.set_ticket_label("".into());
                api.set_ticket_service("".into());
                api.set_ticket_qr(Image::default());
                self.qr_for.borrow_mut().clear();
            }
            return;
        };
        let l = text::labels(lang);
        api.set_ticket_label(t.label.as_str().into());
        let service = flow.services.iter().find(|s| s.code == t.service);
        api.set_ticket_service(service.map(|s| s.name.get(lang)).unwrap_or("").into());
        api.set_ticket_ahead(text::people_ahead(lang, t.people_ahead).into());
        api.set_ticket_wait(text::wait_minutes(lang, t.estimated_wait_minutes).into());
        let url = self.status_url(t);
        if *self.qr_for.borrow() != url {
            api.set_ticket_qr(super::qr_image(&url));
            *self.qr_for.borrow_mut() = url;
        }
        let (state, status) = match &flow.print {
            PrintState::None | PrintState::Printing { .. } => {
                (ui::PrintState::Printing, l.ticket_printing)
            }
            PrintState::Printed => (ui::PrintState::Printed, l.ticket_printed),
            PrintState::Failed { .. } => (ui::PrintState::Failed, ""),
            PrintState::Reprinting { .. } => (ui::PrintState::Reprinting, l.ticket_printing),
        };
        api.set_ticket_print_state(state);
        api.set_ticket_print_status(status.into());
        if let Some(fault) = flow.print.fault() {
            let other = lang.other();
            api.set_print_fault_reason(text::print_fault(lang, fault).into());
            api.set_print_fault_other(
                format!(
                    "{}\n{}",
                    text::labels(other).print_reception,
                    text::print_fault(other, fault)
                )
                .into(),
            );
        }
    }
}

fn screen(s: Screen) -> ui::Screen {
    match s {
        Screen::Welcome => ui::Screen::Welcome,
        Screen::Services => ui::Screen::Services,
        Screen::Notice => ui::Screen::Notice,
        Screen::Details => ui::Screen::Details,
        Screen::Needs => ui::Screen::Needs,
        Screen::Review => ui::Screen::Review,
        Screen::Ticket => ui::Screen::Ticket,
        Screen::CheckIn => ui::Screen::CheckIn,
        Screen::CheckedIn => ui::Screen::CheckedIn,
    }
}

/// "Closed now, we open on …" in both languages, while the branch issues no tickets.
fn closed(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let (message, sub) = if flow.hours.open {
        (awn_core::Bi::default(), "")
    } else {
        (
            awn_core::opening::closed_message(flow.hours.opens_at.as_deref()),
            text::labels(lang).closed_sub,
        )
    };
    api.set_closed_message(message.get(lang).into());
    api.set_closed_message_other(message.get(lang.other()).into());
    api.set_closed_sub(sub.into());
}

fn services(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let items: Vec<ServiceItem> = flow
        .services
        .iter()
        .map(|s| ServiceItem {
            name: s.name.get(lang).into(),
            hint: s.hint.get(lang).into(),
            waiting: text::service_waiting(lang, s.waiting, s.estimated_wait_minutes).into(),
        })
        .collect();
    set_model(&api.get_services(), items, |m| api.set_services(m));
    api.set_services_message(
        if flow.services.is_empty() && (flow.services_failed || !flow.online) {
            text::labels(lang).no_services.into()
        } else {
            "".into()
        },
    );
}

/// The notice in both languages (or "not available" while it is unknown).
fn notice(api: &Api<'_>, flow: &Flow, lang: Lang) {
    match &flow.notice {
        Some(n) => {
            api.set_notice_text(n.text.get(lang).into());
            api.set_notice_text_other(n.text.get(lang.other()).into());
        }
        None => {
            api.set_notice_text(text::labels(lang).notice_missing.into());
            api.set_notice_text_other(text::labels(lang.other()).notice_missing.into());
        }
    }
    api.set_details_available(flow.notice.is_some());
    api.set_priority_asked(flow.draft.priority_asked);
    api.set_not_safe(flow.draft.feels_unsafe);
}

fn details(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let d = &flow.draft;
    api.set_active_field(match d.active {
        Field::Name => ui::FormField::Name,
        Field::NationalId => ui::FormField::NationalId,
        Field::Mobile => ui::FormField::Mobile,
    });
    api.set_name(field_view(lang, &d.name, flow.check_name()));
    api.set_national_id(field_view(lang, &d.national_id, flow.check_id()));
    api.set_mobile(field_view(lang, &d.mobile, flow.check_mobile()));
    api.set_details_can_continue(flow.details_acceptable());
}

fn needs(api: &Api<'_>, flow: &Flow, lang: Lang) {
    let d = &flow.draft;
    api.set_gender(match d.gender {
        None => ui::GenderChoice::Any,
        Some(Gender::Female) => ui::GenderChoice::Female,
        Some(Gender::Male) => ui::GenderChoice::Male,
    });
    api.set_wheelchair(d.needs.wheelchair);
    api.set_hearing(d.needs.hearing);
    api.set_companion(d.needs.companion);
    api.set_elderly(d.needs.elderly);
    api.set_pregnancy(d.needs.pregnancy);
    api.set_named_disability(d.needs.named_disability);
    let langs: Vec<SharedString> = INTERPRETER
        .iter()
        .map(|(_, ar, en)| lang.pick(ar, en).into())
        .collect();
    set_model(&api.get_interpreter_options(), langs, |m| {
        api.set_interpreter_options(m)
    });
    api.set_interpreter(d.interpreter as i32);
}

/// The frame's state: the keyboard, the busy panel, the fault message, "still there?".
fn shell_frame(flow: &Flow, now: Instant) -> Frame {
    let lang = flow.lang();
    Frame {
        lang,
        keyboard_arabic: flow.draft.keyboard_arabic,
        busy: flow.busy(now),
        fault: flow.fault_visible(now).then(|| fault_message(flow, lang)),
        idle_prompt: flow.idle_prompt(now),
    }
}

/// Why no ticket came: the server's own words when it refused with a message, "please see
/// reception" when it can save nothing, else the general fault text.
fn fault_message(flow: &Flow, lang: Lang) -> FaultMessage {
    if flow.check_in.failed() {
        return check_in::fault_message(lang);
    }
    let (l, other) = (text::labels(lang), text::labels(lang.other()));
    let (text, text_other) = match &flow.submission {
        Submission::Refused(e) if e.needs_staff() => (
            l.fault_see_reception.to_string(),
            other.fault_see_reception.to_string(),
        ),
        Submission::Refused(ClientError::Refused(e)) if e.message.is_some() => {
            let m = e.message.clone().unwrap_or_default();
            (m.get(lang).to_string(), m.get(lang.other()).to_string())
        }
        _ => (l.fault_text.to_string(), other.fault_text.to_string()),
    };
    FaultMessage {
        title: l.fault_title.to_string(),
        text,
        title_other: other.fault_title.to_string(),
        text_other,
    }
}
