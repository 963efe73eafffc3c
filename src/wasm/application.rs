//! The application form and its checklist: `validateField`, `validateApplication`, `checklist`.
//!
//! Forms arrive as whatever object the page built. Each is turned into JSON text with
//! `JSON.stringify` and read tolerantly by the core ([`Draft::from_value`]), so a missing field,
//! a wrong type or an unknown value becomes a validation error, never a thrown exception; only
//! an input `JSON.stringify` cannot write (a cycle, a `BigInt`) or that is not an object at all
//! is refused: the form gets the single error `form.format`, the checklist throws
//! `checklist.input`. Nesting deeper than 128 levels is refused the same way (serde_json's
//! limit), so no input can overflow the stack.

use super::{js_error, json_of, optional_string_arg, parse_date_arg, string_arg, to_js, with_deadlines};
use crate::application::{self, Draft, FieldReport, Report};
use crate::checklist::{self, Checklist, ChecklistInput};
use crate::i18n::Lang;
use tsify::Ts;
use wasm_bindgen::prelude::*;


fn draft_of(form: &Ts<Draft>) -> Option<Draft> {
    json_of(&form.js_value()).and_then(|v| Draft::from_value(&v).ok())
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
    let report = match draft_of(&form) {
        Some(draft) => application::validate_field(&draft, field, today, lang),
        None => {
            let Report { ok, errors, warnings } = application::unreadable_report(lang);
            FieldReport { checked: vec![String::new()], ok, errors, warnings }
        }
    };
    to_js(&report)
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
    to_js(&match draft_of(&form) {
        Some(draft) => application::validate(&draft, today, lang),
        None => application::unreadable_report(lang),
    })
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
    let input = json_of(&input.js_value())
        .as_ref()
        .and_then(ChecklistInput::from_value)
        .ok_or_else(|| js_error("checklist.input", "input: expected an object like { service, channel, category, … }"))?;
    let lang = lang_of(&lang);
    let list = with_deadlines(|d| checklist::checklist(&input.to_request(), today, d, lang));
    to_js(&list)
}
