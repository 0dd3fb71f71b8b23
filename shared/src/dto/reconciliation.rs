//! Reconciliation against the bank (staff only): each Moscow day's register is matched one to
//! one with the gateway's operations; what disagrees is a discrepancy until a person resolves
//! it, or a later run finds it gone.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::enums::{OperationStatus, OperationType, text_enum};
use crate::ids::{DiscrepancyId, OperationId, OrganizationId, ReconciliationRunId};
use crate::money::Amount;

text_enum!(
    /// How the bank's register and the gateway disagree about one (reference, type):
    /// `missing_at_gateway` (the register has a line the gateway has no operation or booking
    /// for), `missing_at_bank` (the gateway has an approved booking the register lacks),
    /// `amount_differs`, `status_differs` (approved on one side, declined or still waiting on
    /// the other), `bank_id_differs` (both approved, under another bank transaction id).
    DiscrepancyKind {
        MissingAtGateway => "missing_at_gateway",
        MissingAtBank => "missing_at_bank",
        AmountDiffers => "amount_differs",
        StatusDiffers => "status_differs",
        BankIdDiffers => "bank_id_differs",
    }
);
text_enum!(
    /// Where a discrepancy stands: `open` (waits for a person), `resolved` (a person said why it
    /// needs nothing more), `settled` (the run ended the operation as the bank booked it),
    /// `cleared` (a later run of the day no longer found it).
    DiscrepancyStatus { Open => "open", Resolved => "resolved", Settled => "settled", Cleared => "cleared" }
);
text_enum!(
    /// Where a reconciliation run stands.
    RunStatus { Running => "running", Completed => "completed", Failed => "failed" }
);
text_enum!(
    /// Who started a run: the daily schedule, or a member of staff.
    RunTrigger { Schedule => "schedule", Manual => "manual" }
);
text_enum!(
    /// What the bank books under a reference (its register's `type`).
    BookingType {
        Debit => "debit",
        Credit => "credit",
        Refund => "refund",
        Hold => "hold",
        Capture => "capture",
        Release => "release",
    }
);

/// One run of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunView {
    pub id: ReconciliationRunId,
    #[serde(with = "crate::timefmt::date")]
    pub day: Date,
    pub status: RunStatus,
    pub trigger: RunTrigger,
    /// The login of the staff member who started it; null for the schedule.
    pub started_by: Option<String>,
    #[serde(with = "crate::timefmt")]
    pub started_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub finished_at: Option<OffsetDateTime>,
    /// The grace window either side of the day's bounds, in minutes.
    pub grace_minutes: u32,
    /// Register lines booked within the day.
    pub bank_lines: u64,
    /// Lines on which the bank and the gateway agree.
    pub matched: u64,
    /// Operations the run settled as the bank booked them.
    pub settled: u64,
    /// Disagreements found (those a person resolved earlier included).
    pub mismatched: u64,
    pub error: Option<String>,
    /// Started before the day and its grace window were over: more may still be booked.
    pub provisional: bool,
}

/// The bank's side of a discrepancy: its register line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BankSide {
    pub amount: Amount,
    pub currency: String,
    /// `approved` or `declined`.
    pub status: String,
    pub bank_transaction_id: String,
    #[serde(with = "crate::timefmt")]
    pub booked_at: OffsetDateTime,
}

/// The gateway's side of a discrepancy: its operation as the run found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatewaySide {
    pub operation_id: OperationId,
    pub operation_type: OperationType,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub status: OperationStatus,
    /// What the operation says the bank booked of this type (null: nothing).
    pub amount: Option<Amount>,
    pub bank_transaction_id: Option<String>,
    /// When the gateway recorded the bank's answer.
    #[serde(with = "crate::timefmt::option")]
    pub recorded_at: Option<OffsetDateTime>,
}

/// A disagreement about one (reference, type) of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscrepancyView {
    pub id: DiscrepancyId,
    #[serde(with = "crate::timefmt::date")]
    pub day: Date,
    pub reference: String,
    #[serde(rename = "type")]
    pub booking: BookingType,
    pub kind: DiscrepancyKind,
    pub status: DiscrepancyStatus,
    /// Null: the register has no line.
    pub bank: Option<BankSide>,
    /// Null: the gateway has no operation under this reference.
    pub gateway: Option<GatewaySide>,
    #[serde(with = "crate::timefmt")]
    pub found_at: OffsetDateTime,
    #[serde(with = "crate::timefmt")]
    pub last_found_at: OffsetDateTime,
    #[serde(with = "crate::timefmt::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// The login of who resolved it.
    pub closed_by: Option<String>,
    pub comment: Option<String>,
}

/// `GET /cabinet/api/v1/admin/reconciliation/days/{day}`: the day's runs (newest first) and its
/// discrepancies (open first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayResult {
    #[serde(with = "crate::timefmt::date")]
    pub day: Date,
    /// The grace window the next run will use, in minutes.
    pub grace_minutes: u32,
    pub runs: Vec<RunView>,
    pub open: u64,
    pub discrepancies: Vec<DiscrepancyView>,
}

/// `GET /cabinet/api/v1/admin/reconciliation/overview`: ops at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Yesterday in Moscow time.
    #[serde(with = "crate::timefmt::date")]
    pub day: Date,
    /// Yesterday's latest run; null when none ran yet.
    pub latest: Option<RunView>,
    /// Open discrepancies of every day.
    pub open_discrepancies: u64,
    pub grace_minutes: u32,
}

/// `POST /cabinet/api/v1/admin/reconciliation/discrepancies/{id}/resolve`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    /// Why it needs nothing more, 1–1000 characters.
    pub comment: String,
}

/// The longest comment a resolution takes, in characters.
pub const MAX_COMMENT: usize = 1000;

/// A list of open discrepancies (`GET /cabinet/api/v1/admin/reconciliation/discrepancies`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscrepancyList {
    pub data: Vec<DiscrepancyView>,
    /// More open discrepancies exist than listed.
    pub has_more: bool,
}

impl DiscrepancyKind {
    /// The cabinet's and the xlsx's name.
    pub fn label_ru(&self) -> &'static str {
        match self {
            DiscrepancyKind::MissingAtGateway => "Нет в шлюзе",
            DiscrepancyKind::MissingAtBank => "Нет в реестре банка",
            DiscrepancyKind::AmountDiffers => "Расходится сумма",
            DiscrepancyKind::StatusDiffers => "Расходится статус",
            DiscrepancyKind::BankIdDiffers => "Расходится ID банка",
        }
    }
}

impl DiscrepancyStatus {
    pub fn label_ru(&self) -> &'static str {
        match self {
            DiscrepancyStatus::Open => "Открыто",
            DiscrepancyStatus::Resolved => "Решено",
            DiscrepancyStatus::Settled => "Урегулировано автоматически",
            DiscrepancyStatus::Cleared => "Снято повторной сверкой",
        }
    }
}

impl RunStatus {
    pub fn label_ru(&self) -> &'static str {
        match self {
            RunStatus::Running => "Выполняется",
            RunStatus::Completed => "Завершена",
            RunStatus::Failed => "Ошибка",
        }
    }
}

impl RunTrigger {
    pub fn label_ru(&self) -> &'static str {
        match self {
            RunTrigger::Schedule => "По расписанию",
            RunTrigger::Manual => "Вручную",
        }
    }
}

impl BookingType {
    pub fn label_ru(&self) -> &'static str {
        match self {
            BookingType::Debit => "Списание",
            BookingType::Credit => "Зачисление на карту",
            BookingType::Refund => "Возврат",
            BookingType::Hold => "Блокировка (холд)",
            BookingType::Capture => "Списание холда",
            BookingType::Release => "Снятие холда",
        }
    }
}

/// The register's `approved` or `declined`, in Russian.
pub fn bank_status_ru(status: &str) -> &'static str {
    match status {
        "approved" => "Одобрено",
        "declined" => "Отклонено",
        _ => "—",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_spelling_and_a_russian_name() {
        for k in DiscrepancyKind::ALL {
            assert_eq!(DiscrepancyKind::parse(k.as_str()), Some(*k));
            assert!(!k.label_ru().is_empty());
        }
        let body: ResolveRequest = serde_json::from_str(r#"{"comment": "дубль в реестре"}"#).expect("request");
        assert_eq!(body.comment, "дубль в реестре");
        assert!(serde_json::from_str::<ResolveRequest>(r#"{"comment": "x", "status": "open"}"#).is_err());
    }
}
