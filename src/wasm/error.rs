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

/// Parses a `YYYY-MM-DD` argument, or throws `date.format` naming the argument.
pub(crate) fn parse_date_arg(text: &str, name: &str) -> Result<NaiveDate, JsValue> {
    parse_date(text).map_err(|e| js_error(e.code(), &format!("{name}: {}", e.detail())))
}

/// Converts a result to its typed JavaScript value; a failure (never seen: every exported type
/// is plain data) throws `internal.serialize` instead of trapping.
pub(crate) fn to_js<T: Tsify + Serialize>(value: &T) -> Result<Ts<T>, JsValue> {
    Ts::from_rust(value).map_err(|e| js_error("internal.serialize", &e.to_string()))
}
