//! The head-office mode's HTTP side: a viewer signs in (`viewers`, Argon2, throttled like a
//! console login), then reads the association's figures as a page (`page`), as CSV or as JSON;
//! Prometheus reads `/metrics` with a scrape token. Sessions end after `IDLE` without a request
//! and at the latest after `LIFETIME`; every read is recorded (`viewer_access`).
//!
//! Replies carry the branch server's security headers (`http::security::CSP`, no framing, no
//! caching); a POST must come from `public_base_url` (the Origin check).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;
use tokio_postgres::Client;

use super::figures::{self, Report};
use super::settings::HeadOfficeConfig;
use super::{page, pg, prometheus, read};
use crate::auth::password::{verify_dummy, verify_password};
use crate::auth::tokens;
use crate::clock::Clock;
use crate::domain::numbering::service_day;
use crate::http::cookies;
use crate::http::error::ApiError;
use crate::limits::LoginThrottle;

/// A session ends after this long without a request (a screen left open in an office).
pub const IDLE: Duration = Duration::minutes(15);
/// And at the latest this long after signing in.
pub const LIFETIME: Duration = Duration::hours(8);
/// The longest period one report covers.
pub const MAX_PERIOD_DAYS: i64 = 731;

const COOKIE: &str = "awn_head_office";

pub struct HeadOffice {
    pub config: HeadOfficeConfig,
    pg: Pg,
    throttle: LoginThrottle,
    clock: Arc<dyn Clock>,
}

pub type Shared = Arc<HeadOffice>;

impl HeadOffice {
    pub fn new(config: HeadOfficeConfig, clock: Arc<dyn Clock>) -> Shared {
        Arc::new(Self {
            pg: Pg {
                target: config.postgres.clone(),
                client: tokio::sync::Mutex::new(None),
            },
            config,
            throttle: LoginThrottle::default(),
            clock,
        })
    }
}

/// One PostgreSQL connection, made again when it has dropped (head office may restart).
struct Pg {
    target: pg::PgTarget,
    client: tokio::sync::Mutex<Option<Arc<Client>>>,
}

impl Pg {
    async fn get(&self) -> Result<Arc<Client>, ApiError> {
        let mut held = self.client.lock().await;
        if let Some(c) = held.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        let client = Arc::new(pg::connect(&self.target).await.map_err(|e| {
            tracing::warn!(error = %e, "head office: cannot reach PostgreSQL");
            unavailable()
        })?);
        *held = Some(client.clone());
        Ok(client)
    }
}

fn unavailable() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "database_unavailable",
        "قاعدة بيانات المركز الرئيسي غير متاحة الآن، حاول بعد قليل",
        "Head office's database is unavailable; try again shortly",
    )
}

fn pg_failed(e: tokio_postgres::Error) -> ApiError {
    tracing::warn!(error = %e, "head office: query failed");
    unavailable()
}

fn not_signed_in() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "not_signed_in",
        "سجّل الدخول أولًا",
        "Sign in first",
    )
}

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(figures_page))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/figures.csv", get(figures_csv))
        .route("/api/v1/figures", get(figures_json))
        .route("/metrics", get(metrics))
        .route("/head-office.css", get(stylesheet))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::http::security::CSP),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: nothing leaks to another site, and the sign-in form's
    // POST still carries this server's Origin (under `no-referrer` browsers send `Origin: null`,
    // which the same-origin check must refuse).
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../ui/web/head-office.css"),
    )
}

/// The period asked for, and the page's language.
#[derive(Debug, Default, Deserialize)]
struct PeriodQuery {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    lang: Option<String>,
}

impl PeriodQuery {
    /// The period: by default this year to today (Riyadh's days).
    fn period(&self, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), ApiError> {
        let first = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January exists");
        let (from, to) = (self.from.unwrap_or(first), self.to.unwrap_or(today));
        if from > to || (to - from).num_days() >= MAX_PERIOD_DAYS {
            return Err(bad_period());
        }
        Ok((from, to))
    }

    fn en(&self) -> bool {
        self.lang.as_deref() == Some("en")
    }
}

/// The query, or `bad_period` for a date that is not one (`2026-02-30`, `yesterday`).
fn period_query(q: Result<Query<PeriodQuery>, QueryRejection>) -> Result<PeriodQuery, ApiError> {
    q.map(|Query(q)| q).map_err(|_| bad_period())
}

fn bad_period() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "bad_period",
        "الفترة غير صحيحة: اكتب التاريخين بالصيغة 2026-01-31، ولا يسبق تاريخ النهاية تاريخ البداية، ولا تزيد على سنتين",
        "The period is wrong: dates as 2026-01-31, from not after to, and at most two years",
    )
}

/// The signed-in viewer, from the session cookie.
async fn viewer(state: &HeadOffice, headers: &HeaderMap) -> Result<String, ApiError> {
    let token = cookies::get(headers, COOKIE)
        .filter(|t| tokens::well_formed(t))
        .ok_or_else(not_signed_in)?;
    let client = state.pg.get().await?;
    read::session_viewer(&client, &tokens::hash(token), state.clock.now(), IDLE)
        .await
        .map_err(pg_failed)?
        .ok_or_else(not_signed_in)
}

async fn report_for(
    state: &HeadOffice,
    viewer: &str,
    view: &str,
    q: &PeriodQuery,
) -> Result<Report, ApiError> {
    let today = service_day(state.clock.now());
    let (from, to) = q.period(today)?;
    let client = state.pg.get().await?;
    read::record_access(&client, viewer, &format!("{view} {from}..{to}"))
        .await
        .map_err(pg_failed)?;
    read::report(&client, from, to, today)
        .await
        .map_err(pg_failed)
}

async fn figures_page(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    let q = match period_query(q) {
        Ok(q) => q,
        Err(e) => {
            return (
                e.status,
                Html(page::problem(false, &e.ar, &e.en).into_string()),
            )
                .into_response();
        }
    };
    let lang = if q.en() { "?lang=en" } else { "" };
    let Ok(viewer) = viewer(&state, &headers).await else {
        return Redirect::to(&format!("/login{lang}")).into_response();
    };
    match report_for(&state, &viewer, "page", &q).await {
        Ok(report) => {
            let branches = match state.pg.get().await {
                Ok(c) => read::branches(&c).await.unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            Html(page::figures(&state.config, q.en(), &viewer, &report, &branches).into_string())
                .into_response()
        }
        Err(e) => (
            e.status,
            Html(page::problem(q.en(), &e.ar, &e.en).into_string()),
        )
            .into_response(),
    }
}

async fn figures_csv(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = period_query(q)?;
    let viewer = viewer(&state, &headers).await?;
    let report = report_for(&state, &viewer, "csv", &q).await?;
    let name = format!(
        "attachment; filename=\"awn-association-{}-{}.csv\"",
        report.from, report.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        figures::to_csv(&report),
    )
        .into_response())
}

async fn figures_json(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Json<Report>, ApiError> {
    let q = period_query(q)?;
    let viewer = viewer(&state, &headers).await?;
    Ok(Json(report_for(&state, &viewer, "json", &q).await?))
}

async fn login_page(q: Result<Query<PeriodQuery>, QueryRejection>) -> Html<String> {
    let en = q.is_ok_and(|Query(q)| q.en());
    Html(page::login(en, None).into_string())
}

#[derive(Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    #[serde(default)]
    lang: String,
}

/// A POST from another origin is refused (the session cookie is SameSite=Strict as well).
fn same_origin(config: &HeadOfficeConfig, headers: &HeaderMap) -> bool {
    headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_none_or(|o| {
            config
                .public_base_url
                .trim_end_matches('/')
                .eq_ignore_ascii_case(o)
        })
}

async fn login(
    State(state): State<Shared>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let en = form.lang == "en";
    let refuse = |status: StatusCode, ar: &str, en_text: &str| {
        (
            status,
            Html(page::login(en, Some(if en { en_text } else { ar })).into_string()),
        )
            .into_response()
    };
    if !same_origin(&state.config, &headers) {
        return refuse(
            StatusCode::FORBIDDEN,
            "طلب من مصدر غير موثوق",
            "This request must come from this server's own page",
        );
    }
    let ip = Some(peer.ip().to_canonical());
    if state.throttle.attempt(&form.name, ip).is_err() {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "محاولات كثيرة، انتظر قليلًا ثم حاول مرة أخرى",
            "Too many attempts; wait a while and try again",
        );
    }
    let client = match state.pg.get().await {
        Ok(c) => c,
        Err(e) => return refuse(e.status, &e.ar, &e.en),
    };
    let hash = match read::viewer_password(&client, &form.name).await {
        Ok(h) => h,
        Err(e) => {
            let e = pg_failed(e);
            return refuse(e.status, &e.ar, &e.en);
        }
    };
    let password = form.password;
    // Argon2 takes a core for a moment: off the async threads, and as long for an unknown name.
    let ok = tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_password(&password, &h),
        None => {
            verify_dummy(&password);
            false
        }
    })
    .await
    .unwrap_or(false);
    if !ok {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "الاسم أو كلمة المرور غير صحيحة",
            "The name or the password is wrong",
        );
    }
    state.throttle.succeeded(&form.name, ip);
    let token = tokens::secret_token();
    if let Err(e) = read::add_session(
        &client,
        &tokens::hash(&token),
        &form.name,
        state.clock.now(),
        LIFETIME,
    )
    .await
    {
        let e = pg_failed(e);
        return refuse(e.status, &e.ar, &e.en);
    }
    let mut res = Redirect::to(if en { "/?lang=en" } else { "/" }).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookies::set(
            COOKIE,
            &token,
            LIFETIME.num_seconds(),
            state.config.secure(),
        ),
    );
    res
}

async fn logout(State(state): State<Shared>, headers: HeaderMap) -> Response {
    if let Some(token) = cookies::get(&headers, COOKIE).filter(|t| tokens::well_formed(t))
        && let Ok(client) = state.pg.get().await
    {
        let _ = read::end_session(&client, &tokens::hash(token)).await;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookies::clear(COOKIE, state.config.secure()),
    );
    res
}

async fn metrics(State(state): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| tokens::well_formed(t))
        .ok_or_else(not_signed_in)?;
    let client = state.pg.get().await?;
    if !read::scrape_token_known(&client, &tokens::hash(token))
        .await
        .map_err(pg_failed)?
    {
        return Err(not_signed_in());
    }
    let today = service_day(state.clock.now());
    let month = today.with_day(1).expect("day 1 exists");
    let report = read::report(&client, month, today, today)
        .await
        .map_err(pg_failed)?;
    let branches = read::branches(&client).await.map_err(pg_failed)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        prometheus::render(&report, &branches),
    )
        .into_response())
}

/// Brings the schema up to date, then serves head office on `listener` (TLS when the
/// configuration names a certificate) until `shutdown` resolves.
pub async fn serve(
    config: HeadOfficeConfig,
    listener: tokio::net::TcpListener,
    clock: Arc<dyn Clock>,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), String> {
    let mut client = pg::connect(&config.postgres)
        .await
        .map_err(|e| e.to_string())?;
    super::schema::migrate(&mut client)
        .await
        .map_err(|e| e.to_string())?;
    drop(client);
    let tls = match &config.tls {
        Some(t) => Some(tokio_rustls::TlsAcceptor::from(crate::tls::server_config(
            &t.cert, &t.key,
        )?)),
        None => None,
    };
    let router = router(HeadOffice::new(config, clock));
    crate::connections::serve(
        listener,
        tls,
        router,
        &crate::config::ConnectionSettings::default(),
        shutdown,
    )
    .await;
    Ok(())
}
