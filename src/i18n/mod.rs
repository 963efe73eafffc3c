//! Every text a person reads, in Kazakh, Russian and English.
//!
//! One catalog per language ([`kk`], [`ru`], [`en`]), each a list of `(key, text)` pairs. Keys
//! are the stable codes of the rest of the crate (`iin.checksum`, …) or dotted names for labels.
//! Texts may hold `{name}` placeholders, filled by [`format`]. A test fails when any key lacks
//! any language, so no person ever sees a code instead of a sentence.
//!
//! The service provider's texts (the operator page, the staff API's refusals) are a second
//! catalog per language, `STAFF`, compiled into native builds only: the citizen's package stays
//! small, and the backend serves them to the operator page ([`staff_texts`],
//! `GET /api/texts/staff`). Every test below covers both catalogs.
//!
//! Kazakh is the state language and the fallback: an unknown language tag gives Kazakh, and a
//! key missing from a catalog (impossible while the completeness test passes) falls back to
//! Kazakh and then to the key itself.
//!
//! Messages follow the GOV.UK error-message style: say what to do ("Enter the IIN"), never that
//! something is "invalid".
//!
//! Every term follows the glossary, `docs/glossary.md`: one word per concept in each language,
//! taken from the Rules (Order No. 254) and egov.kz. The test `catalogs_follow_the_glossary`
//! reads the glossary's check tables and fails on a forbidden word (kk «күй» for a status,
//! «кері қайтару» for a withdrawal, …) or on a text that lacks its concept's term (the one
//! Kazakh name of the 07:00 access to referrals, …).

mod en;
mod kk;
mod ru;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::OnceLock;
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

    /// The service provider's catalog (see the module docs); empty in the browser's package.
    fn staff_catalog(self) -> &'static [(&'static str, &'static str)] {
        #[cfg(not(target_arch = "wasm32"))]
        {
            match self {
                Lang::Kk => kk::STAFF,
                Lang::Ru => ru::STAFF,
                Lang::En => en::STAFF,
            }
        }
        #[cfg(target_arch = "wasm32")]
        {
            &[]
        }
    }

    /// Both catalogs, the citizen's first.
    fn catalogs(self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        self.catalog().iter().chain(self.staff_catalog())
    }
}

/// The citizen's catalog through its index, then the service provider's (native builds only; a
/// short walk, used by the backend's staff refusals).
fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    lookup_indexed(lang, key).or_else(|| lang.staff_catalog().iter().find(|(k, _)| *k == key).map(|(_, text)| *text))
}

/// The service provider's texts in `lang` (`(key, text)`), which the backend serves to the
/// operator page: empty in the browser's package, which does not carry them.
pub fn staff_texts(lang: Lang) -> &'static [(&'static str, &'static str)] {
    lang.staff_catalog()
}

fn lookup_indexed(lang: Lang, key: &str) -> Option<&'static str> {
    let catalog = lang.catalog();
    let index = key_index(lang);
    let mask = index.len().wrapping_sub(1);
    let mut slot = hash(key) & mask;
    // The table is at most half full, so an empty slot ends every search.
    loop {
        let entry = usize::from(*index.get(slot)?);
        let (k, text) = catalog.get(entry.checked_sub(1)?)?;
        if *k == key {
            return Some(text);
        }
        slot = (slot + 1) & mask;
    }
}

/// FNV-1a: short keys, no attacker, fast in WebAssembly.
fn hash(key: &str) -> usize {
    let mut h = 0x811C_9DC5_u32;
    for &b in key.as_bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

/// An open-addressing table of a catalog's keys (entry number + 1, 0 for empty), built the first
/// time the language is used: a message costs a hash and a comparison or two, not a walk through
/// hundreds of keys (which was most of the time `validateApplication` took on a form with errors).
fn key_index(lang: Lang) -> &'static [u16] {
    static INDEX: [OnceLock<Box<[u16]>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let cell = match lang {
        Lang::Kk => &INDEX[0],
        Lang::Ru => &INDEX[1],
        Lang::En => &INDEX[2],
    };
    cell.get_or_init(|| {
        let catalog = lang.catalog();
        let mut index = vec![0u16; (catalog.len() * 2).next_power_of_two().max(16)];
        let mask = index.len() - 1;
        for (entry, (key, _)) in catalog.iter().enumerate().take(usize::from(u16::MAX - 1)) {
            let mut slot = hash(key) & mask;
            while index.get(slot).is_some_and(|&e| e != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(free) = index.get_mut(slot) {
                *free = entry as u16 + 1;
            }
        }
        index.into_boxed_slice()
    })
}

/// The text for `key` in `lang`, falling back to Kazakh, then to the key itself.
pub fn text(lang: Lang, key: &str) -> String {
    resolve(lang, key).to_owned()
}

/// The text for `key` in `lang`, falling back to Kazakh, then to the key itself, borrowed.
pub(crate) fn resolve(lang: Lang, key: &str) -> &str {
    lookup(lang, key).or_else(|| lookup(Lang::Kk, key)).unwrap_or(key)
}

/// Whether `key` has a text in `lang`.
pub fn has(lang: Lang, key: &str) -> bool {
    lookup(lang, key).is_some()
}

/// The text for `key` with each `{name}` replaced by its value from `args`.
///
/// One pass over the text: a placeholder whose name is not in `args` stays as it is.
pub fn format(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    format_with(lang, key, |name| args.iter().find(|(n, _)| *n == name).map(|(_, value)| Cow::Borrowed(*value)))
}

/// [`format`] with each placeholder's value from `value(name)`, made only when the text uses it.
pub(crate) fn format_with<'v>(lang: Lang, key: &str, value: impl Fn(&str) -> Option<Cow<'v, str>>) -> String {
    // Messages are short: a byte loop finds a brace sooner than a general string search.
    let find = |text: &str, byte: u8| text.as_bytes().iter().position(|&b| b == byte);
    let mut rest = resolve(lang, key);
    let mut out = String::with_capacity(rest.len() + 32);
    while let Some(open) = find(rest, b'{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let filled = find(after, b'}').and_then(|close| Some((value(after.get(..close)?)?, after.get(close + 1..)?)));
        match filled {
            Some((value, next)) => {
                out.push_str(&value);
                rest = next;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every key of every catalog, for completeness checks.
pub fn all_keys() -> impl Iterator<Item = &'static str> {
    Lang::ALL.into_iter().flat_map(|l| l.catalogs().map(|(k, _)| *k))
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
            // Across both catalogs: a key is in one of them only.
            for (key, text) in lang.catalogs() {
                assert!(seen.insert(*key), "{key} twice in {}", lang.code());
                assert!(!text.trim().is_empty(), "{key} empty in {}", lang.code());
            }
        }
    }

    #[test]
    fn kazakh_is_cyrillic_kazakh() {
        // Real Kazakh uses its own letters; a catalog without any of them is transliterated Russian.
        let kazakh_letters = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];
        for catalog in [kk::CATALOG, kk::STAFF] {
            let with_kazakh = catalog.iter().filter(|(_, t)| t.to_lowercase().chars().any(|c| kazakh_letters.contains(&c))).count();
            assert!(with_kazakh * 2 > catalog.len(), "{with_kazakh} of {} Kazakh texts use Kazakh letters", catalog.len());
        }
        // Latin letters only inside names that are written that way in Kazakh too.
        const LATIN_ALLOWED: [&str; 5] = ["SMS", "e-mail", "egov.kz", "WhatsApp", "2026-11-23T07:00:00+05:00"];
        for (key, text) in Lang::Kk.catalogs() {
            let rest = LATIN_ALLOWED.iter().fold(without_placeholders(text), |t, word| t.replace(word, ""));
            assert!(!rest.chars().any(|c| c.is_ascii_alphabetic()), "{key}: Latin letters in Kazakh text");
        }
    }

    /// The text with every `{name}` placeholder written `{}`, so that a placeholder's name is not
    /// read as a word of the text.
    fn placeholders_emptied(text: &str) -> String {
        let mut out = String::new();
        let mut inside = false;
        for c in text.chars() {
            match c {
                '{' => {
                    inside = true;
                    out.push(c);
                }
                '}' => {
                    inside = false;
                    out.push(c);
                }
                _ if !inside => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// The text with every `{name}` placeholder removed.
    fn without_placeholders(text: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in text.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn the_three_catalogs_have_the_same_keys_in_the_same_order() {
        let keys = |l: Lang| l.catalog().iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(keys(Lang::Ru), keys(Lang::Kk));
        assert_eq!(keys(Lang::En), keys(Lang::Kk));
        let staff = |l: Lang| staff_texts(l).iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(staff(Lang::Ru), staff(Lang::Kk));
        assert_eq!(staff(Lang::En), staff(Lang::Kk));
        assert!(staff(Lang::Kk).len() > 100, "the staff catalog is read");
    }

    /// The glossary (`docs/glossary.md`), whose two check tables this test reads.
    const GLOSSARY: &str = include_str!("../../docs/glossary.md");

    /// The rows of the markdown table between `<!-- glossary-check:{name}:begin -->` and its end
    /// marker, as cells, without the header and separator rows.
    fn glossary_table(name: &str) -> Vec<Vec<&'static str>> {
        let begin = format!("<!-- glossary-check:{name}:begin -->");
        let end = format!("<!-- glossary-check:{name}:end -->");
        let start = GLOSSARY.find(&begin).unwrap_or_else(|| panic!("{begin} missing from the glossary")) + begin.len();
        let stop = GLOSSARY[start..].find(&end).unwrap_or_else(|| panic!("{end} missing from the glossary")) + start;
        GLOSSARY[start..stop]
            .lines()
            .filter(|line| line.trim_start().starts_with('|'))
            .skip(2)
            .map(|line| line.trim().trim_matches('|').split('|').map(str::trim).collect())
            .collect()
    }

    /// The `backticked` terms of a cell, each with whether it is negated by a preceding `no`.
    fn terms(cell: &str) -> Vec<(bool, String)> {
        let parts: Vec<&str> = cell.split('`').collect();
        parts
            .chunks(2)
            .filter_map(|pair| match pair {
                [before, term] => Some((before.trim().ends_with("no"), term.to_lowercase())),
                _ => None,
            })
            .collect()
    }

    /// Whether `pattern` occurs in `text` where a word starts (case-insensitive).
    fn occurs_at_word_start(text: &str, pattern: &str) -> bool {
        let text = text.to_lowercase();
        let pattern = pattern.to_lowercase();
        let needs_boundary = pattern.chars().next().is_some_and(char::is_alphabetic);
        text.match_indices(&pattern)
            .any(|(at, _)| !needs_boundary || !text[..at].chars().next_back().is_some_and(char::is_alphabetic))
    }

    fn lang_of(code: &str) -> Lang {
        match code {
            "kk" => Lang::Kk,
            "ru" => Lang::Ru,
            "en" => Lang::En,
            other => panic!("glossary row with unknown language {other:?}"),
        }
    }

    #[test]
    fn catalogs_follow_the_glossary() {
        let mut broken = Vec::new();
        let forbidden = glossary_table("forbidden");
        assert!(forbidden.len() >= 20, "the forbidden table was not read: {} rows", forbidden.len());
        for row in &forbidden {
            let [lang, never, instead, ..] = row.as_slice() else { panic!("short row {row:?}") };
            let lang = lang_of(lang);
            for (_, pattern) in terms(never) {
                for (key, text) in lang.catalogs() {
                    if occurs_at_word_start(&placeholders_emptied(text), &pattern) {
                        broken.push(format!("{key} [{}] says «{pattern}»: write «{instead}» — {text}", lang.code()));
                    }
                }
            }
        }
        let required = glossary_table("required");
        assert!(required.len() >= 5, "the required table was not read: {} rows", required.len());
        for row in &required {
            let [keys, kk, ru, en] = row.as_slice() else { panic!("row {row:?} needs keys, kk, ru, en") };
            for key in keys.split(',').map(str::trim) {
                for (lang, cell) in [(Lang::Kk, kk), (Lang::Ru, ru), (Lang::En, en)] {
                    assert!(has(lang, key), "the glossary names {key}, which is not in the catalogs");
                    let text = text(lang, key).to_lowercase();
                    for (negated, term) in terms(cell) {
                        if text.contains(&term) == negated {
                            let verb = if negated { "must not say" } else { "must say" };
                            broken.push(format!("{key} [{}] {verb} «{term}» — {text}", lang.code()));
                        }
                    }
                }
            }
        }
        assert!(broken.is_empty(), "texts against docs/glossary.md:\n{}", broken.join("\n"));
    }

    #[test]
    fn the_word_start_match_ignores_words_that_only_contain_the_pattern() {
        assert!(occurs_at_word_start("Өтініш күйі", "күй"));
        assert!(!occurs_at_word_start("бүкүйі", "күй"));
        assert!(occurs_at_word_start("ребёнка-инвалида", "инвалида"));
        assert!(occurs_at_word_start(&placeholders_emptied("Впереди: внеочередных {extraordinary}"), "внеочередных {"));
        assert!(!occurs_at_word_start(&placeholders_emptied("the first {window}"), "window"));
        assert_eq!(terms("`бос аралық` no `бос орын`"), vec![(false, "бос аралық".to_owned()), (true, "бос орын".to_owned())]);
    }

    #[test]
    fn the_key_index_finds_every_key_and_nothing_else() {
        for lang in Lang::ALL {
            for (key, text) in lang.catalog() {
                assert_eq!(lookup(lang, key), Some(*text), "{key} [{}]", lang.code());
            }
            for missing in ["", "no.such.key", "iin.empty.", "IIN.EMPTY"] {
                assert_eq!(lookup(lang, missing), None, "{missing:?}");
            }
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
        // Every placeholder of every text filled in one pass gives what replacing each in turn gives.
        for lang in Lang::ALL {
            for (key, text) in lang.catalog() {
                let names: Vec<&str> = text.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
                let values: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
                let args: Vec<(&str, &str)> = names.iter().copied().zip(values.iter().map(String::as_str)).collect();
                let by_replacing = args.iter().fold(text.to_string(), |acc, (n, v)| acc.replace(&format!("{{{n}}}"), v));
                assert_eq!(format(lang, key, &args), by_replacing, "{key}");
            }
        }
        assert_eq!(format(Lang::En, "{a} {b} {a}", &[("a", "1")]), "1 {b} 1");
        assert_eq!(format(Lang::En, "{ {a}} {", &[("a", "ә")]), "{ ә} {");
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
