use super::*;
use serde_json::json;

fn day(text: &str) -> NaiveDate {
    parse_date(text).unwrap()
}

/// Sunday.
fn today() -> NaiveDate {
    day("2026-11-22")
}

fn request(input: serde_json::Value) -> ChecklistRequest {
    ChecklistInput::from_json(&input.to_string()).unwrap().to_request()
}

fn with_rules<R>(f: impl FnOnce(&Deadlines) -> R) -> R {
    let calendar = Calendar::builtin();
    f(&Deadlines::new(&calendar, &crate::status::ServicePolicy::RULES))
}

fn list(input: serde_json::Value) -> Checklist {
    with_rules(|d| checklist(&request(input), today(), d, Lang::En))
}

/// `(id, source, required)` of every item.
fn lines(input: serde_json::Value) -> Vec<(&'static str, Source, bool)> {
    list(input).items.iter().map(|i| (i.id.id(), i.source, i.required)).collect()
}

fn item(input: serde_json::Value, kind: DocumentKind) -> ChecklistItem {
    list(input).items.into_iter().find(|i| i.id == kind).expect("item listed")
}

use Source::{OriginalToProvider as Original, StateSystem as State, Upload};

#[test]
fn defaults_are_portal_registration_for_a_resident_without_category() {
    assert_eq!(request(json!({})), ChecklistRequest::default());
    assert_eq!(lines(json!({})), [("applicant_identity", State, true), ("child_birth_certificate", State, true)]);
    let empty = list(json!({}));
    assert_eq!(empty.service, Service::QueueRegistration);
    assert!(empty.items.iter().all(|i| i.status.is_none()));
    assert_eq!(empty.originals_due_on, None, "nothing uploaded, nothing to bring");
    // Unknown values fall back to the defaults.
    assert_eq!(request(json!({ "service": "x", "channel": 5, "category": "vip", "queueKind": [] })), ChecklistRequest::default());
    assert!(ChecklistInput::from_json("[1]").is_none());
}

#[test]
fn offices_add_the_paper_application_and_identity() {
    for channel in ["state_corporation", "provider_office"] {
        assert_eq!(
            lines(json!({ "channel": channel })),
            [("application", Original, true), ("applicant_identity", Original, true), ("child_birth_certificate", State, true)]
        );
        assert_eq!(list(json!({ "channel": channel, "category": "teacher" })).originals_due_on, None);
    }
}

#[test]
fn workplace_certificates_per_category_and_channel() {
    for (category, kind) in [
        ("serviceman", "serviceman_workplace_certificate"),
        ("special_state_body", "special_state_body_workplace_certificate"),
        ("teacher", "teacher_workplace_certificate"),
    ] {
        let portal = lines(json!({ "category": category }));
        assert_eq!(portal.get(2), Some(&(kind, Upload, true)), "{category}");
        assert_eq!(portal.len(), 3, "{category}: the portal has no diploma");
        let office = lines(json!({ "category": category, "channel": "provider_office" }));
        assert_eq!(office.get(3), Some(&(kind, Original, true)), "{category}");
    }
    let teacher_office = lines(json!({ "category": "teacher", "channel": "state_corporation" }));
    assert_eq!(teacher_office.last(), Some(&("teacher_diploma", Original, true)));
}

#[test]
fn priority_rights_come_from_state_systems_for_residents() {
    for category in ["disabled_parent", "no_parental_care", "orphan", "large_family", "disabled_child_in_family"] {
        assert_eq!(lines(json!({ "category": category })).last(), Some(&("priority_right_confirmation", State, true)), "{category}");
        assert_eq!(
            lines(json!({ "category": category, "resident": false })).last(),
            Some(&("priority_right_confirmation", Upload, true)),
            "{category}"
        );
        assert_eq!(
            lines(json!({ "category": category, "resident": false, "channel": "provider_office" })).last(),
            Some(&("priority_right_confirmation", Original, true)),
            "{category}"
        );
    }
    for category in ["none", "special_needs", "serviceman", "teacher"] {
        assert!(lines(json!({ "category": category })).iter().all(|l| l.0 != "priority_right_confirmation"), "{category}");
    }
}

#[test]
fn pmpc_and_phthisiatrician_conclusions() {
    let pmpc = ("pmpc_conclusion", Upload, true);
    assert_eq!(lines(json!({ "category": "special_needs" })).last(), Some(&pmpc));
    assert_eq!(lines(json!({ "specialNeeds": true, "category": "large_family" })).last(), Some(&pmpc));
    assert_eq!(lines(json!({ "queueKind": "special" })).last(), Some(&pmpc));
    assert_eq!(lines(json!({ "queueKind": "special", "channel": "provider_office" })).last(), Some(&("pmpc_conclusion", Original, true)));
    assert_eq!(lines(json!({ "queueKind": "sanatorium" })).last(), Some(&("phthisiatrician_conclusion", Upload, true)));
    let both = lines(json!({ "queueKind": "sanatorium", "specialNeeds": true }));
    assert_eq!(&both[2..], [pmpc, ("phthisiatrician_conclusion", Upload, true)]);
    assert!(lines(json!({ "queueKind": "general" })).iter().all(|l| !l.0.ends_with("_conclusion")));
}

#[test]
fn non_residents_bring_what_the_state_systems_do_not_hold() {
    assert_eq!(lines(json!({ "resident": false })), [("applicant_identity", Upload, true), ("child_birth_certificate", Upload, true)]);
    assert_eq!(
        lines(json!({ "resident": false, "channel": "state_corporation" })),
        [("application", Original, true), ("applicant_identity", Original, true), ("child_birth_certificate", Original, true)]
    );
}

#[test]
fn admission_for_residents() {
    let expected = [
        ("referral", State, true),
        ("applicant_identity", Original, true),
        ("child_birth_certificate", State, true),
        ("child_health_passport", Original, true),
        ("child_health_certificate", Original, true),
    ];
    assert_eq!(lines(json!({ "service": "00403002" })), expected);
    // The channel and the category do not change the admission list.
    assert_eq!(lines(json!({ "service": "00403002", "channel": "state_corporation", "category": "teacher" })), expected);
    let special = lines(json!({ "service": "00403002", "specialNeeds": true }));
    assert_eq!(special.last(), Some(&("pmpc_conclusion", Original, true)));
    assert_eq!(lines(json!({ "service": "00403002", "queueKind": "special" })).len(), 6);
    // An emergency lets items 4-6 come later.
    let emergency = lines(json!({ "service": "00403002", "specialNeeds": true, "emergency": true }));
    let optional: Vec<&str> = emergency.iter().filter(|l| !l.2).map(|l| l.0).collect();
    assert_eq!(optional, ["child_health_passport", "child_health_certificate", "pmpc_conclusion"]);
    assert_eq!(list(json!({ "service": "00403002" })).originals_due_on, None);
}

#[test]
fn admission_for_non_residents() {
    assert_eq!(
        lines(json!({ "service": "00403002", "resident": false, "specialNeeds": true })),
        [
            ("application", Original, true),
            ("applicant_identity", Original, true),
            ("child_birth_certificate", Original, true),
            ("vaccination_card", Original, true),
            ("child_health_passport", Original, true),
            ("child_health_certificate", Original, true),
            ("pmpc_conclusion", Original, true),
        ]
    );
    let why = item(json!({ "service": "00403002", "resident": false }), DocumentKind::VaccinationCard).why;
    assert_eq!(why, "Rules, Appendix 4, documents for non-residents");
}

#[test]
fn one_month_runs_to_the_same_day_or_the_months_end() {
    let cal = Calendar::builtin();
    let kind = DocumentKind::TeacherWorkplaceCertificate;
    assert_eq!(valid_through(kind, day("2026-11-01"), &cal), Some(day("2026-12-01")));
    assert_eq!(valid_through(kind, day("2027-01-31"), &cal), Some(day("2027-02-28")));
    assert_eq!(valid_through(kind, day("2028-01-31"), &cal), Some(day("2028-02-29")));
    assert_eq!(valid_through(kind, day("2026-12-31"), &cal), Some(day("2027-01-31")));
    assert_eq!(valid_through(DocumentKind::TeacherDiploma, day("2026-12-31"), &cal), None);
}

#[test]
fn workplace_certificate_status_boundaries() {
    let status_on = |submitted: &str| {
        let input = json!({ "category": "serviceman", "submittedOn": submitted,
                            "documents": [{ "kind": "serviceman_workplace_certificate", "issuedOn": "2026-11-01" }] });
        let item = item(input, DocumentKind::ServicemanWorkplaceCertificate);
        assert_eq!(item.valid_through.as_deref(), Some("2026-12-01"));
        item.status
    };
    assert_eq!(status_on("2026-11-01"), Some(Validity::Ok));
    assert_eq!(status_on("2026-11-25"), Some(Validity::Ok), "6 days left");
    assert_eq!(status_on("2026-11-26"), Some(Validity::ExpiresSoon), "5 days left");
    assert_eq!(status_on("2026-12-01"), Some(Validity::ExpiresSoon), "the last valid day");
    assert_eq!(status_on("2026-12-02"), Some(Validity::Expired));
    // Without submittedOn the judgement day is today (22 November: 9 days left).
    let today_item = item(
        json!({ "category": "serviceman", "documents": [{ "kind": "serviceman_workplace_certificate", "issuedOn": "2026-11-01" }] }),
        DocumentKind::ServicemanWorkplaceCertificate,
    );
    assert_eq!(today_item.status, Some(Validity::Ok));
}

#[test]
fn missing_documents() {
    // Not supplied, supplied without a date, and dated after the judgement day.
    for documents in [json!([]), json!([{ "kind": "teacher_workplace_certificate" }]), json!([{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-23" }])] {
        let item = item(json!({ "category": "teacher", "documents": documents }), DocumentKind::TeacherWorkplaceCertificate);
        assert_eq!(item.status, Some(Validity::Missing), "{documents}");
        assert_eq!(item.valid_through, None);
    }
    // An undated document of a kind that does not expire is simply there.
    let pmpc = item(json!({ "queueKind": "special", "documents": [{ "kind": "pmpc_conclusion" }] }), DocumentKind::PmpcConclusion);
    assert_eq!(pmpc.status, Some(Validity::Ok));
    let none = item(json!({ "queueKind": "special" }), DocumentKind::PmpcConclusion);
    assert_eq!(none.status, Some(Validity::Missing));
    // The latest of several certificates counts.
    let two = item(
        json!({ "category": "teacher", "submittedOn": "2026-11-20", "documents": [
            { "kind": "teacher_workplace_certificate", "issuedOn": "2026-09-01" },
            { "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-10" }] }),
        DocumentKind::TeacherWorkplaceCertificate,
    );
    assert_eq!((two.status, two.valid_through.as_deref()), (Some(Validity::Ok), Some("2026-12-10")));
}

#[test]
fn health_certificate_three_calendar_days_before_the_contract() {
    let status = |issued: &str, contract: Option<&str>| {
        let mut input = json!({ "service": "00403002", "documents": [{ "kind": "child_health_certificate", "issuedOn": issued }] });
        if let Some(c) = contract {
            input["contractOn"] = json!(c);
        }
        let item = item(input, DocumentKind::ChildHealthCertificate);
        (item.status, item.valid_through)
    };
    assert_eq!(status("2026-03-01", Some("2026-03-04")), (Some(Validity::Ok), Some("2026-03-04".to_owned())));
    assert_eq!(status("2026-03-01", Some("2026-03-01")), (Some(Validity::Ok), Some("2026-03-04".to_owned())));
    assert_eq!(status("2026-03-01", Some("2026-03-05")).0, Some(Validity::Expired));
    // Judged on today without a contract date: always within the "soon" window while valid.
    assert_eq!(status("2026-11-20", None).0, Some(Validity::ExpiresSoon));
    assert_eq!(status("2026-11-18", None).0, Some(Validity::Expired));
}

#[test]
fn referral_five_working_days_from_issue() {
    let cal = Calendar::builtin();
    // Friday 20 November: Monday 23 to Friday 27 are the five working days.
    assert_eq!(valid_through(DocumentKind::Referral, day("2026-11-20"), &cal), Some(day("2026-11-27")));
    // Over Independence Day (16 December, Wednesday) the referral lasts a day longer.
    let across = valid_through(DocumentKind::Referral, day("2026-12-14"), &cal).unwrap();
    assert_eq!(across, cal.add_working_days(day("2026-12-14"), 5).unwrap());
    assert_eq!(across, day("2026-12-22"), "15, 17, 18, 21 and 22 December; 16 is off: {across}");
    let status = |contract: &str| {
        let item = item(
            json!({ "service": "00403002", "contractOn": contract, "documents": [{ "kind": "referral", "issuedOn": "2026-11-20" }] }),
            DocumentKind::Referral,
        );
        item.status
    };
    assert_eq!(status("2026-11-20"), Some(Validity::Ok));
    assert_eq!(status("2026-11-21"), Some(Validity::Ok), "6 days left");
    assert_eq!(status("2026-11-22"), Some(Validity::ExpiresSoon), "5 days left");
    assert_eq!(status("2026-11-27"), Some(Validity::ExpiresSoon), "the last valid day");
    assert_eq!(status("2026-11-28"), Some(Validity::Expired));
}

#[test]
fn originals_are_due_five_working_days_after_acceptance() {
    assert_eq!(with_rules(|d| originals_due_on(day("2026-11-20"), d)), Some(day("2026-11-27")));
    // Sunday: accepted on Monday 23, due Monday 30.
    assert_eq!(with_rules(|d| originals_due_on(day("2026-11-22"), d)), Some(day("2026-11-30")));
    let portal = list(json!({ "category": "teacher", "submittedOn": "2026-11-20" }));
    assert_eq!(portal.originals_due_on.as_deref(), Some("2026-11-27"));
    assert_eq!(list(json!({ "category": "teacher" })).originals_due_on.as_deref(), Some("2026-11-30"));
}

#[test]
fn every_title_and_reason_is_translated() {
    for lang in Lang::ALL {
        for kind in DocumentKind::ALL {
            assert!(i18n::has(lang, &format!("checklist.{}", kind.id())), "{} {}", kind.id(), lang.code());
        }
        let r = request(json!({ "category": "teacher", "channel": "provider_office" }));
        let items = with_rules(|d| checklist(&r, today(), d, lang)).items;
        assert!(items.iter().all(|i| !i.title.starts_with("checklist.") && !i.why.contains('{')));
    }
    assert_eq!(item(json!({ "category": "teacher" }), DocumentKind::TeacherWorkplaceCertificate).why, "Rules, Appendix 2, item 5");
}

#[test]
fn rules_5_and_6_a_submission_lacking_a_required_document_is_refused_with_the_list() {
    let cal = Calendar::builtin();
    // A teacher's child on the portal: the workplace certificate must be uploaded and valid.
    let teacher = request(json!({ "category": "teacher", "submittedOn": "2026-11-20" }));
    let missing_list = missing(&teacher, today(), &cal, Lang::En);
    assert_eq!(missing_list.iter().map(|i| (i.id, i.status)).collect::<Vec<_>>(), [(DocumentKind::TeacherWorkplaceCertificate, Some(Validity::Missing))]);
    // Issued two months before: expired, so still refused.
    let old = request(json!({ "category": "teacher", "submittedOn": "2026-11-20", "documents": [{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-09-01" }] }));
    assert_eq!(missing(&old, today(), &cal, Lang::Ru)[0].status, Some(Validity::Expired));
    let fresh = request(json!({ "category": "teacher", "submittedOn": "2026-11-20", "documents": [{ "kind": "teacher_workplace_certificate", "issuedOn": "2026-11-02" }] }));
    assert!(missing(&fresh, today(), &cal, Lang::En).is_empty());
    // What the state systems hold is never asked for.
    assert!(missing(&request(json!({ "category": "large_family" })), today(), &cal, Lang::En).is_empty());
}

#[test]
fn rule_22_originals_are_needed_only_for_what_the_state_systems_do_not_hold() {
    assert!(!needs_originals(&request(json!({ "category": "none" }))), "the portal and state systems hold everything");
    assert!(needs_originals(&request(json!({ "category": "serviceman" }))), "the employer's certificate");
    assert!(needs_originals(&request(json!({ "category": "none", "channel": "provider_office" }))), "at the office the originals are shown");
    let mut unconfirmed = request(json!({ "category": "large_family" }));
    assert!(!needs_originals(&unconfirmed));
    // The state systems do not confirm the large family: the applicant brings the confirmation.
    unconfirmed.grounds_confirmed = false;
    assert!(needs_originals(&unconfirmed));
}
