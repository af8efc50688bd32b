//! An in-memory server for tests and screenshots: fixed services, a switch to simulate an outage,
//! the branch's hours (set by the test; closed refuses tickets with `branch_closed`, as the
//! server), idempotent issuing (same key → same ticket), places joined from the phone to check
//! in (`FakeState::join`), and a log of requests. Compiled only for the
//! kiosk's own tests (`fake-client` feature, turned on by its dev-dependency on itself), never
//! into the program.

use crate::api::{
    ApiError, Bi, CheckedIn, Hours, Notice, Service, ServiceList, Ticket, TicketRequest,
};
use crate::http::ClientError;
use crate::ticket::client::TicketApi;
use awn_core::wire::PrinterTrouble;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct FakeState {
    pub down: Arc<AtomicBool>,
    /// What `services` says about the hours; while closed, `issue` refuses.
    pub hours: Arc<Mutex<Hours>>,
    pub issued: Arc<Mutex<Vec<(String, TicketRequest)>>>,
    /// `(ticket id, printed)` in the order the server took them.
    pub print_reports: Arc<Mutex<Vec<(i64, bool)>>>,
    /// Places joined from the phone by check-in code, and whether they have checked in.
    pub joined: Arc<Mutex<HashMap<String, (CheckedIn, bool)>>>,
}

impl FakeState {
    /// A place joined from the phone whose visitor checks in with `code`.
    pub fn join(&self, code: &str, place: CheckedIn) {
        self.joined
            .lock()
            .unwrap()
            .insert(code.to_string(), (place, false));
    }
}

fn refused(status: u16, code: &str, ar: &str, en: &str) -> ClientError {
    ClientError::Refused(ApiError {
        status,
        code: code.into(),
        message: Some(Bi::new(ar, en)),
        field: None,
    })
}

pub struct FakeApi {
    pub state: FakeState,
    by_key: HashMap<String, Ticket>,
    next: u32,
}

impl FakeApi {
    pub fn new(state: FakeState) -> Self {
        FakeApi {
            state,
            by_key: HashMap::new(),
            next: 17,
        }
    }
    fn up(&self) -> Result<(), ClientError> {
        if self.state.down.load(Ordering::SeqCst) {
            Err(ClientError::Unreachable("connection refused".into()))
        } else {
            Ok(())
        }
    }
}

pub fn sample_services() -> Vec<Service> {
    let s = |code: &str, prefix: &str, ar: &str, en: &str, har: &str, hen: &str, w, m| Service {
        code: code.into(),
        prefix: prefix.into(),
        name: Bi {
            ar: ar.into(),
            en: en.into(),
        },
        hint: Bi {
            ar: har.into(),
            en: hen.into(),
        },
        waiting: w,
        estimated_wait_minutes: m,
        hidden: false,
    };
    vec![
        s(
            "new_request",
            "A",
            "طلب جديد",
            "New request",
            "لأول زيارة أو طلب دعم جديد",
            "For a first visit or a new support request",
            3,
            12,
        ),
        s(
            "follow_up",
            "B",
            "متابعة طلب",
            "Follow-up",
            "لديك طلب سابق وتريد متابعته",
            "You have a request and want to follow it up",
            1,
            5,
        ),
        s(
            "counselling",
            "C",
            "استشارة",
            "Consultation",
            "حديث خاص مع أحد المختصين",
            "A private talk with a specialist",
            0,
            2,
        ),
    ]
}

pub fn sample_notice() -> Notice {
    Notice {
        version: "2026-11-v1".into(),
        text: Bi {
            ar: "نطلب هذه البيانات لتسريع خدمتك فقط. لا يطّلع عليها إلا موظفو الجمعية المختصون بطلبك، ولا تُعرض على الشاشة أو التذكرة. يمكنك المتابعة بدونها وستحصل على رقمك.".into(),
            en: "We ask for these details only to serve you faster. Only the association's staff handling your request see them; they never appear on screen or on the ticket. You can continue without them and still get your number.".into(),
        },
    }
}

impl TicketApi for FakeApi {
    fn services(&mut self) -> Result<ServiceList, ClientError> {
        self.up()?;
        Ok(ServiceList {
            services: sample_services(),
            hours: self.state.hours.lock().unwrap().clone(),
        })
    }
    fn notice(&mut self) -> Result<Notice, ClientError> {
        self.up().map(|_| sample_notice())
    }
    fn issue(&mut self, key: &str, request: &TicketRequest) -> Result<Ticket, ClientError> {
        self.up()?;
        self.state
            .issued
            .lock()
            .unwrap()
            .push((key.to_string(), request.clone()));
        if let Some(t) = self.by_key.get(key) {
            return Ok(t.clone());
        }
        let hours = self.state.hours.lock().unwrap().clone();
        if !hours.open {
            return Err(ClientError::Refused(ApiError {
                status: 409,
                code: "branch_closed".into(),
                message: Some(awn_core::opening::closed_message(hours.opens_at.as_deref())),
                field: None,
            }));
        }
        let prefix = sample_services()
            .iter()
            .find(|s| s.code == request.service)
            .map(|s| s.prefix.clone());
        let Some(prefix) = prefix else {
            return Err(ClientError::Refused(ApiError {
                status: 422,
                code: "unknown_service".into(),
                message: Some(Bi {
                    ar: "خدمة غير معروفة".into(),
                    en: "Unknown service".into(),
                }),
                field: Some("service".into()),
            }));
        };
        let n = self.next;
        self.next += 1;
        let t = Ticket {
            id: i64::from(n),
            label: awn_core::label::format(&prefix, n),
            service: request.service.clone(),
            people_ahead: 4,
            estimated_wait_minutes: 15,
            status_path: "/t/Xq3vR8mK2pL9sT4wY7zA1b".into(),
            issued_at: "2026-11-25T10:02:03+03:00".into(),
            ..Ticket::default()
        };
        self.by_key.insert(key.to_string(), t.clone());
        Ok(t)
    }
    fn health(&mut self) -> Result<(), ClientError> {
        self.up()
    }
    fn check_in(&mut self, code: &str) -> Result<CheckedIn, ClientError> {
        self.up()?;
        match self.state.joined.lock().unwrap().get_mut(code) {
            None => Err(refused(
                404,
                "check_in_code_unknown",
                "الرمز غير صحيح، تحقق منه في هاتفك",
                "The code is not right; check it on your phone",
            )),
            Some((_, true)) => Err(refused(
                409,
                "not_awaiting_arrival",
                "تم تسجيل وصولك من قبل",
                "You are checked in already",
            )),
            Some((place, arrived)) => {
                *arrived = true;
                Ok(place.clone())
            }
        }
    }
    fn report_print(
        &mut self,
        ticket_id: i64,
        printed: bool,
        _trouble: Option<PrinterTrouble>,
    ) -> Result<(), ClientError> {
        self.up()?;
        self.state
            .print_reports
            .lock()
            .unwrap()
            .push((ticket_id, printed));
        Ok(())
    }
}
