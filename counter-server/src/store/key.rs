//! The database key and where it comes from.
//!
//! A random 256-bit raw key, given to SQLCipher as `PRAGMA key = "x'…'"` (a raw key skips the
//! passphrase derivation: about 2 ms per connection instead of about 90 ms). It is read from a file
//! that only its owner may read, or from a systemd credential; never from the command line or the
//! environment, and it is never printed (its `Debug` shows nothing).

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, PartialEq, Eq)]
pub struct DbKey([u8; 32]);

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(hidden)")
    }
}

/// The name of the systemd credential (`LoadCredential=db-key:/etc/awn/db.key`).
pub const CREDENTIAL_NAME: &str = "db-key";

impl DbKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k).expect("the OS random source is available");
        Self(k)
    }

    /// The key as 64 hexadecimal characters (the key file's format).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if t.len() != 64 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("a database key is 64 hexadecimal characters (256 bits)".into());
        }
        let mut k = [0u8; 32];
        for (i, byte) in k.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&t[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
        }
        Ok(Self(k))
    }

    /// The statement SQLCipher needs first on every connection.
    pub(crate) fn pragma(&self) -> String {
        format!("PRAGMA key = \"x'{}'\"", self.to_hex())
    }

    pub(crate) fn rekey_pragma(&self) -> String {
        format!("PRAGMA rekey = \"x'{}'\"", self.to_hex())
    }

    /// Reads a key file, refusing one that others than its owner may read.
    pub fn load(path: &Path) -> Result<Self, String> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta =
                std::fs::metadata(path).map_err(|e| format!("key file {}: {e}", path.display()))?;
            if meta.permissions().mode() & 0o077 != 0 {
                return Err(format!(
                    "key file {} must be readable by its owner only (chmod 600)",
                    path.display()
                ));
            }
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("key file {}: {e}", path.display()))?;
        Self::from_hex(&text).map_err(|e| format!("key file {}: {e}", path.display()))
    }

    /// The systemd credential, when the service was started with one.
    pub fn from_credentials() -> Option<Result<Self, String>> {
        let dir = std::env::var_os("CREDENTIALS_DIRECTORY")?;
        let path = PathBuf::from(dir).join(CREDENTIAL_NAME);
        path.exists().then(|| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("credential {CREDENTIAL_NAME}: {e}"))?;
            Self::from_hex(&text)
        })
    }

    /// Writes a new key file readable by its owner only; refuses to overwrite one.
    pub fn write_new(&self, path: &Path) -> Result<(), String> {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts
            .open(path)
            .map_err(|e| format!("cannot create key file {}: {e}", path.display()))?;
        f.write_all(format!("{}\n", self.to_hex()).as_bytes())
            .map_err(|e| e.to_string())?;
        f.sync_all().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_hidden_debug() {
        let k = DbKey::generate();
        assert_eq!(DbKey::from_hex(&k.to_hex()).unwrap(), k);
        assert_eq!(format!("{k:?}"), "DbKey(hidden)");
        assert!(DbKey::from_hex("abc").is_err());
    }

    #[test]
    fn key_files_must_be_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.key");
        let k = DbKey::generate();
        k.write_new(&path).unwrap();
        assert_eq!(DbKey::load(&path).unwrap(), k);
        assert!(k.write_new(&path).is_err(), "never overwrites a key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(DbKey::load(&path).unwrap_err().contains("chmod 600"));
        }
    }
}
