//! The rating window ↔ `RatingFlow`. `RatingApi` carries the rating screens; the frame (language
//! switch, back, start over, keyboard rows, busy / fault / "still there?") is the shell's
//! `Shell` global, rendered and wired by `shell::frame`.

use crate::http::ClientError;
use crate::rating::client::{RatingClient, RatingCommand};
use crate::rating::flow::{RatingEffect, RatingFlow, RatingScreen};
use crate::shell::frame::{self, FaultMessage, Frame, set_model};
use crate::shell::{Clock, ModeApp, ShellFlow};
use crate::text::{self, Lang};
use slint::{ComponentHandle, SharedString};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;
use ui::{Dir, RatingApi, RatingKiosk, RatingTexts, Shell};

pub struct RatingApp {
    pub ui: RatingKiosk,
    pub flow: RefCell<RatingFlow>,
    client: RatingClient,
    clock: Rc<dyn Clock>,
}

impl RatingApp {
    pub fn new(
        ui: RatingKiosk,
        flow: RatingFlow,
        client: RatingClient,
        clock: Rc<dyn Clock>,
    ) -> Rc<RatingApp> {
        let app = Rc::new(RatingApp {
            ui,
            flow: RefCell::new(flow),
            client,
            clock,
        });
        frame::wire(&app.ui.global::<Shell>(), &app);
        wire(&app);
        app.after();
        app
    }

    /// Carries out the flow's effects, then renders.
    fn after(&self) {
        let effects = self.flow.borrow_mut().take_effects();
        for e in effects {
            self.client.send(match e {
                RatingEffect::FetchRecent => RatingCommand::FetchRecent,
                RatingEffect::Submit { seq, body } => RatingCommand::Submit { seq, body },
            });
        }
        self.render();
    }

    /// Copies the flow into the UI globals.
    pub fn render(&self) {
        let now = self.clock.now();
        let flow = self.flow.borrow();
        let lang = flow.lang();
        let r = text::rating_labels(lang);
        let rapi = self.ui.global::<RatingApi>();
        let rt = rating_texts(lang);
        if rapi.get_t() != rt {
            rapi.set_t(rt);
        }
        rapi.set_screen(match flow.screen {
            RatingScreen::Start => ui::RatingScreen::Start,
            RatingScreen::Score => ui::RatingScreen::Score,
            RatingScreen::Reasons => ui::RatingScreen::Reasons,
            RatingScreen::Comment => ui::RatingScreen::Comment,
            RatingScreen::Thanks => ui::RatingScreen::Thanks,
        });
        let d = &flow.draft;
        set_model(
            &rapi.get_recent(),
            flow.recent.iter().map(|s| s.as_str().into()).collect(),
            |m| rapi.set_recent(m),
        );
        // Shown as it will be sent once complete ("A-017"), else as typed.
        let shown = flow.typed_label().unwrap_or_else(|| d.typed.clone());
        rapi.set_typed_label(shown.into());
        rapi.set_label_ok(flow.typed_label().is_some());
        rapi.set_chosen_label(d.label.clone().unwrap_or_default().into());
        set_model(
            &rapi.get_scores(),
            r.scores.iter().map(|s| SharedString::from(*s)).collect(),
            |m| rapi.set_scores(m),
        );
        rapi.set_score(d.score.map_or(0, i32::from));
        set_model(
            &rapi.get_reasons(),
            r.reasons.iter().map(|s| SharedString::from(*s)).collect(),
            |m| rapi.set_reasons(m),
        );
        set_model(&rapi.get_reasons_on(), d.reasons.to_vec(), |m| {
            rapi.set_reasons_on(m)
        });
        rapi.set_comment(d.comment.as_str().into());
        rapi.set_contact(d.contact);
        frame::render(
            &self.ui.global::<Shell>(),
            &self.ui.global::<Dir>(),
            &Frame {
                lang,
                keyboard_arabic: d.keyboard_arabic,
                busy: flow.busy(),
                fault: flow.failed().map(|e| fault_message(e, lang)),
                idle_prompt: flow.idle_prompt(now),
            },
        );
    }
}

impl ModeApp for RatingApp {
    type Ui = RatingKiosk;
    type Flow = RatingFlow;

    fn ui(&self) -> &RatingKiosk {
        &self.ui
    }

    fn act(&self, f: impl FnOnce(&mut RatingFlow, Instant)) {
        let now = self.clock.now();
        f(&mut self.flow.borrow_mut(), now);
        self.after();
    }

    /// Drains the worker's answers.
    fn poll(&self) {
        let events = self.client.drain();
        if events.is_empty() {
            return;
        }
        let now = self.clock.now();
        {
            let mut flow = self.flow.borrow_mut();
            for ev in events {
                flow.on_event(ev, now);
            }
        }
        self.after();
    }
}

/// The server's own words when it refused with a message ("already rated"), else the general
/// fault text.
fn fault_message(e: &ClientError, lang: Lang) -> FaultMessage {
    let (r, ro) = (text::rating_labels(lang), text::rating_labels(lang.other()));
    match e {
        ClientError::Refused(e) if e.message.is_some() => {
            let m = e.message.clone().unwrap_or_default();
            FaultMessage {
                title: r.refused_title.to_string(),
                text: m.get(lang).to_string(),
                title_other: ro.refused_title.to_string(),
                text_other: m.get(lang.other()).to_string(),
            }
        }
        _ => FaultMessage {
            title: r.fault_title.to_string(),
            text: r.fault_text.to_string(),
            title_other: ro.fault_title.to_string(),
            text_other: ro.fault_text.to_string(),
        },
    }
}

fn rating_texts(lang: Lang) -> RatingTexts {
    let r = text::rating_labels(lang);
    RatingTexts {
        start_title: r.start_title.into(),
        start_sub: r.start_sub.into(),
        recent_label: r.recent_label.into(),
        no_recent: r.no_recent.into(),
        type_label: r.type_label.into(),
        score_title: r.score_title.into(),
        reasons_title: r.reasons_title.into(),
        comment_title: r.comment_title.into(),
        no_names: r.no_names.into(),
        contact: r.contact.into(),
        contact_hint: r.contact_hint.into(),
        send: r.send.into(),
        thanks_title: r.thanks_title.into(),
        thanks_sub: r.thanks_sub.into(),
    }
}

/// The rating screens' callbacks (the frame's are wired by `shell::frame::wire`).
fn wire(app: &Rc<RatingApp>) {
    let rapi = app.ui.global::<RatingApi>();
    macro_rules! on {
        ($setter:ident, |$f:ident, $now:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
            let weak = Rc::downgrade(app);
            rapi.$setter(move |$($arg: $ty),*| {
                if let Some(app) = weak.upgrade() {
                    app.act(|$f, $now| $body);
                }
            });
        }};
    }
    on!(on_choose_recent, |f, now, i: i32| f
        .choose_recent(i.max(0) as usize, now));
    on!(on_label_key, |f, now, k: SharedString| f.label_key(&k, now));
    on!(on_label_backspace, |f, now| f.label_backspace(now));
    on!(on_label_clear, |f, now| f.label_clear(now));
    on!(on_label_next, |f, now| f.label_next(now));
    on!(on_choose_score, |f, now, s: i32| f
        .choose_score(s.clamp(0, 5) as u8, now));
    on!(on_toggle_reason, |f, now, i: i32| f
        .toggle_reason(i.max(0) as usize, now));
    on!(on_reasons_next, |f, now| f.reasons_next(now));
    on!(on_comment_key, |f, now, k: SharedString| f.key(&k, now));
    on!(on_comment_backspace, |f, now| f.backspace(now));
    on!(on_toggle_contact, |f, now| f.toggle_contact(now));
    on!(on_send, |f, now| f.send(now));
}
