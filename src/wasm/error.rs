//! Errors thrown to JavaScript: an `Error` with a stable `code` property.

use crate::calendar::{parse_date, CalendarError};
use chrono::NaiveDate;
use serde::Serialize;
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

/// Parses a `YYYY-MM-DD` argument, or throws `date.format` naming the argument.
pub(crate) fn parse_date_arg(value: &JsValue, name: &str) -> Result<NaiveDate, JsValue> {
    let text = string_arg(value, name)?;
    parse_date(&text).map_err(|e| js_error(e.code(), &format!("{name}: {}", e.detail())))
}

/// Converts a result to its typed JavaScript value; a failure (never seen: every exported type
/// is plain data) throws `internal.serialize` instead of trapping.
pub(crate) fn to_js<T: Tsify + Serialize>(value: &T) -> Result<Ts<T>, JsValue> {
    Ts::from_rust(value).map_err(|e| js_error("internal.serialize", &e.to_string()))
}

/// The JSON value of a JavaScript value, or `None` when it has none. The structured inputs other
/// than the form (which `crate::json::Reader` reads from the text in one pass) are read this way
/// and then walked by hand (see `crate::json`): `JSON.stringify` refuses cycles, serde_json
/// limits nesting depth, and no derived deserializer is carried in the package.
pub(crate) fn json_of(value: &JsValue) -> Option<serde_json::Value> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    serde_json::from_str(&text).ok()
}
