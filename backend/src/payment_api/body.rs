//! Reading request bodies of the payment API: at most 64 KiB of JSON, parsed strictly, with
//! the contract's 400 and 413 answers. An empty body reads as `{}` where a body is optional.

use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use shared::ErrorCode;

use crate::error::{ApiError, describe_serde, serde_param};
use crate::startup::MAX_BODY_BYTES;

/// The raw JSON of the body (compared as parsed JSON by idempotency).
pub async fn read(req: &HttpRequest, mut payload: web::Payload) -> Result<serde_json::Value, ApiError> {
    let too_large = || ApiError::new(ErrorCode::PayloadTooLarge, "The request body is larger than 64 KiB.");
    if req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0)
        > MAX_BODY_BYTES
    {
        return Err(too_large());
    }
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| ApiError::invalid("The request body could not be read."))?;
        if bytes.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::json!({}));
    }
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !is_json {
        return Err(ApiError::invalid("Content-Type must be application/json."));
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::invalid(format!("The request body is not valid JSON: {}", describe_serde(&e))))?;
    if !value.is_object() {
        return Err(ApiError::invalid("The request body must be a JSON object."));
    }
    Ok(value)
}

/// The typed request; unknown fields and wrong types are a 400 naming the field
/// (`card.number`), with the path that serde reached.
pub fn parse<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value.clone()).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // For unknown and missing fields serde names the field itself.
        let param = match (serde_param(&inner), path.as_str()) {
            (Some(field), ".") => Some(field),
            (Some(field), parent) if !parent.ends_with(&field) => Some(format!("{parent}.{field}")),
            (_, ".") => None,
            (_, p) => Some(p.to_owned()),
        };
        ApiError::Client { code: ErrorCode::InvalidRequest, message: describe_serde(&inner), param }
    })
}
