//! Idempotency, exactly as api-contract.md says. A request that passed authentication and
//! validation claims its key; its answer (201, 4xx, 5xx alike) is saved and replayed byte for
//! byte for the same method, path and body (compared as parsed JSON) for 24 hours.

use std::future::Future;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use shared::ErrorCode;
use shared::ids::OrganizationId;
use time::Duration;

use crate::db::idempotency;
use crate::error::ApiError;
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

/// A keyed hash of the request (the body holds card data, which must not be stored).
fn request_hash(state: &AppState, body: &serde_json::Value) -> [u8; 32] {
    let mut text = String::new();
    canonical(body, &mut text);
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(state.keys.card_hash.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(b"idempotency\0");
    mac.update(text.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Runs `work` at most once for this key and answers as the contract says.
pub async fn run<F, Fut>(
    state: &AppState,
    org: OrganizationId,
    req: &HttpRequest,
    key: &str,
    body: &serde_json::Value,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(StatusCode, Vec<u8>), ApiError>>,
{
    let method = req.method().as_str();
    let path = req.path();
    let now = state.clock.now();
    let cutoff = now - Duration::hours(state.settings.payments.idempotency_retention_hours);
    let hash = request_hash(state, body);
    let mut claimed = false;
    for _ in 0..3 {
        if idempotency::claim(&state.db, org, key, method, path, &hash, now).await? {
            claimed = true;
            break;
        }
        match idempotency::find(&state.db, org, key, &hash).await? {
            // Purged between the two statements: try to claim again.
            None => continue,
            Some(r) if r.created_at < cutoff => {
                idempotency::delete_expired(&state.db, org, key, cutoff).await?;
                continue;
            }
            Some(r) if r.method != method || r.path != path || !r.same_body => {
                return Err(ApiError::new(
                    ErrorCode::IdempotencyKeyReused,
                    "This Idempotency-Key was already used with another request.",
                ));
            }
            Some(r) => {
                return match (r.response_status, r.response_body) {
                    (Some(status), Some(bytes)) => Ok(json_response(status as u16, bytes, true)),
                    _ => Err(ApiError::new(
                        ErrorCode::RequestInProgress,
                        "A request with this Idempotency-Key is still being processed.",
                    )),
                };
            }
        }
    }
    if !claimed {
        return Err(ApiError::new(
            ErrorCode::RequestInProgress,
            "A request with this Idempotency-Key is still being processed.",
        ));
    }
    let (status, bytes) = match work().await {
        Ok((status, bytes)) => (status.as_u16(), bytes),
        Err(e) => e.status_and_bytes(),
    };
    idempotency::complete(&state.db, org, key, status, &bytes, state.clock.now()).await?;
    Ok(json_response(status, bytes, false))
}

#[cfg(test)]
mod tests {
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
