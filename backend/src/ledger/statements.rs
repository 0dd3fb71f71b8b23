//! Daily settlement statements (реестр и акт сверки): for each organization and each Moscow
//! day, the opening balance, the day's payments, refunds, fees and payouts, the closing balance
//! and the count of operations. An operation belongs to the day of its posting. A worker builds
//! each day once, [`GRACE`] after the day ends, in order; a statement is never changed (the
//! table is append-only) and [`compute`] rebuilds it to prove it reproduces.
//!
//! Building a day also moves the organization's money inside its accounts, in the same
//! transaction: the payments available by the next day go from pending to available, and the
//! day's fees into the gateway's income.

use shared::dto::balance::StatementView;
use shared::ids::OrganizationId;
use shared::{Amount, SignedAmount};
use sqlx::{PgConnection, PgExecutor};
use time::{Date, Duration, OffsetDateTime};

use super::{Posting, write};
use crate::domain::clock::{moscow_day, moscow_midnight};
use crate::domain::ledger as rules;
use crate::state::AppState;

/// How long after a Moscow day ends its statement is built: a posting stamped just before
/// midnight has long committed by then.
pub const GRACE: Duration = Duration::minutes(10);

/// Statements built per worker pass, so a long catch-up never holds the worker for long.
const PER_PASS: usize = 200;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Statement {
    pub organization_id: OrganizationId,
    pub day: Date,
    pub opening_balance: SignedAmount,
    pub payments: Amount,
    pub payments_count: i32,
    pub refunds: Amount,
    pub refunds_count: i32,
    pub fees: Amount,
    pub payouts: Amount,
    pub payouts_count: i32,
    pub closing_balance: SignedAmount,
    pub operations_count: i32,
    pub built_at: OffsetDateTime,
}

impl Statement {
    pub fn view(&self) -> StatementView {
        StatementView {
            organization_id: self.organization_id.to_string(),
            day: self.day,
            opening_balance: self.opening_balance,
            payments: self.payments,
            payments_count: self.payments_count.into(),
            refunds: self.refunds,
            refunds_count: self.refunds_count.into(),
            fees: self.fees,
            payouts: self.payouts,
            payouts_count: self.payouts_count.into(),
            closing_balance: self.closing_balance,
            operations_count: self.operations_count.into(),
            built_at: self.built_at,
        }
    }

    /// The figures, without when they were built: what a rebuild must reproduce.
    pub fn same_figures(&self, other: &Statement) -> bool {
        Statement { built_at: other.built_at, ..self.clone() } == *other
    }
}

/// The last day whose statement is due at `now`.
pub fn last_due_day(now: OffsetDateTime) -> Date {
    moscow_day(now - GRACE).previous_day().unwrap_or(Date::MIN)
}

/// The day's figures from the postings, and the opening balance: the previous day's closing
/// balance, or the sum of everything posted before the day when there is no previous statement.
pub async fn compute(
    db: &mut PgConnection,
    org: OrganizationId,
    day: Date,
    now: OffsetDateTime,
) -> sqlx::Result<Statement> {
    let (start, end) = (moscow_midnight(day), moscow_midnight(day + Duration::days(1)));
    let previous: Option<SignedAmount> =
        sqlx::query_scalar("SELECT closing_balance FROM statements WHERE organization_id = $1 AND day = $2")
            .bind(org)
            .bind(day - Duration::days(1))
            .fetch_optional(&mut *db)
            .await?;
    let opening = match previous {
        Some(closing) => closing,
        None => {
            sqlx::query_scalar(
                "SELECT coalesce(sum(net), 0) FROM ledger_postings
                  WHERE organization_id = $1 AND operation_id IS NOT NULL AND created_at < $2",
            )
            .bind(org)
            .bind(start)
            .fetch_one(&mut *db)
            .await?
        }
    };
    type Figures = (Amount, i32, Amount, i32, Amount, Amount, i32, SignedAmount);
    let (payments, payments_count, refunds, refunds_count, fees, payouts, payouts_count, net): Figures =
        sqlx::query_as(
            "SELECT coalesce(sum(amount) FILTER (WHERE kind = 'payment'), 0), count(*) FILTER (WHERE kind = 'payment')::int,
                    coalesce(-sum(amount) FILTER (WHERE kind = 'refund'), 0), count(*) FILTER (WHERE kind = 'refund')::int,
                    coalesce(sum(fee), 0),
                    coalesce(-sum(amount) FILTER (WHERE kind = 'payout'), 0), count(*) FILTER (WHERE kind = 'payout')::int,
                    coalesce(sum(net), 0)
               FROM ledger_postings
              WHERE organization_id = $1 AND operation_id IS NOT NULL AND created_at >= $2 AND created_at < $3",
        )
        .bind(org)
        .bind(start)
        .bind(end)
        .fetch_one(&mut *db)
        .await?;
    Ok(Statement {
        organization_id: org,
        day,
        opening_balance: opening,
        payments,
        payments_count,
        refunds,
        refunds_count,
        fees,
        payouts,
        payouts_count,
        closing_balance: opening + net,
        operations_count: payments_count + refunds_count + payouts_count,
        built_at: now,
    })
}

/// Builds one organization's statement for `day` (false: it already exists), and moves that
/// day's money inside its accounts. One transaction, one builder per organization at a time.
pub async fn build(state: &AppState, org: OrganizationId, day: Date) -> anyhow::Result<bool> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('statement:' || $1::text, 0))")
        .bind(org)
        .execute(&mut *tx)
        .await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM statements WHERE organization_id = $1 AND day = $2)")
            .bind(org)
            .bind(day)
            .fetch_one(&mut *tx)
            .await?;
    if exists {
        return Ok(false);
    }
    // An operation that succeeded on a node that did not post (one of the version before the
    // ledger, during a rolling deploy) is posted now, as the back-fill would have.
    catch_up(&mut tx, org, day).await?;
    let s = compute(&mut tx, org, day, now).await?;
    sqlx::query(
        "INSERT INTO statements (organization_id, day, opening_balance, payments, payments_count, refunds, refunds_count,
                                 fees, payouts, payouts_count, closing_balance, operations_count, built_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(s.organization_id)
    .bind(s.day)
    .bind(s.opening_balance)
    .bind(s.payments)
    .bind(s.payments_count)
    .bind(s.refunds)
    .bind(s.refunds_count)
    .bind(s.fees)
    .bind(s.payouts)
    .bind(s.payouts_count)
    .bind(s.closing_balance)
    .bind(s.operations_count)
    .bind(s.built_at)
    .execute(&mut *tx)
    .await?;
    let next = day + Duration::days(1);
    let boundary = moscow_midnight(next);
    // The payments available by the next day that no earlier build released: those after the
    // last release's day (a payment committed after a build is stamped into an open day, so it
    // is never before it).
    let due: SignedAmount = sqlx::query_scalar(
        "SELECT coalesce(sum(net), 0) FROM ledger_postings
          WHERE organization_id = $1 AND kind = 'payment' AND available_on <= $2
            AND available_on > coalesce((SELECT max(available_on) FROM ledger_postings
                                          WHERE organization_id = $1 AND kind = 'release'), '-infinity')",
    )
    .bind(org)
    .bind(next)
    .fetch_one(&mut *tx)
    .await?;
    let inside = |kind, amount, available_on| Posting {
        org,
        kind,
        operation: None,
        amount,
        fee: Amount::ZERO,
        net: SignedAmount::ZERO,
        at: boundary,
        available_on,
    };
    if !due.is_zero() {
        write(&mut tx, &inside("release", due, next), &rules::release_legs(due)).await?;
    }
    if !s.fees.is_zero() {
        write(&mut tx, &inside("fees", SignedAmount::from(s.fees), day), &rules::recognition_legs(s.fees)).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Posts what the day's succeeded operations of `org` lack (`ledger_post_missing`, the
/// migration's back-fill, whose rules `ledger verify` holds to the operations); how many.
async fn catch_up(db: &mut PgConnection, org: OrganizationId, day: Date) -> sqlx::Result<i64> {
    let posted: i64 = sqlx::query_scalar("SELECT ledger_post_missing($1, $2, $3)")
        .bind(org)
        .bind(moscow_midnight(day))
        .bind(moscow_midnight(day + Duration::days(1)))
        .fetch_one(&mut *db)
        .await?;
    if posted > 0 {
        tracing::warn!(organization = %org, %day, posted, "posted operations that succeeded without their ledger posting");
    }
    Ok(posted)
}

/// One pass of the worker: builds the due statements, oldest day first for each organization,
/// starting from the day of its first posting. Returns whether more are due.
pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let last_due = last_due_day(state.clock.now());
    let due: Vec<(OrganizationId, Date)> = sqlx::query_as(
        "SELECT o.id, coalesce(s.last + 1, (f.first AT TIME ZONE INTERVAL '+03:00')::date)
           FROM organizations o
           LEFT JOIN LATERAL (SELECT max(day) AS last FROM statements WHERE organization_id = o.id) s ON true
           LEFT JOIN LATERAL (SELECT created_at AS first FROM ledger_postings
                               WHERE organization_id = o.id AND operation_id IS NOT NULL
                               ORDER BY created_at LIMIT 1) f ON true
          WHERE coalesce(s.last + 1, (f.first AT TIME ZONE INTERVAL '+03:00')::date) <= $1",
    )
    .bind(last_due)
    .fetch_all(&state.db)
    .await?;
    let mut built = 0;
    for (org, first) in due {
        let mut day = first;
        while day <= last_due && built < PER_PASS {
            build(state, org, day).await?;
            built += 1;
            day += Duration::days(1);
        }
        if built >= PER_PASS {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The organization's statements from `from` to `to`, oldest first.
pub async fn list(db: impl PgExecutor<'_>, org: OrganizationId, from: Date, to: Date) -> sqlx::Result<Vec<Statement>> {
    sqlx::query_as("SELECT * FROM statements WHERE organization_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day")
        .bind(org)
        .bind(from)
        .bind(to)
        .fetch_all(db)
        .await
}

pub async fn get(db: impl PgExecutor<'_>, org: OrganizationId, day: Date) -> sqlx::Result<Option<Statement>> {
    sqlx::query_as("SELECT * FROM statements WHERE organization_id = $1 AND day = $2")
        .bind(org)
        .bind(day)
        .fetch_optional(db)
        .await
}

/// How many balance transactions the day has (the register's rows).
pub async fn day_count(db: impl PgExecutor<'_>, org: OrganizationId, day: Date) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT count(*) FROM ledger_postings
          WHERE organization_id = $1 AND operation_id IS NOT NULL AND created_at >= $2 AND created_at < $3",
    )
    .bind(org)
    .bind(moscow_midnight(day))
    .bind(moscow_midnight(day + Duration::days(1)))
    .fetch_one(db)
    .await
}

/// The day's balance transactions, in posting order: the statement's register.
pub async fn day_rows(db: impl PgExecutor<'_>, org: OrganizationId, day: Date) -> sqlx::Result<Vec<super::Row>> {
    sqlx::query_as(&format!(
        "{} WHERE organization_id = $1 AND operation_id IS NOT NULL AND created_at >= $2 AND created_at < $3
          ORDER BY created_at, id",
        super::ROW
    ))
    .bind(org)
    .bind(moscow_midnight(day))
    .bind(moscow_midnight(day + Duration::days(1)))
    .fetch_all(db)
    .await
}
