//! Every text a person reads, in Kazakh, Russian and English.
//!
//! One catalog per language ([`kk`], [`ru`], [`en`]), each a list of `(key, text)` pairs. Keys
//! are the stable codes of the rest of the crate (`iin.checksum`, …) or dotted names for labels.
//! Texts may hold `{name}` placeholders, filled by [`format`]. A test fails when any key lacks
//! any language, so no person ever sees a code instead of a sentence.
//!
//! Where the texts live: native builds (the server, the tests) compile the three catalogs in
//! (feature `catalogs`). The browser package leaves them out, because a person reads one
//! language and the three are about 26 KB of the download after gzip: it ships each as a
//! catalog document, `i18n/<lang>.json` (written by [`catalog_json`]: a JSON list of the texts
//! in the order of [`keys`], the keys compiled into every build by `build.rs`, so that they are
//! not downloaded once per language: 25.3 KB of gzip for the three as objects of texts by key,
//! 18.1 KB as lists), and the page loads the one it shows with [`set_catalog`] (`setCatalog` in
//! JavaScript), the others only when a person switches language. A loaded catalog replaces the
//! built-in one.
//!
//! The reference pages' own labels (the form's headings and hints, the tracker's buttons, the
//! foundation page: texts no function of the crate returns) are not here but with the pages,
//! `www/i18n/<lang>.json` (objects of texts by key, which the pages look in before `uiText`): the
//! package an egov team embeds does not carry another page's words (issue 14). The tests below
//! hold them to the same rules (every language, no key in both places, the glossary) and check
//! that every key the pages name has a text and that no Rust code names a page's label.
//!
//! The service provider's texts (the operator page, the staff API's refusals) are a second
//! catalog per language, `STAFF`, compiled into native builds with the catalogs only: the citizen's package stays
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

#[cfg(any(feature = "catalogs", test))]
mod en;
#[cfg(any(feature = "catalogs", test))]
mod kk;
#[cfg(any(feature = "catalogs", test))]
mod ru;

use crate::json::Reader;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::sync::RwLock;
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
        // Compared without a lowercased copy: this runs on every keystroke's validation.
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("ru") {
            Lang::Ru
        } else if primary.eq_ignore_ascii_case("en") {
            Lang::En
        } else {
            Lang::Kk
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

    fn slot(self) -> usize {
        self as usize
    }

    /// The service provider's catalog (see the module docs); empty in the browser's package.
    fn staff_catalog(self) -> &'static [(&'static str, &'static str)] {
        #[cfg(all(any(feature = "catalogs", test), not(target_arch = "wasm32")))]
        {
            match self {
                Lang::Kk => kk::STAFF,
                Lang::Ru => ru::STAFF,
                Lang::En => en::STAFF,
            }
        }
        #[cfg(not(all(any(feature = "catalogs", test), not(target_arch = "wasm32"))))]
        {
            &[]
        }
    }

    /// Both built-in catalogs, the citizen's first.
    #[cfg(any(feature = "catalogs", test))]
    fn catalogs(self) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        embedded(self).iter().chain(self.staff_catalog())
    }
}

/// One language's texts: `(key hash, text)` pairs ([`key_hash`]) and an index of them.
struct Catalog {
    entries: Box<[(u32, &'static str)]>,
    /// Open addressing, entry number + 1 (0 for empty), at most half full.
    index: Box<[u16]>,
}

impl Catalog {
    fn new(entries: Box<[(u32, &'static str)]>) -> Catalog {
        let mut index = vec![0u16; (entries.len() * 2).next_power_of_two().max(16)];
        let mask = index.len() - 1;
        for (entry, (hash, _)) in entries.iter().enumerate().take(usize::from(u16::MAX - 1)) {
            let mut slot = *hash as usize & mask;
            while index.get(slot).is_some_and(|&e| e != 0) {
                slot = (slot + 1) & mask;
            }
            if let Some(free) = index.get_mut(slot) {
                *free = entry as u16 + 1;
            }
        }
        Catalog { entries, index: index.into_boxed_slice() }
    }

    /// A message costs a hash and a comparison or two, not a walk through hundreds of keys
    /// (which was most of the time `validateApplication` took on a form with errors).
    fn get(&self, key: &str) -> Option<&'static str> {
        let mask = self.index.len().wrapping_sub(1);
        let hash = key_hash(key);
        let mut slot = hash as usize & mask;
        // The table is at most half full, so an empty slot ends every search.
        loop {
            let entry = usize::from(*self.index.get(slot)?);
            let (k, text) = self.entries.get(entry.checked_sub(1)?)?;
            if *k == hash {
                return Some(text);
            }
            slot = (slot + 1) & mask;
        }
    }
}

mod key_hash;
use key_hash::key_hash;

/// A built-in catalog's `(key, text)` pairs as a [`Catalog`]'s entries.
#[cfg(any(feature = "catalogs", test))]
fn hashed(entries: &'static [(&'static str, &'static str)]) -> Box<[(u32, &'static str)]> {
    entries.iter().map(|(key, text)| (key_hash(key), *text)).collect()
}

/// The catalogs compiled into this build (feature `catalogs`: native builds, the server and the
/// browser tests). The browser package leaves them out and loads one with [`set_catalog`].
#[cfg(any(feature = "catalogs", test))]
fn embedded(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Kk => kk::CATALOG,
        Lang::Ru => ru::CATALOG,
        Lang::En => en::CATALOG,
    }
}

/// The catalogs loaded by [`set_catalog`], per language.
static LOADED: [RwLock<Option<&'static Catalog>>; 3] = [RwLock::new(None), RwLock::new(None), RwLock::new(None)];

/// The catalog of `lang` in force: the one [`set_catalog`] loaded last, else the built-in one
/// (indexed the first time it is used), else none.
fn catalog(lang: Lang) -> Option<&'static Catalog> {
    if let Some(loaded) = LOADED.get(lang.slot()).and_then(|cell| *cell.read().unwrap_or_else(|e| e.into_inner())) {
        return Some(loaded);
    }
    #[cfg(any(feature = "catalogs", test))]
    {
        use std::sync::OnceLock;
        static BUILT_IN: [OnceLock<Catalog>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        BUILT_IN.get(lang.slot()).map(|cell| cell.get_or_init(|| Catalog::new(hashed(embedded(lang)))))
    }
    #[cfg(not(any(feature = "catalogs", test)))]
    None
}

/// The citizen's catalog through its index, then the service provider's (native builds only; a
/// short walk, used by the backend's staff refusals).
fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalog(lang).and_then(|c| c.get(key)).or_else(|| lang.staff_catalog().iter().find(|(k, _)| *k == key).map(|(_, text)| *text))
}

/// The service provider's texts in `lang` (`(key, text)`), which the backend serves to the
/// operator page: empty in the browser's package, which does not carry them.
pub fn staff_texts(lang: Lang) -> &'static [(&'static str, &'static str)] {
    lang.staff_catalog()
}

// The catalogs' keys, in the order of the catalog documents (`KEY_LINES`, `KEY_COUNT`, written
// by build.rs from the Kazakh catalog): every build has them, so a document carries only its texts.
include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// Every catalog key, in the order of the catalog documents (the Kazakh catalog's order).
pub fn keys() -> impl Iterator<Item = &'static str> {
    KEY_LINES.split('\n')
}

/// A catalog document that [`set_catalog`] refuses: not a JSON list of texts, one for each key
/// of [`keys`] (a catalog of another version of the package), nor an object of texts by key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogError;

impl CatalogError {
    pub fn code(self) -> &'static str {
        "catalog.json"
    }
}

/// Loads the texts of `lang` from a catalog document, replacing the texts in force for that
/// language, and returns how many texts it holds. The document is what [`catalog_json`] writes
/// (the browser package ships them as `i18n/<lang>.json`): a JSON list of texts in the order of
/// the keys ([`keys`]; `null` for a key without a text, which then falls back to Kazakh), so that
/// the keys are not downloaded once per language. An object of texts by key is read too
/// (`{ "iin.empty": "…" }`: a catalog made by hand).
///
/// The texts live as long as the program (a page loads each language once or twice; each load
/// keeps its text, so that every `&'static str` handed out stays valid).
pub fn set_catalog(lang: Lang, json: &str) -> Result<usize, CatalogError> {
    let entries = read_catalog(Box::leak(json.to_owned().into_boxed_str()))?;
    let count = entries.len();
    let catalog: &'static Catalog = Box::leak(Box::new(Catalog::new(entries.into_boxed_slice())));
    if let Some(cell) = LOADED.get(lang.slot()) {
        *cell.write().unwrap_or_else(|e| e.into_inner()) = Some(catalog);
    }
    Ok(count)
}

/// The `(key hash, text)` pairs of a catalog document (see [`set_catalog`]).
fn read_catalog(text: &'static str) -> Result<Vec<(u32, &'static str)>, CatalogError> {
    const MAX_ENTRIES: usize = u16::MAX as usize - 1;
    let mut entries: Vec<(u32, &'static str)> = Vec::new();
    let mut reader = Reader::new(text);
    let mut wrong = false;
    let mut listed = 0;
    let mut keys = KEY_HASHES.iter().copied();
    let is_list = reader.peek_value() == Ok(b'[');
    let read = match is_list {
        true => reader.list(|r, index| {
            listed = index + 1;
            // `null`: no text for this key; anything but a text or null is not a catalog.
            let absent = r.peek_value()? == b'n';
            match (keys.next(), r.text()?) {
                (Some(key), Some(value)) => entries.push((key, leak(value))),
                (Some(_), None) if absent => {}
                _ => wrong = true,
            }
            Ok(())
        }),
        false => reader.object(|r, key| {
            match r.text()? {
                Some(value) if entries.len() < MAX_ENTRIES => entries.push((key_hash(key), leak(value))),
                _ => wrong = true,
            }
            Ok(())
        }),
    };
    // A list holds a text (or null) for every key: any other length is another version's.
    let short_list = is_list && listed != KEY_COUNT;
    if !matches!(read, Ok(true)) || wrong || short_list || reader.end().is_err() {
        return Err(CatalogError);
    }
    Ok(entries)
}

/// A catalog's text, kept for the life of the page.
///
/// A text is shown, never interpreted: control characters other than line breaks and tabs are
/// written as U+FFFD, so a catalog cannot put one into a message (the package's reports rely on
/// U+0001 never being in one: `src/wasm/application.rs`). Only an escaped text can hold one (JSON
/// refuses them raw), and only an escaped text is owned.
fn leak(text: Cow<'static, str>) -> &'static str {
    let is_stray = |c: char| c.is_control() && c != '\n' && c != '\t';
    match text {
        Cow::Borrowed(borrowed) => borrowed,
        Cow::Owned(owned) if owned.contains(is_stray) => Box::leak(owned.replace(is_stray, "\u{FFFD}").into_boxed_str()),
        Cow::Owned(owned) => Box::leak(owned.into_boxed_str()),
    }
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
    let mut out = String::new();
    format_into(&mut out, lang, key, value);
    out
}

/// [`format_with`] written at the end of `out`: a report of many messages is built in one
/// buffer instead of one string per message.
pub(crate) fn format_into<'v>(out: &mut String, lang: Lang, key: &str, value: impl Fn(&str) -> Option<Cow<'v, str>>) {
    // Messages are short: a byte loop finds a brace sooner than a general string search.
    let find = |text: &str, byte: u8| text.as_bytes().iter().position(|&b| b == byte);
    let mut rest = resolve(lang, key);
    out.reserve(rest.len() + 32);
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
}

/// Every key of every catalog, for completeness checks.
#[cfg(any(feature = "catalogs", test))]
pub fn all_keys() -> impl Iterator<Item = &'static str> {
    Lang::ALL.into_iter().flat_map(|l| l.catalogs().map(|(k, _)| *k))
}

/// The texts of the backend's own refusals (a busy database, a malformed body, an unknown
/// application, sign-in failures…). The backend writes them into each refusal's `message` in the
/// request's language, from these same catalogs; the browser's client shows that message for a
/// code its catalog does not have (`contract::failure::failure_message`). So the package's
/// catalog documents leave them out ([`package_catalog_json`]): 1.9 KB gzip of the package's
/// budget. None of them is named by the package's own code or the pages (a test checks). The
/// refusals of a submission (`application.duplicate`, `child.not_linked`, …) stay: the form shows
/// them as its own errors and says them again in the language the person switches to.
pub const BACKEND_ONLY: &[&str] = &[
    "vacancy.full", "vacancy.not_published", "vacancy.unknown", "vacancy.other_pool", "auth.invalid", "route.unknown",
    "route.method", "body.too_large", "body.content_type", "body.json", "body.read", "host.unknown", "rate.limited", "db.busy",
    "request.timeout", "internal", "origin.cross_site", "application.unknown", "demo.disabled", "log.entry", "log.range",
    "referral.unknown", "referral.extension_reason", "queue.unknown", "auth.required", "auth.no_iin", "auth.out_of_scope",
    "auth.not_configured", "auth.provider", "auth.callback", "auth.iin", "clock.range", "clock.duration", "clock.request",
];

/// The built-in catalog of `lang` as a catalog document, which [`set_catalog`] reads: a JSON
/// list of its texts in the order of [`keys`] (`null` where it has none).
#[cfg(any(feature = "catalogs", test))]
pub fn catalog_json(lang: Lang) -> String {
    catalog_document(lang, |_| true)
}

/// The catalog document the browser package ships (`i18n/<lang>.json`, written by
/// `scripts/build.sh` with `examples/catalogs.rs`): [`catalog_json`] without the texts of the
/// backend's own refusals ([`BACKEND_ONLY`], `null` there).
#[cfg(any(feature = "catalogs", test))]
pub fn package_catalog_json(lang: Lang) -> String {
    catalog_document(lang, |key| !BACKEND_ONLY.contains(&key))
}

#[cfg(any(feature = "catalogs", test))]
fn catalog_document(lang: Lang, ships: impl Fn(&str) -> bool) -> String {
    let catalog = Catalog::new(hashed(embedded(lang)));
    let mut out = String::with_capacity(embedded(lang).iter().map(|(_, t)| t.len() + 4).sum::<usize>() + 2);
    out.push('[');
    for (i, key) in keys().enumerate() {
        if i > 0 {
            // No line breaks: 77 bytes of gzip for the three, and the package is within 0.1 KB of its budget.
            out.push(',');
        }
        match catalog.get(key).filter(|_| ships(key)) {
            Some(text) => crate::json::write::push_string(&mut out, text),
            None => out.push_str("null"),
        }
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::sync::OnceLock;

    /// The pages' own labels (`www/i18n/<lang>.json`, an object of texts by key): the texts only
    /// the pages show, which the package does not carry (issue 14). The tests below hold them to
    /// the catalogs' rules: every language, no key twice (nor in a catalog too), the glossary.
    fn page_labels(lang: Lang) -> &'static [(&'static str, &'static str)] {
        static LABELS: [OnceLock<Vec<(&'static str, &'static str)>>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let file = match lang {
            Lang::Kk => include_str!("../../www/i18n/kk.json"),
            Lang::Ru => include_str!("../../www/i18n/ru.json"),
            Lang::En => include_str!("../../www/i18n/en.json"),
        };
        LABELS[lang.slot()].get_or_init(|| match file.trim_start().starts_with('{') {
            // The catalog reader keeps a key given twice twice, so that the test below sees it.
            true => read_labels(file).unwrap_or_else(|| panic!("www/i18n/{}.json is not an object of texts", lang.code())),
            false => panic!("www/i18n/{}.json is not an object of texts by key", lang.code()),
        })
    }

    /// The `(key, text)` pairs of an object of texts by key, a key given twice kept twice.
    fn read_labels(text: &'static str) -> Option<Vec<(&'static str, &'static str)>> {
        let mut entries = Vec::new();
        let mut wrong = false;
        let mut reader = Reader::new(text);
        let read = reader.object(|r, key| {
            match r.text()? {
                Some(value) => entries.push((Box::leak(key.into()) as &'static str, leak(value))),
                None => wrong = true,
            }
            Ok(())
        });
        (matches!(read, Ok(true)) && !wrong && reader.end().is_ok()).then_some(entries)
    }

    /// Every text of `lang`: both catalogs, then the pages' labels.
    fn every_text(lang: Lang) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
        lang.catalogs().chain(page_labels(lang))
    }

    /// The text of `key` in `lang` from the catalogs or the pages' labels (as a page finds it).
    fn any_text(lang: Lang, key: &str) -> Option<&'static str> {
        lookup(lang, key).or_else(|| page_labels(lang).iter().find(|(k, _)| *k == key).map(|(_, t)| *t))
    }

    #[test]
    fn every_key_has_every_language() {
        let keys: BTreeSet<&str> = all_keys().chain(Lang::ALL.into_iter().flat_map(|l| page_labels(l).iter().map(|(k, _)| *k))).collect();
        let missing: Vec<String> = keys
            .iter()
            .flat_map(|k| Lang::ALL.into_iter().filter(|l| any_text(*l, k).is_none()).map(move |l| format!("{k} [{}]", l.code())))
            .collect();
        assert!(missing.is_empty(), "missing translations: {missing:?}");
        assert!(page_labels(Lang::Kk).len() > 100, "the pages' labels are read");
    }

    #[test]
    fn no_key_is_listed_twice_or_empty() {
        for lang in Lang::ALL {
            let mut seen = BTreeSet::new();
            // Across both catalogs and the pages' labels: a key is in one of them only, so that
            // the package and the page never disagree on a text.
            for (key, text) in every_text(lang) {
                assert!(seen.insert(*key), "{key} twice in {} (catalogs and www/i18n/{0}.json)", lang.code());
                assert!(!text.trim().is_empty(), "{key} empty in {}", lang.code());
            }
        }
    }

    #[test]
    fn kazakh_is_cyrillic_kazakh() {
        // Real Kazakh uses its own letters; a catalog without any of them is transliterated Russian.
        let kazakh_letters = ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'һ', 'і'];
        // The staff catalog is in native builds only (`staff_catalog`): empty, and skipped, in WebAssembly.
        for catalog in [kk::CATALOG, Lang::Kk.staff_catalog(), page_labels(Lang::Kk)].into_iter().filter(|c| !c.is_empty()) {
            let with_kazakh = catalog.iter().filter(|(_, t)| t.to_lowercase().chars().any(|c| kazakh_letters.contains(&c))).count();
            assert!(with_kazakh * 2 > catalog.len(), "{with_kazakh} of {} Kazakh texts use Kazakh letters", catalog.len());
        }
        // Latin letters only inside names that are written that way in Kazakh too.
        const LATIN_ALLOWED: [&str; 5] = ["SMS", "e-mail", "egov.kz", "WhatsApp", "2026-11-23T07:00:00+05:00"];
        for (key, text) in every_text(Lang::Kk) {
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
        let keys = |l: Lang| embedded(l).iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(keys(Lang::Ru), keys(Lang::Kk));
        assert_eq!(keys(Lang::En), keys(Lang::Kk));
        let staff = |l: Lang| staff_texts(l).iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(staff(Lang::Ru), staff(Lang::Kk));
        assert_eq!(staff(Lang::En), staff(Lang::Kk));
        assert!(staff(Lang::Kk).len() > 100, "the staff catalog is read");
        let labels = |l: Lang| page_labels(l).iter().map(|(k, _)| *k).collect::<Vec<_>>();
        assert_eq!(labels(Lang::Ru), labels(Lang::Kk), "www/i18n/ru.json against kk.json");
        assert_eq!(labels(Lang::En), labels(Lang::Kk), "www/i18n/en.json against kk.json");
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
                for (key, text) in every_text(lang) {
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
                    let text = any_text(lang, key).unwrap_or_else(|| panic!("the glossary names {key}, which is not in the catalogs"));
                    let text = text.to_lowercase();
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
            for (key, text) in embedded(lang) {
                assert_eq!(lookup(lang, key), Some(*text), "{key} [{}]", lang.code());
            }
            for missing in ["", "no.such.key", "iin.empty.", "IIN.EMPTY"] {
                assert_eq!(lookup(lang, missing), None, "{missing:?}");
            }
        }
    }

    #[test]
    fn a_catalog_document_loads_back_the_same_texts() {
        // Loading each built-in catalog's own document changes no text, so this test cannot
        // disturb the others that run beside it.
        for lang in Lang::ALL {
            let json = catalog_json(lang);
            assert_eq!(set_catalog(lang, &json), Ok(embedded(lang).len()));
            for (key, text) in embedded(lang) {
                assert_eq!(lookup(lang, key), Some(*text), "{key} [{}]", lang.code());
            }
        }
    }

    #[test]
    fn a_catalog_text_holds_no_control_character_but_line_breaks_and_tabs() {
        // Read, not loaded (other tests run beside this one).
        let entries = read_catalog(r#"{"a": "one\u0001two\u0007", "b": "line\nbreak\ttab", "c": "plain"}"#).unwrap();
        let texts: Vec<&str> = entries.iter().map(|(_, text)| *text).collect();
        assert_eq!(texts, ["one\u{FFFD}two\u{FFFD}", "line\nbreak\ttab", "plain"]);
        // Nor do the built-in catalogs.
        for lang in Lang::ALL {
            for (key, text) in embedded(lang) {
                assert!(!text.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{key} [{}]", lang.code());
            }
        }
    }

    #[test]
    fn a_catalog_document_must_be_a_list_of_every_keys_text_or_an_object_of_texts() {
        let one_short = format!("[{}]", vec!["\"x\""; KEY_COUNT - 1].join(","));
        let one_long = format!("[{}]", vec!["\"x\""; KEY_COUNT + 1].join(","));
        let with_a_list = format!("[{}]", vec!["[]"; KEY_COUNT].join(","));
        for bad in ["", "[]", "[\"x\"]", &one_short, &one_long, &with_a_list, "\"x\"", "{\"a\": 1", "{\"a\": {}}", "{\"a\": [\"x\"]}", "{\"a\": \"x\"} x", "{\"a\": null}"] {
            assert_eq!(set_catalog(Lang::En, bad), Err(CatalogError), "{bad}");
        }
        assert_eq!(text(Lang::En, "iin.empty"), "Enter the IIN");
    }

    #[test]
    fn a_catalog_list_gives_each_key_its_text_in_key_order_and_null_leaves_a_key_out() {
        // Russian's own texts, but none for the first key (read, not loaded: other tests run
        // beside this one); a key without a text is absent and so falls back to Kazakh.
        let ru = catalog_json(Lang::Ru);
        let first_key = keys().next().unwrap();
        let mut first_text = String::from("[");
        crate::json::write::push_string(&mut first_text, ru::CATALOG.iter().find(|(k, _)| *k == first_key).unwrap().1);
        assert!(ru.starts_with(&first_text), "{}", &ru[..80]);
        let without_first: &'static str = Box::leak(ru.replacen(&first_text, "[null", 1).into_boxed_str());
        let entries = read_catalog(without_first).unwrap();
        assert_eq!(entries.len(), embedded(Lang::Ru).len() - 1);
        assert!(!entries.iter().any(|(k, _)| *k == key_hash(first_key)));
        for (hash, text) in &entries {
            assert_eq!(Some(text), ru::CATALOG.iter().find(|(k, _)| key_hash(k) == *hash).map(|(_, t)| t), "{hash}");
        }
        assert!(keys().eq(kk::CATALOG.iter().map(|(k, _)| *k)), "the keys are the Kazakh catalog's, in its order");
        assert_eq!(keys().count(), KEY_COUNT);
    }

    #[test]
    fn the_package_catalogs_leave_out_the_backends_own_refusals_and_nothing_else() {
        for lang in Lang::ALL {
            let full = read_catalog(Box::leak(catalog_json(lang).into_boxed_str())).unwrap();
            let shipped = read_catalog(Box::leak(package_catalog_json(lang).into_boxed_str())).unwrap();
            let left_out: Vec<u32> = full.iter().map(|(h, _)| *h).filter(|h| !shipped.iter().any(|(s, _)| s == h)).collect();
            let expected: Vec<u32> = keys().filter(|k| BACKEND_ONLY.contains(k)).map(key_hash).collect();
            assert_eq!(left_out, expected, "[{}]", lang.code());
            assert_eq!(expected.len(), BACKEND_ONLY.len(), "every BACKEND_ONLY entry is a catalog key");
        }
        // None is named by the package's own code or the pages: they would find no text.
        let mut sources = String::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.starts_with(concat!(env!("CARGO_MANIFEST_DIR"), "/src/i18n")) {
                    sources.push_str(&std::fs::read_to_string(&path).unwrap());
                }
            }
        }
        for page in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/www")).unwrap() {
            let path = page.unwrap().path();
            if path.extension().is_some_and(|e| e == "js" || e == "html") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
        for key in BACKEND_ONLY {
            assert!(!sources.contains(&format!("\"{key}\"")), "{key} is named in src/ or www/: keep its text in the package");
        }
    }

    #[test]
    fn the_package_knows_each_key_by_its_own_hash() {
        assert!(keys().map(key_hash).eq(KEY_HASHES.iter().copied()), "KEY_HASHES are the keys' hashes, in order");
        let mut distinct: Vec<u32> = KEY_HASHES.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), KEY_COUNT, "no two keys share a hash");
        // FNV-1a's published test vectors.
        assert_eq!(key_hash(""), 0x811C_9DC5);
        assert_eq!(key_hash("a"), 0xE40C_292C);
        assert_eq!(key_hash("foobar"), 0xBF9C_F968);
        // A key's text is found by its hash; another string is not.
        assert!(has(Lang::En, "iin.checksum"));
        assert!(!has(Lang::En, "iin.checksum "));
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
            for (key, text) in embedded(lang) {
                let names: Vec<&str> = text.split('{').skip(1).filter_map(|s| s.split('}').next()).collect();
                let values: Vec<String> = names.iter().map(|n| format!("<{n}>")).collect();
                let args: Vec<(&str, &str)> = names.iter().copied().zip(values.iter().map(String::as_str)).collect();
                let by_replacing = args.iter().fold(text.to_string(), |acc, (n, v)| acc.replace(&format!("{{{n}}}"), v));
                assert_eq!(format(lang, key, &args), by_replacing, "{key}");
            }
        }
        assert_eq!(format(Lang::En, "{a} {b} {a}", &[("a", "1")]), "1 {b} 1");
        assert_eq!(format(Lang::En, "{ {a}} {", &[("a", "ә")]), "{ ә} {");
        let labels = page_labels(Lang::En).iter().map(|(k, _)| *k);
        let keys_with_placeholders: Vec<&str> = all_keys().chain(labels).filter(|k| any_text(Lang::En, k).is_some_and(|t| t.contains('{'))).collect();
        for key in keys_with_placeholders {
            // The same placeholders in every language.
            let names = |l: Lang| -> BTreeSet<String> {
                any_text(l, key).unwrap_or_default().split('{').skip(1).filter_map(|s| s.split('}').next()).map(str::to_owned).collect()
            };
            assert_eq!(names(Lang::Kk), names(Lang::En), "{key}");
            assert_eq!(names(Lang::Ru), names(Lang::En), "{key}");
        }
    }

    /// The files of `dir` (relative to the crate) whose names end in one of `extensions`, with
    /// their text, walking subfolders when `deep`.
    fn sources(dir: &str, extensions: &[&str], deep: bool) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
                let path = entry.expect("a directory entry").path();
                if path.is_dir() {
                    if deep {
                        dirs.push(path);
                    }
                } else if extensions.iter().any(|ext| path.extension().is_some_and(|e| e == *ext)) {
                    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                    out.push((path.display().to_string(), text));
                }
            }
        }
        out
    }

    fn is_key(text: &str) -> bool {
        let mut parts = text.split('.');
        let first = parts.next().unwrap_or_default();
        !first.is_empty()
            && first.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            && text.contains('.')
            && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    }

    /// The keys a page names (`data-t="…"`, `t("…")`, `uiText("…")`, `` t(`…`) ``) in `source`,
    /// and the prefixes of those it builds (`` t(`option.category.${c}`) `` gives `option.category.`).
    fn page_keys(source: &str) -> (Vec<String>, Vec<String>) {
        let (mut keys, mut prefixes) = (Vec::new(), Vec::new());
        let mut take = |value: &str| match value.split_once("${") {
            Some((prefix, _)) if is_key(&format!("{prefix}x")) => prefixes.push(prefix.to_owned()),
            Some(_) => {}
            None if is_key(value) => keys.push(value.to_owned()),
            None => {}
        };
        for (at, _) in source.match_indices("data-t=\"") {
            let rest = &source[at + 8..];
            take(&rest[..rest.find('"').unwrap_or(0)]);
        }
        for (at, _) in source.match_indices('(') {
            let name_start = source[..at].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |i| i + 1);
            let rest = &source[at + 1..];
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '`')) else { continue };
            if matches!(&source[name_start..at], "t" | "uiText" | "label") {
                take(&rest[1..rest[1..].find(quote).map_or(0, |i| i + 1)]);
            }
        }
        (keys, prefixes)
    }

    #[test]
    fn the_page_key_reader_finds_keys_and_prefixes() {
        let (keys, prefixes) = page_keys(
            "<p data-t=\"a.title\"></p> page.t(\"a.lead\", {}); uiText('x'); t(`option.category.${c}`); \
             createElement(\"div\"); get(\"a.b\"); t(`/api/${x}`); row.innerHTML = `<label data-t=\"option.${name}.${v}\">`; t(\"not a key\")",
        );
        assert_eq!(keys, ["a.title", "a.lead"]);
        assert_eq!(prefixes, ["option.", "option.category."]);
    }

    #[test]
    fn every_key_the_pages_name_has_a_text() {
        // The package's keys, the service provider's (the operator page has them from the
        // backend) and the pages' own labels.
        let known: BTreeSet<&str> =
            keys().chain(staff_texts(Lang::Kk).iter().map(|(k, _)| *k)).chain(page_labels(Lang::Kk).iter().map(|(k, _)| *k)).collect();
        let mut unknown = Vec::new();
        let mut named = 0;
        for (path, source) in sources("www", &["js", "html"], false) {
            let (keys, prefixes) = page_keys(&source);
            named += keys.len();
            unknown.extend(keys.into_iter().filter(|k| !known.contains(k.as_str())).map(|k| format!("{path}: {k}")));
            for prefix in prefixes {
                if !known.iter().any(|k| k.starts_with(&prefix)) {
                    unknown.push(format!("{path}: no key starts with {prefix}"));
                }
            }
        }
        assert!(named > 200, "the pages' keys were read: {named}");
        assert!(unknown.is_empty(), "keys the pages name without a text:\n{}", unknown.join("\n"));
    }

    #[test]
    fn the_rust_code_uses_no_page_label() {
        // A text the core or the backend shows must be in the catalogs: the pages' labels are not
        // in the package, so a key of theirs in Rust would reach a person as the key itself.
        let labels: BTreeSet<&str> = page_labels(Lang::Kk).iter().map(|(k, _)| *k).collect();
        let mut code = sources("src", &["rs"], true);
        code.extend(sources("server/src", &["rs"], true));
        let mut used = Vec::new();
        for (path, source) in &code {
            for label in &labels {
                if source.contains(&format!("\"{label}\"")) {
                    used.push(format!("{path}: {label}"));
                }
            }
            // Keys the code builds (`format!("status.title.{state}")`): no label may share the prefix.
            for (at, _) in source.match_indices("format!(\"") {
                let rest = &source[at + 9..];
                let Some(brace) = rest.find(['{', '"']).filter(|&i| rest.as_bytes()[i] == b'{') else { continue };
                let prefix = &rest[..brace];
                if is_key(&format!("{prefix}x")) && prefix.ends_with('.') {
                    used.extend(labels.iter().filter(|l| l.starts_with(prefix)).map(|l| format!("{path}: {prefix}… ({l})")));
                }
            }
        }
        assert!(code.len() > 50, "the Rust sources were read");
        assert!(used.is_empty(), "pages' labels (www/i18n) that the Rust code shows; move them to the catalogs:\n{}", used.join("\n"));
    }
}
