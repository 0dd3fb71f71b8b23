//! The contract's error shape and its stable codes, shared so the cabinet can match on them.

use serde::{Deserialize, Serialize};

use crate::enums::text_enum;

text_enum!(
    /// The `type` of an error: a coarse class that follows the HTTP status.
    ErrorType {
        InvalidRequest => "invalid_request",
        AuthenticationError => "authentication_error",
        PermissionError => "permission_error",
        NotFound => "not_found",
        IdempotencyError => "idempotency_error",
        BusinessRule => "business_rule",
        RateLimited => "rate_limited",
        ApiError => "api_error",
    }
);

text_enum!(
    /// Stable machine-readable error codes. Never rename one: integrators match on them.
    ErrorCode {
        InvalidRequest => "invalid_request",
        IdempotencyKeyRequired => "idempotency_key_required",
        InvalidCardNumber => "invalid_card_number",
        InvalidExpiry => "invalid_expiry",
        UnsupportedCurrency => "unsupported_currency",
        PayloadTooLarge => "payload_too_large",
        InvalidApiKey => "invalid_api_key",
        InvalidCredentials => "invalid_credentials",
        SessionExpired => "session_expired",
        PasswordChangeRequired => "password_change_required",
        /// Two-factor sign-in is required of this user: set it up before anything else.
        TwoFactorSetupRequired => "two_factor_setup_required",
        /// Two-factor sign-in is required of this user and cannot be disabled.
        TwoFactorMandatory => "two_factor_mandatory",
        /// The sign-in challenge is unknown, expired, used or out of tries: sign in again.
        TwoFactorChallengeExpired => "two_factor_challenge_expired",
        CsrfFailed => "csrf_failed",
        OrganizationBlocked => "organization_blocked",
        TerminalDisabled => "terminal_disabled",
        Forbidden => "forbidden",
        NotFound => "not_found",
        IdempotencyKeyReused => "idempotency_key_reused",
        RequestInProgress => "request_in_progress",
        RefundExceedsPayment => "refund_exceeds_payment",
        InvalidState => "invalid_state",
        CaptureExceedsAuthorization => "capture_exceeds_authorization",
        ExportTooLarge => "export_too_large",
        CardTokenRevoked => "card_token_revoked",
        AmountLimitExceeded => "amount_limit_exceeded",
        VelocityLimitExceeded => "velocity_limit_exceeded",
        Conflict => "conflict",
        RateLimited => "rate_limited",
        Internal => "internal",
        Unavailable => "unavailable",
    }
);

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

    /// The spellings `text_enum!` is given are serde's, which the server writes.
    #[test]
    fn spellings_are_serdes() {
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).expect("json"), code.as_str());
        }
        for kind in ErrorType::ALL {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.as_str());
        }
    }
}
