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
//! as one string cut by native `split` (see `report_to_js`), instead of a boundary crossing per
//! field.

use super::{js_error, json_text, lang_arg, parse_date_arg, string_arg, to_js, with_deadlines};
use crate::application::{self, Draft, FieldReport, Issue, Report, Severity};
use crate::checklist::{self, Checklist, ChecklistInput};
use crate::i18n::Lang;
use tsify::Ts;
use wasm_bindgen::prelude::*;

fn draft_of(form: &Ts<Draft>) -> Option<Draft> {
    let text = js_sys::JSON::stringify(&form.js_value()).ok()?.as_string()?;
    Draft::from_json(&text).ok()
}

/// Separates the parts of a report on its way to JavaScript (see [`report_to_js`]): a control
/// character no field path, code or message needs. One in a field path (`validateField` echoes
/// the path it was given) is written as U+FFFD, so it can never cut a part in two; catalogs
/// cannot put one in a message (`i18n::set_catalog`).
const SEPARATOR: char = '\u{1}';

fn push_part(out: &mut String, part: &str) {
    out.push(SEPARATOR);
    if part.as_bytes().contains(&(SEPARATOR as u8)) {
        out.push_str(&part.replace(SEPARATOR, "\u{FFFD}"));
    } else {
        out.push_str(part);
    }
}

/// A report as its JavaScript object `{ checked?, ok, errors, warnings }`, each message
/// `{ field, code, message }` in `lang`.
///
/// Speed: forms are checked on every keystroke, and a form full of errors is sixty strings.
/// The report crosses into JavaScript as one string, its parts separated by [`SEPARATOR`], and
/// `report` (below) cuts it with the native `split` and builds the objects: about four times
/// faster than `JSON.parse` of the same report as JSON, and no escaping on the Rust side. Each
/// message is written straight into that string, with no `String` of its own.
fn report_to_js<T: tsify::Tsify>(checked: Option<&[String]>, issues: &[Issue], lang: Lang) -> Ts<T> {
    if checked.is_none() && issues.is_empty() {
        // The commonest answer, with no text to decode at all.
        return Ts::new_unchecked(clean_report());
    }
    let mut out = String::with_capacity(16 + 120 * issues.len());
    let errors = issues.iter().filter(|i| i.severity == Severity::Error).count();
    out.push(if errors == 0 { '1' } else { '0' });
    out.push(SEPARATOR);
    if let Some(checked) = checked {
        out.push_str(&checked.len().to_string());
        for field in checked {
            push_part(&mut out, field);
        }
    }
    out.push(SEPARATOR);
    out.push_str(&errors.to_string());
    // Errors first, then warnings, each in form order.
    for severity in [Severity::Error, Severity::Warning] {
        for issue in issues.iter().filter(|i| i.severity == severity) {
            push_part(&mut out, &issue.field);
            // Codes are the rules' own words, and messages are catalog texts, which hold no
            // control character (`i18n::set_catalog` drops them): written as they are.
            out.push(SEPARATOR);
            out.push_str(issue.code);
            out.push(SEPARATOR);
            issue.write_message(&mut out, lang);
        }
    }
    Ts::new_unchecked(build_report(&out))
}

#[wasm_bindgen(inline_js = r#"
const messages = (p, from, to) => {
  const out = [];
  for (let i = from; i + 2 < to; i += 3) out.push({ field: p[i], code: p[i + 1], message: p[i + 2] });
  return out;
};
export const clean = () => ({ ok: true, errors: [], warnings: [] });
export function report(text) {
  const p = text.split("\u0001");
  const report = {};
  let i = 2;
  if (p[1] !== "") {
    report.checked = p.slice(i, i + Number(p[1]));
    i += report.checked.length;
  }
  report.ok = p[0] === "1";
  const errorsEnd = i + 1 + 3 * Number(p[i]);
  report.errors = messages(p, i + 1, errorsEnd);
  report.warnings = messages(p, errorsEnd, p.length);
  return report;
}
"#)]
extern "C" {
    /// Builds a report's object from the text [`report_to_js`] writes.
    #[wasm_bindgen(js_name = report)]
    fn build_report(text: &str) -> JsValue;
    /// The report on a form without errors or warnings.
    #[wasm_bindgen(js_name = clean)]
    fn clean_report() -> JsValue;
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
    let (checked, issues) = match draft_of(&form) {
        Some(draft) => application::field_issues(&draft, field, today),
        None => (vec![String::new()], application::unreadable_issues()),
    };
    Ok(report_to_js(Some(&checked), &issues, lang_arg(&lang)))
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
    let issues = match draft_of(&form) {
        Some(draft) => application::issues(&draft, today),
        None => application::unreadable_issues(),
    };
    Ok(report_to_js(None, &issues, lang_arg(&lang)))
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
    let lang = lang_arg(&lang);
    let list = with_deadlines(|d| checklist::checklist(&input.to_request(), today, d, lang));
    to_js(&list)
}
