//! Types shared by the ClickPay server and the WASM cabinet: no I/O lives here.

pub mod dto;
pub mod enums;
pub mod error;
pub mod fees;
pub mod format;
pub mod ids;
pub mod money;
pub mod timefmt;

pub use enums::{OperationStatus, OperationType, OrganizationStatus, Role, TerminalType};
pub use error::{ErrorBody, ErrorCode, ErrorDetail, ErrorType};
pub use money::{Amount, AmountError, Percent, SignedAmount, round_half_up};
