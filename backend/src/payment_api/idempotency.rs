//! Idempotency, exactly as api-contract.md says. A request that passed authentication and
//! validation holds its key; its answer is saved and replayed byte for byte for the same method,
//! path and body (compared as parsed JSON) for 24 hours. A 5xx means the request was cut short:
//! its key is given up at once, and the retry answers the operation it committed (or runs afresh
//! if it committed none), as the contract's take-over says.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use shared::ErrorCode;
use shared::ids::OperationId;
use time::Duration;

use crate::auth::merchant::Merchant;
use crate::db::{idempotency, operations};
use crate::error::ApiError;
use crate::keys::Keys;
use crate::operations::claim::{Claim, in_progress, micros};
use crate::operations::objects;
use crate::state::AppState;

pub const HEADER: &str = "idempotency-key";

/// The request's `Idempotency-Key`: 1–64 printable ASCII characters.
pub fn require_key(req: &HttpRequest) -> Result<String, ApiError> {
    let key = req.headers().get(HEADER).map(|v| v.to_str().map(str::to_owned));
    match key {
        None => Err(ApiError::with_param(
            ErrorCode::IdempotencyKeyRequired,
            "Send an Idempotency-Key header with every POST and DELETE.",
            "Idempotency-Key",
        )),
        Some(Ok(k)) if !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| (0x20..0x7f).contains(&b)) => Ok(k),
        Some(_) => Err(ApiError::with_param(
            ErrorCode::InvalidRequest,
            "Idempotency-Key must be 1-64 printable ASCII characters.",
            "Idempotency-Key",
        )),
    }
}

fn json_response(status: u16, body: Vec<u8>, replayed: bool) -> HttpResponse {
    let mut res = HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR));
    res.content_type("application/json");
    if replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    res.body(body)
}

/// JSON with object keys sorted, so equal parsed bodies give equal text.
fn canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                canonical(&map[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Version 1, kept only to compare records saved before version 2 until they expire: a keyed
/// hash of the whole canonical body under the card-hash key.
fn request_hash_v1(keys: &Keys, body: &serde_json::Value) -> [u8; 32] {
    let mut text = String::new();
    canonical(body, &mut text);
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(keys.card_hash.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(b"idempotency\0");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The body as the hash sees it: no CVC at all, and the card number only as its look-up hash,
/// so nothing derived from the CVC is kept (PCI DSS 3.3.1.2).
fn without_card_secrets(keys: &Keys, body: &serde_json::Value) -> serde_json::Value {
    let mut body = body.clone();
    if let Some(card) = body.get_mut("card").and_then(|c| c.as_object_mut()) {
        card.remove("cvc");
        if let Some(number) = card.get("number").and_then(|n| n.as_str()) {
            // The look-up hash of the digits, and the number's shape (where the spaces were), so
            // two spellings of a body still differ as their parsed JSON does.
            let digits: String = number.chars().filter(char::is_ascii_digit).collect();
            let digest = match crate::domain::card::CardNumber::parse(&digits) {
                Ok(pan) => crate::vault::pan_hash(keys, &pan),
                Err(_) => {
                    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(keys.card_hash.expose_secret())
                        .unwrap_or_else(|_| unreachable!());
                    mac.update(digits.as_bytes());
                    mac.finalize().into_bytes().into()
                }
            };
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            let shape: String = number.chars().map(|c| if c.is_ascii_digit() { '#' } else { c }).collect();
            card.insert("number".into(), serde_json::Value::String(format!("{hex}/{shape}")));
        }
    }
    body
}

/// Version 2: a hash of the canonical body without card secrets, under the idempotency key.
fn request_hash(keys: &Keys, body: &serde_json::Value) -> [u8; 32] {
    let mut text = String::new();
    canonical(&without_card_secrets(keys, body), &mut text);
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(keys.idempotency.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Does a saved record's hash (of its version) describe this body? Compared in constant time.
fn same_request(keys: &Keys, record: &idempotency::Record, body: &serde_json::Value, v2: &[u8; 32]) -> bool {
    use subtle::ConstantTimeEq;
    let expected = if record.request_hash_version == 1 { request_hash_v1(keys, body) } else { *v2 };
    record.request_hash.len() == 32 && bool::from(record.request_hash.as_slice().ct_eq(&expected))
}

/// Runs `work` at most once for this key and answers as the contract says. `work` gets the
/// claim and must attach it in its operation's transaction and save its answer with the outcome
/// (see `operations::claim`); answers that created nothing are saved here.
pub async fn run<F, Fut>(
    state: &AppState,
    merchant: Merchant,
    req: &HttpRequest,
    key: &str,
    body: &serde_json::Value,
    success: StatusCode,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(Claim) -> Fut,
    Fut: Future<Output = Result<(StatusCode, Vec<u8>), ApiError>>,
{
    let org = merchant.organization_id;
    let ip = crate::auth::extract::client_ip(req);
    let method = req.method().as_str();
    let path = req.path();
    let now = micros(state.clock.now());
    let cutoff = now - Duration::hours(state.settings.payments.idempotency_retention_hours);
    let lock_timeout = Duration::seconds(state.settings.idempotency.lock_timeout_seconds);
    let hash = request_hash(&state.keys, body);
    let claim = |taken_over| Claim {
        organization_id: org,
        key: key.to_owned(),
        method: method.to_owned(),
        path: path.to_owned(),
        request_hash: hash,
        lock: now,
        taken_over,
        api_key: merchant.api_key_id,
        ip,
        success: success.as_u16(),
    };
    let mut held = None;
    for _ in 0..3 {
        let record = match idempotency::find(&state.db, org, key).await? {
            None => {
                held = Some(claim(false));
                break;
            }
            Some(r) => r,
        };
        if record.created_at < cutoff {
            idempotency::delete_expired(&state.db, org, key, cutoff).await?;
            continue;
        }
        if record.method != method || record.path != path || !same_request(&state.keys, &record, body, &hash) {
            return Err(ApiError::new(
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was already used with another request.",
            ));
        }
        if let (Some(status), Some(bytes)) = (record.response_status, record.response_body) {
            return Ok(json_response(status as u16, bytes, true));
        }
        let Some(locked_at) = record.locked_at.filter(|t| *t <= now - lock_timeout) else {
            return Err(in_progress());
        };
        // The first attempt went silent: take its key over.
        if !idempotency::take_over(&state.db, org, key, locked_at, now).await? {
            return Err(in_progress());
        }
        let taken = claim(true);
        if let Some(id) = record.operation_id {
            return recover(state, &taken, id).await;
        }
        held = Some(taken);
        break;
    }
    let Some(claim) = held else { return Err(in_progress()) };
    match work(claim.clone()).await {
        Ok((status, bytes)) => Ok(json_response(status.as_u16(), bytes, false)),
        Err(e) if e.code().status_and_type().0 >= 500 || matches!(e, ApiError::RateLimited { .. }) => {
            // Cut short: whatever committed stays, and the next retry takes over at once.
            if let Err(release) = claim.release(&state.db).await {
                tracing::warn!(error = %release, "could not give an idempotency key up");
            }
            Err(e)
        }
        Err(e) => {
            let (status, bytes) = e.status_and_bytes();
            claim.finish(&state.db, status, &bytes, state.clock.now()).await?;
            Ok(json_response(status, bytes, false))
        }
    }
}

/// A take-over of a key whose first attempt committed an operation: the answer is that
/// operation as it stands now (the settlement worker learns what the bank did), saved.
async fn recover(state: &AppState, claim: &Claim, id: OperationId) -> Result<HttpResponse, ApiError> {
    let row = operations::find(&state.db, id).await?.ok_or_else(|| anyhow::anyhow!("operation {id} vanished"))?;
    let bytes = objects::answer(&row, &state.public_url);
    claim.complete(&state.db, claim.success, &bytes, state.clock.now()).await?;
    Ok(json_response(claim.success, bytes, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: i16, hash: [u8; 32]) -> idempotency::Record {
        idempotency::Record {
            method: "POST".into(),
            path: "/api/v1/payments".into(),
            request_hash: hash.to_vec(),
            request_hash_version: version,
            response_status: None,
            response_body: None,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            locked_at: None,
            operation_id: None,
        }
    }

    #[test]
    fn the_request_hash_keeps_nothing_of_the_cvc_and_old_records_still_compare() {
        let keys = Keys::random();
        let body = |number: &str, cvc: &str| serde_json::json!({"type": "ecom", "amount": "1.00", "card": {"number": number, "cvc": cvc, "exp_month": 1}});
        let a = request_hash(&keys, &body("4242424242424242", "123"));
        assert_eq!(a, request_hash(&keys, &body("4242424242424242", "999")), "the CVC does not enter the hash");
        assert_ne!(a, request_hash(&keys, &body("5555555555554444", "123")));
        assert_ne!(a, request_hash(&keys, &body("4242 4242 4242 4242", "123")), "another spelling is another body");
        let stripped = without_card_secrets(&keys, &body("4242424242424242", "123"));
        assert!(stripped["card"].get("cvc").is_none() && !stripped.to_string().contains("4242"));
        // A record saved under version 1 compares the old way until it expires.
        let old = body("4242424242424242", "123");
        assert!(same_request(&keys, &record(1, request_hash_v1(&keys, &old)), &old, &request_hash(&keys, &old)));
        assert!(!same_request(&keys, &record(1, request_hash_v1(&keys, &old)), &body("4242424242424242", "1"), &a));
        assert!(same_request(&keys, &record(2, a), &old, &a));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let a: serde_json::Value =
            serde_json::from_str(r#"{"b": {"y": 1, "x": [2, {"d": 1, "c": 2}]}, "a": "s"}"#).expect("json");
        let b: serde_json::Value =
            serde_json::from_str(r#"{"a": "s", "b": {"x": [2, {"c": 2, "d": 1}], "y": 1}}"#).expect("json");
        let (mut ta, mut tb) = (String::new(), String::new());
        super::canonical(&a, &mut ta);
        super::canonical(&b, &mut tb);
        assert_eq!(ta, tb);
        assert_eq!(ta, r#"{"a":"s","b":{"x":[2,{"c":2,"d":1}],"y":1}}"#);
    }
}
