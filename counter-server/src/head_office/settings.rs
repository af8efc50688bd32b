//! The head-office mode's configuration file (`counter-server head-office serve --config F`):
//! where it listens, its PostgreSQL, and the names it shows for branch ids and service codes
//! (the facts carry only ids and codes).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::pg::PgTarget;

/// Id → (Arabic name, English name).
pub type Names = HashMap<String, (String, String)>;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadOfficeConfig {
    pub listen: SocketAddr,
    /// The address browsers use (`https://…` behind TLS), for the Origin check of a POST and the
    /// cookies' `Secure`.
    pub public_base_url: String,
    pub postgres: PgTarget,
    /// Certificate and key (PEM) to serve TLS directly; without them, plain HTTP for a proxy.
    #[serde(default)]
    pub tls: Option<TlsFiles>,
    #[serde(default)]
    pub branches: Vec<Name>,
    #[serde(default)]
    pub services: Vec<Name>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A branch id or service code with its names.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Name {
    pub id: String,
    pub name_ar: String,
    pub name_en: String,
}

impl HeadOfficeConfig {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config: Self = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if !config.public_base_url.starts_with("http://")
            && !config.public_base_url.starts_with("https://")
        {
            return Err("public_base_url must start with http:// or https://".into());
        }
        Ok(config)
    }

    /// Id → (Arabic, English) of the branches, then of the services.
    pub fn names(&self) -> (Names, Names) {
        let map = |v: &[Name]| {
            v.iter()
                .map(|n| (n.id.clone(), (n.name_ar.clone(), n.name_en.clone())))
                .collect()
        };
        (map(&self.branches), map(&self.services))
    }

    pub fn secure(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
}
