//! The payment flows: creating payments, payouts and refunds, and applying the bank's answers.
//! Recovery points: before any bank call the operation is committed in a state the settlement
//! worker resolves (`processing`, with a next check after the connector's timeout), and no
//! connection or row lock is held during the call. A crash anywhere leaves the operation for the
//! worker, which asks the bank by (reference, type), never lost or charged twice.

pub mod claim;
pub mod holds;
pub mod objects;
pub mod payments;
pub mod payouts;
pub mod refunds;
pub mod velocity;

use shared::{OperationStatus as S, OperationType as T};
use sqlx::{Postgres, Transaction};
use time::Duration;

use self::claim::Claim;
use crate::acquirer::{BookingKind, Outcome};
use crate::db::operations::{self, Change, OperationRow};
use crate::db::{self};
use crate::state::AppState;

/// Who moves money on an operation: for the idempotency key and the audit trail.
pub enum By<'a> {
    /// The payment API, under an idempotency key.
    Api(&'a Claim),
    /// A cabinet user (their transitions are guarded by the operation's state, not by a key).
    User { id: shared::ids::UserId, ip: Option<std::net::IpAddr> },
    /// The hold-expiry worker, which claimed the hold by moving its expiry to this lease.
    Expiry { claimed: time::OffsetDateTime },
}

impl<'a> By<'a> {
    /// In the operation's transaction: attaches the API's idempotency key (whose answer is then
    /// saved with the outcome: the claim is returned) and audits the action.
    pub async fn record(
        &self,
        tx: &mut Transaction<'_, Postgres>,
        organization: shared::ids::OrganizationId,
        operation: shared::ids::OperationId,
        action: &str,
        details: serde_json::Value,
    ) -> Result<Option<&'a Claim>, crate::error::ApiError> {
        let (user, ip) = match self {
            By::Api(claim) => {
                claim.attach(&mut **tx, Some(operation)).await?;
                claim.audit(&mut **tx, action, &operation.to_string(), details).await?;
                return Ok(Some(*claim));
            }
            By::User { id, ip } => (Some(*id), *ip),
            By::Expiry { .. } => (None, None),
        };
        let entry = db::audit::Entry {
            actor_user: user,
            action,
            target_type: Some("operation"),
            target_id: Some(operation.to_string()),
            organization: Some(organization),
            ip,
            details,
            ..Default::default()
        };
        db::audit::record(&mut **tx, entry).await?;
        Ok(None)
    }
}

/// The webhook event a transition announces, if any (api-contract.md, Notifications).
pub fn event_type(kind: T, to: S) -> Option<&'static str> {
    match (kind, to) {
        (T::Ecom | T::Aft, S::Authentication) => Some("payment.authentication_required"),
        (T::Ecom | T::Aft, S::Authorized) => Some("payment.authorized"),
        (T::Ecom | T::Aft, S::Canceled) => Some("payment.canceled"),
        (T::Ecom | T::Aft, S::Succeeded) => Some("payment.succeeded"),
        (T::Ecom | T::Aft, S::Failed) => Some("payment.failed"),
        (T::Ecom | T::Aft, S::PartiallyRefunded | S::Refunded) => Some("payment.refunded"),
        (T::Refund, S::Succeeded) => Some("refund.succeeded"),
        (T::Refund, S::Failed) => Some("refund.failed"),
        (T::Oct, S::Succeeded) => Some("payout.succeeded"),
        (T::Oct, S::Failed) => Some("payout.failed"),
        _ => None,
    }
}

/// Moves an operation (locked in `tx`) and writes its event with the object as it now stands.
pub async fn move_to(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    row: &OperationRow,
    to: S,
    change: Change,
) -> anyhow::Result<OperationRow> {
    let now = state.clock.now();
    let mut updated = operations::transition(tx, row, to, change, now).await?;
    // The money effect of the move, posted in its transaction (a charge, a capture, a refund
    // or a payout that succeeds).
    crate::ledger::post_operation(tx, row.status, &updated, now).await?;
    if let Some(saved) = updated.card_token_id.filter(|_| !updated.recurring && updated.kind != T::Refund) {
        // The card this payment saved becomes a token once the bank approves the payment (it
        // succeeds, or its amount is held); if it fails, the card goes, and no other token is
        // touched. A hold's capture or release leaves the token as the hold left it.
        let approved_now =
            matches!(to, S::Succeeded | S::Authorized) && row.status != S::Authorized && row.hold_step.is_none();
        let stands = match to {
            _ if approved_now => Some(db::card_tokens::activate(tx, saved).await?),
            S::Failed => None,
            _ => Some(saved),
        };
        if stands != Some(saved) {
            sqlx::query("UPDATE operations SET card_token_id = $2 WHERE id = $1")
                .bind(updated.id)
                .bind(stands)
                .execute(&mut **tx)
                .await?;
            db::card_tokens::discard_pending(tx, saved).await?;
        }
        if approved_now || to == S::Failed {
            updated = operations::lock(tx, updated.id).await?.ok_or_else(|| anyhow::anyhow!("operation vanished"))?;
        }
    }
    if let Some(event) = event_type(updated.kind, to) {
        let data = objects::to_json(&updated, &state.public_url);
        operations::insert_event(tx, updated.organization_id, Some(updated.id), event, data, now).await?;
    }
    if updated.kind == T::Oct && matches!(to, S::Succeeded | S::Failed) {
        // The payout's card number was kept sealed only until it is final.
        db::sealed_cards::erase(&mut **tx, updated.id).await?;
    }
    Ok(updated)
}

/// When the settlement worker first looks at an operation whose bank call is about to start:
/// after the request has had time to commit it, call the bank (which the connector gives up on
/// after its timeout) and wait for a connection to record the answer. Called right before the
/// operation's insert.
pub fn first_check(state: &AppState) -> time::OffsetDateTime {
    let s = &state.settings;
    let waits = s.acquirer.timeout_seconds + 2 * s.database.acquire_timeout_seconds;
    state.clock.now() + Duration::seconds(waits as i64 + s.payments.settle_delay_seconds.max(1))
}

/// Applies the bank's answer to an operation, and saves the answer of the request that holds
/// `claim` in the same transaction. Answers for an operation that has already moved on are
/// ignored, so applying the same answer twice changes nothing.
pub async fn apply_outcome(
    state: &AppState,
    id: shared::ids::OperationId,
    answered: BookingKind,
    outcome: Outcome,
    claim: Option<&Claim>,
) -> anyhow::Result<OperationRow> {
    let mut tx = state.db.begin().await?;
    let row = operations::lock(&mut tx, id).await?.ok_or_else(|| anyhow::anyhow!("operation {id} not found"))?;
    let updated = apply_locked(state, &mut tx, row, answered, outcome).await?;
    if let Some(claim) = claim {
        let answer = objects::answer(&updated, &state.public_url);
        claim.complete(&mut *tx, claim.success, &answer, state.clock.now()).await?;
    }
    tx.commit().await?;
    Ok(updated)
}

/// [`apply_outcome`] for an operation the caller has already locked in `tx`. `answered` is the
/// booking the answer is about: an answer about any other booking than the one the operation
/// now waits for (a late answer to a hold whose capture is already at the bank) changes nothing.
pub async fn apply_locked(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    row: OperationRow,
    answered: BookingKind,
    outcome: Outcome,
) -> anyhow::Result<OperationRow> {
    let now = state.clock.now();
    let awaiting = matches!(row.status, S::Created | S::Authentication | S::Processing);
    if !awaiting {
        return Ok(row);
    }
    let waits_for = pending_booking(&row);
    if answered != waits_for {
        tracing::warn!(operation = %row.id, ?answered, ?waits_for, "an answer about another booking than the one awaited; ignored");
        return Ok(row);
    }
    if let Some(step) = row.hold_step {
        return holds::apply_step(state, tx, row, step, outcome).await;
    }
    let bank = Some(state.acquirer.bank_name().to_owned());
    let updated = match outcome {
        Outcome::Approved { bank_transaction_id } => {
            let change = Change {
                bank_name: bank,
                bank_transaction_id: Some(bank_transaction_id),
                executed_at: Some(now),
                ..Default::default()
            };
            // A two-stage payment's approval is a hold: it waits for its capture or cancel.
            let (to, change) = if row.kind.is_payment() && !row.capture {
                let days = Duration::days(state.settings.payments.hold_days);
                (S::Authorized, Change { hold_expires_at: Some(now + days), ..change })
            } else {
                (S::Succeeded, change)
            };
            let done = move_to(state, tx, &row, to, change).await?;
            if done.kind == T::Refund {
                refunds::settle_parent(state, tx, &done, true).await?;
            }
            done
        }
        Outcome::Declined { code, message } => {
            // The bank's decline of a voided reference: the request never reached it in time.
            let (code, message) = if code == "voided" {
                (
                    "bank_unavailable".to_owned(),
                    "The bank did not receive the payment; the card was not charged.".to_owned(),
                )
            } else {
                (code, message)
            };
            let change =
                Change { bank_name: bank, error: Some((code, message)), executed_at: Some(now), ..Default::default() };
            let done = move_to(state, tx, &row, S::Failed, change).await?;
            if done.kind == T::Refund {
                refunds::settle_parent(state, tx, &done, false).await?;
            }
            done
        }
        // The first answer to an authorization (a processing payment whose challenge code was
        // never sent: `action_expires_at` is empty until then).
        Outcome::ChallengeRequired
            if row.status == S::Created || (row.status == S::Processing && row.action_expires_at.is_none()) =>
        {
            let expires = now + Duration::minutes(state.settings.payments.authentication_timeout_minutes);
            move_to(
                state,
                tx,
                &row,
                S::Authentication,
                Change { action_expires_at: Some(expires), ..Default::default() },
            )
            .await?
        }
        Outcome::ChallengeRequired if row.status == S::Authentication => row,
        Outcome::ChallengeRequired => anyhow::bail!("the bank asked for a challenge in status {}", row.status),
        // Unknown here (never asked of a first call) waits like Pending; settlement resolves it.
        Outcome::Pending | Outcome::Unknown => {
            let next = Some(now + Duration::seconds(state.settings.payments.settle_delay_seconds));
            if row.status == S::Processing {
                sqlx::query("UPDATE operations SET next_settle_at = $2 WHERE id = $1")
                    .bind(row.id)
                    .bind(next)
                    .execute(&mut **tx)
                    .await?;
                row
            } else {
                move_to(state, tx, &row, S::Processing, Change { next_settle_at: next, ..Default::default() }).await?
            }
        }
    };
    Ok(updated)
}

/// What the bank books first for an operation: a payment's debit or hold, a payout's credit,
/// a refund.
pub fn first_booking(row: &OperationRow) -> BookingKind {
    match row.kind {
        T::Oct => BookingKind::Credit,
        T::Refund => BookingKind::Refund,
        T::Ecom | T::Aft => payment_booking(row.capture),
    }
}

/// What a payment books first: a debit, or a hold when it is two-stage (`capture: false`).
pub fn payment_booking(capture: bool) -> BookingKind {
    if capture { BookingKind::Debit } else { BookingKind::Hold }
}

/// The booking an operation waits for the bank's answer to: its hold's capture or release while
/// one is at the bank, else its first booking.
pub fn pending_booking(row: &OperationRow) -> BookingKind {
    match row.hold_step {
        Some(operations::HoldStep::Capture) => BookingKind::Capture,
        Some(operations::HoldStep::Release) => BookingKind::Release,
        None => first_booking(row),
    }
}

/// A failure to reach the bank is not a decline: the operation waits for the settlement worker.
pub fn outcome_or_pending(result: anyhow::Result<Outcome>) -> Outcome {
    result.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "acquirer call failed; the operation will be settled by a status query");
        Outcome::Pending
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_a_transition_announces_can_be_listed_and_filtered() {
        let mut announced = std::collections::BTreeSet::new();
        for kind in T::ALL {
            for to in S::ALL {
                if let Some(event) = event_type(*kind, *to) {
                    assert!(crate::payment_api::events::TYPES.contains(&event), "{event} is not a listed type");
                    announced.insert(event);
                }
            }
        }
        let listed: std::collections::BTreeSet<_> =
            crate::payment_api::events::TYPES.into_iter().filter(|t| *t != "test.webhook").collect();
        assert_eq!(announced, listed, "each listed type but the cabinet's test is announced by some transition");
        assert_eq!(event_type(T::Ecom, S::Authorized), Some("payment.authorized"));
        assert_eq!(event_type(T::Aft, S::Canceled), Some("payment.canceled"));
        assert_eq!(event_type(T::Oct, S::Authorized), None);
    }
}
