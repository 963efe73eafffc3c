//! Browser tests of `validateField`, `validateApplication` and `checklist`, called the way a
//! page calls them: with plain JavaScript objects.
#![cfg(target_arch = "wasm32")]

use kezek::iin::check_digit;
use kezek::wasm::{checklist_for, validate_application, validate_field};
use serde_json::{json, Value};
use tsify::Ts;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TODAY: &str = "2026-11-22";

fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// A valid IIN for a birth date given as `YYMMDD` with century digit 4 (1900s) or 6 (2000s).
fn iin(yymmdd: &str, century: u8) -> String {
    (0..100u32)
        .map(|serial| format!("{yymmdd}{century}{serial:04}"))
        .find_map(|first| {
            let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
            let check = check_digit(&digits.try_into().ok()?)?;
            Some(format!("{first}{check}"))
        })
        .unwrap()
}

fn valid_form() -> Value {
    json!({
        "applicant": { "lastName": "Омарова", "firstName": "Айгүл", "middleName": "Серікқызы", "iin": iin("900510", 4),
                       "address": "Алматы, Абай даңғылы 10", "locality": { "code": "750000000", "name": "Алматы" } },
        "child": { "lastName": "Омаров", "firstName": "Нұрлан", "middleName": null, "iin": iin("220315", 6) },
        "category": "none",
        "queue": { "kind": "general", "language": "kk", "stayMode": "full_day" },
        "notifications": { "phones": ["+7 701 123 45 67"], "email": null },
        "consent": true, "channel": "portal",
        "documents": []
    })
}

/// A JavaScript object with this JSON's contents.
fn js(value: &Value) -> JsValue {
    js_sys::JSON::parse(&value.to_string()).unwrap()
}

/// The JSON contents of a result.
fn rust(value: JsValue) -> Value {
    serde_json::from_str(&js_sys::JSON::stringify(&value).unwrap().as_string().unwrap()).unwrap()
}

fn codes(report: &Value, key: &str) -> Vec<(String, String)> {
    report[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect()
}

#[wasm_bindgen_test]
fn a_valid_form_is_ok() {
    let report = rust(validate_application(Ts::new_unchecked(js(&valid_form())), s(TODAY), s("en")).unwrap().into());
    assert_eq!(report, json!({ "ok": true, "errors": [], "warnings": [] }));
}

#[wasm_bindgen_test]
fn errors_have_codes_and_messages_in_the_language() {
    let mut form = valid_form();
    form["child"]["iin"] = form["applicant"]["iin"].clone();
    form["consent"] = json!(false);
    let report = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("ru")).unwrap().into());
    assert_eq!(report["ok"], json!(false));
    assert_eq!(
        codes(&report, "errors"),
        [("child.iin".to_owned(), "child.iin_same_as_applicant".to_owned()), ("consent".to_owned(), "consent.required".to_owned())]
    );
    assert_eq!(report["errors"][0]["message"], json!("Введите ИИН ребёнка: он должен отличаться от ИИН заявителя"));
    // Kazakh when the language is absent.
    let kk = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), JsValue::UNDEFINED).unwrap().into());
    assert!(kk["errors"][0]["message"].as_str().unwrap().contains("ЖСН"));
}

#[wasm_bindgen_test]
fn anything_from_javascript_is_a_report_not_a_crash() {
    let inputs = [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_f64(42.0),
        JsValue::from_str("form"),
        js(&json!([1, 2])),
        js(&json!({ "applicant": 5, "child": "x", "queue": [], "consent": "yes", "documents": { "a": 1 } })),
    ];
    for input in inputs {
        let report = rust(validate_application(Ts::new_unchecked(input), s(TODAY), s("en")).unwrap().into());
        assert_eq!(report["ok"], json!(false));
        assert!(!report["errors"].as_array().unwrap().is_empty());
    }
    // A cycle cannot be written as JSON: the form is unreadable, not a trap.
    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let report = rust(validate_application(Ts::new_unchecked(cyclic.into()), s(TODAY), JsValue::UNDEFINED).unwrap().into());
    assert_eq!(codes(&report, "errors"), [(String::new(), "form.format".to_owned())]);
    // A 10 MB name is just too long.
    let mut form = valid_form();
    form["applicant"]["lastName"] = json!("ә".repeat(5_000_000));
    let report = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), JsValue::UNDEFINED).unwrap().into());
    assert_eq!(codes(&report, "errors"), [("applicant.lastName".to_owned(), "name.too_long".to_owned())]);
}

#[wasm_bindgen_test]
fn a_bad_today_throws_a_coded_error() {
    let error = validate_application(Ts::new_unchecked(js(&valid_form())), s("22.11.2026"), JsValue::UNDEFINED).unwrap_err();
    let code = js_sys::Reflect::get(&error, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("date.format"));
    assert!(error.is_instance_of::<js_sys::Error>());
}

/// The day and the language are remembered from one call to the next (a page passes the same
/// ones on every keystroke): a changed one is read anew, and a bad day throws every time.
#[wasm_bindgen_test]
fn a_changed_today_or_language_is_read_anew_and_a_bad_today_throws_every_time() {
    let form = js(&valid_form());
    let check = |today: &str, lang: JsValue| validate_application(Ts::new_unchecked(form.clone()), s(today), lang).map(|r| rust(r.into()));
    let before_birth = "2022-01-01"; // the child's IIN says 2022-03-15
    assert_eq!(check(TODAY, s("en")).unwrap()["ok"], json!(true));
    let early = check(before_birth, s("en")).unwrap();
    assert_eq!(codes(&early, "errors").first().map(|(field, _)| field.as_str()), Some("child.iin"), "{early}");
    let ru = check(before_birth, s("ru")).unwrap();
    let kk = check(before_birth, JsValue::UNDEFINED).unwrap();
    assert_ne!(early["errors"][0]["message"], ru["errors"][0]["message"]);
    assert_ne!(ru["errors"][0]["message"], kk["errors"][0]["message"]);
    assert_eq!(check(before_birth, s("kk")).unwrap(), kk);
    assert_eq!(check(TODAY, s("ru")).unwrap()["ok"], json!(true));
    for _ in 0..2 {
        let code = js_sys::Reflect::get(&check("2026-13-01", s("ru")).unwrap_err(), &"code".into()).unwrap();
        assert_eq!(code.as_string().as_deref(), Some("date.format"));
    }
    assert_eq!(check(before_birth, s("en")).unwrap(), early);
}

#[wasm_bindgen_test]
fn validate_field_rechecks_what_depends_on_the_field() {
    let mut form = valid_form();
    form["applicant"]["iin"] = json!(iin("230101", 6));
    form["applicant"]["lastName"] = json!("");
    let report = rust(validate_field(Ts::new_unchecked(js(&form)), s("applicant.iin"), s(TODAY), s("en")).unwrap().into());
    assert_eq!(report["checked"], json!(["applicant.iin", "child.iin"]));
    assert_eq!(codes(&report, "errors"), [("child.iin".to_owned(), "child.older_than_applicant".to_owned())]);
    let fixed = rust(validate_field(Ts::new_unchecked(js(&valid_form())), s("child.iin"), s(TODAY), JsValue::UNDEFINED).unwrap().into());
    assert_eq!(fixed["ok"], json!(true));
}

#[wasm_bindgen_test]
fn checklist_lists_documents_with_status() {
    let input = json!({ "service": "00403001", "channel": "portal", "category": "teacher", "submittedOn": "2026-11-20",
                        "documents": [{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-10-24" }] });
    let list = rust(checklist_for(Ts::new_unchecked(js(&input)), s(TODAY), s("en")).unwrap().into());
    assert_eq!(list["service"], json!("00403001"));
    assert_eq!(list["originalsDueOn"], json!("2026-11-27"));
    let items = list["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["applicant_identity", "child_birth_certificate", "teacher_workplace_certificate"]);
    assert_eq!(items[0]["source"], json!("state_system"));
    assert_eq!(items[0]["status"], Value::Null);
    assert_eq!(items[2]["source"], json!("upload"));
    assert_eq!(items[2]["status"], json!("expires_soon"));
    assert_eq!(items[2]["validThrough"], json!("2026-11-24"));
    assert_eq!(items[2]["why"], json!("Rules, Appendix 2, item 5"));
}

#[wasm_bindgen_test]
fn checklist_refuses_a_non_object_with_a_code() {
    let error = checklist_for(Ts::new_unchecked(JsValue::from_str("x")), s(TODAY), JsValue::UNDEFINED).unwrap_err();
    let code = js_sys::Reflect::get(&error, &"code".into()).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("checklist.input"));
}

#[wasm_bindgen_test]
fn every_report_is_a_fresh_object_the_caller_may_change() {
    let first: JsValue = validate_application(Ts::new_unchecked(js(&valid_form())), s(TODAY), s("en")).unwrap().into();
    let errors = js_sys::Reflect::get(&first, &"errors".into()).unwrap();
    js_sys::Array::from(&errors).push(&"scribbled".into());
    js_sys::Reflect::set(&first, &"ok".into(), &JsValue::FALSE).unwrap();
    let second = rust(validate_application(Ts::new_unchecked(js(&valid_form())), s(TODAY), s("en")).unwrap().into());
    assert_eq!(second, json!({ "ok": true, "errors": [], "warnings": [] }));
}

#[wasm_bindgen_test]
fn a_lone_surrogate_in_a_name_is_that_fields_error_not_an_unreadable_form() {
    // JSON.stringify writes a lone surrogate as the escape \ud800; it is read as U+FFFD.
    let form = js(&valid_form());
    let applicant = js_sys::Reflect::get(&form, &"applicant".into()).unwrap();
    let broken = js_sys::JsString::from_char_code(&[0x041E, 0xD800, 0x043C]);
    js_sys::Reflect::set(&applicant, &"lastName".into(), &broken).unwrap();
    let report = rust(validate_application(Ts::new_unchecked(form), s(TODAY), s("en")).unwrap().into());
    assert_eq!(codes(&report, "errors"), [("applicant.lastName".to_owned(), "name.characters".to_owned())]);
}

#[wasm_bindgen_test]
fn the_report_is_the_cores_report_with_its_errors_warnings_and_messages() {
    use kezek::application::{self, Draft};
    use kezek::i18n::Lang;
    let mut form = valid_form();
    form["child"]["iin"] = json!(iin("210501", 6)); // turns six before the next 1 September: a warning
    form["applicant"]["lastName"] = json!("");
    form["notifications"]["email"] = json!("aigul@");
    form["consent"] = json!(false);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let text = form.to_string();
    let draft = Draft::from_json(&text).unwrap();
    for lang in ["kk", "ru", "en"] {
        let report = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s(lang)).unwrap().into());
        let core = serde_json::to_value(application::validate(&draft, today, Lang::parse(lang))).unwrap();
        assert_eq!(report, core, "{lang}");
        assert_eq!(report["errors"].as_array().unwrap().len(), 3, "{lang}");
        assert_eq!(report["warnings"][0]["code"], json!("child.turns_six_soon"), "{lang}");
        let field = rust(validate_field(Ts::new_unchecked(js(&form)), s("child.iin"), s(TODAY), s(lang)).unwrap().into());
        let core = serde_json::to_value(application::validate_field(&draft, "child.iin", today, Lang::parse(lang))).unwrap();
        assert_eq!(field, core, "{lang}");
        assert_eq!(field["ok"], json!(true), "{lang}: a warning does not block");
    }
}

#[wasm_bindgen_test]
fn a_control_character_in_a_field_path_cannot_cut_the_report() {
    // The report crosses into JavaScript as parts separated by U+0001 (src/wasm/application.rs).
    let report = rust(validate_field(Ts::new_unchecked(js(&valid_form())), s("applicant.\u{1}lastName"), s(TODAY), s("en")).unwrap().into());
    assert_eq!(report, json!({ "checked": ["applicant.\u{FFFD}lastName"], "ok": true, "errors": [], "warnings": [] }));
}

/// A form with an error in nearly every field: names (messages with a label in them), IINs,
/// phones and documents (numbered fields), e-mail, consent, channel.
fn form_full_of_errors() -> Value {
    json!({
        "applicant": { "lastName": "", "firstName": "Ann4", "middleName": "ә".repeat(60), "iin": "200229600007",
                       "address": "", "locality": { "code": "75" } },
        "child": { "lastName": "--", "firstName": "", "iin": "12345" },
        "category": "vip",
        "queue": { "kind": "special", "language": "de", "stayMode": "never" },
        "notifications": { "phones": ["+7 727 123 45 67", "+7 701 123 45 67", "+7 701 123 45 67", "87771234567"], "email": "aigul@" },
        "consent": false, "channel": "fax",
        "documents": [{ "kind": "passport", "issuedOn": "31.12.2026" }, { "kind": "referral", "issuedOn": "2030-01-01" }]
    })
}

/// The core's report on `form` in `lang`, as the package's reports read.
fn core_report(form: &Value, field: Option<&str>, lang: &str) -> Value {
    use kezek::application::{self, Draft};
    use kezek::i18n::Lang;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let text = form.to_string();
    let draft = Draft::from_json(&text).unwrap();
    match field {
        Some(field) => serde_json::to_value(application::validate_field(&draft, field, today, Lang::parse(lang))).unwrap(),
        None => serde_json::to_value(application::validate(&draft, today, Lang::parse(lang))).unwrap(),
    }
}

#[wasm_bindgen_test]
fn reports_checked_again_in_any_order_of_languages_stay_the_cores() {
    // Texts cross once and are then sent by number (src/wasm/application.rs): every later
    // report, in whatever language, must still read as the core's.
    let mut form = form_full_of_errors();
    for round in 0..3 {
        for lang in ["en", "kk", "ru", "kk"] {
            let report = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s(lang)).unwrap().into());
            assert_eq!(report, core_report(&form, None, lang), "round {round}, {lang}");
            assert!(report["errors"].as_array().unwrap().len() >= 15, "round {round}, {lang}");
            for field in ["applicant.firstName", "notifications.phones.2", "documents.1.issuedOn", "child.iin"] {
                let report = rust(validate_field(Ts::new_unchecked(js(&form)), s(field), s(TODAY), s(lang)).unwrap().into());
                assert_eq!(report, core_report(&form, Some(field), lang), "round {round}, {lang}, {field}");
            }
        }
        // The person types: one error fewer, another text.
        form["applicant"]["lastName"] = json!(["Омарова", "O", ""][round]);
    }
}

#[wasm_bindgen_test]
fn a_catalog_loaded_again_is_what_the_next_report_says() {
    use kezek::i18n::{catalog_json, Lang};
    use kezek::wasm::set_catalog;
    let form = form_full_of_errors();
    let consent = |report: &Value| {
        let errors = report["errors"].as_array().unwrap();
        errors.iter().find(|e| e["code"] == json!("consent.required")).unwrap()["message"].clone()
    };
    let before = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("en")).unwrap().into());
    assert_eq!(consent(&before), json!("Confirm that you agree to the use of information about you from information systems"));
    set_catalog(s("en"), s(r#"{ "consent.required": "Tick the box", "label.applicant.firstName": "your first name" }"#)).unwrap();
    let after = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("en")).unwrap().into());
    set_catalog(s("en"), s(&catalog_json(Lang::En))).unwrap();
    assert_eq!(consent(&after), json!("Tick the box"));
    let first_name = after["errors"].as_array().unwrap().iter().find(|e| e["field"] == json!("applicant.firstName")).unwrap();
    assert!(first_name["message"].as_str().unwrap().contains("your first name"), "{first_name}");
    // Back to the built-in texts.
    let again = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("en")).unwrap().into());
    assert_eq!(again, before);
}

#[wasm_bindgen_test]
fn the_table_of_texts_starts_again_when_full_and_reports_stay_right() {
    // validateField echoes any path it is given, so the glue's table of texts is bounded: it is
    // emptied after 4096 texts. Reports on either side of that must read the same.
    let form = form_full_of_errors();
    let before = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("ru")).unwrap().into());
    for n in 0..5000 {
        let field = format!("unknown.{n}");
        let report = rust(validate_field(Ts::new_unchecked(js(&valid_form())), s(&field), s(TODAY), s("ru")).unwrap().into());
        assert_eq!(report["checked"], json!([field]), "{n}");
    }
    let after = rust(validate_application(Ts::new_unchecked(js(&form)), s(TODAY), s("ru")).unwrap().into());
    assert_eq!(after, before);
    assert_eq!(after, core_report(&form, None, "ru"));
}
