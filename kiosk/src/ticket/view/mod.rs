//! The ticket window ↔ the flow. `App` owns the `Flow`, the client handle and the printer; each
//! `Api` callback becomes one `Flow` method call (the frame's buttons are the shell's), after
//! which the effects are carried out and the whole window is rendered again from the flow.
//! - `render`: the flow → the `Api` global, one function per screen, and the shell's frame;
//! - `texts`: the fixed labels, the fields' messages and the review rows;
//! - `qr`: the status link as a QR code image;
//! - `print_report`: what the server hears about each print;
//! - `check_in`: the keypad and "you are checked in" screens.
//!
//! Printing: an acknowledged ticket goes to the print thread (`Printer::submit` returns at once);
//! its outcome comes back through `poll`, is told to the server (`printed: true|false`, through
//! the client worker, retried) and to the flow (which shows the ticket view or the fault view).

mod check_in;
mod print_report;
mod qr;
mod render;
mod texts;

pub use qr::qr_image;

use crate::api::{Need, Ticket};
use crate::shell::{Clock, ModeApp, frame};
use crate::ticket::client::{Client, Command};
use crate::ticket::flow::{Effect, Field, Flow, Gender, NeedToggle};
use crate::ticket::printer::{
    Paper, PrintJob, PrintOutcome, Printer, slip_content, ticket_content,
};
use print_report::Reported;
use slint::{ComponentHandle, SharedString};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;
use ui::{Api, Kiosk, Shell};

pub struct App {
    pub ui: Kiosk,
    pub flow: RefCell<Flow>,
    client: Client,
    pub printer: Printer,
    clock: Rc<dyn Clock>,
    public_base_url: String,
    /// The status link the QR code on screen encodes.
    qr_for: RefCell<String>,
    reported: RefCell<Reported>,
}

impl App {
    /// Wires every callback to the flow and renders the first state.
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
            reported: RefCell::new(Reported::default()),
        });
        frame::wire(&app.ui.global::<Shell>(), &app);
        wire(&app);
        app.render();
        app
    }

    /// The server hears about every ticket's outcome (even for a ticket already wiped from the
    /// screen); each change is sent once: a failed reprint does not raise a second alert. A
    /// check-in slip is the flow's only.
    fn print_outcome(&self, o: PrintOutcome, now: Instant) {
        print_report::log(&o);
        let printed = o.result.is_ok();
        let ticket_id = match o.paper {
            Paper::Ticket(id) => id,
            Paper::CheckInSlip(request) => {
                self.flow.borrow_mut().on_slip_printed(request, printed);
                return;
            }
        };
        if self.reported.borrow_mut().changed(ticket_id, printed) {
            self.client.send(Command::ReportPrint {
                ticket_id,
                printed,
                trouble: print_report::printer_trouble(&o.result),
            });
        }
        self.flow
            .borrow_mut()
            .on_printed(ticket_id, o.attempt, o.result.map(|_| ()), now);
    }

    /// Carries out the flow's effects, then renders.
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
                        paper: Paper::Ticket(ticket.id),
                        attempt,
                        content,
                    });
                }
                Effect::CheckIn { request, code } => {
                    self.client.send(Command::CheckIn { request, code })
                }
                Effect::PrintSlip {
                    request,
                    checked_in,
                } => {
                    let content = slip_content(&checked_in, &self.flow.borrow().services);
                    self.printer.submit(PrintJob {
                        paper: Paper::CheckInSlip(request),
                        attempt: 1,
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
}

impl ModeApp for App {
    type Ui = Kiosk;
    type Flow = Flow;

    fn ui(&self) -> &Kiosk {
        &self.ui
    }

    fn act(&self, f: impl FnOnce(&mut Flow, Instant)) {
        let now = self.clock.now();
        f(&mut self.flow.borrow_mut(), now);
        self.after();
    }

    /// Drains the HTTP worker's events and the print thread's outcomes.
    fn poll(&self) {
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
}

/// The ticket screens' callbacks (the frame's are wired by `shell::frame::wire`).
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
    on!(on_take_number, |f, now| f.take_number(now));
    on!(on_choose_service, |f, now, i: i32| f
        .choose_service(i.max(0) as usize, now));
    on!(on_skip_details, |f, now| f.skip_details(now));
    on!(on_give_details, |f, now| f.give_details(now));
    on!(on_focus_field, |f, now, field: ui::FormField| f
        .focus_field(form_field(field), now));
    on!(on_key, |f, now, k: SharedString| f.key(&k, now));
    on!(on_backspace, |f, now| f.backspace(now));
    on!(on_clear_field, |f, now| f.clear_field(now));
    on!(on_details_next, |f, now| f.details_next(now));
    on!(on_set_gender, |f, now, g: ui::GenderChoice| f
        .set_gender(gender(g), now));
    on!(on_toggle_need, |f, now, n: ui::Need| f
        .toggle_need(need(n), now));
    on!(on_set_interpreter, |f, now, i: i32| f
        .set_interpreter(i.max(0) as usize, now));
    on!(on_needs_next, |f, now| f.needs_next(now));
    on!(on_confirm, |f, now| f.confirm(now));
    on!(on_print_again, |f, now| f.print_again(now));
    on!(on_joined_from_phone, |f, now| f.joined_from_phone(now));
    on!(on_check_in_key, |f, now, k: SharedString| f
        .check_in_key(&k, now));
    on!(on_check_in_backspace, |f, now| f.check_in_backspace(now));
    on!(on_check_in_clear, |f, now| f.check_in_clear(now));
    on!(on_check_in_confirm, |f, now| f.check_in_confirm(now));
}

fn form_field(f: ui::FormField) -> Field {
    match f {
        ui::FormField::Name => Field::Name,
        ui::FormField::NationalId => Field::NationalId,
        ui::FormField::Mobile => Field::Mobile,
    }
}

fn gender(g: ui::GenderChoice) -> Option<Gender> {
    match g {
        ui::GenderChoice::Any => None,
        ui::GenderChoice::Female => Some(Gender::Female),
        ui::GenderChoice::Male => Some(Gender::Male),
    }
}

fn need(n: ui::Need) -> NeedToggle {
    match n {
        ui::Need::Wheelchair => NeedToggle::Need(Need::Wheelchair),
        ui::Need::Hearing => NeedToggle::Need(Need::Hearing),
        ui::Need::Companion => NeedToggle::Need(Need::Companion),
        ui::Need::Elderly => NeedToggle::Need(Need::Elderly),
        ui::Need::Pregnancy => NeedToggle::Need(Need::Pregnancy),
        ui::Need::NamedDisability => NeedToggle::Need(Need::NamedDisability),
        ui::Need::NotSafe => NeedToggle::NotSafe,
        ui::Need::Priority => NeedToggle::Priority,
    }
}
