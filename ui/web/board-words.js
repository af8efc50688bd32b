// The supervisor's board's own words, added to the shared ones (i18n.js, console-words.js).
"use strict";
Object.assign(AWN_I18N.ar, {
  bd_title: "جمعية عون — لوحة المشرف", bd_console: "لوحة الموظف", bd_today: "اليوم حتى الآن",
  bd_issued: "أرقام صادرة", bd_served: "زيارات منتهية", bd_no_shows: "لم يحضروا", bd_avg_wait: "متوسط الانتظار (دقيقة)", bd_contacts: "طلبات تواصل مفتوحة",
  bd_lines: "الطوابير", bd_longest: "أطول انتظار", bd_target: "الهدف", bd_estimated: "الانتظار المتوقع",
  bd_desks: "المكاتب", bd_desk: "المكتب {id}", bd_empty_desk: "لا أحد على المكتب", bd_on_duty: "يعمل",
  bd_on_break: "في استراحة", bd_since: "منذ {time}", bd_visitor: "الزائر {label} منذ {min} دقيقة", bd_no_visitor: "بلا زائر",
  bd_min: "{n} د", bd_level_ok: "ضمن الهدف", bd_level_amber: "تجاوز الهدف", bd_level_red: "تجاوز كبير",
  bd_red_banner: "طوابير تجاوزت هدف الانتظار كثيرًا: {lines}", bd_signin: "سجّل الدخول من لوحة الموظف أولًا.",
  bd_denied: "هذه اللوحة للمشرفين والمديرين فقط.", bd_no_alerts: "لا توجد تنبيهات",
  bd_new_tickets: "الأرقام الجديدة", bd_stop: "إيقاف الأرقام الجديدة", bd_resume: "استئناف الأرقام", bd_stopped: "متوقفة",
  bd_offer_failed: "تعذّر التغيير الآن، أعد المحاولة.",
  bd_away: "من الهاتف، لم يصلوا", bd_appointments: "مواعيد اليوم", bd_time: "الوقت", bd_appointment_state: "الحالة",
  bd_no_appointments: "لا مواعيد اليوم", bd_appt_expected: "منتظر", bd_appt_arrived: "وصل — {label}",
  bd_appt_late: "تأخر (يدخل كزائر عادي إن حضر)", bd_appt_cancelled: "أُلغي",
});
Object.assign(AWN_I18N.en, {
  bd_title: "Awn — supervisor's board", bd_console: "Staff console", bd_today: "Today so far",
  bd_issued: "Tickets issued", bd_served: "Visits finished", bd_no_shows: "No-shows", bd_avg_wait: "Average wait (min)", bd_contacts: "Open contact requests",
  bd_lines: "Lines", bd_longest: "Longest wait", bd_target: "Target", bd_estimated: "Estimated wait",
  bd_desks: "Desks", bd_desk: "Desk {id}", bd_empty_desk: "Nobody at the desk", bd_on_duty: "On duty",
  bd_on_break: "On a break", bd_since: "since {time}", bd_visitor: "Visitor {label} for {min} min", bd_no_visitor: "No visitor",
  bd_min: "{n} min", bd_level_ok: "Within target", bd_level_amber: "Past target", bd_level_red: "Far past target",
  bd_red_banner: "Lines far past their target wait: {lines}", bd_signin: "Sign in at the staff console first.",
  bd_denied: "This board is for supervisors and admins only.", bd_no_alerts: "No alerts",
  bd_new_tickets: "New tickets", bd_stop: "Stop new tickets", bd_resume: "Resume new tickets", bd_stopped: "Stopped",
  bd_offer_failed: "Could not change it now; try again.",
  bd_away: "Joined by phone, not here yet", bd_appointments: "Today's appointments", bd_time: "Time", bd_appointment_state: "State",
  bd_no_appointments: "No appointments today", bd_appt_expected: "Expected", bd_appt_arrived: "Arrived — {label}",
  bd_appt_late: "Late (a walk-in if they come)", bd_appt_cancelled: "Cancelled",
});
