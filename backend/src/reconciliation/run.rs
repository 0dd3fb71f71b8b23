//! One run of a day: claim it (one run of a day at a time, on any node), read the gateway's
//! operations and the bank's register, match them, settle what recovery can, and record the
//! rest. A run holds no connection or lock while it waits for the bank.

use std::collections::HashSet;

use shared::OperationStatus;
use shared::dto::reconciliation::{BankSide, DiscrepancyKind, GatewaySide, RunTrigger};
use shared::ids::{ReconciliationRunId, UserId};
use time::{Date, Duration};

use super::expected::{Expect, GatewayOp};
use super::matcher::{self, Day, Finding, Verdict};
use super::{booking_type, day_bounds, grace};
use crate::db::reconciliation::{self as db, Claim, Counts, Found, NewRun};
use crate::db::{self as store};
use crate::state::AppState;
use crate::workers::settlement;

/// How long a run may go without showing it is alive before another may take the day over.
const LEASE: Duration = Duration::minutes(30);
/// How long the schedule waits after a failed run (the bank down) before it tries again.
const RETRY_AFTER_FAILURE: Duration = Duration::minutes(15);

/// How often the schedule looks again at a day whose discrepancies wait on the gateway.
const RECHECK_EVERY: Duration = Duration::hours(1);
/// How many days back the schedule catches up on days without a run, and rechecks.
pub const LOOK_BACK_DAYS: i64 = 7;

/// Who starts a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// The daily run of yesterday (and of a recent day that has none): skipped once the day's
    /// run is done.
    Schedule,
    /// The schedule's hourly look again at a recent day whose discrepancies wait on the
    /// gateway's own answer (`processing` then): skipped if the day ran in the last hour.
    Recheck,
    Staff(UserId),
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("a reconciliation of this day is running")]
    Running,
    #[error("the day's scheduled reconciliation is done or waits to be tried again")]
    NotDue,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RunError {
    fn from(e: sqlx::Error) -> Self {
        RunError::Internal(e.into())
    }
}

/// Runs `day` to the end; the run's id, whether it completed or failed (the bank unreachable:
/// the run says so and the schedule tries again).
pub async fn run_day(state: &AppState, day: Date, by: Started) -> Result<ReconciliationRunId, RunError> {
    let now = state.clock.now();
    let grace = grace(state);
    let bounds = day_bounds(day);
    let schedule = matches!(by, Started::Schedule | Started::Recheck);
    let claim = db::claim_run(
        &state.db,
        NewRun {
            day,
            trigger: if schedule { RunTrigger::Schedule } else { RunTrigger::Manual },
            started_by: match by {
                Started::Staff(user) => Some(user),
                Started::Schedule | Started::Recheck => None,
            },
            grace_minutes: state.settings.reconciliation.grace_minutes,
            now,
            leased_until: now + LEASE,
            done_if_since: match by {
                Started::Schedule => Some(bounds.end + grace),
                Started::Recheck => Some(now - RECHECK_EVERY),
                Started::Staff(_) => None,
            },
            retry_after_failure_since: schedule.then_some(now - RETRY_AFTER_FAILURE),
        },
    )
    .await?;
    let run = match claim {
        Claim::Claimed(run) => run,
        Claim::Running => return Err(RunError::Running),
        Claim::NotDue => return Err(RunError::NotDue),
    };
    match work(state, run, day, bounds, grace).await {
        Ok(true) => tracing::info!(%run, %day, "reconciliation completed"),
        Ok(false) => tracing::warn!(%run, %day, "reconciliation lost its lease to another run; nothing recorded"),
        Err(e) => {
            tracing::error!(error = ?e, %run, %day, "reconciliation failed");
            db::fail_run(&state.db, run, &e.to_string(), state.clock.now()).await?;
        }
    }
    Ok(run)
}

/// Why a run could not finish, as staff read it (the log has the rest).
#[derive(Debug, thiserror::Error)]
enum WorkError {
    #[error("the bank's register could not be read: {0:#}")]
    Bank(anyhow::Error),
    #[error("the run failed; the server log has the details")]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for WorkError {
    fn from(e: sqlx::Error) -> Self {
        WorkError::Internal(e.into())
    }
}

async fn work(
    state: &AppState,
    run: ReconciliationRunId,
    day: Date,
    bounds: Day,
    grace: Duration,
) -> Result<bool, WorkError> {
    let reach_end = bounds.end + grace;
    let ids = db::recorded_between(&state.db, bounds.start - grace, reach_end).await?;
    let mut ops: Vec<GatewayOp> = db::facts(&state.db, &ids).await?.into_iter().map(GatewayOp::new).collect();
    let from = matcher::fetch_from(&bounds, grace, &ops);
    let register = state.acquirer.register(from, reach_end).await.map_err(WorkError::Bank)?;
    if !alive(state, run).await? {
        return Ok(false);
    }
    // The operations the register names that the day's own did not include.
    let known: HashSet<&str> = ops.iter().map(|op| op.facts.acquirer_reference.as_str()).collect();
    let mut unknown: Vec<String> =
        register.iter().map(|l| l.reference.as_str()).filter(|r| !known.contains(r)).map(str::to_owned).collect();
    unknown.sort_unstable();
    unknown.dedup();
    ops.extend(db::facts_by_reference(&state.db, &unknown).await?.into_iter().map(GatewayOp::new));

    let tally = matcher::reconcile(&bounds, &register, &ops);
    let mut counts = Counts { bank_lines: tally.bank_lines, matched: tally.matched, ..Counts::default() };
    let mut found = Vec::with_capacity(tally.findings.len());
    for finding in tally.findings {
        let (finding, kind, settled) = match finding.verdict {
            Verdict::AwaitsAnswer => {
                let (finding, kind, settled) = recover(state, finding, day).await?;
                if !alive(state, run).await? {
                    return Ok(false);
                }
                (finding, kind, settled)
            }
            Verdict::Mismatch(kind) => (finding, kind, false),
            Verdict::Matched => continue,
        };
        if settled {
            counts.settled += 1;
        } else {
            counts.mismatched += 1;
        }
        found.push(to_found(finding, kind, settled));
    }
    Ok(db::complete_run(&state.db, run, day, &found, counts, state.clock.now()).await?)
}

async fn alive(state: &AppState, run: ReconciliationRunId) -> sqlx::Result<bool> {
    db::heartbeat(&state.db, run, state.clock.now() + LEASE).await
}

/// An operation that still waits for the answer the register holds: settled now through the
/// settlement worker's own path (its claim, its question to the bank, its outcome), then judged
/// again. What it cannot settle (not `processing`, not yet due, claimed by a pass, the bank
/// silent) stays a status difference for a person or a later run.
async fn recover(state: &AppState, finding: Finding, day: Date) -> anyhow::Result<(Finding, DiscrepancyKind, bool)> {
    let unsettled = |f: Finding| Ok((f, DiscrepancyKind::StatusDiffers, false));
    let (Some((op, _)), Some(line)) = (&finding.gateway, &finding.bank) else { return unsettled(finding) };
    if op.facts.status != OperationStatus::Processing {
        return unsettled(finding);
    }
    let id = op.facts.id;
    match settlement::settle_one(state, id).await {
        Ok(Some(_)) => {}
        Ok(None) => return unsettled(finding),
        Err(e) => {
            tracing::warn!(error = ?e, operation = %id, "reconciliation could not settle the operation");
            return unsettled(finding);
        }
    }
    let Some(now) = db::facts(&state.db, &[id]).await?.pop() else { return unsettled(finding) };
    let op = GatewayOp::new(now);
    let verdict = matcher::judge(line, Some(&op));
    let expected = op.expects(line.kind).cloned();
    let status = op.facts.status;
    let finding = Finding { gateway: Some((op, expected)), ..finding };
    if verdict != Verdict::Matched {
        let kind = match verdict {
            Verdict::Mismatch(kind) => kind,
            _ => DiscrepancyKind::StatusDiffers,
        };
        return Ok((finding, kind, false));
    }
    let entry = store::audit::Entry {
        action: "reconciliation.settled",
        target_type: Some("operation"),
        target_id: Some(id.to_string()),
        organization: finding.gateway.as_ref().map(|(op, _)| op.facts.organization_id),
        details: serde_json::json!({
            "day": day.to_string(), "reference": finding.reference, "type": booking_type(finding.kind), "status": status,
        }),
        ..Default::default()
    };
    store::audit::record(&state.db, entry).await?;
    Ok((finding, DiscrepancyKind::StatusDiffers, true))
}

/// A finding as the discrepancy records it: both sides' figures.
fn to_found(f: Finding, kind: DiscrepancyKind, settled: bool) -> Found {
    let bank = f.bank.map(|l| BankSide {
        amount: l.amount,
        currency: l.currency,
        status: if l.approved { "approved" } else { "declined" }.to_owned(),
        bank_transaction_id: l.bank_transaction_id,
        booked_at: l.booked_at,
    });
    let gateway = f.gateway.map(|(op, expected)| {
        let first = op.expected.first().is_some_and(|e| e.kind == f.kind);
        let amount = match expected.as_ref().map(|e| &e.expect) {
            Some(Expect::Approved { amount, .. }) => Some(*amount),
            // What the operation asked for, where this is the booking it asked for first.
            Some(_) if first => Some(op.facts.amount),
            _ => None,
        };
        GatewaySide {
            operation_id: op.facts.id,
            operation_type: op.facts.kind,
            organization_id: op.facts.organization_id,
            organization_name: op.facts.organization_name,
            status: op.facts.status,
            amount,
            bank_transaction_id: op.facts.bank_transaction_id,
            recorded_at: expected.and_then(|e| e.recorded_at),
        }
    });
    Found { reference: f.reference, booking: booking_type(f.kind), kind, settled, bank, gateway }
}
