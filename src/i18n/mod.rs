//! Every text a person reads, in Kazakh, Russian and English.
//!
//! One catalog per language ([`kk`], [`ru`], [`en`]), each a list of `(key, text)` pairs. Keys
//! are the stable codes of the rest of the crate (`iin.checksum`, …) or dotted names for labels.
//! Texts may hold `{name}` placeholders, filled by [`format`]. A test fails when any key lacks
//! any language, so no person ever sees a code instead of a sentence.
//!
//! Kazakh is the state language and the fallback: an unknown language tag gives Kazakh, and a
//! key missing from a catalog (impossible while the completeness test passes) falls back to
//! Kazakh and then to the key itself.
//!
//! Messages follow the GOV.UK error-message style: say what to do ("Enter the IIN"), never that
//! something is "invalid".

mod en;
mod kk;
mod ru;

use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Kk,
    Ru,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Kk, Lang::Ru, Lang::En];

    /// Reads a language tag (`kk`, `ru-RU`, `EN`, …); anything else is Kazakh.
    pub fn parse(tag: &str) -> Lang {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "ru" => Lang::Ru,
            "en" => Lang::En,
            _ => Lang::Kk,
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    fn catalog(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::Kk => kk::CATALOG,
            Lang::Ru => ru::CATALOG,
            Lang::En => en::CATALOG,
        }
    }
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    lang.catalog().iter().find(|(k, _)| *k == key).map(|(_, text)| *text)
}

/// The text for `key` in `lang`, falling back to Kazakh, then to the key itself.
pub fn text(lang: Lang, key: &str) -> String {
    lookup(lang, key).or_else(|| lookup(Lang::Kk, key)).map(str::to_owned).unwrap_or_else(|| key.to_owned())
}

/// Whether `key` has a text in `lang`.
pub fn has(lang: Lang, key: &str) -> bool {
    lookup(lang, key).is_some()
}

/// The text for `key` with each `{name}` replaced by its value from `args`.
pub fn format(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(text(lang, key), |acc, (name, value)| acc.replace(&format!("{{{name}}}"), value))
}

/// Every key of every catalog, for completeness checks.
pub fn all_keys() -> impl Iterator<Item = &'static str> {
    Lang::ALL.into_iter().flat_map(|l| l.catalog().iter().map(|(k, _)| *k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_key_has_every_language() {
        let keys: BTreeSet<&str> = all_keys().collect();
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| Lang::ALL.into_iter().filter(|l| !has(*l, k)).map(move |l| format!("{k} [{}]", l.code())))
            .collect();
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    #[test]
    fn no_key_is_listed_twice_or_empty() {
        for lang in Lang::ALL {
            let mut seen = BTreeSet::new();
            for (key, text) in lang.catalog() {
                assert!(seen.insert(*key), "{key} twice in {}", lang.code());
                assert!(!text.trim().is_empty(), "{key} empty in {}", lang.code());
            }
        }
    }

    #[test]
    fn kazakh_is_cyrillic_kazakh() {
        // Real Kazakh uses its own letters; a catalog without any of them is transliterated Russian.
        let kazakh_letters = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];
        let with_kazakh = kk::CATALOG.iter().filter(|(_, t)| t.to_lowercase().chars().any(|c| kazakh_letters.contains(&c))).count();
        assert!(with_kazakh * 2 > kk::CATALOG.len(), "{with_kazakh} of {} Kazakh texts use Kazakh letters", kk::CATALOG.len());
        // Latin letters only inside names that are written that way in Kazakh too.
        const LATIN_ALLOWED: [&str; 4] = ["SMS", "e-mail", "egov.kz", "WhatsApp"];
        for (key, text) in kk::CATALOG {
            let rest = LATIN_ALLOWED.iter().fold(text.to_string(), |t, word| t.replace(word, ""));
            // `{name}` placeholders are code, the same in every language, not Kazakh text.
            let rest: String = rest.split('{').enumerate().map(|(i, part)| if i == 0 { part } else { part.split_once('}').map_or(part, |(_, after)| after) }).collect();
            assert!(!rest.chars().any(|c| c.is_ascii_alphabetic()), "{key}: Latin letters in Kazakh text");
        }
    }

    #[test]
    fn unknown_language_falls_back_to_kazakh() {
        assert_eq!(Lang::parse("de"), Lang::Kk);
        assert_eq!(Lang::parse(""), Lang::Kk);
        assert_eq!(Lang::parse("ru-RU"), Lang::Ru);
        assert_eq!(Lang::parse(" EN "), Lang::En);
        assert_eq!(text(Lang::parse("xx"), "iin.empty"), text(Lang::Kk, "iin.empty"));
        assert_eq!(text(Lang::En, "no.such.key"), "no.such.key");
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(format(Lang::En, "iin.empty", &[("unused", "x")]), text(Lang::En, "iin.empty"));
        let keys_with_placeholders: Vec<&str> = all_keys().filter(|k| text(Lang::En, k).contains('{')).collect();
        for key in keys_with_placeholders {
            // The same placeholders in every language.
            let names = |l: Lang| -> BTreeSet<String> {
                text(l, key).split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect()
            };
            assert_eq!(names(Lang::Kk), names(Lang::En), "{key}");
            assert_eq!(names(Lang::Ru), names(Lang::En), "{key}");
        }
    }
}
