//! Organizations with their terminals and tariffs.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::enums::{OrganizationStatus, TerminalType};
use crate::ids::{OrganizationId, TerminalId};
use crate::money::{Amount, Percent};

/// A line of the organizations list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrganizationSummary {
    pub id: OrganizationId,
    pub name: String,
    pub inn: String,
    pub status: OrganizationStatus,
    #[serde(with = "crate::timefmt::date")]
    pub registered_on: Date,
    pub bank_name: String,
}

/// One organization in full, as its own users and admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OrganizationDetail {
    pub id: OrganizationId,
    pub name: String,
    pub inn: String,
    pub status: OrganizationStatus,
    #[serde(with = "crate::timefmt::date")]
    pub registered_on: Date,
    pub bank_name: String,
    pub notification_url: Option<String>,
    pub webhook_secret: String,
    pub terminals: Vec<TerminalView>,
}

/// A terminal with its current tariff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TerminalView {
    pub id: TerminalId,
    #[serde(rename = "type")]
    pub terminal_type: TerminalType,
    pub enabled: bool,
    pub amount_limit: Amount,
    pub service_fee_percent: Percent,
    pub bank_fee_percent: Percent,
    pub total_fee_percent: Percent,
    pub min_fee: Amount,
}

/// `{"data": [...]}`: the cabinet's plain list envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DataList<T> {
    pub data: Vec<T>,
}
