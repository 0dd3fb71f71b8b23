//! Two-stage payments (api-contract.md, «Two-stage payments»): a payment created with
//! `"capture": false` ends its bank step `authorized`, its amount held on the card. Then one of
//! three things ends the hold: a capture (all or part, once; the bank releases the rest), a
//! cancel, or the expiry worker once the hold is `payments.hold_days` old.
//!
//! Each starts the same way, under the payment's row lock: the payment must still be
//! `authorized`; it moves to `processing` with the step it sends (`hold_step`), and that commits
//! before the bank is called. So of a capture, a cancel and the expiry racing each other exactly
//! one moves the payment on; the others find it `processing` (`422 invalid_state`). A crash after
//! the commit leaves the step to the settlement worker, which asks the bank by (reference, step)
//! and sends a step the bank never received again: the bank books each (reference, type) once.

use futures_util::StreamExt;
use shared::ids::{OperationId, OrganizationId};
use shared::{Amount, ErrorCode, OperationStatus as S, OperationType as T};
use sqlx::{Postgres, Transaction};
use time::{Duration, OffsetDateTime};

use super::{By, apply_outcome, first_check, move_to, outcome_or_pending};
use crate::acquirer::{BookingKind, Outcome};
use crate::db::operations::{self, Change, HoldStep, OperationRow};
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /payments/{id}/capture`: takes `amount` (all of the hold when omitted) of an
/// authorized payment of `org`.
pub async fn capture(
    state: &AppState,
    org: OrganizationId,
    id: OperationId,
    amount: Option<Amount>,
    by: By<'_>,
) -> Result<OperationRow, ApiError> {
    end(state, org, id, HoldStep::Capture, amount, by).await
}

/// `POST /payments/{id}/cancel`: releases the whole hold of an authorized payment of `org`.
pub async fn cancel(
    state: &AppState,
    org: OrganizationId,
    id: OperationId,
    by: By<'_>,
) -> Result<OperationRow, ApiError> {
    end(state, org, id, HoldStep::Release, None, by).await
}

async fn end(
    state: &AppState,
    org: OrganizationId,
    id: OperationId,
    step: HoldStep,
    amount: Option<Amount>,
    by: By<'_>,
) -> Result<OperationRow, ApiError> {
    let mut tx = state.db.begin().await?;
    // The payment must be this organization's (another's is a 404, never a 403).
    if operations::get(&mut *tx, org, id, &[T::Ecom, T::Aft]).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let row = operations::lock(&mut tx, id).await?.ok_or_else(ApiError::not_found)?;
    // The expiry releases only a hold it still holds the claim of.
    let expired_claim_lost = matches!(by, By::Expiry { claimed } if row.hold_expires_at != Some(claimed));
    if row.status != S::Authorized || expired_claim_lost {
        let verb = if step == HoldStep::Capture { "captured" } else { "canceled" };
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("A payment in status {} cannot be {verb}; only an authorized payment can.", row.status),
        ));
    }
    let amount = match step {
        HoldStep::Capture => {
            let amount = amount.unwrap_or(row.amount);
            if amount > row.amount {
                return Err(ApiError::with_param(
                    ErrorCode::CaptureExceedsAuthorization,
                    format!("At most the authorized {} can be captured.", row.amount),
                    "amount",
                ));
            }
            Some(amount)
        }
        HoldStep::Release => None,
    };
    let row = begin(state, &mut tx, &row, step, amount).await?;
    let action = if step == HoldStep::Capture { "payment.capture" } else { "payment.cancel" };
    let details = serde_json::json!({"amount": amount, "authorized": row.amount, "currency": row.currency});
    let action = if matches!(by, By::Expiry { .. }) { "payment.hold_expired" } else { action };
    let claim = by.record(&mut tx, row.organization_id, row.id, action, details).await?;
    crate::db::commit(tx).await?;
    let outcome = outcome_or_pending(send(state, &row).await);
    Ok(apply_outcome(state, id, step_booking(step), outcome, claim).await?)
}

/// The booking a hold's step makes at the bank.
pub fn step_booking(step: HoldStep) -> BookingKind {
    match step {
        HoldStep::Capture => BookingKind::Capture,
        HoldStep::Release => BookingKind::Release,
    }
}

/// Moves a locked authorized payment to `processing` with the step it sends to the bank. The
/// hold's expiry is kept, so a step the bank declines leaves the hold as it was.
async fn begin(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    row: &OperationRow,
    step: HoldStep,
    amount: Option<Amount>,
) -> anyhow::Result<OperationRow> {
    let change = Change {
        next_settle_at: Some(first_check(state)),
        hold_step: Some((step, amount)),
        hold_expires_at: row.hold_expires_at,
        ..Default::default()
    };
    move_to(state, tx, row, S::Processing, change).await
}

/// Sends the hold's step of a payment to the bank (again, when it was lost: the bank books each
/// (reference, type) once).
pub async fn send(state: &AppState, row: &OperationRow) -> anyhow::Result<Outcome> {
    let reference = row.acquirer_reference.as_str();
    match (row.hold_step, row.hold_step_amount) {
        (Some(HoldStep::Capture), Some(amount)) => state.acquirer.capture(reference, amount).await,
        (Some(HoldStep::Release), _) => state.acquirer.release(reference).await,
        _ => anyhow::bail!("payment {} has no hold step to send", row.id),
    }
}

/// Applies the bank's answer to a hold's step (the payment is locked in `tx`).
pub async fn apply_step(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    row: OperationRow,
    step: HoldStep,
    outcome: Outcome,
) -> anyhow::Result<OperationRow> {
    let now = state.clock.now();
    match (step, outcome) {
        (HoldStep::Capture, Outcome::Approved { .. }) => {
            let amount = row.hold_step_amount.ok_or_else(|| anyhow::anyhow!("a capture without its amount"))?;
            // The tariff fixed at creation, applied to what was captured.
            let tariff_id = row.tariff_id.ok_or_else(|| anyhow::anyhow!("payment {} has no tariff", row.id))?;
            let tariff = crate::db::organizations::tariff(&mut **tx, tariff_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("tariff {tariff_id} vanished"))?;
            let change = Change {
                captured: Some((amount, tariff.fee_for(amount))),
                executed_at: Some(now),
                ..Default::default()
            };
            move_to(state, tx, &row, S::Succeeded, change).await
        }
        (HoldStep::Release, Outcome::Approved { .. }) => {
            // A release after a declined capture keeps the capture's decline as the reason.
            let error = row.error_code.clone().zip(row.error_message.clone());
            move_to(state, tx, &row, S::Canceled, Change { error, executed_at: Some(now), ..Default::default() }).await
        }
        // The bank had released the hold already: nothing can be captured any more.
        (HoldStep::Capture, Outcome::Declined { code, message }) if code == "authorization_released" => {
            let change = Change { error: Some((code, message)), executed_at: Some(now), ..Default::default() };
            move_to(state, tx, &row, S::Canceled, change).await
        }
        // The bank books each (reference, type) once, a decline too: this hold can never be
        // captured now. Release it (the settlement worker sends the release at once), so the
        // card is not left blocked; the payment ends `canceled`, and keeps why.
        (HoldStep::Capture, Outcome::Declined { code, message }) => {
            tracing::error!(operation = %row.id, %code, %message, "the bank declined a capture; releasing the hold");
            sqlx::query(
                "UPDATE operations SET hold_step = 'release', hold_step_amount = NULL, error_code = $2, error_message = $3,
                        next_settle_at = $4, updated_at = $4 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&code)
            .bind(format!("The bank declined the capture: {message}"))
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(operations::lock(tx, row.id).await?.ok_or_else(|| anyhow::anyhow!("operation vanished"))?)
        }
        // A release the bank refuses (its hold is gone or was captured behind our back) cannot
        // be settled by the code: the payment waits in `processing` for a person, asked about
        // again hourly, and the log says why.
        (HoldStep::Release, Outcome::Declined { code, message }) => {
            tracing::error!(operation = %row.id, %code, %message, "the bank declined a release; the payment needs a person");
            sqlx::query(
                "UPDATE operations SET error_code = $2, error_message = $3, next_settle_at = $4, updated_at = $5 WHERE id = $1",
            )
            .bind(row.id)
            .bind(&code)
            .bind(&message)
            .bind(now + Duration::hours(1))
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(operations::lock(tx, row.id).await?.ok_or_else(|| anyhow::anyhow!("operation vanished"))?)
        }
        (_, Outcome::ChallengeRequired) => anyhow::bail!("the bank asked for a challenge on a hold's {step:?}"),
        (_, Outcome::Pending | Outcome::Unknown) => {
            let next = now + Duration::seconds(state.settings.payments.settle_delay_seconds);
            sqlx::query("UPDATE operations SET next_settle_at = $2 WHERE id = $1")
                .bind(row.id)
                .bind(next)
                .execute(&mut **tx)
                .await?;
            Ok(row)
        }
    }
}

/// Releases the holds not captured in time (`payments.hold_days`): each payment becomes
/// `canceled` as a cancel would make it. Rows are claimed by moving their expiry to a lease
/// (`FOR UPDATE SKIP LOCKED`), so nodes share the work, a hold whose release failed is tried
/// again after its lease and never holds the others up. Returns how many were claimed.
pub async fn release_expired(state: &AppState, batch: i64) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let s = &state.settings;
    let lease = now
        + Duration::seconds(
            2 * (s.acquirer.timeout_seconds + s.database.acquire_timeout_seconds) as i64
                + s.payments.settle_delay_seconds.max(1),
        );
    let due: Vec<(OperationId, OrganizationId, OffsetDateTime)> = sqlx::query_as(
        "UPDATE operations SET hold_expires_at = $2
          WHERE id IN (SELECT id FROM operations WHERE status = 'authorized' AND hold_expires_at <= $1
                        ORDER BY hold_expires_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, organization_id, hold_expires_at",
    )
    .bind(now)
    .bind(lease)
    .bind(batch)
    .fetch_all(&state.db)
    .await?;
    let claimed = due.len();
    futures_util::stream::iter(due)
        .for_each_concurrent(s.workers.settlement_concurrency.max(1), |(id, org, claimed)| async move {
            match end(state, org, id, HoldStep::Release, None, By::Expiry { claimed }).await {
                // Captured or canceled meanwhile: that one won.
                Ok(_) | Err(ApiError::Client { code: ErrorCode::InvalidState, .. }) => {}
                Err(e) => {
                    tracing::warn!(error = ?e, operation = %id, "could not release an expired hold; trying again after its lease")
                }
            }
        })
        .await;
    Ok(claimed)
}
