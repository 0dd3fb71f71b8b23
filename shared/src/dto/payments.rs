//! The payment API's objects and requests, spelled exactly as api-contract.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::enums::OperationStatus;
use crate::money::Amount;

/// `card` of a payment request. The CVC lives only in memory for the acquirer call.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CardInput {
    pub number: String,
    pub exp_month: i64,
    pub exp_year: i64,
    #[serde(default)]
    pub cvc: Option<String>,
    #[serde(default)]
    pub holder: Option<String>,
}

impl std::fmt::Debug for CardInput {
    /// Never prints the PAN or the CVC.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardInput")
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .finish_non_exhaustive()
    }
}

/// `card` of a payout request.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PayoutCardInput {
    pub number: String,
    #[serde(default)]
    pub holder: Option<String>,
}

impl std::fmt::Debug for PayoutCardInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayoutCardInput").finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Customer {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

/// `POST /api/v1/payments`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreatePaymentRequest {
    #[serde(rename = "type")]
    pub payment_type: String,
    pub amount: Amount,
    pub currency: String,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub card: Option<CardInput>,
    #[serde(default)]
    pub card_token: Option<String>,
    #[serde(default)]
    pub save_card: bool,
    /// `false`: a two-stage payment that stops at `authorized` with the amount held on the card,
    /// until it is captured or canceled.
    #[serde(default)]
    pub capture: Option<bool>,
    #[serde(default)]
    pub return_url: Option<String>,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// `POST /api/v1/payouts`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreatePayoutRequest {
    pub amount: Amount,
    pub currency: String,
    #[serde(default)]
    pub order_id: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub card: Option<PayoutCardInput>,
    #[serde(default)]
    pub card_token: Option<String>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

/// `POST /api/v1/payments/{id}/refunds`; no amount refunds the rest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CreateRefundRequest {
    #[serde(default)]
    pub amount: Option<Amount>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/v1/payments/{id}/capture`; no amount captures the whole hold.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CapturePaymentRequest {
    #[serde(default)]
    pub amount: Option<Amount>,
}

/// `POST /api/v1/payments/{id}/cancel` takes no fields (an empty body or `{}`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CancelPaymentRequest {}

/// The card as every object shows it: masked, never the PAN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CardView {
    pub mask: String,
    pub brand: String,
    pub holder: Option<String>,
    pub exp_month: Option<i16>,
    pub exp_year: Option<i16>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Confirmation {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct OperationError {
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BankView {
    pub name: String,
    pub transaction_id: Option<String>,
}

/// The payment object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Payment {
    pub id: String,
    pub object: String,
    #[serde(rename = "type")]
    pub payment_type: String,
    pub status: OperationStatus,
    pub amount: Amount,
    pub currency: String,
    /// What was taken from the card: null until then; the amount once a one-stage payment
    /// succeeds. The fee and the refunds apply to it.
    pub captured_amount: Option<Amount>,
    pub fee: Amount,
    pub refunded_amount: Amount,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub card: Option<CardView>,
    pub card_token: Option<String>,
    pub recurring: bool,
    pub confirmation: Option<Confirmation>,
    pub error: Option<OperationError>,
    pub bank: Option<BankView>,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub executed_at: Option<OffsetDateTime>,
    pub metadata: BTreeMap<String, String>,
}

/// The payout object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Payout {
    pub id: String,
    pub object: String,
    #[serde(rename = "type")]
    pub payout_type: String,
    pub status: OperationStatus,
    pub amount: Amount,
    pub currency: String,
    pub fee: Amount,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub card: Option<CardView>,
    pub card_token: Option<String>,
    pub error: Option<OperationError>,
    pub bank: Option<BankView>,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub executed_at: Option<OffsetDateTime>,
    pub metadata: BTreeMap<String, String>,
}

/// The refund object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Refund {
    pub id: String,
    pub object: String,
    pub payment_id: String,
    pub amount: Amount,
    pub currency: String,
    pub status: OperationStatus,
    pub reason: Option<String>,
    /// Why the refund failed (`refund_failed`, …); null unless it failed.
    pub error: Option<OperationError>,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub executed_at: Option<OffsetDateTime>,
}

/// The saved-card object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct CardToken {
    pub token: String,
    pub object: String,
    pub card: CardView,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

/// A notification event: `GET /api/v1/events` lists them, and webhooks deliver them.
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_…`; receivers dedupe by it (it is also the `webhook-id` header).
    pub id: String,
    /// One of the contract's event types, e.g. `payment.succeeded`.
    #[serde(rename = "type")]
    pub event_type: String,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    /// The object (payment, refund or payout) as it stood right after the change.
    pub data: serde_json::Value,
}

/// `{"object": "list", "data": [...], "has_more": bool}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct List<T> {
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
}

impl<T> List<T> {
    pub fn new(data: Vec<T>, has_more: bool) -> Self {
        List { object: "list".to_owned(), data, has_more }
    }
}
