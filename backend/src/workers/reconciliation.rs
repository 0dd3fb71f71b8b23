//! The daily reconciliation: once the grace window past Moscow midnight is over, yesterday is
//! reconciled against the bank's register. Every node asks; the claim (one run of a day at a
//! time, under a lease) lets one run it, and the day is done once a run started after its
//! window completed. A failed run (the bank unreachable) is tried again 15 minutes later.

use crate::reconciliation::run::{RunError, Started, run_day};
use crate::reconciliation::{day_bounds, grace, moscow_day};
use crate::state::AppState;

pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let now = state.clock.now();
    let today = moscow_day(now);
    if now < day_bounds(today).start + grace(state) {
        return Ok(false);
    }
    let yesterday = today.previous_day().ok_or_else(|| anyhow::anyhow!("no day before {today}"))?;
    match run_day(state, yesterday, Started::Schedule).await {
        Ok(run) => tracing::info!(%run, day = %yesterday, "the daily reconciliation ran"),
        Err(RunError::Running | RunError::NotDue) => {}
        Err(RunError::Internal(e)) => return Err(e),
    }
    Ok(false)
}
