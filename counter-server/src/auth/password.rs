//! Staff passwords: Argon2id, PHC strings in storage.
//!
//! Parameters: 7 MiB, 5 passes, 1 lane — one of OWASP's equivalent Argon2id settings (alongside
//! 19 MiB × 2). The smaller memory keeps the server's footprint low on a branch box; a lock lets one
//! hash run at a time, so a burst of logins cannot multiply it. Stored hashes carry their own
//! parameters, so a later change of these numbers still verifies old hashes.

use std::sync::Mutex;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// One Argon2 computation at a time: a burst of logins queues instead of multiplying memory.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn argon2() -> Argon2<'static> {
    let params = Params::new(7 * 1024, 5, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_password(password: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a valid salt");
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2id hashing")
        .to_string()
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the same time as a real check, so an unknown username is not faster to reject.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("not a real password"));
    let _ = verify_password(password, phc);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_round_trip() {
        let h = hash_password("correct horse");
        assert!(h.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{h}");
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
    }
}
