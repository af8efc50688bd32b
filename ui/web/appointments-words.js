// The appointments page's words, added to the shared ones (i18n.js, console-words.js).
"use strict";
Object.assign(AWN_I18N.ar, {
  ap_title: "جمعية عون — المواعيد", ap_slots: "المواعيد المتاحة (أسبوعان)", ap_when: "الموعد", ap_free: "الأماكن",
  ap_actions: "إجراء", ap_book: "احجز", ap_free_of: "{free} من {capacity} متاحة", ap_full: "ممتلئ", ap_passed: "فات وقته",
  ap_no_slots: "لا مواعيد في الأسبوعين القادمين. يضيفها مدير الفرع من هذه الصفحة.",
  ap_booked: "تم الحجز: اقرأ الرمز للمتصل", ap_tell: "يكتب المتصل هذا الرمز في جهاز التذاكر عند وصوله. لا نطلب اسمه ولا رقمه.",
  ap_done: "تم، أخفِ الرمز", ap_cancel_title: "إلغاء حجز لمتصل", ap_day: "اليوم", ap_code: "رمز الموعد (6 أرقام)",
  ap_cancel: "ألغِ الحجز", ap_cancelled: "أُلغي حجز {when}، وصار مكانه متاحًا.", ap_set: "إضافة مواعيد",
  ap_times: "الأوقات (مثل 09:00، 09:30)", ap_capacity: "الأماكن في كل موعد", ap_add: "أضف المواعيد",
  ap_added: "حُفظت المواعيد.", ap_delete: "احذف الموعد", ap_deleted: "حُذف الموعد.",
  ap_signin: "سجّل الدخول من لوحة الموظف أولًا.", ap_denied: "الحجز للاستقبال والمشرفين، وإضافة المواعيد لمدير الفرع.",
  ap_failed: "تعذّر الإجراء، حاول مرة أخرى.", ap_when_words: "{day} الساعة {time}",
  ap_remind_offer: "إن طلب المتصل رسالة تذكير قبل موعده: رقم جواله لهذه الرسالة فقط، ويُحذف عند وصوله أو إلغاء الموعد أو انتهاء يومه.",
  ap_remind_mobile: "جوال المتصل (اختياري)", ap_remind_lang: "لغة الرسالة", ap_remind: "أرسل تذكيرًا قبل الموعد",
  ap_reminded: "سيُرسل التذكير قبل الموعد. لا يظهر الرقم هنا مرة أخرى.", ap_unremind: "احذف رقم التذكير",
  ap_unreminded: "لا رقم تذكير محفوظ لهذا الحجز الآن.",
});
Object.assign(AWN_I18N.en, {
  ap_title: "Awn — appointments", ap_slots: "Open appointments (two weeks)", ap_when: "When", ap_free: "Places",
  ap_actions: "Action", ap_book: "Book", ap_free_of: "{free} of {capacity} free", ap_full: "Full", ap_passed: "Passed",
  ap_no_slots: "No appointments in the next two weeks. The branch administrator adds them on this page.",
  ap_booked: "Booked: read the code to the caller", ap_tell: "The caller types this code at the ticket kiosk on arrival. We ask for no name and no number.",
  ap_done: "Done, hide the code", ap_cancel_title: "Cancel a caller's booking", ap_day: "Day", ap_code: "Booking code (6 digits)",
  ap_cancel: "Cancel the booking", ap_cancelled: "The booking of {when} is cancelled; its place is free again.", ap_set: "Add appointments",
  ap_times: "Times (e.g. 09:00, 09:30)", ap_capacity: "Places per appointment", ap_add: "Add the appointments",
  ap_added: "The appointments are saved.", ap_delete: "Delete the appointment", ap_deleted: "The appointment is deleted.",
  ap_signin: "Sign in on the staff console first.", ap_denied: "Booking is for reception and supervisors, adding appointments for the branch administrator.",
  ap_failed: "That did not work; try again.", ap_when_words: "{day} at {time}",
  ap_remind_offer: "If the caller asks for a reminder text before the appointment: their mobile, for that one message only, deleted once they check in, cancel, or the day is over.",
  ap_remind_mobile: "Caller's mobile (optional)", ap_remind_lang: "Message language", ap_remind: "Send a reminder before the appointment",
  ap_reminded: "The reminder will be sent before the appointment. The number is not shown here again.", ap_unremind: "Delete the reminder number",
  ap_unreminded: "No reminder number is held for this booking now.",
});
