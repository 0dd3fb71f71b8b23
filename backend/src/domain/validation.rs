//! Parsers for the identifiers people type: logins, e-mails, phones, passwords, time zones.

/// Why an input was refused; the message is safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub &'static str);

/// A login: 3–64 of latin letters, digits and `._@-`.
pub fn login(s: &str) -> Result<String, Invalid> {
    let s = s.trim();
    let ok = (3..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._@-".contains(&b));
    ok.then(|| s.to_owned()).ok_or(Invalid("login must be 3-64 latin letters, digits or ._@-"))
}

/// An e-mail address, lower-cased. Only the shape is checked; deliverability is not our business.
pub fn email(s: &str) -> Result<String, Invalid> {
    let s = s.trim().to_lowercase();
    let ok = s.len() <= 254
        && match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local.len() <= 64
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !s.chars().any(char::is_whitespace)
                    && !domain.contains('@')
            }
            None => false,
        };
    ok.then_some(s).ok_or(Invalid("email is not a valid address"))
}

/// A phone number in E.164 (`+79990000001`). Spaces, dashes and brackets are dropped; a Russian
/// number typed as `8XXXXXXXXXX` becomes `+7XXXXXXXXXX`.
pub fn phone(s: &str) -> Result<String, Invalid> {
    let digits: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
    let normalized = if let Some(rest) = digits.strip_prefix('+') {
        rest.to_owned()
    } else if digits.len() == 11 && digits.starts_with('8') {
        format!("7{}", &digits[1..])
    } else {
        digits
    };
    let ok = (10..=15).contains(&normalized.len()) && normalized.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| format!("+{normalized}")).ok_or(Invalid("phone must be an international number such as +79990000001"))
}

/// A new password: at least 12 characters, with a letter and a digit; at most 128.
pub fn new_password(s: &str) -> Result<(), Invalid> {
    let len = s.chars().count();
    if len < 12 {
        return Err(Invalid("password must be at least 12 characters"));
    }
    if len > 128 {
        return Err(Invalid("password must be at most 128 characters"));
    }
    if !s.chars().any(char::is_alphabetic) || !s.chars().any(|c| c.is_ascii_digit()) {
        return Err(Invalid("password must contain a letter and a digit"));
    }
    Ok(())
}

/// A time zone known to PostgreSQL's tz database, by its IANA name, checked by the caller
/// against `pg_timezone_names`; here only its shape.
pub fn time_zone_shape(s: &str) -> Result<String, Invalid> {
    let ok = !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b));
    ok.then(|| s.to_owned()).ok_or(Invalid("time_zone must be an IANA name such as Europe/Moscow"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_normalize_to_e164() {
        assert_eq!(phone("+7 (999) 000-00-01"), Ok("+79990000001".into()));
        assert_eq!(phone("89990000001"), Ok("+79990000001".into()));
        assert!(phone("12345").is_err());
        assert!(phone("+7999abc0001").is_err());
    }

    #[test]
    fn emails_are_lowercased_and_shaped() {
        assert_eq!(email(" Partner@ClickPay.Local "), Ok("partner@clickpay.local".into()));
        for bad in ["", "a", "a@b", "@b.ru", "a@.ru", "a@b.ru.", "a@b@c.ru"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_need_length_a_letter_and_a_digit() {
        assert!(new_password("short1").is_err());
        assert!(new_password("onlyletterslong").is_err());
        assert!(new_password("123456789012").is_err());
        assert!(new_password("Пароль-надёжный-1").is_ok());
        assert!(new_password("correct horse 9").is_ok());
    }

    #[test]
    fn logins() {
        assert_eq!(login(" partner "), Ok("partner".into()));
        assert!(login("ab").is_err());
        assert!(login("with space").is_err());
    }
}
