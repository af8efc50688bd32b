//! Random tokens and their hashes. Only hashes are stored; a token is shown once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the OS, base64url without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    URL_SAFE_NO_PAD.encode(buf)
}

/// A visitor's status token: 128 bits, 22 characters.
pub fn status_token() -> String {
    random_token(16)
}

/// A device or session token: 256 bits, 43 characters.
pub fn secret_token() -> String {
    random_token(32)
}

pub fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Whether a string could be a token we issued (base64url, sane length); checked before any lookup.
pub fn well_formed(token: &str) -> bool {
    (16..=64).contains(&token.len())
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_tokens_are_128_bit_base64url_and_distinct() {
        let a = status_token();
        let b = status_token();
        assert_eq!(a.len(), 22);
        assert!(well_formed(&a));
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
    }
}
