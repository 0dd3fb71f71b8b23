//! Russian formats shared by the cabinet and the payer's pages.

use crate::enums::{OperationStatus, OperationType};
use crate::money::Amount;

/// `1 000 000,00 ₽` (non-breaking spaces between thousands and before the sign).
pub fn money_ru(a: &Amount) -> String {
    let s = a.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    format!("{},{frac}\u{a0}₽", group_thousands(int))
}

/// `10 000` (non-breaking spaces between thousands).
pub fn count_ru(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// The cabinet's label of a status (api-contract.md).
pub fn status_ru(s: OperationStatus) -> &'static str {
    match s {
        OperationStatus::Created => "Создан",
        OperationStatus::Authentication => "Аутентификация",
        OperationStatus::Processing => "В обработке",
        OperationStatus::Authorized => "Авторизован",
        OperationStatus::Succeeded => "Успешно",
        OperationStatus::Failed => "Ошибка",
        OperationStatus::Canceled => "Отменён",
        OperationStatus::PartiallyRefunded => "Частичный возврат",
        OperationStatus::Refunded => "Возврат",
    }
}

/// The cabinet's label of an operation type.
pub fn type_ru(t: OperationType) -> &'static str {
    match t {
        OperationType::Ecom => "ECOM",
        OperationType::Aft => "AFT",
        OperationType::Oct => "OCT",
        OperationType::Refund => "Возврат",
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_a_comma() {
        let a = |s: &str| Amount::parse(s).expect("amount");
        assert_eq!(money_ru(&a("100")), "100,00\u{a0}₽");
        assert_eq!(money_ru(&a("1000000.5")), "1\u{a0}000\u{a0}000,50\u{a0}₽");
        assert_eq!(money_ru(&a("45")), "45,00\u{a0}₽");
        assert_eq!(count_ru(10_000), "10\u{a0}000");
        assert_eq!(count_ru(999), "999");
    }
}
