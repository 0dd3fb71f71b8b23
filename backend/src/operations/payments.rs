//! Creating a payment (`ecom`, `aft`): with a card, with a saved card (a recurring charge), or
//! without a card (ClickPay's hosted page).

use std::collections::BTreeMap;

use shared::ids::{OperationId, OrganizationId};
use shared::{Amount, ErrorCode, OperationStatus, OperationType, TerminalType};
use time::Duration;

use super::claim::Claim;
use super::{apply_outcome, first_check, objects, outcome_or_pending};
use crate::acquirer::AuthorizeRequest;
use crate::db::card_tokens::{self, CardTokenRow, NewCardToken};
use crate::db::operations::{self, NewOperation, OperationRow};
use crate::db::organizations::{self, TerminalTariff};
use crate::domain::card::{self, CardNumber};
use crate::error::ApiError;
use crate::state::AppState;
use crate::vault;

/// Where the money comes from.
pub enum Source {
    /// A card typed by the payer; the CVC was checked and is not kept.
    Card { number: CardNumber, exp_month: i16, exp_year: i16, holder: Option<String> },
    /// A saved card: a merchant-initiated charge, no CVC, no 3-D Secure.
    Token(String),
    /// No card yet: the payer enters it on the hosted page.
    Hosted,
}

/// A validated payment request.
pub struct PaymentInput {
    pub kind: TerminalType,
    pub amount: Amount,
    pub currency: String,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub source: Source,
    pub save_card: bool,
    /// `false`: a two-stage payment, held until it is captured or canceled.
    pub capture: bool,
    pub return_url: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

/// The terminal that prices and limits an operation, or the contract's 403/422.
pub async fn usable_terminal(
    state: &AppState,
    org: OrganizationId,
    kind: TerminalType,
    amount: Amount,
) -> Result<TerminalTariff, ApiError> {
    let terminal = organizations::terminal_tariff(&state.db, org, kind, state.clock.now())
        .await?
        .filter(|t| t.enabled)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::TerminalDisabled, format!("The organization has no enabled {kind} terminal."))
        })?;
    if amount > terminal.amount_limit {
        return Err(ApiError::with_param(
            ErrorCode::AmountLimitExceeded,
            format!("The amount exceeds the terminal's limit of {}.", terminal.amount_limit),
            "amount",
        ));
    }
    Ok(terminal)
}

/// A saved card of this organization that may still be charged.
pub async fn usable_token(
    state: &AppState,
    org: OrganizationId,
    token: &str,
) -> Result<(CardTokenRow, CardNumber), ApiError> {
    let row = card_tokens::get(&state.db, org, token)
        .await?
        .ok_or_else(|| ApiError::with_param(ErrorCode::NotFound, "No such card token.", "card_token"))?;
    if row.revoked_at.is_some() {
        return Err(ApiError::with_param(
            ErrorCode::CardTokenRevoked,
            "The card token has been revoked.",
            "card_token",
        ));
    }
    card::expiry(row.exp_month.into(), row.exp_year.into(), state.clock.now())
        .map_err(|e| ApiError::with_param(ErrorCode::InvalidExpiry, e.to_string(), "card_token"))?;
    let pan = if row.bound {
        vault::open_bound(&state.keys, &row.pan_ciphertext, &row.pan_nonce, &card_tokens::aad(row.id, org))?
    } else {
        vault::open(&state.keys, &row.pan_ciphertext, &row.pan_nonce)?
    };
    Ok((row, pan))
}

/// Saves the payer's card for this organization, waiting for its payment: it becomes a token
/// (or joins the token already saved for the same card) only when the payment succeeds.
/// Returns the waiting token's id.
pub async fn save_card(
    state: &AppState,
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    org: OrganizationId,
    number: &CardNumber,
    holder: Option<&str>,
    exp_month: i16,
    exp_year: i16,
) -> anyhow::Result<uuid::Uuid> {
    let id = uuid::Uuid::now_v7();
    let sealed = vault::seal_bound(&state.keys, number, &card_tokens::aad(id, org))?;
    let hash = vault::pan_hash(&state.keys, number);
    let mask = number.mask();
    card_tokens::insert_pending(
        tx,
        id,
        &NewCardToken {
            organization_id: org,
            sealed: &sealed,
            pan_hash: &hash,
            card_mask: &mask,
            card_brand: number.brand().as_str(),
            card_holder: holder,
            exp_month,
            exp_year,
            now: state.clock.now(),
        },
    )
    .await?;
    Ok(id)
}

/// Creates a payment. With a card it is committed as `processing` (the settlement worker's to
/// resolve if this request dies) together with the idempotency key, then the bank is called with
/// no connection held, then the outcome and the saved answer commit together. Without a card it
/// waits for the payer on the hosted page.
pub async fn create(
    state: &AppState,
    org: OrganizationId,
    input: PaymentInput,
    claim: &Claim,
) -> Result<OperationRow, ApiError> {
    let terminal = usable_terminal(state, org, input.kind, input.amount).await?;
    let now = state.clock.now();
    // A two-stage payment's fee is the tariff (fixed here) applied to what is captured, at capture.
    let fee = if input.capture { terminal.tariff.fee_for(input.amount) } else { Default::default() };
    let id = OperationId::new();
    let mut op = NewOperation {
        id,
        organization_id: org,
        kind: OperationType::from(input.kind),
        parent_id: None,
        terminal_id: Some(terminal.terminal_id),
        tariff_id: Some(terminal.tariff_id),
        status: if matches!(input.source, Source::Hosted) {
            OperationStatus::Created
        } else {
            OperationStatus::Processing
        },
        amount: input.amount,
        currency: input.currency.clone(),
        fee: fee.total,
        fee_service: fee.service,
        fee_bank: fee.bank,
        order_id: input.order_id,
        description: input.description,
        reason: None,
        card_mask: None,
        card_last4: None,
        card_brand: None,
        card_holder: None,
        card_exp_month: None,
        card_exp_year: None,
        card_token_id: None,
        recurring: false,
        save_card: input.save_card,
        capture: input.capture,
        return_url: input.return_url,
        customer_email: input.customer_email,
        customer_phone: input.customer_phone,
        // Only the hosted page waits for the payer; a card goes to the bank at once.
        action_expires_at: matches!(input.source, Source::Hosted)
            .then(|| now + Duration::minutes(state.settings.payments.hosted_page_timeout_minutes)),
        next_settle_at: (!matches!(input.source, Source::Hosted)).then(|| first_check(state)),
        metadata: input.metadata,
        created_at: now,
    };

    // A saved card is read before the transaction, so a request never holds one pooled
    // connection while it waits for another.
    let saved = match &input.source {
        Source::Token(token) => Some(usable_token(state, org, token).await?),
        _ => None,
    };
    let mut tx = state.db.begin().await?;
    let (pan, recurring) = match input.source {
        Source::Hosted => (None, false),
        Source::Card { number, exp_month, exp_year, holder } => {
            op.card_mask = Some(number.mask());
            op.card_last4 = Some(number.last4().to_owned());
            op.card_brand = Some(number.brand().as_str().to_owned());
            op.card_holder = holder.clone();
            op.card_exp_month = Some(exp_month);
            op.card_exp_year = Some(exp_year);
            if input.save_card {
                op.card_token_id =
                    Some(save_card(state, &mut tx, org, &number, holder.as_deref(), exp_month, exp_year).await?);
            }
            (Some(number), false)
        }
        Source::Token(_) => {
            let (row, number) = saved.ok_or_else(|| anyhow::anyhow!("the saved card was read above"))?;
            op.card_mask = Some(row.card_mask.clone());
            op.card_last4 = Some(number.last4().to_owned());
            op.card_brand = Some(row.card_brand.clone());
            op.card_holder = row.card_holder.clone();
            op.card_exp_month = Some(row.exp_month);
            op.card_exp_year = Some(row.exp_year);
            op.card_token_id = Some(row.id);
            op.recurring = true;
            (Some(number), true)
        }
    };
    operations::insert(&mut tx, &op).await?;
    claim.attach(&mut *tx, Some(id)).await?;
    let details = serde_json::json!({"type": op.kind, "amount": op.amount, "currency": op.currency,
        "recurring": recurring, "capture": op.capture});
    claim.audit(&mut *tx, "payment.create", &id.to_string(), details).await?;
    let Some(pan) = pan else {
        // Nothing goes to the bank yet: the answer is saved with the payment.
        let row = operations::find(&mut *tx, id).await?.ok_or_else(ApiError::not_found)?;
        claim.complete(&mut *tx, 201, &objects::answer(&row, &state.public_url), now).await?;
        crate::db::commit(tx).await?;
        return Ok(row);
    };
    crate::db::commit(tx).await?;

    let reference = operations::acquirer_reference(id);
    let booking = super::payment_booking(op.capture);
    let outcome = state
        .acquirer
        .authorize(AuthorizeRequest {
            reference: &reference,
            kind: booking,
            card: &pan,
            amount: op.amount,
            currency: &op.currency,
            recurring,
        })
        .await;
    Ok(apply_outcome(state, id, booking, outcome_or_pending(outcome), Some(claim)).await?)
}
