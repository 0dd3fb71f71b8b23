//! The background work of a server process. Settlement, payer-step expiries, hold expiries,
//! webhook delivery, the daily reconciliation with the bank, report compaction, daily statements,
//! exports and purges each run as their own task on their own interval, so a slow merchant
//! endpoint never holds up settlement, and each bounds its own concurrency. All of them
//! claim rows with `FOR UPDATE SKIP LOCKED` or a lease, so nodes run side by side.

pub mod compaction;
pub mod delivery;
pub mod expiry;
pub mod purge;
pub mod reconciliation;
pub mod settlement;

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use crate::state::AppState;

/// Runs every task until `stop` turns true, then waits for each to finish its pass.
pub async fn run(state: AppState, stop: watch::Receiver<bool>) {
    let poll = Duration::from_millis(state.settings.workers.poll_interval_ms.max(50));
    let tasks = [
        spawn("settlement", &state, &stop, poll, |s| async move {
            let full = s.settings.workers.settlement_concurrency.max(1);
            settlement::settle_due(&s).await.map(|n| n >= full)
        }),
        spawn("expiry", &state, &stop, poll, |s| async move { expiry::expire_payer_steps(&s).await.map(|_| false) }),
        spawn("holds", &state, &stop, poll * 5, |s| async move { expiry::release_expired_holds(&s).await }),
        spawn("delivery", &state, &stop, poll, |s| async move { delivery::pass(&s).await }),
        spawn("compaction", &state, &stop, poll * 5, |s| async move { compaction::pass(&s).await }),
        spawn("exports", &state, &stop, poll * 2, |s| async move { crate::reports::exports::pass(&s).await }),
        spawn("statements", &state, &stop, Duration::from_secs(60), |s| async move {
            crate::ledger::statements::pass(&s).await
        }),
        spawn("reconciliation", &state, &stop, poll * 30, |s| async move { reconciliation::pass(&s).await }),
        spawn("purge", &state, &stop, Duration::from_secs(60), |s| async move {
            purge::purge_idempotency(&s).await.map(|_| false)
        }),
    ];
    for task in tasks {
        let _ = task.await;
    }
}

/// One task: a pass, then a pause of `every` (none when the pass says more is waiting).
fn spawn<F, Fut>(
    name: &'static str,
    state: &AppState,
    stop: &watch::Receiver<bool>,
    every: Duration,
    pass: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<bool>> + Send,
{
    let (state, mut stop) = (state.clone(), stop.clone());
    tokio::spawn(async move {
        loop {
            let more = match pass(state.clone()).await {
                Ok(more) => more,
                Err(e) => {
                    tracing::error!(error = ?e, task = name, "background pass failed");
                    false
                }
            };
            if *stop.borrow() {
                break;
            }
            if more {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = stop.changed() => break,
            }
        }
    })
}
