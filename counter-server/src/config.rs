//! The branch configuration: one TOML file; the demo branch is embedded so the server runs with none.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

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
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            default_days: crate::store::retention::DEFAULT_RETENTION_DAYS,
            services: Default::default(),
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
    pub name_ar: String,
    pub name_en: String,
    pub public_base_url: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    pub open: String,
    pub close: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QueueSettings {
    pub max_priority_streak: u32,
    pub normal_max_wait_minutes: u32,
    pub gender_fallback_minutes: u32,
}

impl Default for QueueSettings {
    fn default() -> Self {
        let p = QueuePolicy::default();
        Self {
            max_priority_streak: p.max_priority_streak,
            normal_max_wait_minutes: p.normal_max_wait_minutes as u32,
            gender_fallback_minutes: p.gender_fallback_minutes as u32,
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
#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    pub code: String,
    pub prefix: String,
    pub name_ar: String,
    pub name_en: String,
    pub hint_ar: String,
    pub hint_en: String,
    pub average_service_minutes: u32,
    /// The documents the desk checks for this service (policy 6.2), in the order it checks them.
    #[serde(default)]
    pub documents: Vec<DocumentConfig>,
}

/// One document of a service's checklist: the desk records that it saw it and that it is valid.
#[derive(Clone, Debug, Deserialize)]
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

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeskConfig {
    pub id: u32,
    pub kind: DeskKindConfig,
    pub services: Vec<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
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

impl Config {
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
        Ok(config)
    }

    pub fn policy(&self) -> QueuePolicy {
        QueuePolicy {
            max_priority_streak: self.queue.max_priority_streak,
            normal_max_wait_minutes: i64::from(self.queue.normal_max_wait_minutes),
            gender_fallback_minutes: i64::from(self.queue.gender_fallback_minutes),
        }
    }

    pub fn retention_policy(&self) -> crate::store::retention::RetentionPolicy {
        crate::store::retention::RetentionPolicy {
            default_days: self.retention.default_days,
            by_service: self.retention.services.clone(),
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
            if s.average_service_minutes == 0 || s.average_service_minutes > 480 {
                return Err(format!(
                    "service {}: average_service_minutes must be 1-480",
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
        if self.retention.default_days == 0 || self.retention.services.values().any(|d| *d == 0) {
            return Err("retention days must be at least 1".into());
        }
        if let Some(b) = &self.backup
            && (b.every_hours == 0 || b.keep == 0)
        {
            return Err("backup.every_hours and backup.keep must be at least 1".into());
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
        for (name, hhmm) in [("open", &self.hours.open), ("close", &self.hours.close)] {
            chrono::NaiveTime::parse_from_str(hhmm, "%H:%M")
                .map_err(|_| format!("hours.{name} must be HH:MM"))?;
        }
        Ok(())
    }
}

/// A code in the configuration (services, documents): 1-40 characters of a-z, 0-9 and `_`.
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
