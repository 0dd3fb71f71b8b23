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
    /// A disabled account cannot sign in.
    pub active: bool,
    pub organization_ids: Vec<OrganizationId>,
    /// The right «Возвраты»: may refund from the cabinet (staff always may).
    #[serde(default)]
    pub can_refund: bool,
}
