//! Bounds on the free-form fields merchants send.

use std::collections::BTreeMap;

pub const MAX_KEYS: usize = 50;
pub const MAX_KEY_CHARS: usize = 40;
pub const MAX_VALUE_CHARS: usize = 500;

/// At most 50 keys of up to 40 characters, values up to 500.
pub fn check(metadata: &BTreeMap<String, String>) -> Result<(), String> {
    if metadata.len() > MAX_KEYS {
        return Err(format!("metadata may have at most {MAX_KEYS} keys"));
    }
    for (k, v) in metadata {
        if k.is_empty() || k.chars().count() > MAX_KEY_CHARS {
            return Err(format!("metadata keys must be 1-{MAX_KEY_CHARS} characters"));
        }
        if v.chars().count() > MAX_VALUE_CHARS {
            return Err(format!("metadata values must be at most {MAX_VALUE_CHARS} characters"));
        }
    }
    Ok(())
}

/// An optional text field of at most `max` characters; blank becomes absent.
pub fn optional_text(value: Option<&str>, max: usize) -> Result<Option<String>, String> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => Err(format!("must be at most {max} characters")),
        Some(v) if v.chars().any(char::is_control) => Err("must not contain control characters".to_owned()),
        other => Ok(other.map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let mut m = BTreeMap::new();
        m.insert("order".to_owned(), "1".to_owned());
        assert!(check(&m).is_ok());
        m.insert("x".repeat(41), "1".to_owned());
        assert!(check(&m).is_err());
        assert_eq!(optional_text(Some("  "), 5), Ok(None));
        assert!(optional_text(Some("abcdef"), 5).is_err());
        assert!(optional_text(Some("a\u{0}b"), 5).is_err());
    }
}
