//! TLS on the branch network (rustls), and a branch-local certificate authority for offices that
//! have none.
//!
//! Each handshake runs in its connection's own task, with a timeout (`crate::connections`), so a
//! slow or hostile client cannot hold up the others.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{ClientConfig, RootCertStore, ServerConfig};

/// The certificates of the PEM file `path`, the configuration's `setting` (named in the error);
/// a file with none is an error too.
pub fn certificates(setting: &str, path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bad = |e: &dyn std::fmt::Display| format!("{setting} {}: {e}", path.display());
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad(&e))?
        .collect::<Result<_, _>>()
        .map_err(|e| bad(&e))?;
    if certs.is_empty() {
        return Err(bad(&"no certificate in the file"));
    }
    Ok(certs)
}

/// A rustls client (ring, safe protocol versions, no client certificate) trusting `roots`.
pub fn client_config(roots: RootCertStore) -> Result<ClientConfig, String> {
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// Reads the certificate chain and private key (PEM files) named in the configuration.
pub fn server_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let certs = certificates("tls.cert", cert)?;
    let key =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("tls.key {}: {e}", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("tls: the key does not match the certificate: {e}"))?;
    Ok(Arc::new(config))
}

/// Makes a branch-local CA and a server certificate it signs, for the given host names and IP
/// addresses: `ca.crt` (install it on the branch's browsers and kiosks), `server.crt` and
/// `server.key` (mode 600). Refuses to overwrite existing files.
pub fn make_branch_ca(dir: &Path, hosts: &[String], branch: &str) -> Result<(), String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair,
        KeyUsagePurpose,
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for f in ["ca.crt", "ca.key", "server.crt", "server.key"] {
        if dir.join(f).exists() {
            return Err(format!(
                "{} exists already: not overwriting it",
                dir.join(f).display()
            ));
        }
    }
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::OrganizationName,
        "Awn Association for the Care of Crime Victims",
    );
    dn.push(DnType::CommonName, format!("Awn branch CA — {branch}"));
    ca_params.distinguished_name = dn;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_after = rcgen::date_time_ymd(2036, 1, 1);
    let ca_key = KeyPair::generate().map_err(|e| e.to_string())?;
    let ca_cert = ca_params.self_signed(&ca_key).map_err(|e| e.to_string())?;

    let mut params =
        CertificateParams::new(hosts.to_vec()).map_err(|e| format!("host names: {e}"))?;
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        hosts
            .first()
            .cloned()
            .unwrap_or_else(|| "counter-server".into()),
    );
    params.distinguished_name = dn;
    params.not_after = rcgen::date_time_ymd(2028, 1, 1);
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).map_err(|e| e.to_string())?;

    write(dir, "ca.crt", &ca_cert.pem(), 0o644)?;
    write(dir, "ca.key", &issuer.key().serialize_pem(), 0o600)?;
    write(dir, "server.crt", &cert.pem(), 0o644)?;
    write(dir, "server.key", &key.serialize_pem(), 0o600)
}

fn write(dir: &Path, name: &str, text: &str, mode: u32) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let path = dir.join(name);
    let mut f = opts
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes()).map_err(|e| e.to_string())
}
