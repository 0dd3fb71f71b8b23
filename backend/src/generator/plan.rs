//! Plans believable operations with the domain's own rules: the tariff's fee, the status
//! machine's transitions, masked cards, the sandbox bank's ids. Pure: no I/O.

use rand::Rng;
use rand::seq::SliceRandom;
use rust_decimal::Decimal;
use shared::ids::{OperationId, OrganizationId, TariffId, TerminalId};
use shared::{Amount, OperationStatus as S, OperationType as T, TerminalType};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::db::operations::acquirer_reference;
use crate::domain::card::CardNumber;
use crate::domain::fees::Tariff;
use crate::domain::status;
use crate::sandbox_bank::cards::bank_transaction_id;
use crate::sandbox_bank::wire::EntryType;

/// A terminal an organization can transact on, with its tariff.
#[derive(Debug, Clone)]
pub struct TerminalPlan {
    pub terminal_type: TerminalType,
    pub terminal_id: TerminalId,
    pub tariff_id: TariffId,
    pub tariff: Tariff,
}

/// An organization the generator fills.
#[derive(Debug, Clone)]
pub struct OrgPlan {
    pub id: OrganizationId,
    pub bank_name: String,
    pub terminals: Vec<TerminalPlan>,
}

/// One planned row of `operations`, with its status history.
#[derive(Debug, Clone)]
pub struct PlannedOperation {
    pub id: OperationId,
    pub organization_id: OrganizationId,
    pub kind: T,
    pub parent_id: Option<OperationId>,
    pub terminal_id: Option<TerminalId>,
    pub tariff_id: Option<TariffId>,
    pub status: S,
    pub amount: Amount,
    pub fee: Amount,
    pub fee_service: Amount,
    pub fee_bank: Amount,
    pub refunded_amount: Amount,
    pub order_id: Option<String>,
    pub description: Option<String>,
    pub reason: Option<String>,
    pub card_mask: String,
    pub card_last4: String,
    pub card_brand: &'static str,
    pub card_holder: &'static str,
    pub card_exp: (i16, i16),
    pub bank_name: String,
    pub bank_transaction_id: Option<String>,
    pub error: Option<(&'static str, &'static str)>,
    pub created_at: OffsetDateTime,
    pub executed_at: OffsetDateTime,
    /// `(from, to, at, error code)` for each status the operation passed through.
    pub history: Vec<(Option<S>, S, OffsetDateTime, Option<&'static str>)>,
}

const HOLDERS: &[&str] = &[
    "IVAN IVANOV",
    "MARIA PETROVA",
    "ALEKSEI SMIRNOV",
    "OLGA KUZNETSOVA",
    "DMITRII POPOV",
    "ANNA VASILEVA",
    "SERGEI SOKOLOV",
    "ELENA MIKHAILOVA",
    "NIKOLAI NOVIKOV",
    "TATIANA FEDOROVA",
    "PAVEL MOROZOV",
    "IRINA VOLKOVA",
];

/// A pool of Luhn-valid cards of the three brands.
pub fn card_pool<R: Rng>(rng: &mut R, size: usize) -> Vec<CardNumber> {
    let prefixes = ["4", "51", "52", "53", "54", "55", "2200", "2201", "2202", "2204"];
    let mut pool = Vec::with_capacity(size);
    while pool.len() < size {
        let prefix = prefixes[rng.gen_range(0..prefixes.len())];
        let mut digits: String = prefix.to_owned();
        while digits.len() < 15 {
            digits.push(char::from(b'0' + rng.gen_range(0..10u8)));
        }
        for check in 0..10u8 {
            if let Ok(card) = CardNumber::parse(&format!("{digits}{check}")) {
                pool.push(card);
                break;
            }
        }
    }
    pool
}

/// An amount shaped like real shop traffic: many small tickets, some round sums, a long tail.
fn amount<R: Rng>(rng: &mut R, kind: T) -> Amount {
    let base: f64 = match kind {
        T::Oct => rng.gen_range(500.0..60_000.0),
        _ => {
            let r: f64 = rng.r#gen();
            if r < 0.6 {
                rng.gen_range(50.0..3_000.0)
            } else if r < 0.95 {
                rng.gen_range(3_000.0..25_000.0)
            } else {
                rng.gen_range(25_000.0..250_000.0)
            }
        }
    };
    let kopecks = if rng.gen_bool(0.3) { (base as i64 / 100) * 10_000 } else { (base * 100.0) as i64 };
    Amount::from_decimal(Decimal::new(kopecks.max(1_000), 2)).unwrap_or(Amount::ZERO)
}

/// A creation time within `[from, to)`, busier in the daytime (Moscow).
fn created_at<R: Rng>(rng: &mut R, from: OffsetDateTime, to: OffsetDateTime) -> OffsetDateTime {
    let span = (to - from).whole_seconds().max(1);
    loop {
        let t = from + Duration::seconds(rng.gen_range(0..span));
        let msk_hour = (t.hour() + 3) % 24;
        let weight = if (9..23).contains(&msk_hour) { 1.0 } else { 0.25 };
        if rng.gen_bool(weight) {
            return t.replace_nanosecond(0).unwrap_or(t);
        }
    }
}

fn id_at(t: OffsetDateTime, rng: &mut impl Rng) -> OperationId {
    let ts = uuid::Timestamp::from_unix(uuid::NoContext, t.unix_timestamp() as u64, rng.gen_range(0..1_000_000_000));
    OperationId(Uuid::new_v7(ts))
}

/// Walks `path` through the status machine, recording each step.
fn walk(
    kind: T,
    path: &[S],
    start: OffsetDateTime,
    end: OffsetDateTime,
    error: Option<&'static str>,
) -> Vec<(Option<S>, S, OffsetDateTime, Option<&'static str>)> {
    let mut out = Vec::with_capacity(path.len());
    let mut from = None;
    for (i, to) in path.iter().enumerate() {
        // The plan only takes legal paths; a mistake here is a bug in the generator.
        debug_assert!(status::allowed(kind, from, *to), "{kind}: {from:?} -> {to}");
        let at = if i == 0 { start } else { end };
        out.push((from, *to, at, if *to == S::Failed { error } else { None }));
        from = Some(*to);
    }
    out
}

/// One payment or payout, and any refunds of it; the refunds come after their payment.
pub fn plan<R: Rng>(
    rng: &mut R,
    org: &OrgPlan,
    cards: &[CardNumber],
    seq: u64,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Vec<PlannedOperation> {
    let terminal = &org.terminals[weighted_terminal(rng, org)];
    let kind = T::from(terminal.terminal_type);
    let amount = amount(rng, kind);
    let card = cards.choose(rng).unwrap_or_else(|| unreachable!("the card pool is never empty"));
    let created = created_at(rng, from, to);
    let challenged = kind != T::Oct && rng.gen_bool(0.15);
    let executed = created + Duration::seconds(if challenged { rng.gen_range(20..180) } else { rng.gen_range(1..6) });
    let roll: f64 = rng.r#gen();
    let error: Option<(&'static str, &'static str)> = match kind {
        T::Oct if roll < 0.05 => Some(("card_declined", "The card was declined.")),
        T::Oct => None,
        _ if roll < 0.045 => Some(("card_declined", "The card was declined.")),
        _ if roll < 0.085 => Some(("insufficient_funds", "The card has insufficient funds.")),
        _ if roll < 0.095 => Some(("expired_card", "The card has expired.")),
        _ if challenged && roll < 0.12 => Some(("authentication_failed", "3-D Secure authentication failed.")),
        _ => None,
    };
    let mut path = match kind {
        T::Oct => vec![S::Processing],
        _ if challenged => vec![S::Created, S::Authentication],
        _ => vec![S::Created],
    };
    path.push(if error.is_some() { S::Failed } else { S::Succeeded });
    let fee = if error.is_some() { crate::domain::fees::Fee::ZERO } else { terminal.tariff.fee_for(amount) };
    let id = id_at(created, rng);
    let reference = acquirer_reference(id);
    let mut payment = PlannedOperation {
        id,
        organization_id: org.id,
        kind,
        parent_id: None,
        terminal_id: Some(terminal.terminal_id),
        tariff_id: Some(terminal.tariff_id),
        status: *path.last().unwrap_or(&S::Failed),
        amount,
        fee: fee.total,
        fee_service: fee.service,
        fee_bank: fee.bank,
        refunded_amount: Amount::ZERO,
        order_id: Some(format!("order-{seq}")),
        description: Some(format!("Заказ №{seq}")),
        reason: None,
        card_mask: card.mask(),
        card_last4: card.last4().to_owned(),
        card_brand: card.brand().as_str(),
        card_holder: HOLDERS[rng.gen_range(0..HOLDERS.len())],
        card_exp: (rng.gen_range(1..=12), rng.gen_range(2027..=2031)),
        bank_name: org.bank_name.clone(),
        bank_transaction_id: error.is_none().then(|| {
            bank_transaction_id(&reference, if kind == T::Oct { EntryType::Credit } else { EntryType::Debit })
        }),
        error,
        created_at: created,
        executed_at: executed,
        history: walk(kind, &path, created, executed, error.map(|e| e.0)),
    };
    let mut out = Vec::new();
    if payment.status == S::Succeeded && kind != T::Oct && rng.gen_bool(0.06) {
        out = refunds(rng, &mut payment, to);
    }
    out.insert(0, payment);
    out
}

fn weighted_terminal<R: Rng>(rng: &mut R, org: &OrgPlan) -> usize {
    // Most traffic is ecom; then payouts and account funding.
    let weights: Vec<u32> = org
        .terminals
        .iter()
        .map(|t| match t.terminal_type {
            TerminalType::Ecom => 70,
            TerminalType::Aft => 12,
            TerminalType::Oct => 18,
        })
        .collect();
    let total: u32 = weights.iter().sum();
    let mut pick = rng.gen_range(0..total.max(1));
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    0
}

/// One full or one or two partial refunds; a few fail, as refunds sometimes do.
fn refunds<R: Rng>(rng: &mut R, payment: &mut PlannedOperation, to: OffsetDateTime) -> Vec<PlannedOperation> {
    let count = if rng.gen_bool(0.5) { 1 } else { 2 };
    let full = count == 1 && rng.gen_bool(0.6);
    let mut out = Vec::new();
    let mut at = payment.executed_at;
    let mut refunded = Amount::ZERO;
    for i in 0..count {
        at += Duration::seconds(rng.gen_range(3_600..864_000));
        if at >= to {
            break;
        }
        let remaining = payment.amount.checked_sub(refunded).unwrap_or(Amount::ZERO);
        let amount = if full || (i == 1 && rng.gen_bool(0.5)) {
            remaining
        } else {
            let share = Decimal::new(rng.gen_range(10..60), 2);
            Amount::from_decimal(crate::domain::fees::round(remaining.as_decimal() * share)).unwrap_or(Amount::ZERO)
        };
        if amount.is_zero() {
            break;
        }
        let failed = rng.gen_bool(0.04);
        let id = id_at(at, rng);
        let executed = at + Duration::seconds(rng.gen_range(1..4));
        let status = if failed { S::Failed } else { S::Succeeded };
        let error = failed.then_some(("refund_failed", "The bank refused the refund."));
        out.push(PlannedOperation {
            id,
            organization_id: payment.organization_id,
            kind: T::Refund,
            parent_id: Some(payment.id),
            terminal_id: None,
            tariff_id: None,
            status,
            amount,
            fee: Amount::ZERO,
            fee_service: Amount::ZERO,
            fee_bank: Amount::ZERO,
            refunded_amount: Amount::ZERO,
            order_id: payment.order_id.clone(),
            description: None,
            reason: Some(if i == 0 { "Возврат товара" } else { "Частичный возврат" }.to_owned()),
            card_mask: payment.card_mask.clone(),
            card_last4: payment.card_last4.clone(),
            card_brand: payment.card_brand,
            card_holder: payment.card_holder,
            card_exp: payment.card_exp,
            bank_name: payment.bank_name.clone(),
            bank_transaction_id: (!failed).then(|| bank_transaction_id(&acquirer_reference(id), EntryType::Refund)),
            error,
            created_at: at,
            executed_at: executed,
            history: walk(T::Refund, &[S::Processing, status], at, executed, error.map(|e| e.0)),
        });
        if !failed {
            refunded = refunded.checked_add(amount).unwrap_or(refunded);
            let next = if refunded >= payment.amount { S::Refunded } else { S::PartiallyRefunded };
            debug_assert!(status::allowed(payment.kind, Some(payment.status), next));
            payment.history.push((Some(payment.status), next, executed, None));
            payment.status = next;
        }
    }
    payment.refunded_amount = refunded;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use shared::Percent;
    use time::macros::datetime;

    fn org() -> OrgPlan {
        let t = |terminal_type, service: &str| TerminalPlan {
            terminal_type,
            terminal_id: TerminalId(Uuid::nil()),
            tariff_id: TariffId(Uuid::nil()),
            tariff: Tariff {
                service_fee_percent: Percent::parse(service).expect("p"),
                bank_fee_percent: Percent::parse("0.45").expect("p"),
                min_fee: Amount::parse("45").expect("a"),
            },
        };
        OrgPlan {
            id: OrganizationId(Uuid::nil()),
            bank_name: "Bank".into(),
            terminals: vec![t(TerminalType::Aft, "0.5"), t(TerminalType::Oct, "0.6"), t(TerminalType::Ecom, "0.7")],
        }
    }

    #[test]
    fn every_planned_operation_obeys_the_domain_rules() {
        let mut rng = StdRng::seed_from_u64(7);
        let org = org();
        let cards = card_pool(&mut rng, 50);
        let (from, to) = (datetime!(2025-11-28 0:00 UTC), datetime!(2026-11-28 0:00 UTC));
        let mut statuses = std::collections::HashSet::new();
        let mut errors = std::collections::HashSet::new();
        for seq in 0..5_000 {
            let ops = plan(&mut rng, &org, &cards, seq, from, to);
            let payment = &ops[0];
            let tariff =
                &org.terminals.iter().find(|t| T::from(t.terminal_type) == payment.kind).expect("terminal").tariff;
            if payment.status == S::Failed {
                assert!(payment.fee.is_zero() && payment.bank_transaction_id.is_none());
            } else {
                assert_eq!(payment.fee, tariff.fee_for(payment.amount).total);
            }
            assert_eq!(payment.fee_service.checked_add(payment.fee_bank), Some(payment.fee));
            let refunded: Decimal =
                ops[1..].iter().filter(|r| r.status == S::Succeeded).map(|r| r.amount.as_decimal()).sum();
            assert_eq!(payment.refunded_amount.as_decimal(), refunded);
            assert!(payment.refunded_amount <= payment.amount);
            for op in &ops {
                assert!(op.created_at >= from && op.created_at < to + Duration::days(11));
                let mut prev = None;
                for (f, t, _, _) in &op.history {
                    assert_eq!(*f, prev);
                    assert!(status::allowed(op.kind, *f, *t), "{:?} {f:?} -> {t}", op.kind);
                    prev = Some(*t);
                }
                assert_eq!(prev, Some(op.status));
                assert!(
                    matches!(op.status, S::Succeeded | S::Failed | S::PartiallyRefunded | S::Refunded),
                    "final states only"
                );
                statuses.insert(op.status);
                if let Some((code, _)) = op.error {
                    errors.insert(code);
                }
            }
        }
        assert_eq!(statuses.len(), 4);
        for code in ["card_declined", "insufficient_funds", "expired_card", "authentication_failed", "refund_failed"] {
            assert!(errors.contains(code), "{code} never planned");
        }
    }
}
