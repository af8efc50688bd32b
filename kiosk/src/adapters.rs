//! The UI globals ↔ the flow. `App` owns the `Flow`, the client handle and the printer; each
//! `Api` callback becomes one `Flow` method call, after which the effects are carried out and
//! the whole view is rendered again from the flow (`render`). All strings come from `text.rs`.
//!
//! Printing: an acknowledged ticket goes to the print thread (`Printer::submit` returns at once);
//! its outcome comes back through `poll`, is told to the server (`printed: true|false`, through
//! the client worker, retried) and to the flow (which shows the ticket view or the fault view).

use crate::api::Ticket;
use crate::client::{Client, Command};
use crate::flow::{Clock, Effect, Field, Flow, Gender, PrintState, Screen, Submission};
use crate::printer::{PrintJob, PrintOutcome, Printer, ticket_content};
use crate::text::{self, INTERPRETER, Lang};
use awn_core::intake::Check;
use awn_core::wire::PrinterTrouble;
use slint::{
    ComponentHandle, Image, Model, ModelRc, Rgb8Pixel, SharedPixelBuffer, SharedString, VecModel,
};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use ui::{Api, Dir, FieldView, KeyRow, Kiosk, ReviewRow, ServiceItem, Texts};

/// How many tickets' last print report `App` remembers (to send each change once).
const KEEP_REPORTS: usize = 64;

pub struct App {
    pub ui: Kiosk,
    pub flow: RefCell<Flow>,
    client: Client,
    pub printer: Printer,
    clock: Rc<dyn Clock>,
    public_base_url: String,
    qr_for: RefCell<String>,
    /// `(ticket id, printed)` last sent to the server, newest last.
    reported: RefCell<VecDeque<(i64, bool)>>,
}

impl App {
    /// Wires every `Api` callback to the flow and renders the first state.
    pub fn new(
        ui: Kiosk,
        flow: Flow,
        client: Client,
        printer: Printer,
        clock: Rc<dyn Clock>,
        public_base_url: &str,
    ) -> Rc<App> {
        let app = Rc::new(App {
            ui,
            flow: RefCell::new(flow),
            client,
            printer,
            clock,
            public_base_url: public_base_url.trim_end_matches('/').to_string(),
            qr_for: RefCell::new(String::new()),
            reported: RefCell::new(VecDeque::new()),
        });
        wire(&app);
        app.render();
        app
    }

    /// Runs one flow action with the current time, then effects and rendering.
    pub fn act(&self, f: impl FnOnce(&mut Flow, std::time::Instant)) {
        let now = self.clock.now();
        f(&mut self.flow.borrow_mut(), now);
        self.after();
    }

    /// Drains the HTTP worker's events and the print thread's outcomes (called when a worker
    /// wakes the event loop, by the periodic timer, and by tests).
    pub fn poll(&self) {
        let events = self.client.drain();
        let printed = self.printer.drain();
        if events.is_empty() && printed.is_empty() {
            return;
        }
        let now = self.clock.now();
        for outcome in printed {
            self.print_outcome(outcome, now);
        }
        {
            let mut flow = self.flow.borrow_mut();
            for ev in events {
                flow.on_client(ev, now);
            }
        }
        self.after();
    }

    /// The server hears about every outcome (even for a ticket already wiped from the screen);
    /// each change is sent once: a failed reprint does not raise a second alert.
    fn print_outcome(&self, o: PrintOutcome, now: std::time::Instant) {
        let printed = o.result.is_ok();
        match &o.result {
            Err(fault) => eprintln!(
                "kiosk: ticket {} (attempt {}) did not print: {}",
                o.ticket_id,
                o.attempt,
                fault.message_en()
            ),
            Ok(report) if report.paper_near_end => {
                eprintln!("kiosk: the printer's paper roll is nearly used up")
            }
            Ok(_) => {}
        }
        let send = {
            let mut reported = self.reported.borrow_mut();
            let last = reported
                .iter()
                .rev()
                .find(|(id, _)| *id == o.ticket_id)
                .map(|(_, p)| *p);
            if last == Some(printed) {
                false
            } else {
                reported.retain(|(id, _)| *id != o.ticket_id);
                if reported.len() == KEEP_REPORTS {
                    reported.pop_front();
                }
                reported.push_back((o.ticket_id, printed));
                true
            }
        };
        if send {
            self.client.send(Command::ReportPrint {
                ticket_id: o.ticket_id,
                printed,
                trouble: printer_trouble(&o.result),
            });
        }
        self.flow
            .borrow_mut()
            .on_printed(o.ticket_id, o.attempt, o.result.map(|_| ()), now);
    }

    /// The periodic timer: idle prompt, wipes, fault message.
    pub fn tick(&self) {
        self.poll();
        self.act(|f, now| f.tick(now));
    }

    fn after(&self) {
        let effects = self.flow.borrow_mut().take_effects();
        for e in effects {
            match e {
                Effect::RefreshServices => self.client.send(Command::RefreshServices),
                Effect::Submit { key, request } => {
                    self.client.send(Command::Submit { key, request })
                }
                Effect::CancelSubmit => self.client.send(Command::CancelSubmit),
                Effect::Print { ticket, attempt } => {
                    let content = ticket_content(
                        &ticket,
                        &self.flow.borrow().services,
                        &self.status_url(&ticket),
                    );
                    self.printer.submit(PrintJob {
                        ticket_id: ticket.id,
                        attempt,
                        content,
                    });
                }
            }
        }
        self.render();
    }

    fn status_url(&self, t: &Ticket) -> String {
        if t.status_path.is_empty() {
            String::new()
        } else {
            format!("{}{}", self.public_base_url, t.status_path)
        }
    }

    /// Copies the flow into the UI globals.
    pub fn render(&self) {
        let now = self.clock.now();
        let flow = self.flow.borrow();
        let lang = flow.lang;
        let l = text::labels(lang);
        let api = self.ui.global::<Api>();
        self.ui.global::<Dir>().set_rtl(lang.is_rtl());
        let t = texts(lang);
        if api.get_t() != t {
            api.set_t(t);
        }
        api.set_screen(match flow.screen {
            Screen::Welcome => ui::Screen::Welcome,
            Screen::Services => ui::Screen::Services,
            Screen::Notice => ui::Screen::Notice,
            Screen::Details => ui::Screen::Details,
            Screen::Needs => ui::Screen::Needs,
            Screen::Review => ui::Screen::Review,
            Screen::Ticket => ui::Screen::Ticket,
        });
        api.set_offline_message(if flow.online {
            "".into()
        } else {
            l.offline.into()
        });

        // Services.
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
                l.no_services.into()
            } else {
                "".into()
            },
        );

        // Notice.
        match &flow.notice {
            Some(n) => {
                api.set_notice_text(n.text.get(lang).into());
                api.set_notice_text_other(n.text.get(lang.other()).into());
            }
            None => {
                api.set_notice_text(l.notice_missing.into());
                api.set_notice_text_other(text::labels(lang.other()).notice_missing.into());
            }
        }
        api.set_details_available(flow.notice.is_some());

        // Details.
        let d = &flow.draft;
        api.set_active_field(match d.active {
            Field::Name => 0,
            Field::NationalId => 1,
            Field::Mobile => 2,
        });
        api.set_name(field_view(lang, &d.name, flow.check_name()));
        api.set_national_id(field_view(lang, &d.national_id, flow.check_id()));
        api.set_mobile(field_view(lang, &d.mobile, flow.check_mobile()));
        api.set_details_can_continue(flow.details_acceptable());
        if api.get_keyboard_arabic() != d.keyboard_arabic
            || api.get_keyboard_rows().row_count() == 0
        {
            api.set_keyboard_arabic(d.keyboard_arabic);
            let rows: Vec<KeyRow> = text::keyboard_rows(d.keyboard_arabic)
                .into_iter()
                .map(|r| KeyRow {
                    keys: ModelRc::new(VecModel::from(
                        r.into_iter().map(SharedString::from).collect::<Vec<_>>(),
                    )),
                })
                .collect();
            api.set_keyboard_rows(ModelRc::new(VecModel::from(rows)));
        }
        let (switch, switch_name) = if d.keyboard_arabic {
            (l.keyboard_switch_to_en, "English keyboard")
        } else {
            (l.keyboard_switch_to_ar, "لوحة مفاتيح عربية")
        };
        api.set_keyboard_switch_label(switch.into());
        api.set_keyboard_switch_name(switch_name.into());

        // Needs.
        api.set_gender(match d.gender {
            None => 0,
            Some(Gender::Female) => 1,
            Some(Gender::Male) => 2,
        });
        api.set_wheelchair(d.needs.wheelchair);
        api.set_hearing(d.needs.hearing);
        api.set_companion(d.needs.companion);
        api.set_not_safe(d.feels_unsafe);
        api.set_priority_asked(d.priority_asked);
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

        // Review.
        let rows = if flow.screen == Screen::Review {
            review_rows(&flow)
        } else {
            Vec::new()
        };
        set_model(&api.get_review_rows(), rows, |m| api.set_review_rows(m));

        // Ticket.
        match &flow.ticket {
            Some(t) => {
                api.set_ticket_label(t.label.as_str().into());
                let service = flow.services.iter().find(|s| s.code == t.service);
                api.set_ticket_service(service.map(|s| s.name.get(lang)).unwrap_or("").into());
                api.set_ticket_ahead(text::people_ahead(lang, t.people_ahead).into());
                api.set_ticket_wait(text::wait_minutes(lang, t.estimated_wait_minutes).into());
                let url = self.status_url(t);
                if *self.qr_for.borrow() != url {
                    api.set_ticket_qr(qr_image(&url));
                    *self.qr_for.borrow_mut() = url;
                }
                let (state, status) = match &flow.print {
                    PrintState::None | PrintState::Printing { .. } => {
                        (ui::PrintState::Printing, l.ticket_printing)
                    }
                    PrintState::Printed => (ui::PrintState::Printed, l.ticket_printed),
                    PrintState::Failed { .. } => (ui::PrintState::Failed, ""),
                    PrintState::Reprinting { .. } => {
                        (ui::PrintState::Reprinting, l.ticket_printing)
                    }
                };
                api.set_ticket_print_state(state);
                api.set_ticket_print_status(status.into());
                if let Some(fault) = flow.print.fault() {
                    let other = lang.other();
                    let lo = text::labels(other);
                    api.set_print_fault_reason(text::print_fault(lang, fault).into());
                    api.set_print_fault_other(
                        format!(
                            "{}\n{}",
                            lo.print_reception,
                            text::print_fault(other, fault)
                        )
                        .into(),
                    );
                }
            }
            None => {
                if !self.qr_for.borrow().is_empty() {
                    api.set_ticket_label("".into());
                    api.set_ticket_service("".into());
                    api.set_ticket_qr(Image::default());
                    self.qr_for.borrow_mut().clear();
                }
            }
        }

        // Overlays.
        let fault = flow.fault_visible(now);
        api.set_busy(flow.busy(now));
        api.set_fault(fault);
        if fault {
            let other = lang.other();
            let (mine, theirs) = match &flow.submission {
                Submission::Refused(e) if e.needs_staff() => (
                    l.fault_see_reception.to_string(),
                    text::labels(other).fault_see_reception.to_string(),
                ),
                Submission::Refused(crate::client::ClientError::Refused(e))
                    if e.message.is_some() =>
                {
                    let m = e.message.clone().unwrap_or_default();
                    (m.get(lang).to_string(), m.get(other).to_string())
                }
                _ => (
                    l.fault_text.to_string(),
                    text::labels(other).fault_text.to_string(),
                ),
            };
            api.set_fault_title(l.fault_title.into());
            api.set_fault_text(mine.into());
            api.set_fault_text_other(
                format!("{}\n{}", text::labels(other).fault_title, theirs).into(),
            );
        }
        match flow.idle_prompt(now) {
            Some(secs) => {
                api.set_idle_prompt(true);
                api.set_idle_countdown(text::idle_countdown(lang, secs).into());
            }
            None => api.set_idle_prompt(false),
        }
    }
}

pub fn texts(lang: Lang) -> Texts {
    let l = text::labels(lang);
    Texts {
        association: l.association.into(),
        welcome: l.welcome.into(),
        welcome_sub: l.welcome_sub.into(),
        take_number: l.take_number.into(),
        other_language: l.other_language.into(),
        back: l.back.into(),
        start_over: l.start_over.into(),
        next: l.next.into(),
        services_title: l.services_title.into(),
        notice_title: l.notice_title.into(),
        skip_details: l.skip_details.into(),
        give_details: l.give_details.into(),
        details_title: l.details_title.into(),
        name_label: l.name_label.into(),
        id_label: l.id_label.into(),
        mobile_label: l.mobile_label.into(),
        tap_to_type: l.tap_to_type.into(),
        clear: l.clear.into(),
        backspace: l.backspace.into(),
        space: l.space.into(),
        needs_title: l.needs_title.into(),
        gender_label: l.gender_label.into(),
        gender_any: l.gender_any.into(),
        gender_female: l.gender_female.into(),
        gender_male: l.gender_male.into(),
        needs_label: l.needs_label.into(),
        wheelchair: l.wheelchair.into(),
        hearing: l.hearing.into(),
        companion: l.companion.into(),
        not_safe: l.not_safe.into(),
        priority_asked: l.priority_asked.into(),
        elderly: l.elderly.into(),
        pregnancy: l.pregnancy.into(),
        other_disability: l.other_disability.into(),
        interpreter_label: l.interpreter_label.into(),
        review_title: l.review_title.into(),
        review_statement: l.review_statement.into(),
        confirm: l.confirm.into(),
        ticket_title: l.ticket_title.into(),
        ticket_printing: l.ticket_printing.into(),
        ticket_scan: l.ticket_scan.into(),
        print_reception: l.print_reception.into(),
        print_photo: l.print_photo.into(),
        print_again: l.print_again.into(),
        done: l.done.into(),
        still_there: l.still_there.into(),
        continue_label: l.continue_.into(),
        busy: l.busy.into(),
    }
}

fn field_view<T>(lang: Lang, value: &str, check: Check<T>) -> FieldView {
    let (message, is_error) = match check {
        Check::Partial(p) => (text::problem(lang, p), false),
        Check::Invalid(p) => (text::problem(lang, p), true),
        Check::Empty | Check::Valid(_) => (String::new(), false),
    };
    FieldView {
        value: value.into(),
        message: message.into(),
        is_error,
    }
}

fn review_rows(flow: &Flow) -> Vec<ReviewRow> {
    let lang = flow.lang;
    let l = text::labels(lang);
    let d = &flow.draft;
    let or_none =
        |s: Option<String>| -> SharedString { s.unwrap_or_else(|| l.not_given.to_string()).into() };
    let service = d
        .service
        .as_ref()
        .and_then(|c| flow.services.iter().find(|s| &s.code == c))
        .map(|s| s.name.get(lang).to_string());
    let mut needs: Vec<&str> = Vec::new();
    if d.needs.wheelchair {
        needs.push(l.wheelchair);
    }
    if d.needs.hearing {
        needs.push(l.hearing);
    }
    if d.needs.named_disability {
        needs.push(l.other_disability);
    }
    if d.needs.elderly {
        needs.push(l.elderly);
    }
    if d.needs.pregnancy {
        needs.push(l.pregnancy);
    }
    if d.needs.companion {
        needs.push(l.companion);
    }
    if d.priority_asked {
        needs.push(l.priority_asked);
    }
    if d.feels_unsafe {
        needs.push(l.not_safe);
    }
    let sep = if lang == Lang::Ar { "، " } else { ", " };
    let row = |label: &str, value: SharedString| ReviewRow {
        label: label.into(),
        value,
    };
    vec![
        row(l.services_title, or_none(service)),
        row(l.name_label, or_none(flow.check_name().valid())),
        // Digits stay left to right inside Arabic text (LRI … PDI isolate).
        row(
            l.id_label,
            or_none(
                flow.check_id()
                    .valid()
                    .map(|s| format!("\u{2066}{s}\u{2069}")),
            ),
        ),
        row(
            l.mobile_label,
            or_none(
                flow.check_mobile()
                    .valid()
                    .map(|s| format!("\u{2066}{s}\u{2069}")),
            ),
        ),
        row(
            l.review_gender,
            match d.gender {
                None => l.gender_any,
                Some(Gender::Female) => l.gender_female,
                Some(Gender::Male) => l.gender_male,
            }
            .into(),
        ),
        row(
            l.needs_label,
            or_none((!needs.is_empty()).then(|| needs.join(sep))),
        ),
        row(
            l.interpreter_label,
            or_none((d.interpreter > 0).then(|| {
                lang.pick(INTERPRETER[d.interpreter].1, INTERPRETER[d.interpreter].2)
                    .to_string()
            })),
        ),
    ]
}

/// Replaces a model's rows only when they changed (keeps repeaters stable between renders).
fn set_model<T: Clone + PartialEq + 'static>(
    current: &ModelRc<T>,
    rows: Vec<T>,
    set: impl FnOnce(ModelRc<T>),
) {
    let same =
        current.row_count() == rows.len() && current.iter().zip(rows.iter()).all(|(a, b)| a == *b);
    if !same {
        set(ModelRc::new(VecModel::from(rows)));
    }
}

/// The status link as a QR code image (black modules on white, 4-module quiet zone).
pub fn qr_image(url: &str) -> Image {
    if url.is_empty() {
        return Image::default();
    }
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
    else {
        return Image::default();
    };
    let n = code.width();
    let colors = code.to_colors();
    // One pixel per module: the view scales it by a whole number (pixelated), so it stays sharp
    // at any size.
    let scale = 1usize;
    let quiet = 4usize;
    let side = (n + 2 * quiet) * scale;
    let mut buf = SharedPixelBuffer::<Rgb8Pixel>::new(side as u32, side as u32);
    let px = buf.make_mut_slice();
    for (i, p) in px.iter_mut().enumerate() {
        let (x, y) = ((i % side) / scale, (i / side) / scale);
        let dark = x >= quiet
            && y >= quiet
            && x < n + quiet
            && y < n + quiet
            && colors[(y - quiet) * n + (x - quiet)] == qrcode::Color::Dark;
        *p = if dark {
            Rgb8Pixel::new(0, 0, 0)
        } else {
            Rgb8Pixel::new(255, 255, 255)
        };
    }
    Image::from_rgb8(buf)
}

fn wire(app: &Rc<App>) {
    let api = app.ui.global::<Api>();
    macro_rules! on {
        ($setter:ident, |$f:ident, $now:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
            let weak = Rc::downgrade(app);
            api.$setter(move |$($arg: $ty),*| {
                if let Some(app) = weak.upgrade() {
                    app.act(|$f, $now| $body);
                }
            });
        }};
    }
    on!(on_activity, |f, now| f.touch(now));
    on!(on_toggle_language, |f, now| f.toggle_language(now));
    on!(on_take_number, |f, now| f.take_number(now));
    on!(on_choose_service, |f, now, i: i32| f
        .choose_service(i.max(0) as usize, now));
    on!(on_skip_details, |f, now| f.skip_details(now));
    on!(on_give_details, |f, now| f.give_details(now));
    on!(on_back, |f, now| f.back(now));
    on!(on_start_over, |f, now| f.start_over(now));
    on!(on_focus_field, |f, now, i: i32| f.focus_field(
        match i {
            1 => Field::NationalId,
            2 => Field::Mobile,
            _ => Field::Name,
        },
        now
    ));
    on!(on_key, |f, now, k: SharedString| f.key(&k, now));
    on!(on_backspace, |f, now| f.backspace(now));
    on!(on_clear_field, |f, now| f.clear_field(now));
    on!(on_switch_keyboard, |f, now| f.switch_keyboard(now));
    on!(on_details_next, |f, now| f.details_next(now));
    on!(on_set_gender, |f, now, i: i32| f.set_gender(
        match i {
            1 => Some(Gender::Female),
            2 => Some(Gender::Male),
            _ => None,
        },
        now
    ));
    on!(on_toggle_need, |f, now, i: i32| f
        .toggle_need(i.max(0) as usize, now));
    on!(on_set_interpreter, |f, now, i: i32| f
        .set_interpreter(i.max(0) as usize, now));
    on!(on_needs_next, |f, now| f.needs_next(now));
    on!(on_confirm, |f, now| f.confirm(now));
    on!(on_still_here, |f, now| f.still_here(now));
    on!(on_done, |f, now| f.done(now));
    on!(on_print_again, |f, now| f.print_again(now));
}

/// What a print outcome tells the supervisor (the server's reason codes): why a ticket did not
/// print, or that the roll is nearly used up while tickets still print.
fn printer_trouble(
    result: &Result<kiosk_printer::PrintReport, kiosk_printer::PrintFault>,
) -> Option<PrinterTrouble> {
    use kiosk_printer::PrintFault;
    match result {
        Ok(report) => report
            .paper_near_end
            .then_some(PrinterTrouble::PaperNearEnd),
        Err(PrintFault::PaperEnd) => Some(PrinterTrouble::PaperOut),
        Err(PrintFault::CoverOpen) => Some(PrinterTrouble::CoverOpen),
        Err(PrintFault::Offline) => Some(PrinterTrouble::Offline),
        Err(PrintFault::NoAnswer) => Some(PrinterTrouble::NoAnswer),
        Err(PrintFault::Io(_)) => Some(PrinterTrouble::Io),
        Err(PrintFault::Config(_)) => Some(PrinterTrouble::Config),
        Err(PrintFault::Render(_)) => Some(PrinterTrouble::Render),
    }
}

#[cfg(test)]
mod tests {
    use kiosk_printer::{PrintFault, PrintReport};

    /// The reason code as sent to the server.
    fn printer_trouble(result: &Result<PrintReport, PrintFault>) -> Option<&'static str> {
        super::printer_trouble(result).map(awn_core::wire::PrinterTrouble::as_str)
    }

    fn printed(paper_near_end: bool) -> Result<PrintReport, PrintFault> {
        Ok(PrintReport {
            bytes: 1,
            width: 1,
            height: 1,
            paper_near_end,
            files: None,
        })
    }

    #[test]
    fn every_printer_fault_and_a_nearly_empty_roll_are_told_to_the_server() {
        assert_eq!(printer_trouble(&printed(false)), None);
        assert_eq!(printer_trouble(&printed(true)), Some("paper_near_end"));
        assert_eq!(
            printer_trouble(&Err(PrintFault::PaperEnd)),
            Some("paper_out")
        );
        assert_eq!(
            printer_trouble(&Err(PrintFault::CoverOpen)),
            Some("cover_open")
        );
        assert_eq!(printer_trouble(&Err(PrintFault::Offline)), Some("offline"));
        assert_eq!(
            printer_trouble(&Err(PrintFault::NoAnswer)),
            Some("no_answer")
        );
        assert_eq!(
            printer_trouble(&Err(PrintFault::Io("disk".into()))),
            Some("io")
        );
    }
}
