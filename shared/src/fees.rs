//! The fee of an operation, fixed at creation from the terminal's tariff: one rule, used by
//! the server to charge and by the cabinet to preview.

use rust_decimal::Decimal;

use crate::{Amount, Percent, round_half_up};

/// A terminal's tariff: service %, bank % and the minimum total fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tariff {
    pub service_fee_percent: Percent,
    pub bank_fee_percent: Percent,
    pub min_fee: Amount,
}

/// A fee split into the bank's part and the service's part (zero by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fee {
    pub total: Amount,
    pub bank: Amount,
    pub service: Amount,
}

/// Half-up rounding to the kopeck (the one rule, from `shared`).
pub fn round(d: Decimal) -> Decimal {
    round_half_up(d)
}

impl Fee {
    pub const ZERO: Fee = Fee { total: Amount::ZERO, bank: Amount::ZERO, service: Amount::ZERO };
}

impl Tariff {
    pub fn total_percent(&self) -> Percent {
        self.service_fee_percent + self.bank_fee_percent
    }

    /// `total = max(round_half_up(amount × (service% + bank%) / 100), min_fee)`; the bank's part
    /// is `round_half_up(amount × bank% / 100)` (never more than the total); the service's part
    /// is the rest.
    pub fn fee_for(&self, amount: Amount) -> Fee {
        let hundred = Decimal::ONE_HUNDRED;
        let a = amount.as_decimal();
        let by_rate = round_half_up(a * self.total_percent().as_decimal() / hundred);
        let total = by_rate.max(self.min_fee.as_decimal());
        let bank = round_half_up(a * self.bank_fee_percent.as_decimal() / hundred).min(total);
        let service = total - bank;
        // All three are non-negative with two fraction digits by construction.
        let amt = |d: Decimal| Amount::from_decimal(d).unwrap_or(Amount::ZERO);
        Fee { total: amt(total), bank: amt(bank), service: amt(service) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tariff(service: &str, bank: &str, min: &str) -> Tariff {
        Tariff {
            service_fee_percent: Percent::parse(service).expect("percent"),
            bank_fee_percent: Percent::parse(bank).expect("percent"),
            min_fee: Amount::parse(min).expect("amount"),
        }
    }

    fn fee(t: &Tariff, amount: &str) -> (String, String, String) {
        let f = t.fee_for(Amount::parse(amount).expect("amount"));
        (f.total.to_string(), f.bank.to_string(), f.service.to_string())
    }

    #[test]
    fn the_manuals_ecom_example_hits_the_minimum() {
        // 100,00 ₽ at 1.15 % is 1,15 ₽, below the 45 ₽ minimum.
        let ecom = tariff("0.7", "0.45", "45.00");
        assert_eq!(fee(&ecom, "100.00"), ("45.00".into(), "0.45".into(), "44.55".into()));
    }

    #[test]
    fn above_the_minimum_the_rate_applies_with_half_up_rounding() {
        let ecom = tariff("0.7", "0.45", "45.00");
        // 10 000 × 1.15 % = 115.00; bank 45.00.
        assert_eq!(fee(&ecom, "10000.00"), ("115.00".into(), "45.00".into(), "70.00".into()));
        // 5 000.50 × 1.15 % = 57.50575 → 57.51; bank 22.502250 → 22.50.
        assert_eq!(fee(&ecom, "5000.50"), ("57.51".into(), "22.50".into(), "35.01".into()));
        let aft = tariff("0.5", "0.45", "0");
        // 1.00 × 0.95 % = 0.0095 → 0.01
        assert_eq!(fee(&aft, "1.00").0, "0.01");
        // 0.50 × 0.95 % = 0.00475 → 0.00
        assert_eq!(fee(&aft, "0.50").0, "0.00");
    }

    #[test]
    fn the_bank_part_never_exceeds_the_total() {
        let odd = tariff("0", "0.45", "0");
        let f = odd.fee_for(Amount::parse("1.11").expect("amount"));
        assert_eq!(f.total, f.bank);
        assert!(f.service.is_zero());
    }
}
