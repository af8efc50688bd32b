// The pages' words in Arabic (first) and English, and the language switch. Text is always set
// with textContent, never as HTML.
"use strict";
const AWN_I18N = {
  ar: {
    metrics: "المؤشرات", app_title: "جمعية عون — لوحة الموظف", lang_switch: "English", login_title: "تسجيل الدخول",
    username: "اسم المستخدم", password: "كلمة المرور", login: "دخول", logout: "خروج",
    desk: "المكتب", choose_desk: "اختر المكتب", sign_in_desk: "بدء العمل على المكتب", sign_out_desk: "مغادرة المكتب",
    available: "متاح", on_break: "في استراحة", go_break: "استراحة", go_available: "العودة للعمل",
    queue: "الطابور", service: "الخدمة", waiting: "ينتظرون", longest_wait: "أطول انتظار (دقيقة)", urgent: "عاجل",
    waiting_list: "الزوار المنتظرون", call: "نداء", call_next: "نداء التالي", recall: "إعادة النداء",
    start: "وصل الزائر", no_show: "لم يحضر", return_to_queue: "إعادة إلى الطابور",
    current: "الزائر الحالي", no_current: "لا يوجد زائر منادى إلى مكتبك", state: "الحالة",
    intake: "بيانات الزائر", no_intake: "لم يقدّم الزائر بيانات في الجهاز", name: "الاسم", national_id: "رقم الهوية",
    mobile: "الجوال", reveal: "إظهار كامل الرقم (يُسجَّل)", needs: "الاحتياجات", wheelchair: "كرسي متحرك",
    hearing: "إعاقة سمعية", interpreter: "مترجم", companion: "مرافق", none: "لا يوجد",
    checklist: "قائمة التحقق (سياسة علاقات المستفيدين)", documents_checked: "٦-٢ تمت مطابقة البيانات مع المستندات وهي سارية",
    data_confirmed: "٦-٤ أكّد المتقدم صحة البيانات", committee_told: "٦-٥ أُبلغ المتقدم أن لجنة البحث تردّ خلال مدة لا تقل عن أسبوعين",
    done_by: "بواسطة", at: "في",
    refer: "إحالة إلى الباحث الاجتماعي", refer_reason: "سبب الإحالة", referred_by: "سبب الإحالة من المكتب",
    finish: "إنهاء الزيارة", outcome: "النتيجة", information_given: "تم تقديم المعلومات",
    support_request_registered: "تم تسجيل طلب دعم", referred_elsewhere: "أحيل إلى جهة أخرى", other: "أخرى",
    note: "ملاحظة (اختياري)", follow_up: "أقرب موعد لرد لجنة البحث", checklist_incomplete: "أكمل قائمة التحقق قبل تسجيل طلب الدعم",
    alerts: "تنبيهات المشرف", not_safe: "زائر لا يشعر بالأمان", not_printed: "تعذرت طباعة تذكرة", acknowledge: "تم الاطلاع",
    printer: "الطابعة تحتاج انتباهًا", printer_paper_out: "نفد الورق", printer_paper_near_end: "الورق على وشك النفاد",
    printer_cover_open: "غطاء الطابعة مفتوح", printer_offline: "الطابعة غير متصلة", printer_no_answer: "الطابعة لا تستجيب",
    printer_io: "خطأ في الكتابة إلى الطابعة", printer_config: "إعدادات الطابعة غير صالحة", printer_render: "تعذر رسم التذكرة",
    no_alerts: "لا توجد تنبيهات", finished: "انتهت الزيارة", connection_lost: "انقطع الاتصال — جارٍ إعادة الاتصال…",
    st_waiting: "في الانتظار", st_called: "منادى", st_serving: "قيد الخدمة", st_done: "انتهت", st_no_show: "لم يحضر",
    st_cancelled: "ملغاة", st_expired: "منتهية",
    // display
    now_serving: "النداء الحالي", ticket: "الرقم", recent_calls: "النداءات السابقة", not_paired: "هذه الشاشة غير مرتبطة. افتحها بالرابط الذي يتضمن رمز الجهاز.",
    // status page
    your_number: "رقمك", people_ahead: "عدد المنتظرين قبلك", est_wait: "الانتظار المتوقع", minutes: "دقيقة",
    go_to_desk: "تفضل إلى المكتب", status_done: "انتهت زيارتك. شكرًا لك.", status_no_show: "فاتك النداء. راجع الاستقبال.",
    status_cancelled: "أُلغيت التذكرة. راجع الاستقبال.", status_serving: "أنت الآن في المكتب", status_waiting: "أنت في الانتظار",
    live: "تتحدث هذه الصفحة تلقائيًا",
  },
  en: {
    metrics: "Metrics", app_title: "Awn — staff console", lang_switch: "العربية", login_title: "Sign in",
    username: "Username", password: "Password", login: "Sign in", logout: "Sign out",
    desk: "Desk", choose_desk: "Choose a desk", sign_in_desk: "Start at desk", sign_out_desk: "Leave desk",
    available: "Available", on_break: "On break", go_break: "Take a break", go_available: "Back to work",
    queue: "Queue", service: "Service", waiting: "Waiting", longest_wait: "Longest wait (min)", urgent: "Urgent",
    waiting_list: "Waiting visitors", call: "Call", call_next: "Call next", recall: "Recall",
    start: "Visitor arrived", no_show: "No-show", return_to_queue: "Return to queue",
    current: "Current visitor", no_current: "No visitor is called to your desk", state: "State",
    intake: "Visitor's details", no_intake: "The visitor gave no details at the kiosk", name: "Name", national_id: "National ID",
    mobile: "Mobile", reveal: "Reveal full number (recorded)", needs: "Needs", wheelchair: "Wheelchair",
    hearing: "Hearing impairment", interpreter: "Interpreter", companion: "Companion", none: "None",
    checklist: "Checklist (beneficiary-relations policy)", documents_checked: "6.2 Data checked against the documents and valid",
    data_confirmed: "6.4 Applicant confirmed the data is correct", committee_told: "6.5 Told the research committee answers in no less than two weeks",
    done_by: "by", at: "at",
    refer: "Refer to the social researcher", refer_reason: "Reason for referral", referred_by: "Referral reason from desk",
    finish: "Finish visit", outcome: "Outcome", information_given: "Information given",
    support_request_registered: "Support request registered", referred_elsewhere: "Referred elsewhere", other: "Other",
    note: "Note (optional)", follow_up: "Earliest research committee answer", checklist_incomplete: "Complete the checklist before registering a support request",
    alerts: "Supervisor alerts", not_safe: "Visitor does not feel safe", not_printed: "A ticket was not printed", acknowledge: "Acknowledge",
    printer: "The printer needs attention", printer_paper_out: "out of paper", printer_paper_near_end: "paper nearly out",
    printer_cover_open: "cover open", printer_offline: "printer offline", printer_no_answer: "printer not answering",
    printer_io: "could not write to the printer", printer_config: "printer settings unusable", printer_render: "the ticket could not be drawn",
    no_alerts: "No alerts", finished: "Visit finished", connection_lost: "Connection lost — reconnecting…",
    st_waiting: "Waiting", st_called: "Called", st_serving: "Being served", st_done: "Done", st_no_show: "No-show",
    st_cancelled: "Cancelled", st_expired: "Expired",
    now_serving: "Now calling", ticket: "Number", recent_calls: "Previous calls", not_paired: "This screen is not paired. Open it with the link that carries the device token.",
    your_number: "Your number", people_ahead: "People ahead of you", est_wait: "Estimated wait", minutes: "min",
    go_to_desk: "Please go to desk", status_done: "Your visit is finished. Thank you.", status_no_show: "You missed your call. Please ask at reception.",
    status_cancelled: "This ticket was cancelled. Please ask at reception.", status_serving: "You are at the desk now", status_waiting: "You are waiting",
    live: "This page updates by itself",
  },
};

const awnLang = {
  current: (function () {
    try { return localStorage.getItem("awn.lang") === "en" ? "en" : "ar"; } catch (_) { return "ar"; }
  })(),
  t(key) { return (AWN_I18N[this.current] && AWN_I18N[this.current][key]) || AWN_I18N.ar[key] || key; },
  apply() {
    const root = document.documentElement;
    root.lang = this.current;
    root.dir = this.current === "ar" ? "rtl" : "ltr";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = this.t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = this.t(el.dataset.i18nPlaceholder); });
    // Links to server-drawn pages (the metrics) open in the language the reader chose here.
    document.querySelectorAll("[data-lang-href]").forEach((el) => { el.href = el.dataset.langHref + "?lang=" + this.current; });
  },
  toggle() {
    this.current = this.current === "ar" ? "en" : "ar";
    try { localStorage.setItem("awn.lang", this.current); } catch (_) { /* private mode */ }
    this.apply();
    document.dispatchEvent(new Event("awn-lang"));
  },
};
