//! Input checks for writes. Each takes the field's path (`input.contacts.0.email`) and
//! answers `BAD_USER_INPUT` naming it; text comes back trimmed, and blank optional text as
//! absent, so the store never holds "" where it means "unknown".

use chrono::NaiveDate;

use crate::{Error, Result};

/// Longest one-line value: names, headings, roles.
pub const LINE: usize = 300;
/// Longest prose: strategy, a news body.
pub const PROSE: usize = 20_000;
/// Most entries in one list (contacts, terms, aliases, items).
pub const LIST: usize = 200;

/// Required one-line or prose text: trimmed, not blank, at most `max` characters, no
/// control characters but line breaks and tabs.
pub fn text(path: &str, value: &str, max: usize) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid_field(
            path,
            format!("{path} must not be blank"),
        ));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(Error::invalid_field(
            path,
            format!("{path} is {chars} characters long; at most {max} are allowed"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Error::invalid_field(
            path,
            format!(
                "{path} contains the control character U+{:04X}",
                u32::from(c)
            ),
        ));
    }
    if max == LINE && value.contains(['\n', '\r']) {
        return Err(Error::invalid_field(
            path,
            format!("{path} must be one line"),
        ));
    }
    Ok(value.to_owned())
}

/// Optional text: blank means absent.
pub fn optional_text(path: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(path, v, max).map(Some),
    }
}

/// A slug as the API issues them: lower-case ASCII letters, digits and single hyphens.
pub fn slug(path: &str, value: &str) -> Result<String> {
    let ok = !value.is_empty()
        && value.len() <= 120
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid_field(
            path,
            format!("{path} {value:?} is not a slug: use a-z, 0-9 and single hyphens, at most 120"),
        ))
    }
}

/// An absolute http or https address.
pub fn url(path: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let bad = |why: &str| Err(Error::invalid_field(path, format!("{path} {why}")));
    if value.len() > 2000 {
        return bad("is longer than 2000 bytes");
    }
    match url::Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            Ok(value.to_owned())
        }
        Ok(_) => bad("must be an http or https address"),
        Err(e) => bad(&format!("is not an address ({e})")),
    }
}

/// An e-mail address of the usual shape: one `@`, a local part, and a dotted domain of
/// letters, digits and hyphens.
pub fn email(path: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let shaped = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && local.len() <= 64
                && !local.contains(char::is_whitespace)
                && !domain.contains('@')
                && domain.contains('.')
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_alphanumeric() || c == '-')
                })
        });
    if shaped {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid_field(
            path,
            format!("{path} {value:?} is not an e-mail address"),
        ))
    }
}

/// A phone number as people write them: digits with spaces, `+`, `-`, `/`, `.` and
/// parentheses; 6 to 20 digits.
pub fn phone(path: &str, value: &str) -> Result<String> {
    let value = value.trim();
    let digits = value.chars().filter(char::is_ascii_digit).count();
    let shaped = value.len() <= 40
        && (6..=20).contains(&digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/.()".contains(c))
        && value
            .find('+')
            .is_none_or(|i| i == 0 && value.matches('+').count() == 1);
    if shaped {
        Ok(value.to_owned())
    } else {
        Err(Error::invalid_field(
            path,
            format!("{path} {value:?} is not a phone number"),
        ))
    }
}

/// An ISO 3166-1 alpha-2 code, in any case; returned upper-case.
pub fn country(path: &str, value: &str) -> Result<String> {
    crate::geo::by_code(&value.trim().to_ascii_uppercase())
        .map(|c| c.code.to_owned())
        .ok_or_else(|| {
            Error::invalid_field(
                path,
                format!("{path} {value:?} is not an ISO 3166-1 alpha-2 country code"),
            )
        })
}

/// A date from 1800 to `latest`.
pub fn date(path: &str, value: NaiveDate, latest: NaiveDate) -> Result<NaiveDate> {
    let earliest = NaiveDate::from_ymd_opt(1800, 1, 1).unwrap_or(NaiveDate::MIN);
    if (earliest..=latest).contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid_field(
            path,
            format!("{path} {value} is not between {earliest} and {latest}"),
        ))
    }
}

/// A count of people or organisations: 0 to 10 million.
pub fn count(path: &str, value: i32) -> Result<i32> {
    if (0..=10_000_000).contains(&value) {
        Ok(value)
    } else {
        Err(Error::invalid_field(
            path,
            format!("{path} {value} is not a count from 0 to 10000000"),
        ))
    }
}

/// A list of at most `LIST` entries.
pub fn list<T>(path: &str, values: &[T]) -> Result<()> {
    if values.len() > LIST {
        return Err(Error::invalid_field(
            path,
            format!(
                "{path} has {} entries; at most {LIST} are allowed",
                values.len()
            ),
        ));
    }
    Ok(())
}

/// Today, for dates that may not lie in the future.
pub fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: Result<impl std::fmt::Debug>) -> Option<String> {
        match r {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(text("a", "  x  ", LINE).ok().as_deref(), Some("x"));
        assert_eq!(field(text("a.b", " ", LINE)).as_deref(), Some("a.b"));
        assert!(text("a", &"é".repeat(LINE), LINE).is_ok());
        assert!(text("a", &"é".repeat(LINE + 1), LINE).is_err());
        assert!(text("a", "x\u{0}y", PROSE).is_err());
        assert!(text("a", "x\ny", LINE).is_err());
        assert!(text("a", "x\ny", PROSE).is_ok());
        assert_eq!(optional_text("a", Some("  "), LINE).ok(), Some(None));
    }

    #[test]
    fn shapes_of_slugs_addresses_mail_and_phones() {
        assert!(slug("s", "ict-net-2").is_ok());
        for bad in ["", "ICT", "a--b", "-a", "a-", "a b", "a_b", "š"] {
            assert!(slug("s", bad).is_err(), "{bad:?}");
        }
        assert!(url("u", "https://ictnet.rs/about?x=1").is_ok());
        for bad in ["ictnet.rs", "ftp://x.org", "javascript:alert(1)", "http://"] {
            assert!(url("u", bad).is_err(), "{bad:?}");
        }
        assert!(email("e", "office@masit.org.mk").is_ok());
        assert!(email("e", "ana.šolaja@ict-net.rs").is_ok());
        for bad in [
            "office",
            "a@b",
            "a@@b.org",
            "a b@c.org",
            "@c.org",
            "a@-c.org",
            "a@c..org",
        ] {
            assert!(email("e", bad).is_err(), "{bad:?}");
        }
        assert!(phone("p", "+389 2 3109 030").is_ok());
        assert!(phone("p", "(011) 123-45/67").is_ok());
        for bad in [
            "12345",
            "call me",
            "+389 +2 310",
            "1+23456789",
            "1; DROP TABLE x",
        ] {
            assert!(phone("p", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn countries_dates_and_counts() {
        assert_eq!(country("c", "mk").ok().as_deref(), Some("MK"));
        assert!(country("c", "XX").is_err());
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert!(date("d", day(2008, 9, 1), day(2026, 1, 1)).is_ok());
        assert!(date("d", day(1700, 1, 1), day(2026, 1, 1)).is_err());
        assert!(date("d", day(2027, 1, 1), day(2026, 1, 1)).is_err());
        assert!(count("n", 0).is_ok());
        assert!(count("n", -1).is_err());
        assert_eq!(field(list("l", &[0; LIST + 1])).as_deref(), Some("l"));
    }
}
