//! The application form and its checklist: `validateField`, `validateApplication`, `checklist`.
//!
//! Forms arrive as whatever object the page built. Each is turned into JSON text with
//! `JSON.stringify` and read tolerantly by the core ([`Draft::from_json`]), so a missing field,
//! a wrong type or an unknown value becomes a validation error, never a thrown exception; only
//! an input `JSON.stringify` cannot write (a cycle, a `BigInt`) or that is not an object at all
//! is refused: the form gets the single error `form.format`, the checklist throws
//! `checklist.input`. Nesting deeper than 128 levels is refused the same way, so no input can
//! overflow the stack.
//!
//! Speed: these run on every keystroke, and a report of twenty errors is sixty strings. The form
//! crosses into WebAssembly as one string (native `JSON.stringify`) and the report crosses back
//! as one string parsed by native `JSON.parse`, instead of a boundary crossing per field.

use super::{js_error, json_text, optional_string_arg, parse_date_arg, string_arg, to_js, with_deadlines};
use crate::application::{self, Draft, FieldReport, Message, Report};
use crate::checklist::{self, Checklist, ChecklistInput};
use crate::i18n::Lang;
use crate::json::write::push_string;
use tsify::Ts;
use wasm_bindgen::prelude::*;

fn draft_of(form: &Ts<Draft>) -> Option<Draft> {
    let text = js_sys::JSON::stringify(&form.js_value()).ok()?.as_string()?;
    Draft::from_json(&text).ok()
}

/// `"key":[{ "field", "code", "message" }, …]`, in the order serde would write them.
fn push_messages(out: &mut String, key: &str, messages: &[Message]) {
    push_string(out, key);
    out.push_str(":[");
    for (i, m) in messages.iter().enumerate() {
        out.push_str(if i == 0 { "{\"field\":" } else { ",{\"field\":" });
        push_string(out, &m.field);
        out.push_str(",\"code\":");
        push_string(out, &m.code);
        out.push_str(",\"message\":");
        push_string(out, &m.message);
        out.push('}');
    }
    out.push(']');
}

/// A report as its JavaScript object: `{ checked?, ok, errors, warnings }` written as JSON and
/// parsed once. `JSON.parse` cannot fail on this text; if it ever did, that is
/// `internal.serialize`, not a trap.
fn report_to_js<T: tsify::Tsify>(checked: Option<&[String]>, ok: bool, errors: &[Message], warnings: &[Message]) -> Result<Ts<T>, JsValue> {
    if checked.is_none() && errors.is_empty() && warnings.is_empty() {
        // The commonest answer: parsed from text already in JavaScript, not decoded again.
        return CLEAN_REPORT.with(parse_js).map(Ts::new_unchecked).map_err(|_| js_error("internal.serialize", "the report"));
    }
    let mut out = String::with_capacity(64 + 160 * (errors.len() + warnings.len()));
    out.push('{');
    if let Some(checked) = checked {
        out.push_str("\"checked\":[");
        for (i, field) in checked.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(&mut out, field);
        }
        out.push_str("],");
    }
    out.push_str(if ok { "\"ok\":true," } else { "\"ok\":false," });
    push_messages(&mut out, "errors", errors);
    out.push(',');
    push_messages(&mut out, "warnings", warnings);
    out.push('}');
    js_sys::JSON::parse(&out).map(Ts::new_unchecked).map_err(|_| js_error("internal.serialize", "the report"))
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse` of a string already in JavaScript (js_sys's takes a Rust `&str`, decoded on
    /// every call).
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse_js(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// The report on a form without errors or warnings.
    static CLEAN_REPORT: js_sys::JsString = js_sys::JsString::from("{\"ok\":true,\"errors\":[],\"warnings\":[]}");
}

fn lang_of(lang: &JsValue) -> Lang {
    Lang::parse(optional_string_arg(lang).as_deref().unwrap_or(""))
}

/// Checks one field of the form and the fields that depend on it (listed in `checked`), for
/// instant feedback while the person types. `field` is a dotted path such as `child.iin` or
/// `notifications.phones.1`; `today` is `YYYY-MM-DD` (throws `date.format` otherwise); `lang`
/// is `kk` (default), `ru` or `en`. See "reward early, punish late" in the crate docs of
/// `application` for how a page uses it.
#[wasm_bindgen(js_name = validateField)]
pub fn validate_field(
    form: Ts<Draft>,
    #[wasm_bindgen(unchecked_param_type = "string")] field: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<FieldReport>, JsValue> {
    let field = string_arg(&field, "field")?;
    let field = field.as_str();
    let today = parse_date_arg(&today, "today")?;
    let lang = lang_of(&lang);
    let FieldReport { checked, ok, errors, warnings } = match draft_of(&form) {
        Some(draft) => application::validate_field(&draft, field, today, lang),
        None => {
            let Report { ok, errors, warnings } = application::unreadable_report(lang);
            FieldReport { checked: vec![String::new()], ok, errors, warnings }
        }
    };
    report_to_js(Some(&checked), ok, &errors, &warnings)
}

/// Checks the whole form: `{ ok, errors, warnings }`, errors in form order, each
/// `{ field, code, message }`. Throws only for a malformed `today` (`date.format`).
#[wasm_bindgen(js_name = validateApplication)]
pub fn validate_application(
    form: Ts<Draft>,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<Report>, JsValue> {
    let today = parse_date_arg(&today, "today")?;
    let lang = lang_of(&lang);
    let Report { ok, errors, warnings } = match draft_of(&form) {
        Some(draft) => application::validate(&draft, today, lang),
        None => application::unreadable_report(lang),
    };
    report_to_js(None, ok, &errors, &warnings)
}

/// The documents needed for service `00403001` (queue registration) or `00403002`
/// (admission) in the given situation, with where each comes from and the validity of the
/// dated ones, judged with the working-day calendar in force. Throws `date.format` for a bad
/// `today` and `checklist.input` when `input` is not an object.
#[wasm_bindgen(js_name = checklist)]
pub fn checklist_for(
    input: Ts<ChecklistInput>,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<Checklist>, JsValue> {
    let today = parse_date_arg(&today, "today")?;
    let input = json_text(&input.js_value())
        .as_deref()
        .and_then(ChecklistInput::from_json)
        .ok_or_else(|| js_error("checklist.input", "input: expected an object like { service, channel, category, … }"))?;
    let lang = lang_of(&lang);
    let list = with_deadlines(|d| checklist::checklist(&input.to_request(), today, d, lang));
    to_js(&list)
}
