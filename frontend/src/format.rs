//! Russian number, money and date formats.

use shared::{Amount, Percent};
use time::Date;

/// `1 000 000,00 ₽`
pub fn money(a: &Amount) -> String {
    shared::format::money_ru(a)
}

/// `0.45%`, as the manual prints tariffs.
pub fn percent(p: &Percent) -> String {
    format!("{p}%")
}

/// `07.04.2022`
pub fn date(d: &Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), u8::from(d.month()), d.year())
}
