//! `validateIin`.

use super::{lang_arg, parse_date_arg, string_arg, to_js};
use crate::calendar::format_date;
use crate::i18n;
use crate::iin::{Iin, IinError, Sex};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// What an IIN says, or why it is not one.
#[derive(Serialize, Tsify)]
#[serde(untagged)]
pub enum IinCheck {
    Valid(IinValid),
    Invalid(IinInvalid),
}

#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct IinValid {
    #[tsify(type = "true")]
    ok: bool,
    /// `YYYY-MM-DD`.
    birth_date: String,
    sex: Sex,
}

#[derive(Serialize, Tsify)]
pub struct IinInvalid {
    #[tsify(type = "false")]
    ok: bool,
    code: IinError,
    /// What to do, in the requested language (Kazakh by default).
    message: String,
}

/// Checks an IIN typed by a person. `today` is `YYYY-MM-DD` (no birth after it); `lang` picks
/// the message language (`kk` when absent or unknown). Throws `arg.type` for a non-string
/// value and `date.format` for a bad `today`.
#[wasm_bindgen(js_name = validateIin)]
pub fn validate_iin(
    #[wasm_bindgen(unchecked_param_type = "string")] value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string")] today: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string")] lang: JsValue,
) -> Result<Ts<IinCheck>, JsValue> {
    let value = string_arg(&value, "value")?;
    let today = parse_date_arg(&today, "today")?;
    let lang = lang_arg(&lang);
    to_js(&match Iin::parse(&value, today) {
        Ok(iin) => IinCheck::Valid(IinValid { ok: true, birth_date: format_date(iin.birth_date()), sex: iin.sex() }),
        Err(code) => {
            IinCheck::Invalid(IinInvalid { ok: false, code, message: i18n::text(lang, code.code()) })
        }
    })
}
