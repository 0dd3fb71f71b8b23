//! The ledger's rules: which balance transaction an operation posts when it succeeds, and the
//! balanced entries of each posting. Pure, so the property tests below can run them over any
//! sequence of operations; [`crate::ledger`] writes them, and the database checks that every
//! posting sums to zero at commit.
//!
//! Amounts are credit-positive: an account's balance is what ClickPay owes on it. A merchant's
//! `pending` and `available` are owed to the merchant; `fees` are fees charged to it and not yet
//! taken into the gateway's `fee_revenue` (its daily statement takes them); `bank_clearing` is
//! what the bank owes ClickPay for card money it booked, so it is negative.

use shared::dto::balance::BalanceTransactionType;
use shared::{Amount, OperationType, SignedAmount};
use time::{Date, Duration, OffsetDateTime};

use super::clock::moscow_day;

/// A ledger account: three per organization, two of the gateway's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// A merchant's payments not yet available (until the next Moscow day).
    Pending,
    /// A merchant's money that may be paid out; refunds and payouts take from it.
    Available,
    /// Fees charged to a merchant, until its daily statement moves them to `FeeRevenue`.
    Fees,
    /// The gateway's claim on the bank for the card money the bank booked.
    BankClearing,
    /// The gateway's income.
    FeeRevenue,
}

impl Account {
    pub const ALL: [Account; 5] =
        [Account::Pending, Account::Available, Account::Fees, Account::BankClearing, Account::FeeRevenue];

    pub fn as_str(&self) -> &'static str {
        match self {
            Account::Pending => "pending",
            Account::Available => "available",
            Account::Fees => "fees",
            Account::BankClearing => "bank_clearing",
            Account::FeeRevenue => "fee_revenue",
        }
    }

    pub fn parse(s: &str) -> Option<Account> {
        Account::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The gateway's own accounts belong to no organization.
    pub fn is_gateway(&self) -> bool {
        matches!(self, Account::BankClearing | Account::FeeRevenue)
    }
}

/// A balance transaction: `net = amount - fee`, money leaving the balance negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub kind: BalanceTransactionType,
    pub amount: SignedAmount,
    pub fee: Amount,
    pub net: SignedAmount,
    pub available_on: Date,
}

/// The kind of balance transaction an operation of this type posts.
pub fn kind_of(op: OperationType) -> BalanceTransactionType {
    match op {
        OperationType::Refund => BalanceTransactionType::Refund,
        OperationType::Oct => BalanceTransactionType::Payout,
        _ => BalanceTransactionType::Payment,
    }
}

/// What an operation posts when it succeeds at `at`: a payment its captured amount and fee,
/// available the next Moscow day; a refund its amount, no fee; a payout its amount and fee.
/// Refunds and payouts take from the available balance at once.
pub fn balance_transaction(op: OperationType, captured: Amount, fee: Amount, at: OffsetDateTime) -> Posted {
    let day = moscow_day(at);
    let kind = kind_of(op);
    let (amount, fee, available_on) = match kind {
        BalanceTransactionType::Payment => (SignedAmount::from(captured), fee, day + Duration::days(1)),
        BalanceTransactionType::Refund => (-SignedAmount::from(captured), Amount::ZERO, day),
        BalanceTransactionType::Payout => (-SignedAmount::from(captured), fee, day),
    };
    Posted { kind, amount, fee, net: amount - SignedAmount::from(fee), available_on }
}

/// The entries of a balance transaction: the merchant's `net` (to pending for a payment, to
/// available otherwise), the fee to the merchant's fees, and the card money against the bank.
/// Zero legs are left out; the rest sum to zero because `net = amount - fee`.
pub fn legs(p: &Posted) -> Vec<(Account, SignedAmount)> {
    let merchant = if p.kind == BalanceTransactionType::Payment { Account::Pending } else { Account::Available };
    nonzero([(merchant, p.net), (Account::Fees, SignedAmount::from(p.fee)), (Account::BankClearing, -p.amount)])
}

/// Payments becoming available: from pending to available.
pub fn release_legs(amount: SignedAmount) -> Vec<(Account, SignedAmount)> {
    nonzero([(Account::Pending, -amount), (Account::Available, amount)])
}

/// A day's fees taken into the gateway's income by the merchant's statement.
pub fn recognition_legs(amount: Amount) -> Vec<(Account, SignedAmount)> {
    let amount = SignedAmount::from(amount);
    nonzero([(Account::Fees, -amount), (Account::FeeRevenue, amount)])
}

fn nonzero<const N: usize>(legs: [(Account, SignedAmount); N]) -> Vec<(Account, SignedAmount)> {
    legs.into_iter().filter(|(_, a)| !a.is_zero()).collect()
}

/// The merchant's balance as the API shows it at `today` (Moscow): payments whose day has not
/// come are pending, everything else is available; together they are the sum of `net`.
pub fn split(total_net: SignedAmount, pending_net: SignedAmount) -> (SignedAmount, SignedAmount) {
    (total_net - pending_net, pending_net)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use time::macros::datetime;

    use super::*;

    fn amount(kopecks: u64) -> Amount {
        Amount::from_decimal(rust_decimal::Decimal::new(kopecks as i64, 2)).expect("amount")
    }

    fn s(v: &str) -> SignedAmount {
        SignedAmount::parse(v).expect("amount")
    }

    #[test]
    fn the_contracts_examples() {
        let at = datetime!(2026-12-01 21:30 UTC); // 00:30 on 2 December in Moscow
        let p = balance_transaction(OperationType::Ecom, amount(10_000), amount(4_500), at);
        assert_eq!((p.amount, p.fee, p.net), (s("100.00"), amount(4_500), s("55.00")));
        assert_eq!(p.available_on, time::macros::date!(2026 - 12 - 03), "the next Moscow day");
        let r = balance_transaction(OperationType::Refund, amount(4_000), amount(100), at);
        assert_eq!((r.amount, r.fee, r.net), (s("-40.00"), Amount::ZERO, s("-40.00")));
        assert_eq!(r.available_on, time::macros::date!(2026 - 12 - 02), "at once");
        let o = balance_transaction(OperationType::Oct, amount(150_000), amount(4_500), at);
        assert_eq!((o.amount, o.fee, o.net), (s("-1500.00"), amount(4_500), s("-1545.00")));
        assert_eq!(
            legs(&o),
            vec![
                (Account::Available, s("-1545.00")),
                (Account::Fees, s("45.00")),
                (Account::BankClearing, s("1500.00"))
            ]
        );
    }

    #[test]
    fn a_fee_above_the_amount_leaves_a_negative_net_and_still_balances() {
        let p = balance_transaction(OperationType::Aft, amount(1_000), amount(4_500), datetime!(2026-12-01 10:00 UTC));
        assert_eq!(p.net, s("-35.00"));
        assert_eq!(legs(&p).iter().map(|(_, a)| *a).sum::<SignedAmount>(), SignedAmount::ZERO);
    }

    /// What happens next to the model gateway.
    #[derive(Debug, Clone)]
    enum Step {
        /// A payment succeeds (one-stage) or is held (two-stage); its fee is the tariff's on
        /// what is taken.
        Pay {
            kopecks: u64,
            two_stage: bool,
        },
        /// The hold of payment `n` (modulo) is captured: all or a part (per mille).
        Capture {
            n: usize,
            part: u16,
        },
        /// A refund of payment `n` starts, for a part (per mille) of what is refundable.
        RefundStart {
            n: usize,
            part: u16,
        },
        /// The oldest processing refund ends.
        RefundEnd {
            succeeded: bool,
        },
        Payout {
            kopecks: u64,
            fee: u64,
        },
        /// Moscow midnight passes: yesterday's payments become available and its fees income.
        Midnight,
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            (1u64..5_000_000, any::<bool>()).prop_map(|(kopecks, two_stage)| Step::Pay { kopecks, two_stage }),
            (any::<usize>(), 1u16..=1000).prop_map(|(n, part)| Step::Capture { n, part }),
            (any::<usize>(), 1u16..=1000).prop_map(|(n, part)| Step::RefundStart { n, part }),
            any::<bool>().prop_map(|succeeded| Step::RefundEnd { succeeded }),
            (1u64..5_000_000, 0u64..10_000).prop_map(|(kopecks, fee)| Step::Payout { kopecks, fee }),
            Just(Step::Midnight),
        ]
    }

    /// The manual's ecom tariff: 0.7 % + 0.45 %, at least 45.00.
    fn tariff() -> crate::domain::fees::Tariff {
        crate::domain::fees::Tariff {
            service_fee_percent: shared::Percent::parse("0.7").expect("percent"),
            bank_fee_percent: shared::Percent::parse("0.45").expect("percent"),
            min_fee: Amount::parse("45").expect("amount"),
        }
    }

    #[derive(Debug, Default)]
    struct Payment {
        held: Option<Amount>,
        captured: Option<Amount>,
        /// Succeeded and processing refunds, as `operations.refunded_amount` counts them.
        refunded: Amount,
        refunds_succeeded: Amount,
    }

    /// A posting the model booked: the balance transaction, its legs, and when.
    type Booked = (Posted, Vec<(Account, SignedAmount)>, OffsetDateTime);

    struct Model {
        day: Date,
        payments: Vec<Payment>,
        refunds: std::collections::VecDeque<(usize, Amount)>,
        postings: Vec<Booked>,
        balances: BTreeMap<Account, SignedAmount>,
        released: SignedAmount,
        recognized: Amount,
        payouts: Amount,
    }

    impl Model {
        fn at(&self) -> OffsetDateTime {
            crate::domain::clock::moscow_midnight(self.day) + Duration::hours(12)
        }

        fn post(&mut self, op: OperationType, captured: Amount, fee: Amount) {
            let at = self.at();
            let p = balance_transaction(op, captured, fee, at);
            let l = legs(&p);
            self.book(&l);
            self.postings.push((p, l, at));
        }

        fn book(&mut self, legs: &[(Account, SignedAmount)]) {
            assert_eq!(legs.iter().map(|(_, a)| *a).sum::<SignedAmount>(), SignedAmount::ZERO, "{legs:?}");
            for (account, a) in legs {
                *self.balances.entry(*account).or_default() =
                    self.balances.get(account).copied().unwrap_or_default() + *a;
            }
        }

        fn apply(&mut self, step: Step) {
            match step {
                Step::Pay { kopecks, two_stage } => {
                    let a = amount(kopecks);
                    if two_stage {
                        // A hold posts nothing; its fee is known at capture.
                        self.payments.push(Payment { held: Some(a), ..Default::default() });
                    } else {
                        self.payments.push(Payment { captured: Some(a), ..Default::default() });
                        self.post(OperationType::Ecom, a, tariff().fee_for(a).total);
                    }
                }
                Step::Capture { n, part } => {
                    let Some(i) = (!self.payments.is_empty()).then(|| n % self.payments.len()) else { return };
                    let p = &mut self.payments[i];
                    let Some(held) = p.held.take() else { return };
                    let taken = part_of(held, part);
                    p.captured = Some(taken);
                    self.post(OperationType::Ecom, taken, tariff().fee_for(taken).total);
                }
                Step::RefundStart { n, part } => {
                    let Some(i) = (!self.payments.is_empty()).then(|| n % self.payments.len()) else { return };
                    let p = &mut self.payments[i];
                    let Some(captured) = p.captured else { return };
                    let Some(rest) = captured.checked_sub(p.refunded).filter(|r| !r.is_zero()) else { return };
                    let asked = part_of(rest, part);
                    p.refunded = p.refunded.checked_add(asked).expect("sum");
                    self.refunds.push_back((i, asked));
                }
                Step::RefundEnd { succeeded } => {
                    let Some((i, a)) = self.refunds.pop_front() else { return };
                    let p = &mut self.payments[i];
                    if succeeded {
                        p.refunds_succeeded = p.refunds_succeeded.checked_add(a).expect("sum");
                        self.post(OperationType::Refund, a, Amount::ZERO);
                    } else {
                        // A failed refund gives its reservation back.
                        p.refunded = p.refunded.checked_sub(a).expect("a failed refund was reserved");
                    }
                }
                Step::Payout { kopecks, fee } => {
                    let a = amount(kopecks);
                    self.payouts = self.payouts.checked_add(a).expect("sum");
                    self.post(OperationType::Oct, a, amount(fee));
                }
                Step::Midnight => {
                    let closed = self.day;
                    self.day += Duration::days(1);
                    // Release what became available by today, less what was released before.
                    let due: SignedAmount = self
                        .postings
                        .iter()
                        .filter(|(p, _, _)| p.kind == BalanceTransactionType::Payment && p.available_on <= self.day)
                        .map(|(p, _, _)| p.net)
                        .sum();
                    let release = release_legs(due - self.released);
                    self.book(&release);
                    self.released = due;
                    // The closed day's fees become income (the statement of that day does it).
                    let fees = self
                        .postings
                        .iter()
                        .filter(|(_, _, at)| moscow_day(*at) == closed)
                        .map(|(p, _, _)| p.fee)
                        .fold(Amount::ZERO, |a, b| a.checked_add(b).expect("sum"));
                    self.book(&recognition_legs(fees));
                    self.recognized = self.recognized.checked_add(fees).expect("sum");
                }
            }
        }
    }

    fn part_of(a: Amount, per_mille: u16) -> Amount {
        let d = shared::round_half_up(
            a.as_decimal() * rust_decimal::Decimal::from(per_mille) / rust_decimal::Decimal::from(1000),
        );
        let d = d.max(rust_decimal::Decimal::new(1, 2)).min(a.as_decimal());
        Amount::from_decimal(d).expect("part")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn the_ledger_balances_and_matches_the_operations(steps in proptest::collection::vec(step(), 1..80)) {
            let mut m = Model {
                day: time::macros::date!(2026 - 12 - 01),
                payments: Vec::new(),
                refunds: Default::default(),
                postings: Vec::new(),
                balances: BTreeMap::new(),
                released: SignedAmount::ZERO,
                recognized: Amount::ZERO,
                payouts: Amount::ZERO,
            };
            for s in steps {
                m.apply(s);
                // Never a negative reservation, never more refunded than captured.
                for p in &m.payments {
                    let captured = p.captured.unwrap_or(Amount::ZERO);
                    prop_assert!(p.refunded <= captured, "{p:?}");
                    prop_assert!(p.refunded.checked_sub(p.refunds_succeeded).is_some(), "{p:?}");
                }
            }
            let bal = |a: Account| m.balances.get(&a).copied().unwrap_or_default();
            let sum = |f: &dyn Fn(&Posted) -> SignedAmount| m.postings.iter().map(|(p, _, _)| f(p)).sum::<SignedAmount>();
            // Every posting balanced (checked as booked), so the whole ledger sums to zero.
            prop_assert_eq!(Account::ALL.iter().map(|a| bal(*a)).sum::<SignedAmount>(), SignedAmount::ZERO);
            // The merchant's balance is the sum of net, split by availability.
            let total = sum(&|p| p.net);
            prop_assert_eq!(bal(Account::Pending) + bal(Account::Available), total);
            let pending = sum(&|p| if p.kind == BalanceTransactionType::Payment && p.available_on > m.day { p.net } else { SignedAmount::ZERO });
            prop_assert_eq!(bal(Account::Pending), pending);
            let (available, pending_shown) = split(total, pending);
            prop_assert_eq!(available + pending_shown, total);
            // Fees: charged = recognized (closed days) + still accrued (today's).
            let fees = sum(&|p| SignedAmount::from(p.fee));
            prop_assert_eq!(bal(Account::Fees) + bal(Account::FeeRevenue), fees);
            let today: SignedAmount = m.postings.iter().filter(|(_, _, at)| moscow_day(*at) == m.day).map(|(p, _, _)| SignedAmount::from(p.fee)).sum();
            prop_assert_eq!(bal(Account::Fees), today);
            // The bank owes the captured money less what went back out to cards.
            let captured: SignedAmount = m.payments.iter().filter_map(|p| p.captured).map(SignedAmount::from).sum();
            let refunded: SignedAmount = m.payments.iter().map(|p| SignedAmount::from(p.refunds_succeeded)).sum();
            prop_assert_eq!(bal(Account::BankClearing), refunded + SignedAmount::from(m.payouts) - captured);
        }
    }
}
