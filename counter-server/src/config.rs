//! The branch configuration: one TOML file; the demo branch is embedded so the server runs with none.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use crate::domain::hours::{DAY_MINUTES, DayHours, OpeningHours};
use crate::domain::{DeskKind, QueuePolicy};

/// The demo configuration, compiled in.
pub const DEMO_TOML: &str = include_str!("../config/demo.toml");

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub branch: Branch,
    pub hours: Hours,
    #[serde(default)]
    pub queue: QueueSettings,
    #[serde(default)]
    pub console: ConsoleSettings,
    #[serde(default)]
    pub committee: CommitteeSettings,
    pub intake_notice: IntakeNotice,
    /// What the applicant signs under the confirmed data (policy 6.4).
    pub declaration: Declaration,
    pub services: Vec<ServiceConfig>,
    pub desks: Vec<DeskConfig>,
    #[serde(default)]
    pub retention: RetentionConfig,
    #[serde(default)]
    pub backup: Option<BackupConfig>,
    #[serde(default)]
    pub tls: Option<TlsConfig>,
    #[serde(default)]
    pub connections: ConnectionSettings,
    /// Shipping the roll-up to head office; none: the outbox only accumulates (bounded).
    #[serde(default)]
    pub rollup: Option<RollupConfig>,
    #[serde(default)]
    pub webhooks: WebhookSettings,
    /// The SMS gateway for "your turn is near" (`crate::notify::sms`); none: no SMS is offered.
    #[serde(default)]
    pub sms: Option<SmsConfig>,
    /// Web Push for the same notices (`crate::notify::push`); none: no push is offered.
    #[serde(default)]
    pub push: Option<PushConfig>,
    /// When the notices go out (`crate::notify::worker`).
    #[serde(default)]
    pub notify: NotifySettings,
    /// Joining the line from the phone (`/join`, issue 16).
    #[serde(default)]
    pub remote: RemoteSettings,
}

/// `[sms]`: the association's SMS gateway (`crate::notify::sms`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    /// `https://`, or `http://` to a gateway on this machine (`127.0.0.1`, `[::1]`, `localhost`).
    pub url: String,
    /// The gateway's bearer token alone, in a file readable by the service only.
    pub token_file: std::path::PathBuf,
    /// The sender name or number, when the gateway lets us choose.
    #[serde(default)]
    pub sender: Option<String>,
}

impl SmsConfig {
    /// The gateway, with its token read from `token_file` now (so a rotated token is used from
    /// the next message on).
    pub fn gateway(&self) -> Result<crate::notify::sms::SmsGateway, String> {
        let token = std::fs::read_to_string(&self.token_file)
            .map_err(|e| format!("sms.token_file {}: {e}", self.token_file.display()))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(format!(
                "sms.token_file {}: empty",
                self.token_file.display()
            ));
        }
        Ok(crate::notify::sms::SmsGateway {
            url: self.url.clone(),
            token: token.to_string(),
            sender: self.sender.clone(),
        })
    }
}

/// `[notify]`: when "your turn is near" goes out (to a visitor who asked, by `[push]` or `[sms]`):
/// once, when at most `near_people_ahead` people are ahead, or (if set) the estimated wait is at
/// most `near_minutes`; "it is your turn" once when called.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NotifySettings {
    pub near_people_ahead: u32,
    pub near_minutes: Option<u32>,
    /// How long a push service keeps a notice for a browser that is offline (a late one is
    /// worthless).
    pub push_ttl_seconds: u32,
    /// How long before an appointment's slot its SMS reminder goes out (to a visitor who gave a
    /// number on the booking's page).
    pub appointment_reminder_minutes: u32,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            near_people_ahead: 3,
            near_minutes: None,
            push_ttl_seconds: 600,
            appointment_reminder_minutes: 120,
        }
    }
}

impl NotifySettings {
    /// Whether a waiting visitor with `people_ahead` and `wait_minutes` is near their turn.
    pub fn is_near(&self, people_ahead: u32, wait_minutes: u32) -> bool {
        people_ahead <= self.near_people_ahead
            || self.near_minutes.is_some_and(|m| wait_minutes <= m)
    }
}

/// `[push]`: Web Push (`crate::notify::push`). The VAPID key is made once and kept in the
/// database, not here.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    /// Whom a push service may contact about our messages: `mailto:…` or `https://…` (RFC 8292).
    pub subject: String,
    /// A CA (PEM) trusted for push services besides the public web roots (a test's own service).
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Takes subscriptions whose endpoint is plain `http://` to this machine (a test's push
    /// service). Off by default: otherwise anyone holding a ticket could make the server post to
    /// a local port.
    #[serde(default)]
    pub allow_loopback_endpoints: bool,
}

impl PushConfig {
    /// The HTTPS client for push services.
    pub fn client(&self) -> Result<crate::webhooks::client::Client, String> {
        crate::webhooks::client::Client::trusting("push.ca_file", self.ca_file.as_deref())
    }
}

/// `[rollup]`: head office's PostgreSQL (`head_office::PgTarget`'s fields) and how the shipper
/// (`crate::shipper`) sends the outbox there.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupConfig {
    pub conninfo: String,
    #[serde(default)]
    pub password_file: Option<std::path::PathBuf>,
    #[serde(default)]
    pub ca_file: Option<std::path::PathBuf>,
    /// Facts per batch (one transaction at head office).
    #[serde(default = "default_rollup_batch")]
    pub batch: usize,
    /// The longest a fact waits when no queue change wakes the shipper (ratings and committee
    /// decisions do not); queue changes are shipped within a second.
    #[serde(default)]
    pub interval_seconds: Option<u64>,
}

fn default_rollup_batch() -> usize {
    1000
}

impl RollupConfig {
    /// Where head office is.
    pub fn target(&self) -> crate::head_office::PgTarget {
        crate::head_office::PgTarget {
            conninfo: self.conninfo.clone(),
            password_file: self.password_file.clone(),
            ca_file: self.ca_file.clone(),
        }
    }
}

/// Webhook deliveries (`crate::webhooks`): the endpoints themselves are registered by an admin.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    /// The association's CA (PEM), trusted for endpoints besides the public web roots.
    pub ca_file: Option<std::path::PathBuf>,
}

/// How long a connection may stay silent, and how many one address may hold (`crate::connections`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConnectionSettings {
    /// A request's headers must be complete within this of its first byte.
    pub header_read_timeout_seconds: u64,
    /// A connection that starts no request for this long (after opening or a reply) is closed.
    pub idle_timeout_seconds: u64,
    pub tls_handshake_timeout_seconds: u64,
    /// Connections open at once from one source address (beyond it: closed at once).
    pub per_address: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client; empty: the header is ignored.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            header_read_timeout_seconds: 20,
            idle_timeout_seconds: 60,
            tls_handshake_timeout_seconds: 10,
            per_address: 256,
            trusted_proxies: Vec::new(),
        }
    }
}

/// TLS on the branch network: PEM files (`counter-server make-ca` makes a branch-local pair).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

/// How long personal data is kept after a visit closes (days), by default and per service.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    pub default_days: u32,
    pub services: std::collections::BTreeMap<String, u32>,
    /// Days a registered request's personal data is kept after the applicant was told of the
    /// committee's final answer (kept all the while it is open).
    pub request_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            default_days: crate::store::retention::DEFAULT_RETENTION_DAYS,
            services: Default::default(),
            request_days: crate::store::retention::DEFAULT_REQUEST_RETENTION_DAYS,
        }
    }
}

/// Scheduled backups: into `dir`, every `every_hours`, keeping the newest `keep`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupConfig {
    pub dir: std::path::PathBuf,
    #[serde(default = "default_backup_hours")]
    pub every_hours: u32,
    #[serde(default = "default_backup_keep")]
    pub keep: usize,
}

fn default_backup_hours() -> u32 {
    24
}

fn default_backup_keep() -> usize {
    7
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branch {
    /// The branch's stable code (`riyadh-1`): the `branch` label of every Prometheus series and
    /// the branch of every roll-up fact, so head office keeps each fact once by (branch, seq).
    /// Required, with no default: two branches silently sharing a default would merge their
    /// figures and make one's facts look like the other's duplicates. Never changed once shipped.
    #[serde(default)]
    pub id: String,
    pub name_ar: String,
    pub name_en: String,
    pub public_base_url: String,
}

/// When the kiosk issues tickets (`domain::hours`), in Riyadh time: each weekday
/// `"HH:MM-HH:MM"` or `"closed"` (a day left out is closed), `holidays` (`"YYYY-MM-DD"`), and
/// `cutoff_minutes` before closing when issuing stops. The older `open`/`close` pair still reads
/// as the same hours every day of the week.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub sunday: Option<String>,
    pub monday: Option<String>,
    pub tuesday: Option<String>,
    pub wednesday: Option<String>,
    pub thursday: Option<String>,
    pub friday: Option<String>,
    pub saturday: Option<String>,
    pub open: Option<String>,
    pub close: Option<String>,
    #[serde(default = "default_cutoff_minutes")]
    pub cutoff_minutes: u32,
    #[serde(default)]
    pub holidays: Vec<String>,
}

fn default_cutoff_minutes() -> u32 {
    30
}

impl Hours {
    /// Open every day around the clock, with no cut-off (the tests' branch: they run at any hour).
    pub fn always_open() -> Self {
        let all_day = Some("00:00-24:00".to_string());
        Self {
            sunday: all_day.clone(),
            monday: all_day.clone(),
            tuesday: all_day.clone(),
            wednesday: all_day.clone(),
            thursday: all_day.clone(),
            friday: all_day.clone(),
            saturday: all_day,
            cutoff_minutes: 0,
            ..Self::default()
        }
    }

    /// The rule these keys describe; the error names the key at fault.
    pub fn opening_hours(&self) -> Result<OpeningHours, String> {
        let days = [
            ("sunday", &self.sunday),
            ("monday", &self.monday),
            ("tuesday", &self.tuesday),
            ("wednesday", &self.wednesday),
            ("thursday", &self.thursday),
            ("friday", &self.friday),
            ("saturday", &self.saturday),
        ];
        let mut week = [None; 7];
        match (&self.open, &self.close) {
            (None, None) => {
                for (i, (name, value)) in days.iter().enumerate() {
                    week[i] = match value {
                        None => None,
                        Some(v) if v == "closed" => None,
                        Some(v) => Some(day_hours(v).map_err(|e| format!("hours.{name}: {e}"))?),
                    };
                }
            }
            (Some(open), Some(close)) => {
                if let Some((name, _)) = days.iter().find(|(_, v)| v.is_some()) {
                    return Err(format!(
                        "hours.{name}: give either per-day hours or the older open/close pair, not both"
                    ));
                }
                let h = day_hours(&format!("{open}-{close}"))
                    .map_err(|e| format!("hours.open/close: {e}"))?;
                week = [Some(h); 7];
            }
            _ => return Err("hours.open and hours.close go together".into()),
        }
        let shortest = week.iter().flatten().map(|d| d.close - d.open).min();
        if self.cutoff_minutes > 0 && shortest.is_some_and(|m| u32::from(m) <= self.cutoff_minutes)
        {
            return Err(format!(
                "hours.cutoff_minutes: {} leaves no time to issue tickets on a day of {} minutes",
                self.cutoff_minutes,
                shortest.unwrap_or(0)
            ));
        }
        let cutoff_minutes = u16::try_from(self.cutoff_minutes)
            .ok()
            .filter(|m| *m < DAY_MINUTES)
            .ok_or("hours.cutoff_minutes: less than a day (1440)")?;
        let holidays = self
            .holidays
            .iter()
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                    .map_err(|_| format!("hours.holidays: {d:?} is not a date YYYY-MM-DD"))
            })
            .collect::<Result<_, _>>()?;
        Ok(OpeningHours {
            week,
            holidays,
            cutoff_minutes,
        })
    }
}

/// `"HH:MM-HH:MM"`, opening before closing; closing may be `24:00`.
fn day_hours(text: &str) -> Result<DayHours, String> {
    let bad = || format!("{text:?}: write \"HH:MM-HH:MM\" (e.g. \"08:00-16:00\") or \"closed\"");
    let (open, close) = text.split_once('-').ok_or_else(bad)?;
    // Exactly "HH:MM", up to 24:00.
    let minutes = |t: &str| -> Option<u16> {
        let (h, m) = t.trim().split_once(':')?;
        let digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || !digits(m) {
            return None;
        }
        let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && h * 60 + m <= DAY_MINUTES).then_some(h * 60 + m)
    };
    let (open, close) = (
        minutes(open).ok_or_else(bad)?,
        minutes(close).ok_or_else(bad)?,
    );
    if open >= close {
        return Err(format!("{text:?}: opening must come before closing"));
    }
    Ok(DayHours { open, close })
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueSettings {
    pub max_priority_streak: u32,
    pub normal_max_wait_minutes: u32,
    pub gender_fallback_minutes: u32,
    /// A remote place not checked in at its turn moves back behind this many (`domain::arrival`).
    pub remote_move_back: u32,
    /// Minutes after its slot an appointment may check in and keep it.
    pub appointment_grace_minutes: u32,
}

impl Default for QueueSettings {
    fn default() -> Self {
        let p = QueuePolicy::default();
        Self {
            max_priority_streak: p.max_priority_streak,
            normal_max_wait_minutes: p.normal_max_wait_minutes as u32,
            gender_fallback_minutes: p.gender_fallback_minutes as u32,
            remote_move_back: p.arrival.remote_move_back as u32,
            appointment_grace_minutes: p.arrival.appointment_grace_minutes,
        }
    }
}

/// The limits of joining the line from the phone (`commands::remote`), so that a flood of joins
/// cannot fill the day: per service, per client address and per device (the page's cookie).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemoteSettings {
    pub daily_cap_per_service: u32,
    /// A household or an office behind one address may join for several people.
    pub per_address_per_day: u32,
    pub per_device_per_day: u32,
}

impl Default for RemoteSettings {
    fn default() -> Self {
        Self {
            daily_cap_per_service: 40,
            per_address_per_day: 4,
            per_device_per_day: 2,
        }
    }
}

/// The staff console: a browser session ends after `idle_seconds` without anything a person did.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleSettings {
    pub idle_seconds: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self { idle_seconds: 1800 }
    }
}

/// The research committee's requests (policy 6.5): a request with no answer this many days after
/// registration is flagged overdue in the console (the committee answers in no less than 14).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CommitteeSettings {
    pub overdue_days: u32,
}

impl Default for CommitteeSettings {
    fn default() -> Self {
        Self { overdue_days: 30 }
    }
}

/// The consent notice the kiosk shows; its text and version are stored with each consent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeNotice {
    pub version: String,
    pub ar: String,
    pub en: String,
}

/// The applicant's declaration under the data they confirm (policy 6.4); its version is stored
/// with each confirmation, so a new text needs a new version.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub version: String,
    pub ar: String,
    pub en: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub code: String,
    pub prefix: String,
    pub name_ar: String,
    pub name_en: String,
    pub hint_ar: String,
    pub hint_en: String,
    pub average_service_minutes: u32,
    /// The longest wait this service aims for, in minutes (the board's amber; default
    /// `DEFAULT_TARGET_WAIT_MINUTES`). Read through `target_wait_minutes()`.
    #[serde(default, rename = "target_wait_minutes")]
    pub target_wait: Option<u32>,
    /// The documents the desk checks for this service (policy 6.2), in the order it checks them.
    #[serde(default)]
    pub documents: Vec<DocumentConfig>,
    /// Not offered for new tickets (kiosk, reception); its line is still served.
    #[serde(default)]
    pub hidden: bool,
    /// Offered on the public join page (policy 3.4): visitors may take a place from their phone.
    #[serde(default)]
    pub remote_joining: bool,
}

/// A service's target wait when its configuration names none.
pub const DEFAULT_TARGET_WAIT_MINUTES: u32 = 15;

impl ServiceConfig {
    /// The one answer to "the target wait of this service", in minutes.
    pub fn target_wait_minutes(&self) -> u32 {
        self.target_wait.unwrap_or(DEFAULT_TARGET_WAIT_MINUTES)
    }

    /// The service as the queue knows it.
    pub fn for_queue(&self) -> crate::domain::Service {
        crate::domain::Service {
            code: self.code.as_str().into(),
            prefix: self.prefix.clone(),
            average_service_minutes: self.average_service_minutes,
            target_wait_minutes: self.target_wait_minutes(),
        }
    }
}

/// One document of a service's checklist: the desk records that it saw it and that it is valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfig {
    pub code: String,
    pub name_ar: String,
    pub name_en: String,
    /// Registration waits for it (false: checked only when it applies, e.g. a family member).
    #[serde(default = "yes")]
    pub required: bool,
    /// The desk records its expiry date, which must not have passed ("valid at the time of
    /// submission", 6.2).
    #[serde(default)]
    pub expiry: bool,
    /// The desk records its number (a case or police report number).
    #[serde(default)]
    pub reference: bool,
}

fn yes() -> bool {
    true
}

impl DocumentConfig {
    pub fn rule(&self) -> crate::domain::visit::DocumentRule {
        crate::domain::visit::DocumentRule {
            required: self.required,
            expiry: self.expiry,
            reference: self.reference,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskConfig {
    pub id: u32,
    pub kind: DeskKindConfig,
    pub services: Vec<String>,
    /// A short name the display shows under the desk's number ("Reception", "Room 2"); the
    /// number is what is announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_ar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

impl DeskConfig {
    /// The name the display shows, when the desk has one in both languages.
    pub fn display_name(&self) -> Option<(&str, &str)> {
        Some((self.name_ar.as_deref()?, self.name_en.as_deref()?))
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeskKindConfig {
    BeneficiaryRelations,
    SocialResearch,
}

impl From<DeskKindConfig> for DeskKind {
    fn from(k: DeskKindConfig) -> Self {
        match k {
            DeskKindConfig::BeneficiaryRelations => DeskKind::BeneficiaryRelations,
            DeskKindConfig::SocialResearch => DeskKind::SocialResearch,
        }
    }
}

/// What administration edits in the browser (`commands::settings`): the branch's names, the
/// consent notice, services (with their retention) and desks. Stored in the database
/// (`store::settings`); the TOML file's values only seed a new branch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = Settings)]
pub struct Catalog {
    pub name_ar: String,
    pub name_en: String,
    pub intake_notice: IntakeNotice,
    pub services: Vec<ServiceConfig>,
    pub desks: Vec<DeskConfig>,
    /// Days a visit of each service is kept, where it differs from `[retention] default_days`.
    pub retention_days: BTreeMap<String, u32>,
}

/// The configuration in force, replaced as a whole when administration commits a change: the
/// writer thread and every handler read it from here (`get` is a cheap `Arc` clone).
pub struct LiveConfig(RwLock<Arc<Config>>);

impl LiveConfig {
    pub fn new(config: Arc<Config>) -> Self {
        Self(RwLock::new(config))
    }

    pub fn get(&self) -> Arc<Config> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, config: Arc<Config>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = config;
    }
}

impl Config {
    /// The desks that have a name for the display: (number, Arabic, English).
    pub fn desk_names(&self) -> Vec<(u32, String, String)> {
        self.desks
            .iter()
            .filter_map(|d| {
                d.display_name()
                    .map(|(ar, en)| (d.id, ar.to_string(), en.to_string()))
            })
            .collect()
    }

    /// The part administration edits.
    pub fn catalog(&self) -> Catalog {
        Catalog {
            name_ar: self.branch.name_ar.clone(),
            name_en: self.branch.name_en.clone(),
            intake_notice: self.intake_notice.clone(),
            services: self.services.clone(),
            desks: self.desks.clone(),
            retention_days: self.retention.services.clone(),
        }
    }

    /// This configuration with `catalog` in place of its own, checked by the same rules as the file.
    pub fn with_catalog(&self, catalog: Catalog) -> Result<Config, String> {
        let mut c = self.clone();
        c.branch.name_ar = catalog.name_ar;
        c.branch.name_en = catalog.name_en;
        c.intake_notice = catalog.intake_notice;
        c.services = catalog.services;
        c.desks = catalog.desks;
        c.retention.services = catalog.retention_days;
        c.validate()?;
        Ok(c)
    }

    pub fn demo() -> Self {
        Self::parse(DEMO_TOML)
            .expect("the embedded demo configuration is valid (checked by a test)")
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        config.validate()?;
        // Read once here, so a wrong CA file stops the start rather than every delivery.
        crate::webhooks::client::Client::new(config.webhooks.ca_file.as_deref())?;
        if let Some(push) = &config.push {
            push.client()?;
        }
        Ok(config)
    }

    pub fn policy(&self) -> QueuePolicy {
        QueuePolicy {
            max_priority_streak: self.queue.max_priority_streak,
            normal_max_wait_minutes: i64::from(self.queue.normal_max_wait_minutes),
            gender_fallback_minutes: i64::from(self.queue.gender_fallback_minutes),
            arrival: crate::domain::arrival::ArrivalPolicy {
                remote_move_back: self.queue.remote_move_back as usize,
                appointment_grace_minutes: self.queue.appointment_grace_minutes,
            },
        }
    }

    /// The branch's opening hours (checked by `parse`).
    pub fn opening_hours(&self) -> OpeningHours {
        self.hours
            .opening_hours()
            .expect("the hours were checked when the configuration was read")
    }

    pub fn retention_policy(&self) -> crate::store::retention::RetentionPolicy {
        crate::store::retention::RetentionPolicy {
            default_days: self.retention.default_days,
            by_service: self.retention.services.clone(),
            request_days: self.retention.request_days,
        }
    }

    pub fn service(&self, code: &str) -> Option<&ServiceConfig> {
        self.services.iter().find(|s| s.code == code)
    }

    /// The documents the desk checks for `service` (none for an unknown service).
    pub fn documents_of(&self, service: &str) -> &[DocumentConfig] {
        self.service(service).map_or(&[], |s| &s.documents)
    }

    fn validate(&self) -> Result<(), String> {
        if self.console.idle_seconds == 0 || self.console.idle_seconds > 12 * 3600 {
            return Err("[console] idle_seconds: 1 to 43200".into());
        }
        // From 10 minutes (a reminder must arrive in time to come) to two days before the slot.
        if !(10..=2 * 24 * 60).contains(&self.notify.appointment_reminder_minutes) {
            return Err("[notify] appointment_reminder_minutes: 10 to 2880".into());
        }
        if !(15..=365).contains(&self.committee.overdue_days) {
            return Err(
                "[committee] overdue_days: 15 to 365 (the committee answers in no less than 14)"
                    .into(),
            );
        }
        let d = &self.declaration;
        if [&d.version, &d.ar, &d.en]
            .iter()
            .any(|t| t.trim().is_empty())
        {
            return Err("[declaration] version, ar and en must not be empty".into());
        }
        let n = &self.intake_notice;
        if [&n.version, &n.ar, &n.en]
            .iter()
            .any(|t| t.trim().is_empty())
        {
            return Err("[intake_notice] version, ar and en must not be empty".into());
        }
        if !is_branch_id(&self.branch.id) {
            return Err(format!(
                "[branch] id {:?}: required, a short stable code of 1-32 characters a-z, 0-9 and - \
                 that starts with a letter (e.g. \"riyadh-1\"), unique in the association",
                self.branch.id
            ));
        }
        if self.branch.name_ar.trim().is_empty() || self.branch.name_en.trim().is_empty() {
            return Err("[branch] name_ar and name_en must not be empty".into());
        }
        if self.services.is_empty() {
            return Err("at least one [[services]] entry is needed".into());
        }
        let mut codes = HashSet::new();
        let mut prefixes = HashSet::new();
        for s in &self.services {
            if !is_code(&s.code) {
                return Err(format!(
                    "service code {:?}: use 1-40 characters of a-z, 0-9 and _",
                    s.code
                ));
            }
            // The rating kiosk parses labels back with the same rule (`awn_core::label`).
            if !awn_core::label::is_prefix(&s.prefix) {
                return Err(format!(
                    "service {}: prefix {:?} must be 1-3 capital letters A-Z",
                    s.code, s.prefix
                ));
            }
            if !codes.insert(s.code.as_str()) {
                return Err(format!("service code {} appears twice", s.code));
            }
            if !prefixes.insert(s.prefix.as_str()) {
                return Err(format!("prefix {} is used by two services", s.prefix));
            }
            let mut documents = HashSet::new();
            for d in &s.documents {
                if !is_code(&d.code) || !documents.insert(d.code.as_str()) {
                    return Err(format!(
                        "service {}: document code {:?} must be unique, 1-40 characters of a-z, 0-9 and _",
                        s.code, d.code
                    ));
                }
                if d.name_ar.trim().is_empty() || d.name_en.trim().is_empty() {
                    return Err(format!(
                        "service {}: document {} needs name_ar and name_en",
                        s.code, d.code
                    ));
                }
            }
            if s.name_ar.trim().is_empty() || s.name_en.trim().is_empty() {
                return Err(format!(
                    "service {}: name_ar and name_en must not be empty",
                    s.code
                ));
            }
            if s.average_service_minutes == 0 || s.average_service_minutes > 480 {
                return Err(format!(
                    "service {}: average_service_minutes must be 1-480",
                    s.code
                ));
            }
            if s.target_wait.is_some_and(|m| m == 0 || m > 480) {
                return Err(format!(
                    "service {}: target_wait_minutes must be 1-480",
                    s.code
                ));
            }
        }
        let mut desk_ids = HashSet::new();
        for d in &self.desks {
            if !(1..=999).contains(&d.id) {
                return Err(format!("desk id {} must be 1-999", d.id));
            }
            if !desk_ids.insert(d.id) {
                return Err(format!("desk {} appears twice", d.id));
            }
            let names = [&d.name_ar, &d.name_en];
            if names.iter().any(|n| {
                n.as_deref()
                    .is_some_and(|n| n.trim().is_empty() || n.chars().count() > 30)
            }) || names.iter().filter(|n| n.is_some()).count() == 1
            {
                return Err(format!(
                    "desk {}: name_ar and name_en go together, 1-30 characters each",
                    d.id
                ));
            }
            if let Some(unknown) = d.services.iter().find(|s| !codes.contains(s.as_str())) {
                return Err(format!("desk {} serves unknown service {unknown}", d.id));
            }
        }
        if let Some(unknown) = self
            .retention
            .services
            .keys()
            .find(|s| !codes.contains(s.as_str()))
        {
            return Err(format!(
                "retention.services names unknown service {unknown}"
            ));
        }
        if self.retention.default_days == 0
            || self.retention.request_days == 0
            || self.retention.services.values().any(|d| *d == 0)
        {
            return Err("retention days must be at least 1".into());
        }
        if let Some(b) = &self.backup
            && (b.every_hours == 0 || b.keep == 0)
        {
            return Err("backup.every_hours and backup.keep must be at least 1".into());
        }
        if let Some(r) = &self.rollup
            && (!(1..=10_000).contains(&r.batch)
                || r.interval_seconds.is_some_and(|i| !(1..=3600).contains(&i)))
        {
            return Err("[rollup] batch: 1 to 10000; interval_seconds: 1 to 3600".into());
        }
        if let Some(sms) = &self.sms
            && crate::webhooks::client::local_or_https_target(&sms.url).is_err()
        {
            return Err(
                "sms.url must be https://, or http:// to 127.0.0.1, [::1] or localhost".into(),
            );
        }
        if let Some(push) = &self.push {
            let s = push.subject.as_str();
            let mailto = s.strip_prefix("mailto:").is_some_and(|a| a.contains('@'));
            let https = s.strip_prefix("https://").is_some_and(|h| !h.is_empty());
            if !(mailto || https) || s.len() > 200 {
                return Err("push.subject must be mailto:<address> or https://<url>".into());
            }
        }
        let c = &self.connections;
        let timeouts = [
            c.header_read_timeout_seconds,
            c.idle_timeout_seconds,
            c.tls_handshake_timeout_seconds,
        ];
        if timeouts.iter().any(|t| !(1..=600).contains(t)) || c.per_address == 0 {
            return Err(
                "connections: timeouts must be 1-600 seconds and per_address at least 1".into(),
            );
        }
        if !self.branch.public_base_url.starts_with("http://")
            && !self.branch.public_base_url.starts_with("https://")
        {
            return Err("branch.public_base_url must start with http:// or https://".into());
        }
        self.hours.opening_hours()?;
        Ok(())
    }
}

/// A code in the configuration (services, documents): 1-40 characters of a-z, 0-9 and `_`.
/// A branch id: what a Prometheus label value and a head-office key can carry unquoted.
fn is_branch_id(id: &str) -> bool {
    id.len() <= 32
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollup_is_optional_with_defaults_and_checked() {
        assert!(Config::demo().rollup.is_none(), "the demo ships nowhere");
        let with = |table: &str| Config::parse(&format!("{DEMO_TOML}\n[rollup]\n{table}"));
        let c = with("conninfo = \"host=ho dbname=rollup\"").unwrap();
        let r = c.rollup.unwrap();
        assert_eq!((r.batch, r.interval_seconds), (1000, None));
        assert_eq!(r.target().conninfo, "host=ho dbname=rollup");
        assert!(with("conninfo = \"x\"\nbatch = 0").is_err());
        assert!(with("conninfo = \"x\"\ninterval_seconds = 0").is_err());
        assert!(with("conninfo = \"x\"\npassword = \"y\"").is_err());
    }

    #[test]
    fn near_is_at_the_people_ahead_or_the_minutes_whichever_comes_first() {
        let by_people = NotifySettings::default();
        let both = NotifySettings {
            near_minutes: Some(10),
            ..NotifySettings::default()
        };
        // (people ahead, estimated minutes, near by people only, near by people or minutes)
        let cases = [
            (4, 30, false, false),
            (3, 30, true, true),
            (0, 0, true, true),
            (4, 10, false, true),
            (9, 11, false, false),
        ];
        for (ahead, minutes, people, either) in cases {
            assert_eq!(
                by_people.is_near(ahead, minutes),
                people,
                "{ahead} {minutes}"
            );
            assert_eq!(both.is_near(ahead, minutes), either, "{ahead} {minutes}");
        }
        let c = Config::parse(&format!(
            "{}\n[notify]\nnear_people_ahead = 2\nnear_minutes = 5\n",
            DEMO_TOML
        ))
        .unwrap();
        assert_eq!(
            (c.notify.near_people_ahead, c.notify.near_minutes),
            (2, Some(5))
        );
        assert_eq!(c.notify.push_ttl_seconds, 600);
        assert_eq!(c.notify.appointment_reminder_minutes, 120);
        let reminder = |m: u32| {
            Config::parse(&format!(
                "{}\n[notify]\nappointment_reminder_minutes = {m}\n",
                DEMO_TOML
            ))
        };
        assert_eq!(
            reminder(30).unwrap().notify.appointment_reminder_minutes,
            30
        );
        assert!(reminder(5).is_err() && reminder(3000).is_err());
    }

    #[test]
    fn notify_sections_are_optional_and_checked() {
        let demo = Config::demo();
        assert!(
            demo.sms.is_none() && demo.push.is_none(),
            "the demo offers neither"
        );
        let with = |table: &str| Config::parse(&format!("{DEMO_TOML}\n{table}"));
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("sms-token");
        std::fs::write(&token, "tok-123\n").unwrap();
        let sms = |url: &str| {
            with(&format!(
                "[sms]\nurl = \"{url}\"\ntoken_file = \"{}\"\nsender = \"Awn\"",
                token.display()
            ))
        };
        let g = sms("https://sms.example/send")
            .unwrap()
            .sms
            .unwrap()
            .gateway()
            .unwrap();
        assert_eq!(
            (g.token.as_str(), g.sender.as_deref()),
            ("tok-123", Some("Awn"))
        );
        assert!(sms("http://127.0.0.1:9000/send").is_ok());
        assert!(sms("http://sms.example/send").is_err());
        let missing = with("[sms]\nurl = \"https://sms.example\"\ntoken_file = \"/nonexistent/t\"");
        assert!(missing.unwrap().sms.unwrap().gateway().is_err());
        assert!(with("[sms]\nurl = \"https://sms.example\"\ntoken = \"x\"").is_err());

        let push = with("[push]\nsubject = \"mailto:it@awn.example\"")
            .unwrap()
            .push
            .unwrap();
        assert_eq!(
            (push.subject.as_str(), push.ca_file),
            ("mailto:it@awn.example", None)
        );
        assert!(with("[push]\nsubject = \"https://awn.example/contact\"").is_ok());
        for bad in ["it@awn.example", "mailto:", "http://awn.example"] {
            assert!(
                with(&format!("[push]\nsubject = \"{bad}\"")).is_err(),
                "{bad}"
            );
        }
        assert!(with("[push]\nsubject = \"mailto:a@b\"\nca_file = \"/nonexistent.pem\"").is_err());
    }

    #[test]
    fn demo_config_is_valid_and_follows_the_policy_services() {
        let c = Config::demo();
        let codes: Vec<_> = c.services.iter().map(|s| s.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "new_request",
                "follow_up",
                "inquiry",
                "social_research",
                "volunteering"
            ]
        );
        assert!(
            c.desks
                .iter()
                .any(|d| d.kind == DeskKindConfig::SocialResearch)
        );
    }

    #[test]
    fn a_service_target_wait_defaults_to_15_minutes_and_must_be_positive() {
        let c = Config::demo();
        let target = |code: &str| {
            c.services
                .iter()
                .find(|s| s.code == code)
                .unwrap()
                .target_wait_minutes()
        };
        assert_eq!(target("new_request"), DEFAULT_TARGET_WAIT_MINUTES);
        assert_eq!(target("inquiry"), 10, "set in the demo configuration");
        let zero = DEMO_TOML.replacen("target_wait_minutes = 10", "target_wait_minutes = 0", 1);
        assert_eq!(
            Config::parse(&zero).unwrap_err(),
            "service inquiry: target_wait_minutes must be 1-480"
        );
    }

    #[test]
    fn a_branch_needs_its_own_short_id() {
        assert_eq!(Config::parse(DEMO_TOML).unwrap().branch.id, "riyadh-1");
        let old_file = DEMO_TOML.replacen("id = \"riyadh-1\"\n", "", 1);
        let missing = Config::parse(&old_file).unwrap_err();
        assert!(missing.contains("[branch] id \"\": required"), "{missing}");
        for bad in [
            "Riyadh",
            "1-riyadh",
            "riyadh_1",
            "riyadh 1",
            &"a".repeat(33),
        ] {
            let file = DEMO_TOML.replacen("\"riyadh-1\"", &format!("{bad:?}"), 1);
            assert!(
                Config::parse(&file).unwrap_err().contains("[branch] id"),
                "{bad}"
            );
        }
        let good = DEMO_TOML.replacen("\"riyadh-1\"", "\"jeddah-02\"", 1);
        assert_eq!(Config::parse(&good).unwrap().branch.id, "jeddah-02");
    }

    #[test]
    fn bad_configs_are_refused_with_the_reason() {
        let bad_prefix = DEMO_TOML.replacen("prefix = \"A\"", "prefix = \"Victim\"", 1);
        assert!(Config::parse(&bad_prefix).unwrap_err().contains("prefix"));
        let dup = DEMO_TOML.replacen("prefix = \"B\"", "prefix = \"A\"", 1);
        assert!(
            Config::parse(&dup)
                .unwrap_err()
                .contains("used by two services")
        );
        let unknown_key = DEMO_TOML.replacen("[hours]", "[hours]\nlunch = \"12:00\"", 1);
        assert!(Config::parse(&unknown_key).unwrap_err().contains("lunch"));
        let unknown_service = DEMO_TOML.replacen(
            "services = [\"social_research\"]",
            "services = [\"nope\"]",
            1,
        );
        assert!(
            Config::parse(&unknown_service)
                .unwrap_err()
                .contains("unknown service nope")
        );
        let twice = DEMO_TOML.replacen("code = \"case_report\"", "code = \"identity\"", 1);
        assert!(
            Config::parse(&twice)
                .unwrap_err()
                .contains("document code \"identity\" must be unique")
        );
        let unnamed = DEMO_TOML.replacen(
            "name_en = \"Case or police report number\"",
            "name_en = \" \"",
            1,
        );
        assert!(
            Config::parse(&unnamed)
                .unwrap_err()
                .contains("document case_report needs name_ar and name_en")
        );
    }

    /// The demo's `[hours]` section replaced by `section`.
    fn with_hours(section: &str) -> Result<Config, String> {
        let start = DEMO_TOML.find("[hours]").unwrap();
        let end = start + DEMO_TOML[start..].find("\n[queue]").unwrap();
        Config::parse(&format!(
            "{}[hours]\n{section}\n{}",
            &DEMO_TOML[..start],
            &DEMO_TOML[end..]
        ))
    }

    #[test]
    fn the_demo_opens_sunday_to_thursday_with_a_cutoff() {
        let h = Config::demo().opening_hours();
        let eight_to_four = Some(DayHours {
            open: 8 * 60,
            close: 16 * 60,
        });
        assert_eq!(h.week[..5], [eight_to_four; 5]);
        assert_eq!(h.week[5..], [None, None], "Friday and Saturday");
        assert_eq!(h.cutoff_minutes, 30);
        assert!(
            h.holidays
                .contains(&chrono::NaiveDate::from_ymd_opt(2027, 9, 23).unwrap())
        );
    }

    #[test]
    fn the_older_open_close_pair_means_every_day() {
        let h = with_hours("open = \"09:00\"\nclose = \"13:00\"")
            .unwrap()
            .opening_hours();
        let nine_to_one = DayHours {
            open: 9 * 60,
            close: 13 * 60,
        };
        assert_eq!(h.week, [Some(nine_to_one); 7]);
        assert_eq!(h.cutoff_minutes, 30, "the default cut-off");
        assert!(h.holidays.is_empty());
    }

    #[test]
    fn bad_hours_are_refused_naming_the_key() {
        let table = [
            (
                "sunday = \"8:00-16:00\"",
                "hours.sunday: \"8:00-16:00\": write \"HH:MM-HH:MM\"",
            ),
            ("monday = \"08:00\"", "hours.monday"),
            (
                "tuesday = \"16:00-08:00\"",
                "hours.tuesday: \"16:00-08:00\": opening must come before closing",
            ),
            ("friday = \"08:00-24:01\"", "hours.friday"),
            ("saturday = \"08:60-09:00\"", "hours.saturday"),
            (
                "sunday = \"08:00-09:00\"\ncutoff_minutes = 60",
                "hours.cutoff_minutes: 60 leaves no time",
            ),
            (
                "sunday = \"00:00-24:00\"\ncutoff_minutes = 1440",
                "hours.cutoff_minutes",
            ),
            (
                "holidays = [\"2026-02-30\"]",
                "hours.holidays: \"2026-02-30\" is not a date",
            ),
            ("open = \"08:00\"", "hours.open and hours.close go together"),
            ("open = \"08:00\"\nclose = \"07:00\"", "hours.open/close"),
            (
                "open = \"08:00\"\nclose = \"16:00\"\nsunday = \"closed\"",
                "hours.sunday: give either",
            ),
            ("sundy = \"08:00-16:00\"", "sundy"),
        ];
        for (section, message) in table {
            let e = with_hours(section).unwrap_err();
            assert!(e.contains(message), "{section}: {e}");
        }
        let h = with_hours("thursday = \"08:00-24:00\"\nfriday = \"closed\"\ncutoff_minutes = 0")
            .unwrap()
            .opening_hours();
        assert_eq!(
            h.week[4],
            Some(DayHours {
                open: 480,
                close: 1440
            })
        );
        assert_eq!(h.week[5], None);
        assert_eq!(h.week[0], None, "a day left out is closed");
    }

    #[test]
    fn the_demo_checks_the_id_and_case_report_for_a_new_request() {
        let config = Config::demo();
        let rules: Vec<_> = config
            .documents_of("new_request")
            .iter()
            .map(|d| (d.code.as_str(), d.required, d.expiry, d.reference))
            .collect();
        assert_eq!(
            rules,
            [
                ("identity", true, true, false),
                ("case_report", true, false, true),
                ("relationship_proof", false, false, false)
            ]
        );
        assert!(config.documents_of("inquiry").is_empty());
        assert!(config.documents_of("unknown").is_empty());
    }
}
