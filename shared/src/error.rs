//! The contract's error shape and its stable codes, shared so the cabinet can match on them.

use serde::{Deserialize, Serialize};

/// The `type` of an error: a coarse class that follows the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ErrorType {
    InvalidRequest,
    AuthenticationError,
    PermissionError,
    NotFound,
    IdempotencyError,
    BusinessRule,
    RateLimited,
    ApiError,
}

/// Stable machine-readable error codes. Never rename one: integrators match on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    InvalidRequest,
    IdempotencyKeyRequired,
    InvalidCardNumber,
    InvalidExpiry,
    UnsupportedCurrency,
    PayloadTooLarge,
    InvalidApiKey,
    InvalidCredentials,
    SessionExpired,
    PasswordChangeRequired,
    /// Two-factor sign-in is required of this user: set it up before anything else.
    TwoFactorSetupRequired,
    /// Two-factor sign-in is required of this user and cannot be disabled.
    TwoFactorMandatory,
    /// The sign-in challenge is unknown, expired, used or out of tries: sign in again.
    TwoFactorChallengeExpired,
    CsrfFailed,
    OrganizationBlocked,
    TerminalDisabled,
    Forbidden,
    NotFound,
    IdempotencyKeyReused,
    RequestInProgress,
    RefundExceedsPayment,
    InvalidState,
    CaptureExceedsAuthorization,
    ExportTooLarge,
    CardTokenRevoked,
    AmountLimitExceeded,
    VelocityLimitExceeded,
    Conflict,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorCode {
    /// The HTTP status and error type this code is always sent with.
    pub fn status_and_type(&self) -> (u16, ErrorType) {
        use ErrorCode::*;
        match self {
            InvalidRequest | IdempotencyKeyRequired | InvalidCardNumber | InvalidExpiry | UnsupportedCurrency => {
                (400, ErrorType::InvalidRequest)
            }
            PayloadTooLarge => (413, ErrorType::InvalidRequest),
            InvalidApiKey | InvalidCredentials | SessionExpired | TwoFactorChallengeExpired => {
                (401, ErrorType::AuthenticationError)
            }
            OrganizationBlocked
            | TerminalDisabled
            | Forbidden
            | PasswordChangeRequired
            | TwoFactorSetupRequired
            | TwoFactorMandatory
            | CsrfFailed => (403, ErrorType::PermissionError),
            NotFound => (404, ErrorType::NotFound),
            IdempotencyKeyReused | RequestInProgress => (409, ErrorType::IdempotencyError),
            Conflict => (409, ErrorType::InvalidRequest),
            RefundExceedsPayment
            | InvalidState
            | CaptureExceedsAuthorization
            | ExportTooLarge
            | CardTokenRevoked
            | AmountLimitExceeded
            | VelocityLimitExceeded => (422, ErrorType::BusinessRule),
            RateLimited => (429, ErrorType::RateLimited),
            Internal => (500, ErrorType::ApiError),
            Unavailable => (503, ErrorType::ApiError),
        }
    }

    pub fn as_str(&self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    }
}

/// `{"error": {...}}`, the body of every error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    #[serde(rename = "type")]
    pub kind: ErrorType,
    pub code: ErrorCode,
    pub message: String,
    /// Present only when one field is at fault, e.g. `card.number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

impl ErrorBody {
    pub fn new(code: ErrorCode, message: impl Into<String>, param: Option<String>) -> Self {
        ErrorBody { error: ErrorDetail { kind: code.status_and_type().1, code, message: message.into(), param } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_matches_the_contract_shape() {
        let body = ErrorBody::new(ErrorCode::InvalidCardNumber, "bad card", Some("card.number".into()));
        let json = serde_json::to_value(&body).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"error": {"type": "invalid_request", "code": "invalid_card_number", "message": "bad card", "param": "card.number"}})
        );
        let no_param = serde_json::to_value(ErrorBody::new(ErrorCode::NotFound, "x", None)).expect("json");
        assert!(no_param["error"].get("param").is_none());
    }

    #[test]
    fn statuses_follow_the_contract_table() {
        assert_eq!(ErrorCode::PayloadTooLarge.status_and_type(), (413, ErrorType::InvalidRequest));
        assert_eq!(ErrorCode::RequestInProgress.status_and_type(), (409, ErrorType::IdempotencyError));
        assert_eq!(ErrorCode::CardTokenRevoked.status_and_type(), (422, ErrorType::BusinessRule));
        assert_eq!(ErrorCode::Unavailable.status_and_type(), (503, ErrorType::ApiError));
        assert_eq!(ErrorCode::AmountLimitExceeded.as_str(), "amount_limit_exceeded");
    }
}
