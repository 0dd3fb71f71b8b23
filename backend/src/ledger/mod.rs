//! The double-entry ledger in PostgreSQL: postings of balanced entries, written in the
//! transaction that moves an operation to its success ([`post_operation`], called by
//! [`crate::operations::move_to`]); balances and balance transactions for the API; daily
//! statements ([`statements`]); and [`verify`], which recomputes it all from the operations.
//! The rules are [`crate::domain::ledger`]; the database checks each posting sums to zero at
//! commit and keeps the entries append-only (migration 20261202000030).

pub mod statements;
pub mod verify;
pub mod xlsx;

use shared::dto::balance::{BalanceTransaction, BalanceTransactionType};
use shared::ids::OrganizationId;
use shared::{Amount, OperationStatus, SignedAmount};
use sqlx::{PgConnection, PgExecutor};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::operations::OperationRow;
use crate::domain::clock::{moscow_day, moscow_midnight};
use crate::domain::ledger::{self as rules, Account, Posted};
use crate::reports::analytics::executed;

/// A posting as stored: a balance transaction of an operation, or a movement inside an
/// organization's accounts (`release`, `fees`) with net 0.
pub struct Posting<'a> {
    pub org: OrganizationId,
    pub kind: &'a str,
    pub operation: Option<Uuid>,
    pub amount: SignedAmount,
    pub fee: Amount,
    pub net: SignedAmount,
    pub at: OffsetDateTime,
    pub available_on: Date,
}

/// Writes a posting and its entries. The entries of one organization's accounts carry it; the
/// gateway's own accounts none.
pub async fn write(db: &mut PgConnection, p: &Posting<'_>, legs: &[(Account, SignedAmount)]) -> sqlx::Result<Uuid> {
    let id = Uuid::now_v7();
    let Posting { org, kind, operation, amount, fee, net, at, available_on } = *p;
    let owners: Vec<Option<Uuid>> = legs.iter().map(|(a, _)| (!a.is_gateway()).then_some(org.0)).collect();
    let accounts: Vec<&str> = legs.iter().map(|(a, _)| a.as_str()).collect();
    let amounts: Vec<rust_decimal::Decimal> = legs.iter().map(|(_, v)| v.as_decimal()).collect();
    // The posting and its entries in one round trip (checked to balance at commit).
    sqlx::query(
        "WITH p AS (
           INSERT INTO ledger_postings (id, kind, organization_id, operation_id, amount, fee, net, created_at, available_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id)
         INSERT INTO ledger_entries (posting_id, organization_id, account, amount)
         SELECT p.id, o, a, v FROM p, unnest($10::uuid[], $11::text[], $12::numeric[]) AS l (o, a, v)",
    )
    .bind(id)
    .bind(kind)
    .bind(org)
    .bind(operation)
    .bind(amount)
    .bind(fee)
    .bind(net)
    .bind(at)
    .bind(available_on)
    .bind(owners)
    .bind(accounts)
    .bind(amounts)
    .execute(&mut *db)
    .await?;
    Ok(id)
}

/// Posts what an operation's move from `from` to its current status puts on the balance: a
/// payment when it is first charged (or captured), a refund or a payout when it succeeds.
/// Any other move posts nothing. In the transaction of the move, so both or neither commit.
/// The posting's time is the operation's execution (`now` if it has none), as the back-fill's.
pub async fn post_operation(
    db: &mut PgConnection,
    from: OperationStatus,
    op: &OperationRow,
    now: OffsetDateTime,
) -> anyhow::Result<()> {
    let at = op.executed_at.unwrap_or(now);
    let Some(posted) = posting_of(from, op, at)? else { return Ok(()) };
    let posting = Posting {
        org: op.organization_id,
        kind: posted.kind.as_str(),
        operation: Some(op.id.0),
        amount: posted.amount,
        fee: posted.fee,
        net: posted.net,
        at,
        available_on: posted.available_on,
    };
    write(db, &posting, &rules::legs(&posted)).await?;
    Ok(())
}

/// The balance transaction of a move, if it makes one.
pub fn posting_of(from: OperationStatus, op: &OperationRow, at: OffsetDateTime) -> anyhow::Result<Option<Posted>> {
    let now_executed = executed(op.status) && !executed(from);
    if !now_executed {
        return Ok(None);
    }
    let amount = if op.kind.is_payment() {
        op.captured().ok_or_else(|| anyhow::anyhow!("payment {} is {} with no captured amount", op.id, op.status))?
    } else {
        op.amount
    };
    Ok(Some(rules::balance_transaction(op.kind, amount, op.fee, at)))
}

/// An organization's balance now, and the last statement it rests on.
pub struct Balance {
    pub available: SignedAmount,
    pub pending: SignedAmount,
    pub last_statement: Option<Date>,
}

/// The organization's balance now. The total is the last statement's
/// closing balance plus the net posted since its day ended (or the sum of all net before any
/// statement); pending is the net of payments whose day has not come.
pub async fn balance(db: &mut PgConnection, org: OrganizationId, now: OffsetDateTime) -> sqlx::Result<Balance> {
    let last: Option<(Date, SignedAmount)> = sqlx::query_as(
        "SELECT day, closing_balance FROM statements WHERE organization_id = $1 ORDER BY day DESC LIMIT 1",
    )
    .bind(org)
    .fetch_optional(&mut *db)
    .await?;
    let (base, since) = match last {
        Some((day, closing)) => (closing, Some(moscow_midnight(day.next_day().unwrap_or(day)))),
        None => (SignedAmount::ZERO, None),
    };
    let last_statement = last.map(|(day, _)| day);
    let (after, pending): (SignedAmount, SignedAmount) = sqlx::query_as(
        "SELECT (SELECT coalesce(sum(net), 0) FROM ledger_postings
                  WHERE organization_id = $1 AND operation_id IS NOT NULL AND ($2::timestamptz IS NULL OR created_at >= $2)),
                (SELECT coalesce(sum(net), 0) FROM ledger_postings
                  WHERE organization_id = $1 AND kind = 'payment' AND available_on > $3)",
    )
    .bind(org)
    .bind(since)
    .bind(moscow_day(now))
    .fetch_one(&mut *db)
    .await?;
    let (available, pending) = rules::split(base + after, pending);
    Ok(Balance { available, pending, last_statement })
}

/// A balance transaction as the API shows it.
#[derive(sqlx::FromRow)]
pub struct Row {
    pub id: Uuid,
    pub kind: String,
    pub operation_id: Uuid,
    pub amount: SignedAmount,
    pub fee: Amount,
    pub net: SignedAmount,
    pub created_at: OffsetDateTime,
    pub available_on: Date,
}

impl Row {
    pub fn object(&self) -> BalanceTransaction {
        BalanceTransaction {
            id: self.id.to_string(),
            object: "balance_transaction".to_owned(),
            kind: BalanceTransactionType::parse(&self.kind).unwrap_or(BalanceTransactionType::Payment),
            amount: self.amount,
            fee: self.fee,
            net: self.net,
            currency: "RUB".to_owned(),
            source: self.operation_id.to_string(),
            created_at: self.created_at,
            available_on: self.available_on,
        }
    }
}

const ROW: &str = "SELECT id, kind, operation_id, amount, fee, net, created_at, available_on FROM ledger_postings";

/// One of the organization's balance transactions.
pub async fn get(db: impl PgExecutor<'_>, org: OrganizationId, id: Uuid) -> sqlx::Result<Option<Row>> {
    sqlx::query_as(&format!("{ROW} WHERE id = $1 AND organization_id = $2 AND operation_id IS NOT NULL"))
        .bind(id)
        .bind(org)
        .fetch_optional(db)
        .await
}

/// Filters of the list.
#[derive(Debug, Default)]
pub struct Filter {
    pub kind: Option<BalanceTransactionType>,
    pub created_gte: Option<OffsetDateTime>,
    pub created_lt: Option<OffsetDateTime>,
}

/// Where a page starts, as the operations' lists: after a transaction (older) or before one.
#[derive(Debug, Clone, Copy)]
pub enum Cursor {
    After(OffsetDateTime, Uuid),
    Before(OffsetDateTime, Uuid),
}

/// Newest first, `limit` from the cursor; `has_more` when another page exists that way.
pub async fn list(
    db: impl PgExecutor<'_>,
    org: OrganizationId,
    filter: &Filter,
    cursor: Option<Cursor>,
    limit: i64,
) -> sqlx::Result<(Vec<Row>, bool)> {
    let (before, after) = match cursor {
        Some(Cursor::After(t, id)) => (Some((t, id)), None),
        Some(Cursor::Before(t, id)) => (None, Some((t, id))),
        None => (None, None),
    };
    let backwards = after.is_some();
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{ROW} WHERE organization_id = $1 AND operation_id IS NOT NULL
            AND ($2::text IS NULL OR kind = $2)
            AND ($3::timestamptz IS NULL OR created_at >= $3)
            AND ($4::timestamptz IS NULL OR created_at < $4)
            AND ($5::timestamptz IS NULL OR (created_at, id) < ($5, $6))
            AND ($7::timestamptz IS NULL OR (created_at, id) > ($7, $8))
          ORDER BY created_at {dir}, id {dir} LIMIT $9",
        dir = if backwards { "ASC" } else { "DESC" }
    ))
    .bind(org)
    .bind(filter.kind.map(|k| k.as_str()))
    .bind(filter.created_gte)
    .bind(filter.created_lt)
    .bind(before.map(|b| b.0))
    .bind(before.map(|b| b.1))
    .bind(after.map(|a| a.0))
    .bind(after.map(|a| a.1))
    .bind(limit + 1)
    .fetch_all(db)
    .await?;
    Ok(crate::db::keyset_page(rows, limit, backwards))
}
