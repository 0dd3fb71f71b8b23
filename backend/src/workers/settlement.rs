//! Settlement: asks the bank about every `processing` operation that is due, by (reference,
//! type), and ends it as the bank booked it. What the bank never received is settled by the
//! contract's rule: a payment is voided (it cannot be sent again without the CVC) and fails with
//! `bank_unavailable`; a refund, a payout, or a hold's capture or release is sent again under
//! the same reference and type. Rows are
//! claimed by pushing their next check forward, so several nodes share the work and none
//! settles a row twice at once. Reconciliation settles one operation early the same way
//! ([`settle_one`]) when the bank's register already holds its answer.

use futures_util::StreamExt;
use shared::OperationType as T;
use shared::ids::OperationId;
use time::{Duration, OffsetDateTime};

use crate::acquirer::{AuthorizeRequest, BookingKind, Outcome, RefundRequest};
use crate::db::operations::{self, HoldStep, OperationRow};
use crate::operations::payouts::sealed_card_aad;
use crate::operations::{apply_outcome, first_booking, holds, outcome_or_pending};
use crate::state::AppState;

#[derive(sqlx::FromRow)]
struct Due {
    id: OperationId,
    #[sqlx(rename = "type")]
    kind: T,
    acquirer_reference: String,
    action_expires_at: Option<OffsetDateTime>,
}

/// One pass: claims as many due operations as it settles at once (so each claim outlives its
/// work) and settles them; returns how many. The worker runs another pass at once when the
/// claim was full.
pub async fn settle_due(state: &AppState) -> anyhow::Result<usize> {
    let batch = state.settings.workers.settlement_concurrency.max(1);
    let due = claim(state, None, batch).await?;
    let count = due.len();
    futures_util::stream::iter(due)
        .for_each_concurrent(batch, |op| async move {
            let (booking, outcome) = match resolve(state, &op).await {
                Ok(answer) => answer,
                Err(e) => {
                    // The claim above already set the next check.
                    tracing::warn!(error = ?e, operation = %op.id, "the bank could not be asked; trying again later");
                    return;
                }
            };
            if let Err(e) = apply_outcome(state, op.id, booking, outcome, None).await {
                tracing::error!(error = ?e, operation = %op.id, kind = %op.kind, "settlement failed");
            }
        })
        .await;
    Ok(count)
}

/// Settles one operation now, as a pass would: under the same claim (so never while a pass or
/// another node holds it, and only once it is due: the request that sent it has given up), by
/// the same question to the bank. `None` when it is not `processing`, not due or claimed.
pub async fn settle_one(state: &AppState, id: OperationId) -> anyhow::Result<Option<OperationRow>> {
    let Some(op) = claim(state, Some(id), 1).await?.pop() else { return Ok(None) };
    let (booking, outcome) = resolve(state, &op).await?;
    Ok(Some(apply_outcome(state, op.id, booking, outcome, None).await?))
}

/// Claims up to `batch` due operations (or just `only`) by pushing their next check forward.
async fn claim(state: &AppState, only: Option<OperationId>, batch: usize) -> anyhow::Result<Vec<Due>> {
    let now = state.clock.now();
    let s = &state.settings;
    // Long enough for a status query and a void or resend, each within the connector's timeout,
    // plus the connections they wait for.
    let retry = now
        + Duration::seconds(
            2 * (s.acquirer.timeout_seconds + s.database.acquire_timeout_seconds) as i64
                + s.payments.settle_delay_seconds.max(1),
        );
    Ok(sqlx::query_as(
        "UPDATE operations SET next_settle_at = $2
          WHERE id IN (SELECT id FROM operations WHERE status = 'processing' AND next_settle_at <= $1
                          AND ($4::uuid IS NULL OR id = $4)
                        ORDER BY next_settle_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING id, type, acquirer_reference, action_expires_at",
    )
    .bind(now)
    .bind(retry)
    .bind(batch as i64)
    .bind(only)
    .fetch_all(&state.db)
    .await?)
}

/// Learns how the bank ended an operation, sending again what it never received; answers with
/// the booking the outcome is about.
async fn resolve(state: &AppState, op: &Due) -> anyhow::Result<(BookingKind, Outcome)> {
    let row =
        operations::find(&state.db, op.id).await?.ok_or_else(|| anyhow::anyhow!("operation {} vanished", op.id))?;
    let reference = op.acquirer_reference.as_str();
    // A two-stage payment's capture or release at the bank: asked for by its own type, and sent
    // again when the bank never received it (it books each (reference, type) once).
    if let Some(step) = row.hold_step {
        let booking = match step {
            HoldStep::Capture => BookingKind::Capture,
            HoldStep::Release => BookingKind::Release,
        };
        let outcome = state.acquirer.status(reference, booking).await?;
        if outcome != Outcome::Unknown {
            return Ok((booking, outcome));
        }
        return Ok((booking, outcome_or_pending(holds::send(state, &row).await)));
    }
    let booking = first_booking(&row);
    let outcome = state.acquirer.status(reference, booking).await?;
    let payment = op.kind.is_payment();
    // A payment waits in `processing` with a challenge open at the bank only when the payer's
    // code never reached it (`action_expires_at` is kept when the code is sent).
    let code_lost = payment && outcome == Outcome::ChallengeRequired && op.action_expires_at.is_some();
    if outcome != Outcome::Unknown && !code_lost {
        return Ok((booking, outcome));
    }
    let outcome = match op.kind {
        // The void's decline (`voided`) reads `bank_unavailable` where outcomes are applied.
        T::Ecom | T::Aft => state.acquirer.void(reference, booking).await,
        T::Refund => {
            let parent = row.parent_id.ok_or_else(|| anyhow::anyhow!("refund {} without a payment", op.id))?;
            let payment = operations::find(&state.db, parent)
                .await?
                .ok_or_else(|| anyhow::anyhow!("payment {parent} vanished"))?;
            let sent = state
                .acquirer
                .refund(RefundRequest {
                    reference,
                    payment_reference: &payment.acquirer_reference,
                    amount: row.amount,
                    currency: &row.currency,
                })
                .await;
            Ok(outcome_or_pending(sent))
        }
        T::Oct => {
            let (ciphertext, nonce) = crate::db::sealed_cards::get(&state.db, op.id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("payout {} has no sealed card to send again", op.id))?;
            let card = crate::vault::open_bound(&state.keys, &ciphertext, &nonce, &sealed_card_aad(op.id))?;
            let sent = state
                .acquirer
                .authorize(AuthorizeRequest {
                    reference,
                    kind: BookingKind::Credit,
                    card: &card,
                    amount: row.amount,
                    currency: &row.currency,
                    recurring: row.recurring,
                })
                .await;
            Ok(outcome_or_pending(sent))
        }
    }?;
    Ok((booking, outcome))
}
