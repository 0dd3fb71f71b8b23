//! Reconciliation's records: the operations a day's run reads, its runs (claimed one per day at
//! a time under a lease) and the discrepancies they find, kept one open row per (day,
//! reference, type) however often the day is run again. What staff read and resolve is in
//! [`views`].

mod views;

pub use views::{
    discrepancies_of_day, lock_discrepancy, open_count, open_discrepancies, recent_runs, resolve, runs_of_day,
};

use shared::dto::reconciliation::{BankSide, BookingType, DiscrepancyKind, DiscrepancyStatus, GatewaySide, RunTrigger};
use shared::ids::{DiscrepancyId, OperationId, OrganizationId, ReconciliationRunId, UserId};
use shared::{Amount, OperationStatus, OperationType};
use sqlx::{PgPool, Postgres, Transaction};
use time::{Date, OffsetDateTime};

use crate::db::operations::HoldStep;

/// An operation as reconciliation reads it, with the times of its hold's status changes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperationFacts {
    pub id: OperationId,
    pub organization_id: OrganizationId,
    pub organization_name: String,
    #[sqlx(rename = "type")]
    pub kind: OperationType,
    pub status: OperationStatus,
    pub amount: Amount,
    pub currency: String,
    pub capture: bool,
    pub captured_amount: Option<Amount>,
    pub hold_step: Option<HoldStep>,
    pub acquirer_reference: String,
    pub bank_transaction_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub executed_at: Option<OffsetDateTime>,
    /// A two-stage payment's: when it became `authorized`, `succeeded` (its capture) and
    /// `canceled` (its release), and when its last step went to the bank.
    pub authorized_at: Option<OffsetDateTime>,
    pub succeeded_at: Option<OffsetDateTime>,
    pub canceled_at: Option<OffsetDateTime>,
    pub step_sent_at: Option<OffsetDateTime>,
}

const FACTS: &str = "SELECT o.id, o.organization_id, org.name AS organization_name, o.type, o.status, o.amount, o.currency,
        o.capture, o.captured_amount, o.hold_step, o.acquirer_reference, o.bank_transaction_id, o.created_at, o.executed_at,
        h.authorized_at, h.succeeded_at, h.canceled_at, h.step_sent_at
   FROM operations o
   JOIN organizations org ON org.id = o.organization_id
   LEFT JOIN LATERAL (
        SELECT min(created_at) FILTER (WHERE to_status = 'authorized') AS authorized_at,
               min(created_at) FILTER (WHERE to_status = 'succeeded') AS succeeded_at,
               min(created_at) FILTER (WHERE to_status = 'canceled') AS canceled_at,
               max(created_at) FILTER (WHERE from_status = 'authorized' AND to_status = 'processing') AS step_sent_at
          FROM operation_status_history WHERE operation_id = o.id AND NOT o.capture) h ON true";

/// Ids are asked for this many at a time.
const CHUNK: usize = 5_000;

/// The operations whose bank answer the gateway recorded within `[from, to)`; imported ones
/// (bulk loads, the demo's history) were never at the bank and are left out.
pub async fn recorded_between(db: &PgPool, from: OffsetDateTime, to: OffsetDateTime) -> sqlx::Result<Vec<OperationId>> {
    sqlx::query_scalar(
        "SELECT DISTINCT h.operation_id FROM operation_status_history h
           JOIN operations o ON o.id = h.operation_id AND NOT o.imported
          WHERE h.created_at >= $1 AND h.created_at < $2
            AND h.to_status IN ('authorized', 'succeeded', 'failed', 'canceled')",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// The facts of these operations.
pub async fn facts(db: &PgPool, ids: &[OperationId]) -> sqlx::Result<Vec<OperationFacts>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let chunk: Vec<uuid::Uuid> = chunk.iter().map(|id| id.0).collect();
        out.extend(sqlx::query_as(&format!("{FACTS} WHERE o.id = ANY($1)")).bind(chunk).fetch_all(db).await?);
    }
    Ok(out)
}

/// The facts of the operations under these references (our references at the bank).
pub async fn facts_by_reference(db: &PgPool, references: &[String]) -> sqlx::Result<Vec<OperationFacts>> {
    let mut out = Vec::new();
    for chunk in references.chunks(CHUNK) {
        out.extend(
            sqlx::query_as(&format!("{FACTS} WHERE o.acquirer_reference = ANY($1)")).bind(chunk).fetch_all(db).await?,
        );
    }
    Ok(out)
}

/// What claiming a day's run came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Claimed(ReconciliationRunId),
    /// Another run of the day holds its lease.
    Running,
    /// The schedule's run of the day is done, or failed a moment ago (tried again later).
    NotDue,
}

/// A run about to be claimed.
#[derive(Debug, Clone, Copy)]
pub struct NewRun {
    pub day: Date,
    pub trigger: RunTrigger,
    pub started_by: Option<UserId>,
    pub grace_minutes: i64,
    pub now: OffsetDateTime,
    pub leased_until: OffsetDateTime,
    /// The schedule's: a run completed since this is the day's run.
    pub done_if_since: Option<OffsetDateTime>,
    /// The schedule's: a run that failed since this is not tried again yet.
    pub retry_after_failure_since: Option<OffsetDateTime>,
}

/// Serializes claims and completions of one day's runs (two nodes never both run it).
async fn lock_day(tx: &mut Transaction<'_, Postgres>, day: Date) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('reconciliation_runs'), $1)")
        .bind(day.to_julian_day())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Starts a run of the day unless one holds its lease (one whose lease ran out died with its
/// node: it is marked failed) or, for the schedule, the day's run is done.
pub async fn claim_run(db: &PgPool, run: NewRun) -> sqlx::Result<Claim> {
    let mut tx = db.begin().await?;
    lock_day(&mut tx, run.day).await?;
    sqlx::query(
        "UPDATE reconciliation_runs SET status = 'failed', finished_at = $2, leased_until = NULL,
                error = 'abandoned: its node stopped before the run finished'
          WHERE day = $1 AND status = 'running' AND leased_until < $2",
    )
    .bind(run.day)
    .bind(run.now)
    .execute(&mut *tx)
    .await?;
    let (running, done, failed): (bool, bool, bool) = sqlx::query_as(
        "SELECT coalesce(bool_or(status = 'running'), false),
                coalesce(bool_or(status = 'completed' AND started_at >= $2), false),
                coalesce(bool_or(status = 'failed' AND finished_at >= $3), false)
           FROM reconciliation_runs WHERE day = $1",
    )
    .bind(run.day)
    .bind(run.done_if_since)
    .bind(run.retry_after_failure_since)
    .fetch_one(&mut *tx)
    .await?;
    if running {
        return Ok(Claim::Running);
    }
    if done || failed {
        return Ok(Claim::NotDue);
    }
    let id = ReconciliationRunId::new();
    sqlx::query(
        "INSERT INTO reconciliation_runs (id, day, trigger, started_by, status, grace_minutes, started_at, leased_until)
         VALUES ($1, $2, $3, $4, 'running', $5, $6, $7)",
    )
    .bind(id)
    .bind(run.day)
    .bind(run.trigger)
    .bind(run.started_by)
    .bind(run.grace_minutes as i32)
    .bind(run.now)
    .bind(run.leased_until)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Claim::Claimed(id))
}

/// Extends a running run's lease; `false` when it is no longer running (taken over).
pub async fn heartbeat(db: &PgPool, run: ReconciliationRunId, until: OffsetDateTime) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE reconciliation_runs SET leased_until = $2 WHERE id = $1 AND status = 'running'")
        .bind(run)
        .bind(until)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a run that could not finish, saying why.
pub async fn fail_run(db: &PgPool, run: ReconciliationRunId, error: &str, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE reconciliation_runs SET status = 'failed', finished_at = $2, leased_until = NULL, error = left($3, 1000)
          WHERE id = $1 AND status = 'running'",
    )
    .bind(run)
    .bind(now)
    .bind(error)
    .execute(db)
    .await?;
    Ok(())
}

/// A disagreement as a run found it (`settled`: the run settled the operation).
#[derive(Debug, Clone)]
pub struct Found {
    pub reference: String,
    pub booking: BookingType,
    pub kind: DiscrepancyKind,
    pub settled: bool,
    pub bank: Option<BankSide>,
    pub gateway: Option<GatewaySide>,
}

/// What a run counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub bank_lines: u64,
    pub matched: u64,
    pub settled: u64,
    pub mismatched: u64,
}

/// Records a run's findings and completes it, in one transaction, if it still holds its lease
/// (`false`: another run took the day over; nothing was written). The open discrepancy of a
/// (reference, type) is updated, not repeated; one a person resolved stays resolved and is not
/// opened again for the same kind; the day's open ones this run did not find are cleared.
pub async fn complete_run(
    db: &PgPool,
    run: ReconciliationRunId,
    day: Date,
    found: &[Found],
    counts: Counts,
    now: OffsetDateTime,
) -> sqlx::Result<bool> {
    let mut tx = db.begin().await?;
    lock_day(&mut tx, day).await?;
    let holds: Option<ReconciliationRunId> =
        sqlx::query_scalar("SELECT id FROM reconciliation_runs WHERE id = $1 AND status = 'running' FOR UPDATE")
            .bind(run)
            .fetch_optional(&mut *tx)
            .await?;
    if holds.is_none() {
        return Ok(false);
    }
    for f in found {
        record(&mut tx, run, day, f, now).await?;
    }
    sqlx::query(
        "UPDATE reconciliation_discrepancies SET status = 'cleared', closed_at = $3, last_run_id = $2
          WHERE day = $1 AND status = 'open' AND last_run_id <> $2",
    )
    .bind(day)
    .bind(run)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE reconciliation_runs SET status = 'completed', finished_at = $2, leased_until = NULL,
                bank_lines = $3, matched = $4, settled = $5, mismatched = $6
          WHERE id = $1",
    )
    .bind(run)
    .bind(now)
    .bind(counts.bank_lines as i32)
    .bind(counts.matched as i32)
    .bind(counts.settled as i32)
    .bind(counts.mismatched as i32)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Binds `$5`–`$19`: both sides' figures, the run, the time and the status.
fn bind_sides<'q>(
    q: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    run: ReconciliationRunId,
    f: &Found,
    now: OffsetDateTime,
) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
    let (b, g) = (f.bank.as_ref(), f.gateway.as_ref());
    let status = if f.settled { DiscrepancyStatus::Settled } else { DiscrepancyStatus::Open };
    q.bind(b.map(|b| b.amount))
        .bind(b.map(|b| b.currency.clone()))
        .bind(b.map(|b| b.status.clone()))
        .bind(b.map(|b| b.bank_transaction_id.clone()))
        .bind(b.map(|b| b.booked_at))
        .bind(g.map(|g| g.operation_id))
        .bind(g.map(|g| g.organization_id))
        .bind(g.map(|g| g.operation_type))
        .bind(g.map(|g| g.status))
        .bind(g.and_then(|g| g.amount))
        .bind(g.and_then(|g| g.bank_transaction_id.clone()))
        .bind(g.and_then(|g| g.recorded_at))
        .bind(run)
        .bind(now)
        .bind(status)
}

/// The open discrepancy of the key takes the new figures (and is closed when settled).
const UPDATE_OPEN: &str = "UPDATE reconciliation_discrepancies SET kind = $4, bank_amount = $5, bank_currency = $6,
        bank_status = $7, bank_transaction_id = $8, bank_booked_at = $9, operation_id = $10, organization_id = $11,
        operation_type = $12, gateway_status = $13, gateway_amount = $14, gateway_bank_transaction_id = $15,
        gateway_recorded_at = $16, last_run_id = $17, last_found_at = $18, status = $19,
        closed_at = CASE WHEN $19 = 'open' THEN NULL ELSE $18 END
  WHERE day = $1 AND reference = $2 AND booking = $3 AND status = 'open'";

/// Else a new one, unless a person resolved this very disagreement of the day already.
const INSERT_NEW: &str = "INSERT INTO reconciliation_discrepancies (id, day, reference, booking, kind, bank_amount,
        bank_currency, bank_status, bank_transaction_id, bank_booked_at, operation_id, organization_id, operation_type,
        gateway_status, gateway_amount, gateway_bank_transaction_id, gateway_recorded_at, first_run_id, last_run_id,
        found_at, last_found_at, status, closed_at)
 SELECT $20, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $18, $19,
        CASE WHEN $19 = 'open' THEN NULL ELSE $18 END
  WHERE $19 <> 'open' OR NOT EXISTS (SELECT 1 FROM reconciliation_discrepancies
         WHERE day = $1 AND reference = $2 AND booking = $3 AND kind = $4 AND status = 'resolved')";

async fn record(
    tx: &mut Transaction<'_, Postgres>,
    run: ReconciliationRunId,
    day: Date,
    f: &Found,
    now: OffsetDateTime,
) -> sqlx::Result<()> {
    let key = |sql| sqlx::query(sql).bind(day).bind(f.reference.clone()).bind(f.booking).bind(f.kind);
    let updated = bind_sides(key(UPDATE_OPEN), run, f, now).execute(&mut **tx).await?;
    if updated.rows_affected() == 0 {
        bind_sides(key(INSERT_NEW), run, f, now).bind(DiscrepancyId::new()).execute(&mut **tx).await?;
    }
    Ok(())
}
