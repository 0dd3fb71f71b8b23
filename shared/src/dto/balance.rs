//! Balances, as the contract's «Balance» says (Stripe's balance and balance transactions), and
//! the cabinet's daily settlement statements («Взаиморасчёты»).

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::money::{Amount, SignedAmount};

/// `GET /api/v1/balance`: what ClickPay owes the organization. `available + pending` is the sum
/// of `net` over all its balance transactions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Balance {
    /// Always `balance`.
    pub object: String,
    pub currency: String,
    /// Money the organization may be paid out now. May be negative (refunds and payouts are
    /// taken from it at once).
    pub available: SignedAmount,
    /// Payments not yet available: each becomes available the next day, Moscow time.
    pub pending: SignedAmount,
}

/// What moved a balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub enum BalanceTransactionType {
    Payment,
    Refund,
    Payout,
}

impl BalanceTransactionType {
    pub const ALL: [BalanceTransactionType; 3] = [Self::Payment, Self::Refund, Self::Payout];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Payment => "payment",
            Self::Refund => "refund",
            Self::Payout => "payout",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// One money effect on a balance: `net = amount - fee`; money leaving the balance is negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct BalanceTransaction {
    pub id: String,
    /// Always `balance_transaction`.
    pub object: String,
    #[serde(rename = "type")]
    pub kind: BalanceTransactionType,
    pub amount: SignedAmount,
    pub fee: Amount,
    pub net: SignedAmount,
    pub currency: String,
    /// The operation that caused it: a payment, a refund or a payout.
    pub source: String,
    #[serde(with = "crate::timefmt")]
    pub created_at: OffsetDateTime,
    /// The day (Moscow time) its net becomes available.
    #[serde(with = "crate::timefmt::date")]
    pub available_on: Date,
}

/// The cabinet's «Баланс» card of an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceView {
    pub available: SignedAmount,
    pub pending: SignedAmount,
    /// The last daily statement built, if any.
    #[serde(with = "crate::timefmt::date::option")]
    pub last_statement: Option<Date>,
}

/// One organization's settlement statement for one day (Moscow time): built once after the
/// day ends and never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementView {
    pub organization_id: String,
    #[serde(with = "crate::timefmt::date")]
    pub day: Date,
    pub opening_balance: SignedAmount,
    /// The payments' amounts (captured), before fees.
    pub payments: Amount,
    pub payments_count: i64,
    pub refunds: Amount,
    pub refunds_count: i64,
    /// Every fee of the day: on payments and on payouts.
    pub fees: Amount,
    pub payouts: Amount,
    pub payouts_count: i64,
    pub closing_balance: SignedAmount,
    pub operations_count: i64,
    #[serde(with = "crate::timefmt")]
    pub built_at: OffsetDateTime,
}

/// The statements of a period, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementList {
    pub data: Vec<StatementView>,
}
