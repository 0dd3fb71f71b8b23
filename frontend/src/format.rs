//! Russian number, money and date formats.

use shared::{Amount, Percent};
use time::Date;

/// `1 000 000,00 ₽` (non-breaking spaces between thousands and before the sign).
pub fn money(a: &Amount) -> String {
    let s = a.to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    format!("{},{frac}\u{a0}₽", group_thousands(int))
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

/// `0.45%`, as the manual prints tariffs.
pub fn percent(p: &Percent) -> String {
    format!("{p}%")
}

/// `07.04.2022`
pub fn date(d: &Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_with_a_comma() {
        let a = |s: &str| Amount::parse(s).expect("amount");
        assert_eq!(money(&a("100")), "100,00\u{a0}₽");
        assert_eq!(money(&a("1000000.5")), "1\u{a0}000\u{a0}000,50\u{a0}₽");
        assert_eq!(money(&a("45")), "45,00\u{a0}₽");
    }
}
