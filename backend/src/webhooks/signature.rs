//! Standard Webhooks signatures: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
//! the key being the base64 part of the `whsec_` secret. Our own verifier compares in constant
//! time and rejects empty, truncated and stale signatures.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The receivers' usual tolerance for `webhook-timestamp`.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the secret is not whsec_ + base64")]
    BadSecret,
    #[error("no valid signature")]
    Mismatch,
    #[error("the timestamp is outside the tolerance")]
    Stale,
}

fn key(secret: &str) -> Result<Vec<u8>, SignatureError> {
    let raw = secret.strip_prefix("whsec_").unwrap_or(secret);
    STANDARD
        .decode(raw)
        .map_err(|_| SignatureError::BadSecret)
        .and_then(|k| if k.is_empty() { Err(SignatureError::BadSecret) } else { Ok(k) })
}

fn mac(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// One `v1,<base64>` signature.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    Ok(format!("v1,{}", STANDARD.encode(mac(&key(secret)?, id, timestamp, body))))
}

/// The `webhook-signature` header: one signature per live secret, space-separated (during a
/// rotation the previous secret still signs, so receivers can switch without losing events).
pub fn header(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let parts: Result<Vec<String>, _> = secrets.iter().map(|s| sign(s, id, timestamp, body)).collect();
    Ok(parts?.join(" "))
}

/// Verifies a `webhook-signature` header as a receiver must.
pub fn verify(
    secret: &str,
    header: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    let expected = mac(&key(secret)?, id, timestamp, body);
    let matched = header
        .split(' ')
        .filter_map(|part| part.strip_prefix("v1,"))
        .filter_map(|b64| STANDARD.decode(b64).ok())
        .any(|sig| sig.len() == expected.len() && bool::from(sig.ct_eq(&expected)));
    if matched { Ok(()) } else { Err(SignatureError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    #[test]
    fn the_specifications_test_vector() {
        assert_eq!(sign(SECRET, ID, TS, BODY), Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned()));
        assert_eq!(verify(SECRET, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", ID, TS, BODY, TS + 10), Ok(()));
    }

    #[test]
    fn empty_truncated_tampered_and_stale_signatures_are_rejected() {
        let good = sign(SECRET, ID, TS, BODY).expect("sign");
        for bad in ["", "v1,", "v1", &good[..good.len() - 4], "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="] {
            assert_eq!(verify(SECRET, bad, ID, TS, BODY, TS), Err(SignatureError::Mismatch), "{bad:?}");
        }
        assert_eq!(verify(SECRET, &good, ID, TS, br#"{"test": 2432232315}"#, TS), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, &good, "msg_other", TS, BODY, TS), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, &good, ID, TS, BODY, TS + 301), Err(SignatureError::Stale));
    }

    #[test]
    fn a_header_carries_one_signature_per_secret_and_either_verifies() {
        let other = "whsec_QWxsIHRoZSB3b3JsZCdzIGEgc3RhZ2UsIGFuZCBhbGw=";
        let h = header(&[other, SECRET], ID, TS, BODY).expect("header");
        assert_eq!(h.split(' ').count(), 2);
        assert_eq!(verify(SECRET, &h, ID, TS, BODY, TS), Ok(()));
        assert_eq!(verify(other, &h, ID, TS, BODY, TS), Ok(()));
    }
}
