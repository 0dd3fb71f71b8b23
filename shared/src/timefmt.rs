//! The contract's time format: RFC 3339 in UTC with whole seconds (`2024-11-25T17:33:00Z`).

use serde::{Deserialize, Deserializer, Serializer, de};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Formats a time as the contract does.
pub fn format(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC).replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format(*t))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
    let s = String::deserialize(d)?;
    parse(&s)
}

/// Reads a time: any RFC 3339 time on the server, which takes them from clients.
#[cfg(feature = "server")]
fn parse<E: de::Error>(s: &str) -> Result<OffsetDateTime, E> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(E::custom)
}

/// The cabinet reads only the server's own times, written by [`format`]: those, through
/// [`parse_utc`] rather than `time`'s general RFC 3339 parser, the largest part of `time` in the
/// cabinet's wasm.
#[cfg(not(feature = "server"))]
fn parse<E: de::Error>(s: &str) -> Result<OffsetDateTime, E> {
    parse_utc(s).ok_or_else(|| E::custom("invalid time: expected YYYY-MM-DDTHH:MM:SSZ"))
}

/// A time as [`format`] writes it (`2024-11-25T17:33:00Z`: UTC, whole seconds), read as `time`'s
/// RFC 3339 parser reads it; any other form is `None`.
pub fn parse_utc(s: &str) -> Option<OffsetDateTime> {
    let (day, clock) = s.strip_suffix('Z')?.split_once('T')?;
    // RFC 3339's year is four digits, without the sign `parse_date` also takes.
    if !day.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let c = clock.as_bytes();
    if c.len() != 8 || c[2] != b':' || c[5] != b':' {
        return None;
    }
    let two = |i: usize| {
        let (tens, units) = (c[i], c[i + 1]);
        (tens.is_ascii_digit() && units.is_ascii_digit()).then(|| (tens - b'0') * 10 + (units - b'0'))
    };
    let clock = time::Time::from_hms(two(0)?, two(3)?, two(6)?).ok()?;
    Some(parse_date(day)?.with_time(clock).assume_utc())
}

/// The same for optional times (`null` when absent).
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => super::serialize(t, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<String>::deserialize(d)?.map(|s| super::parse(&s)).transpose()
    }
}

/// Days (`2024-11-25`), written by `time`'s own serde and read by [`parse_date`]: the same days
/// `time`'s reader takes, without its general format-description parser, the largest part of
/// `time` in the cabinet's wasm.
pub mod date {
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        d.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        read(&<std::borrow::Cow<'de, str>>::deserialize(d)?)
    }

    fn read<E: de::Error>(s: &str) -> Result<Date, E> {
        super::parse_date(s).ok_or_else(|| E::custom("invalid date: expected YYYY-MM-DD"))
    }

    /// The same for optional days (`null` when absent).
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
            d.serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
            Option::<std::borrow::Cow<'de, str>>::deserialize(d)?.map(|s| super::read(&s)).transpose()
        }
    }
}

/// A day as `time` parses `[year]-[month]-[day]`: an optional sign, four digits, two, two, an
/// existing day and nothing after it.
pub fn parse_date(s: &str) -> Option<time::Date> {
    let b = s.as_bytes();
    let (negative, rest) = match b.first() {
        Some(b'+') => (false, &b[1..]),
        Some(b'-') => (true, &b[1..]),
        _ => (false, b),
    };
    if rest.len() != 10 || rest[4] != b'-' || rest[7] != b'-' {
        return None;
    }
    let number =
        |digits: &[u8]| digits.iter().try_fold(0u16, |n, &c| c.is_ascii_digit().then(|| n * 10 + u16::from(c - b'0')));
    let year = i32::from(number(&rest[..4])?);
    let month = time::Month::try_from(u8::try_from(number(&rest[5..7])?).ok()?).ok()?;
    let day = u8::try_from(number(&rest[8..10])?).ok()?;
    time::Date::from_calendar_date(if negative { -year } else { year }, month, day).ok()
}

#[cfg(test)]
mod tests {
    use time::format_description::well_known::Rfc3339;
    use time::macros::datetime;

    #[test]
    fn whole_seconds_in_utc() {
        let t = datetime!(2024-11-25 20:33:00.789 +03:00);
        assert_eq!(super::format(t), "2024-11-25T17:33:00Z");
    }

    /// The server's own times read as `time`'s RFC 3339 parser reads them; other forms are refused.
    #[test]
    fn times_as_the_server_writes_them() {
        for t in [
            datetime!(2024-11-25 20:33:00.789 +03:00),
            datetime!(2024-02-29 00:00:00 UTC),
            datetime!(0001-01-01 23:59:59 UTC),
        ] {
            let text = super::format(t);
            assert_eq!(super::parse_utc(&text), time::OffsetDateTime::parse(&text, &Rfc3339).ok(), "{text}");
            assert!(super::parse_utc(&text).is_some(), "{text}");
        }
        for s in [
            "2024-11-25T17:33:00Z",
            "2024-02-30T00:00:00Z",
            "2024-11-25T24:00:00Z",
            "2024-11-25T23:60:00Z",
            "2024-11-25T23:59:61Z",
            "2024-11-25T17:33:00",
            "2024-11-25 17:33:00Z",
            "2024-11-25t17:33:00z",
            "2024-11-25T17:33:00.5Z",
            "2024-11-25T17:33:00+03:00",
            "+2024-11-25T17:33:00Z",
            "-2024-11-25T17:33:00Z",
            "2024-11-25T1:33:00Z",
            "2024-11-25T17:3a:00Z",
            "",
            "Z",
        ] {
            let ours = super::parse_utc(s);
            assert!(ours.is_none() || ours == time::OffsetDateTime::parse(s, &Rfc3339).ok(), "{s:?}");
        }
        assert!(super::parse_utc("2024-11-25T17:33:00.5Z").is_none());
    }

    /// The days `time`'s own reader takes, and only those.
    #[test]
    fn dates_as_time_reads_them() {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        for s in [
            "2024-11-25",
            "2024-02-29",
            "2023-02-29",
            "0000-01-01",
            "-0001-12-31",
            "+2024-01-01",
            "9999-12-31",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-1-01",
            "24-01-01",
            "2024-01-01 ",
            " 2024-01-01",
            "2024/01/01",
            "20240-01-01",
            "2024-01-1x",
            "",
            "+",
            "-2024-01-01",
            "2024-04-31",
            "+-2024-01-01",
        ] {
            assert_eq!(super::parse_date(s), time::Date::parse(s, format).ok(), "{s:?}");
            let json = serde_json::to_string(s).expect("json");
            let ours = super::date::deserialize(&mut serde_json::Deserializer::from_str(&json)).ok();
            assert_eq!(ours, serde_json::from_str::<time::Date>(&json).ok(), "{s:?}");
        }
        let day = time::macros::date!(2024 - 11 - 25);
        let mut out = serde_json::Serializer::new(Vec::new());
        super::date::serialize(&day, &mut out).expect("writes");
        assert_eq!(out.into_inner(), serde_json::to_vec(&day).expect("writes"));
    }
}
