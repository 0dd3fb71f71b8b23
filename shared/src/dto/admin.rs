//! The admin API (role `admin`): provisioning organizations, terminals, keys and users.

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;

use crate::enums::{OrganizationStatus, Role, TerminalType};
use crate::ids::{ApiKeyId, OrganizationId};
use crate::money::{Amount, Percent};

/// Tells "absent" (`None`) from "null" (`Some(None)`) for fields that can be cleared.
fn double_option<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /cabinet/api/v1/admin/organizations`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateOrganizationRequest {
    pub name: String,
    pub inn: String,
    #[serde(default)]
    pub notification_url: Option<String>,
    pub bank_name: String,
    #[serde(default)]
    pub terminals: Vec<NewTerminal>,
}

/// A terminal and its first tariff.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct NewTerminal {
    #[serde(rename = "type")]
    pub terminal_type: TerminalType,
    pub service_fee_percent: Percent,
    pub bank_fee_percent: Percent,
    pub min_fee: Amount,
    #[serde(default)]
    pub amount_limit: Option<Amount>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// `PATCH /cabinet/api/v1/admin/organizations/{id}`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateOrganizationRequest {
    #[serde(default)]
    pub name: Option<String>,
    /// ИНН: 10 or 12 digits.
    #[serde(default)]
    pub inn: Option<String>,
    /// The acquiring bank, as the cabinet shows it.
    #[serde(default)]
    pub bank_name: Option<String>,
    #[serde(default)]
    pub status: Option<OrganizationStatus>,
    /// `null` clears the URL; absent leaves it.
    #[serde(default, deserialize_with = "double_option", skip_serializing_if = "Option::is_none")]
    pub notification_url: Option<Option<String>>,
}

/// `PATCH /cabinet/api/v1/admin/organizations/{id}/terminals/{type}`. Fee fields make a new
/// tariff for new operations; old operations keep theirs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateTerminalRequest {
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    pub amount_limit: Option<Amount>,
    #[serde(default)]
    pub service_fee_percent: Option<Percent>,
    #[serde(default)]
    pub bank_fee_percent: Option<Percent>,
    #[serde(default)]
    pub min_fee: Option<Amount>,
}

/// `POST /cabinet/api/v1/admin/organizations/{id}/api-keys` (the body is optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IssueApiKeyRequest {
    #[serde(default)]
    pub name: Option<String>,
}

/// A key as issued: the only time `key` is ever shown.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct IssuedApiKey {
    pub id: ApiKeyId,
    pub key: String,
    pub prefix: String,
    pub organization_id: OrganizationId,
    pub name: Option<String>,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
}

/// A key as listed afterwards: never the key itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: ApiKeyId,
    pub prefix: String,
    pub organization_id: OrganizationId,
    pub name: Option<String>,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "crate::timefmt::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// `POST /cabinet/api/v1/admin/users`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    pub login: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    pub full_name: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub organization_ids: Vec<OrganizationId>,
    #[serde(default)]
    pub time_zone: Option<String>,
    /// The right «Возвраты» (partners; staff always may refund).
    #[serde(default)]
    pub can_refund: bool,
}

/// `PATCH /cabinet/api/v1/admin/users/{id}`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct UpdateUserRequest {
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `false` disables the account and ends its sessions at once.
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub organization_ids: Option<Vec<OrganizationId>>,
    #[serde(default)]
    pub can_refund: Option<bool>,
}

/// `POST /cabinet/api/v1/admin/users/{id}/reset-password`: a one-time password, shown once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResetPasswordResponse {
    pub password: String,
    pub must_change_password: bool,
}

/// An organization's daily caps on payouts and refunds
/// (`GET`/`PATCH /cabinet/api/v1/admin/organizations/{id}/limits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct VelocityLimits {
    pub payouts_per_day: i32,
    pub payout_amount_per_day: Amount,
    pub refunds_per_day: i32,
    pub refund_amount_per_day: Amount,
}

/// One entry of the audit log, as staff read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    /// `DD.MM.YYYY HH:MM:SS` in the viewer's zone.
    pub at_local: String,
    pub action: String,
    /// `login (full name)` of a user, `sk_…` of an API key; null for the system.
    pub actor: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub organization_id: Option<OrganizationId>,
    pub organization_name: Option<String>,
    pub ip: Option<String>,
    pub details: serde_json::Value,
}

/// `GET /cabinet/api/v1/admin/audit`: a numbered page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub data: Vec<AuditEntryView>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// Counting stopped at 10 000.
    pub total_capped: bool,
}
