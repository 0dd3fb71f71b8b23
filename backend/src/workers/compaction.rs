//! Report totals: folds the hourly deltas the operations' trigger appends into the totals the
//! charts read (one node at a time; the others return at once).

use crate::state::AppState;

pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    crate::reports::analytics::compact(&state.db).await?;
    Ok(false)
}
