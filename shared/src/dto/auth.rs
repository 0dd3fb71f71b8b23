//! Sign-in and the current user.

use serde::{Deserialize, Serialize};

use crate::enums::Role;
use crate::ids::{OrganizationId, UserId};

/// Which identifier the user typed: the three tabs of the login page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum LoginMethod {
    Login,
    Phone,
    Email,
}

/// `POST /cabinet/api/v1/auth/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub method: LoginMethod,
    pub identifier: String,
    pub password: String,
}

/// The answer to a successful login: the session token (also set as a cookie) and the user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub user: UserView,
}

/// The first step's answer for a user with two-factor sign-in: no session yet; the challenge
/// (five minutes, one use) goes to `POST /cabinet/api/v1/auth/login/totp` with a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TwoFactorChallenge {
    /// Always `true`.
    pub two_factor_required: bool,
    pub challenge: String,
}

/// Either answer of `POST /cabinet/api/v1/auth/login`: a session, or a second step to take.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum LoginOutcome {
    SignedIn(LoginResponse),
    TwoFactorRequired(TwoFactorChallenge),
}

/// `POST /cabinet/api/v1/auth/login/totp`: the second step; answered like a password-only login.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct LoginTotpRequest {
    pub challenge: String,
    /// The 6-digit code of the authenticator app, or an unused recovery code (`xxxx-xxxx`).
    pub code: String,
}

/// `GET /cabinet/api/v1/auth/two-factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// A confirmed enrollment exists: sign-in asks for a code.
    pub enabled: bool,
    /// The server requires two-factor sign-in of this user (it cannot be disabled).
    pub required: bool,
    pub recovery_codes_left: u32,
}

/// `POST /cabinet/api/v1/auth/two-factor/setup` and `…/recovery-codes`: the current password,
/// so that a stolen session alone cannot enroll or read new codes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorPasswordRequest {
    pub password: String,
}

/// A pending enrollment: the secret to add to an authenticator app, as text, URL and QR code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoFactorSetup {
    /// Base32, without padding.
    pub secret: String,
    pub otpauth_url: String,
    /// The otpauth URL as a QR code, an SVG document.
    pub qr_svg: String,
}

/// `POST /cabinet/api/v1/auth/two-factor/confirm`: a current code of the pending enrollment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorConfirmRequest {
    pub code: String,
}

/// Ten one-time recovery codes, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub recovery_codes: Vec<String>,
}

/// `POST /cabinet/api/v1/auth/two-factor/disable` and `…/recovery-codes`: the password and a
/// TOTP or recovery code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoFactorDisableRequest {
    pub password: String,
    pub code: String,
}

/// `POST /cabinet/api/v1/auth/password`: the signed-in user changes their own password.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// A cabinet user as the cabinet shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UserView {
    pub id: UserId,
    pub login: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub full_name: String,
    pub role: Role,
    pub time_zone: String,
    pub must_change_password: bool,
    /// Sign-in asks this user for a TOTP code.
    #[serde(default)]
    pub two_factor_enabled: bool,
    /// Two-factor sign-in is required of this user and not set up yet: until it is, the session
    /// reaches only the two-factor setup, `me` and logout (`403 two_factor_setup_required`).
    #[serde(default)]
    pub two_factor_setup_required: bool,
    /// A disabled account cannot sign in.
    pub active: bool,
    pub organization_ids: Vec<OrganizationId>,
    /// The right «Возвраты»: may refund from the cabinet (staff always may).
    #[serde(default)]
    pub can_refund: bool,
}
