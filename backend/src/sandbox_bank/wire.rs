//! The sandbox bank's HTTP API as JSON types: what the bank answers and what a connector sends.
//! A connector for a real acquirer would hold the same shapes in its own SDK.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use shared::Amount;
use time::OffsetDateTime;

/// What the bank books, per reference: a one-stage charge, a payout, a hold and its capture or
/// release, or a refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryType {
    Debit,
    Credit,
    Refund,
    Hold,
    Capture,
    Release,
}

impl EntryType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryType::Debit => "debit",
            EntryType::Credit => "credit",
            EntryType::Refund => "refund",
            EntryType::Hold => "hold",
            EntryType::Capture => "capture",
            EntryType::Release => "release",
        }
    }

    pub fn parse(s: &str) -> Option<EntryType> {
        Some(match s {
            "debit" => EntryType::Debit,
            "credit" => EntryType::Credit,
            "refund" => EntryType::Refund,
            "hold" => EntryType::Hold,
            "capture" => EntryType::Capture,
            "release" => EntryType::Release,
            _ => return None,
        })
    }
}

impl std::fmt::Display for EntryType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardIn {
    pub number: String,
    #[serde(default)]
    pub exp_month: Option<i16>,
    #[serde(default)]
    pub exp_year: Option<i16>,
}

/// `POST /v1/authorize`: take money from a card (`debit`), hold it (`hold`) or send money to
/// it (`credit`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorizeIn {
    pub reference: String,
    #[serde(rename = "type")]
    pub kind: EntryType,
    pub amount: Amount,
    pub currency: String,
    pub card: CardIn,
    /// A merchant-initiated charge on a saved card: no 3-D Secure.
    #[serde(default)]
    pub recurring: bool,
}

/// `POST /v1/challenge`: the payer's 3-D Secure result for an authorization that asked for one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChallengeIn {
    pub reference: String,
    #[serde(rename = "type")]
    pub kind: EntryType,
    pub passed: bool,
}

/// `POST /v1/capture`: takes `amount` (at most the hold) of the hold booked under `reference`;
/// the rest of the hold is released with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaptureIn {
    pub reference: String,
    pub amount: Amount,
}

/// `POST /v1/release`: releases the whole hold booked under `reference`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseIn {
    pub reference: String,
}

/// `POST /v1/refund`: returns `amount` of the charge (debit or capture) booked under
/// `original_reference`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundIn {
    pub reference: String,
    pub original_reference: String,
    pub amount: Amount,
    pub currency: String,
}

/// `POST /v1/void`: if nothing is booked under (reference, type), books a decline there, so a
/// late original is declined; otherwise answers what was booked.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoidIn {
    pub reference: String,
    #[serde(rename = "type")]
    pub kind: EntryType,
}

/// Where a booking stands, as the bank tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Approved,
    Declined,
    /// The issuer wants the payer to pass a 3-D Secure challenge first.
    ChallengeRequired,
    /// Accepted, but the outcome is not known yet: ask again with a status query.
    Pending,
    /// Nothing is booked under this (reference, type).
    Unknown,
}

/// Every answer of the bank's operation endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub reference: String,
    #[serde(rename = "type")]
    pub kind: EntryType,
    pub status: AnswerStatus,
    pub amount: Option<Amount>,
    pub bank_transaction_id: Option<String>,
    pub decline_code: Option<String>,
    pub decline_message: Option<String>,
    /// How many requests for this (reference, type) reached the bank (a sandbox diagnostic:
    /// tests use it to prove that nothing was sent twice).
    pub requests: i32,
}

/// One line of the bank's register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub reference: String,
    pub bank_transaction_id: String,
    #[serde(rename = "type")]
    pub kind: EntryType,
    pub amount: Amount,
    pub currency: String,
    /// `approved` or `declined`.
    pub status: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /ledger`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerPage {
    pub data: Vec<LedgerEntry>,
    pub next: Option<String>,
}

/// A fault setting (`PUT /faults/{label}`). It applies to requests whose card (for refunds,
/// captures, releases, voids and status queries: the original's card) is in `cards`, or that
/// carry the header `X-Sandbox-Label: <label>`. Rates are shares between 0 and 1.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FaultRule {
    /// Card numbers the rule applies to (spaces ignored); empty: only the label selects.
    pub cards: Vec<String>,
    /// Added latency before anything is booked.
    pub latency: Option<Latency>,
    /// Booked, then no answer: the caller times out.
    pub no_answer_rate: f64,
    /// A 503 said before anything is booked.
    pub error_before_rate: f64,
    /// A 500 said after the request was booked.
    pub error_after_rate: f64,
    /// Lost on the way in: nothing is booked and no answer comes.
    pub drop_rate: f64,
    /// Booked and answered as asked, but the register shows the amount plus this signed amount
    /// (`"-10.00"`, `"0.01"`; never below zero): a bank whose file disagrees with its answers.
    #[serde(with = "signed_amount", skip_serializing_if = "Option::is_none")]
    pub book_amount_delta: Option<Decimal>,
    /// Booked and answered as usual, but left out of `GET /ledger`: a line lost from the file.
    pub omit_from_register_rate: f64,
}

/// A signed amount as a JSON string (`"-10.00"`): money never travels as a JSON number, and
/// [`Amount`] is never negative, so the sign is read apart and the rest parsed as an amount.
mod signed_amount {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer, de};
    use shared::Amount;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&format!("{d:.2}")),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(&text)),
        };
        let amount = Amount::parse(digits).map_err(de::Error::custom)?.as_decimal();
        Ok(Some(if negative { -amount } else { amount }))
    }
}

/// A latency distribution: uniform within `[min_ms, max_ms]`, and with `tail_rate` a long tail
/// of `tail_ms`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Latency {
    pub min_ms: u64,
    pub max_ms: u64,
    pub tail_ms: u64,
    pub tail_rate: f64,
}

/// The header a caller sets to select fault rules by label.
pub const LABEL_HEADER: &str = "x-sandbox-label";
