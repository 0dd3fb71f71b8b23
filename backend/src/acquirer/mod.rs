//! The seam where a bank plugs in. Every call carries our own deterministic reference, so a
//! retried call can never authorize twice; a timeout is not a failure but `Pending`, settled
//! later by asking for the status with the same reference.

pub mod sandbox;

use async_trait::async_trait;
use shared::Amount;

use crate::domain::card::CardNumber;

/// What the gateway asks the bank to do with a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Take money from the card (ecom, aft).
    Debit,
    /// Send money to the card (oct).
    Credit,
}

#[derive(Debug)]
pub struct AuthorizeRequest<'a> {
    pub reference: &'a str,
    pub direction: Direction,
    pub card: &'a CardNumber,
    pub amount: Amount,
    pub currency: &'a str,
    /// A merchant-initiated charge on a saved card: no CVC, no 3-D Secure.
    pub recurring: bool,
}

#[derive(Debug)]
pub struct RefundRequest<'a> {
    pub reference: &'a str,
    pub payment_reference: &'a str,
    pub card_mask: Option<&'a str>,
    pub amount: Amount,
    pub currency: &'a str,
}

/// The bank's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Approved {
        bank_transaction_id: String,
    },
    Declined {
        code: String,
        message: String,
    },
    /// The issuer wants the payer to pass a 3-D Secure challenge first.
    ChallengeRequired,
    /// No answer in time: ask again later with the same reference.
    Pending,
}

/// A bank connector.
#[async_trait]
pub trait Acquirer: Send + Sync {
    /// The acquiring bank's name, as the cabinet and the API show it.
    fn bank_name(&self) -> &str;
    async fn authorize(&self, req: AuthorizeRequest<'_>) -> anyhow::Result<Outcome>;
    /// The result of the payer's 3-D Secure challenge for an authorization that asked for one.
    async fn complete_challenge(&self, reference: &str, passed: bool) -> anyhow::Result<Outcome>;
    /// Asks again about an operation that was left `Pending`.
    async fn status(&self, reference: &str) -> anyhow::Result<Outcome>;
    async fn refund(&self, req: RefundRequest<'_>) -> anyhow::Result<Outcome>;
}
