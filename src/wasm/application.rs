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
//! crosses into WebAssembly as one string (native `JSON.stringify`), and the report crosses back
//! as numbers into a table of the texts the glue already holds, with only the texts it has not
//! seen (see `report_to_js`), instead of a boundary crossing per field.

use super::{js_error, json_text, lang_arg, parse_date_arg, string_arg, to_js, with_deadlines};
use crate::application::{self, Arg, Draft, FieldReport, Issue, Report, Severity};
use crate::checklist::{self, Checklist, ChecklistInput};
use crate::i18n::Lang;
use std::borrow::Cow;
use std::cell::Cell;
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// Reads the form and gives its draft to `check`; `None` when the form is unreadable (not an
/// object, or nothing `JSON.stringify` can write). The draft borrows its texts from the form's
/// JSON text, which lives as long as this call.
fn with_draft<R>(form: &Ts<Draft<'static>>, check: impl FnOnce(&Draft) -> R) -> Option<R> {
    let text = json_text(&form.js_value())?;
    Draft::from_json(&text).ok().map(|draft| check(&draft))
}

/// Separates the new texts of a report on their way to JavaScript (see [`report_to_js`]): a
/// control character no field path, code or message needs. One in a field path (`validateField`
/// echoes the path it was given) is written as U+FFFD, so it can never cut a text in two;
/// catalogs cannot put one in a message (`i18n::set_catalog`).
const SEPARATOR: char = '\u{1}';
/// Marks a part that is one of this report's own texts (a message with a date in it, a numbered
/// field path, a path the caller gave), not an entry of the glue's table.
const OWN: u32 = 1 << 31;
/// In the header, a report without a `checked` list (`validateApplication`'s).
const NO_CHECKED: u32 = u32::MAX;
/// The glue's table is emptied when it holds this many texts: each catalog loaded again adds its
/// texts anew.
const MAX_HELD: u32 = 4096;

/// The texts the glue's report builder holds (its `table`), by their number there.
///
/// A report repeats from one keystroke to the next: the same fields, codes and messages. Each
/// text crosses into JavaScript once; after that a report is a list of numbers, read from the
/// module's memory without decoding or cutting any text. The texts held are those that live as
/// long as the program, known by address: codes, fixed field paths and catalog texts (literals,
/// and catalogs are never freed: `i18n::set_catalog`), so a catalog loaded again gives its texts
/// new numbers. The list is sorted, for a binary search: no hash table in the package. Texts
/// made for one report (a message with a date, a numbered field path, a path the caller gave)
/// cross with it each time.
#[derive(Default)]
struct Held {
    by_address: Vec<(AddressKey, u32)>,
    count: u32,
}

/// A text's address and length, and for a message with a label in it, the label's address and
/// its placeholder name's (never 0: addresses of texts), else 0.
type AddressKey = (u64, u64);

fn address_key(text: &str, label: Option<(&str, &str)>) -> AddressKey {
    // `usize` is 32 bits in WebAssembly: two fit in one `u64`.
    let pair = |a: *const u8, b: usize| (a as usize as u64) << 32 | b as u64;
    (pair(text.as_ptr(), text.len()), label.map_or(0, |(label, name)| pair(label.as_ptr(), name.as_ptr() as usize)))
}

thread_local! {
    static HELD: Cell<Option<Held>> = const { Cell::new(None) };
}

/// One report on its way: the numbers of its parts (`parts`, after a header) and the texts that
/// cross with it: first those the glue keeps (`kept`, `kept_count` of them, numbered from the
/// table's length on), then the report's own ones (`own`, numbered `OWN | n`), each after a
/// [`SEPARATOR`].
struct Crossing {
    held: Held,
    parts: Vec<u32>,
    kept: String,
    kept_count: u32,
    own: String,
    own_count: u32,
}

impl Crossing {
    fn push_text(out: &mut String, text: &str) {
        out.push(SEPARATOR);
        if text.as_bytes().contains(&(SEPARATOR as u8)) {
            out.push_str(&text.replace(SEPARATOR, "\u{FFFD}"));
        } else {
            out.push_str(text);
        }
    }

    /// The number of the text known by `key`, or where its key goes in the list.
    fn find(&self, key: AddressKey) -> Result<u32, usize> {
        let list = &self.held.by_address;
        list.binary_search_by_key(&key, |(k, _)| *k).map(|at| list.get(at).map_or(0, |(_, n)| *n))
    }

    /// Numbers `text`, known from now on by `key` (its place in the list: `at`).
    fn keep(&mut self, at: usize, key: AddressKey, text: &str) -> u32 {
        Self::push_text(&mut self.kept, text);
        self.kept_count += 1;
        let n = self.held.count;
        self.held.count += 1;
        self.held.by_address.insert(at, (key, n));
        n
    }

    /// A text that lives as long as the program: a code, a fixed field path, a catalog text.
    fn lasting(&mut self, text: &'static str) -> u32 {
        let key = address_key(text, None);
        self.find(key).unwrap_or_else(|at| self.keep(at, key, text))
    }

    /// A text for this report alone.
    fn own(&mut self, text: &str) -> u32 {
        Self::push_text(&mut self.own, text);
        self.own_count += 1;
        OWN | (self.own_count - 1)
    }

    fn field(&mut self, path: &Cow<'static, str>) -> u32 {
        match path {
            Cow::Borrowed(path) => self.lasting(path),
            Cow::Owned(path) => self.own(path),
        }
    }

    /// An issue's message: a catalog text as it stands when it has nothing to fill in, held by
    /// the glue as well when what it fills in is a label (a name's field), else written for
    /// this report alone (a date).
    fn message(&mut self, issue: &Issue, lang: Lang) -> u32 {
        let template = crate::i18n::resolve(lang, issue.code);
        let key = match issue.args.as_slice() {
            // With no values, a message is its catalog text as it stands (`i18n::format_into`).
            [] => return self.lasting(template),
            [(name, Arg::Label(label))] => Some(address_key(template, Some((crate::i18n::resolve(lang, label), name)))),
            _ => None,
        };
        let place = match key.map(|key| self.find(key)) {
            Some(Ok(n)) => return n,
            Some(Err(at)) => Some(at),
            None => None,
        };
        let mut text = String::new();
        issue.write_message(&mut text, lang);
        match (key, place) {
            (Some(key), Some(at)) => self.keep(at, key, &text),
            _ => self.own(&text),
        }
    }
}

/// A report as its JavaScript object `{ checked?, ok, errors, warnings }`, each message
/// `{ field, code, message }` in `lang`.
fn report_to_js<T: tsify::Tsify>(checked: Option<&[String]>, issues: &[Issue], lang: Lang) -> Ts<T> {
    if checked.is_none() && issues.is_empty() {
        // The commonest answer, with no text to decode at all.
        return Ts::new_unchecked(clean_report());
    }
    Ts::new_unchecked(held_report(checked, issues, lang))
}

/// The report, through the texts the glue holds (one copy of this code for both reports).
fn held_report(checked: Option<&[String]>, issues: &[Issue], lang: Lang) -> JsValue {
    HELD.with(|cell| {
        let (report, held) = report_value(cell.take(), checked, issues, lang);
        cell.set(Some(held));
        report
    })
}

/// [`report_to_js`]'s report, with the texts the glue holds (`held`) before and after.
///
/// Speed: forms are checked on every keystroke, and a form full of errors is sixty strings. The
/// report crosses as numbers into the glue's table of texts ([`Held`]) plus the few texts it has
/// not seen, and `report` (below) builds the objects. Against sending every text each time, cut
/// by `split`, a form full of errors checked again takes about 15% less time in English and 40%
/// less in Kazakh, whose Cyrillic messages cost most to decode (Chromium, side by side).
fn report_value(held: Option<Held>, checked: Option<&[String]>, issues: &[Issue], lang: Lang) -> (JsValue, Held) {
    // The table starts again when full, and whenever this side's list is missing: on the first
    // report, and should a report ever have failed on its way (the glue's table may then hold
    // texts this side never numbered).
    let (held, reset) = match held {
        Some(held) if held.count < MAX_HELD => (held, false),
        _ => (Held::default(), true),
    };
    let errors = issues.iter().filter(|i| i.severity == Severity::Error).count();
    let parts = Vec::with_capacity(8 + 3 * issues.len());
    let mut crossing = Crossing { held, parts, kept: String::new(), kept_count: 0, own: String::new(), own_count: 0 };
    // Header: emptied table?, texts to keep (filled in below), ok?, checked fields.
    crossing.parts.extend([u32::from(reset), 0, u32::from(errors == 0)]);
    match checked {
        Some(checked) => {
            crossing.parts.push(checked.len() as u32);
            for field in checked {
                let n = crossing.own(field);
                crossing.parts.push(n);
            }
        }
        None => crossing.parts.push(NO_CHECKED),
    }
    crossing.parts.push(errors as u32);
    // Errors first, then warnings, each in form order.
    for severity in [Severity::Error, Severity::Warning] {
        for issue in issues.iter().filter(|i| i.severity == severity) {
            let parts = [crossing.field(&issue.field), crossing.lasting(issue.code), crossing.message(issue, lang)];
            crossing.parts.extend(parts);
        }
    }
    let Crossing { held, mut parts, mut kept, own, kept_count, .. } = crossing;
    if let Some(slot) = parts.get_mut(1) {
        *slot = kept_count;
    }
    kept.push_str(&own);
    (build_report(&kept, &parts), held)
}

#[wasm_bindgen(inline_js = r#"
let table = [];
export const clean = () => ({ ok: true, errors: [], warnings: [] });
export function report(fresh, p) {
  const texts = fresh.split("\u0001");
  if (p[0] === 1) table = [];
  const kept = p[1];
  for (let i = 1; i <= kept; i++) table.push(texts[i]);
  const text = (n) => (n >= 0x80000000 ? texts[1 + kept + (n - 0x80000000)] : table[n]);
  const messages = (from, to) => {
    const out = [];
    for (let i = from; i + 2 < to; i += 3) out.push({ field: text(p[i]), code: text(p[i + 1]), message: text(p[i + 2]) });
    return out;
  };
  const report = {};
  let i = 4;
  if (p[3] !== 0xffffffff) {
    report.checked = [];
    for (const end = i + p[3]; i < end; i++) report.checked.push(text(p[i]));
  }
  report.ok = p[2] === 1;
  const errorsEnd = i + 1 + 3 * p[i];
  report.errors = messages(i + 1, errorsEnd);
  report.warnings = messages(errorsEnd, p.length);
  return report;
}
"#)]
extern "C" {
    /// Builds a report's object from what [`report_to_js`] sends: the new texts and the parts.
    #[wasm_bindgen(js_name = report)]
    fn build_report(fresh: &str, parts: &[u32]) -> JsValue;
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
    form: Ts<Draft<'static>>,
    #[wasm_bindgen(unchecked_param_type = "string")] field: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<FieldReport>, JsValue> {
    let field = string_arg(&field, "field")?;
    let field = field.as_str();
    let today = parse_date_arg(&today, "today")?;
    let (checked, issues) = with_draft(&form, |draft| application::field_issues(draft, field, today))
        .unwrap_or_else(|| (vec![String::new()], application::unreadable_issues()));
    Ok(report_to_js(Some(&checked), &issues, lang_arg(&lang)))
}

/// Checks the whole form: `{ ok, errors, warnings }`, errors in form order, each
/// `{ field, code, message }`. Throws only for a malformed `today` (`date.format`).
#[wasm_bindgen(js_name = validateApplication)]
pub fn validate_application(
    form: Ts<Draft<'static>>,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<Report>, JsValue> {
    let today = parse_date_arg(&today, "today")?;
    let issues = with_draft(&form, |draft| application::issues(draft, today)).unwrap_or_else(application::unreadable_issues);
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
