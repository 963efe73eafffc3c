//! A queue in words, in the reader's language: "Almaty, children born in 2022, general queue".
//!
//! A person never reads a queue key (`750000000-2022-general`): the key's parts are named here,
//! once, for the page, the backend's notifications and anything else that shows a queue.
//!
//! | part | words |
//! |---|---|
//! | locality (KATO code) | its name from [`LOCALITIES`], in the language; an unknown code stays a number |
//! | birth year | `queue.words` ("children born in {year}", rule 13: one queue per birth year) |
//! | general queue | the form's option (`option.queue.kind.general`), lower-cased |
//! | special / sanatorium queue | `queue.words.special` / `queue.words.sanatorium`: the disorder or profile (`option.queue.disorder.*`, `option.queue.profile.*`) and the kindergarten (rule 14: these queues are kept per kindergarten) |
//!
//! The kindergarten is named by the caller (the bulletin of free places has its name; the key has
//! only the backend's identifier, which is used when no name is given).
//!
//! **Locality names are data.** The list holds the localities the service runs in, with their
//! 9-digit KATO codes and their names in Kazakh, Russian and English; the form's list of
//! localities is this list ([`localities`]). Adding a locality is adding a row. Kazakh and Russian
//! spell the three cities alike; English uses the official transliteration.
//!
//! ```
//! use kezek::i18n::Lang;
//! use kezek::queue::{describe_queue, QueueKey};
//! let key: QueueKey = "750000000-2022-general".parse().unwrap();
//! assert_eq!(describe_queue(&key, Lang::En, None), "Almaty, children born in 2022, general queue");
//! assert_eq!(describe_queue(&key, Lang::Ru, None), "Алматы, дети 2022 года рождения, общая очередь");
//! ```

use super::{QueueKey, QueueKind};
use crate::i18n::{self, Lang};

/// A locality the service runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locality {
    /// The 9-digit KATO code.
    pub code: u32,
    pub kk: &'static str,
    pub ru: &'static str,
    pub en: &'static str,
}

impl Locality {
    /// The name in `lang`.
    pub fn name(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::Kk => self.kk,
            Lang::Ru => self.ru,
            Lang::En => self.en,
        }
    }
}

/// The localities the service runs in, in the order the form lists them.
pub const LOCALITIES: &[Locality] = &[
    Locality { code: 750_000_000, kk: "Алматы", ru: "Алматы", en: "Almaty" },
    Locality { code: 710_000_000, kk: "Астана", ru: "Астана", en: "Astana" },
    Locality { code: 790_000_000, kk: "Шымкент", ru: "Шымкент", en: "Shymkent" },
];

/// The name of the locality with KATO `code` in `lang`, if the service knows it.
pub fn locality_name(code: u32, lang: Lang) -> Option<&'static str> {
    LOCALITIES.iter().find(|l| l.code == code).map(|l| l.name(lang))
}

/// Every locality as `(code, name in lang)`, in the form's order.
pub fn localities(lang: Lang) -> impl Iterator<Item = (u32, &'static str)> {
    LOCALITIES.iter().map(move |l| (l.code, l.name(lang)))
}

/// The queue `key` in words, in `lang`; `kindergarten` names the kindergarten of a special or
/// sanatorium queue (its identifier from the key otherwise).
pub fn describe_queue(key: &QueueKey, lang: Lang, kindergarten: Option<&str>) -> String {
    let code = key.locality().to_string();
    let locality = locality_name(key.locality(), lang).unwrap_or(&code);
    let kind = match key.kind() {
        QueueKind::General => lower_first(&i18n::text(lang, "option.queue.kind.general")),
        QueueKind::Special { kindergarten: id, disorder } => split_queue(lang, "special", "disorder", disorder.as_str(), kindergarten.unwrap_or(id.as_str())),
        QueueKind::Sanatorium { kindergarten: id, profile } => split_queue(lang, "sanatorium", "profile", profile.as_str(), kindergarten.unwrap_or(id.as_str())),
    };
    i18n::format(lang, "queue.words", &[("locality", locality), ("year", &key.birth_year().to_string()), ("kind", &kind)])
}

/// A special or sanatorium queue: its disorder or profile in words (the token itself when the
/// catalogs do not know it) and its kindergarten.
fn split_queue(lang: Lang, kind: &str, split: &str, token: &str, kindergarten: &str) -> String {
    let option = format!("option.queue.{split}.{token}");
    let detail = if i18n::has(lang, &option) { lower_first(&i18n::text(lang, &option)) } else { token.to_owned() };
    i18n::format(lang, &format!("queue.words.{kind}"), &[("detail", &detail), ("kindergarten", kindergarten)])
}

/// `text` with its first letter in lower case ("General queue" → "general queue"). Only the
/// letters option labels start with (Latin, Russian and Kazakh Cyrillic): `char::to_lowercase`
/// would carry Unicode's whole case table into the package for three words.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else { return String::new() };
    let lower = match first {
        'A'..='Z' | 'А'..='Я' => char::from_u32(first as u32 + 0x20),
        'Ѐ'..='Џ' => char::from_u32(first as u32 + 0x50),
        'Ғ' | 'Қ' | 'Ң' | 'Ү' | 'Ұ' | 'Һ' | 'Ә' | 'Ө' => char::from_u32(first as u32 + 1),
        _ => Some(first),
    };
    lower.unwrap_or(first).to_string() + chars.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> QueueKey {
        text.parse().expect("a valid key")
    }

    #[test]
    fn a_general_queue_reads_as_locality_birth_year_and_kind_in_each_language() {
        let k = key("750000000-2022-general");
        assert_eq!(describe_queue(&k, Lang::En, None), "Almaty, children born in 2022, general queue");
        assert_eq!(describe_queue(&k, Lang::Ru, None), "Алматы, дети 2022 года рождения, общая очередь");
        assert_eq!(describe_queue(&k, Lang::Kk, None), "Алматы, 2022 жылы туған балалар, жалпы кезек");
    }

    #[test]
    fn a_special_queue_names_its_disorder_and_kindergarten() {
        let k = key("750000000-2022-special-kg2-speech");
        assert_eq!(describe_queue(&k, Lang::En, Some("№2 «Айгөлек»")), "Almaty, children born in 2022, special queue (speech disorder), №2 «Айгөлек»");
        assert_eq!(describe_queue(&k, Lang::En, None), "Almaty, children born in 2022, special queue (speech disorder), kg2");
        let sanatorium = key("710000000-2023-sanatorium-kg5-tuberculosis");
        assert_eq!(describe_queue(&sanatorium, Lang::Ru, Some("№5")), "Астана, дети 2023 года рождения, санаторная очередь (профилактика туберкулёза), №5");
        assert!(describe_queue(&sanatorium, Lang::Kk, Some("№5")).contains("санаториялық кезек"));
    }

    #[test]
    fn an_unknown_locality_or_split_stays_readable_as_its_code() {
        let k = key("111111111-2021-special-kg9-unheard_of");
        assert_eq!(describe_queue(&k, Lang::En, None), "111111111, children born in 2021, special queue (unheard_of), kg9");
    }

    #[test]
    fn the_first_letter_is_lowered_as_unicode_would() {
        for word in ["General", "Общая", "Ёлка", "Қазақ", "Ғылым", "Ңң", "Үй", "Ұл", "Һ", "Әке", "Өнер", "Іс", "ы", "", "7 days"] {
            let expected: String = word.chars().next().map(|c| c.to_lowercase().chain(word.chars().skip(1)).collect()).unwrap_or_default();
            assert_eq!(lower_first(word), expected, "{word}");
        }
    }

    #[test]
    fn every_locality_has_a_name_in_every_language_and_a_kato_code() {
        for l in LOCALITIES {
            assert!((100_000_000..=999_999_999).contains(&l.code), "{}", l.code);
            for lang in Lang::ALL {
                assert!(!l.name(lang).trim().is_empty());
            }
            assert!(l.en.is_ascii(), "English names are in Latin letters: {}", l.en);
        }
        let codes: Vec<u32> = localities(Lang::En).map(|(c, _)| c).collect();
        assert_eq!(codes, [750_000_000, 710_000_000, 790_000_000]);
        assert_eq!(locality_name(710_000_000, Lang::En), Some("Astana"));
        assert_eq!(locality_name(123_456_789, Lang::En), None);
    }
}
