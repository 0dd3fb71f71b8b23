//! The card vault: a saved card's PAN is stored only as AES-256-GCM ciphertext with a fresh
//! random nonce, plus an HMAC-SHA256 of the PAN (a different key) for finding a saved card.

use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;

use crate::domain::card::CardNumber;
use crate::keys::Keys;

/// A sealed PAN as stored.
pub struct Sealed {
    pub ciphertext: Vec<u8>,
    pub nonce: [u8; 12],
}

pub fn seal(keys: &Keys, pan: &CardNumber) -> anyhow::Result<Sealed> {
    let cipher = cipher(keys)?;
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let ciphertext =
        cipher.encrypt(&nonce, pan.expose().as_bytes()).map_err(|_| anyhow::anyhow!("card encryption failed"))?;
    Ok(Sealed { ciphertext, nonce: nonce.into() })
}

pub fn open(keys: &Keys, ciphertext: &[u8], nonce: &[u8]) -> anyhow::Result<CardNumber> {
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| anyhow::anyhow!("stored nonce has the wrong length"))?;
    let plain = cipher(keys)?
        .decrypt(&Nonce::from(nonce), ciphertext)
        .map_err(|_| anyhow::anyhow!("card decryption failed (wrong key or tampered data)"))?;
    let pan = String::from_utf8(plain)?;
    CardNumber::parse(&pan).map_err(|e| anyhow::anyhow!("stored card no longer parses: {e}"))
}

/// Seals a PAN bound to its row: `aad` (e.g. the row's id) must be given again to open it, so a
/// ciphertext moved to another row does not open.
pub fn seal_bound(keys: &Keys, pan: &CardNumber, aad: &[u8]) -> anyhow::Result<Sealed> {
    seal_secret(&keys.card_encryption, pan.expose().as_bytes(), aad)
}

/// Seals any secret under `key` as a PAN is sealed (AES-256-GCM, a fresh nonce), bound to `aad`.
pub fn seal_secret(key: &SecretBox<[u8; 32]>, plain: &[u8], aad: &[u8]) -> anyhow::Result<Sealed> {
    let cipher = Aes256Gcm::new_from_slice(key.expose_secret()).map_err(|_| anyhow::anyhow!("key must be 32 bytes"))?;
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let ciphertext =
        cipher.encrypt(&nonce, Payload { msg: plain, aad }).map_err(|_| anyhow::anyhow!("encryption failed"))?;
    Ok(Sealed { ciphertext, nonce: nonce.into() })
}

/// Opens what [`seal_secret`] sealed with the same key and associated data.
pub fn open_secret(key: &SecretBox<[u8; 32]>, ciphertext: &[u8], nonce: &[u8], aad: &[u8]) -> anyhow::Result<Vec<u8>> {
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| anyhow::anyhow!("stored nonce has the wrong length"))?;
    Aes256Gcm::new_from_slice(key.expose_secret())
        .map_err(|_| anyhow::anyhow!("key must be 32 bytes"))?
        .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| anyhow::anyhow!("decryption failed (wrong key, wrong row or tampered data)"))
}

pub fn open_bound(keys: &Keys, ciphertext: &[u8], nonce: &[u8], aad: &[u8]) -> anyhow::Result<CardNumber> {
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| anyhow::anyhow!("stored nonce has the wrong length"))?;
    let plain = cipher(keys)?
        .decrypt(&Nonce::from(nonce), Payload { msg: ciphertext, aad })
        .map_err(|_| anyhow::anyhow!("card decryption failed (wrong key, wrong row or tampered data)"))?;
    let pan = String::from_utf8(plain)?;
    CardNumber::parse(&pan).map_err(|e| anyhow::anyhow!("stored card no longer parses: {e}"))
}

fn cipher(keys: &Keys) -> anyhow::Result<Aes256Gcm> {
    Aes256Gcm::new_from_slice(keys.card_encryption.expose_secret())
        .map_err(|_| anyhow::anyhow!("card key must be 32 bytes"))
}

/// The look-up hash of a PAN.
pub fn pan_hash(keys: &Keys, pan: &CardNumber) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(keys.card_hash.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(pan.expose().as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_round_trips_with_fresh_nonces_and_detects_tampering() {
        let keys = Keys::random();
        let pan = CardNumber::parse("4242424242424242").expect("card");
        let a = seal(&keys, &pan).expect("seal");
        let b = seal(&keys, &pan).expect("seal");
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.ciphertext, b.ciphertext);
        assert!(!a.ciphertext.windows(4).any(|w| w == b"4242"));
        assert_eq!(open(&keys, &a.ciphertext, &a.nonce).expect("open"), pan);
        let mut tampered = a.ciphertext.clone();
        tampered[0] ^= 1;
        assert!(open(&keys, &tampered, &a.nonce).is_err());
        assert!(open(&Keys::random(), &a.ciphertext, &a.nonce).is_err());
        assert_eq!(pan_hash(&keys, &pan), pan_hash(&keys, &pan));
        let bound = seal_bound(&keys, &pan, b"row-1").expect("seal");
        assert_eq!(open_bound(&keys, &bound.ciphertext, &bound.nonce, b"row-1").expect("open"), pan);
        assert!(open_bound(&keys, &bound.ciphertext, &bound.nonce, b"row-2").is_err(), "bound to its row");
        assert_ne!(pan_hash(&keys, &pan), pan_hash(&Keys::random(), &pan));
        let secret = seal_secret(&keys.totp, b"0123456789abcdefghij", b"user-1").expect("seal");
        assert_eq!(
            open_secret(&keys.totp, &secret.ciphertext, &secret.nonce, b"user-1").expect("open"),
            b"0123456789abcdefghij"
        );
        assert!(open_secret(&keys.totp, &secret.ciphertext, &secret.nonce, b"user-2").is_err(), "bound to its user");
        assert!(
            open_secret(&keys.card_encryption, &secret.ciphertext, &secret.nonce, b"user-1").is_err(),
            "its own key"
        );
    }
}
