//! The frame both windows draw around a mode's screens, through the one `Shell` global: the
//! direction, the shared labels (language switch, back, start over, next, keyboard keys, done),
//! the on-screen keyboard's rows, and the busy / fault / "still there?" overlays. The frame's
//! buttons are wired here to the mode's flow (`ShellFlow`).

use crate::shell::session::ShellFlow;
use crate::shell::window::ModeApp;
use crate::text::{self, Lang};
use slint::{Model, ModelRc, SharedString, VecModel};
use std::rc::Rc;
use ui::{Dir, KeyRow, Shell, ShellTexts};

/// What a mode's flow puts into the frame.
pub struct Frame {
    pub lang: Lang,
    /// The letter keyboard's layout.
    pub keyboard_arabic: bool,
    /// A request is on its way: the busy panel (unless the fault panel shows).
    pub busy: bool,
    /// The fault panel.
    pub fault: Option<FaultMessage>,
    /// Seconds left while "still there?" is shown.
    pub idle_prompt: Option<u64>,
}

/// The fault panel's words, in the visitor's language and in the other one.
pub struct FaultMessage {
    pub title: String,
    pub text: String,
    pub title_other: String,
    pub text_other: String,
}

/// Copies the frame into the `Shell` and `Dir` globals.
pub fn render(shell: &Shell<'_>, dir: &Dir<'_>, frame: &Frame) {
    let lang = frame.lang;
    dir.set_rtl(lang.is_rtl());
    let t = shell_texts(lang);
    if shell.get_t() != t {
        shell.set_t(t);
    }
    keyboard(shell, lang, frame.keyboard_arabic);
    shell.set_busy(frame.busy);
    shell.set_fault(frame.fault.is_some());
    if let Some(f) = &frame.fault {
        shell.set_fault_title(f.title.as_str().into());
        shell.set_fault_text(f.text.as_str().into());
        shell.set_fault_text_other(format!("{}\n{}", f.title_other, f.text_other).into());
    }
    match frame.idle_prompt {
        Some(secs) => {
            shell.set_idle_prompt(true);
            shell.set_idle_countdown(text::idle_countdown(lang, secs).into());
        }
        None => shell.set_idle_prompt(false),
    }
}

/// The keyboard's rows, replaced only when the layout changes (keeps the keys stable).
fn keyboard(shell: &Shell<'_>, lang: Lang, arabic: bool) {
    if shell.get_keyboard_arabic() != arabic || shell.get_keyboard_rows().row_count() == 0 {
        shell.set_keyboard_arabic(arabic);
        let rows: Vec<KeyRow> = text::keyboard_rows(arabic)
            .into_iter()
            .map(|r| KeyRow {
                keys: ModelRc::new(VecModel::from(
                    r.into_iter().map(SharedString::from).collect::<Vec<_>>(),
                )),
            })
            .collect();
        shell.set_keyboard_rows(ModelRc::new(VecModel::from(rows)));
    }
    let l = text::labels(lang);
    let (switch, switch_name) = if arabic {
        (l.keyboard_switch_to_en, "English keyboard")
    } else {
        (l.keyboard_switch_to_ar, "لوحة مفاتيح عربية")
    };
    shell.set_keyboard_switch_label(switch.into());
    shell.set_keyboard_switch_name(switch_name.into());
}

pub fn shell_texts(lang: Lang) -> ShellTexts {
    let l = text::labels(lang);
    ShellTexts {
        association: l.association.into(),
        other_language: l.other_language.into(),
        back: l.back.into(),
        start_over: l.start_over.into(),
        next: l.next.into(),
        clear: l.clear.into(),
        backspace: l.backspace.into(),
        space: l.space.into(),
        done: l.done.into(),
        still_there: l.still_there.into(),
        continue_label: l.continue_.into(),
        busy: l.busy.into(),
    }
}

/// Wires the frame's buttons to the mode's flow.
pub fn wire<A: ModeApp>(shell: &Shell<'_>, app: &Rc<A>) {
    macro_rules! on {
        ($setter:ident, $method:ident) => {{
            let weak = Rc::downgrade(app);
            shell.$setter(move || {
                if let Some(app) = weak.upgrade() {
                    app.act(|f, now| f.$method(now));
                }
            });
        }};
    }
    on!(on_activity, touch);
    on!(on_toggle_language, toggle_language);
    on!(on_back, back);
    on!(on_start_over, start_over);
    on!(on_still_here, still_here);
    on!(on_done, done);
    on!(on_switch_keyboard, switch_keyboard);
}

/// Replaces a model's rows only when they changed (keeps repeaters stable between renders).
pub fn set_model<T: Clone + PartialEq + 'static>(
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
