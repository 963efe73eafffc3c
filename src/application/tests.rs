use super::*;
use crate::iin::check_digit;
use serde_json::{json, Value};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn today() -> NaiveDate {
    day(2026, 11, 22)
}

/// A synthetic valid IIN for a birth date (century digit from the year, female).
pub(crate) fn iin_for(birth: NaiveDate, serial: u32) -> String {
    let century = if birth.year() >= 2000 { 6 } else { 4 };
    let first = format!("{}{century}{serial:04}", birth.format("%y%m%d"));
    let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
    let arr: [u8; 11] = digits.try_into().unwrap();
    match check_digit(&arr) {
        Some(d) => format!("{first}{d}"),
        None => iin_for(birth, serial + 1),
    }
}

fn valid_form() -> Value {
    json!({
        "applicant": { "lastName": "Омарова", "firstName": "Айгүл", "middleName": "Серікқызы",
                       "iin": iin_for(day(1990, 5, 10), 1), "address": "Алматы, Абай даңғылы 10, 5",
                       "locality": { "code": "750000000", "name": "Алматы" } },
        "child": { "lastName": "Омаров", "firstName": "Нұрлан", "middleName": null, "iin": iin_for(day(2022, 3, 15), 2) },
        "category": "none",
        "queue": { "kind": "general", "language": "kk", "stayMode": "full_day" },
        "notifications": { "phones": ["+7 701 123 45 67"], "email": null },
        "consent": true, "channel": "portal",
        "documents": [ { "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-01" } ]
    })
}

fn with(mut form: Value, path: &str, value: Value) -> Value {
    let mut target = &mut form;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        target = match part.parse::<usize>() {
            Ok(i) => &mut target[i],
            Err(_) => &mut target[*part],
        };
    }
    let last = parts[parts.len() - 1];
    match last.parse::<usize>() {
        Ok(i) => target[i] = value,
        Err(_) => target[last] = value,
    }
    form
}

fn draft(form: &Value) -> Draft<'static> {
    Draft::from_value(form).unwrap()
}

fn issues(form: &Value) -> Vec<(String, &'static str)> {
    rules::check(&draft(form), today()).1.into_iter().map(|i| (i.field.into_owned(), i.code)).collect()
}

fn errors(form: &Value) -> Vec<(String, &'static str)> {
    rules::check(&draft(form), today())
        .1
        .into_iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.field.into_owned(), i.code))
        .collect()
}

fn one_error(form: &Value, field: &str, code: &str) {
    assert_eq!(errors(form), vec![(field.to_owned(), code)], "expected only {field} {code}");
}

#[test]
fn the_valid_form_is_an_application() {
    let form = valid_form();
    assert_eq!(issues(&form), vec![]);
    let app = Application::from_json(&form.to_string(), today()).unwrap();
    assert_eq!(app.applicant.name.last.as_str(), "Омарова");
    assert_eq!(app.child.name.middle, None);
    assert_eq!(app.child.iin.birth_date(), day(2022, 3, 15));
    assert_eq!(app.notifications.phones[0].as_str(), "+77011234567");
    assert_eq!(app.queue.kind, QueueKind::General);
    assert_eq!(app.queue.stay_mode, StayMode::FullDay);
    assert_eq!(app.channel, Channel::Portal);
    assert_eq!(app.documents[0].issued_on, Some(day(2026, 11, 1)));
    let report = validate(&draft(&form), today(), Lang::En);
    assert!(report.ok && report.errors.is_empty() && report.warnings.is_empty());
}

#[test]
fn category_classes() {
    use crate::queue::Class::*;
    let classes: Vec<crate::queue::Class> = Category::ALL.iter().map(|c| c.class()).collect();
    assert_eq!(classes, [Extraordinary, Extraordinary, Priority, Priority, Priority, Priority, Priority, Priority, Priority, General]);
    for c in Category::ALL {
        assert_eq!(Category::parse(c.id()), Some(c));
        assert_eq!(serde_json::to_value(c).unwrap(), json!(c.id()));
    }
}

#[test]
fn name_rules_on_every_name_field() {
    for prefix in ["applicant", "child"] {
        for key in ["lastName", "firstName", "middleName"] {
            let path = format!("{prefix}.{key}");
            if key == "middleName" {
                assert_eq!(errors(&with(valid_form(), &path, json!("  "))), vec![]);
                assert_eq!(errors(&with(valid_form(), &path, Value::Null)), vec![]);
            } else {
                one_error(&with(valid_form(), &path, json!("  ")), &path, "name.empty");
                one_error(&with(valid_form(), &path, Value::Null), &path, "name.empty");
            }
            one_error(&with(valid_form(), &path, json!("Anna2")), &path, "name.characters");
            one_error(&with(valid_form(), &path, json!("ә".repeat(51))), &path, "name.too_long");
            assert_eq!(errors(&with(valid_form(), &path, json!("ә".repeat(50)))), vec![]);
        }
    }
}

#[test]
fn name_messages_name_the_field() {
    let form = with(valid_form(), "child.firstName", json!(""));
    let report = validate(&draft(&form), today(), Lang::En);
    assert_eq!(report.errors[0].message, "Enter the child's first name");
    let ru = validate(&draft(&form), today(), Lang::Ru);
    assert_eq!(ru.errors[0].message, "Введите имя ребёнка");
    let kk = validate(&draft(&form), today(), Lang::Kk);
    assert_eq!(kk.errors[0].message, "Баланың атын енгізіңіз");
}

#[test]
fn iin_codes_on_both_iins() {
    for path in ["applicant.iin", "child.iin"] {
        one_error(&with(valid_form(), path, json!("")), path, "iin.empty");
        one_error(&with(valid_form(), path, json!("12345")), path, "iin.length");
        one_error(&with(valid_form(), path, json!("20022960000a")), path, "iin.not_digits");
        one_error(&with(valid_form(), path, json!("200229600007")), path, "iin.checksum");
    }
    one_error(&with(valid_form(), "child.iin", json!(iin_for(day(2026, 12, 1), 1))), "child.iin", "iin.future");
}

#[test]
fn iin_as_a_json_number_is_read() {
    let number: u64 = iin_for(day(2022, 3, 15), 2).parse().unwrap();
    assert_eq!(errors(&with(valid_form(), "child.iin", json!(number))), vec![]);
}

#[test]
fn child_iin_same_as_applicant() {
    let applicant = valid_form()["applicant"]["iin"].clone();
    one_error(&with(valid_form(), "child.iin", applicant), "child.iin", "child.iin_same_as_applicant");
}

#[test]
fn child_older_than_applicant() {
    one_error(&with(valid_form(), "applicant.iin", json!(iin_for(day(2023, 1, 1), 5))), "child.iin", "child.older_than_applicant");
    // Born the same day is not "before".
    one_error(&with(valid_form(), "applicant.iin", json!(iin_for(day(2022, 3, 15), 5))), "child.iin", "child.older_than_applicant");
    assert_eq!(errors(&with(valid_form(), "applicant.iin", json!(iin_for(day(2022, 3, 14), 5)))), vec![]);
}

#[test]
fn school_year_starts_on_1_september() {
    assert_eq!(rules::school_year_start(day(2026, 11, 22)), day(2026, 9, 1));
    assert_eq!(rules::school_year_start(day(2026, 9, 1)), day(2026, 9, 1));
    assert_eq!(rules::school_year_start(day(2026, 8, 31)), day(2025, 9, 1));
}

#[test]
fn child_too_old_boundary() {
    // 6 on 1 September 2026 (born 1 Sept 2020): out. Born a day later: 5, still in.
    let too_old = with(valid_form(), "child.iin", json!(iin_for(day(2020, 9, 1), 3)));
    one_error(&too_old, "child.iin", "child.too_old");
    let report = validate(&draft(&too_old), today(), Lang::En);
    assert!(report.errors[0].message.contains("1 September 2026"), "{}", report.errors[0].message);
    assert!(validate(&draft(&too_old), today(), Lang::Ru).errors[0].message.contains("01.09.2026"));
    let just_in = with(valid_form(), "child.iin", json!(iin_for(day(2020, 9, 2), 3)));
    assert_eq!(errors(&just_in), vec![]);
    // Before 1 September the school year is the previous one.
    let draft_ = draft(&too_old);
    let (_, on_31_aug) = rules::check(&draft_, day(2026, 8, 31));
    assert!(on_31_aug.iter().all(|i| i.code != "child.too_old"));
}

#[test]
fn rule_18_a_pmpc_conclusion_exempts_from_the_age_limit_whatever_the_category() {
    let old = with(valid_form(), "child.iin", json!(iin_for(day(2019, 5, 5), 3)));
    let special = with(old.clone(), "category", json!("special_needs"));
    // Special needs without the PMPC conclusion: too old, and the conclusion is missing.
    assert_eq!(
        errors(&special),
        vec![("child.iin".to_owned(), "child.too_old"), ("documents".to_owned(), "documents.pmpc_required")]
    );
    let with_pmpc = with(special, "documents", json!([{ "kind": "pmpc_conclusion", "issuedOn": "2026-10-01" }]));
    assert_eq!(errors(&with_pmpc), vec![]);
    // The special queue counts as special needs too.
    let special_queue = with(
        with(old.clone(), "queue", json!({ "kind": "special", "disorder": "speech", "kindergarten": "kg1", "language": "ru", "stayMode": "part_day" })),
        "documents",
        json!([{ "kind": "pmpc_conclusion" }]),
    );
    assert_eq!(errors(&special_queue), vec![]);
    // A PMPC conclusion in the general queue with another category (a teacher's child) is the
    // same exception: rule 18 names the child's needs, not the Appendix 1 category.
    let teacher = with(with(old.clone(), "category", json!("teacher")), "documents", json!([{ "kind": "pmpc_conclusion" }, { "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }]));
    assert_eq!(errors(&teacher), vec![]);
    let pmpc_only = with(old.clone(), "documents", json!([{ "kind": "pmpc_conclusion" }]));
    assert_eq!(errors(&pmpc_only), vec![]);
    assert_eq!(Application::from_draft(&draft(&pmpc_only), today()).unwrap().ages_out_on(), None);
    // Without it the age limit holds.
    one_error(&old, "child.iin", "child.too_old");
}

#[test]
fn warning_when_the_child_turns_six_before_next_september() {
    let form = with(valid_form(), "child.iin", json!(iin_for(day(2021, 3, 1), 3)));
    let report = validate(&draft(&form), today(), Lang::En);
    assert!(report.ok);
    assert_eq!(report.warnings.len(), 1);
    assert_eq!(report.warnings[0].code, "child.turns_six_soon");
    assert!(report.warnings[0].message.contains("1 September 2027"));
    assert!(validate(&draft(&valid_form()), today(), Lang::En).warnings.is_empty());
}

#[test]
fn address_and_locality() {
    one_error(&with(valid_form(), "applicant.address", json!(" ")), "applicant.address", "address.empty");
    one_error(&with(valid_form(), "applicant.address", json!("а".repeat(201))), "applicant.address", "address.too_long");
    assert_eq!(errors(&with(valid_form(), "applicant.address", json!("а".repeat(200)))), vec![]);
    one_error(&with(valid_form(), "applicant.locality", json!({})), "applicant.locality", "locality.required");
    one_error(&with(valid_form(), "applicant.locality", json!("Алматы")), "applicant.locality", "locality.required");
    one_error(&with(valid_form(), "applicant.locality.code", json!("75000")), "applicant.locality", "locality.code");
    one_error(&with(valid_form(), "applicant.locality.code", json!("75000000a")), "applicant.locality", "locality.code");
}

#[test]
fn category_and_queue_choices() {
    one_error(&with(valid_form(), "category", Value::Null), "category", "category.required");
    one_error(&with(valid_form(), "category", json!("vip")), "category", "category.required");
    one_error(&with(valid_form(), "queue.kind", json!("express")), "queue.kind", "queue.kind.required");
    one_error(&with(valid_form(), "queue.language", json!("de")), "queue.language", "queue.language.required");
    one_error(&with(valid_form(), "queue.stayMode", json!(3)), "queue.stayMode", "queue.stay_mode.required");
    let special = with(
        with(with(valid_form(), "queue.kind", json!("special")), "queue.kindergarten", json!("kg1")),
        "documents",
        json!([{ "kind": "pmpc_conclusion" }]),
    );
    one_error(&special, "queue.disorder", "queue.disorder.required");
    assert_eq!(errors(&with(special, "queue.disorder", json!("hearing"))), vec![]);
    let sanatorium = with(
        with(with(valid_form(), "queue.kind", json!("sanatorium")), "queue.kindergarten", json!("kg2")),
        "documents",
        json!([{ "kind": "phthisiatrician_conclusion" }]),
    );
    one_error(&sanatorium, "queue.profile", "queue.profile.required");
    let ok = with(sanatorium, "queue.profile", json!("tuberculosis"));
    assert_eq!(errors(&ok), vec![]);
    let app = Application::from_draft(&draft(&ok), today()).unwrap();
    let kg2 = crate::queue::Token::new("kg2").unwrap();
    assert_eq!(app.queue.kind, QueueKind::Sanatorium { kindergarten: kg2, profile: SanatoriumProfile::Tuberculosis });
    assert_eq!(app.queue_key().unwrap().to_string(), format!("750000000-{}-sanatorium-kg2-tuberculosis", app.child.iin.birth_date().format("%Y")));
}

#[test]
fn rule_13_special_and_sanatorium_queues_name_their_kindergarten() {
    for kind in ["special", "sanatorium"] {
        let form = with(valid_form(), "queue", json!({ "kind": kind, "disorder": "speech", "profile": "respiratory", "language": "kk", "stayMode": "full_day" }));
        let form = with(form, "documents", json!([{ "kind": "pmpc_conclusion" }, { "kind": "phthisiatrician_conclusion" }]));
        one_error(&form, "queue.kindergarten", "queue.kindergarten.required");
        one_error(&with(form.clone(), "queue.kindergarten", json!("Балапан №1")), "queue.kindergarten", "queue.kindergarten.required");
        assert_eq!(errors(&with(form, "queue.kindergarten", json!("kg12"))), vec![]);
    }
    // The general queue is the locality's: no kindergarten is asked for.
    let general = Application::from_draft(&draft(&valid_form()), today()).unwrap();
    assert!(general.queue_key().unwrap().to_string().ends_with("-general"));
}

#[test]
fn conclusion_documents_for_special_and_sanatorium_queues() {
    let special = with(valid_form(), "queue", json!({ "kind": "special", "disorder": "autism", "kindergarten": "kg1", "language": "kk", "stayMode": "full_day" }));
    one_error(&special, "documents", "documents.pmpc_required");
    let sanatorium =
        with(valid_form(), "queue", json!({ "kind": "sanatorium", "profile": "respiratory", "kindergarten": "kg1", "language": "kk", "stayMode": "full_day" }));
    one_error(&sanatorium, "documents", "documents.phthisiatrician_required");
    one_error(&with(valid_form(), "category", json!("special_needs")), "documents", "documents.pmpc_required");
}

#[test]
fn phone_rules() {
    one_error(&with(valid_form(), "notifications.phones", json!(["+7 727 123 45 67"])), "notifications.phones.0", "phone.not_mobile");
    one_error(
        &with(valid_form(), "notifications.phones", json!(["+7 701 123 45 67", "8 (701) 123-45-67"])),
        "notifications.phones.1",
        "phone.duplicate",
    );
    one_error(
        &with(valid_form(), "notifications.phones", json!(["+77011234567", "+77771234567", "+77051234567"])),
        "notifications.phones.2",
        "phone.too_many",
    );
    // Blank inputs are skipped but keep their index.
    one_error(&with(valid_form(), "notifications.phones", json!(["", "123"])), "notifications.phones.1", "phone.not_mobile");
    assert_eq!(errors(&with(valid_form(), "notifications.phones", json!(["", "87771234567"]))), vec![]);
    // A list longer than the draft keeps is still too many.
    let many: Vec<String> = (0..20).map(|_| String::new()).chain(["+77011234567".to_owned()]).collect();
    let long = with(valid_form(), "notifications.phones", json!(many));
    assert!(errors(&long).iter().any(|(_, c)| *c == "phone.too_many"));
    let app = Application::from_draft(&draft(&with(valid_form(), "notifications.phones", json!(["+77011234567", "87771234567"]))), today()).unwrap();
    let phones: Vec<&str> = app.notifications.phones.iter().map(MobilePhone::as_str).collect();
    assert_eq!(phones, ["+77011234567", "+77771234567"]);
}

#[test]
fn email_and_notification_channel_rules() {
    one_error(&with(valid_form(), "notifications.email", json!("aigul@")), "notifications.email", "email.format");
    one_error(
        &with(valid_form(), "notifications.email", json!(format!("{}@mail.kz", "a".repeat(250)))),
        "notifications.email",
        "email.too_long",
    );
    one_error(&with(valid_form(), "notifications", json!({ "phones": [], "email": "" })), "notifications", "notifications.none");
    one_error(&with(valid_form(), "notifications", Value::Null), "notifications", "notifications.none");
    let email_only = with(valid_form(), "notifications", json!({ "phones": [""], "email": "aigul@mail.kz" }));
    assert_eq!(errors(&email_only), vec![]);
}

#[test]
fn consent_and_channel() {
    for consent in [json!(false), Value::Null, json!("true"), json!(1)] {
        one_error(&with(valid_form(), "consent", consent), "consent", "consent.required");
    }
    one_error(&with(valid_form(), "channel", json!("fax")), "channel", "channel.required");
    for channel in ["portal", "state_corporation", "provider_office"] {
        assert_eq!(errors(&with(valid_form(), "channel", json!(channel))), vec![]);
    }
}

#[test]
fn document_entries() {
    one_error(&with(valid_form(), "documents.0.kind", json!("passport")), "documents.0.kind", "document.kind");
    one_error(&with(valid_form(), "documents.0.issuedOn", json!("01.11.2026")), "documents.0.issuedOn", "date.format");
    one_error(&with(valid_form(), "documents.0.issuedOn", json!("2026-11-23")), "documents.0.issuedOn", "document.issued_future");
    assert_eq!(errors(&with(valid_form(), "documents.0.issuedOn", json!("2026-11-22"))), vec![]);
    assert_eq!(errors(&with(valid_form(), "documents", json!("none"))), vec![]);
    let many: Vec<Value> = (0..40).map(|_| json!({ "kind": "teacher_diploma" })).collect();
    one_error(&with(valid_form(), "documents", json!(many)), "documents", "documents.too_many");
}

#[test]
fn errors_come_in_form_order() {
    let report = validate(&Draft::from_json("{}").unwrap(), today(), Lang::En);
    let fields: Vec<&str> = report.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "applicant.lastName",
            "applicant.firstName",
            "applicant.iin",
            "applicant.address",
            "applicant.locality",
            "child.lastName",
            "child.firstName",
            "child.iin",
            "category",
            "queue.kind",
            "queue.language",
            "queue.stayMode",
            "notifications",
            "consent",
            "channel",
        ]
    );
}

#[test]
fn wrong_json_types_are_validation_errors() {
    let form = json!({
        "applicant": "Омарова", "child": [1, 2], "category": { "x": 1 }, "queue": 7,
        "notifications": { "phones": "+77011234567", "email": false },
        "consent": "yes", "channel": null, "documents": [1, "x", null, { "kind": 5 }]
    });
    let report = validate(&draft(&form), today(), Lang::Ru);
    assert!(!report.ok);
    assert!(report.errors.iter().any(|e| e.field == "documents.3.kind" && e.code == "document.kind"));
    assert!(report.errors.iter().all(|e| !e.message.is_empty() && e.message != e.code));
}

#[test]
fn unreadable_forms() {
    for text in ["", "not json", "[]", "42", "\"form\"", &"[".repeat(100_000)] {
        let err = Application::from_json(text, today()).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!((&*err[0].field, err[0].code), ("", "form.format"));
    }
    assert_eq!(unreadable_report(Lang::En).errors[0].message, "Send the application again: it could not be read");
}

#[test]
fn huge_strings_are_cheap_length_errors() {
    let huge = "Ә".repeat(10 * 1024 * 1024 / 2);
    let mut form = valid_form();
    for path in ["applicant.lastName", "applicant.address", "child.iin", "notifications.email", "notifications.phones.0", "category", "documents.0.issuedOn"] {
        form = with(form, path, json!(huge));
    }
    let started = std::time::Instant::now();
    let found = errors(&form);
    assert!(started.elapsed().as_secs() < 5);
    let codes: Vec<&str> = found.iter().map(|(_, c)| *c).collect();
    for code in ["name.too_long", "address.too_long", "iin.not_digits", "email.too_long", "phone.not_mobile", "category.required", "date.format"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
}

#[test]
fn every_code_has_a_message_in_every_language() {
    let mut codes: Vec<&str> = vec!["form.format", "child.turns_six_soon"];
    let forms = [
        json!({}),
        with(valid_form(), "child.iin", valid_form()["applicant"]["iin"].clone()),
        with(valid_form(), "applicant.iin", json!(iin_for(day(2023, 1, 1), 5))),
        with(valid_form(), "child.iin", json!(iin_for(day(2019, 1, 1), 5))),
        with(valid_form(), "applicant.lastName", json!("1")),
        with(valid_form(), "applicant.firstName", json!("а".repeat(60))),
        with(valid_form(), "applicant.address", json!("а".repeat(300))),
        with(valid_form(), "applicant.locality.code", json!("1")),
        with(valid_form(), "queue", json!({ "kind": "special" })),
        with(valid_form(), "queue", json!({ "kind": "sanatorium" })),
        with(valid_form(), "notifications", json!({ "phones": ["+77011234567", "+77011234567", "1"], "email": "x" })),
        with(valid_form(), "notifications.email", json!("a".repeat(300))),
        with(valid_form(), "notifications.phones", json!(["1"])),
        with(valid_form(), "documents", json!([{ "kind": "x", "issuedOn": "2030-01-01" }, { "issuedOn": "x" }])),
        with(valid_form(), "documents", json!((0..31).map(|_| json!({})).collect::<Vec<_>>())),
    ];
    for form in &forms {
        codes.extend(rules::check(&draft(form), today()).1.iter().map(|i| i.code));
    }
    codes.sort_unstable();
    codes.dedup();
    for expected in [
        "name.empty", "name.characters", "name.too_long", "address.empty", "address.too_long", "locality.required", "locality.code",
        "child.iin_same_as_applicant", "child.older_than_applicant", "child.too_old", "category.required", "queue.kind.required",
        "queue.disorder.required", "queue.profile.required", "queue.language.required", "queue.stay_mode.required", "phone.not_mobile",
        "phone.duplicate", "phone.too_many", "email.format", "email.too_long", "notifications.none", "consent.required",
        "channel.required", "document.kind", "date.format", "document.issued_future", "documents.too_many", "documents.pmpc_required",
        "documents.phthisiatrician_required", "iin.empty",
    ] {
        assert!(codes.contains(&expected), "{expected} never produced");
    }
    for code in codes {
        for lang in Lang::ALL {
            assert!(i18n::has(lang, code), "{code} has no {} text", lang.code());
        }
    }
}

#[test]
fn validate_field_rechecks_dependent_fields() {
    // Changing the applicant's IIN re-checks the child's IIN rules.
    let form = with(valid_form(), "applicant.iin", json!(iin_for(day(2023, 1, 1), 5)));
    let field = validate_field(&draft(&form), "applicant.iin", today(), Lang::En);
    assert_eq!(field.checked, ["applicant.iin", "child.iin"]);
    assert_eq!(field.errors.len(), 1);
    assert_eq!(field.errors[0].code, "child.older_than_applicant");
    // Only the field itself for a name.
    let form = with(with(valid_form(), "applicant.lastName", json!("")), "child.firstName", json!(""));
    let field = validate_field(&draft(&form), "child.firstName", today(), Lang::En);
    assert_eq!(field.checked, ["child.firstName"]);
    assert_eq!(field.errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["child.firstName"]);
    assert!(!field.ok);
    // The first phone changing re-checks the duplicate on the second and the section.
    let form = with(valid_form(), "notifications.phones", json!(["87011234567", "+77011234567"]));
    let field = validate_field(&draft(&form), "notifications.phones.0", today(), Lang::En);
    assert_eq!(field.checked, ["notifications"]);
    assert_eq!(field.errors[0].field, "notifications.phones.1");
    // The category re-checks documents and the child's age exception.
    let form = with(with(valid_form(), "category", json!("special_needs")), "child.iin", json!(iin_for(day(2019, 5, 5), 3)));
    let field = validate_field(&draft(&form), "category", today(), Lang::En);
    let codes: Vec<&str> = field.errors.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, ["child.too_old", "documents.pmpc_required"]);
    // A locality sub-field maps to the locality's messages.
    let form = with(valid_form(), "applicant.locality.code", json!("1"));
    let field = validate_field(&draft(&form), "applicant.locality.code", today(), Lang::En);
    assert_eq!(field.errors[0].field, "applicant.locality");
    // A valid field reports ok.
    assert!(validate_field(&draft(&valid_form()), "child.iin", today(), Lang::En).ok);
}

#[test]
fn validate_field_ignores_paths_that_are_not_fields() {
    let form = json!({});
    for field in [String::new(), "x".repeat(10_000_000)] {
        let report = validate_field(&draft(&form), &field, today(), Lang::En);
        assert!(report.checked.is_empty() && report.errors.is_empty() && report.ok);
    }
}

#[test]
fn is_under_matches_paths_by_segments() {
    assert!(is_under("documents.0.kind", "documents"));
    assert!(is_under("notifications", "notifications.phones.0"));
    assert!(!is_under("documentsX", "documents"));
    assert!(!is_under("child.iin", "child.iinX"));
    assert!(!is_under("", "child.iin"));
}

#[test]
fn to_draft_round_trips_normalised() {
    let form = with(
        with(valid_form(), "applicant.lastName", json!("  Омарова  ")),
        "queue",
        json!({ "kind": "special", "disorder": "speech", "kindergarten": " kg7 ", "language": "ru", "stayMode": "part_day" }),
    );
    let form = with(with(form, "documents", json!([{ "kind": "pmpc_conclusion", "issuedOn": "2026-10-01" }])), "notifications.phones", json!(["8 (701) 123-45-67"]));
    let app = Application::from_draft(&draft(&form), today()).unwrap();
    let stored = serde_json::to_value(app.to_draft()).unwrap();
    assert_eq!(stored["applicant"]["lastName"], json!("Омарова"));
    assert_eq!(stored["notifications"]["phones"], json!(["+77011234567"]));
    assert_eq!(stored["queue"], json!({ "kind": "special", "disorder": "speech", "profile": null, "kindergarten": "kg7", "language": "ru", "stayMode": "part_day" }));
    assert_eq!(stored["consent"], json!(true));
    assert_eq!(Application::from_json(&stored.to_string(), today()), Ok(app));
}

