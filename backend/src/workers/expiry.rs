//! What ran out of time: an unpaid hosted page, an open 3-D Secure challenge, a two-stage
//! payment's hold that was never captured.

use shared::OperationStatus as S;
use shared::ids::OperationId;

use crate::acquirer::Outcome;
use crate::db::operations::{self, Change};
use crate::state::AppState;

const BATCH: i64 = 100;

/// A void's decline, as the payment's failure.
fn voided(outcome: Outcome, code: &str, message: &str) -> Outcome {
    match outcome {
        Outcome::Declined { code: c, .. } if c == "voided" => {
            Outcome::Declined { code: code.to_owned(), message: message.to_owned() }
        }
        other => other,
    }
}

/// Fails payments whose payer step expired. An unpaid hosted page (`created`, no card) never
/// reached the bank and fails with `payment_expired`. An open 3-D Secure challenge did reach it:
/// the challenge is voided at the bank first (so a late code is declined there too), then the
/// payment fails with `authentication_timeout`, or ends as the bank says if it had finished.
pub async fn expire_payer_steps(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clock.now();
    let due: Vec<(OperationId, S, String, bool)> = sqlx::query_as(
        "SELECT id, status, acquirer_reference, capture FROM operations
          WHERE status IN ('created', 'authentication') AND action_expires_at <= $1
          ORDER BY action_expires_at LIMIT $2",
    )
    .bind(now)
    .bind(BATCH)
    .fetch_all(&state.db)
    .await?;
    let mut expired = 0;
    for (id, status, reference, capture) in due {
        let outcome = if status == S::Authentication {
            match state.acquirer.void(&reference, crate::operations::payment_booking(capture)).await {
                Ok(o) => voided(o, "authentication_timeout", "The 3-D Secure challenge was not completed in time."),
                Err(e) => {
                    tracing::warn!(error = ?e, operation = %id, "could not void an expired challenge; trying again later");
                    continue;
                }
            }
        } else {
            Outcome::Declined {
                code: "payment_expired".to_owned(),
                message: "The payment page expired before the payer paid.".to_owned(),
            }
        };
        let mut tx = state.db.begin().await?;
        let Some(row) = operations::lock(&mut tx, id).await? else { continue };
        // Still waiting, still due, and no card sent meanwhile (a submit moves it on first).
        let still_due = row.status == status && row.action_expires_at.is_some_and(|t| t <= now);
        if !still_due || (status == S::Created && row.card_mask.is_some()) {
            continue;
        }
        match (status, outcome) {
            (S::Created, Outcome::Declined { code, message }) => {
                let change = Change { error: Some((code, message)), executed_at: Some(now), ..Default::default() };
                crate::operations::move_to(state, &mut tx, &row, S::Failed, change).await?;
            }
            (_, outcome) => {
                let booking = crate::operations::first_booking(&row);
                crate::operations::apply_locked(state, &mut tx, row, booking, outcome).await?;
            }
        }
        tx.commit().await?;
        expired += 1;
    }
    Ok(expired)
}

/// Releases the holds that were not captured in time; returns whether more may be due.
pub async fn release_expired_holds(state: &AppState) -> anyhow::Result<bool> {
    let released = crate::operations::holds::release_expired(state, BATCH).await?;
    Ok(released as i64 >= BATCH)
}
