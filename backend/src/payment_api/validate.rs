//! Turning request bodies into validated inputs. Everything here answers 400 (never saved by
//! idempotency), so a client can fix the body and retry with the same key.

use shared::dto::payments::{CardInput, CreatePaymentRequest, CreatePayoutRequest, Customer, PayoutCardInput};
use shared::{Amount, ErrorCode, TerminalType};
use time::OffsetDateTime;

use crate::domain::card::{self, CardError, CardNumber};
use crate::domain::{metadata, validation};
use crate::error::ApiError;
use crate::operations::payments::{PaymentInput, Source};
use crate::operations::payouts::{PayoutInput, PayoutTarget};

fn invalid(param: &str, message: impl Into<String>) -> ApiError {
    ApiError::with_param(ErrorCode::InvalidRequest, message, param)
}

pub fn amount(a: Amount) -> Result<Amount, ApiError> {
    if a.is_zero() {
        return Err(invalid("amount", "amount must be greater than 0"));
    }
    Ok(a)
}

pub fn currency(c: &str) -> Result<String, ApiError> {
    if c != "RUB" {
        return Err(ApiError::with_param(
            ErrorCode::UnsupportedCurrency,
            format!("Currency '{c}' is not supported; use RUB."),
            "currency",
        ));
    }
    Ok(c.to_owned())
}

fn text(value: Option<&str>, param: &str, max: usize) -> Result<Option<String>, ApiError> {
    metadata::optional_text(value, max).map_err(|m| invalid(param, format!("{param} {m}")))
}

fn card_number(number: &str, param: &str) -> Result<CardNumber, ApiError> {
    CardNumber::parse(number).map_err(|e| ApiError::with_param(ErrorCode::InvalidCardNumber, e.to_string(), param))
}

fn card(c: &CardInput, now: OffsetDateTime) -> Result<Source, ApiError> {
    let number = card_number(&c.number, "card.number")?;
    let (exp_month, exp_year) = card::expiry(c.exp_month, c.exp_year, now)
        .map_err(|e| ApiError::with_param(ErrorCode::InvalidExpiry, e.to_string(), "card.exp_month"))?;
    match c.cvc.as_deref() {
        None => return Err(invalid("card.cvc", "card.cvc is required for a card payment")),
        Some(cvc) => card::cvc(cvc).map_err(|e: CardError| invalid("card.cvc", e.to_string()))?,
    }
    let holder = text(c.holder.as_deref(), "card.holder", 100)?;
    Ok(Source::Card { number, exp_month, exp_year, holder })
}

/// An absolute http(s) URL the payer's browser is sent back to.
fn return_url(value: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    let bad = || invalid("return_url", "return_url must be an absolute http(s) URL");
    if v.len() > 2048 {
        return Err(bad());
    }
    let url = url::Url::parse(v).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(bad());
    }
    Ok(Some(url.to_string()))
}

fn customer(c: Option<&Customer>) -> Result<(Option<String>, Option<String>), ApiError> {
    let Some(c) = c else { return Ok((None, None)) };
    let email =
        c.email.as_deref().map(validation::email).transpose().map_err(|e| invalid("customer.email", e.to_string()))?;
    let phone =
        c.phone.as_deref().map(validation::phone).transpose().map_err(|e| invalid("customer.phone", e.to_string()))?;
    Ok((email, phone))
}

fn meta(
    m: Option<&std::collections::BTreeMap<String, String>>,
) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let m = m.cloned().unwrap_or_default();
    metadata::check(&m).map_err(|e| invalid("metadata", e))?;
    Ok(m)
}

fn token(t: &str) -> Result<String, ApiError> {
    if !t.starts_with("ct_") || t.len() > 64 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(invalid("card_token", "card_token must be a token such as ct_…"));
    }
    Ok(t.to_owned())
}

pub fn payment(r: &CreatePaymentRequest, now: OffsetDateTime) -> Result<PaymentInput, ApiError> {
    let kind = match r.payment_type.as_str() {
        "ecom" => TerminalType::Ecom,
        "aft" => TerminalType::Aft,
        _ => return Err(invalid("type", "type must be ecom or aft (payouts use POST /api/v1/payouts)")),
    };
    let amount = amount(r.amount)?;
    let currency = currency(&r.currency)?;
    let source = match (&r.card, &r.card_token) {
        (Some(_), Some(_)) => return Err(invalid("card_token", "send either card or card_token, not both")),
        (Some(c), None) => card(c, now)?,
        (None, Some(t)) => Source::Token(token(t)?),
        (None, None) if kind == TerminalType::Ecom => Source::Hosted,
        (None, None) => return Err(invalid("card", "an aft payment needs card or card_token")),
    };
    let return_url = return_url(r.return_url.as_deref())?;
    if matches!(source, Source::Hosted) && return_url.is_none() {
        return Err(invalid("return_url", "return_url is required when the payer enters the card on the hosted page"));
    }
    if r.save_card && matches!(source, Source::Token(_)) {
        return Err(invalid("save_card", "a card used by card_token is already saved"));
    }
    let (customer_email, customer_phone) = customer(r.customer.as_ref())?;
    Ok(PaymentInput {
        kind,
        amount,
        currency,
        order_id: text(r.order_id.as_deref(), "order_id", 128)?,
        description: text(r.description.as_deref(), "description", 1000)?,
        source,
        save_card: r.save_card,
        capture: r.capture.unwrap_or(true),
        return_url,
        customer_email,
        customer_phone,
        metadata: meta(r.metadata.as_ref())?,
    })
}

fn payout_card(c: &PayoutCardInput) -> Result<PayoutTarget, ApiError> {
    Ok(PayoutTarget::Card {
        number: card_number(&c.number, "card.number")?,
        holder: text(c.holder.as_deref(), "card.holder", 100)?,
    })
}

pub fn payout(r: &CreatePayoutRequest) -> Result<PayoutInput, ApiError> {
    let target = match (&r.card, &r.card_token) {
        (Some(_), Some(_)) => return Err(invalid("card_token", "send either card or card_token, not both")),
        (Some(c), None) => payout_card(c)?,
        (None, Some(t)) => PayoutTarget::Token(token(t)?),
        (None, None) => return Err(invalid("card", "a payout needs card or card_token")),
    };
    Ok(PayoutInput {
        amount: amount(r.amount)?,
        currency: currency(&r.currency)?,
        order_id: text(r.order_id.as_deref(), "order_id", 128)?,
        description: text(r.description.as_deref(), "description", 1000)?,
        target,
        metadata: meta(r.metadata.as_ref())?,
    })
}

/// An optional refund reason.
pub fn reason(r: Option<&str>) -> Result<Option<String>, ApiError> {
    text(r, "reason", 1000)
}
