//! Card numbers: parsed once (digits, Luhn, brand), shown only masked (first 6 + last 4).

use std::fmt;

use time::OffsetDateTime;

/// The card schemes we accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    Visa,
    Mastercard,
    Mir,
}

impl Brand {
    pub fn as_str(&self) -> &'static str {
        match self {
            Brand::Visa => "visa",
            Brand::Mastercard => "mastercard",
            Brand::Mir => "mir",
        }
    }

    fn of(digits: &str) -> Option<Brand> {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        match (prefix(1), prefix(2), prefix(4)) {
            (_, _, Some(2200..=2204)) => Some(Brand::Mir),
            (_, Some(51..=55), _) | (_, _, Some(2221..=2720)) => Some(Brand::Mastercard),
            (Some(4), _, _) => Some(Brand::Visa),
            _ => None,
        }
    }
}

/// Why a card was refused; the messages are safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("The card number must be 13 to 19 digits.")]
    Length,
    #[error("The card number is invalid.")]
    Luhn,
    #[error("Only Visa, Mastercard and Mir cards are accepted.")]
    Brand,
    #[error("The card has expired or its expiry date is invalid.")]
    Expiry,
    #[error("The CVC must be 3 digits.")]
    Cvc,
}

/// A PAN that passed the checks. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: String,
    brand: Brand,
}

impl CardNumber {
    /// Digits with optional spaces; 13–19 digits, a valid Luhn sum and a known brand.
    pub fn parse(input: &str) -> Result<CardNumber, CardError> {
        let digits: String = input.chars().filter(|c| *c != ' ').collect();
        if !(13..=19).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CardError::Length);
        }
        if !luhn(&digits) {
            return Err(CardError::Luhn);
        }
        let brand = Brand::of(&digits).ok_or(CardError::Brand)?;
        Ok(CardNumber { digits, brand })
    }

    pub fn brand(&self) -> Brand {
        self.brand
    }

    /// `424242******4242`
    pub fn mask(&self) -> String {
        let n = self.digits.len();
        format!("{}{}{}", &self.digits[..6], "*".repeat(n - 10), &self.digits[n - 4..])
    }

    pub fn last4(&self) -> &str {
        &self.digits[self.digits.len() - 4..]
    }

    /// The PAN itself: only for the acquirer call and the card vault.
    pub fn expose(&self) -> &str {
        &self.digits
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber({})", self.mask())
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card expiry that is not in the past at `now` (a card is valid through its last month).
pub fn expiry(month: i64, year: i64, now: OffsetDateTime) -> Result<(i16, i16), CardError> {
    if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
        return Err(CardError::Expiry);
    }
    let (y, m) = (now.year() as i64, u8::from(now.month()) as i64);
    if (year, month) < (y, m) {
        return Err(CardError::Expiry);
    }
    Ok((month as i16, year as i16))
}

/// Three digits. It is checked and then forgotten: never stored or logged.
pub fn cvc(input: &str) -> Result<(), CardError> {
    (input.len() == 3 && input.bytes().all(|b| b.is_ascii_digit())).then_some(()).ok_or(CardError::Cvc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_contracts_test_cards_parse_with_their_brands() {
        for (pan, brand) in [
            ("4242 4242 4242 4242", Brand::Visa),
            ("5555 5555 5555 4444", Brand::Mastercard),
            ("2200 0000 0000 0004", Brand::Mir),
            ("4000000000003220", Brand::Visa),
            ("4000000000000002", Brand::Visa),
            ("4000000000009995", Brand::Visa),
            ("4000000000000069", Brand::Visa),
            ("4000000000000119", Brand::Visa),
            ("4000000000005126", Brand::Visa),
            ("2221000000000009", Brand::Mastercard),
        ] {
            assert_eq!(CardNumber::parse(pan).map(|c| c.brand()), Ok(brand), "{pan}");
        }
    }

    #[test]
    fn bad_numbers_are_refused() {
        assert_eq!(CardNumber::parse("4242424242424241"), Err(CardError::Luhn));
        assert_eq!(CardNumber::parse("424242424242"), Err(CardError::Length));
        assert_eq!(CardNumber::parse("4242-4242-4242-4242"), Err(CardError::Length));
        assert_eq!(CardNumber::parse("378282246310005"), Err(CardError::Brand), "amex is not accepted");
    }

    #[test]
    fn masks_keep_six_and_four() {
        let c = CardNumber::parse("4242424242424242").expect("card");
        assert_eq!(c.mask(), "424242******4242");
        assert_eq!(c.last4(), "4242");
        assert!(!format!("{c:?}").contains("4242424242424242"));
        let long = CardNumber::parse("2200000000000000004").expect("19-digit mir");
        assert_eq!(long.mask(), "220000*********0004");
    }

    #[test]
    fn expiry_is_valid_through_its_month() {
        let now = datetime!(2026-11-28 12:00 UTC);
        assert!(expiry(11, 2026, now).is_ok());
        assert!(expiry(12, 2030, now).is_ok());
        assert_eq!(expiry(10, 2026, now), Err(CardError::Expiry));
        assert_eq!(expiry(13, 2030, now), Err(CardError::Expiry));
        assert_eq!(expiry(12, 30, now), Err(CardError::Expiry));
    }

    #[test]
    fn cvc_is_three_digits() {
        assert!(cvc("123").is_ok());
        assert!(cvc("12").is_err());
        assert!(cvc("1234").is_err());
        assert!(cvc("12a").is_err());
    }
}
