//! The contract's test cards: what the sandbox bank decides for each. Pure, so it is tested
//! without a database.

use sha2::{Digest, Sha256};

use super::wire::EntryType;

pub const CHALLENGE: &str = "4000000000003220";
pub const DECLINED: &str = "4000000000000002";
pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
pub const EXPIRED: &str = "4000000000000069";
pub const TIMEOUT: &str = "4000000000000119";
pub const REFUND_FAILS: &str = "4000000000005126";

/// The 3-D Secure code the sandbox ACS accepts.
pub const CHALLENGE_CODE: &str = "123456";

/// What the bank does with an authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    /// Approved and booked, but the first answer is "pending" (the answer that never arrived in
    /// time); a status query then tells the outcome.
    ApproveLate,
    Decline(&'static str, &'static str),
    Challenge,
}

pub fn decide(pan: &str, kind: EntryType, recurring: bool) -> Decision {
    let credit = kind == EntryType::Credit;
    match pan {
        DECLINED => Decision::Decline("card_declined", "The card was declined."),
        TIMEOUT => Decision::ApproveLate,
        INSUFFICIENT_FUNDS if !credit => Decision::Decline("insufficient_funds", "The card has insufficient funds."),
        EXPIRED if !credit => Decision::Decline("expired_card", "The card has expired."),
        CHALLENGE if !credit && !recurring => Decision::Challenge,
        _ => Decision::Approve,
    }
}

/// A card's identity at the bank: SHA-256 of the PAN in hex. The bank keeps no PAN.
pub fn card_hash(pan: &str) -> String {
    let digits: String = pan.chars().filter(|c| !c.is_whitespace()).collect();
    hex(&Sha256::digest(digits.as_bytes()))
}

/// Does every refund of a charge on this card fail?
pub fn refunds_fail(card_hash: Option<&str>) -> bool {
    card_hash.is_some_and(|h| h == self::card_hash(REFUND_FAILS))
}

/// The bank's 12-digit transaction id for (reference, type): the same on every repeat.
pub fn bank_transaction_id(reference: &str, kind: EntryType) -> String {
    let h = Sha256::digest(format!("{reference}/{kind}").as_bytes());
    let n = u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    format!("4{:011}", n % 100_000_000_000)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntryType::{Credit, Debit, Hold};

    #[test]
    fn test_cards_decide_as_the_contract_says() {
        assert_eq!(decide("4242424242424242", Debit, false), Decision::Approve);
        assert_eq!(decide(DECLINED, Debit, false), Decision::Decline("card_declined", "The card was declined."));
        assert!(matches!(decide(INSUFFICIENT_FUNDS, Debit, false), Decision::Decline("insufficient_funds", _)));
        assert!(matches!(decide(EXPIRED, Hold, false), Decision::Decline("expired_card", _)));
        assert_eq!(decide(TIMEOUT, Debit, false), Decision::ApproveLate);
        assert_eq!(decide(CHALLENGE, Debit, false), Decision::Challenge);
        assert_eq!(decide(CHALLENGE, Hold, false), Decision::Challenge);
        assert_eq!(decide(CHALLENGE, Debit, true), Decision::Approve, "a recurring charge has no 3-D Secure");
        assert_eq!(decide(REFUND_FAILS, Debit, false), Decision::Approve);
    }

    #[test]
    fn payouts_are_declined_only_by_the_declined_card() {
        assert!(matches!(decide(DECLINED, Credit, false), Decision::Decline("card_declined", _)));
        assert_eq!(decide(TIMEOUT, Credit, false), Decision::ApproveLate);
        for pan in [INSUFFICIENT_FUNDS, EXPIRED, CHALLENGE, "2200000000000004"] {
            assert_eq!(decide(pan, Credit, false), Decision::Approve, "{pan}");
        }
    }

    #[test]
    fn bank_ids_are_stable_and_differ_by_type() {
        let a = bank_transaction_id("ref", Debit);
        assert_eq!(a.len(), 12);
        assert_eq!(a, bank_transaction_id("ref", Debit));
        assert_ne!(a, bank_transaction_id("ref", Hold));
        assert!(refunds_fail(Some(&card_hash("4000 0000 0000 5126"))));
        assert!(!refunds_fail(Some(&card_hash("4242424242424242"))));
    }
}
