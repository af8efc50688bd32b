//! Which certificate authorities the kiosk trusts for an `https://` server. By default the public
//! web roots (Mozilla's); with `ca_file` in the configuration, only the CAs in that PEM file, which
//! is how a branch server with a certificate from `counter-server make-ca` is reached.

use std::path::Path;
use std::sync::Arc;

use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

/// The CA certificates read from a `ca_file`.
#[derive(Clone, Debug)]
pub struct Trust(Arc<Vec<Certificate<'static>>>);

impl Trust {
    /// Every certificate in the PEM file at `path` (e.g. the branch's `ca.crt`); an error names the
    /// file when it cannot be read or holds no certificate.
    pub fn load(path: &Path) -> Result<Trust, String> {
        let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
        let mut certs = Vec::new();
        for item in ureq::tls::parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(c)) => certs.push(c),
                Ok(_) => {}
                Err(e) => return Err(format!("ca_file {}: {e}", path.display())),
            }
        }
        if certs.is_empty() {
            return Err(format!(
                "ca_file {}: no certificate in it (expected a PEM file such as ca.crt from make-ca)",
                path.display()
            ));
        }
        Ok(Trust(Arc::new(certs)))
    }

    /// The TLS settings of the HTTP client: these CAs as the only roots.
    pub fn tls_config(&self) -> TlsConfig {
        TlsConfig::builder()
            .root_certs(RootCerts::Specific(self.0.clone()))
            .build()
    }
}
