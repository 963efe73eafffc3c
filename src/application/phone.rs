//! Kazakhstan mobile numbers for SMS notifications (Appendix 1: at most two).
//!
//! Accepted spellings: `+7 701 123 45 67`, `8 (701) 123-45-67`, `87011234567`, `77011234567`,
//! `7011234567`: spaces (including no-break), hyphens, dots and brackets are ignored; the
//! number may start with `+7`, `7` or `8` (the old trunk prefix) followed by ten digits, or be
//! the ten digits alone. The result is always `+77XXXXXXXXX`.
//!
//! The ten digits must start with a mobile code of Kazakhstan's numbering plan (+7 is shared
//! with Russia, and 7XX codes are also used for landlines, such as 727 for Almaty):
//! `700 701 702 705 706 707 708 747 771 775 776 777 778` ([`MOBILE_CODES`]). Anything else is
//! `phone.not_mobile`.

/// The mobile operator codes accepted after +7.
pub const MOBILE_CODES: [&str; 13] = ["700", "701", "702", "705", "706", "707", "708", "747", "771", "775", "776", "777", "778"];

/// More characters than any spelling above (with generous separators) is not a number.
const MAX_INPUT_CHARS: usize = 40;

/// A Kazakhstan mobile number, normalised as `+77XXXXXXXXX`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct MobilePhone(String);

impl MobilePhone {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Reads a mobile number, or `None` when the text is not a Kazakhstan mobile.
pub fn parse_mobile(text: &str) -> Option<MobilePhone> {
    if text.len() > MAX_INPUT_CHARS && text.chars().nth(MAX_INPUT_CHARS).is_some() {
        return None;
    }
    // The digits without separators, in a fixed buffer: no more than 11 can be a number.
    let mut digits = [0u8; 11];
    let mut count = 0usize;
    let mut plus = false;
    for c in text.chars() {
        if c.is_whitespace() || matches!(c, '-' | '(' | ')' | '.' | '\u{2010}'..='\u{2013}') {
            continue;
        }
        match c {
            // A plus only before everything else.
            '+' if count == 0 && !plus => plus = true,
            '0'..='9' => {
                *digits.get_mut(count)? = c as u8;
                count += 1;
            }
            _ => return None,
        }
    }
    let digits = digits.get(..count)?;
    let national = match (plus, count) {
        (true, 11) => digits.strip_prefix(b"7")?,
        (false, 11) => digits.strip_prefix(b"8").or_else(|| digits.strip_prefix(b"7"))?,
        (false, 10) => digits,
        _ => return None,
    };
    let code = national.get(..3)?;
    if !MOBILE_CODES.iter().any(|m| m.as_bytes() == code) {
        return None;
    }
    // Only ASCII digits were kept, so the bytes are text.
    let national = std::str::from_utf8(national).ok()?;
    Some(MobilePhone(["+7", national].concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_normalise() {
        for text in ["+7 701 123 45 67", "8 (701) 123-45-67", "87011234567", "77011234567", "7011234567", "+7(701)123.45.67", " +7\u{a0}701 1234567 "] {
            assert_eq!(parse_mobile(text).map(|p| p.0), Some("+77011234567".to_owned()), "{text:?}");
        }
    }

    #[test]
    fn every_mobile_code() {
        for code in MOBILE_CODES {
            assert!(parse_mobile(&format!("+7{code}1234567")).is_some(), "{code}");
        }
    }

    #[test]
    fn not_mobile() {
        for text in [
            "", "+7 727 123 45 67", "+7 7172 12 34 56", "+7 912 123 45 67", "+8 701 123 45 67", "8701123456",
            "870112345678", "+7 701 123 45 6x", "701-123", "++77011234567", "+7 703 123 45 67", "07011234567",
            "+77011234567+",
        ] {
            assert_eq!(parse_mobile(text), None, "{text:?}");
        }
        assert_eq!(parse_mobile(&"7".repeat(10_000_000)), None);
    }
}
