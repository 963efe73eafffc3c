//! The texts: `uiText` (any text of the catalogs: the package's messages, the options and
//! labels they name; the reference page's own labels are the page's, `www/i18n/`) and
//! `setCatalog`, which loads a language's catalog into this module.

use super::{js_error, lang_arg, string_arg};
use crate::i18n::{self, Lang};
use wasm_bindgen::prelude::*;

/// The text for `key` in `lang` (`kk`, `ru` or `en`; anything else is Kazakh). An unknown key
/// comes back as itself, so a missing label is visible rather than blank.
#[wasm_bindgen(js_name = uiText)]
pub fn ui_text(
    #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] lang: JsValue,
) -> String {
    let key = key.as_string().unwrap_or_default();
    i18n::text(lang_arg(&lang), &key)
}

/// Loads the catalog of `lang` (`kk`, `ru` or `en`): the text of the package's
/// `i18n/<lang>.json`, a JSON object of texts by key. Every message and label in that language
/// comes from it from then on; a language without a catalog falls back to Kazakh, then to the
/// key itself. Returns the number of texts. Throws `catalog.json` when `json` is not such an
/// object (the texts in force stay), `arg.type` when it is not a string.
#[wasm_bindgen(js_name = setCatalog)]
pub fn set_catalog(
    #[wasm_bindgen(unchecked_param_type = "string")] lang: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
) -> Result<u32, JsValue> {
    let lang = Lang::parse(&string_arg(&lang, "lang")?);
    let json = string_arg(&json, "json")?;
    let count = i18n::set_catalog(lang, &json).map_err(|e| js_error(e.code(), "json: expected a JSON object of texts by key"))?;
    Ok(count as u32)
}
