//! Browser tests of the foundation exports: `validateIin` and the working-day calendar.
//! Run by `wasm-pack test --headless --chrome` (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]

use kezek::calendar::BUILTIN_JSON;
use kezek::wasm::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

const NONE: JsValue = JsValue::UNDEFINED;

wasm_bindgen_test_configure!(run_in_browser);

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap()
}

fn code_of(error: JsValue) -> String {
    assert!(error.is_instance_of::<js_sys::Error>(), "a JS Error is thrown");
    get(&error, "code").as_string().unwrap()
}

#[wasm_bindgen_test]
fn validate_iin_valid() {
    let result: JsValue = validate_iin(s("200229 600 006"), s("2026-11-22"), NONE).unwrap().into();
    assert_eq!(get(&result, "ok"), JsValue::TRUE);
    assert_eq!(get(&result, "birthDate").as_string().unwrap(), "2020-02-29");
    assert_eq!(get(&result, "sex").as_string().unwrap(), "female");
}

#[wasm_bindgen_test]
fn validate_iin_invalid_with_message_per_language() {
    let result: JsValue = validate_iin(s("200229600007"), s("2026-11-22"), s("en")).unwrap().into();
    assert_eq!(get(&result, "ok"), JsValue::FALSE);
    assert_eq!(get(&result, "code").as_string().unwrap(), "iin.checksum");
    let en = get(&result, "message").as_string().unwrap();
    let kk: JsValue = validate_iin(s("200229600007"), s("2026-11-22"), NONE).unwrap().into();
    let kk = get(&kk, "message").as_string().unwrap();
    assert!(en.starts_with("Check the IIN"), "{en}");
    assert_ne!(en, kk);
    let empty: JsValue = validate_iin(s(""), s("2026-11-22"), s("ru")).unwrap().into();
    assert_eq!(get(&empty, "code").as_string().unwrap(), "iin.empty");
    assert_eq!(get(&empty, "message").as_string().unwrap(), "Введите ИИН");
}

#[wasm_bindgen_test]
fn validate_iin_future_birth_and_bad_today() {
    let result: JsValue = validate_iin(s("200229600006"), s("2020-02-28"), NONE).unwrap().into();
    assert_eq!(get(&result, "code").as_string().unwrap(), "iin.future");
    assert_eq!(code_of(validate_iin(s("200229600006"), s("22.11.2026"), NONE).err().unwrap()), "date.format");
}

#[wasm_bindgen_test]
fn working_days() {
    assert_eq!(is_working_day(s("2026-11-23")).unwrap(), true);
    assert_eq!(is_working_day(s("2026-12-16")).unwrap(), false);
    assert_eq!(next_working_day(s("2025-03-20")).unwrap(), "2025-03-26");
    assert_eq!(add_working_days(s("2026-11-20"), 5.0).unwrap(), "2026-11-27");
    assert_eq!(add_working_days(s("2026-11-23"), -1.0).unwrap(), "2026-11-20");
    assert_eq!(working_days_between(s("2026-11-20"), s("2026-11-27")).unwrap(), 5);
    assert_eq!(working_days_between(s("2026-11-27"), s("2026-11-20")).unwrap(), -5);
}

#[wasm_bindgen_test]
fn bad_numbers_and_dates_throw_coded_errors() {
    for n in [f64::NAN, f64::INFINITY, 1e12, 0.5, -20_000.0] {
        assert_eq!(code_of(add_working_days(s("2026-11-20"), n).err().unwrap()), "calendar.range", "{n}");
    }
    assert_eq!(code_of(is_working_day(s("2026-02-30")).err().unwrap()), "date.format");
    assert_eq!(code_of(next_working_day(s("")).err().unwrap()), "date.format");
    assert_eq!(code_of(working_days_between(s("2026-01-01"), s("9999-01-01")).err().unwrap()), "calendar.range");
    let huge = "9".repeat(10_000_000);
    assert_eq!(code_of(is_working_day(s(&huge)).err().unwrap()), "date.format");
}

#[wasm_bindgen_test]
fn load_calendar_replaces_and_rejects_whole() {
    assert_eq!(code_of(load_calendar(s("{")).err().unwrap()), "calendar.json");
    assert_eq!(code_of(load_calendar(s(&BUILTIN_JSON.replace("\"version\": 2", "\"version\": 9"))).err().unwrap()), "calendar.version");
    // After a rejected document the old calendar still answers.
    assert_eq!(is_working_day(s("2024-05-08")).unwrap(), false);
    let without_decrees = BUILTIN_JSON.replace("\"2024-05-08\"", "\"2024-05-10\"");
    load_calendar(s(&without_decrees)).unwrap();
    assert_eq!(is_working_day(s("2024-05-08")).unwrap(), true);
    assert_eq!(is_working_day(s("2024-05-10")).unwrap(), false);
    load_calendar(s(BUILTIN_JSON)).unwrap();
    assert_eq!(is_working_day(s("2024-05-08")).unwrap(), false);
    assert_eq!(calendar_revision(), "2026-12-02");
}

#[wasm_bindgen_test]
fn kazakhstan_time_follows_the_2024_switch() {
    assert_eq!(kazakhstan_time(s("2024-02-29T17:59:59Z")).unwrap(), "2024-02-29T23:59:59+06:00");
    assert_eq!(kazakhstan_time(s("2024-02-29T18:00:00Z")).unwrap(), "2024-02-29T23:00:00+05:00");
    assert_eq!(code_of(kazakhstan_time(s("yesterday")).err().unwrap()), "instant.format");
}

#[wasm_bindgen_test]
fn non_strings_are_type_errors_not_traps() {
    assert_eq!(code_of(validate_iin(JsValue::from_f64(200229600006.0), s("2026-11-22"), NONE).err().unwrap()), "arg.type");
    assert_eq!(code_of(is_working_day(JsValue::NULL).err().unwrap()), "arg.type");
    assert_eq!(code_of(load_calendar(JsValue::from_f64(1.0)).err().unwrap()), "arg.type");
    // An unknown language is Kazakh.
    let kk: JsValue = validate_iin(s(""), s("2026-11-22"), JsValue::from_f64(3.0)).unwrap().into();
    assert_eq!(get(&kk, "message").as_string().unwrap(), "ЖСН-ді енгізіңіз");
    assert_eq!(ui_text(s("iin.empty"), s("en")), "Enter the IIN");
    assert_eq!(ui_text(JsValue::NULL, s("en")), "");
}
