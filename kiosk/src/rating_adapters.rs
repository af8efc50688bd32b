//! The rating window's globals ↔ `RatingFlow` (the rating mode's counterpart of `adapters.rs`).
//! `RatingApi` carries the rating screens; the shared frame, keyboard rows, idle prompt, busy and
//! fault panels read the `Api` global, which this also sets and whose callbacks it handles.

use crate::client::ClientError;
use crate::flow::Clock;
use crate::rating_client::{RatingClient, RatingCommand};
use crate::rating_flow::{RatingEffect, RatingFlow, RatingScreen};
use crate::text::{self, Lang};
use slint::{ComponentHandle, Model, ModelRc, SharedString, VecModel};
use std::cell::RefCell;
use std::rc::Rc;
use ui::{Api, Dir, KeyRow, RatingApi, RatingKiosk, RatingTexts};

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
        wire(&app);
        app.after();
        app
    }

    pub fn act(&self, f: impl FnOnce(&mut RatingFlow, std::time::Instant)) {
        let now = self.clock.now();
        f(&mut self.flow.borrow_mut(), now);
        self.after();
    }

    /// Drains the worker's answers.
    pub fn poll(&self) {
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

    pub fn tick(&self) {
        self.poll();
        self.act(|f, now| f.tick(now));
    }

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

    pub fn render(&self) {
        let now = self.clock.now();
        let flow = self.flow.borrow();
        let lang = flow.lang;
        let l = text::labels(lang);
        let r = text::rating_labels(lang);
        let api = self.ui.global::<Api>();
        let rapi = self.ui.global::<RatingApi>();
        self.ui.global::<Dir>().set_rtl(lang.is_rtl());
        let t = crate::adapters::texts(lang);
        if api.get_t() != t {
            api.set_t(t);
        }
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
            r.scores.iter().map(|s| (*s).into()).collect(),
            |m| rapi.set_scores(m),
        );
        rapi.set_score(d.score.map_or(0, i32::from));
        set_model(
            &rapi.get_reasons(),
            r.reasons.iter().map(|s| (*s).into()).collect(),
            |m| rapi.set_reasons(m),
        );
        set_model(&rapi.get_reasons_on(), d.reasons.to_vec(), |m| {
            rapi.set_reasons_on(m)
        });
        rapi.set_comment(d.comment.as_str().into());
        rapi.set_contact(d.contact);

        // The on-screen keyboard of the comment screen.
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

        // Overlays.
        api.set_busy(flow.busy());
        let failed = flow.failed();
        api.set_fault(failed.is_some());
        if let Some(e) = failed {
            let other = lang.other();
            let ro = text::rating_labels(other);
            let (title, title_other, mine, theirs) = match e {
                ClientError::Refused(e) if e.message.is_some() => {
                    let m = e.message.clone().unwrap_or_default();
                    (
                        r.refused_title,
                        ro.refused_title,
                        m.get(lang).to_string(),
                        m.get(other).to_string(),
                    )
                }
                _ => (
                    r.fault_title,
                    ro.fault_title,
                    r.fault_text.to_string(),
                    ro.fault_text.to_string(),
                ),
            };
            api.set_fault_title(title.into());
            api.set_fault_text(mine.into());
            api.set_fault_text_other(format!("{title_other}\n{theirs}").into());
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

fn wire(app: &Rc<RatingApp>) {
    let api = app.ui.global::<Api>();
    let rapi = app.ui.global::<RatingApi>();
    macro_rules! on {
        ($g:ident, $setter:ident, |$f:ident, $now:ident $(, $arg:ident : $ty:ty)*| $body:expr) => {{
            let weak = Rc::downgrade(app);
            $g.$setter(move |$($arg: $ty),*| {
                if let Some(app) = weak.upgrade() {
                    app.act(|$f, $now| $body);
                }
            });
        }};
    }
    on!(api, on_activity, |f, now| f.touch(now));
    on!(api, on_toggle_language, |f, now| f.toggle_language(now));
    on!(api, on_back, |f, now| f.back(now));
    on!(api, on_start_over, |f, now| f.start_over(now));
    on!(api, on_still_here, |f, now| f.still_here(now));
    on!(api, on_done, |f, now| f.done(now));
    on!(api, on_switch_keyboard, |f, now| f.switch_keyboard(now));
    on!(rapi, on_choose_recent, |f, now, i: i32| f
        .choose_recent(i.max(0) as usize, now));
    on!(rapi, on_label_key, |f, now, k: SharedString| f
        .label_key(&k, now));
    on!(rapi, on_label_backspace, |f, now| f.label_backspace(now));
    on!(rapi, on_label_clear, |f, now| f.label_clear(now));
    on!(rapi, on_label_next, |f, now| f.label_next(now));
    on!(rapi, on_choose_score, |f, now, s: i32| f
        .choose_score(s.clamp(0, 5) as u8, now));
    on!(rapi, on_toggle_reason, |f, now, i: i32| f
        .toggle_reason(i.max(0) as usize, now));
    on!(rapi, on_reasons_next, |f, now| f.reasons_next(now));
    on!(rapi, on_comment_key, |f, now, k: SharedString| f
        .key(&k, now));
    on!(rapi, on_comment_backspace, |f, now| f.backspace(now));
    on!(rapi, on_toggle_contact, |f, now| f.toggle_contact(now));
    on!(rapi, on_send, |f, now| f.send(now));
}
