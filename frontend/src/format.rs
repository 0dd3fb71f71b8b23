//! Russian number, money and date formats.

use shared::{Amount, Percent};
use time::Date;

/// `1 000 000,00 ₽`
pub fn money(a: &Amount) -> String {
    shared::format::money_ru(a)
}

/// `−5 545,00 ₽`: a balance, which may be negative.
pub fn signed_money(a: &shared::SignedAmount) -> String {
    let shown = money(&a.abs());
    if a.is_negative() { format!("\u{2212}{shown}") } else { shown }
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

/// `01.12.2026 23:59:58`, Moscow time (UTC+3 all year): reconciliation's days are Moscow days.
pub fn moscow_time(t: &time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::from_hms(3, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{:02}.{:02}.{} {:02}:{:02}:{:02}",
        t.day(),
        u8::from(t.month()),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Yesterday in Moscow (`YYYY-MM-DD`): the day the daily reconciliation covers.
pub fn moscow_yesterday() -> String {
    let today = today_in("Europe/Moscow");
    shared::timefmt::parse_date(&today).and_then(|d| d.previous_day()).map_or(today, |d| d.to_string())
}

/// Today's date (`YYYY-MM-DD`) in an IANA time zone — the user's, which is the day the server's
/// lists and reports use — not the browser's.
pub fn today_in(time_zone: &str) -> String {
    let options = js_sys::Object::new();
    if !time_zone.is_empty() {
        let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &time_zone.into());
    }
    // en-CA formats a date as YYYY-MM-DD.
    let locales = js_sys::Array::of1(&"en-CA".into());
    let formatter = js_sys::Intl::DateTimeFormat::new(&locales, &options);
    let text = formatter.format().call1(&formatter, &js_sys::Date::new_0()).ok().and_then(|v| v.as_string());
    text.filter(|t| t.len() == 10).unwrap_or_else(|| {
        let d = js_sys::Date::new_0();
        format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
    })
}

/// An amount as a person types it (`1 500,50`, `1500.5`): more than zero, or nothing.
pub fn parse_amount(typed: &str) -> Option<Amount> {
    let text: String = typed.chars().filter(|c| !c.is_whitespace()).map(|c| if c == ',' { '.' } else { c }).collect();
    Amount::parse(&text).ok().filter(|a| !a.is_zero())
}

/// An amount as an input shows it: `1500,50`.
pub fn amount_input(a: &Amount) -> String {
    a.to_string().replace('.', ",")
}

/// `45 ₽` when the amount is whole, else `45,50 ₽`: the manual's «мин. 45 ₽».
pub fn money_short(a: &Amount) -> String {
    let full = money(a);
    full.replace(",00\u{a0}₽", "\u{a0}₽")
}

/// A percent as a person types it (`0,45` or `0.45`).
pub fn parse_percent(typed: &str) -> Option<Percent> {
    Percent::parse(&typed.trim().replace(',', ".")).ok()
}

/// A minimum fee: an amount, or `0`.
pub fn parse_fee(typed: &str) -> Option<Amount> {
    parse_amount(typed).or_else(|| (typed.trim() == "0").then_some(Amount::ZERO))
}

/// The query string of a page whose filters live in the URL: `keys` in order, each from
/// `overrides` when given there (`None` drops it), else from `params`; empty values left out.
pub fn query_string(
    keys: &[&str],
    params: &leptos_router::params::ParamsMap,
    overrides: &[(&str, Option<String>)],
) -> String {
    keys.iter()
        .filter_map(|k| {
            let value = match overrides.iter().find(|(o, _)| o == k) {
                Some((_, v)) => v.clone(),
                None => params.get(k),
            };
            value.filter(|v| !v.is_empty()).map(|v| format!("{k}={}", String::from(js_sys::encode_uri_component(&v))))
        })
        .collect::<Vec<_>>()
        .join("&")
}
