//! The daily reconciliation: once the grace window past Moscow midnight is over, yesterday is
//! reconciled against the bank's register. Every node asks; the claim (one run of a day at a
//! time, under a lease) lets one run it, and the day is done once a run started after its
//! window completed. A failed run (the bank unreachable) is tried again 15 minutes later. The
//! days of the last week that have no completed run (the gateway or the bank was down all the
//! next day) are caught up the same way, and a day whose open discrepancies wait on the
//! gateway's own answer (an operation still `processing` when the run looked, settled since)
//! is looked at again every hour, so a stale finding neither lingers nor hides another.

use time::Duration;

use crate::reconciliation::run::{LOOK_BACK_DAYS, RunError, Started, run_day};
use crate::reconciliation::{day_bounds, grace, moscow_day};
use crate::state::AppState;

pub async fn pass(state: &AppState) -> anyhow::Result<bool> {
    let now = state.clock.now();
    let today = moscow_day(now);
    if now < day_bounds(today).start + grace(state) {
        return Ok(false);
    }
    let oldest = today - Duration::days(LOOK_BACK_DAYS);
    let waiting: Vec<time::Date> = sqlx::query_scalar(
        "SELECT DISTINCT day FROM reconciliation_discrepancies
          WHERE status = 'open' AND day >= $1 AND gateway_status IN ('created', 'authentication', 'processing')",
    )
    .bind(oldest)
    .fetch_all(&state.db)
    .await?;
    let mut days: Vec<(time::Date, Started)> =
        (1..=LOOK_BACK_DAYS).map(|back| (today - Duration::days(back), Started::Schedule)).collect();
    days.extend(waiting.into_iter().map(|d| (d, Started::Recheck)));
    for (day, by) in days {
        match run_day(state, day, by).await {
            Ok(run) => tracing::info!(%run, %day, ?by, "the scheduled reconciliation ran"),
            Err(RunError::Running | RunError::NotDue) => {}
            Err(RunError::Internal(e)) => return Err(e),
        }
    }
    Ok(false)
}
