//! Refunds: their own operations, linked to the payment. The payment's `refunded_amount`
//! reserves processing and counts succeeded refunds; a guarded UPDATE under a row lock, backed by
//! a CHECK constraint, keeps their sum within the payment however many arrive at once.

use shared::ids::{OperationId, OrganizationId};
use shared::{Amount, ErrorCode, OperationStatus as S, OperationType as T};
use sqlx::{Postgres, Transaction};

use super::{By, apply_outcome, first_check, move_to, outcome_or_pending};
use crate::acquirer::{BookingKind, RefundRequest};
use crate::db::operations::{self, Change, NewOperation, OperationRow};
use crate::error::ApiError;
use crate::state::AppState;

/// What a refund request asks for.
pub struct RefundInput {
    pub amount: Option<Amount>,
    pub reason: Option<String>,
    /// The payment's `refunded_amount` as the person asking saw it (the cabinet): a refund
    /// made meanwhile (a double submit, a colleague) refuses this one with `409 conflict`.
    pub seen_refunded: Option<Amount>,
}

pub async fn create(
    state: &AppState,
    org: OrganizationId,
    payment_id: OperationId,
    input: RefundInput,
    by: By<'_>,
) -> Result<OperationRow, ApiError> {
    let RefundInput { amount, reason, seen_refunded } = input;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // The payment must be this organization's; payouts cannot be refunded.
    let exists = operations::get(&mut *tx, org, payment_id, &[T::Ecom, T::Aft]).await?;
    if exists.is_none() {
        return Err(ApiError::not_found());
    }
    let payment = operations::lock(&mut tx, payment_id).await?.ok_or_else(ApiError::not_found)?;
    if !matches!(payment.status, S::Succeeded | S::PartiallyRefunded) {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            format!("A payment in status {} cannot be refunded.", payment.status),
        ));
    }
    if seen_refunded.is_some_and(|seen| seen != payment.refunded_amount) {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "The payment was refunded meanwhile; look at it again before refunding more.",
        ));
    }
    // Refunds return what was captured, never more.
    let remaining = payment.refundable();
    let amount = amount.unwrap_or(remaining);
    let exceeds = || {
        ApiError::with_param(
            ErrorCode::RefundExceedsPayment,
            format!("At most {remaining} can still be refunded."),
            "amount",
        )
    };
    if amount.is_zero() {
        return Err(exceeds());
    }
    let reserved = sqlx::query(
        "UPDATE operations SET refunded_amount = refunded_amount + $2, updated_at = $3
          WHERE id = $1 AND status IN ('succeeded', 'partially_refunded') AND refunded_amount + $2 <= coalesce(captured_amount, amount)",
    )
    .bind(payment_id)
    .bind(amount)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if reserved.rows_affected() != 1 {
        return Err(exceeds());
    }
    super::velocity::count(state, &mut tx, org, super::velocity::Kind::Refund, amount).await?;
    let id = OperationId::new();
    let op = NewOperation {
        id,
        organization_id: org,
        kind: T::Refund,
        parent_id: Some(payment_id),
        terminal_id: None,
        tariff_id: None,
        status: S::Processing,
        amount,
        currency: payment.currency.clone(),
        fee: Amount::ZERO,
        fee_service: Amount::ZERO,
        fee_bank: Amount::ZERO,
        order_id: payment.order_id.clone(),
        description: None,
        reason,
        card_mask: payment.card_mask.clone(),
        card_last4: payment.card_mask.as_ref().map(|m| m[m.len() - 4..].to_owned()),
        card_brand: payment.card_brand.clone(),
        card_holder: payment.card_holder.clone(),
        card_exp_month: payment.card_exp_month,
        card_exp_year: payment.card_exp_year,
        card_token_id: None,
        recurring: false,
        save_card: false,
        capture: true,
        return_url: None,
        customer_email: None,
        customer_phone: None,
        action_expires_at: None,
        next_settle_at: Some(first_check(state)),
        metadata: Default::default(),
        created_at: now,
    };
    operations::insert(&mut tx, &op).await?;
    let details = serde_json::json!({"payment_id": payment_id, "amount": amount, "currency": op.currency});
    let claim = by.record(&mut tx, org, id, "refund.create", details).await?;
    crate::db::commit(tx).await?;

    let reference = operations::acquirer_reference(id);
    let outcome = state
        .acquirer
        .refund(RefundRequest {
            reference: &reference,
            payment_reference: &payment.acquirer_reference,
            amount,
            currency: &payment.currency,
        })
        .await;
    Ok(apply_outcome(state, id, BookingKind::Refund, outcome_or_pending(outcome), claim).await?)
}

/// After a refund ends: a success moves the payment to partially refunded or refunded (and
/// announces `payment.refunded`); a failure releases the reserved amount.
pub async fn settle_parent(
    state: &AppState,
    tx: &mut Transaction<'_, Postgres>,
    refund: &OperationRow,
    succeeded: bool,
) -> anyhow::Result<()> {
    let parent_id = refund.parent_id.ok_or_else(|| anyhow::anyhow!("refund without a payment"))?;
    let payment = operations::lock(tx, parent_id).await?.ok_or_else(|| anyhow::anyhow!("refunded payment vanished"))?;
    if !succeeded {
        sqlx::query("UPDATE operations SET refunded_amount = refunded_amount - $2, updated_at = $3 WHERE id = $1")
            .bind(parent_id)
            .bind(refund.amount)
            .bind(state.clock.now())
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    let refunded_for_good: Amount = sqlx::query_scalar(
        "SELECT coalesce(sum(amount), 0)::numeric(18,2) FROM operations WHERE parent_id = $1 AND type = 'refund' AND status = 'succeeded'",
    )
    .bind(parent_id)
    .fetch_one(&mut **tx)
    .await?;
    let captured =
        payment.captured_amount.ok_or_else(|| anyhow::anyhow!("refunded payment {parent_id} was never captured"))?;
    let to = if refunded_for_good >= captured { S::Refunded } else { S::PartiallyRefunded };
    move_to(state, tx, &payment, to, Change::default()).await?;
    Ok(())
}
