//! Why a ticket was not printed, in words for staff (Arabic first) and for logs.
//!
//! Every variant means the same thing to the kiosk: the ticket does **not** count as handed over. It shows the
//! ticket on screen, marks it not printed on the server and alerts staff.

use std::fmt;

use crate::config::ConfigError;
use crate::layout::RenderError;

/// A ticket that could not be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintFault {
    /// The paper ran out (before the ticket, or while it was printing).
    PaperEnd,
    /// The printer's cover is open.
    CoverOpen,
    /// The printer is unreachable, or reports itself offline or in error.
    Offline,
    /// The printer did not answer a status query in time.
    NoAnswer,
    /// Writing to the printer or its output folder failed.
    Io(String),
    /// The printer settings are unusable.
    Config(ConfigError),
    /// The ticket could not be drawn (e.g. an empty or oversized status link).
    Render(RenderError),
}

impl PrintFault {
    /// Message for staff, in Arabic.
    pub fn message_ar(&self) -> String {
        match self {
            PrintFault::PaperEnd => "نفد ورق الطابعة. يرجى تركيب لفة جديدة.".into(),
            PrintFault::CoverOpen => "غطاء الطابعة مفتوح. يرجى إغلاقه.".into(),
            PrintFault::Offline => "الطابعة غير متصلة أو متوقفة بسبب خطأ.".into(),
            PrintFault::NoAnswer => "الطابعة لا تستجيب.".into(),
            PrintFault::Io(_) => "تعذر إرسال التذكرة إلى الطابعة.".into(),
            PrintFault::Config(_) => "إعدادات الطابعة غير صحيحة.".into(),
            PrintFault::Render(_) => "تعذر تجهيز التذكرة للطباعة.".into(),
        }
    }

    /// Message for staff, in English (details included for logs).
    pub fn message_en(&self) -> String {
        match self {
            PrintFault::PaperEnd => "The printer is out of paper. Please load a new roll.".into(),
            PrintFault::CoverOpen => "The printer cover is open. Please close it.".into(),
            PrintFault::Offline => "The printer is offline or stopped by an error.".into(),
            PrintFault::NoAnswer => "The printer does not answer.".into(),
            PrintFault::Io(e) => format!("The ticket could not be sent to the printer: {e}"),
            PrintFault::Config(e) => format!("The printer settings are wrong: {e}"),
            PrintFault::Render(e) => format!("The ticket could not be prepared: {e}"),
        }
    }
}

impl fmt::Display for PrintFault {
    /// Arabic, then English, on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} — {}", self.message_ar(), self.message_en())
    }
}

impl std::error::Error for PrintFault {}

impl From<ConfigError> for PrintFault {
    fn from(e: ConfigError) -> Self {
        PrintFault::Config(e)
    }
}

impl From<RenderError> for PrintFault {
    fn from(e: RenderError) -> Self {
        PrintFault::Render(e)
    }
}
