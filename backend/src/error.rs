//! The app-wide error: every failure becomes the contract's error shape. Internal causes are
//! logged with context and never sent to the client.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use shared::{ErrorBody, ErrorCode};

/// An error answer of either API surface.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A client error with its stable code; `param` names the field at fault.
    #[error("{message}")]
    Client { code: ErrorCode, message: String, param: Option<String> },
    /// Too many requests; the client may retry after this many seconds.
    #[error("rate limited")]
    RateLimited { retry_after_seconds: u64 },
    /// Anything unexpected. Logged in full, answered as `500 internal`.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError::Client { code, message: message.into(), param: None }
    }

    pub fn with_param(code: ErrorCode, message: impl Into<String>, param: impl Into<String>) -> Self {
        ApiError::Client { code, message: message.into(), param: Some(param.into()) }
    }

    pub fn not_found() -> Self {
        ApiError::new(ErrorCode::NotFound, "No such object.")
    }

    /// 503 `unavailable`: nothing was done, the client may retry.
    pub fn unavailable() -> Self {
        ApiError::new(ErrorCode::Unavailable, "The service is temporarily unavailable.")
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError::new(ErrorCode::InvalidRequest, message)
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Client { code, .. } => *code,
            ApiError::RateLimited { .. } => ErrorCode::RateLimited,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The status and JSON bytes of this error's answer (what idempotency saves).
    pub fn status_and_bytes(&self) -> (u16, Vec<u8>) {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
        (self.code().status_and_type().0, serde_json::to_vec(&self.body()).unwrap_or_default())
    }

    fn body(&self) -> ErrorBody {
        match self {
            ApiError::Client { code, message, param } => ErrorBody::new(*code, message.clone(), param.clone()),
            ApiError::RateLimited { .. } => {
                ErrorBody::new(ErrorCode::RateLimited, "Too many requests. Retry later.", None)
            }
            ApiError::Internal(_) => ErrorBody::new(ErrorCode::Internal, "An internal error occurred.", None),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut => {
                crate::metrics::POOL_TIMEOUTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                ApiError::unavailable()
            }
            // The connection to PostgreSQL was lost (a restart, a failover): nothing that was not
            // committed happened, so the client may retry; a 500 would say otherwise.
            e if connection_lost(&e) => {
                tracing::warn!(error = %e, "database connection lost");
                crate::db::note_connection_lost();
                ApiError::unavailable()
            }
            other => ApiError::Internal(anyhow::Error::new(other)),
        }
    }
}

/// A lost connection: a socket error, or the server ending the session (SQLSTATE 57P01-03:
/// shutdown, crash, not accepting connections yet; 08000/08003/08006: the connection is gone).
/// Not 08007 (a transaction's outcome unknown) nor 08P01 (a protocol violation, a bug). The
/// commits of the payment API's operations go through `db::commit`, which never answers 503.
fn connection_lost(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            db.code().is_some_and(|c| matches!(&*c, "57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006"))
        }
        _ => false,
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status_and_type().0).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!(error = ?e, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        if let ApiError::RateLimited { retry_after_seconds } = self {
            res.insert_header((header::RETRY_AFTER, retry_after_seconds.to_string()));
        }
        res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        res.json(self.body())
    }
}

/// Turns serde's and actix's complaints about a JSON body into the contract's 400 or 413.
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => {
            ApiError::new(ErrorCode::PayloadTooLarge, "The request body is larger than 64 KiB.")
        }
        E::ContentType => ApiError::invalid("Content-Type must be application/json."),
        E::Deserialize(e) => {
            ApiError::Client { code: ErrorCode::InvalidRequest, message: describe_serde(e), param: serde_param(e) }
        }
        _ => ApiError::invalid("The request body could not be read as JSON."),
    };
    api.into()
}

/// Query strings that do not parse are a 400 in the contract's shape too.
pub fn query_error(err: actix_web::error::QueryPayloadError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::invalid(format!("Invalid query parameters: {err}")).into()
}

/// Path segments (ids) that do not parse name nothing that exists.
pub fn path_error(_err: actix_web::error::PathError, _req: &actix_web::HttpRequest) -> actix_web::Error {
    ApiError::not_found().into()
}

pub fn describe_serde(e: &serde_json::Error) -> String {
    // serde's messages name the field and what was expected; they carry no secrets of ours.
    let msg = e.to_string();
    match msg.find(" at line ") {
        Some(i) => format!("Invalid request body: {}.", &msg[..i]),
        None => format!("Invalid request body: {msg}."),
    }
}

/// serde names the offending field in backticks for unknown and missing fields.
pub fn serde_param(e: &serde_json::Error) -> Option<String> {
    let msg = e.to_string();
    let start = msg.find('`')? + 1;
    let end = start + msg[start..].find('`')?;
    let field = &msg[start..end];
    (msg.starts_with("unknown field") || msg.starts_with("missing field")).then(|| field.to_owned())
}

/// The answer for a path that exists on no API surface.
pub async fn api_not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(ErrorCode::NotFound, "Unknown endpoint."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_database_connection_is_a_retryable_503() {
        let lost = sqlx::Error::Io(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed"));
        assert_eq!(ApiError::from(lost).status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ApiError::from(sqlx::Error::PoolTimedOut).status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(ApiError::from(sqlx::Error::RowNotFound).status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
