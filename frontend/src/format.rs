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

/// `10 000` (non-breaking space between thousands).
pub fn count(n: u64) -> String {
    shared::format::count_ru(n)
}

/// `28.11.2026 15:00:05` in the browser's zone (for times the server did not render).
pub fn browser_time(t: &time::OffsetDateTime) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64((t.unix_timestamp_nanos() / 1_000_000) as f64));
    format!(
        "{:02}.{:02}.{} {:02}:{:02}:{:02}",
        d.get_date(),
        d.get_month() + 1,
        d.get_full_year(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}
