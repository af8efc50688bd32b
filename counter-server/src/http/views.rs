//! JSON shapes shared by several routes.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::commands::TicketView;
use crate::commands::sessions::StaffSummary;
use crate::domain::numbering::riyadh;
use crate::domain::{Priority, Route, Ticket, TicketState};
use crate::store::{priority_str, role_str, state_str};

/// Times are shown in Riyadh time, with the offset, to the second.
pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&riyadh())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A ticket as staff see it. No personal data: intake is fetched separately, and audited.
#[derive(Serialize, ToSchema)]
pub struct StaffTicket {
    pub id: i64,
    pub label: String,
    /// The issuing service: with the number, the label for life.
    pub service: String,
    /// The service line the ticket waits in now (differs from `service` after a transfer).
    pub line: String,
    pub state: &'static str,
    pub priority: &'static str,
    pub route: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_desk: Option<u32>,
    pub desk: Option<u32>,
    pub issued_at: String,
    pub called_at: Option<String>,
    pub recalls: u32,
    pub wants_same_gender: bool,
    /// How the visitor came: `kiosk`, `reception`, `remote` (joined by phone), `appointment`.
    pub channel: &'static str,
    /// A place joined by phone whose visitor has not checked in: it holds its place and cannot
    /// be called yet (`409 not_checked_in`).
    pub awaiting_arrival: bool,
}

impl From<&TicketView> for StaffTicket {
    fn from(v: &TicketView) -> Self {
        let t: &Ticket = &v.ticket;
        let (route, route_desk) = match t.route {
            Route::Service => ("service", None),
            Route::Research => ("research", None),
            Route::Desk(d) => ("desk", Some(d)),
        };
        Self {
            id: t.id,
            label: v.label.clone(),
            service: t.service.to_string(),
            line: t.line.to_string(),
            state: state_str(t.state),
            priority: priority_str(t.priority),
            route,
            route_desk,
            desk: t.desk,
            issued_at: local_time(t.issued_at),
            called_at: t.called_at.map(local_time),
            recalls: t.recalls,
            wants_same_gender: t.gender_preference.is_some(),
            channel: t.channel.as_str(),
            awaiting_arrival: t.awaiting_arrival,
        }
    }
}

pub fn state_name(s: TicketState) -> &'static str {
    state_str(s)
}

pub fn priority_name(p: Priority) -> &'static str {
    priority_str(p)
}

/// Who is logged in, as both logins answer.
#[derive(Serialize, ToSchema)]
#[schema(as = Staff)]
pub struct StaffDto {
    pub id: i64,
    pub display_name: String,
    pub role: &'static str,
}

impl From<&StaffSummary> for StaffDto {
    fn from(s: &StaffSummary) -> Self {
        Self {
            id: s.id,
            display_name: s.display_name.clone(),
            role: role_str(s.role),
        }
    }
}

/// Which copy of the support request form is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormCopy {
    /// For the paper file: everything, in full.
    File,
    /// The applicant takes it home: the ID and mobile masked, the committee's earliest answer.
    Applicant,
}

/// The support request form as a page (`GET /api/v1/tickets/{id}/request-form`): drawn by
/// `web::request_form` (its `IntoResponse`).
pub struct RequestFormPage {
    pub form: crate::commands::confirmation::RequestForm,
    pub copy: FormCopy,
}

/// A visit's rights export as a page (`GET /api/v1/visitors/{id}/printable`): `api` returns it and
/// `web::rights_page` draws it (its `IntoResponse`), since HTML is made only in `web`.
pub struct PrintableExport(pub serde_json::Value);

/// A reference document to show in the console's frame (`GET /api/v1/reference/{id}`): `api`
/// returns it and `web::reference_page` draws it (an HTML page around the sanitised content, or
/// the PDF as it is).
pub struct ReferenceDocument(pub crate::store::reference::ReferenceContent);
