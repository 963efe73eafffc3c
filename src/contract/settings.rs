//! The applicant's notification channels and language for one application (issue 12).

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use tsify::Tsify;

/// `GET` and `POST /api/applications/{number}/notifications`: the request and the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Send to the application's email address.
    pub email: bool,
    /// Send to the application's mobile numbers (at most two).
    pub sms: bool,
    /// The messages' language.
    pub lang: Language,
}

/// Exactly one of the three languages (an unknown code is refused, not defaulted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Kk,
    Ru,
    En,
}

impl From<Language> for Lang {
    fn from(language: Language) -> Lang {
        match language {
            Language::Kk => Lang::Kk,
            Language::Ru => Lang::Ru,
            Language::En => Lang::En,
        }
    }
}

impl From<Lang> for Language {
    fn from(lang: Lang) -> Language {
        match lang {
            Lang::Kk => Language::Kk,
            Lang::Ru => Language::Ru,
            Lang::En => Language::En,
        }
    }
}
