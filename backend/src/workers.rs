//! The background loop of a server process: settlement, expiries, notifications, report
//! totals and purges.

use std::time::Duration;

use tokio::sync::watch;

use crate::operations::settle;
use crate::state::AppState;

/// Runs until `stop` turns true.
pub async fn run(state: AppState, mut stop: watch::Receiver<bool>) {
    let interval = Duration::from_millis(state.settings.workers.poll_interval_ms.max(50));
    loop {
        tick(&state).await;
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => break,
        }
    }
}

/// One pass of every background job; each logs its own failure and the others still run.
pub async fn tick(state: &AppState) {
    if let Err(e) = settle::settle_due(state).await {
        tracing::error!(error = ?e, "settlement pass failed");
    }
    if let Err(e) = settle::expire_payer_steps(state).await {
        tracing::error!(error = ?e, "expiry pass failed");
    }
    if let Err(e) = crate::webhooks::delivery::deliver_due(state).await {
        tracing::error!(error = ?e, "webhook delivery pass failed");
    }
    if let Err(e) = crate::reports::analytics::compact(&state.db).await {
        tracing::error!(error = ?e, "report totals compaction failed");
    }
    if let Err(e) = settle::purge_idempotency(state).await {
        tracing::error!(error = ?e, "idempotency purge failed");
    }
}
