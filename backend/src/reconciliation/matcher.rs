//! The one-to-one match of a day's register with the gateway's operations, by (reference,
//! type): a pure function over the two lists, so every case is tested without a bank.
//!
//! Which day a booking belongs to: the bank's day when the register has its line, else the day
//! the gateway recorded the answer. Both lists reach a grace window past the day's bounds, so
//! a booking whose two times fall either side of midnight pairs up and counts once, in the
//! bank's day, never as a mismatch. The register is also read back to the earliest moment a
//! booking recorded in the day was sent (the bank books between the gateway's send and its
//! record of the answer), so an answer recorded late, by settlement, still finds its line.

use std::collections::{HashMap, HashSet};

use shared::dto::reconciliation::DiscrepancyKind as K;
use time::{Duration, OffsetDateTime};

use super::expected::{Expect, Expected, GatewayOp};
use crate::acquirer::{BookingKind, RegisterEntry};

/// A Moscow day, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
}

impl Day {
    pub fn contains(&self, t: OffsetDateTime) -> bool {
        self.start <= t && t < self.end
    }
}

/// What a run makes of one (reference, type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Matched,
    Mismatch(K),
    /// The operation still waits for the answer the register already holds: recovery may
    /// settle it.
    AwaitsAnswer,
}

/// One (reference, type) of the day on which the two sides do not (yet) agree.
#[derive(Debug, Clone)]
pub struct Finding {
    pub reference: String,
    pub kind: BookingKind,
    pub verdict: Verdict,
    pub bank: Option<RegisterEntry>,
    /// The operation under the reference, and what it expects of this type.
    pub gateway: Option<(GatewayOp, Option<Expected>)>,
}

/// The day's register lines, those that agree, and the rest.
#[derive(Debug, Default)]
pub struct Tally {
    pub bank_lines: u64,
    pub matched: u64,
    pub findings: Vec<Finding>,
}

/// From when the register must be read for `day`: its start less the grace window, or earlier
/// when a booking the gateway recorded in the day (or its grace window) was sent before that.
pub fn fetch_from(day: &Day, grace: Duration, ops: &[GatewayOp]) -> OffsetDateTime {
    let reach = Day { start: day.start - grace, end: day.end + grace };
    ops.iter()
        .flat_map(|op| &op.expected)
        .filter(|e| e.recorded_at.is_some_and(|t| reach.contains(t)))
        .map(|e| e.sent_at - grace)
        .fold(reach.start, OffsetDateTime::min)
}

/// Compares one register line with what its operation expects (`None`: no operation).
pub fn judge(line: &RegisterEntry, op: Option<&GatewayOp>) -> Verdict {
    let Some(op) = op else { return Verdict::Mismatch(K::MissingAtGateway) };
    let Some(expected) = op.expects(line.kind) else { return Verdict::Mismatch(K::MissingAtGateway) };
    match (&expected.expect, line.approved) {
        (Expect::Pending, _) => Verdict::AwaitsAnswer,
        (Expect::Approved { amount, currency, bank_transaction_id }, true) => {
            if *amount != line.amount || *currency != line.currency {
                Verdict::Mismatch(K::AmountDiffers)
            } else if bank_transaction_id.as_ref().is_some_and(|id| *id != line.bank_transaction_id) {
                Verdict::Mismatch(K::BankIdDiffers)
            } else {
                Verdict::Matched
            }
        }
        (Expect::DeclinedOrNothing, false) => Verdict::Matched,
        // Approved on one side only, or a booking the operation never asked for.
        (Expect::Approved { .. }, false) | (Expect::DeclinedOrNothing | Expect::Nothing, _) => {
            Verdict::Mismatch(K::StatusDiffers)
        }
    }
}

/// Matches `register` (read from [`fetch_from`] to the day's end plus the grace window) with
/// `ops` (those recorded within the day and its grace window, and those the register names).
pub fn reconcile(day: &Day, register: &[RegisterEntry], ops: &[GatewayOp]) -> Tally {
    let by_reference: HashMap<&str, &GatewayOp> =
        ops.iter().map(|op| (op.facts.acquirer_reference.as_str(), op)).collect();
    let mut tally = Tally::default();
    let mut lined: HashSet<(&str, BookingKind)> = HashSet::new();
    for line in register {
        // The register holds each (reference, type) once; a repeat would be the bank's error.
        if !lined.insert((line.reference.as_str(), line.kind)) || !day.contains(line.booked_at) {
            continue;
        }
        tally.bank_lines += 1;
        let op = by_reference.get(line.reference.as_str()).copied();
        match judge(line, op) {
            Verdict::Matched => tally.matched += 1,
            verdict => tally.findings.push(Finding {
                reference: line.reference.clone(),
                kind: line.kind,
                verdict,
                bank: Some(line.clone()),
                gateway: op.map(|op| (op.clone(), op.expects(line.kind).cloned())),
            }),
        }
    }
    // The gateway's approvals of the day that the register lacks.
    for op in ops {
        for e in &op.expected {
            let recorded_in_day = e.recorded_at.is_some_and(|t| day.contains(t));
            if matches!(e.expect, Expect::Approved { .. })
                && recorded_in_day
                && !lined.contains(&(op.facts.acquirer_reference.as_str(), e.kind))
            {
                tally.findings.push(Finding {
                    reference: op.facts.acquirer_reference.clone(),
                    kind: e.kind,
                    verdict: Verdict::Mismatch(K::MissingAtBank),
                    bank: None,
                    gateway: Some((op.clone(), Some(e.clone()))),
                });
            }
        }
    }
    tally
}

#[cfg(test)]
mod tests {
    use shared::OperationStatus as S;
    use time::macros::datetime;

    use super::*;
    use crate::reconciliation::expected::tests::{amount, facts};

    /// 30 November 2026 in Moscow.
    const DAY: Day = Day { start: datetime!(2026-11-29 21:00 UTC), end: datetime!(2026-11-30 21:00 UTC) };
    const GRACE: Duration = Duration::minutes(10);

    fn op(status: S) -> GatewayOp {
        GatewayOp::new(facts(status))
    }

    fn line_of(op: &GatewayOp, amount_text: &str, approved: bool) -> RegisterEntry {
        let e = &op.expected[0];
        RegisterEntry {
            reference: op.facts.acquirer_reference.clone(),
            kind: e.kind,
            amount: amount(amount_text),
            currency: "RUB".into(),
            approved,
            bank_transaction_id: op.facts.bank_transaction_id.clone().unwrap_or_default(),
            booked_at: op.facts.created_at,
        }
    }

    fn kinds(t: &Tally) -> Vec<Verdict> {
        t.findings.iter().map(|f| f.verdict).collect()
    }

    #[test]
    fn agreeing_sides_match_one_to_one() {
        let ok = op(S::Succeeded);
        let mut failed = op(S::Failed);
        failed.facts.acquirer_reference = "ref-2".into();
        let mut never_sent = op(S::Failed);
        never_sent.facts.acquirer_reference = "ref-3".into();
        let register = [line_of(&ok, "100.00", true), line_of(&failed, "100.00", false)];
        let t = reconcile(&DAY, &register, &[ok, failed, never_sent]);
        assert_eq!((t.bank_lines, t.matched), (2, 2));
        assert!(t.findings.is_empty(), "a failed payment the bank never saw is no mismatch: {:?}", t.findings);
    }

    #[test]
    fn each_kind_of_mismatch_is_named() {
        let cases: [(S, &str, bool, Verdict); 5] = [
            (S::Succeeded, "99.00", true, Verdict::Mismatch(K::AmountDiffers)),
            (S::Succeeded, "100.00", false, Verdict::Mismatch(K::StatusDiffers)),
            (S::Failed, "100.00", true, Verdict::Mismatch(K::StatusDiffers)),
            (S::Processing, "100.00", true, Verdict::AwaitsAnswer),
            (S::Authentication, "100.00", false, Verdict::AwaitsAnswer),
        ];
        for (status, amount_text, approved, verdict) in cases {
            let o = op(status);
            let t = reconcile(&DAY, &[line_of(&o, amount_text, approved)], &[o]);
            assert_eq!(kinds(&t), vec![verdict], "{status} against {amount_text} approved={approved}");
            assert_eq!(t.matched, 0);
        }
        let mut other_id = line_of(&op(S::Succeeded), "100.00", true);
        other_id.bank_transaction_id = "999".into();
        let o = op(S::Succeeded);
        other_id.reference = o.facts.acquirer_reference.clone();
        assert_eq!(kinds(&reconcile(&DAY, &[other_id], &[o])), vec![Verdict::Mismatch(K::BankIdDiffers)]);
        // The bank's line without an operation, and the gateway's approval without a line.
        let stranger = line_of(&op(S::Succeeded), "5.00", true);
        let t = reconcile(&DAY, std::slice::from_ref(&stranger), &[]);
        assert_eq!(kinds(&t), vec![Verdict::Mismatch(K::MissingAtGateway)]);
        assert!(t.findings[0].gateway.is_none());
        let t = reconcile(&DAY, &[], &[op(S::Succeeded)]);
        assert_eq!(kinds(&t), vec![Verdict::Mismatch(K::MissingAtBank)]);
        assert!(t.findings[0].bank.is_none());
        // A type the operation never books is missing at the gateway; one it has not booked
        // (a capture of a hold still authorized) is a status difference.
        let paid = op(S::Succeeded);
        let mut credit = stranger.clone();
        credit.reference = paid.facts.acquirer_reference.clone();
        credit.kind = BookingKind::Credit;
        let t = reconcile(&DAY, &[line_of(&paid, "100.00", true), credit], &[paid]);
        assert_eq!((t.matched, kinds(&t)), (1, vec![Verdict::Mismatch(K::MissingAtGateway)]));
        let mut held = facts(S::Authorized);
        held.capture = false;
        let held = GatewayOp::new(held);
        let mut capture = line_of(&held, "100.00", true);
        capture.kind = BookingKind::Capture;
        assert_eq!(
            kinds(&reconcile(&DAY, &[line_of(&held, "100.00", true), capture], &[held])),
            vec![Verdict::Mismatch(K::StatusDiffers)]
        );
    }

    #[test]
    fn a_booking_either_side_of_midnight_within_the_grace_window_counts_once_in_the_banks_day() {
        let next = Day { start: DAY.end, end: DAY.end + Duration::days(1) };
        // Booked at 23:58, recorded by the gateway at 00:03.
        let mut late = op(S::Succeeded);
        late.facts.created_at = DAY.end - Duration::minutes(2);
        late.facts.executed_at = Some(DAY.end + Duration::minutes(3));
        let late = GatewayOp::new(late.facts);
        let line = line_of(&late, "100.00", true);
        let ops = [late];
        // The run of the 30th reads its register back from 23:50 of the 29th to 00:10 of the 1st.
        assert_eq!(fetch_from(&DAY, GRACE, &ops), DAY.start - GRACE);
        let t = reconcile(&DAY, std::slice::from_ref(&line), &ops);
        assert_eq!((t.bank_lines, t.matched, t.findings.len()), (1, 1, 0));
        let t = reconcile(&next, std::slice::from_ref(&line), &ops);
        assert_eq!((t.bank_lines, t.matched, t.findings.len()), (0, 0, 0), "not the next day's, not missing there");

        // The reverse: recorded at 23:59 by the gateway's clock, booked at 00:04 by the bank's.
        let mut early = op(S::Succeeded);
        early.facts.created_at = DAY.end - Duration::minutes(1);
        early.facts.executed_at = Some(DAY.end - Duration::minutes(1));
        let early = GatewayOp::new(early.facts);
        let mut line = line_of(&early, "100.00", true);
        line.booked_at = DAY.end + Duration::minutes(4);
        let ops = [early];
        assert!(reconcile(&DAY, std::slice::from_ref(&line), &ops).findings.is_empty());
        let t = reconcile(&next, std::slice::from_ref(&line), &ops);
        assert_eq!((t.matched, t.findings.len()), (1, 0));
        // Past the window the register read for the 30th has no such line: missing at the bank.
        assert_eq!(kinds(&reconcile(&DAY, &[], &ops)), vec![Verdict::Mismatch(K::MissingAtBank)]);
    }

    #[test]
    fn a_late_recorded_answer_reaches_back_to_when_it_was_sent() {
        // Sent at 22:00 on the 29th, settled at 02:00 on the 30th.
        let mut slow = op(S::Succeeded);
        slow.facts.created_at = datetime!(2026-11-29 19:00 UTC);
        slow.facts.executed_at = Some(datetime!(2026-11-29 23:00 UTC));
        let slow = GatewayOp::new(slow.facts);
        assert_eq!(fetch_from(&DAY, GRACE, std::slice::from_ref(&slow)), datetime!(2026-11-29 18:50 UTC));
        let line = line_of(&slow, "100.00", true);
        let t = reconcile(&DAY, std::slice::from_ref(&line), std::slice::from_ref(&slow));
        assert_eq!((t.bank_lines, t.matched, t.findings.len()), (0, 0, 0), "the line is the 29th's");
    }
}
