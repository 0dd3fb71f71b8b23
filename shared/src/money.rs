//! The one money type. Amounts are exact decimals with two fraction digits, travel as JSON
//! strings (`"100.00"`) and are never floats. Rounding happens in [`round_half_up`] only.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Largest number of integer digits an amount may carry (the database holds `numeric(18,2)`).
const MAX_INTEGER_DIGITS: usize = 16;
/// Fraction digits of a kopeck amount.
pub const SCALE: u32 = 2;

/// Why a string is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("amount must be a decimal string such as \"100.00\"")]
    Malformed,
    #[error("amount may have at most 2 fraction digits")]
    TooPrecise,
    #[error("amount is too large")]
    TooLarge,
    #[error("amount must not be negative")]
    Negative,
}

/// A non-negative amount of money in major units with exactly two fraction digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "server", derive(sqlx::Type), sqlx(transparent))]
pub struct Amount(Decimal);

impl Amount {
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Parses the contract's form: digits, optionally `.` and one or two digits. No sign,
    /// exponent, spaces or thousands separators.
    pub fn parse(s: &str) -> Result<Self, AmountError> {
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if s.starts_with('-') {
            return Err(AmountError::Negative);
        }
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AmountError::Malformed);
        }
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AmountError::Malformed);
            }
            if f.len() > SCALE as usize {
                return Err(AmountError::TooPrecise);
            }
        }
        if int.trim_start_matches('0').len() > MAX_INTEGER_DIGITS {
            return Err(AmountError::TooLarge);
        }
        let d = Decimal::from_str(s).map_err(|_| AmountError::Malformed)?;
        Ok(Amount(rescale(d)))
    }

    /// Wraps a decimal that already has at most two fraction digits (e.g. read from the
    /// database or produced by [`round_half_up`]).
    pub fn from_decimal(d: Decimal) -> Result<Self, AmountError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(AmountError::Negative);
        }
        if d.normalize().scale() > SCALE {
            return Err(AmountError::TooPrecise);
        }
        Ok(Amount(rescale(d)))
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(|d| Amount(rescale(d)))
    }

    /// `self - other`, or `None` when it would go below zero.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        let d = self.0.checked_sub(other.0)?;
        (!d.is_sign_negative() || d.is_zero()).then(|| Amount(rescale(d)))
    }

    /// Kopecks as an integer, for charts and aggregates that must not lose precision.
    pub fn minor_units(&self) -> i64 {
        (self.0 * Decimal::ONE_HUNDRED).trunc().mantissa() as i64
    }
}

fn rescale(mut d: Decimal) -> Decimal {
    d.rescale(SCALE);
    d
}

/// Rounds half away from zero to two fraction digits: the one rounding rule for money.
pub fn round_half_up(d: Decimal) -> Decimal {
    rescale(d.round_dp_with_strategy(SCALE, RoundingStrategy::MidpointAwayFromZero))
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Amount {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Amount::parse(s)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    /// Only strings: a JSON number would already have passed through a float.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a decimal string such as \"100.00\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
                Amount::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

/// A fee rate in percent (`"0.45"` is 0.45 %), 0 to 100 with at most four fraction digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "server", derive(sqlx::Type), sqlx(transparent))]
pub struct Percent(Decimal);

impl Percent {
    pub const MAX_SCALE: u32 = 4;

    pub fn parse(s: &str) -> Result<Self, AmountError> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return Err(if s.starts_with('-') { AmountError::Negative } else { AmountError::Malformed });
        }
        let d = Decimal::from_str(s).map_err(|_| AmountError::Malformed)?;
        Self::from_decimal(d)
    }

    pub fn from_decimal(d: Decimal) -> Result<Self, AmountError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(AmountError::Negative);
        }
        if d.normalize().scale() > Self::MAX_SCALE {
            return Err(AmountError::TooPrecise);
        }
        if d > Decimal::ONE_HUNDRED {
            return Err(AmountError::TooLarge);
        }
        Ok(Percent(d.normalize()))
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }
}

impl std::ops::Add for Percent {
    type Output = Percent;
    fn add(self, rhs: Percent) -> Percent {
        Percent(self.0 + rhs.0)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Percent::parse(&s).map_err(de::Error::custom)
    }
}

/// A signed amount with two fraction digits: a ledger's entries and balances, where money
/// leaving a balance is negative (`"-40.00"`). Payment amounts are never signed: they are
/// [`Amount`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "server", derive(sqlx::Type), sqlx(transparent))]
pub struct SignedAmount(Decimal);

impl SignedAmount {
    pub const ZERO: SignedAmount = SignedAmount(Decimal::ZERO);

    /// Wraps a decimal with at most two fraction digits (e.g. a `numeric(18,2)` sum).
    pub fn from_decimal(d: Decimal) -> Result<Self, AmountError> {
        if d.normalize().scale() > SCALE {
            return Err(AmountError::TooPrecise);
        }
        Ok(SignedAmount(rescale(d)))
    }

    /// Parses `"-40.00"` or `"40.00"`.
    pub fn parse(s: &str) -> Result<Self, AmountError> {
        match s.strip_prefix('-') {
            Some(rest) => Ok(-SignedAmount::from(Amount::parse(rest)?)),
            None => Amount::parse(s).map(SignedAmount::from),
        }
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// The size of the amount, whatever its sign.
    pub fn abs(&self) -> Amount {
        Amount(rescale(self.0.abs()))
    }
}

impl From<Amount> for SignedAmount {
    fn from(a: Amount) -> Self {
        SignedAmount(a.0)
    }
}

impl std::ops::Neg for SignedAmount {
    type Output = SignedAmount;
    fn neg(self) -> SignedAmount {
        // No negative zero: "-0.00" would read oddly and compare oddly in text.
        if self.0.is_zero() { SignedAmount(rescale(Decimal::ZERO)) } else { SignedAmount(rescale(-self.0)) }
    }
}

impl std::ops::Add for SignedAmount {
    type Output = SignedAmount;
    fn add(self, other: SignedAmount) -> SignedAmount {
        SignedAmount(rescale(self.0 + other.0))
    }
}

impl std::ops::Sub for SignedAmount {
    type Output = SignedAmount;
    fn sub(self, other: SignedAmount) -> SignedAmount {
        self + -other
    }
}

impl std::iter::Sum for SignedAmount {
    fn sum<I: Iterator<Item = SignedAmount>>(iter: I) -> SignedAmount {
        iter.fold(SignedAmount::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for SignedAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_zero() { f.write_str("0.00") } else { write!(f, "{:.2}", self.0) }
    }
}

impl Serialize for SignedAmount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SignedAmount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        SignedAmount::parse(&s).map_err(de::Error::custom)
    }
}

#[cfg(feature = "server")]
mod schema {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

    fn decimal_string(pattern: &str, example: &str, description: &str) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
            .examples([example])
            .description(Some(description))
            .into()
    }

    impl utoipa::PartialSchema for super::Amount {
        fn schema() -> RefOr<Schema> {
            decimal_string(
                r"^\d{1,16}(\.\d{1,2})?$",
                "100.00",
                "An amount as a decimal string with at most 2 fraction digits; never a JSON number.",
            )
        }
    }
    impl utoipa::ToSchema for super::Amount {}

    impl utoipa::PartialSchema for super::Percent {
        fn schema() -> RefOr<Schema> {
            decimal_string(r"^\d{1,3}(\.\d{1,4})?$", "0.45", "A rate in percent as a decimal string (0.45 is 0.45 %).")
        }
    }
    impl utoipa::ToSchema for super::Percent {}

    impl utoipa::PartialSchema for super::SignedAmount {
        fn schema() -> RefOr<Schema> {
            decimal_string(
                r"^-?\d{1,16}(\.\d{1,2})?$",
                "-40.00",
                "A signed amount as a decimal string with 2 fraction digits: money leaving a balance is negative.",
            )
        }
    }
    impl utoipa::ToSchema for super::SignedAmount {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_amounts_read_and_print_with_their_sign_and_no_negative_zero() {
        let a = |s: &str| SignedAmount::parse(s).expect(s);
        assert_eq!(a("-40").to_string(), "-40.00");
        assert_eq!((a("55.00") - a("100.00")).to_string(), "-45.00");
        assert_eq!((-a("0.00")).to_string(), "0.00");
        assert_eq!((a("-1.50") + a("1.5")).to_string(), "0.00");
        assert_eq!(a("-12.30").abs().to_string(), "12.30");
        assert_eq!(serde_json::to_string(&a("-1545")).expect("json"), "\"-1545.00\"");
        assert!(SignedAmount::parse("--1").is_err() && SignedAmount::parse("-1.001").is_err());
    }

    #[test]
    fn parses_contract_amounts() {
        for (input, shown) in
            [("100.00", "100.00"), ("100", "100.00"), ("0.5", "0.50"), ("10.25", "10.25"), ("007.10", "7.10")]
        {
            assert_eq!(Amount::parse(input).map(|a| a.to_string()), Ok(shown.to_string()), "{input}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for (input, err) in [
            ("", AmountError::Malformed),
            ("1.", AmountError::Malformed),
            (".5", AmountError::Malformed),
            ("1e3", AmountError::Malformed),
            ("1,00", AmountError::Malformed),
            (" 1.00", AmountError::Malformed),
            ("+1", AmountError::Malformed),
            ("-1.00", AmountError::Negative),
            ("1.001", AmountError::TooPrecise),
            ("12345678901234567", AmountError::TooLarge),
        ] {
            assert_eq!(Amount::parse(input), Err(err), "{input:?}");
        }
    }

    #[test]
    fn json_amount_is_a_string_never_a_number() {
        let a: Amount = serde_json::from_str("\"45.5\"").expect("string amount");
        assert_eq!(serde_json::to_string(&a).expect("serialize"), "\"45.50\"");
        assert!(serde_json::from_str::<Amount>("45.5").is_err());
    }

    #[test]
    fn rounding_is_half_up_to_the_kopeck() {
        let d = |s: &str| Decimal::from_str(s).expect("decimal");
        assert_eq!(round_half_up(d("1.005")).to_string(), "1.01");
        assert_eq!(round_half_up(d("1.0049")).to_string(), "1.00");
        assert_eq!(round_half_up(d("1.15")).to_string(), "1.15");
        assert_eq!(round_half_up(d("2")).to_string(), "2.00");
    }

    #[test]
    fn subtraction_never_goes_negative() {
        let a = Amount::parse("10.00").expect("amount");
        let b = Amount::parse("10.01").expect("amount");
        assert_eq!(a.checked_sub(b), None);
        assert_eq!(b.checked_sub(a).map(|x| x.to_string()), Some("0.01".into()));
        assert_eq!(b.minor_units(), 1001);
    }

    #[test]
    fn percent_bounds() {
        assert_eq!(Percent::parse("0.45").map(|p| p.to_string()), Ok("0.45".into()));
        assert_eq!(Percent::parse("100.5"), Err(AmountError::TooLarge));
        assert_eq!(Percent::parse("0.12345"), Err(AmountError::TooPrecise));
        assert_eq!(Percent::parse("-1"), Err(AmountError::Negative));
        let total = Percent::parse("0.7").expect("p") + Percent::parse("0.45").expect("p");
        assert_eq!(total.to_string(), "1.15");
    }
}
