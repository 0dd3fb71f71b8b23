//! Stored rows as the API shows them: the contract's payment, payout, refund and card objects.

use shared::dto::payments::{BankView, CardToken, CardView, Confirmation, OperationError, Payment, Payout, Refund};
use shared::{OperationStatus, OperationType};

use crate::db::card_tokens::CardTokenRow;
use crate::db::operations::OperationRow;

fn card(row: &OperationRow) -> Option<CardView> {
    row.card_mask.as_ref().map(|mask| CardView {
        mask: mask.clone(),
        brand: row.card_brand.clone().unwrap_or_default(),
        holder: row.card_holder.clone(),
        exp_month: row.card_exp_month,
        exp_year: row.card_exp_year,
    })
}

fn error(row: &OperationRow) -> Option<OperationError> {
    (row.status == OperationStatus::Failed).then(|| OperationError {
        code: row.error_code.clone().unwrap_or_else(|| "processing_error".to_owned()),
        message: row.error_message.clone().unwrap_or_default(),
    })
}

fn bank(row: &OperationRow) -> Option<BankView> {
    row.bank_name.as_ref().map(|name| BankView { name: name.clone(), transaction_id: row.bank_transaction_id.clone() })
}

/// Where the payer acts next: the hosted page or the 3-D Secure challenge.
pub fn confirmation_url(row: &OperationRow, public_url: &str) -> Option<String> {
    match row.status {
        OperationStatus::Created => Some(format!("{public_url}/pay/{}", row.id)),
        OperationStatus::Authentication => Some(format!("{public_url}/3ds/{}", row.id)),
        _ => None,
    }
}

pub fn payment(row: &OperationRow, public_url: &str) -> Payment {
    Payment {
        id: row.id.to_string(),
        object: "payment".to_owned(),
        payment_type: row.kind.to_string(),
        status: row.status,
        amount: row.amount,
        currency: row.currency.clone(),
        captured_amount: row.captured(),
        fee: row.fee,
        refunded_amount: row.refunded_amount,
        order_id: row.order_id.clone(),
        description: row.description.clone(),
        card: card(row),
        card_token: row.card_token.clone(),
        recurring: row.recurring,
        confirmation: confirmation_url(row, public_url).map(|url| Confirmation { url }),
        error: error(row),
        bank: bank(row),
        created_at: row.created_at,
        executed_at: row.executed_at,
        metadata: row.metadata.0.clone(),
    }
}

pub fn payout(row: &OperationRow) -> Payout {
    Payout {
        id: row.id.to_string(),
        object: "payout".to_owned(),
        payout_type: row.kind.to_string(),
        status: row.status,
        amount: row.amount,
        currency: row.currency.clone(),
        fee: row.fee,
        order_id: row.order_id.clone(),
        description: row.description.clone(),
        card: card(row),
        card_token: row.card_token.clone(),
        error: error(row),
        bank: bank(row),
        created_at: row.created_at,
        executed_at: row.executed_at,
        metadata: row.metadata.0.clone(),
    }
}

pub fn refund(row: &OperationRow) -> Refund {
    Refund {
        id: row.id.to_string(),
        object: "refund".to_owned(),
        payment_id: row.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        amount: row.amount,
        currency: row.currency.clone(),
        status: row.status,
        reason: row.reason.clone(),
        error: error(row),
        created_at: row.created_at,
        executed_at: row.executed_at,
    }
}

pub fn card_token(row: &CardTokenRow) -> CardToken {
    CardToken {
        token: row.token.clone(),
        object: "card_token".to_owned(),
        card: CardView {
            mask: row.card_mask.clone(),
            brand: row.card_brand.clone(),
            holder: row.card_holder.clone(),
            exp_month: Some(row.exp_month),
            exp_year: Some(row.exp_year),
        },
        created_at: row.created_at,
        revoked_at: row.revoked_at,
    }
}

/// The object of any operation as JSON (webhook `data`).
pub fn to_json(row: &OperationRow, public_url: &str) -> serde_json::Value {
    let v = match row.kind {
        OperationType::Ecom | OperationType::Aft => serde_json::to_value(payment(row, public_url)),
        OperationType::Oct => serde_json::to_value(payout(row)),
        OperationType::Refund => serde_json::to_value(refund(row)),
    };
    v.unwrap_or(serde_json::Value::Null)
}

/// The saved answer of a request that created this operation: its object, serialized once, so
/// the first answer, the saved copy and every replay are the same bytes.
pub fn answer(row: &OperationRow, public_url: &str) -> Vec<u8> {
    let bytes = match row.kind {
        OperationType::Ecom | OperationType::Aft => serde_json::to_vec(&payment(row, public_url)),
        OperationType::Oct => serde_json::to_vec(&payout(row)),
        OperationType::Refund => serde_json::to_vec(&refund(row)),
    };
    bytes.unwrap_or_default()
}
