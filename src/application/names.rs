//! Personal names (surname, name, patronymic) as Appendix 1 asks for them.
//!
//! A name is normalised and then checked, in this order:
//!
//! 1. whitespace at both ends is removed and every inner run of whitespace becomes one space;
//! 2. nothing left: `name.empty`;
//! 3. more than [`MAX_NAME_CHARS`] characters: `name.too_long` (counted with an early stop, so a
//!    10 MB paste costs no more than 51 characters of work after normalisation);
//! 4. a character outside the alphabet below, or a hyphen, apostrophe or space that does not
//!    sit between two letters: `name.characters`.
//!
//! # The alphabet
//!
//! * Russian Cyrillic: `А`-`Я`, `а`-`я`, `Ё`, `ё` (U+0410-U+044F, U+0401, U+0451);
//! * the nine Kazakh Cyrillic letters: `Ә ә Ғ ғ Қ қ Ң ң Ө ө Ұ ұ Ү ү Һ һ І і`;
//! * Kazakh Latin: the basic Latin letters `A`-`Z`, `a`-`z` plus the letters with diacritics of
//!   the 2021 alphabet *and* of the 2017-2018 versions still found on issued documents:
//!   `Á á Ä ä Ǵ ǵ Ğ ğ İ ı Ń ń Ñ ñ Ó ó Ö ö Ú ú Ū ū Ü ü Ý ý Ş ş Ç ç`;
//! * separators between letters: hyphen `-`, apostrophe `'` (also `’` U+2019 and `ʼ` U+02BC,
//!   which phones type), and a single space.
//!
//! Separators may not start or end a name or stand next to each other (`Анна--Мария`,
//! `-Ли`), since no document spells a name that way.

use super::text::{may_start_space, trim};

/// The longest name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 50;

/// A name that passed the rules, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a text is not a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong,
    Characters,
}

impl NameError {
    pub const fn code(self) -> &'static str {
        match self {
            NameError::Empty => "name.empty",
            NameError::TooLong => "name.too_long",
            NameError::Characters => "name.characters",
        }
    }
}

/// Whether `c` is a letter of the accepted alphabet (a `match`, not a search through a string
/// of letters: this runs for every character of six names on every keystroke).
pub fn is_name_letter(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z' | '\u{0410}'..='\u{044F}' | 'Ё' | 'ё'
        // Kazakh Cyrillic
        | 'Ә' | 'ә' | 'Ғ' | 'ғ' | 'Қ' | 'қ' | 'Ң' | 'ң' | 'Ө' | 'ө' | 'Ұ' | 'ұ' | 'Ү' | 'ү' | 'Һ' | 'һ' | 'І' | 'і'
        // Kazakh Latin (2021, and 2017-2018 on issued documents)
        | 'Á' | 'á' | 'Ä' | 'ä' | 'Ǵ' | 'ǵ' | 'Ğ' | 'ğ' | 'İ' | 'ı' | 'Ń' | 'ń' | 'Ñ' | 'ñ' | 'Ó' | 'ó' | 'Ö' | 'ö'
        | 'Ú' | 'ú' | 'Ū' | 'ū' | 'Ü' | 'ü' | 'Ý' | 'ý' | 'Ş' | 'ş' | 'Ç' | 'ç')
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '\'' | '\u{2019}' | '\u{02BC}' | ' ')
}

/// Collapses whitespace runs to one space and trims both ends.
fn normalise(text: &str) -> String {
    if is_plain(text.as_bytes()) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(4 * MAX_NAME_CHARS + 4));
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        // Past the limit the rest cannot change the verdict (too long): stop copying.
        if out.len() > 4 * (MAX_NAME_CHARS + 1) {
            break;
        }
    }
    out
}

/// Whether normalising cannot change `bytes`: no space at either end, no two in a row, and no
/// other white space. Checked on bytes, conservatively ([`may_start_space`]): no letter of the
/// alphabet starts with a byte that may start white space.
fn is_plain(bytes: &[u8]) -> bool {
    let mut previous_space = true; // a leading space is not plain
    for &b in bytes {
        match b {
            b' ' if previous_space => return false,
            b' ' => previous_space = true,
            b if may_start_space(b) => return false,
            _ => previous_space = false,
        }
    }
    !previous_space
}

/// Parses a required name.
pub fn parse_name(text: &str) -> Result<Name, NameError> {
    let name = normalise(text);
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    // No text has more characters than bytes: a short one needs no counting.
    if name.len() > MAX_NAME_CHARS && name.chars().nth(MAX_NAME_CHARS).is_some() {
        return Err(NameError::TooLong);
    }
    let mut previous_separator = true; // a name may not start with a separator
    for c in name.chars() {
        if is_name_letter(c) {
            previous_separator = false;
        } else if is_separator(c) && !previous_separator {
            previous_separator = true;
        } else {
            return Err(NameError::Characters);
        }
    }
    if previous_separator {
        return Err(NameError::Characters);
    }
    Ok(Name(name))
}

/// Parses an optional name (the patronymic): blank is `None`.
pub fn parse_optional_name(text: Option<&str>) -> Result<Option<Name>, NameError> {
    match text {
        Some(t) if !trim(t).is_empty() => parse_name(t).map(Some),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_kazakh_russian_and_latin_names() {
        for name in [
            "Омарова", "Айгүл", "Серікқызы", "Нұрлан", "Әлихан", "Ғабит", "Ұлпан", "Өмірзақ", "Һәкім", "Іңкәр",
            "Ёлкин", "Салтанат-Айым", "Д'Артаньян", "Оʼконнор", "Ли", "Ж", "Ánuar", "Ǵalym", "Aıgúl", "Ńurlan",
            "Ómirzaq", "Úmit", "Ülken", "Şolpan", "Çingiz", "Äset", "Ğabit", "Ñurlan", "Öner", "Ūlpan", "İlyas",
            "Ýlken", "Anna Maria",
        ] {
            assert!(parse_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn normalises_spaces() {
        assert_eq!(parse_name("  Анна \t  Мария ").unwrap().as_str(), "Анна Мария");
        for text in ["Анна\u{a0}Мария", "Анна\u{2009}Мария", "Анна\u{3000}Мария", "Анна\u{85}Мария", "Анна  Мария", " Анна Мария", "Анна Мария "] {
            assert_eq!(parse_name(text).unwrap().as_str(), "Анна Мария", "{text:?}");
        }
        assert_eq!(parse_name("Анна Мария").unwrap().as_str(), "Анна Мария");
        // Normalising by hand gives what the general rule gives, for text that is already plain or not.
        for text in ["Ли", "Анна Мария", "a b c", " ", "", "Ǵalym Ńurlan", "a\u{1680}b", "a\u{2028}b", "x\u{202f}y"] {
            let general = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(normalise(text), general, "{text:?}");
        }
    }

    #[test]
    fn empty() {
        for text in ["", "   ", "\n\t"] {
            assert_eq!(parse_name(text), Err(NameError::Empty), "{text:?}");
        }
        assert_eq!(parse_optional_name(Some("  ")), Ok(None));
        assert_eq!(parse_optional_name(None), Ok(None));
    }

    #[test]
    fn characters() {
        for text in ["Ivan1", "Анна--Мария", "-Ли", "Ли-", "'Ли", "Ли ' Ан", "Jørgen", "Ŝ", "Анна_Мария", "@", "Ли.", "日本"] {
            assert_eq!(parse_name(text), Err(NameError::Characters), "{text:?}");
        }
        assert_eq!(parse_optional_name(Some("7")), Err(NameError::Characters));
    }

    #[test]
    fn length_boundaries() {
        let fifty: String = "ә".repeat(50);
        assert!(parse_name(&fifty).is_ok());
        assert_eq!(parse_name(&format!("{fifty}ә")), Err(NameError::TooLong));
        // 10 MB: linear, and length wins over characters.
        let huge = "a1".repeat(5_000_000);
        assert_eq!(parse_name(&huge), Err(NameError::TooLong));
        let spaced = "а ".repeat(5_000_000);
        assert_eq!(parse_name(&spaced), Err(NameError::TooLong));
    }
}
