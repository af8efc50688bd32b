//! `ApiError`: the one error shape of the API, `{ "code", "message": { "ar", "en" }, "field"? }`,
//! and the one place that maps every failure to a status.

use awn_core::Bi;
use awn_core::wire::ErrorBody;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::commands::pairing::PairingError;
use crate::commands::remote::RemoteLimit;
use crate::commands::sessions::LoginError;
use crate::commands::{CommandError, Refusal};
use crate::domain::QueueError;
use crate::domain::appointments::BookingRefusal;
use crate::http::views::local_time;
use crate::input::FieldError;
use crate::store::engine::EngineError;
use crate::store::{StorageFault, StoreError};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub ar: String,
    pub en: String,
    pub field: Option<String>,
    /// Sent as `Retry-After` on 429 and 503 (1 second when `None`).
    pub retry_after_seconds: Option<u64>,
    /// With `branch_closed`: the next opening, in the body in Riyadh local time.
    pub opens_at: Option<DateTime<Utc>>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ar: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            ar: ar.into(),
            en: en.into(),
            field: None,
            retry_after_seconds: None,
            opens_at: None,
        }
    }

    pub fn bad_request(code: &'static str, ar: &str, en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, ar, en)
    }

    pub fn unprocessable(code: &'static str, field: &str, ar: &str, en: impl Into<String>) -> Self {
        Self {
            field: Some(field.to_string()),
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, ar, en)
        }
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "يلزم تسجيل الدخول أو رمز جهاز صالح",
            "A valid session or device token is required",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "ليست لديك صلاحية لهذا الإجراء",
            "Your role may not do this",
        )
    }

    /// A bug: a handler panicked. Nothing a client sends should lead here.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "حدث خطأ داخلي في الخادم، أعد المحاولة لاحقاً",
            "Internal error: retry later",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "غير موجود", "Not found")
    }

    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "طلبات كثيرة، حاول بعد قليل",
            "Too many requests: try again shortly",
        )
    }

    /// Too many wrong codes from one kiosk (check-in): the visitor is sent to reception.
    pub fn too_many_attempts() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            "محاولات كثيرة، يرجى مراجعة الاستقبال",
            "Too many tries; please ask at reception",
        )
    }

    pub fn busy() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_busy",
            "النظام مشغول، أعد المحاولة",
            "Storage is busy: retry",
        )
    }

    /// Storage trouble, by kind: only `storage_busy` is worth retrying at once; full and read-only
    /// need someone to act, so a kiosk sends the visitor to reception.
    pub fn storage(fault: StorageFault) -> Self {
        match fault {
            StorageFault::Busy => Self::busy(),
            StorageFault::Full => Self::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_full",
                "مساحة التخزين ممتلئة ولم يُحفظ شيء، يرجى مراجعة الاستقبال",
                "Storage is full and nothing was saved: please see reception",
            ),
            StorageFault::ReadOnly => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_readonly",
                "التخزين للقراءة فقط ولم يُحفظ شيء، يرجى مراجعة الاستقبال",
                "Storage is read-only and nothing was saved: please see reception",
            ),
            StorageFault::Failed => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "storage_failed",
                "تعذّر الحفظ بسبب عطل في التخزين، أعد المحاولة لاحقاً",
                "Storage failed and nothing was saved: retry later",
            ),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: e.code,
            ar: e.message.ar,
            en: e.message.en,
            field: Some(e.field),
            retry_after_seconds: None,
            opens_at: None,
        }
    }
}

impl From<QueueError> for ApiError {
    fn from(e: QueueError) -> Self {
        use QueueError as Q;
        let en = e.to_string();
        let (status, code, ar) = match &e {
            Q::UnknownService(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_service",
                "الخدمة غير موجودة",
            ),
            Q::UnknownDesk(_) => (StatusCode::NOT_FOUND, "unknown_desk", "المكتب غير موجود"),
            Q::UnknownTicket(_) => (
                StatusCode::NOT_FOUND,
                "ticket_not_found",
                "التذكرة غير موجودة أو انتهت",
            ),
            Q::IllegalTransition { .. } => (
                StatusCode::CONFLICT,
                "illegal_transition",
                "لا يسمح بهذا الإجراء في حالة التذكرة الحالية",
            ),
            Q::DeskBusy(_) => (
                StatusCode::CONFLICT,
                "desk_busy",
                "لديك زائر منادى أو قيد الخدمة",
            ),
            Q::DeskPaused(_) => (StatusCode::CONFLICT, "desk_paused", "المكتب في استراحة"),
            Q::DeskOccupied(_) => (
                StatusCode::CONFLICT,
                "desk_occupied",
                "موظف آخر مسجل على هذا المكتب",
            ),
            Q::StaffAtOtherDesk(_) => (
                StatusCode::CONFLICT,
                "signed_in_elsewhere",
                "أنت مسجل على مكتب آخر",
            ),
            Q::NotSignedIn(_) => (
                StatusCode::CONFLICT,
                "not_signed_in",
                "لست مسجلاً على هذا المكتب",
            ),
            Q::NotYourDesk(_) => (
                StatusCode::CONFLICT,
                "not_your_desk",
                "التذكرة منادى عليها في مكتب آخر",
            ),
            Q::NotYourLine(_) => (
                StatusCode::FORBIDDEN,
                "not_your_line",
                "هذه التذكرة تنتظر في طابور لا يخدمه مكتبك",
            ),
            Q::GenderPreference(_) => (
                StatusCode::CONFLICT,
                "gender_preference",
                "طلب الزائر موظفًا من الجنس نفسه ومكتب مناسب متاح",
            ),
            Q::NotArrived(_) => (
                StatusCode::CONFLICT,
                "not_checked_in",
                "صاحب هذا الدور حجزه من الهاتف ولم يسجل وصوله بعد",
            ),
            Q::NotAwaitingArrival(_) => (
                StatusCode::CONFLICT,
                "not_awaiting_arrival",
                "سُجِّل الوصول لهذا الدور من قبل أو انتهى",
            ),
            Q::NoTicketWaiting => (
                StatusCode::NOT_FOUND,
                "no_ticket_waiting",
                "لا يوجد زوار في الانتظار",
            ),
            Q::AlreadyReferred(_) => (
                StatusCode::CONFLICT,
                "already_referred",
                "الزائر محال إلى الباحث الاجتماعي",
            ),
            Q::ReferAtResearchDesk(_) => (
                StatusCode::CONFLICT,
                "refer_at_research_desk",
                "مكتب الباحث الاجتماعي لا يحيل إلى الباحث الاجتماعي",
            ),
            Q::ReasonRequired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "reason_required",
                "اذكر سبب الإحالة",
            ),
            Q::SameLine(_) => (
                StatusCode::CONFLICT,
                "same_line",
                "التذكرة في هذا الطابور أصلاً",
            ),
            Q::UseCallEndpoint => (StatusCode::CONFLICT, "illegal_transition", "استخدم النداء"),
            Q::NotWaiting(_) => (
                StatusCode::CONFLICT,
                "ticket_not_waiting",
                "التذكرة ليست في الانتظار",
            ),
            Q::PriorityNotRaised(_) => (
                StatusCode::CONFLICT,
                "priority_not_raised",
                "فئة التذكرة مساوية أو أعلى: يمكن رفع الفئة فقط",
            ),
        };
        Self::new(status, code, ar, en)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if !e.is_busy() {
            tracing::error!(error = %e, "storage error");
        }
        Self::storage(e.fault())
    }
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Queue(q) => q.into(),
            EngineError::Field(f) => f.into(),
            EngineError::Store(s) => s.into(),
            EngineError::Stopped => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                "الخادم يعيد التشغيل، أعد المحاولة",
                "The server is restarting: retry",
            ),
        }
    }
}

impl From<Refusal> for ApiError {
    fn from(r: Refusal) -> Self {
        use Refusal as R;
        let (status, code, ar, en) = match r {
            // 409: the branch's state, not the caller's rights; not worth retrying before then.
            R::BranchClosed { opens_at } => {
                let local = opens_at.map(local_time);
                let message = awn_core::opening::closed_message(local.as_deref());
                return Self {
                    opens_at,
                    ..Self::new(
                        StatusCode::CONFLICT,
                        "branch_closed",
                        format!("{}. لا تُصدر أرقام خارج ساعات العمل", message.ar),
                        format!(
                            "{}. No tickets are issued outside opening hours.",
                            message.en
                        ),
                    )
                };
            }
            R::IdempotencyKeyReused => (
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                "استُخدم مفتاح الطلب نفسه لطلب مختلف",
                "This Idempotency-Key was already used for a different request",
            ),
            R::NotFromThisKiosk => (
                StatusCode::NOT_FOUND,
                "ticket_not_found",
                "التذكرة غير موجودة",
                "No such ticket from this kiosk",
            ),
            R::NoSuchTicket => (
                StatusCode::NOT_FOUND,
                "ticket_not_found",
                "التذكرة غير موجودة",
                "No such ticket",
            ),
            R::NoIntake => (
                StatusCode::NOT_FOUND,
                "no_intake",
                "لا توجد بيانات لهذه الزيارة",
                "This visit has no intake to correct",
            ),
            R::LegalHold => (
                StatusCode::CONFLICT,
                "legal_hold",
                "السجل محفوظ بأمر قانوني ولا يمكن إتلافه",
                "A legal hold keeps this record",
            ),
            R::RequestStepDone => (
                StatusCode::CONFLICT,
                "request_step_done",
                "سُجّلت هذه الخطوة من قبل أو الطلب غير موجود",
                "No such request, or this step is already recorded",
            ),
            R::WrongDeskKind => (
                StatusCode::FORBIDDEN,
                "wrong_desk_kind",
                "لا يمكن لدورك العمل على هذا المكتب",
                "Your role cannot work at this kind of desk",
            ),
            R::VisitNotFound => (
                StatusCode::NOT_FOUND,
                "visit_not_found",
                "لا توجد زيارة اليوم بهذا الرقم",
                "No visit of today has this number",
            ),
            R::AlreadyRated => (
                StatusCode::CONFLICT,
                "already_rated",
                "تم تقييم هذه الزيارة من قبل، شكرًا لك",
                "This visit has been rated already: thank you",
            ),
            R::ConsentRequired => (
                StatusCode::CONFLICT,
                "consent_required",
                "لم يقدّم الزائر بيانات في الجهاز: اقرأ له إشعار البيانات وسجّل موافقته أولًا",
                "The visitor gave no details at the kiosk: read them the data notice and record their agreement first",
            ),
            R::DocumentsIncomplete => (
                StatusCode::CONFLICT,
                "documents_incomplete",
                "سجّل أولًا كل مستند مطلوب على أنه ساري المفعول",
                "Record every required document as valid first",
            ),
            R::RegistrationIncomplete => (
                StatusCode::CONFLICT,
                "registration_incomplete",
                "لا يُسجَّل الطلب قبل التحقق من المستندات وتأكيد المتقدم لبياناته وإبلاغه بموعد رد اللجنة",
                "A request is registered only after the documents are checked, the applicant confirmed the data and was told when the committee answers",
            ),
            R::UnknownRequest => (
                StatusCode::NOT_FOUND,
                "unknown_request",
                "لا يوجد طلب بهذا الرقم المرجعي",
                "No registered request has this reference",
            ),
            R::NoDecisionYet => (
                StatusCode::CONFLICT,
                "no_decision_yet",
                "لم يُسجَّل قرار اللجنة بعد",
                "The committee's decision has not been recorded yet",
            ),
            R::ApplicantMustConfirm => (
                StatusCode::CONFLICT,
                "applicant_must_confirm",
                "يؤكد المتقدم بياناته بنفسه: على الشاشة المقابلة له أو بالتوقيع على النموذج المطبوع",
                "The applicant confirms the data themselves: on the screen facing them, or by signing the printed form",
            ),
            R::ConfirmationOutdated => (
                StatusCode::CONFLICT,
                "confirmation_outdated",
                "تغيّرت البيانات بعد عرضها؛ راجعها مرة أخرى",
                "The data changed after it was shown; please read it again",
            ),
            R::NoConfirmationRequest => (
                StatusCode::NOT_FOUND,
                "no_confirmation_request",
                "لا توجد بيانات بانتظار تأكيدك الآن",
                "There is nothing waiting for your confirmation now",
            ),
            R::SignatureEmpty => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "signature_empty",
                "وقّع بإصبعك في المربع",
                "Sign with your finger in the box",
            ),
            R::SignatureMalformed => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "signature_malformed",
                "تعذّر قراءة التوقيع؛ امسحه ووقّع مرة أخرى",
                "The signature could not be read; clear it and sign again",
            ),
            R::UnknownReferenceDocument => (
                StatusCode::NOT_FOUND,
                "unknown_document",
                "لا يوجد مرجع بهذا الرقم",
                "No reference document has this id",
            ),
            R::VisitNotFinished => (
                StatusCode::CONFLICT,
                "visit_not_finished",
                "يمكن التقييم بعد انتهاء الزيارة",
                "A visit can be rated once it is finished",
            ),
            R::NotSignedIn => (
                StatusCode::CONFLICT,
                "not_signed_in",
                "سجّل الدخول إلى مكتب أولاً",
                "Sign in at a desk first",
            ),
            R::NotCalledToYourDesk => (
                StatusCode::FORBIDDEN,
                "not_at_your_desk",
                "تظهر بيانات الزائر فقط أثناء مناداته إلى مكتبك",
                "A visitor's details are shown only while the visitor is called to your desk",
            ),
            R::NotServedAtYourDesk => (
                StatusCode::FORBIDDEN,
                "not_at_your_desk",
                "يُستكمل هذا فقط أثناء خدمة الزائر في مكتبك",
                "The checklist is filled in only while the visitor is at your desk",
            ),
            R::NotArrived => (
                StatusCode::CONFLICT,
                "not_arrived",
                "لم يصل الزائر إلى المكتب بعد: اضغط «وصل الزائر» أولاً",
                "the visitor has not arrived yet: press \"Visitor arrived\" first",
            ),
            R::AlertNotFound => (
                StatusCode::NOT_FOUND,
                "alert_not_found",
                "التنبيه غير موجود أو تم الاطلاع عليه",
                "No such open alert",
            ),
            R::UnknownStaff => (
                StatusCode::NOT_FOUND,
                "staff_not_found",
                "لا يوجد حساب موظف بهذا الرقم",
                "No staff account has this id",
            ),
            R::UsernameTaken => (
                StatusCode::CONFLICT,
                "username_taken",
                "اسم المستخدم مستعمل لحساب آخر",
                "Another account has this username",
            ),
            R::StaffAtDesk => (
                StatusCode::CONFLICT,
                "staff_at_desk",
                "الموظف مسجّل في مكتب الآن: يُغيَّر الدور أو الجنس أو يُوقف الحساب بعد خروجه من المكتب",
                "This person is signed in at a desk: change the role, gender or access after they sign out of it",
            ),
            R::LastAdmin => (
                StatusCode::CONFLICT,
                "last_admin",
                "يبقى للفرع مدير نظام واحد على الأقل: أضف مديرًا آخر أولاً",
                "The branch keeps at least one active admin: add another admin first",
            ),
            R::StaffDisabled => (
                StatusCode::CONFLICT,
                "staff_disabled",
                "الحساب موقوف: أعد تفعيله أولاً",
                "The account is disabled: enable it first",
            ),
            R::InvalidCode => (
                StatusCode::UNAUTHORIZED,
                "invalid_code",
                "اسم المستخدم أو الرمز غير صحيح أو انتهت صلاحيته أو استُعمل: اطلب رمزًا جديدًا من مدير النظام",
                "Wrong username or code, or the code expired or was used: ask an admin for a new one",
            ),
            R::WrongPassword => (
                StatusCode::FORBIDDEN,
                "wrong_password",
                "كلمة المرور الحالية غير صحيحة",
                "The current password is wrong",
            ),
            R::UnknownDevice => (
                StatusCode::NOT_FOUND,
                "device_not_found",
                "لا يوجد جهاز بهذا الرقم",
                "No device has this id",
            ),
            R::DeviceRevoked => (
                StatusCode::CONFLICT,
                "device_revoked",
                "الجهاز ملغى من قبل",
                "The device is revoked already",
            ),
            R::ServiceInUse => (
                StatusCode::CONFLICT,
                "service_in_use",
                "في طابور هذه الخدمة زوار الآن: تُحذف أو يتغيّر حرفها بعد خدمتهم، ويمكن إخفاؤها من جهاز التذاكر الآن",
                "Visitors are in this service's line now: remove it or change its prefix once they are served; it can be hidden from the kiosk now",
            ),
            R::ServiceOnDesk => (
                StatusCode::CONFLICT,
                "service_on_desk",
                "ما زالت مكاتب تخدم هذه الخدمة: أزلها من المكاتب أولاً",
                "Desks still serve this service: take it off the desks first",
            ),
            R::DeskInUse => (
                StatusCode::CONFLICT,
                "desk_in_use",
                "المكتب مشغول الآن (موظف عليه أو زائر منادى إليه): يُحذف أو يتغيّر نوعه بعد ذلك",
                "The desk is in use now (someone works at it or a visitor is called to it): remove it or change its kind afterwards",
            ),
            R::UnknownService => (
                StatusCode::NOT_FOUND,
                "service_not_found",
                "لا توجد خدمة بهذا الرمز",
                "No service has this code",
            ),
            R::UnknownDesk => (
                StatusCode::NOT_FOUND,
                "desk_not_found",
                "لا يوجد مكتب بهذا الرقم",
                "No desk has this number",
            ),
            R::UnknownWebhook => (
                StatusCode::NOT_FOUND,
                "webhook_not_found",
                "لا يوجد عنوان ربط بهذا الرقم",
                "No webhook endpoint has this id",
            ),
            R::WebhookInactive => (
                StatusCode::CONFLICT,
                "webhook_inactive",
                "عنوان الربط موقوف من قبل",
                "The webhook endpoint is deactivated already",
            ),
            R::JoinFormExpired => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "join_form_expired",
                "انتهت صلاحية النموذج، يرجى فتح الصفحة من جديد",
                "This form has expired; please open the page again",
            ),
            R::NotForRemoteJoining => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_for_remote_joining",
                "لا يمكن حجز دور لهذه الخدمة من الهاتف",
                "This service cannot be joined from the phone",
            ),
            R::RemoteLimit(RemoteLimit::ServiceFull) => (
                StatusCode::CONFLICT,
                "remote_places_full",
                "اكتملت الأدوار المتاحة من الهاتف لهذه الخدمة اليوم، يمكنك الحضور إلى الفرع",
                "Today's places from the phone for this service are taken; you may still come to the branch",
            ),
            R::RemoteLimit(RemoteLimit::ThisVisitor) => (
                StatusCode::TOO_MANY_REQUESTS,
                "remote_limit_reached",
                "حُجز العدد المسموح من الأدوار من هذا الجهاز اليوم",
                "This device has joined as many places as allowed today",
            ),
            R::RemoteLimit(RemoteLimit::BookingsOfThisVisitor) => (
                StatusCode::TOO_MANY_REQUESTS,
                "booking_limit_reached",
                "حُجز العدد المسموح من المواعيد من هذا الجهاز اليوم، يمكنك الحضور إلى الفرع",
                "This device has booked as many appointments as allowed today; you may still come to the branch",
            ),
            R::CheckInCodeUnknown => (
                StatusCode::NOT_FOUND,
                "check_in_code_unknown",
                "الرمز غير صحيح، تحقق منه في هاتفك",
                "The code is not right; check it on your phone",
            ),
            R::BookingUsed => (
                StatusCode::CONFLICT,
                "not_awaiting_arrival",
                "سُجِّل الوصول لهذا الموعد من قبل أو أُلغي",
                "This appointment was checked in already, or cancelled",
            ),
            R::SlotsNotOpen => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "slots_not_open",
                "تُحدد المواعيد من اليوم إلى أسبوعين قادمين، في أوقات العمل فقط",
                "Slots are set from today to two weeks ahead, within opening hours only",
            ),
            R::SlotInUse => (
                StatusCode::CONFLICT,
                "slot_in_use",
                "لهذا الموعد حجوزات، لا يمكن حذفه",
                "This slot has bookings: it cannot be removed",
            ),
            R::UnknownSlot => (
                StatusCode::NOT_FOUND,
                "slot_not_found",
                "الموعد غير موجود",
                "No such appointment slot",
            ),
            R::UnknownBooking => (
                StatusCode::NOT_FOUND,
                "booking_not_found",
                "لا يوجد حجز بهذا الرمز في ذلك اليوم",
                "No booking has this code on that day",
            ),
            R::BookingArrived => (
                StatusCode::CONFLICT,
                "booking_arrived",
                "سجّل صاحب الموعد وصوله، دوره في الطابور الآن",
                "The visitor has checked in: their ticket is in the line now",
            ),
            R::Booking(BookingRefusal::Passed) => (
                StatusCode::CONFLICT,
                "slot_passed",
                "حان وقت هذا الموعد أو مضى، يمكنك حجز دور الآن",
                "This slot's time has come or passed; you may join the line now",
            ),
            R::Booking(BookingRefusal::TooFarAhead) => (
                StatusCode::CONFLICT,
                "slot_too_far_ahead",
                "تُحجز المواعيد قبل أسبوعين على الأكثر",
                "Appointments are booked at most two weeks ahead",
            ),
            R::Booking(BookingRefusal::Full) => (
                StatusCode::CONFLICT,
                "slot_full",
                "اكتمل هذا الموعد، اختر موعدًا آخر",
                "This slot is full; choose another",
            ),
            R::UnknownDeadDelivery => (
                StatusCode::NOT_FOUND,
                "dead_delivery_not_found",
                "لا توجد رسالة متوقفة بهذا الرقم (ربما أُعيد إرسالها)",
                "No dead delivery has this id (it may have been replayed)",
            ),
            R::ContactRequestNotFound => (
                StatusCode::NOT_FOUND,
                "contact_request_not_found",
                "طلب التواصل غير موجود",
                "No such contact request",
            ),
            R::ContactRequestHandled => (
                StatusCode::CONFLICT,
                "contact_request_handled",
                "عولج طلب التواصل من قبل",
                "The contact request is marked handled already",
            ),
            R::ContactRequestTaken => (
                StatusCode::CONFLICT,
                "contact_request_taken",
                "تولّى طلب التواصل مشرف آخر",
                "Another supervisor took this contact request",
            ),
        };
        Self::new(status, code, ar, en)
    }
}

impl From<CommandError> for ApiError {
    fn from(e: CommandError) -> Self {
        match e {
            CommandError::Refused(r) => r.into(),
            CommandError::Engine(e) => e.into(),
        }
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Field(f) => f.into(),
            LoginError::Throttled { seconds } => Self {
                retry_after_seconds: Some(seconds),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login_throttled",
                    format!(
                        "محاولات دخول خاطئة كثيرة، حاول مجددًا بعد قليل (الانتظار بالثواني: {seconds})"
                    ),
                    format!("too many failed attempts from here: wait {seconds} s and try again"),
                )
            },
            LoginError::InvalidCredentials => Self::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "اسم المستخدم أو كلمة المرور غير صحيحة",
                "Wrong username or password",
            ),
            LoginError::Busy => Self::busy(),
            LoginError::Engine(e) => e.into(),
        }
    }
}

impl From<PairingError> for ApiError {
    fn from(e: PairingError) -> Self {
        match e {
            PairingError::Full {
                retry_after_seconds,
            } => Self {
                retry_after_seconds: Some(retry_after_seconds),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "pairing_busy",
                    "طلبات إقران كثيرة معلقة، حاول بعد قليل",
                    "Too many devices are waiting to be paired: try again later",
                )
            },
            PairingError::Throttled { seconds } => Self {
                retry_after_seconds: Some(seconds),
                ..Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "pairing_throttled",
                    format!(
                        "رموز إقران خاطئة كثيرة، حاول مجددًا بعد قليل (الانتظار بالثواني: {seconds})"
                    ),
                    format!("too many wrong pairing codes: wait {seconds} s and try again"),
                )
            },
            PairingError::WrongCode => Self::unprocessable(
                "pairing_code_invalid",
                "code",
                "الرمز خاطئ أو انتهت صلاحيته أو استُخدم: اطلب من الجهاز رمزًا جديدًا",
                "This code is wrong, expired or already used: ask the device for a new one",
            ),
            PairingError::UnknownPairing => Self::new(
                StatusCode::NOT_FOUND,
                "unknown_pairing",
                "انتهت صلاحية الرمز أو لم يعد موجودًا: اطلب رمزًا جديدًا",
                "This pairing expired or is gone: ask for a new code",
            ),
            PairingError::Field(f) => f.into(),
            PairingError::Engine(e) => e.into(),
        }
    }
}

/// A message's words as a sentence on a screen: English that comes from a parser or from the
/// settings' checks (`missing field …`, `prefix A is used by two services`) starts in lower case.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: Bi::new(self.ar, sentence(&self.en)),
            field: self.field,
            opens_at: self.opens_at.map(local_time),
        };
        let mut res = (self.status, Json(body)).into_response();
        // Read-only storage needs someone to act: no retry hint.
        if (self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::TOO_MANY_REQUESTS)
            && self.code != "storage_readonly"
        {
            let seconds = self.retry_after_seconds.unwrap_or(1);
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each refusal keeps the status and code the API has always answered with (clients and the
    /// kiosk branch on the code), and has a message in both languages.
    #[test]
    fn every_refusal_has_its_status_code_and_two_messages() {
        use Refusal as R;
        let table = [
            (R::IdempotencyKeyReused, 409, "idempotency_key_reused"),
            (R::NotFromThisKiosk, 404, "ticket_not_found"),
            (R::WrongDeskKind, 403, "wrong_desk_kind"),
            (R::NotSignedIn, 409, "not_signed_in"),
            (R::NotCalledToYourDesk, 403, "not_at_your_desk"),
            (R::NotServedAtYourDesk, 403, "not_at_your_desk"),
            (R::NotArrived, 409, "not_arrived"),
            (R::AlertNotFound, 404, "alert_not_found"),
            (R::ContactRequestNotFound, 404, "contact_request_not_found"),
            (R::ContactRequestHandled, 409, "contact_request_handled"),
            (R::ContactRequestTaken, 409, "contact_request_taken"),
            (R::NoSuchTicket, 404, "ticket_not_found"),
            (R::NoIntake, 404, "no_intake"),
            (R::LegalHold, 409, "legal_hold"),
            (R::RequestStepDone, 409, "request_step_done"),
            (R::VisitNotFound, 404, "visit_not_found"),
            (R::AlreadyRated, 409, "already_rated"),
            (R::VisitNotFinished, 409, "visit_not_finished"),
            (R::ConsentRequired, 409, "consent_required"),
            (R::DocumentsIncomplete, 409, "documents_incomplete"),
            (R::RegistrationIncomplete, 409, "registration_incomplete"),
            (R::UnknownRequest, 404, "unknown_request"),
            (R::NoDecisionYet, 409, "no_decision_yet"),
            (R::ApplicantMustConfirm, 409, "applicant_must_confirm"),
            (R::ConfirmationOutdated, 409, "confirmation_outdated"),
            (R::NoConfirmationRequest, 404, "no_confirmation_request"),
            (R::SignatureEmpty, 422, "signature_empty"),
            (R::SignatureMalformed, 422, "signature_malformed"),
            (R::UnknownReferenceDocument, 404, "unknown_document"),
            (R::BranchClosed { opens_at: None }, 409, "branch_closed"),
            (R::UnknownStaff, 404, "staff_not_found"),
            (R::UsernameTaken, 409, "username_taken"),
            (R::StaffAtDesk, 409, "staff_at_desk"),
            (R::LastAdmin, 409, "last_admin"),
            (R::StaffDisabled, 409, "staff_disabled"),
            (R::InvalidCode, 401, "invalid_code"),
            (R::WrongPassword, 403, "wrong_password"),
            (R::UnknownDevice, 404, "device_not_found"),
            (R::DeviceRevoked, 409, "device_revoked"),
            (R::ServiceInUse, 409, "service_in_use"),
            (R::ServiceOnDesk, 409, "service_on_desk"),
            (R::DeskInUse, 409, "desk_in_use"),
            (R::UnknownService, 404, "service_not_found"),
            (R::UnknownDesk, 404, "desk_not_found"),
            (R::UnknownWebhook, 404, "webhook_not_found"),
            (R::WebhookInactive, 409, "webhook_inactive"),
            (R::UnknownDeadDelivery, 404, "dead_delivery_not_found"),
            (R::JoinFormExpired, 422, "join_form_expired"),
            (R::NotForRemoteJoining, 422, "not_for_remote_joining"),
            (
                R::RemoteLimit(RemoteLimit::ServiceFull),
                409,
                "remote_places_full",
            ),
            (
                R::RemoteLimit(RemoteLimit::ThisVisitor),
                429,
                "remote_limit_reached",
            ),
            (
                R::RemoteLimit(RemoteLimit::BookingsOfThisVisitor),
                429,
                "booking_limit_reached",
            ),
            (R::CheckInCodeUnknown, 404, "check_in_code_unknown"),
            (R::BookingUsed, 409, "not_awaiting_arrival"),
            (R::SlotsNotOpen, 422, "slots_not_open"),
            (R::SlotInUse, 409, "slot_in_use"),
            (R::UnknownSlot, 404, "slot_not_found"),
            (R::UnknownBooking, 404, "booking_not_found"),
            (R::BookingArrived, 409, "booking_arrived"),
            (R::Booking(BookingRefusal::Passed), 409, "slot_passed"),
            (
                R::Booking(BookingRefusal::TooFarAhead),
                409,
                "slot_too_far_ahead",
            ),
            (R::Booking(BookingRefusal::Full), 409, "slot_full"),
        ];
        for (refusal, status, code) in table {
            let e = ApiError::from(CommandError::from(refusal));
            assert_eq!((e.status.as_u16(), e.code), (status, code), "{refusal:?}");
            assert!(!e.ar.is_empty() && !e.en.is_empty(), "{refusal:?}");
            assert_eq!(e.field, None);
        }
    }

    #[tokio::test]
    async fn a_closed_branch_says_when_it_opens_in_both_languages() {
        use chrono::TimeZone;
        use http_body_util::BodyExt;
        let opens_at = chrono::Utc.with_ymd_and_hms(2026, 12, 6, 5, 0, 0).single();
        let e = ApiError::from(CommandError::from(Refusal::BranchClosed { opens_at }));
        assert_eq!(e.opens_at, opens_at);
        assert!(
            e.en.starts_with("Closed now: we open on Sunday 6 December at 08:00"),
            "{}",
            e.en
        );
        assert!(
            e.ar.starts_with("مغلق الآن، نفتح يوم الأحد 6 ديسمبر الساعة 08:00"),
            "{}",
            e.ar
        );
        let res = e.into_response();
        assert!(res.headers().get(header::RETRY_AFTER).is_none());
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(body.code, "branch_closed");
        assert_eq!(body.opens_at.as_deref(), Some("2026-12-06T08:00:00+03:00"));
    }

    #[test]
    fn a_panic_and_storage_trouble_keep_the_error_shape_and_retry_hint() {
        let res = ApiError::internal().into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(res.headers().get(header::RETRY_AFTER).is_none());
        let res = ApiError::storage(StorageFault::Busy).into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[header::RETRY_AFTER], "1");
        let res = ApiError::storage(StorageFault::ReadOnly).into_response();
        assert!(res.headers().get(header::RETRY_AFTER).is_none());
    }
}
