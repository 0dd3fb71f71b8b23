//! Daily caps on payouts and refunds per organization, counted in the database.

use shared::Amount;
use shared::ids::OrganizationId;
use sqlx::{PgExecutor, Postgres, Transaction};
use time::{Date, OffsetDateTime};

/// An organization's caps (the configured defaults when staff set none).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct Limits {
    pub payouts_per_day: i32,
    pub payout_amount_per_day: Amount,
    pub refunds_per_day: i32,
    pub refund_amount_per_day: Amount,
}

pub use crate::domain::clock::moscow_day;

pub async fn get(db: impl PgExecutor<'_>, org: OrganizationId) -> sqlx::Result<Option<Limits>> {
    sqlx::query_as(
        "SELECT payouts_per_day, payout_amount_per_day, refunds_per_day, refund_amount_per_day
           FROM velocity_limits WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(db)
    .await
}

pub async fn set(db: impl PgExecutor<'_>, org: OrganizationId, l: &Limits, now: OffsetDateTime) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO velocity_limits (organization_id, payouts_per_day, payout_amount_per_day, refunds_per_day,
                refund_amount_per_day, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (organization_id) DO UPDATE SET payouts_per_day = $2, payout_amount_per_day = $3,
                refunds_per_day = $4, refund_amount_per_day = $5, updated_at = $6",
    )
    .bind(org)
    .bind(l.payouts_per_day)
    .bind(l.payout_amount_per_day)
    .bind(l.refunds_per_day)
    .bind(l.refund_amount_per_day)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Counts one more payout or refund of `amount` today and returns the day's totals. The row
/// lock it takes is held to the end of the caller's transaction, so concurrent requests of an
/// organization count one after another.
pub async fn count(
    tx: &mut Transaction<'_, Postgres>,
    org: OrganizationId,
    day: Date,
    kind: &str,
    amount: Amount,
) -> sqlx::Result<(i32, Amount)> {
    sqlx::query_as(
        "INSERT INTO velocity_counters (organization_id, day, kind, operations, amount) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (organization_id, day, kind) DO UPDATE
            SET operations = velocity_counters.operations + 1, amount = velocity_counters.amount + EXCLUDED.amount
         RETURNING operations, amount::numeric(18,2)",
    )
    .bind(org)
    .bind(day)
    .bind(kind)
    .bind(amount)
    .fetch_one(&mut **tx)
    .await
}
