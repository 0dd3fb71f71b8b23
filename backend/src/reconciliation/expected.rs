//! What an operation says the bank booked under its reference, type by type: the contract's
//! rule («The sandbox bank») read from the gateway's side, with the times that place each
//! booking in a day. Pure, so every status is tested without a bank.

use shared::{Amount, OperationStatus as S, OperationType as T};
use time::OffsetDateTime;

use crate::acquirer::BookingKind;
use crate::db::operations::HoldStep;
use crate::db::reconciliation::OperationFacts;

/// What the register should hold for one (reference, type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// An approval of this amount (and, where the gateway keeps it, this bank transaction id).
    Approved { amount: Amount, currency: String, bank_transaction_id: Option<String> },
    /// A decline, or no line: a failed operation may never have reached the bank.
    DeclinedOrNothing,
    /// No answer recorded yet: the operation waits for the bank's answer to this booking.
    Pending,
    /// No line: the operation never asked for this booking (yet).
    Nothing,
}

/// One booking the gateway expects, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub kind: BookingKind,
    pub expect: Expect,
    /// The earliest the bank can have booked it: when the gateway committed it to go.
    pub sent_at: OffsetDateTime,
    /// When the gateway recorded the bank's answer (none while it waits).
    pub recorded_at: Option<OffsetDateTime>,
}

/// An operation with the bookings it expects; a type not listed is one an operation of its
/// kind never books.
#[derive(Debug, Clone)]
pub struct GatewayOp {
    pub facts: OperationFacts,
    pub expected: Vec<Expected>,
}

impl GatewayOp {
    pub fn new(facts: OperationFacts) -> GatewayOp {
        let expected = expected(&facts);
        GatewayOp { facts, expected }
    }

    pub fn expects(&self, kind: BookingKind) -> Option<&Expected> {
        self.expected.iter().find(|e| e.kind == kind)
    }
}

fn charged(status: S) -> bool {
    matches!(status, S::Succeeded | S::PartiallyRefunded | S::Refunded)
}

fn approved(f: &OperationFacts, amount: Amount, bank_id: bool) -> Expect {
    Expect::Approved {
        amount,
        currency: f.currency.clone(),
        bank_transaction_id: bank_id.then(|| f.bank_transaction_id.clone()).flatten(),
    }
}

/// The bookings an operation expects, by the rule: a one-stage payment's debit, a payout's
/// credit and a refund's refund are approved when it succeeded (of its amount, under its bank
/// id), declined or absent when it failed, pending while it waits; a two-stage payment's hold
/// is approved once it was authorized, then its capture (of the captured amount) or its
/// release, never both.
pub fn expected(f: &OperationFacts) -> Vec<Expected> {
    let first = |expect: Expect, recorded_at: Option<OffsetDateTime>| Expected {
        kind: match f.kind {
            T::Oct => BookingKind::Credit,
            T::Refund => BookingKind::Refund,
            T::Ecom | T::Aft if f.capture => BookingKind::Debit,
            T::Ecom | T::Aft => BookingKind::Hold,
        },
        expect,
        sent_at: f.created_at,
        recorded_at,
    };
    let waiting = matches!(f.status, S::Created | S::Authentication | S::Processing);
    if f.capture || !f.kind.is_payment() {
        let expect = match f.status {
            _ if waiting => Expect::Pending,
            s if charged(s) => approved(f, f.captured_amount.unwrap_or(f.amount), true),
            S::Failed => Expect::DeclinedOrNothing,
            // A one-stage payment is never held; the status machine keeps it from here.
            _ => Expect::Nothing,
        };
        let recorded = (!waiting).then_some(f.executed_at).flatten();
        return vec![first(expect, recorded)];
    }
    // A two-stage payment: its hold, then a capture or a release.
    let step = if f.status == S::Processing { f.hold_step } else { None };
    let hold = match f.status {
        _ if waiting && step.is_none() => Expect::Pending,
        S::Failed => Expect::DeclinedOrNothing,
        _ => approved(f, f.amount, true),
    };
    let hold_recorded = match hold {
        Expect::Pending => None,
        Expect::DeclinedOrNothing => f.executed_at,
        _ => f.authorized_at.or(f.executed_at),
    };
    let step_sent = f.step_sent_at.unwrap_or(f.created_at);
    let capture = match (f.status, step) {
        (_, Some(HoldStep::Capture)) => (Expect::Pending, None),
        (s, _) if charged(s) => {
            (approved(f, f.captured_amount.unwrap_or(f.amount), false), f.succeeded_at.or(f.executed_at))
        }
        // A declined capture ends in a release.
        (S::Canceled, _) | (_, Some(HoldStep::Release)) => (Expect::DeclinedOrNothing, None),
        _ => (Expect::Nothing, None),
    };
    let release = match (f.status, step) {
        (_, Some(HoldStep::Release)) => (Expect::Pending, None),
        (S::Canceled, _) => (approved(f, f.amount, false), f.canceled_at.or(f.executed_at)),
        _ => (Expect::Nothing, None),
    };
    vec![
        first(hold, hold_recorded),
        Expected { kind: BookingKind::Capture, expect: capture.0, sent_at: step_sent, recorded_at: capture.1 },
        Expected { kind: BookingKind::Release, expect: release.0, sent_at: step_sent, recorded_at: release.1 },
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use shared::ids::{OperationId, OrganizationId};
    use time::macros::datetime;

    use super::*;

    pub fn amount(s: &str) -> Amount {
        Amount::parse(s).expect("amount")
    }

    /// A one-stage ecom payment of 100.00, created at noon and answered a second later.
    pub fn facts(status: S) -> OperationFacts {
        let at = datetime!(2026-11-30 12:00 UTC);
        OperationFacts {
            id: OperationId(uuid::Uuid::now_v7()),
            organization_id: OrganizationId(uuid::Uuid::nil()),
            organization_name: "ООО Ромашка".into(),
            kind: T::Ecom,
            status,
            amount: amount("100.00"),
            currency: "RUB".into(),
            capture: true,
            captured_amount: charged(status).then(|| amount("100.00")),
            hold_step: None,
            acquirer_reference: "ref-1".into(),
            bank_transaction_id: Some("412345678901".into()),
            created_at: at,
            executed_at: (!matches!(status, S::Created | S::Authentication | S::Processing))
                .then_some(at + time::Duration::seconds(1)),
            authorized_at: None,
            succeeded_at: None,
            canceled_at: None,
            step_sent_at: None,
        }
    }

    fn expects(f: &OperationFacts) -> Vec<(BookingKind, Expect)> {
        expected(f).into_iter().map(|e| (e.kind, e.expect)).collect()
    }

    #[test]
    fn a_one_stage_payment_expects_its_debit_by_status() {
        let ok = approved(&facts(S::Succeeded), amount("100.00"), true);
        assert_eq!(expects(&facts(S::Succeeded)), vec![(BookingKind::Debit, ok.clone())]);
        assert_eq!(expects(&facts(S::Refunded)), vec![(BookingKind::Debit, ok)]);
        assert_eq!(expects(&facts(S::Failed)), vec![(BookingKind::Debit, Expect::DeclinedOrNothing)]);
        for waiting in [S::Created, S::Authentication, S::Processing] {
            let e = expected(&facts(waiting));
            assert_eq!((e[0].kind, &e[0].expect, e[0].recorded_at), (BookingKind::Debit, &Expect::Pending, None));
        }
    }

    #[test]
    fn payouts_and_refunds_expect_their_own_booking() {
        let mut payout = facts(S::Succeeded);
        payout.kind = T::Oct;
        payout.captured_amount = None;
        assert_eq!(expects(&payout)[0].0, BookingKind::Credit);
        let mut refund = facts(S::Failed);
        refund.kind = T::Refund;
        assert_eq!(expects(&refund), vec![(BookingKind::Refund, Expect::DeclinedOrNothing)]);
    }

    #[test]
    fn a_two_stage_payment_expects_its_hold_then_a_capture_or_a_release() {
        let mut held = facts(S::Authorized);
        held.capture = false;
        held.authorized_at = Some(datetime!(2026-11-30 12:00:01 UTC));
        let hold = approved(&held, amount("100.00"), true);
        assert_eq!(
            expects(&held),
            vec![
                (BookingKind::Hold, hold.clone()),
                (BookingKind::Capture, Expect::Nothing),
                (BookingKind::Release, Expect::Nothing)
            ]
        );
        let mut capturing = held.clone();
        capturing.status = S::Processing;
        capturing.hold_step = Some(HoldStep::Capture);
        assert_eq!(expects(&capturing)[1], (BookingKind::Capture, Expect::Pending));
        assert_eq!(
            expects(&capturing)[0],
            (BookingKind::Hold, hold.clone()),
            "the hold stands while its capture is at the bank"
        );
        let mut captured = held.clone();
        captured.status = S::PartiallyRefunded;
        captured.captured_amount = Some(amount("60.00"));
        captured.succeeded_at = Some(datetime!(2026-12-01 09:00 UTC));
        let e = expected(&captured);
        assert_eq!(e[1].expect, approved(&captured, amount("60.00"), false));
        assert_eq!(e[1].recorded_at, captured.succeeded_at);
        assert_eq!(e[0].recorded_at, held.authorized_at, "the hold was recorded when it was authorized");
        let mut canceled = held.clone();
        canceled.status = S::Canceled;
        assert_eq!(
            expects(&canceled)[1..],
            [
                (BookingKind::Capture, Expect::DeclinedOrNothing),
                (BookingKind::Release, approved(&canceled, amount("100.00"), false))
            ]
        );
        let mut failed = held;
        failed.status = S::Failed;
        assert_eq!(expects(&failed)[0], (BookingKind::Hold, Expect::DeclinedOrNothing));
    }
}
