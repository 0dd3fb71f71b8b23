//! Drops idempotency records past their retention.

use time::Duration;

use crate::state::AppState;

pub async fn purge_idempotency(state: &AppState) -> anyhow::Result<u64> {
    let retention = Duration::hours(state.settings.payments.idempotency_retention_hours);
    Ok(crate::db::idempotency::purge(&state.db, state.clock.now(), retention).await?)
}
