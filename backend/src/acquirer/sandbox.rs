//! The sandbox bank: outcomes follow the contract's test cards. Its answers are deterministic
//! in the reference, so asking twice gives the same answer and the same bank transaction id.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use super::{Acquirer, AuthorizeRequest, Direction, Outcome, RefundRequest};

pub const BANK_NAME: &str = "АО БАНК «СНГБ»";

/// The contract's special test cards.
pub mod cards {
    pub const CHALLENGE: &str = "4000000000003220";
    pub const DECLINED: &str = "4000000000000002";
    pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
    pub const EXPIRED: &str = "4000000000000069";
    pub const TIMEOUT: &str = "4000000000000119";
    pub const REFUND_FAILS: &str = "4000000000005126";
    pub const REFUND_FAILS_MASK: &str = "400000******5126";
}

#[derive(Default)]
pub struct Sandbox {
    /// Authorizations already answered, by reference: a repeated call answers the same.
    answered: Mutex<HashMap<String, Outcome>>,
    authorize_calls: AtomicU64,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox::default()
    }

    /// How many authorizations the bank has actually been asked for (tests count double charges).
    pub fn authorize_calls(&self) -> u64 {
        self.authorize_calls.load(Ordering::SeqCst)
    }
}

/// A 12-digit bank transaction id derived from our reference.
pub fn bank_transaction_id(reference: &str) -> String {
    let h = Sha256::digest(reference.as_bytes());
    let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    format!("4{:011}", n % 100_000_000_000)
}

fn approved(reference: &str) -> Outcome {
    Outcome::Approved { bank_transaction_id: bank_transaction_id(reference) }
}

fn declined(code: &str, message: &str) -> Outcome {
    Outcome::Declined { code: code.to_owned(), message: message.to_owned() }
}

fn decide(req: &AuthorizeRequest<'_>) -> Outcome {
    match (req.card.expose(), req.direction) {
        (cards::DECLINED, _) => declined("card_declined", "The card was declined."),
        (cards::TIMEOUT, _) => Outcome::Pending,
        (cards::INSUFFICIENT_FUNDS, Direction::Debit) => {
            declined("insufficient_funds", "The card has insufficient funds.")
        }
        (cards::EXPIRED, Direction::Debit) => declined("expired_card", "The card has expired."),
        (cards::CHALLENGE, Direction::Debit) if !req.recurring => Outcome::ChallengeRequired,
        _ => approved(req.reference),
    }
}

#[async_trait]
impl Acquirer for Sandbox {
    fn bank_name(&self) -> &str {
        BANK_NAME
    }

    async fn authorize(&self, req: AuthorizeRequest<'_>) -> anyhow::Result<Outcome> {
        let mut answered = self.answered.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(previous) = answered.get(req.reference) {
            return Ok(previous.clone());
        }
        self.authorize_calls.fetch_add(1, Ordering::SeqCst);
        let outcome = decide(&req);
        answered.insert(req.reference.to_owned(), outcome.clone());
        Ok(outcome)
    }

    async fn complete_challenge(&self, reference: &str, passed: bool) -> anyhow::Result<Outcome> {
        Ok(if passed {
            approved(reference)
        } else {
            declined("authentication_failed", "3-D Secure authentication failed.")
        })
    }

    /// The bank has always finished by the time we ask again.
    async fn status(&self, reference: &str) -> anyhow::Result<Outcome> {
        Ok(approved(reference))
    }

    async fn refund(&self, req: RefundRequest<'_>) -> anyhow::Result<Outcome> {
        Ok(if req.card_mask == Some(cards::REFUND_FAILS_MASK) {
            declined("refund_failed", "The bank refused the refund.")
        } else {
            approved(req.reference)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::CardNumber;
    use shared::Amount;

    fn req<'a>(reference: &'a str, card: &'a CardNumber, direction: Direction) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            reference,
            direction,
            card,
            amount: Amount::parse("100").expect("amount"),
            currency: "RUB",
            recurring: false,
        }
    }

    #[tokio::test]
    async fn test_cards_give_their_outcomes_and_repeats_answer_the_same() {
        let bank = Sandbox::new();
        let card = |pan: &str| CardNumber::parse(pan).expect("card");
        let ok = bank.authorize(req("r1", &card("4242424242424242"), Direction::Debit)).await.expect("call");
        assert!(matches!(&ok, Outcome::Approved { bank_transaction_id } if bank_transaction_id.len() == 12));
        assert_eq!(bank.authorize(req("r1", &card("4242424242424242"), Direction::Debit)).await.expect("call"), ok);
        assert_eq!(bank.authorize_calls(), 1, "a retry with the same reference is not a new authorization");
        let cases = [
            (cards::DECLINED, "card_declined"),
            (cards::INSUFFICIENT_FUNDS, "insufficient_funds"),
            (cards::EXPIRED, "expired_card"),
        ];
        for (pan, code) in cases {
            let out = bank.authorize(req(pan, &card(pan), Direction::Debit)).await.expect("call");
            assert!(matches!(out, Outcome::Declined { code: c, .. } if c == code), "{pan}");
        }
        assert_eq!(
            bank.authorize(req("c", &card(cards::CHALLENGE), Direction::Debit)).await.expect("call"),
            Outcome::ChallengeRequired
        );
        assert_eq!(
            bank.authorize(req("t", &card(cards::TIMEOUT), Direction::Credit)).await.expect("call"),
            Outcome::Pending
        );
        // Payouts: only …0002 is declined and …0119 times out.
        assert!(matches!(
            bank.authorize(req("p", &card(cards::INSUFFICIENT_FUNDS), Direction::Credit)).await.expect("call"),
            Outcome::Approved { .. }
        ));
    }
}
