//! E-mail addresses for notifications.
//!
//! A sane-address check, not RFC 5322: after trimming, at most [`MAX_EMAIL_CHARS`] characters
//! (`email.too_long`), and otherwise `email.format` unless all of these hold:
//!
//! * exactly one `@`, with 1-64 characters before it;
//! * the local part is letters, digits (any script, so internationalised addresses pass) and
//!   ``! # $ % & ' * + / = ? ^ _ ` { | } ~ . -``, not starting or ending with a dot, without `..`;
//! * the domain is at least two dot-separated labels of 1-63 letters, digits or hyphens, no
//!   label starting or ending with a hyphen, and the last label at least two letters
//!   (`.kz`, `.қаз`, `.com`).

/// The longest address (RFC 5321 path limit), in characters.
pub const MAX_EMAIL_CHARS: usize = 254;

/// An e-mail address that passed the check, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a text is not an e-mail address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmailError {
    TooLong,
    Format,
}

impl EmailError {
    pub const fn code(self) -> &'static str {
        match self {
            EmailError::TooLong => "email.too_long",
            EmailError::Format => "email.format",
        }
    }
}

/// Parses an address (the caller treats blank as "no e-mail").
pub fn parse_email(text: &str) -> Result<Email, EmailError> {
    let text = super::text::trim(text);
    if text.len() > MAX_EMAIL_CHARS && text.chars().nth(MAX_EMAIL_CHARS).is_some() {
        return Err(EmailError::TooLong);
    }
    let (local, domain) = text.split_once('@').ok_or(EmailError::Format)?;
    let local_ok = !local.is_empty()
        && chars_at_most(local, 64)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.as_bytes().windows(2).any(|pair| pair == b"..")
        && local.chars().all(|c| c.is_alphanumeric() || matches!(c, '!' | '#'..='\'' | '*' | '+' | '/' | '=' | '?' | '^' | '_' | '`' | '{'..='~' | '.' | '-'));
    let label_ok = |label: &str| {
        !label.is_empty() && chars_at_most(label, 63) && !label.starts_with('-') && !label.ends_with('-') && label.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let (mut labels, mut top) = (0, "");
    let domain_ok = domain.split('.').all(|label| {
        labels += 1;
        top = label;
        label_ok(label)
    });
    let top_ok = top.chars().nth(1).is_some() && top.chars().all(char::is_alphabetic);
    if local_ok && domain_ok && labels >= 2 && top_ok {
        Ok(Email(text.to_owned()))
    } else {
        Err(EmailError::Format)
    }
}

/// Whether `text` has at most `max` characters (counted only when its length in bytes cannot tell).
fn chars_at_most(text: &str, max: usize) -> bool {
    text.len() <= max || text.chars().nth(max).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sane_addresses() {
        for text in ["a@b.kz", "aigul.omarova+kezek@mail.kz", " name@example.com ", "ата@пошта.қаз", "x_y-z@sub.domain.org"] {
            assert!(parse_email(text).is_ok(), "{text:?}");
        }
        assert_eq!(parse_email(" a@b.kz ").unwrap().as_str(), "a@b.kz");
    }

    #[test]
    fn format() {
        for text in [
            "a", "a@", "@b.kz", "a@b", "a@@b.kz", "a@b@c.kz", "a b@c.kz", ".a@b.kz", "a.@b.kz", "a..b@c.kz", "a@-b.kz",
            "a@b-.kz", "a@b..kz", "a@b.k", "a@b.k2", "a@b.kz.", "a(b)@c.kz",
        ] {
            assert_eq!(parse_email(text), Err(EmailError::Format), "{text:?}");
        }
        assert_eq!(parse_email(&format!("{}@b.kz", "a".repeat(65))), Err(EmailError::Format));
    }

    #[test]
    fn length_boundaries() {
        // 254 characters exactly: 64 + 1 + 189 (labels of 61, 61 and 62 letters, dots and "kz").
        let domain = format!("{0}.{0}.{1}.kz", "d".repeat(61), "d".repeat(62));
        let at_limit = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(at_limit.chars().count(), 254);
        assert!(parse_email(&at_limit).is_ok());
        let over = format!("{}@d{domain}", "a".repeat(64));
        assert_eq!(parse_email(&over), Err(EmailError::TooLong));
        assert_eq!(parse_email(&"a".repeat(10_000_000)), Err(EmailError::TooLong));
    }
}

