//! Signed notifications to merchants (Standard Webhooks).

pub mod delivery;
pub mod record;
pub mod signature;
pub mod ssrf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;

/// A new signing secret: `whsec_` + base64 of 32 random bytes.
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_decode_to_32_bytes() {
        use base64::Engine;
        let s = super::generate_secret();
        let raw = s.strip_prefix("whsec_").expect("prefix");
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(raw).expect("base64").len(), 32);
    }
}
