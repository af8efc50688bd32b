//! Every fixed string on the kiosk, in Arabic and English. Neutral, calm wording: the screen
//! never says "victim", "crime" or "report" beyond the association's own name.

use awn_core::intake::Problem;
use awn_core::rating;

/// The visitor's language. Arabic first.
pub use awn_core::Lang;

/// Fixed labels of one language; the views copy them into the UI's `ShellTexts` (the shared
/// ones, `shell::frame`) and `Texts` (the ticket screens', `ticket::view::texts`).
pub struct Labels {
    pub association: &'static str,
    pub welcome: &'static str,
    pub welcome_sub: &'static str,
    pub take_number: &'static str,
    pub other_language: &'static str,
    pub back: &'static str,
    pub start_over: &'static str,
    pub next: &'static str,
    pub services_title: &'static str,
    pub notice_title: &'static str,
    pub skip_details: &'static str,
    pub give_details: &'static str,
    pub details_title: &'static str,
    pub name_label: &'static str,
    pub id_label: &'static str,
    pub mobile_label: &'static str,
    pub tap_to_type: &'static str,
    pub clear: &'static str,
    pub backspace: &'static str,
    pub space: &'static str,
    pub needs_title: &'static str,
    pub gender_label: &'static str,
    pub review_gender: &'static str,
    pub gender_any: &'static str,
    pub gender_female: &'static str,
    pub gender_male: &'static str,
    pub needs_label: &'static str,
    pub wheelchair: &'static str,
    pub hearing: &'static str,
    pub companion: &'static str,
    pub not_safe: &'static str,
    /// Priority asked for on the notice screen, without saying which reason (policy: older
    /// people, pregnancy, a disability).
    pub priority_asked: &'static str,
    pub elderly: &'static str,
    pub pregnancy: &'static str,
    /// "Another disability": a choice, never a description of it.
    pub other_disability: &'static str,
    pub interpreter_label: &'static str,
    pub review_title: &'static str,
    pub review_statement: &'static str,
    pub confirm: &'static str,
    pub ticket_title: &'static str,
    pub ticket_printing: &'static str,
    pub ticket_printed: &'static str,
    pub print_reception: &'static str,
    pub print_photo: &'static str,
    pub print_again: &'static str,
    pub ticket_scan: &'static str,
    pub done: &'static str,
    pub still_there: &'static str,
    pub continue_: &'static str,
    pub busy: &'static str,
    pub not_given: &'static str,
    pub yes: &'static str,
    pub fault_title: &'static str,
    pub fault_text: &'static str,
    /// The server cannot save anything (disk full, read-only): no retry, staff take over.
    pub fault_see_reception: &'static str,
    pub offline: &'static str,
    /// Under "closed now, we open on …" (`awn_core::opening`) on the welcome screen.
    pub closed_sub: &'static str,
    pub no_services: &'static str,
    pub keyboard_switch_to_en: &'static str,
    pub keyboard_switch_to_ar: &'static str,
    pub notice_missing: &'static str,
    /// The services screen's way in for a visitor who joined the line on the public join page.
    pub joined_from_phone: &'static str,
    pub check_in_title: &'static str,
    pub check_in_hint: &'static str,
    pub check_in_confirm: &'static str,
    /// The keypad's words for the server's refusals (when it sends none in this language).
    pub check_in_wrong_code: &'static str,
    pub check_in_already: &'static str,
    pub check_in_too_many: &'static str,
    /// The fault panel's title when a check-in got no answer (its text is `offline`).
    pub check_in_fault_title: &'static str,
    pub checked_in_title: &'static str,
    pub checked_in_ticket: &'static str,
    /// The slip did not print: the check-in holds all the same.
    pub slip_failed: &'static str,
}

pub static AR: Labels = Labels {
    association: "جمعية عون لرعاية ضحايا الجريمة",
    welcome: "أهلًا وسهلًا بك",
    welcome_sub: "نحن هنا لمساعدتك. خذ رقمًا وانتظر دورك براحتك.",
    take_number: "خذ رقمك",
    other_language: "English",
    back: "رجوع",
    start_over: "البدء من جديد",
    next: "التالي",
    services_title: "اختر الخدمة",
    notice_title: "بياناتك اختيارية",
    skip_details: "متابعة بدون بيانات",
    give_details: "إدخال بياناتي",
    details_title: "بياناتك (كل الحقول اختيارية)",
    name_label: "الاسم",
    id_label: "رقم الهوية أو الإقامة",
    mobile_label: "رقم الجوال",
    tap_to_type: "اضغط هنا للكتابة",
    clear: "مسح",
    backspace: "حذف",
    space: "مسافة",
    needs_title: "كيف نساعدك (اختياري)",
    gender_label: "تفضّل أن يخدمك",
    review_gender: "تفضيل الموظف",
    gender_any: "لا فرق",
    gender_female: "موظفة",
    gender_male: "موظف",
    needs_label: "احتياجاتك",
    wheelchair: "أستخدم كرسيًا متحركًا",
    hearing: "لدي صعوبة في السمع",
    companion: "معي مرافق",
    not_safe: "لا أشعر بالأمان الآن",
    priority_asked: "أحتاج أولوية (كبير السن، حامل، إعاقة)",
    elderly: "أنا من كبار السن",
    pregnancy: "أنا حامل",
    other_disability: "لدي إعاقة أخرى",
    interpreter_label: "أحتاج مترجمًا",
    review_title: "راجع بياناتك",
    review_statement: "أؤكد أن البيانات أعلاه صحيحة.",
    confirm: "تأكيد وأخذ رقم",
    ticket_title: "رقمك",
    ticket_printing: "تُطبع تذكرتك الآن",
    ticket_printed: "تفضّل، خذ تذكرتك من الطابعة",
    print_reception: "الرجاء التوجه إلى الاستقبال وإظهار هذه الشاشة",
    print_photo: "يمكنك تصوير الرقم والرمز لمتابعة دورك",
    print_again: "اطبع مرة أخرى",
    ticket_scan: "امسح الرمز لمتابعة دورك",
    done: "تم",
    still_there: "هل ما زلت هنا؟",
    continue_: "متابعة",
    busy: "لحظة من فضلك…",
    not_given: "لم يُدخل",
    yes: "نعم",
    fault_title: "نعتذر، تعذّر إصدار الرقم الآن",
    fault_text: "يرجى التوجه إلى الاستقبال. نحاول مرة أخرى تلقائيًا.",
    fault_see_reception: "يرجى التوجه إلى الاستقبال، وسيخدمك أحد الموظفين.",
    offline: "الخدمة غير متاحة مؤقتًا. يرجى التوجه إلى الاستقبال.",
    closed_sub: "لا تُصدر أرقام خارج ساعات العمل. نسعد بخدمتك عند عودتك.",
    no_services: "تعذّر تحميل الخدمات. يرجى التوجه إلى الاستقبال.",
    keyboard_switch_to_en: "ABC",
    keyboard_switch_to_ar: "عربي",
    notice_missing: "نطلب بياناتك فقط لنخدمك بشكل أفضل. لا يراها إلا موظفو الجمعية المختصون. يمكنك المتابعة بدونها.",
    joined_from_phone: "لدي رمز وصول",
    check_in_title: "اكتب رمز تسجيل الوصول",
    check_in_hint: "تجد الرمز المكوّن من 6 أرقام في صفحة دورك على هاتفك أو في رسالة موعدك.",
    check_in_confirm: "تأكيد",
    check_in_wrong_code: "الرمز غير صحيح، تحقق منه في هاتفك",
    check_in_already: "تم تسجيل وصولك من قبل",
    check_in_too_many: "محاولات كثيرة، يرجى مراجعة الاستقبال",
    check_in_fault_title: "نعتذر، تعذّر تسجيل وصولك الآن",
    checked_in_title: "أهلًا بك، تم تسجيل وصولك",
    checked_in_ticket: "تذكرتك",
    slip_failed: "لم تُطبع الورقة، ودورك محفوظ. تابعه من هاتفك.",
};

pub static EN: Labels = Labels {
    association: "Awn Association for the Care of Crime Victims",
    welcome: "Welcome",
    welcome_sub: "We are here to help. Take a number and wait in comfort.",
    take_number: "Take a number",
    other_language: "العربية",
    back: "Back",
    start_over: "Start over",
    next: "Next",
    services_title: "Choose a service",
    notice_title: "Your details are optional",
    skip_details: "Continue without details",
    give_details: "Give my details",
    details_title: "Your details (every field is optional)",
    name_label: "Name",
    id_label: "National ID or iqama number",
    mobile_label: "Mobile number",
    tap_to_type: "Tap here to type",
    clear: "Clear",
    backspace: "Delete",
    space: "Space",
    needs_title: "How we can help (optional)",
    gender_label: "You would prefer to be served by",
    review_gender: "Staff preference",
    gender_any: "No preference",
    gender_female: "A woman",
    gender_male: "A man",
    needs_label: "Your needs",
    wheelchair: "I use a wheelchair",
    hearing: "I have difficulty hearing",
    companion: "Someone is with me",
    not_safe: "I do not feel safe right now",
    priority_asked: "I need priority (older, pregnant, disability)",
    elderly: "I am an older person",
    pregnancy: "I am pregnant",
    other_disability: "I have another disability",
    interpreter_label: "I need an interpreter",
    review_title: "Check your details",
    review_statement: "I confirm that the details above are correct.",
    confirm: "Confirm",
    ticket_title: "Your number",
    ticket_printing: "Your ticket is printing",
    ticket_printed: "Please take your ticket from the printer",
    print_reception: "Please show this screen at reception",
    print_photo: "You can photograph the number and the code to follow your turn",
    print_again: "Print again",
    ticket_scan: "Scan the code to follow your turn",
    done: "Done",
    still_there: "Are you still there?",
    continue_: "Continue",
    busy: "One moment, please…",
    not_given: "Not given",
    yes: "Yes",
    fault_title: "Sorry, we cannot issue a number right now",
    fault_text: "Please see reception. We are trying again automatically.",
    fault_see_reception: "Please see reception; a staff member will help you.",
    offline: "The service is unavailable for a moment. Please see reception.",
    closed_sub: "No numbers are given outside opening hours. We look forward to seeing you then.",
    no_services: "The services could not be loaded. Please see reception.",
    keyboard_switch_to_en: "ABC",
    keyboard_switch_to_ar: "عربي",
    notice_missing: "We ask for your details only to serve you better. Only the association's staff who handle your visit see them. You can continue without them.",
    joined_from_phone: "I have an arrival code",
    check_in_title: "Type your check-in code",
    check_in_hint: "You will find the 6-digit code on your place's page on your phone or with your appointment.",
    check_in_confirm: "Confirm",
    check_in_wrong_code: "The code is not right; check it on your phone",
    check_in_already: "You are already checked in",
    check_in_too_many: "Too many tries; please ask at reception",
    check_in_fault_title: "Sorry, we cannot check you in right now",
    checked_in_title: "Welcome, you are checked in",
    checked_in_ticket: "Your ticket",
    slip_failed: "The slip did not print; your place is kept. Follow it on your phone.",
};

/// Why the ticket did not print, for the visitor: short and calm (the staff wording with
/// instructions for the printer goes to the log and the supervisors' alert).
pub fn print_fault(lang: Lang, fault: &kiosk_printer::PrintFault) -> &'static str {
    use kiosk_printer::PrintFault::*;
    match (lang, fault) {
        (Lang::Ar, PaperEnd) => "نفد ورق الطابعة، فلم تُطبع تذكرتك.",
        (Lang::En, PaperEnd) => "The printer has run out of paper, so your ticket did not print.",
        (Lang::Ar, CoverOpen) => "غطاء الطابعة مفتوح، فلم تُطبع تذكرتك.",
        (Lang::En, CoverOpen) => "The printer cover is open, so your ticket did not print.",
        (Lang::Ar, _) => "الطابعة لا تعمل الآن، فلم تُطبع تذكرتك.",
        (Lang::En, _) => "The printer is not working right now, so your ticket did not print.",
    }
}

pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Ar => &AR,
        Lang::En => &EN,
    }
}

/// The message shown under a field while typing (the same words the server answers with).
pub fn problem(lang: Lang, p: Problem) -> String {
    p.message().get(lang).to_string()
}

/// Interpreter languages offered (index 0 = none). The code is what the server stores.
pub const INTERPRETER: &[(&str, &str, &str)] = &[
    ("", "لا أحتاج", "Not needed"),
    ("en", "الإنجليزية", "English"),
    ("ur", "الأردية", "Urdu"),
    ("bn", "البنغالية", "Bengali"),
    ("tl", "الفلبينية", "Filipino"),
    ("id", "الإندونيسية", "Indonesian"),
    ("hi", "الهندية", "Hindi"),
    ("sgn", "لغة الإشارة", "Sign language"),
];

pub fn people_ahead(lang: Lang, n: u32) -> String {
    match lang {
        Lang::Ar => match n {
            0 => "لا أحد قبلك".into(),
            1 => "قبلك شخص واحد".into(),
            2 => "قبلك شخصان".into(),
            3..=10 => format!("قبلك {n} أشخاص"),
            _ => format!("قبلك {n} شخصًا"),
        },
        Lang::En => match n {
            0 => "No one is ahead of you".into(),
            1 => "1 person ahead of you".into(),
            _ => format!("{n} people ahead of you"),
        },
    }
}

pub fn wait_minutes(lang: Lang, m: u32) -> String {
    match lang {
        Lang::Ar => match m {
            0 => "الانتظار المتوقع: أقل من دقيقة".into(),
            1 => "الانتظار المتوقع: دقيقة تقريبًا".into(),
            2 => "الانتظار المتوقع: دقيقتان تقريبًا".into(),
            3..=10 => format!("الانتظار المتوقع: {m} دقائق تقريبًا"),
            _ => format!("الانتظار المتوقع: {m} دقيقة تقريبًا"),
        },
        Lang::En => match m {
            0 => "Expected wait: under a minute".into(),
            1 => "Expected wait: about 1 minute".into(),
            _ => format!("Expected wait: about {m} minutes"),
        },
    }
}

/// "3 waiting · about 12 min" on a service card.
pub fn service_waiting(lang: Lang, waiting: u32, minutes: u32) -> String {
    match lang {
        Lang::Ar => format!("في الانتظار: {waiting} · نحو {minutes} دقيقة"),
        Lang::En => format!("Waiting: {waiting} · about {minutes} min"),
    }
}

pub fn idle_countdown(lang: Lang, seconds: u64) -> String {
    match lang {
        Lang::Ar => format!("ستُمسح بياناتك وتعود الشاشة للبداية خلال {seconds} ثانية"),
        Lang::En => {
            format!("Your details will be cleared and the screen will restart in {seconds} s")
        }
    }
}

/// Keyboard rows in physical left-to-right order.
pub fn keyboard_rows(arabic: bool) -> Vec<Vec<&'static str>> {
    if arabic {
        vec![
            vec!["ض", "ص", "ث", "ق", "ف", "غ", "ع", "ه", "خ", "ح", "ج"],
            vec!["ش", "س", "ي", "ب", "ل", "ا", "ت", "ن", "م", "ك", "ط"],
            vec!["ذ", "ئ", "ء", "ؤ", "ر", "ى", "ة", "و", "ز", "ظ", "د"],
            vec!["أ", "إ", "آ"],
        ]
    } else {
        vec![
            vec!["Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"],
            vec!["A", "S", "D", "F", "G", "H", "J", "K", "L", "'"],
            vec!["Z", "X", "C", "V", "B", "N", "M", "-"],
        ]
    }
}

/// The rating mode's labels (`kiosk --mode rating`). Rating is the visitor's right, a tool for
/// improving the service: the words are calm, and nothing hints at blame.
pub struct RatingLabels {
    pub start_title: &'static str,
    pub start_sub: &'static str,
    pub recent_label: &'static str,
    pub no_recent: &'static str,
    pub type_label: &'static str,
    pub score_title: &'static str,
    /// Very poor … excellent (score 1 … 5), from `awn_core::rating`.
    pub scores: [&'static str; 5],
    pub reasons_title: &'static str,
    /// Same order as `awn_core::rating::Reason::ALL`, and the same words as the status page.
    pub reasons: [&'static str; 5],
    pub comment_title: &'static str,
    pub no_names: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub send: &'static str,
    pub thanks_title: &'static str,
    pub thanks_sub: &'static str,
    pub fault_title: &'static str,
    pub fault_text: &'static str,
    /// Over the server's refusal (e.g. `already_rated`), whose own message follows.
    pub refused_title: &'static str,
}

pub static RATING_AR: RatingLabels = RatingLabels {
    start_title: "قيّم زيارتك",
    start_sub: "رأيك يساعدنا على تحسين خدمتنا. التقييم اختياري ولا يُستخدم لمحاسبة أحد.",
    recent_label: "اختر رقم زيارتك",
    no_recent: "لا توجد زيارات انتهت قبل قليل. اكتب رقمك من التذكرة.",
    type_label: "أو اكتب الرقم المطبوع على تذكرتك",
    score_title: "كيف كانت زيارتك اليوم؟",
    scores: rating::score_words(Lang::Ar),
    reasons_title: "ما الذي كان مهمًا لك؟ (اختياري)",
    reasons: rating::reason_words(Lang::Ar),
    comment_title: "تعليق قصير (اختياري)",
    no_names: "يرجى عدم كتابة أسماء.",
    contact: "أرجو التواصل معي بخصوص هذا",
    contact_hint: "يصل طلبك إلى مسؤول الجودة، لا إلى الموظف الذي خدمك.",
    send: "إرسال",
    thanks_title: "شكرًا لك",
    thanks_sub: "وصل تقييمك. نتمنى لك السلامة.",
    fault_title: "تعذّر إرسال التقييم الآن",
    fault_text: "يرجى المحاولة مرة أخرى بعد قليل.",
    refused_title: "لم يُحفظ هذا التقييم",
};

pub static RATING_EN: RatingLabels = RatingLabels {
    start_title: "Rate your visit",
    start_sub: "Your view helps us improve our service. Rating is optional and is never used to blame anyone.",
    recent_label: "Choose your visit number",
    no_recent: "No visit has just finished. Please type the number on your ticket.",
    type_label: "Or type the number printed on your ticket",
    score_title: "How was your visit today?",
    scores: rating::score_words(Lang::En),
    reasons_title: "What mattered to you? (optional)",
    reasons: rating::reason_words(Lang::En),
    comment_title: "A short comment (optional)",
    no_names: "Please do not write names.",
    contact: "Please contact me about this",
    contact_hint: "Your request goes to the quality officer, not to the staff member who served you.",
    send: "Send",
    thanks_title: "Thank you",
    thanks_sub: "Your rating has been received. Take care.",
    fault_title: "The rating could not be sent just now",
    fault_text: "Please try again in a moment.",
    refused_title: "This rating was not saved",
};

pub fn rating_labels(lang: Lang) -> &'static RatingLabels {
    match lang {
        Lang::Ar => &RATING_AR,
        Lang::En => &RATING_EN,
    }
}

/// The pairing screen's words (`kiosk::pairing`): shown in both languages at once, since no
/// visitor chose one.
pub struct PairingLabels {
    pub title: &'static str,
    pub how: &'static str,
    pub renew: &'static str,
    pub asking: &'static str,
    pub waiting: &'static str,
    pub offline: &'static str,
    pub paired: &'static str,
    /// Paired as another kind of device than this mode (an admin's slip): a new code follows.
    pub wrong_scope: &'static str,
}

pub static PAIRING_AR: PairingLabels = PairingLabels {
    title: "إقران هذا الجهاز",
    how: "يُدخل مسؤول النظام هذا الرمز في «إقران جهاز» بلوحة الموظفين، أو يمسح الرمز المربع بهاتفه.",
    renew: "الرمز صالح لبضع دقائق، ويظهر رمز جديد بعدها تلقائيًا.",
    asking: "جارٍ طلب رمز…",
    waiting: "بانتظار الإقران…",
    offline: "لا اتصال بالخادم، نعيد المحاولة…",
    paired: "تم الإقران",
    wrong_scope: "أُقرن الجهاز بنوع آخر. يرجى إلغاء ذلك الجهاز وإدخال الرمز الجديد.",
};

pub static PAIRING_EN: PairingLabels = PairingLabels {
    title: "Pair this device",
    how: "An administrator types this code under \"Pair a device\" in the staff console, or scans the QR code with a phone.",
    renew: "The code works for a few minutes; a new one then appears by itself.",
    asking: "Asking for a code…",
    waiting: "Waiting to be paired…",
    offline: "Cannot reach the server, trying again…",
    paired: "Paired",
    wrong_scope: "This device was paired as another kind. Please revoke that device and type the new code.",
};
