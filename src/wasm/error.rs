//! Errors thrown to JavaScript: an `Error` with a stable `code` property.

use crate::calendar::{parse_date, CalendarError};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::Serialize;
use std::cell::RefCell;
use std::thread::LocalKey;
use tsify::{Ts, Tsify};
use wasm_bindgen::JsValue;

/// A JavaScript `Error` whose message is `"<code>: <detail>"` and whose `code` property is the
/// stable code, so callers can branch on it without parsing text.
pub(crate) fn js_error(code: &str, detail: &str) -> JsValue {
    let error = js_sys::Error::new(&format!("{code}: {detail}"));
    // Setting a property on a fresh Error cannot fail; if it ever did, the message still
    // carries the code.
    let _ = js_sys::Reflect::set(&error, &JsValue::from_str("code"), &JsValue::from_str(code));
    error.into()
}

impl From<CalendarError> for JsValue {
    fn from(error: CalendarError) -> JsValue {
        js_error(error.code(), error.detail())
    }
}

/// Reads a string argument. Exports take strings as `JsValue` (typed `string` in the `.d.ts`
/// through `unchecked_param_type`) because wasm-bindgen's own `&str` conversion traps the
/// module when JavaScript passes a number or an object; here that is an `arg.type` error.
pub(crate) fn string_arg(value: &JsValue, name: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| js_error("arg.type", &format!("{name}: expected a string")))
}

/// Reads an optional string argument (`lang?: string`); anything but a string is absent.
pub(crate) fn optional_string_arg(value: &JsValue) -> Option<String> {
    value.as_string()
}

/// Reads an optional `lang` argument: `kk`, `ru` or `en`, anything else (absent included)
/// Kazakh, as [`Lang::parse`] reads it.
pub(crate) fn lang_arg(value: &JsValue) -> Lang {
    remembered(&LAST_LANG, value, || Ok(Lang::parse(value.as_string().as_deref().unwrap_or("")))).unwrap_or_default()
}

/// Parses a `YYYY-MM-DD` argument, or throws `date.format` naming the argument.
pub(crate) fn parse_date_arg(value: &JsValue, name: &str) -> Result<NaiveDate, JsValue> {
    remembered(&LAST_DATE, value, || {
        let text = string_arg(value, name)?;
        parse_date(&text).map_err(|e| js_error(e.code(), &format!("{name}: {}", e.detail())))
    })
}

thread_local! {
    /// The last `lang` and date arguments read, with what they were read as. A page passes the
    /// same ones on every keystroke (`validateField`, `validateApplication`), and comparing two
    /// strings (`===`) costs less than copying one into WebAssembly and reading it again
    /// (issue 14: speed).
    static LAST_LANG: RefCell<Option<(JsValue, Lang)>> = const { RefCell::new(None) };
    static LAST_DATE: RefCell<Option<(JsValue, NaiveDate)>> = const { RefCell::new(None) };
}

/// `read()`, or what it gave for the same argument last time (`===`: the same text, or the
/// same object). Only what was read without an error is remembered.
fn remembered<T: Copy>(
    last: &'static LocalKey<RefCell<Option<(JsValue, T)>>>,
    value: &JsValue,
    read: impl FnOnce() -> Result<T, JsValue>,
) -> Result<T, JsValue> {
    if let Some(known) = last.with(|l| l.borrow().as_ref().filter(|(v, _)| v == value).map(|&(_, t)| t)) {
        return Ok(known);
    }
    let t = read()?;
    last.with(|l| *l.borrow_mut() = Some((value.clone(), t)));
    Ok(t)
}

/// Converts a result to its typed JavaScript value: written as JSON text (`crate::json::write`)
/// and parsed by `JSON.parse` in one call. A failure (never seen: every exported type is plain
/// data with whole numbers) throws `internal.serialize` instead of trapping.
pub(crate) fn to_js<T: Tsify + Serialize>(value: &T) -> Result<Ts<T>, JsValue> {
    let text = crate::json::write::to_string(value).map_err(|e| js_error("internal.serialize", e.0))?;
    js_sys::JSON::parse(&text).map(Ts::new_unchecked).map_err(|_| js_error("internal.serialize", "JSON.parse"))
}

/// The JSON text of a JavaScript value (`JSON.stringify`), or `None` when it has none (a cycle,
/// a `BigInt`, `undefined`). Structured inputs cross as this text and are read by the crate's
/// one JSON reader (`crate::json`): no derived deserializer and no other JSON parser is carried
/// in the package, and the reader limits nesting depth.
pub(crate) fn json_text(value: &JsValue) -> Option<String> {
    js_sys::JSON::stringify(value).ok()?.as_string()
}
