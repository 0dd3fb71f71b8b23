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
///
/// Read through [`TransactionDetailWire`], the same fields with the row's inline: `flatten`
/// buffers the whole object and parses the row a second time from the buffer, which the cabinet's
/// wasm would carry in full for this one type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "TransactionDetailWire")]
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

/// [`TransactionDetail`] as it is read: the row's fields and then its own, in one object.
#[derive(Deserialize)]
struct TransactionDetailWire {
    id: OperationId,
    #[serde(rename = "type")]
    kind: OperationType,
    status: OperationStatus,
    amount: Amount,
    fee: Amount,
    currency: String,
    organization_id: OrganizationId,
    organization_name: String,
    order_id: Option<String>,
    card_mask: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    created: LocalTime,
    executed: Option<LocalTime>,
    refunded_amount: Amount,
    description: Option<String>,
    reason: Option<String>,
    card_holder: Option<String>,
    card_brand: Option<String>,
    bank_name: Option<String>,
    bank_transaction_id: Option<String>,
    recurring: bool,
    captured_amount: Option<Amount>,
    hold_expires: Option<LocalTime>,
    #[serde(default)]
    refundable: Option<Amount>,
    parent: Option<RelatedOperation>,
    refunds: Vec<RelatedOperation>,
    timeline: Vec<TimelineEntry>,
}

impl From<TransactionDetailWire> for TransactionDetail {
    fn from(w: TransactionDetailWire) -> Self {
        TransactionDetail {
            row: TransactionRow {
                id: w.id,
                kind: w.kind,
                status: w.status,
                amount: w.amount,
                fee: w.fee,
                currency: w.currency,
                organization_id: w.organization_id,
                organization_name: w.organization_name,
                order_id: w.order_id,
                card_mask: w.card_mask,
                error_code: w.error_code,
                error_message: w.error_message,
                created: w.created,
                executed: w.executed,
            },
            refunded_amount: w.refunded_amount,
            description: w.description,
            reason: w.reason,
            card_holder: w.card_holder,
            card_brand: w.card_brand,
            bank_name: w.bank_name,
            bank_transaction_id: w.bank_transaction_id,
            recurring: w.recurring,
            captured_amount: w.captured_amount,
            hold_expires: w.hold_expires,
            refundable: w.refundable,
            parent: w.parent,
            refunds: w.refunds,
            timeline: w.timeline,
        }
    }
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

#[cfg(test)]
mod tests {
    use super::TransactionDetail;

    /// The detail reads the row's fields from the same object, as `flatten` did, and writes them
    /// back the same way; fields it does not know are ignored.
    #[test]
    fn detail_reads_and_writes_the_row_inline() {
        let time = serde_json::json!({"utc": "2024-11-25T17:33:00Z", "local": "25.11.2024 20:33", "offset": "+03:00"});
        let json = serde_json::json!({
            "id": "0193f1b2-7c1d-7a00-8000-000000000001",
            "type": "ecom",
            "status": "succeeded",
            "amount": "100.00",
            "fee": "2.50",
            "currency": "RUB",
            "organization_id": "0193f1b2-7c1d-7a00-8000-000000000002",
            "organization_name": "ООО Ромашка",
            "order_id": "A-1",
            "card_mask": "220000******0004",
            "error_code": null,
            "error_message": null,
            "created": time,
            "executed": time,
            "refunded_amount": "10.00",
            "description": null,
            "reason": null,
            "card_holder": "IVAN IVANOV",
            "card_brand": "MIR",
            "bank_name": null,
            "bank_transaction_id": null,
            "recurring": false,
            "captured_amount": "100.00",
            "hold_expires": null,
            "refundable": "90.00",
            "parent": null,
            "refunds": [],
            "timeline": [{"from": null, "to": "succeeded", "at": time, "error_code": null}],
        });
        let detail: TransactionDetail = serde_json::from_value(json.clone()).expect("reads");
        assert_eq!(detail.row.organization_name, "ООО Ромашка");
        assert_eq!(serde_json::to_value(&detail).expect("writes"), json);

        let mut extra = json.clone();
        extra["unknown"] = serde_json::json!(1);
        extra.as_object_mut().expect("object").remove("refundable");
        let read: TransactionDetail = serde_json::from_value(extra).expect("reads");
        assert_eq!(read.refundable, None);
        assert_eq!(read.row, detail.row);
    }
}
