//! The ticket screens' words: the fixed labels of one language (`text.rs` → the `Texts`
//! struct; the shared ones are the shell's), a field's value with its message as typed, and the
//! rows of the review screen.

use crate::shell::ShellFlow;
use crate::text::{self, INTERPRETER, Lang};
use crate::ticket::flow::{Flow, Gender};
use awn_core::intake::Check;
use slint::SharedString;
use ui::{FieldView, ReviewRow, Texts};

/// The ticket screens' fixed labels in `lang`.
pub fn texts(lang: Lang) -> Texts {
    let l = text::labels(lang);
    Texts {
        welcome: l.welcome.into(),
        welcome_sub: l.welcome_sub.into(),
        take_number: l.take_number.into(),
        services_title: l.services_title.into(),
        notice_title: l.notice_title.into(),
        skip_details: l.skip_details.into(),
        give_details: l.give_details.into(),
        details_title: l.details_title.into(),
        name_label: l.name_label.into(),
        id_label: l.id_label.into(),
        mobile_label: l.mobile_label.into(),
        tap_to_type: l.tap_to_type.into(),
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
        joined_from_phone: l.joined_from_phone.into(),
        check_in_title: l.check_in_title.into(),
        check_in_hint: l.check_in_hint.into(),
        check_in_confirm: l.check_in_confirm.into(),
        checked_in_title: l.checked_in_title.into(),
        checked_in_ticket: l.checked_in_ticket.into(),
    }
}

pub fn field_view<T>(lang: Lang, value: &str, check: Check<T>) -> FieldView {
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

pub fn review_rows(flow: &Flow) -> Vec<ReviewRow> {
    let lang = flow.lang();
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
