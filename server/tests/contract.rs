//! `server/openapi.yaml` against the request and response types of `kezek::contract` (the one
//! definition the server's handlers and the package's client share).
//!
//! For each type, samples are serialized and validated against the type's schema in the
//! document (JSON Schema 2020-12, the dialect of OpenAPI 3.1, formats checked), and every
//! object's property names are compared both ways with the schema's: a field the document does
//! not name, or a property no type has, fails. Samples of a type together set every optional
//! field, so the union of their names is the type's fields; the status samples cover every
//! state of the core's `Status`.

use chrono::{DateTime, NaiveDate, Utc};
use kezek::application::{ApplicantDraft, DocumentDraft, Draft, LocalityDraft, NotificationsDraft, PersonDraft, QueueDraft};
use kezek::contract::*;
use kezek::status::{ArchiveReason, ExtensionReason, RefusalReason, ServicePolicy, Status, StopReason, WindowRound};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

fn document() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).expect("openapi.yaml");
    serde_yaml::from_str(&text).expect("openapi.yaml is YAML")
}

/// A JSON pointer from path segments (`/` and `~` escaped).
fn pointer(segments: &[&str]) -> String {
    segments.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

fn request(path: &str, method: &str) -> String {
    pointer(&["paths", path, method, "requestBody", "content", "application/json", "schema"])
}

fn response(path: &str, method: &str, status: &str) -> String {
    pointer(&["paths", path, method, "responses", status, "content", "application/json", "schema"])
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("instant").with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// Every state of the core's status.
fn statuses() -> Vec<Status> {
    vec![
        Status::AwaitingOriginals { submitted_at: instant("2026-11-30T05:00:00Z") },
        Status::Queued { interested: true },
        Status::WindowOpen { opened_on: date("2026-12-01"), round: WindowRound::Priority },
        Status::Referred { issued_at: instant("2026-12-01T02:00:00Z"), extended_until: Some(date("2026-12-20")), counts_from: Some(date("2026-12-05")) },
        Status::TemporaryStay { until: date("2027-05-31") },
        Status::StopListed { reason: StopReason::UnreliableData },
        Status::Admitted { at: instant("2026-12-10T04:00:00Z") },
        Status::Withdrawn { at: instant("2026-12-10T04:00:00Z") },
        Status::Refused { reasons: vec![RefusalReason::ALL[0]] },
        Status::Archived { reason: ArchiveReason::ALL[0], at: instant("2027-09-01T00:00:00Z") },
    ]
}

fn referral() -> ReferralView {
    ReferralView {
        id: "r1".into(),
        application_number: "1234567890123".into(),
        vacancy_id: "v1".into(),
        issued_at: "2026-12-01T02:00:00.000Z".into(),
        state: "active".into(),
        extended_until: Some("2026-12-20".into()),
        extension_reason: Some("illness".into()),
        end_reason: Some("admitted".into()),
    }
}

fn views() -> Vec<ApplicationView> {
    statuses()
        .into_iter()
        .map(|status| ApplicationView {
            number: "1234567890123".into(),
            queue: "750000000-2022-special-kg1-speech".into(),
            public_queue: "750000000-2022-special-kg1-q_3f09a1c27be45d10".into(),
            submitted_at: "2026-11-30T05:00:00.000Z".into(),
            status,
            position: Some(PositionView { queue_number: 12, ahead_extraordinary: 1, ahead_priority: 2, ahead_general: 8 }),
            referral: Some(referral()),
            seats: vec![SeatView { vacancy_id: "v1".into(), kindergarten: "Balapan".into(), language: "kk".into(), age_group: 3, stay_mode: "full_day".into(), free: 2, claimable: true }],
            pool: PoolView { age_group: 3, stay_mode: "full_day".into() },
        })
        .collect()
}

fn draft() -> Draft<'static> {
    let text = |s: &'static str| Some(s.into());
    Draft {
        applicant: ApplicantDraft {
            last_name: text("Сейтқали"),
            first_name: text("Айгүл"),
            middle_name: text("Маратқызы"),
            iin: text("900515400123"),
            address: text("Астана, Мәңгілік Ел 8"),
            locality: LocalityDraft { code: text("710000000"), name: text("Астана") },
        },
        child: PersonDraft { last_name: text("Сейтқали"), first_name: text("Әлия"), middle_name: text("Ерланқызы"), iin: text("220301600123") },
        category: text("large_family"),
        queue: QueueDraft {
            kind: text("special"),
            disorder: text("speech"),
            profile: text("tuberculosis"),
            kindergarten: text("kg2"),
            language: text("kk"),
            stay_mode: text("full_day"),
        },
        notifications: NotificationsDraft { phones: vec![text("+77011234567")], email: text("a@example.kz"), too_many_phones: false },
        consent: Some(true),
        channel: text("portal"),
        documents: vec![DocumentDraft { kind: text("birth_certificate"), issued_on: text("2022-03-05") }],
        too_many_documents: false,
    }
}

fn vacancy(detail: &str) -> BulletinVacancy {
    BulletinVacancy {
        id: "v1".into(),
        kindergarten_id: "kg1".into(),
        kindergarten: "Balapan".into(),
        locality_code: "710000000".into(),
        age_group: 3,
        language: "kk".into(),
        stay_mode: "full_day".into(),
        group_kind: "special".into(),
        group_detail: detail.into(),
        capacity: 20,
        free: 2,
        admission_mode: "early_booking".into(),
        admission_starts_on: Some("2026-12-15".into()),
        stay_until: Some("2027-05-31".into()),
        published_on: Some("2026-11-30".into()),
    }
}

fn register() -> RegisterAnswer {
    let hashes = vec!["47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=".to_owned()];
    RegisterAnswer {
        checkpoint: "kezek.example/log\n2\nAAAA\n\n— kezek AAAA\n".into(),
        verifier_key: "kezek+1+AAAA".into(),
        entry: "AAEC".into(),
        entry_index: 0,
        inclusion_proof: hashes.clone(),
        consistency_proof: Some(hashes.clone()),
        snapshot: Some(SnapshotProof { entry: "AAEC".into(), index: 1, inclusion_proof: hashes.clone(), log_size: 1 }),
        history: vec![HistoryProof { entry: "AAEC".into(), entry_index: 1, inclusion_proof: hashes }],
    }
}

fn me() -> Me {
    Me {
        iin: Some("900515400123".into()),
        family_name: Some("Сейтқали".into()),
        given_name: Some("Айгүл".into()),
        locale: Some("kk".into()),
        lang: "kk".into(),
        roles: vec![StaffRole::EducationDepartment { locality: "710000000".into() }, StaffRole::Kindergarten { kindergarten: "kg1".into() }],
        expires_at: "2026-12-01T10:00:00.000Z".into(),
    }
}

fn json<T: Serialize>(values: impl IntoIterator<Item = T>) -> Vec<Value> {
    values.into_iter().map(|v| serde_json::to_value(v).expect("serializes")).collect()
}

/// Each type of the contract, the pointer of its schema in the document, and its samples.
fn cases() -> Vec<(&'static str, String, Vec<Value>)> {
    let app = "/api/applications/{number}";
    vec![
        ("Draft (submission)", request("/api/applications", "post"), json([draft()])),
        ("SubmitAnswer", response("/api/applications", "post", "201"), json(statuses().into_iter().map(|status| SubmitAnswer { number: "1234567890123".into(), token: "t0k3n".into(), submitted_at: "2026-11-30T05:00:00.000Z".into(), queue: "750000000-2022-general".into(), status }))),
        ("ApplicationView (status)", response(&format!("{app}/status"), "get", "200"), json(views())),
        ("ApplicationView (withdraw)", response(&format!("{app}/withdraw"), "post", "200"), json(views())),
        ("ApplicationView (interest)", response(&format!("{app}/interest"), "post", "200"), json(views())),
        ("MyApplications", response("/api/me/applications", "get", "200"), json([MyApplications { applications: views() }])),
        ("Interest", request(&format!("{app}/interest"), "post"), json([Interest { interested: false }])),
        ("NoFields (withdraw)", request(&format!("{app}/withdraw"), "post"), json([NoFields {}])),
        ("NoFields (token)", request(&format!("{app}/token"), "post"), json([NoFields {}])),
        ("TokenAnswer", response(&format!("{app}/token"), "post", "200"), json([TokenAnswer { number: "1234567890123".into(), token: "t0k3n".into() }])),
        ("NotificationSettings (get)", response(&format!("{app}/notifications"), "get", "200"), json([NotificationSettings { email: true, sms: false, lang: Language::Ru }])),
        ("NotificationSettings (post)", request(&format!("{app}/notifications"), "post"), json([NotificationSettings { email: false, sms: true, lang: Language::En }])),
        ("ClaimRequest", request("/api/claims", "post"), json([ClaimRequest { number: "1234567890123".into(), vacancy_id: "v1".into() }])),
        ("ReferralView (claim)", response("/api/claims", "post", "201"), json([referral()])),
        ("CancelRequest", request("/api/referrals/{id}/cancel", "post"), json([CancelRequest { number: "1234567890123".into() }])),
        ("ReferralView (cancel)", response("/api/referrals/{id}/cancel", "post", "200"), json([referral()])),
        ("ExtendRequest", request("/api/referrals/{id}/extend", "post"), json(ExtensionReason::ALL.iter().map(|&reason| ExtendRequest { number: "1234567890123".into(), reason, until: Some(date("2026-12-20")) }))),
        ("ReferralView (extend)", response("/api/referrals/{id}/extend", "post", "200"), json([referral()])),
        ("RegisterAnswer", response(&format!("{app}/register"), "get", "200"), json([register()])),
        ("Bulletin", response("/api/bulletin", "get", "200"), json([Bulletin { published_on: Some("2026-11-30".into()), vacancies: vec![vacancy("speech"), vacancy("")] }])),
        ("ServicePolicy", response("/api/policy", "get", "200"), json([ServicePolicy::default()])),
        ("Time", response("/api/time", "get", "200"), json([time()])),
        ("Time (demo clock)", response("/api/demo/clock", "post", "200"), json([time()])),
        ("ClockMove", request("/api/demo/clock", "post"), json([ClockMove { advance: Some("PT1H".into()), to: None }, ClockMove { advance: None, to: Some(instant("2026-12-01T02:00:00Z")) }])),
        ("Me", response("/api/me", "get", "200"), json([me()])),
        ("ErrorBody", pointer(&["components", "responses", "Error", "content", "application/json", "schema"]), json([ErrorBody { errors: vec![ApiIssue::new("child.iin", "iin.checksum", "The IIN's check digit is wrong")] }])),
    ]
}

fn time() -> Time {
    Time { now: "2026-12-01T02:00:00.000Z".into(), local: "2026-12-01T07:00:00+05:00".into(), local_date: "2026-12-01".into(), demo: true, sign_in: false }
}

#[test]
fn every_sample_of_the_contract_validates_against_its_schema() {
    let mut doc = document();
    let mut failures = Vec::new();
    for (name, at, samples) in cases() {
        assert!(doc.pointer(&at).is_some(), "{name}: openapi.yaml has no schema at {at}");
        // The whole document is the schema (so every `$ref` resolves), entered at the type's schema.
        // (A URI fragment: the path template's braces percent-encoded.)
        doc["$ref"] = Value::String(format!("#{}", at.replace('{', "%7B").replace('}', "%7D")));
        let validator = jsonschema::draft202012::options().should_validate_formats(true).build(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        for sample in &samples {
            for error in validator.iter_errors(sample) {
                failures.push(format!("{name}: {} at {}: {error}", error.schema_path, error.instance_path));
            }
        }
    }
    assert!(failures.is_empty(), "samples that break their schema:\n{}", failures.join("\n"));
}

#[test]
fn the_document_names_exactly_the_fields_of_each_type() {
    let doc = document();
    let mut failures = Vec::new();
    for (name, at, samples) in cases() {
        let schema = doc.pointer(&at).unwrap_or_else(|| panic!("{name}: no schema at {at}"));
        compare(&doc, vec![schema], samples.iter().collect(), name, &mut failures);
    }
    assert!(failures.is_empty(), "property names that differ from the types' fields:\n{}", failures.join("\n"));
}

/// The schemas `schema` stands for: `$ref` followed, `allOf`, `oneOf` and `anyOf` flattened.
fn branches<'a>(doc: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let target = doc.pointer(target.trim_start_matches('#')).unwrap_or_else(|| panic!("dangling $ref {target}"));
        branches(doc, target, out);
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        for branch in schema.get(combinator).and_then(Value::as_array).into_iter().flatten() {
            branches(doc, branch, out);
        }
    }
    out.push(schema);
}

/// Compares, at `path`, the union of the samples' member names with the union of the schemas'
/// `properties`, then goes into each member and array item.
fn compare(doc: &Value, schemas: Vec<&Value>, values: Vec<&Value>, path: &str, failures: &mut Vec<String>) {
    let mut flat = Vec::new();
    for schema in schemas {
        branches(doc, schema, &mut flat);
    }
    let objects: Vec<_> = values.iter().filter_map(|v| v.as_object()).collect();
    let described: Vec<_> = flat.iter().filter_map(|s| s.get("properties").and_then(Value::as_object)).collect();
    if !objects.is_empty() && !described.is_empty() {
        let fields: BTreeSet<&String> = objects.iter().flat_map(|o| o.keys()).collect();
        let properties: BTreeSet<&String> = described.iter().flat_map(|p| p.keys()).collect();
        let undocumented: Vec<_> = fields.difference(&properties).collect();
        let unknown: Vec<_> = properties.difference(&fields).collect();
        if !undocumented.is_empty() || !unknown.is_empty() {
            failures.push(format!("{path}: fields the document does not name {undocumented:?}; properties no field has {unknown:?}"));
        }
        for field in fields.intersection(&properties) {
            let schemas = described.iter().filter_map(|p| p.get(*field)).collect();
            let values = objects.iter().filter_map(|o| o.get(*field)).collect();
            compare(doc, schemas, values, &format!("{path}.{field}"), failures);
        }
    }
    let items: Vec<&Value> = values.iter().filter_map(|v| v.as_array()).flatten().collect();
    let item_schemas: Vec<&Value> = flat.iter().filter_map(|s| s.get("items")).collect();
    if !items.is_empty() && !item_schemas.is_empty() {
        compare(doc, item_schemas, items, &format!("{path}[]"), failures);
    }
}
