//! «Отчетность»: the period's chart, cards and breakdowns.
//!
//! What counts toward volume, once for all: payments (`ecom`, `aft`) and payouts (`oct`) that
//! the bank executed, i.e. in status `succeeded`, `partially_refunded` or `refunded`, at their
//! full amount (gross). Refunds are not netted; they are reported on their own (`refunds`).
//! Fees are those of the same operations. The success rate is executed / (executed + failed)
//! among payments and payouts; operations still in flight count in neither.

use serde::{Deserialize, Serialize};

use crate::enums::{OperationStatus, OperationType};
use crate::money::Amount;

/// Month (days) or year (months).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Month,
    Year,
}

/// One day of a month, or one month of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bucket {
    /// The bucket's first day, `YYYY-MM-DD`, in the user's zone.
    pub date: String,
    pub count: u64,
    pub volume: Amount,
    pub fees: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cards {
    /// «Средний чек»: volume / count (0 when nothing was executed).
    pub average_ticket: Amount,
    /// «Комиссия»
    pub fees: Amount,
    /// «Объемы»
    pub volume: Amount,
    pub count: u64,
    /// Percent with one decimal, e.g. `"93.4"`; `null` when nothing finished.
    pub success_rate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusSlice {
    pub status: OperationStatus,
    pub count: u64,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeSlice {
    #[serde(rename = "type")]
    pub kind: OperationType,
    pub count: u64,
    pub amount: Amount,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    pub period: Period,
    /// The period's first day, `YYYY-MM-DD`.
    pub start: String,
    pub time_zone: String,
    pub buckets: Vec<Bucket>,
    pub cards: Cards,
    /// The payments and payouts of the period by status (refunds are `refunds`); the executed
    /// statuses add up to `cards.count`.
    pub by_status: Vec<StatusSlice>,
    /// Executed operations by type (refunds: succeeded refunds).
    pub by_type: Vec<TypeSlice>,
    pub refunds: TypeSlice,
}
