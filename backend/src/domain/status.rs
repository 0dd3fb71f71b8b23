//! The one status machine. Every status change of every operation is checked here; an illegal
//! transition is an error, never a silent overwrite.

use shared::{OperationStatus as S, OperationType as T};

/// Whether an operation of `kind` may go from `from` (`None`: being created) to `to`.
pub fn allowed(kind: T, from: Option<S>, to: S) -> bool {
    match kind {
        T::Ecom | T::Aft => match from {
            None => matches!(to, S::Created | S::Authentication | S::Processing | S::Authorized | S::Succeeded | S::Failed),
            Some(S::Created) => {
                matches!(to, S::Authentication | S::Processing | S::Authorized | S::Succeeded | S::Failed)
            }
            Some(S::Authentication) => matches!(to, S::Processing | S::Authorized | S::Succeeded | S::Failed),
            // A payment goes to the bank as `processing`; the bank may then ask for 3-D Secure.
            // A hold's capture or release is at the bank as `processing` too.
            Some(S::Processing) => {
                matches!(to, S::Authentication | S::Authorized | S::Succeeded | S::Failed | S::Canceled)
            }
            Some(S::Authorized) => matches!(to, S::Processing | S::Succeeded | S::Canceled),
            Some(S::Succeeded) => matches!(to, S::PartiallyRefunded | S::Refunded),
            Some(S::PartiallyRefunded) => matches!(to, S::PartiallyRefunded | S::Refunded),
            Some(S::Failed | S::Canceled | S::Refunded) => false,
        },
        // Payouts and refunds: processing, then succeeded or failed.
        T::Oct | T::Refund => match from {
            None => matches!(to, S::Processing | S::Succeeded | S::Failed),
            Some(S::Processing) => matches!(to, S::Succeeded | S::Failed),
            _ => false,
        },
    }
}

/// The error of an illegal transition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("illegal transition of a {kind} operation from {from:?} to {to}")]
pub struct IllegalTransition {
    pub kind: T,
    pub from: Option<S>,
    pub to: S,
}

pub fn check(kind: T, from: Option<S>, to: S) -> Result<(), IllegalTransition> {
    allowed(kind, from, to).then_some(()).ok_or(IllegalTransition { kind, from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contracts_table_for_payments() {
        let table: &[(Option<S>, &[S])] = &[
            (None, &[S::Created, S::Authentication, S::Processing, S::Authorized, S::Succeeded, S::Failed]),
            (Some(S::Created), &[S::Authentication, S::Processing, S::Authorized, S::Succeeded, S::Failed]),
            (Some(S::Authentication), &[S::Processing, S::Authorized, S::Succeeded, S::Failed]),
            (Some(S::Processing), &[S::Authentication, S::Authorized, S::Succeeded, S::Failed, S::Canceled]),
            (Some(S::Authorized), &[S::Processing, S::Succeeded, S::Canceled]),
            (Some(S::Succeeded), &[S::PartiallyRefunded, S::Refunded]),
            (Some(S::PartiallyRefunded), &[S::PartiallyRefunded, S::Refunded]),
            (Some(S::Failed), &[]),
            (Some(S::Canceled), &[]),
            (Some(S::Refunded), &[]),
        ];
        for (from, allowed_to) in table {
            for to in S::ALL {
                assert_eq!(allowed(T::Ecom, *from, *to), allowed_to.contains(to), "{from:?} -> {to}");
                assert_eq!(allowed(T::Aft, *from, *to), allowed_to.contains(to), "aft {from:?} -> {to}");
            }
        }
    }

    #[test]
    fn payouts_and_refunds_only_process_then_end() {
        for kind in [T::Oct, T::Refund] {
            assert!(allowed(kind, None, S::Processing));
            assert!(allowed(kind, Some(S::Processing), S::Succeeded));
            assert!(allowed(kind, Some(S::Processing), S::Failed));
            assert!(!allowed(kind, Some(S::Succeeded), S::Refunded));
            assert!(!allowed(kind, None, S::Authentication));
            assert!(!allowed(kind, Some(S::Failed), S::Succeeded));
        }
        assert!(check(T::Refund, Some(S::Succeeded), S::Failed).is_err());
    }
}
