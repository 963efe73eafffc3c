//! Words for what the page shows: `describeQueue`, `localities`, `formatDate`.

use super::{js_error, lang_arg, optional_string_arg, parse_date_arg, string_arg, to_js};
use crate::queue::{self, QueueKey};
use crate::status::format_day;
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// The queue `key` in words in `lang` ("Almaty, children born in 2022, general queue");
/// `kindergarten` names the kindergarten of a special or sanatorium queue (the bulletin has its
/// name). Throws `queue.key` for a malformed key.
#[wasm_bindgen(js_name = describeQueue)]
pub fn describe_queue(
    #[wasm_bindgen(unchecked_param_type = "string")] key: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] kindergarten: JsValue,
) -> Result<String, JsValue> {
    let key = QueueKey::parse(&string_arg(&key, "key")?).map_err(|e| js_error(e.code(), e.detail()))?;
    Ok(queue::describe_queue(&key, lang_arg(&lang), optional_string_arg(&kindergarten).as_deref()))
}

/// A locality of the service: its 9-digit KATO code and its name in the language asked.
#[derive(Serialize, Tsify)]
pub struct LocalityName {
    code: String,
    name: String,
}

/// The localities the service runs in, named in `lang`, in the form's order.
#[wasm_bindgen]
pub fn localities(#[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue) -> Result<Vec<Ts<LocalityName>>, JsValue> {
    queue::localities(lang_arg(&lang)).map(|(code, name)| to_js(&LocalityName { code: code.to_string(), name: name.to_owned() })).collect()
}

/// A `YYYY-MM-DD` date as people read it: `DD.MM.YYYY` in every language. Throws `date.format`.
#[wasm_bindgen(js_name = formatDate)]
pub fn format_date(#[wasm_bindgen(unchecked_param_type = "string")] date: JsValue) -> Result<String, JsValue> {
    Ok(format_day(parse_date_arg(&date, "date")?))
}
