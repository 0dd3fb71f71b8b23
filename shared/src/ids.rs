//! Typed identifiers, so an organization id can never be passed where a user id is meant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "server", derive(sqlx::Type, utoipa::ToSchema), sqlx(transparent))]
        pub struct $name(pub Uuid);

        #[cfg(feature = "server")]
        impl $name {
            /// A new time-ordered id (UUIDv7 keeps B-tree inserts local).
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        #[cfg(feature = "server")]
        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// An organization (a merchant).
    OrganizationId
);
typed_id!(
    /// A terminal of an organization.
    TerminalId
);
typed_id!(
    /// A tariff version of a terminal.
    TariffId
);
typed_id!(
    /// A cabinet user.
    UserId
);
typed_id!(
    /// An API key record (never the key itself).
    ApiKeyId
);
typed_id!(
    /// A payment, payout or refund.
    OperationId
);
typed_id!(
    /// One reconciliation run of a day against the bank's register.
    ReconciliationRunId
);
typed_id!(
    /// A disagreement between the bank's register and the gateway, found by a reconciliation.
    DiscrepancyId
);
