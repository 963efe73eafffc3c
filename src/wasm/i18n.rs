//! `uiText`: the page's labels come from the same catalogs as the package's messages.

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
    i18n::text(Lang::parse(&lang.as_string().unwrap_or_default()), &key)
}
