//! The OpenAPI document of `/api/v1`, generated once from the code: each handler's
//! `#[utoipa::path]` (method, path, parameters, body, success reply), the reply and body types'
//! `ToSchema`, and the route list of `api::routes`, which registers handler and operation together
//! (`utoipa_axum::routes!`), so the document lists exactly the routes the router serves. The error
//! replies and the security schemes are the same for every operation and are added here.

use std::sync::OnceLock;

use awn_core::wire::ErrorBody;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

const DESCRIPTION: &str = "The queue of one Awn branch. Errors always have the shape \
{code, message:{ar,en}, field?} (components.responses.Error). Authentication: Authorization: \
Bearer <device token or staff session token>. Browser pages use an HttpOnly cookie instead (see \
securitySchemes.cookie). Every route refuses a body framed by Transfer-Encoding \
(transfer_encoding_refused, so Content-Length with Transfer-Encoding) and a query parameter given \
twice (repeated_parameter), both 400; replies are Cache-Control: no-store unless the route allows \
caching. A console request a person caused (a click, typing) carries X-Awn-Activity: user; only \
those restart the session's idle timer. Storage trouble: 503 storage_busy (retry; Retry-After), \
507 storage_full and 503 storage_readonly (nothing can be saved until someone acts: do not \
retry), 503 storage_failed.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Awn counter-server API", version = "1", description = DESCRIPTION),
    security(("bearer" = []), ("cookie" = [])),
    components(schemas(ErrorBody)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "public", description = "Anyone: health, this document, a visitor's status"),
        (name = "kiosk", description = "The ticket kiosk"),
        (name = "desk", description = "Staff at a desk: the queue and one ticket's transitions"),
        (name = "console", description = "The staff console: who am I, a visit, alerts"),
        (name = "committee", description = "The research committee's registered requests (policy 6.5)"),
        (name = "rights", description = "Visitors' rights, for supervisors"),
        (name = "ratings", description = "Ratings of a finished visit"),
        (name = "metrics", description = "Metrics for the console"),
        (name = "admin", description = "Administration of the branch: staff accounts, devices (admins)"),
        (name = "pairing", description = "Pairing a new device with a six-digit code"),
    )
)]
pub struct ApiDoc;

/// `bearer`: device tokens and staff session tokens; `cookie`: the browser pages' session.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "A device token (kiosk, display, rating, integration; made with \
                     `counter-server add-device`) or a staff session token (POST /api/v1/auth/login).",
                ))
                .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "awn_session",
                "The browser pages' session (staff: awn_session from POST /web/login; display: \
                 awn_display from POST /display/session). State-changing requests with a cookie \
                 must carry this server's Origin.",
            ))),
        );
    }
}

/// The error statuses an operation may answer, in the one error shape, from its shape: every
/// route refuses a malformed request (400) and may meet storage trouble (503, 507); a token is
/// refused (401) or not enough (403); a POST or DELETE needs this server's `Origin` with a cookie (403) and
/// may conflict with the ticket's or desk's state (409); a body may be too large (413), of
/// another type (415) or invalid (422), and like an id in the path may name nothing (404); a
/// path or query value may be invalid (422). Rate limits (429) and other particular answers are
/// in the handler's own annotation.
fn add_error_responses(method: &str, op: &mut Operation) {
    let secured = op
        .security
        .as_ref()
        .is_none_or(|reqs| reqs.iter().any(|r| *r != Default::default()));
    let params = op.parameters.as_ref().map_or(&[][..], Vec::as_slice);
    let in_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let in_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let body = op.request_body.is_some();
    let mut statuses = vec!["400", "503", "507"];
    if secured {
        statuses.extend(["401", "403"]);
    }
    if method == "post" || method == "delete" {
        statuses.extend(["403", "409"]);
    }
    if body {
        statuses.extend(["404", "413", "415", "422"]);
    }
    if in_path {
        statuses.extend(["404", "422"]);
    }
    if in_query {
        statuses.push("422");
    }
    for status in statuses {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name("Error")));
    }
}

/// A reply needs a description; the annotations leave most success replies without one.
fn describe_success(op: &mut Operation) {
    for (status, reply) in op.responses.responses.iter_mut() {
        if let RefOr::T(reply) = reply
            && reply.description.is_empty()
        {
            reply.description = if status == "204" { "Done" } else { "Success" }.into();
        }
    }
}

fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = doc.components.get_or_insert_with(Default::default);
    components.responses.insert(
        "Error".into(),
        RefOr::T(
            ResponseBuilder::new()
                .description("Refused: {code, message: {ar, en}, field?}")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                        .build(),
                )
                .build(),
        ),
    );
    for item in doc.paths.paths.values_mut() {
        for (method, op) in [
            ("get", &mut item.get),
            ("post", &mut item.post),
            ("put", &mut item.put),
            ("patch", &mut item.patch),
            ("delete", &mut item.delete),
        ] {
            if let Some(op) = op {
                describe_success(op);
                add_error_responses(method, op);
            }
        }
    }
    doc
}

/// The document as served by `GET /api/v1/openapi.json`, made on first use.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let doc = finish(super::api().into_openapi());
        doc.to_pretty_json()
            .expect("the OpenAPI document serializes")
    })
}

// Path parameters shared by many operations. The handlers read them as text and check them
// (`http::extract::parse_id`); these say what is accepted.

/// `{id}`: a ticket, alert or rights request.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct IdPath {
    /// The id, from 1.
    #[param(minimum = 1)]
    id: i64,
}

/// `{reference}`: a registered support request's reference (`R-2026-00017`).
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct ReferencePath {
    /// The reference the applicant was given.
    #[param(max_length = 20)]
    reference: String,
}

/// `{desk}`: a desk of the branch.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct DeskPath {
    /// The desk's number, 1 to 999.
    #[param(minimum = 1, maximum = 999)]
    desk: u32,
}

/// `{token}`: a visitor's status token, from the ticket's QR code.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
pub struct TokenPath {
    /// The status token.
    token: String,
}

/// One event of a `text/event-stream` reply, by its fields; `data` is JSON text.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ServerSentEvent {
    /// The event's type (`hello`, `called`, `status`, …); none for a bare id.
    event: Option<String>,
    data: Option<String>,
    /// `<boot>-<seq>`: send it back as `Last-Event-ID` to resume after it.
    id: Option<String>,
    /// The reconnection delay, in milliseconds.
    retry: Option<u64>,
}

/// `{"id"}`: what was just made.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct Created {
    pub id: i64,
}
