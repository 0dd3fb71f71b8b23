//! Background settlement: asks the bank about operations it left without an answer, and ends
//! payer steps that ran out of time. Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several
//! app nodes can share the work.

use shared::ids::OperationId;
use shared::{OperationStatus as S, OperationType as T};
use time::Duration;

use super::{apply_outcome, move_to, outcome_or_pending};
use crate::acquirer::{BookingKind, Outcome, RefundRequest};
use crate::db::operations::{self, Change};
use crate::state::AppState;

const BATCH: i64 = 100;

/// Asks the bank about every `processing` operation that is due; returns how many were asked.
pub async fn settle_due(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let retry = now + Duration::seconds(state.settings.payments.settle_delay_seconds.max(1));
    // Claim by pushing the next attempt forward, so another node skips these rows.
    let due: Vec<(OperationId, T, String)> = sqlx::query_as(
        "UPDATE operations SET next_settle_at = $2
          WHERE id IN (SELECT id FROM operations WHERE status = 'processing' AND next_settle_at <= $1
                        ORDER BY next_settle_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, type, acquirer_reference",
    )
    .bind(now)
    .bind(retry)
    .bind(BATCH)
    .fetch_all(&state.db)
    .await?;
    for (id, kind, reference) in &due {
        let outcome = match resolve(state, *id, *kind, reference).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::warn!(error = ?e, operation = %id, "the bank could not be asked; trying again later");
                Outcome::Pending
            }
        };
        if let Err(e) = apply_outcome(state, *id, outcome).await {
            tracing::error!(error = ?e, operation = %id, kind = %kind, "settlement failed");
        }
    }
    Ok(due.len())
}

/// The kind the bank booked an operation under.
pub fn booking_kind(kind: T) -> BookingKind {
    match kind {
        T::Oct => BookingKind::Credit,
        T::Refund => BookingKind::Refund,
        T::Ecom | T::Aft => BookingKind::Debit,
    }
}

/// Learns how the bank ended an operation. What the bank never received is settled by the
/// contract's rule: a payment is voided (it cannot be sent again without the CVC) and fails with
/// `bank_unavailable`; a refund is sent again under the same reference.
async fn resolve(state: &AppState, id: OperationId, kind: T, reference: &str) -> anyhow::Result<Outcome> {
    let booking = booking_kind(kind);
    let outcome = state.acquirer.status(reference, booking).await?;
    if outcome != Outcome::Unknown {
        return Ok(outcome);
    }
    match kind {
        T::Ecom | T::Aft => Ok(match state.acquirer.void(reference, booking).await? {
            Outcome::Declined { code, .. } if code == "voided" => Outcome::Declined {
                code: "bank_unavailable".to_owned(),
                message: "The bank did not receive the payment; the card was not charged.".to_owned(),
            },
            other => other,
        }),
        T::Refund => {
            let refund =
                operations::find(&state.db, id).await?.ok_or_else(|| anyhow::anyhow!("refund {id} vanished"))?;
            let parent = refund.parent_id.ok_or_else(|| anyhow::anyhow!("refund {id} without a payment"))?;
            let payment = operations::find(&state.db, parent)
                .await?
                .ok_or_else(|| anyhow::anyhow!("payment {parent} vanished"))?;
            let sent = state
                .acquirer
                .refund(RefundRequest {
                    reference,
                    payment_reference: &payment.acquirer_reference,
                    amount: refund.amount,
                    currency: &refund.currency,
                })
                .await;
            Ok(outcome_or_pending(sent))
        }
        // The payout's card number is not kept, so it cannot be sent again yet: it waits.
        T::Oct => Ok(Outcome::Pending),
    }
}

/// Fails payments whose payer step expired: an open 3-D Secure challenge
/// (`authentication_timeout`) or an unpaid hosted page (`payment_expired`).
pub async fn expire_payer_steps(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let due: Vec<OperationId> = sqlx::query_scalar(
        "SELECT id FROM operations WHERE status IN ('created', 'authentication') AND action_expires_at <= $1
          ORDER BY action_expires_at LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(&state.db)
    .await?;
    let mut expired = 0;
    for id in due {
        let mut tx = state.db.begin().await?;
        let Some(row) = operations::lock(&mut tx, id).await? else { continue };
        let still_due = row.action_expires_at.is_some_and(|t| t <= now);
        let error = match row.status {
            S::Authentication => ("authentication_timeout", "The 3-D Secure challenge was not completed in time."),
            S::Created => ("payment_expired", "The payment page expired before the payer paid."),
            _ => continue,
        };
        if !still_due {
            continue;
        }
        let change = Change {
            error: Some((error.0.to_owned(), error.1.to_owned())),
            executed_at: Some(now),
            ..Default::default()
        };
        move_to(state, &mut tx, &row, S::Failed, change).await?;
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Drops idempotency records past their retention.
pub async fn purge_idempotency(state: &AppState) -> anyhow::Result<u64> {
    let retention = Duration::hours(state.settings.payments.idempotency_retention_hours);
    Ok(crate::db::idempotency::purge(&state.db, state.clock.now(), retention).await?)
}
