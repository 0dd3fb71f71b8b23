//! Runs and discrepancies as staff read them (`shared`'s views), and a discrepancy resolved.

use shared::dto::reconciliation::{
    BankSide, BookingType, DiscrepancyKind, DiscrepancyStatus, DiscrepancyView, GatewaySide, RunStatus, RunTrigger,
    RunView,
};
use shared::ids::{DiscrepancyId, OperationId, OrganizationId, ReconciliationRunId, UserId};
use shared::{Amount, OperationStatus, OperationType};
use sqlx::{PgExecutor, PgPool, Postgres, Transaction};
use time::{Date, OffsetDateTime};

#[derive(sqlx::FromRow)]
struct RunRow {
    id: ReconciliationRunId,
    day: Date,
    status: RunStatus,
    trigger: RunTrigger,
    started_by: Option<String>,
    started_at: OffsetDateTime,
    finished_at: Option<OffsetDateTime>,
    grace_minutes: i32,
    bank_lines: i32,
    matched: i32,
    settled: i32,
    mismatched: i32,
    error: Option<String>,
    provisional: bool,
}

impl From<RunRow> for RunView {
    fn from(r: RunRow) -> Self {
        let n = |v: i32| u64::try_from(v).unwrap_or_default();
        RunView {
            id: r.id,
            day: r.day,
            status: r.status,
            trigger: r.trigger,
            started_by: r.started_by,
            started_at: r.started_at,
            finished_at: r.finished_at,
            grace_minutes: u32::try_from(r.grace_minutes).unwrap_or_default(),
            bank_lines: n(r.bank_lines),
            matched: n(r.matched),
            settled: n(r.settled),
            mismatched: n(r.mismatched),
            error: r.error,
            provisional: r.provisional,
        }
    }
}

/// A run started before its day and grace window were over (Moscow days) is provisional.
const RUNS: &str = "SELECT r.id, r.day, r.status, r.trigger, u.login AS started_by, r.started_at, r.finished_at,
        r.grace_minutes, r.bank_lines, r.matched, r.settled, r.mismatched, r.error,
        r.started_at < ((r.day + 1)::timestamp AT TIME ZONE 'Europe/Moscow') + make_interval(mins => r.grace_minutes)
            AS provisional
   FROM reconciliation_runs r LEFT JOIN users u ON u.id = r.started_by";

/// A day's runs, newest first.
pub async fn runs_of_day(db: impl PgExecutor<'_>, day: Date, limit: i64) -> sqlx::Result<Vec<RunView>> {
    let rows: Vec<RunRow> =
        sqlx::query_as(&format!("{RUNS} WHERE r.day = $1 ORDER BY r.started_at DESC, r.id DESC LIMIT $2"))
            .bind(day)
            .bind(limit)
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().map(RunView::from).collect())
}

/// The latest runs of every day, newest first.
pub async fn recent_runs(db: impl PgExecutor<'_>, limit: i64) -> sqlx::Result<Vec<RunView>> {
    let rows: Vec<RunRow> = sqlx::query_as(&format!("{RUNS} ORDER BY r.started_at DESC, r.id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(RunView::from).collect())
}

#[derive(sqlx::FromRow)]
struct DiscrepancyRow {
    id: DiscrepancyId,
    day: Date,
    reference: String,
    booking: BookingType,
    kind: DiscrepancyKind,
    status: DiscrepancyStatus,
    bank_amount: Option<Amount>,
    bank_currency: Option<String>,
    bank_status: Option<String>,
    bank_transaction_id: Option<String>,
    bank_booked_at: Option<OffsetDateTime>,
    operation_id: Option<OperationId>,
    organization_id: Option<OrganizationId>,
    organization_name: Option<String>,
    operation_type: Option<OperationType>,
    gateway_status: Option<OperationStatus>,
    gateway_amount: Option<Amount>,
    gateway_bank_transaction_id: Option<String>,
    gateway_recorded_at: Option<OffsetDateTime>,
    found_at: OffsetDateTime,
    last_found_at: OffsetDateTime,
    closed_at: Option<OffsetDateTime>,
    closed_by: Option<String>,
    comment: Option<String>,
}

impl From<DiscrepancyRow> for DiscrepancyView {
    fn from(r: DiscrepancyRow) -> Self {
        let bank = match (r.bank_amount, r.bank_status, r.bank_booked_at) {
            (Some(amount), Some(status), Some(booked_at)) => Some(BankSide {
                amount,
                currency: r.bank_currency.unwrap_or_default(),
                status,
                bank_transaction_id: r.bank_transaction_id.unwrap_or_default(),
                booked_at,
            }),
            _ => None,
        };
        let gateway = match (r.operation_id, r.organization_id, r.operation_type, r.gateway_status) {
            (Some(operation_id), Some(organization_id), Some(operation_type), Some(status)) => Some(GatewaySide {
                operation_id,
                operation_type,
                organization_id,
                organization_name: r.organization_name.unwrap_or_default(),
                status,
                amount: r.gateway_amount,
                bank_transaction_id: r.gateway_bank_transaction_id,
                recorded_at: r.gateway_recorded_at,
            }),
            _ => None,
        };
        DiscrepancyView {
            id: r.id,
            day: r.day,
            reference: r.reference,
            booking: r.booking,
            kind: r.kind,
            status: r.status,
            bank,
            gateway,
            found_at: r.found_at,
            last_found_at: r.last_found_at,
            closed_at: r.closed_at,
            closed_by: r.closed_by,
            comment: r.comment,
        }
    }
}

const DISCREPANCIES: &str =
    "SELECT d.id, d.day, d.reference, d.booking, d.kind, d.status, d.bank_amount, d.bank_currency,
        d.bank_status, d.bank_transaction_id, d.bank_booked_at, d.operation_id, d.organization_id,
        org.name AS organization_name, d.operation_type, d.gateway_status, d.gateway_amount,
        d.gateway_bank_transaction_id, d.gateway_recorded_at, d.found_at, d.last_found_at, d.closed_at,
        u.login AS closed_by, d.comment
   FROM reconciliation_discrepancies d
   LEFT JOIN organizations org ON org.id = d.organization_id
   LEFT JOIN users u ON u.id = d.closed_by";

/// A day's discrepancies, the open ones first, and how many there are in all.
pub async fn discrepancies_of_day(db: &PgPool, day: Date, limit: i64) -> sqlx::Result<(Vec<DiscrepancyView>, u64)> {
    let rows: Vec<DiscrepancyRow> = sqlx::query_as(&format!(
        "{DISCREPANCIES} WHERE d.day = $1 ORDER BY d.status = 'open' DESC, d.found_at, d.reference, d.booking LIMIT $2"
    ))
    .bind(day)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM reconciliation_discrepancies WHERE day = $1")
        .bind(day)
        .fetch_one(db)
        .await?;
    Ok((rows.into_iter().map(DiscrepancyView::from).collect(), u64::try_from(total).unwrap_or_default()))
}

/// Open discrepancies of every day, the latest days first; `true` when there are more.
pub async fn open_discrepancies(db: &PgPool, limit: i64) -> sqlx::Result<(Vec<DiscrepancyView>, bool)> {
    let mut rows: Vec<DiscrepancyRow> = sqlx::query_as(&format!(
        "{DISCREPANCIES} WHERE d.status = 'open' ORDER BY d.day DESC, d.found_at, d.reference, d.booking LIMIT $1"
    ))
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or_default());
    Ok((rows.into_iter().map(DiscrepancyView::from).collect(), more))
}

/// How many discrepancies are open, on one day or on every day.
pub async fn open_count(db: impl PgExecutor<'_>, day: Option<Date>) -> sqlx::Result<u64> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM reconciliation_discrepancies WHERE status = 'open' AND ($1::date IS NULL OR day = $1)",
    )
    .bind(day)
    .fetch_one(db)
    .await?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// One discrepancy, locked for a change.
pub async fn lock_discrepancy(
    tx: &mut Transaction<'_, Postgres>,
    id: DiscrepancyId,
) -> sqlx::Result<Option<DiscrepancyView>> {
    let row: Option<DiscrepancyRow> = sqlx::query_as(&format!("{DISCREPANCIES} WHERE d.id = $1 FOR UPDATE OF d"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map(DiscrepancyView::from))
}

/// Closes an open discrepancy as resolved by a person, with why.
pub async fn resolve(
    tx: &mut Transaction<'_, Postgres>,
    id: DiscrepancyId,
    by: UserId,
    comment: &str,
    now: OffsetDateTime,
) -> sqlx::Result<Option<DiscrepancyView>> {
    sqlx::query(
        "UPDATE reconciliation_discrepancies SET status = 'resolved', closed_at = $2, closed_by = $3, comment = $4
          WHERE id = $1 AND status = 'open'",
    )
    .bind(id)
    .bind(now)
    .bind(by)
    .bind(comment)
    .execute(&mut **tx)
    .await?;
    lock_discrepancy(tx, id).await
}
