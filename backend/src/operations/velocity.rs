//! Velocity limits: each payout and refund counts toward its organization's caps for the Moscow
//! day, in its own transaction, and one past a cap is `422 velocity_limit_exceeded`.

use shared::ids::OrganizationId;
use shared::{Amount, ErrorCode};
use sqlx::{Postgres, Transaction};

use crate::db::velocity::{self, Limits};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Payout,
    Refund,
}

/// The organization's caps: what staff set, else the configured defaults.
pub async fn limits(state: &AppState, db: impl sqlx::PgExecutor<'_>, org: OrganizationId) -> sqlx::Result<Limits> {
    Ok(velocity::get(db, org).await?.unwrap_or_else(|| state.settings.velocity.clone()))
}

/// Counts this operation and refuses it when the day's count or sum would pass a cap.
pub async fn count(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    org: OrganizationId,
    kind: Kind,
    amount: Amount,
) -> Result<(), ApiError> {
    let caps = limits(state, &mut **tx, org).await?;
    let day = velocity::moscow_day(state.clock.now());
    let (name, max_count, max_sum) = match kind {
        Kind::Payout => ("payout", caps.payouts_per_day, caps.payout_amount_per_day),
        Kind::Refund => ("refund", caps.refunds_per_day, caps.refund_amount_per_day),
    };
    let (n, sum) = velocity::count(tx, org, day, name, amount).await?;
    if n > max_count || sum > max_sum {
        return Err(ApiError::with_param(
            ErrorCode::VelocityLimitExceeded,
            format!("The organization's daily {name} limit ({max_count} operations, {max_sum} in all) is reached."),
            "amount",
        ));
    }
    Ok(())
}
