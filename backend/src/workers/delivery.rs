//! Webhook delivery: one pass claims a fair batch of due events (`webhooks::delivery`); a full
//! batch means more is due, and the task goes again at once, so delivery keeps up with load.

use crate::state::AppState;

/// One pass; `true` when the batch was full.
pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let batch = state.notifier.settings.batch.max(1) as usize;
    Ok(crate::webhooks::delivery::deliver_due(state).await? >= batch)
}
