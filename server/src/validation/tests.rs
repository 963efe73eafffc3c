use super::*;
use kezek::i18n::Lang;
use crate::synthetic::{application, Person};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn body() -> Value {
    application(&Person {
        child_birth: NaiveDate::from_ymd_opt(2022, 5, 14).unwrap(),
        seed: 11,
        locality_code: "750000000",
        category: "teacher",
        kind: "general",
        stay_mode: "full_day",
        language: "kk",
    })
}

fn codes(result: Result<Submission, Vec<ApiIssue>>) -> Vec<(String, String)> {
    result.unwrap_err().into_iter().map(|i| (i.field, i.code)).collect()
}

#[test]
fn a_complete_application_passes() {
    let submission = validate(&body(), today(), Lang::En).unwrap();
    assert_eq!(submission.class, PriorityClass::Priority);
    assert_eq!(submission.queue_key(), "750000000-2022-general");
    assert_eq!(submission.ages_out_on, NaiveDate::from_ymd_opt(2028, 9, 1));
}

#[test]
fn a_wrong_check_digit_is_reported_on_the_field() {
    let mut b = body();
    let iin = b["child"]["iin"].as_str().unwrap().to_string();
    let last = iin.as_bytes()[11] - b'0';
    b["child"]["iin"] = Value::String(format!("{}{}", &iin[..11], (last + 1) % 10));
    assert_eq!(codes(validate(&b, today(), Lang::En)), vec![("child.iin".into(), "iin.checksum".into())]);
}

#[test]
fn consent_category_and_kind_are_required() {
    let mut b = body();
    b["consent"] = Value::Bool(false);
    b["category"] = Value::String("vip".into());
    b["queue"]["kind"] = Value::String("special".into());
    let found = codes(validate(&b, today(), Lang::En));
    assert!(found.contains(&("consent".into(), "consent.required".into())));
    assert!(found.contains(&("category".into(), "category.required".into())), "{found:?}");
    assert!(found.contains(&("queue.disorder".into(), "queue.disorder.required".into())), "{found:?}");
}

#[test]
fn at_most_two_phones() {
    let mut b = body();
    b["notifications"]["phones"] = serde_json::json!(["+77010000000", "+77010000001", "+77010000002"]);
    let found = codes(validate(&b, today(), Lang::En));
    assert!(found.iter().any(|(_, code)| code == "phone.too_many"), "{found:?}");
}

#[test]
fn rule_18_a_child_six_by_september_is_refused() {
    let mut b = body();
    b["child"]["iin"] = Value::String(crate::synthetic::iin(NaiveDate::from_ymd_opt(2020, 8, 31).unwrap(), false, 5));
    assert_eq!(codes(validate(&b, today(), Lang::En)), vec![("child.iin".into(), "child.too_old".into())]);
    // Born 2 September 2020: not yet 6 on 1 September 2026, so still in the queue this school year.
    b["child"]["iin"] = Value::String(crate::synthetic::iin(NaiveDate::from_ymd_opt(2020, 9, 2).unwrap(), false, 5));
    assert!(validate(&b, today(), Lang::En).is_ok());
}

#[test]
fn ageing_out_dates() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(ages_out_on(d(2020, 9, 1)), Some(d(2026, 9, 1)));
    assert_eq!(ages_out_on(d(2020, 9, 2)), Some(d(2027, 9, 1)));
    assert_eq!(ages_out_on(d(2020, 2, 29)), Some(d(2026, 9, 1)));
    assert_eq!(full_years(d(2022, 5, 14), d(2026, 9, 1)), 4);
    assert_eq!(school_year_start(d(2026, 8, 31)), d(2025, 9, 1));
}

#[test]
fn messages_follow_the_language() {
    let mut b = body();
    b["consent"] = Value::Bool(false);
    let ru = validate(&b, today(), Lang::Ru).unwrap_err();
    let en = validate(&b, today(), Lang::En).unwrap_err();
    assert_eq!(ru[0].code, en[0].code);
    assert_ne!(ru[0].message, en[0].message);
    assert_eq!(en[0].message, kezek::i18n::text(Lang::En, "consent.required"));
}
