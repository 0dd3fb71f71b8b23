//! The cabinet's transactions: a filtered list with numbered pages, and one transaction.

use serde::{Deserialize, Serialize};

use crate::enums::{OperationStatus, OperationType};
use crate::ids::{OperationId, OrganizationId};
use crate::money::Amount;

/// A time as the user sees it: `25.11.2024 17:33` in their zone, with the UTC offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalTime {
    /// RFC 3339 in UTC.
    pub utc: String,
    /// `DD.MM.YYYY HH:MM` in the user's time zone.
    pub local: String,
    /// `+03:00`
    pub offset: String,
}

/// A line of «Список транзакций».
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionRow {
    pub id: OperationId,
    #[serde(rename = "type")]
    pub kind: OperationType,
    pub status: OperationStatus,
    pub amount: Amount,
    pub fee: Amount,
    pub currency: String,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub order_id: Option<String>,
    pub card_mask: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub created: LocalTime,
    pub executed: Option<LocalTime>,
}

/// One page of the list, with the total (capped where counting further would be slow).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionPage {
    pub data: Vec<TransactionRow>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// `total` is a floor: there are at least that many (shown as «10 000+»).
    pub total_capped: bool,
    /// A search over every date (the user gave no range).
    #[serde(default)]
    pub all_dates: bool,
}

/// A status change on the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub from: Option<OperationStatus>,
    pub to: OperationStatus,
    pub at: LocalTime,
    pub error_code: Option<String>,
}

/// A refund of this payment, or the payment of this refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedOperation {
    pub id: OperationId,
    #[serde(rename = "type")]
    pub kind: OperationType,
    pub status: OperationStatus,
    pub amount: Amount,
    pub created: LocalTime,
}

/// «Данные транзакции» and «Данные клиента», with the timeline and the related operations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransactionDetail {
    #[serde(flatten)]
    pub row: TransactionRow,
    pub refunded_amount: Amount,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub card_holder: Option<String>,
    pub card_brand: Option<String>,
    pub bank_name: Option<String>,
    pub bank_transaction_id: Option<String>,
    pub recurring: bool,
    /// What a payment took from the card (null until then).
    pub captured_amount: Option<Amount>,
    /// A two-stage payment's hold: when it is released unless captured (`authorized` only).
    pub hold_expires: Option<LocalTime>,
    /// What can still be refunded (a charged payment only).
    #[serde(default)]
    pub refundable: Option<Amount>,
    pub parent: Option<RelatedOperation>,
    pub refunds: Vec<RelatedOperation>,
    pub timeline: Vec<TimelineEntry>,
}

/// «Списать» in the cabinet: all (no amount) or part of an authorized payment's hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureRequest {
    #[serde(default)]
    pub amount: Option<Amount>,
}

/// «Вернуть» in the cabinet: part (or, with no amount, the rest) of a charged payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CabinetRefundRequest {
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub reason: Option<String>,
    /// The payment's `refunded_amount` the page showed: if another refund was made since (a
    /// double submit, a colleague), this one is refused with `409 conflict`.
    pub seen_refunded: Amount,
}

/// A background export (`/cabinet/api/v1/exports`): its progress, then its file for 24 hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportView {
    pub id: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: String,
    /// Known once the export started.
    pub rows_total: Option<u64>,
    pub rows_done: u64,
    pub file_name: String,
    pub error: Option<String>,
    #[serde(with = "crate::timefmt")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "crate::timefmt")]
    pub expires_at: time::OffsetDateTime,
}
