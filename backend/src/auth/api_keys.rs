//! API keys: `sk_live_` + 32 random bytes in base64url (256 bits). Only a SHA-256 of the key is
//! stored; look-up is by that hash, so no key material is ever compared byte by byte.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

const PREFIX: &str = "sk_live_";
/// Characters of the key kept visible (prefix plus a few random ones) to tell keys apart.
const VISIBLE: usize = PREFIX.len() + 6;

/// A freshly issued key: shown once, then only its prefix and hash remain.
pub struct IssuedKey {
    pub key: String,
    pub prefix: String,
    pub hash: [u8; 32],
}

pub fn issue() -> IssuedKey {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let key = format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes));
    let prefix = key[..VISIBLE].to_owned();
    let hash = digest(&key);
    IssuedKey { key, prefix, hash }
}

/// The stored form of a key.
pub fn digest(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Cheap shape check before touching the database.
pub fn looks_like_key(s: &str) -> bool {
    s.starts_with("sk_") && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_prefixed() {
        let a = issue();
        let b = issue();
        assert!(a.key.starts_with("sk_live_"));
        assert_eq!(a.key.len(), PREFIX.len() + 43);
        assert_ne!(a.key, b.key);
        assert!(a.key.starts_with(&a.prefix));
        assert_eq!(digest(&a.key), a.hash);
        assert!(looks_like_key(&a.key));
        assert!(!looks_like_key("Bearer x"));
    }
}
