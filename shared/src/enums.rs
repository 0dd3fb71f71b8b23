//! Closed sets of values with their contract spellings.

use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$variant_doc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "server", derive(Deserialize, sqlx::Type, utoipa::ToSchema), sqlx(type_name = "text", rename_all = "snake_case"))]
        pub enum $name { $($(#[$variant_doc])* $variant),+ }

        /// The cabinet reads these only from the server's answers, where they are strings: one
        /// small reader through `parse` rather than serde's derived enum reader (its variant
        /// matching and the `{"variant": null}` form), once per enum in the wasm. The server keeps
        /// the derived reader and its error messages.
        #[cfg(not(feature = "server"))]
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::parse(&text).ok_or_else(|| serde::de::Error::unknown_variant(&text, &[$($text),+]))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The contract's spelling.
            pub fn as_str(&self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
// The DTO modules spell their own closed sets with it.
pub(crate) use text_enum;

text_enum!(
    /// The kind of terminal, and so of card operation.
    TerminalType { Ecom => "ecom", Aft => "aft", Oct => "oct" }
);
text_enum!(
    /// What an operation is; a refund is an operation of its own, linked to its payment.
    OperationType { Ecom => "ecom", Aft => "aft", Oct => "oct", Refund => "refund" }
);
text_enum!(
    /// Every status an operation can have (payments use all, payouts and refunds a subset).
    OperationStatus {
        Created => "created",
        Authentication => "authentication",
        Processing => "processing",
        Authorized => "authorized",
        Succeeded => "succeeded",
        Failed => "failed",
        Canceled => "canceled",
        PartiallyRefunded => "partially_refunded",
        Refunded => "refunded",
    }
);
text_enum!(
    /// Whether an organization may transact.
    OrganizationStatus { Active => "active", Blocked => "blocked" }
);
text_enum!(
    /// A cabinet user's role.
    Role { Admin => "admin", Partner => "partner" }
);

impl OperationType {
    /// A payment (`ecom` or `aft`): the card pays, and the payment may be refunded.
    pub fn is_payment(&self) -> bool {
        matches!(self, OperationType::Ecom | OperationType::Aft)
    }

    /// The terminal whose tariff an operation of this type uses (refunds use their payment's).
    pub fn terminal(&self) -> Option<TerminalType> {
        match self {
            OperationType::Ecom => Some(TerminalType::Ecom),
            OperationType::Aft => Some(TerminalType::Aft),
            OperationType::Oct => Some(TerminalType::Oct),
            OperationType::Refund => None,
        }
    }
}

impl From<TerminalType> for OperationType {
    fn from(t: TerminalType) -> Self {
        match t {
            TerminalType::Ecom => OperationType::Ecom,
            TerminalType::Aft => OperationType::Aft,
            TerminalType::Oct => OperationType::Oct,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_through_json_and_parse() {
        for s in OperationStatus::ALL {
            let json = serde_json::to_string(s).expect("serialize");
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(OperationStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(OperationStatus::parse("Succeeded"), None);
        assert_eq!(TerminalType::parse("oct"), Some(TerminalType::Oct));
    }
}
