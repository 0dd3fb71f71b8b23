//! Payouts (`oct`): crediting a card, by number or saved token.

use std::collections::BTreeMap;

use shared::ids::{OperationId, OrganizationId};
use shared::{Amount, OperationStatus, OperationType, TerminalType};

use super::claim::Claim;
use super::payments::{usable_terminal, usable_token};
use super::{apply_outcome, first_check, outcome_or_pending};
use crate::acquirer::{AuthorizeRequest, BookingKind};
use crate::db::operations::{self, NewOperation, OperationRow};
use crate::domain::card::CardNumber;
use crate::error::ApiError;
use crate::state::AppState;

pub enum PayoutTarget {
    Card { number: CardNumber, holder: Option<String> },
    Token(String),
}

pub struct PayoutInput {
    pub amount: Amount,
    pub currency: String,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub target: PayoutTarget,
    pub metadata: BTreeMap<String, String>,
}

/// The associated data that binds a payout's sealed card to its operation.
pub fn sealed_card_aad(id: OperationId) -> Vec<u8> {
    format!("payout:{id}").into_bytes()
}

/// Creates a payout: committed as `processing` with its card number sealed and the idempotency
/// key, then sent to the bank with no connection held, then the outcome and the answer commit.
pub async fn create(
    state: &AppState,
    org: OrganizationId,
    input: PayoutInput,
    claim: &Claim,
) -> Result<OperationRow, ApiError> {
    let terminal = usable_terminal(state, org, TerminalType::Oct, input.amount).await?;
    let now = state.clock.now();
    let fee = terminal.tariff.fee_for(input.amount);
    let id = OperationId::new();
    let (number, holder, exp, token_id) = match input.target {
        PayoutTarget::Card { number, holder } => (number, holder, None, None),
        PayoutTarget::Token(token) => {
            let (row, number) = usable_token(state, org, &token).await?;
            (number, row.card_holder.clone(), Some((row.exp_month, row.exp_year)), Some(row.id))
        }
    };
    let op = NewOperation {
        id,
        organization_id: org,
        kind: OperationType::Oct,
        parent_id: None,
        terminal_id: Some(terminal.terminal_id),
        tariff_id: Some(terminal.tariff_id),
        status: OperationStatus::Processing,
        amount: input.amount,
        currency: input.currency,
        fee: fee.total,
        fee_service: fee.service,
        fee_bank: fee.bank,
        order_id: input.order_id,
        description: input.description,
        reason: None,
        card_mask: Some(number.mask()),
        card_last4: Some(number.last4().to_owned()),
        card_brand: Some(number.brand().as_str().to_owned()),
        card_holder: holder,
        card_exp_month: exp.map(|e| e.0),
        card_exp_year: exp.map(|e| e.1),
        card_token_id: token_id,
        recurring: token_id.is_some(),
        save_card: false,
        capture: true,
        return_url: None,
        customer_email: None,
        customer_phone: None,
        action_expires_at: None,
        // If this process dies before the bank answers, the settlement worker asks.
        next_settle_at: Some(first_check(state)),
        metadata: input.metadata,
        created_at: now,
    };
    let sealed = crate::vault::seal_bound(&state.keys, &number, &sealed_card_aad(id))?;
    let mut tx = state.db.begin().await?;
    super::velocity::count(state, &mut tx, org, super::velocity::Kind::Payout, op.amount).await?;
    operations::insert(&mut tx, &op).await?;
    crate::db::sealed_cards::keep(&mut *tx, id, &sealed).await?;
    claim.attach(&mut *tx, Some(id)).await?;
    let details = serde_json::json!({"amount": op.amount, "currency": op.currency, "card": op.card_mask});
    claim.audit(&mut *tx, "payout.create", &id.to_string(), details).await?;
    crate::db::commit(tx).await?;
    let reference = operations::acquirer_reference(id);
    let outcome = state
        .acquirer
        .authorize(AuthorizeRequest {
            reference: &reference,
            kind: BookingKind::Credit,
            card: &number,
            amount: op.amount,
            currency: &op.currency,
            recurring: token_id.is_some(),
        })
        .await;
    Ok(apply_outcome(state, id, BookingKind::Credit, outcome_or_pending(outcome), Some(claim)).await?)
}
