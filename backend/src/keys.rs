//! The server's secret keys. Production takes them from configuration; a local run generates
//! them once into the data folder (development only), so sessions survive restarts.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rand::RngCore;
use rand::rngs::OsRng;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};

use crate::configuration::{RunMode, Settings};

/// Key material; `Debug` shows nothing.
pub struct Keys {
    pub jwt: SecretBox<Vec<u8>>,
    pub card_encryption: SecretBox<[u8; 32]>,
    pub card_hash: SecretBox<[u8; 32]>,
    /// Keys the idempotency request hash; derived, and used for nothing else.
    pub idempotency: SecretBox<[u8; 32]>,
    /// Keys the digest of a failed login's identifier in the audit log; derived, used for nothing else.
    pub audit: SecretBox<[u8; 32]>,
    /// Seals users' TOTP secrets (AES-256-GCM); derived from the card key, used for nothing else.
    pub totp: SecretBox<[u8; 32]>,
    /// Keys the HMAC of two-factor recovery codes; derived, used for nothing else.
    pub recovery_codes: SecretBox<[u8; 32]>,
}

/// A subkey of `key` for one purpose only (HMAC-SHA256 as the derivation function).
fn derive(key: &SecretBox<[u8; 32]>, purpose: &[u8]) -> SecretBox<[u8; 32]> {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(key.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(purpose);
    SecretBox::new(Box::new(mac.finalize().into_bytes().into()))
}

const IDEMPOTENCY_PURPOSE: &[u8] = b"clickpay/idempotency-request-hash/v2";
const AUDIT_PURPOSE: &[u8] = b"clickpay/audit-identifier-digest/v1";
const TOTP_PURPOSE: &[u8] = b"clickpay/totp-secret-seal/v1";
const RECOVERY_PURPOSE: &[u8] = b"clickpay/recovery-code-hash/v1";

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys { .. }")
    }
}

#[derive(Serialize, Deserialize)]
struct DevKeys {
    jwt_secret: String,
    card_encryption_key: String,
    card_hash_key: String,
}

fn random_b64() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    STANDARD.encode(b)
}

fn decode32(name: &str, s: &SecretString) -> anyhow::Result<SecretBox<[u8; 32]>> {
    let raw = STANDARD.decode(s.expose_secret().trim()).map_err(|_| anyhow::anyhow!("{name} must be base64"))?;
    let arr: [u8; 32] = raw.try_into().map_err(|_| anyhow::anyhow!("{name} must decode to 32 bytes"))?;
    Ok(SecretBox::new(Box::new(arr)))
}

impl Keys {
    /// Keys from settings; in a local run, missing ones come from `data_dir/dev-keys.json`.
    pub fn resolve(settings: &Settings) -> anyhow::Result<Keys> {
        let sec = &settings.security;
        let dev = if settings.environment == RunMode::Local
            && (sec.jwt_secret.is_none() || sec.card_encryption_key.is_none() || sec.card_hash_key.is_none())
        {
            Some(load_or_create_dev_keys(&settings.data_dir)?)
        } else {
            None
        };
        let pick = |configured: &Option<SecretString>, dev_value: Option<&String>| -> anyhow::Result<SecretString> {
            configured
                .clone()
                .or_else(|| dev_value.map(|v| SecretString::from(v.clone())))
                .ok_or_else(|| anyhow::anyhow!("a required secret key is not configured"))
        };
        let jwt = pick(&sec.jwt_secret, dev.as_ref().map(|d| &d.jwt_secret))?;
        let card_hash = decode32("card_hash_key", &pick(&sec.card_hash_key, dev.as_ref().map(|d| &d.card_hash_key))?)?;
        let card_encryption = decode32(
            "card_encryption_key",
            &pick(&sec.card_encryption_key, dev.as_ref().map(|d| &d.card_encryption_key))?,
        )?;
        Ok(Keys {
            jwt: SecretBox::new(Box::new(jwt.expose_secret().as_bytes().to_vec())),
            totp: derive(&card_encryption, TOTP_PURPOSE),
            card_encryption,
            idempotency: derive(&card_hash, IDEMPOTENCY_PURPOSE),
            audit: derive(&card_hash, AUDIT_PURPOSE),
            recovery_codes: derive(&card_hash, RECOVERY_PURPOSE),
            card_hash,
        })
    }

    /// Fresh random keys (tests).
    pub fn random() -> Keys {
        let d = DevKeys { jwt_secret: random_b64(), card_encryption_key: random_b64(), card_hash_key: random_b64() };
        let card_hash = decode32("k", &SecretString::from(d.card_hash_key)).unwrap_or_else(|_| unreachable!());
        let card_encryption =
            decode32("k", &SecretString::from(d.card_encryption_key)).unwrap_or_else(|_| unreachable!());
        Keys {
            jwt: SecretBox::new(Box::new(d.jwt_secret.into_bytes())),
            totp: derive(&card_encryption, TOTP_PURPOSE),
            card_encryption,
            idempotency: derive(&card_hash, IDEMPOTENCY_PURPOSE),
            audit: derive(&card_hash, AUDIT_PURPOSE),
            recovery_codes: derive(&card_hash, RECOVERY_PURPOSE),
            card_hash,
        }
    }
}

fn load_or_create_dev_keys(dir: &Path) -> anyhow::Result<DevKeys> {
    let path = dir.join("dev-keys.json");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(serde_json::from_str(&text)?);
    }
    std::fs::create_dir_all(dir)?;
    let keys = DevKeys { jwt_secret: random_b64(), card_encryption_key: random_b64(), card_hash_key: random_b64() };
    write_private(&path, &serde_json::to_string_pretty(&keys)?)?;
    tracing::warn!(path = %path.display(), "generated development keys (local run only)");
    Ok(keys)
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    f.write_all(contents.as_bytes())
}
